// The store's indexes of one context's cached objects: by uid (which resource holds it, as a
// live ref), by owner uid (ownerReferences), by label (key → value → uids: "which pods does
// this selector pick", "what carries helm.toolkit.fluxcd.io/name=redis") and by Flux
// inventory (an entry's group/kind/namespace/name → the Kustomizations and HelmReleases whose
// status.inventory lists it). Pure data over the objects the informers report; which informer
// still holds an object is the caller's to say. Each index is kept from the object it last
// indexed for a uid (whichever scope reported it), so an object held by two scopes is indexed
// once, as its latest copy.
import { FLUX_KIND_GROUPS, inventory } from '../model/flux.js';
import { matchLabels, type LabelSelector } from '../model/selector.js';
import type { KubeObject } from '../model/types.js';
import type { StoredRef } from './types.js';

/** The resourceKeys whose objects carry a Flux inventory (status.inventory.entries). */
const INVENTORY_HOLDERS = new Set([`kustomizations.${FLUX_KIND_GROUPS.Kustomization}`, `helmreleases.${FLUX_KIND_GROUPS.HelmRelease}`]);

/** An inventory entry's (or any object's) key in the Flux-inventory index. */
export const inventoryKey = (group: string, kind: string, namespace: string | undefined, name: string): string =>
  `${group}/${kind}/${namespace ?? ''}/${name}`;

const ownerUids = (o: KubeObject | undefined): string[] => o?.metadata.ownerReferences?.map((r) => r.uid) ?? [];

function sameOwners(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  const x = a?.metadata.ownerReferences ?? [];
  const y = b?.metadata.ownerReferences ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i].uid !== y[i].uid) return false;
  return true;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return Object.keys(a ?? b ?? {}).length === 0;
  // no arrays allocated: this runs for every MODIFIED event
  let n = 0;
  for (const k in a) {
    if (b[k] !== a[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** The raw inventory entry ids, to tell cheaply whether an inventory changed (a Kustomization changes every reconcile, its inventory rarely). */
function inventoryIds(o: KubeObject | undefined): string[] {
  const entries = (o?.status as { inventory?: { entries?: unknown } } | undefined)?.inventory?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.map((e) => (e && typeof e === 'object' ? String((e as { id?: unknown }).id ?? '') : ''));
}

function sameIds(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addTo<K>(m: Map<K, Set<string>>, k: K, uid: string): void {
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  set.add(uid);
}

function deleteFrom<K>(m: Map<K, Set<string>>, k: K, uid: string): void {
  const set = m.get(k);
  if (!set) return;
  set.delete(uid);
  if (set.size === 0) m.delete(k);
}

export class ObjectIndex {
  private readonly uids = new Map<string, StoredRef>();
  private readonly owners = new Map<string, Set<string>>();
  /** label key → value → uids */
  private readonly labels = new Map<string, Map<string, Set<string>>>();
  /** inventoryKey of an entry → uids of the Flux objects listing it */
  private readonly inventories = new Map<string, Set<string>>();

  constructor(readonly context: string) {}

  /** `o` (of resourceKey `rk`) was added or changed. Objects without a uid are not indexed. */
  add(rk: string, o: KubeObject): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    // the hot path of every MODIFIED event: reuse the ref, touch only the indexes whose input changed
    const ref = this.uids.get(uid);
    const old = ref?.object;
    if (ref && ref.resource === rk) ref.object = o;
    else this.uids.set(uid, { context: this.context, resource: rk, object: o });
    this.reindex(uid, old, ref?.resource, o, rk);
  }

  /**
   * `o` left a cache. When another cache (another scope of the same resource) still holds it,
   * `still` names that one: the uid points there and the indexes follow that copy; otherwise
   * it leaves every index.
   */
  remove(o: KubeObject, still?: { resource: string; object: KubeObject }): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    const ref = this.uids.get(uid);
    if (!ref) return;
    if (still) {
      this.uids.set(uid, { context: this.context, resource: still.resource, object: still.object });
      this.reindex(uid, ref.object, ref.resource, still.object, still.resource);
      return;
    }
    this.uids.delete(uid);
    this.reindex(uid, ref.object, ref.resource, undefined, undefined);
  }

  /** Moves uid's entries from what was indexed (`old` of `oldRk`) to `next` of `rk` (undefined: gone). */
  private reindex(uid: string, old: KubeObject | undefined, oldRk: string | undefined, next: KubeObject | undefined, rk: string | undefined): void {
    if (!sameOwners(old, next)) {
      for (const ou of ownerUids(old)) deleteFrom(this.owners, ou, uid);
      for (const ou of ownerUids(next)) addTo(this.owners, ou, uid);
    }
    const lo = old?.metadata.labels;
    const ln = next?.metadata.labels;
    if (!sameLabels(lo, ln)) {
      for (const [k, v] of Object.entries(lo ?? {})) {
        const byValue = this.labels.get(k);
        if (!byValue) continue;
        deleteFrom(byValue, v, uid);
        if (byValue.size === 0) this.labels.delete(k);
      }
      for (const [k, v] of Object.entries(ln ?? {})) {
        let byValue = this.labels.get(k);
        if (!byValue) this.labels.set(k, (byValue = new Map()));
        addTo(byValue, v, uid);
      }
    }
    const holdsOld = oldRk !== undefined && INVENTORY_HOLDERS.has(oldRk);
    const holdsNew = rk !== undefined && INVENTORY_HOLDERS.has(rk);
    if (!holdsOld && !holdsNew) return;
    const before = holdsOld ? old : undefined;
    const after = holdsNew ? next : undefined;
    if (sameIds(inventoryIds(before), inventoryIds(after))) return;
    for (const e of inventory(before)) deleteFrom(this.inventories, inventoryKey(e.group, e.kind, e.namespace, e.name), uid);
    for (const e of inventory(after)) addTo(this.inventories, inventoryKey(e.group, e.kind, e.namespace, e.name), uid);
  }

  private refs(uids: Iterable<string>): StoredRef[] {
    const out: StoredRef[] = [];
    for (const uid of uids) {
      const ref = this.uids.get(uid);
      if (ref) out.push(ref);
    }
    return out;
  }

  /** The live ref of a uid (its `object` follows the cache). */
  byUid(uid: string): StoredRef | undefined {
    return this.uids.get(uid);
  }

  /** Live refs of the objects whose ownerReferences name `ownerUid`. */
  ownedBy(ownerUid: string): StoredRef[] {
    return this.refs(this.owners.get(ownerUid) ?? []);
  }

  /**
   * Live refs of the objects (any resource; of `namespace` when given) whose labels satisfy
   * `selector`, as the API's matching reads it. The candidates come from the narrowest
   * requirement the index can answer (=, in, exists); a selector of only negative requirements
   * (or none: it selects everything) is checked against every object.
   */
  selected(selector: LabelSelector, namespace?: string): StoredRef[] {
    let best: Set<string>[] | undefined;
    let bestSize = Infinity;
    for (const r of selector) {
      if (r.op !== 'Equals' && r.op !== 'In' && r.op !== 'Exists') continue;
      const byValue = this.labels.get(r.key);
      const sets = !byValue ? [] : r.op === 'Exists' ? [...byValue.values()] : r.values.map((v) => byValue.get(v)).filter((s): s is Set<string> => s !== undefined);
      const size = sets.reduce((n, s) => n + s.size, 0);
      if (size < bestSize) {
        best = sets;
        bestSize = size;
      }
    }
    const out: StoredRef[] = [];
    const check = (ref: StoredRef | undefined): void => {
      if (!ref) return;
      const m = ref.object.metadata;
      if (namespace !== undefined && m.namespace !== namespace) return;
      if (matchLabels(selector, m.labels)) out.push(ref);
    };
    if (!best) for (const ref of this.uids.values()) check(ref);
    else for (const set of best) for (const uid of set) check(this.uids.get(uid));
    return out;
  }

  /** Live refs of the Kustomizations and HelmReleases whose status.inventory lists this object. */
  appliedBy(group: string, kind: string, namespace: string | undefined, name: string): StoredRef[] {
    return this.refs(this.inventories.get(inventoryKey(group, kind, namespace, name)) ?? []);
  }
}
