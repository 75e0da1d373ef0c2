// The store's indexes of one context's cached objects: by uid (which resource holds it, as a
// live ref) and by owner uid (ownerReferences). Pure data over the objects the informers
// report; which informer still holds an object is the caller's to say.
import type { KubeObject } from '../model/types.js';
import type { StoredRef } from './types.js';

const ownerUids = (o: KubeObject | undefined): string[] => o?.metadata.ownerReferences?.map((r) => r.uid) ?? [];

function sameOwners(a: KubeObject, b: KubeObject | undefined): boolean {
  const x = a.metadata.ownerReferences ?? [];
  const y = b?.metadata.ownerReferences ?? [];
  if (b === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i].uid !== y[i].uid) return false;
  return true;
}

export class ObjectIndex {
  private readonly uids = new Map<string, StoredRef>();
  private readonly owners = new Map<string, Set<string>>();

  constructor(readonly context: string) {}

  /** `o` (of resourceKey `rk`) was added or changed; `prev` is the object it replaces. Objects without a uid are not indexed. */
  add(rk: string, o: KubeObject, prev: KubeObject | undefined): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    // the hot path of every MODIFIED event: reuse the ref, skip owners that did not change
    const ref = this.uids.get(uid);
    if (ref && ref.resource === rk) ref.object = o;
    else this.uids.set(uid, { context: this.context, resource: rk, object: o });
    if (sameOwners(o, prev)) return;
    for (const ou of ownerUids(prev)) this.owners.get(ou)?.delete(uid);
    for (const ou of ownerUids(o)) {
      let set = this.owners.get(ou);
      if (!set) this.owners.set(ou, (set = new Set()));
      set.add(uid);
    }
  }

  /**
   * `o` left a cache. When another cache (another scope of the same resource) still holds it,
   * `still` names that one and the uid points there; otherwise it leaves both indexes.
   */
  remove(o: KubeObject, still?: { resource: string; object: KubeObject }): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    if (still) {
      this.uids.set(uid, { context: this.context, resource: still.resource, object: still.object });
      return;
    }
    this.uids.delete(uid);
    for (const ou of ownerUids(o)) {
      const set = this.owners.get(ou);
      if (!set) continue;
      set.delete(uid);
      if (set.size === 0) this.owners.delete(ou);
    }
  }

  /** The live ref of a uid (its `object` follows the cache). */
  byUid(uid: string): StoredRef | undefined {
    return this.uids.get(uid);
  }

  /** Live refs of the objects whose ownerReferences name `ownerUid`. */
  ownedBy(ownerUid: string): StoredRef[] {
    const out: StoredRef[] = [];
    for (const uid of this.owners.get(ownerUid) ?? []) {
      const ref = this.uids.get(uid);
      if (ref) out.push(ref);
    }
    return out;
  }
}
