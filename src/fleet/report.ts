// What the fleet summary and the problem list read from the store: the kinds `status`, the
// Fleet view and the Problems view watch, each workload with its pods, and the report (summary
// + problems + what did not sync) over a snapshot. Reads the store; prints nothing (the shell
// front end is src/cli/status.ts, the views are src/ui/views/fleet.ts and problems.ts).
import { coverageJson, coverageOf, gapText, type CoverageWant, type KindCoverage } from '../model/coverage.js';
import { summarizeContext, statusJson, type StatusContextInput, type StatusJson } from '../model/fleet-summary.js';
import { entryOf, entryOfResource, fleetTypes, type KindMatch } from '../model/kinds.js';
import { problems, type Problem, type ProblemInput } from '../model/problems.js';
import { mergeSameCluster, sameClusters, type SameCluster } from '../model/same-cluster.js';
import { ownerRefs } from '../model/tree.js';
import { resourceKey, typeOfKey, type KubeObject, type ResourceType } from '../model/types.js';
import type { Snapshot } from './snapshot.js';
import type { FleetStore } from './types.js';
import { listedWhole } from './knowledge.js';

/**
 * The resourceKeys `status`, the Fleet view and the Problems view watch in a context: derived
 * from the kind registry (entries marked `fleet`, Flux kinds) over what discovery serves.
 */
export function statusKinds(types: readonly ResourceType[]): readonly string[] {
  let got = statusKindsOf.get(types);
  if (!got) statusKindsOf.set(types, (got = [...new Set(fleetTypes(types).map(resourceKey))]));
  return got;
}

// per discovery result (a context's types are replaced, never edited): views ask on every change
const statusKindsOf = new WeakMap<readonly ResourceType[], readonly string[]>();

/** A workload's pods: owned directly, or one level further down (Deployment → ReplicaSet → Pod). */
export function podsBelow(store: Pick<FleetStore, 'ownedBy'>, context: string, obj: KubeObject): KubeObject[] {
  const uid = obj.metadata.uid;
  if (!uid) return [];
  const pods: KubeObject[] = [];
  for (const c of store.ownedBy(context, uid)) {
    if (c.resource === 'pods') pods.push(c.object);
    else if (c.object.metadata.uid) for (const g of store.ownedBy(context, c.object.metadata.uid)) if (g.resource === 'pods') pods.push(g.object);
  }
  return pods;
}

/** Pods owned by a workload are reported through it, unless nothing above them is watched. */
function reportedViaOwner(store: Pick<FleetStore, 'byUid'>, context: string, pod: KubeObject): boolean {
  return ownerRefs(pod).some((r) => store.byUid(context, r.uid) !== undefined);
}

type RelatedStore = Pick<FleetStore, 'ownedBy' | 'byUid'> & Partial<Pick<FleetStore, 'get' | 'resources' | 'reflectors'>>;

/** group/Kind of a resourceKey in a context, by discovery. */
function kindOfResource(store: RelatedStore, context: string, resource: string): { group: string; kind: string; type?: ResourceType } | undefined {
  const types = store.resources?.(context);
  const type = types && typeOfKey(types, resource);
  return type && { group: type.group, kind: type.kind, type };
}

/**
 * The objects the kind registry says sharpen `object`'s verdict (its entry's `related`: a
 * Certificate's CertificateRequests by ownerReference, its issuer by name), each stamped with
 * apiVersion and kind, and `listed`: the related kinds whose caches are synced where the object
 * looks for them (its namespace or cluster-wide) — only there does absence prove anything.
 */
export function relatedOf(store: RelatedStore, context: string, group: string, kind: string, object: KubeObject): { related: KubeObject[]; listed: string[] } | undefined {
  const spec = entryOf({ group, kind }).related;
  if (!spec || !store.resources) return undefined;
  const types = store.resources(context).filter((t) => !t.resource.includes('/'));
  const typeOf = (k: KindMatch) => types.find((t) => t.group === k.group && t.kind === k.kind);
  const stamp = (o: KubeObject, t: ResourceType): KubeObject => ({ ...o, apiVersion: o.apiVersion ?? (t.group ? `${t.group}/${t.version}` : t.version), kind: o.kind ?? t.kind });
  const related: KubeObject[] = [];
  const uid = object.metadata.uid;
  for (const k of spec.owned ?? []) {
    const t = typeOf(k);
    if (!t || !uid) continue;
    const key = resourceKey(t);
    for (const c of store.ownedBy(context, uid)) if (c.resource === key) related.push(stamp(c.object, t));
  }
  for (const r of spec.refs?.(object) ?? []) {
    const t = typeOf(r);
    const found = t && store.get?.(context, resourceKey(t), t.namespaced ? r.namespace : undefined, r.name);
    if (t && found) related.push(stamp(found, t));
  }
  const ns = object.metadata.namespace;
  const listed = [...(spec.owned ?? []), ...(spec.named ?? [])].filter((k) => {
    const t = typeOf(k);
    if (!t) return false;
    const key = resourceKey(t);
    return listedWhole(store, context, key, t.namespaced, ns);
  }).map((k) => `${k.group}/${k.kind}`);
  return { related, listed };
}

/** An object of a kind its watched owner reads as `related.owned` (a CertificateRequest under its Certificate) is reported through that owner. */
function readByOwner(store: RelatedStore, context: string, resource: string, object: KubeObject): boolean {
  const mine = kindOfResource(store, context, resource);
  if (!mine) return false;
  return ownerRefs(object).some((r) => {
    const owner = store.byUid(context, r.uid);
    if (!owner) return false;
    const ok = kindOfResource(store, context, owner.resource);
    return ok !== undefined && (entryOf(ok).related?.owned ?? []).some((k) => k.group === mine.group && k.kind === mine.kind);
  });
}

/** What the problem list reads in one context: every object, workloads with their pods, pods
 * with a watched owner left to that owner; kinds with related objects (the kind registry) with them. */
export function problemInputs(store: RelatedStore, context: string, objects: Map<string, KubeObject[]>): ProblemInput[] {
  const rows: ProblemInput[] = [];
  for (const [resource, list] of objects) {
    const k = kindOfResource(store, context, resource);
    for (const object of list) {
      if (resource === 'pods' && reportedViaOwner(store, context, object)) continue;
      if (readByOwner(store, context, resource, object)) continue;
      const row: ProblemInput = { context, resource, object };
      if (entryOfResource(resource)?.podsInVerdict) row.related = podsBelow(store, context, object);
      const more = k && relatedOf(store, context, k.group, k.kind, object);
      if (more) {
        row.related = [...(row.related ?? []), ...more.related];
        row.listed = more.listed;
      }
      rows.push(row);
    }
  }
  return rows;
}

/**
 * The contexts of `contexts` (the selection, in its order) that reach the cluster of an earlier
 * one, from what the store knows of each (server, kube-system uid, CA): src/model/same-cluster.ts.
 */
export function storeSameClusters(store: Pick<FleetStore, 'contexts'>, contexts: readonly string[]): Map<string, SameCluster> {
  const st = new Map(store.contexts().map((c) => [c.name, c]));
  return sameClusters(contexts.map((name) => {
    const s = st.get(name);
    return { name, server: s?.server, kubeSystemUid: s?.kubeSystemUid, kubeSystemUidUnreadable: s?.identityError !== undefined, caFingerprint: s?.caFingerprint };
  }));
}

/** Problems seen through several contexts of one cluster, once (by object uid), with `contexts` naming them all. */
export function problemsOnce(list: Problem[], same: ReadonlyMap<string, SameCluster>, order: readonly string[]): Problem[] {
  if (same.size === 0) return list;
  return mergeSameCluster(list, same, (p) => p.uid ?? `${p.kind}/${p.namespace}/${p.name}`, order);
}

export interface FleetReport {
  json: StatusJson;
  /** once per object: a cluster reached by several contexts lists each of its problems once (`contexts`) */
  problems: Problem[];
  /** contexts reaching the cluster of an earlier one in the selection */
  sameCluster: Map<string, SameCluster>;
  /** every (context, kind, scope) the report read, with its knowledge state (src/model/coverage.ts) */
  coverage: KindCoverage[];
  /** contexts whose data is not whole (not synced, forbidden, failed): why, in words */
  incomplete: Map<string, string>;
}

/**
 * The lists a report scoped to `namespace` counts, from the lists it read (resourceKey →
 * objects, the namespaced ones already listed in that namespace): the namespaced kinds, and
 * Nodes when `use` is 'summary' (the node count stays the context's). Cluster-scoped kinds are
 * still read, as related kinds (a Certificate's ClusterIssuer), but they are in no namespace,
 * so they are not this namespace's problems — as kubectl's `-n` narrows `get` to one namespace.
 * Without a namespace the lists are returned whole.
 */
export function listsInScope(store: Pick<FleetStore, 'resources'>, context: string, lists: Map<string, KubeObject[]>, namespace: string | undefined, use: 'summary' | 'problems'): Map<string, KubeObject[]> {
  if (namespace === undefined) return lists;
  const namespaced = new Set(store.resources(context).filter((t) => t.namespaced).map(resourceKey));
  return new Map([...lists].filter(([resource]) => namespaced.has(resource) || (use === 'summary' && resource === 'nodes')));
}

/** Summary and problems from a snapshot already taken (with `namespace`, as it was taken). Pure over the store's contents. */
export function fleetReport(store: FleetStore, snap: Snapshot, contexts: string[], now: number, namespace?: string): FleetReport {
  const statuses = new Map(store.contexts().map((c) => [c.name, c]));
  const rows: ProblemInput[] = [];
  const inputs: StatusContextInput[] = [];
  const incomplete = new Map<string, string>();
  const wants: CoverageWant[] = snap.watched.map((w) => ({ context: w.context, resource: w.resource, namespaced: w.type.namespaced, ...(w.type.namespaced && namespace ? { namespace } : {}) }));
  const coverage = coverageOf(wants, store.reflectors(), store.contexts());
  const same = storeSameClusters(store, contexts);
  for (const name of contexts) {
    const st = statuses.get(name);
    const input: StatusContextInput = { name, state: st?.state ?? 'unreachable' };
    const sc = same.get(name);
    if (sc) input.sameCluster = sc;
    if (st?.latencyMs !== undefined) input.latencyMs = st.latencyMs;
    if (st?.serverVersion !== undefined) input.serverVersion = st.serverVersion;
    if (st?.lastError !== undefined && st.state !== 'ready') input.lastError = st.lastError;
    if (snap.reachable.includes(name)) {
      const mine = snap.watched.filter((w) => w.context === name);
      const cov = coverage.filter((c) => c.context === name);
      input.coverage = coverageJson(cov);
      input.unknown = new Set(cov.filter((c) => c.state !== 'synced').map((c) => c.resource));
      if (!input.coverage.complete) incomplete.set(name, gapText(cov));
      const objects = new Map<string, KubeObject[]>();
      // a namespaced snapshot has no all-namespaces reflector: its lists must name the namespace
      for (const w of mine) objects.set(w.resource, store.list(name, w.resource, w.type.namespaced ? namespace : undefined));
      input.summary = summarizeContext(listsInScope(store, name, objects, namespace, 'summary'), now);
      rows.push(...problemInputs(store, name, listsInScope(store, name, objects, namespace, 'problems')));
    } else {
      // not reached: the state says so (and fails the exit code); nothing of it is known, so
      // it is not fully seen either: no verdict ("no problems") may cover it
      const why = `context ${st?.state ?? 'unreachable'}${st?.lastError ? `: ${st.lastError}` : ''}`;
      input.coverage = { complete: false, syncing: [], forbidden: [], failed: [why] };
      incomplete.set(name, why);
    }
    inputs.push(input);
  }
  const list = problemsOnce(problems(rows, now), same, contexts);
  return { json: statusJson(inputs, list), problems: list, sameCluster: same, coverage, incomplete };
}

/** 0 healthy, 1 not (a problem, a context not ready, or anything it reports on not whole:
 * syncing, forbidden by RBAC, failed — unknown is never healthy); see the file comment.
 * Suspended alone is healthy unless failOnSuspended. */
export function statusExitCode(report: FleetReport, failOnSuspended = false): number {
  const failing = report.problems.filter((p) => failOnSuspended || p.severity !== 'suspended');
  const contextsOk = report.json.contexts.every((c) => c.state === 'ready') && report.incomplete.size === 0;
  return failing.length === 0 && contextsOk ? 0 : 1;
}

/**
 * The knowledge state of what a view or command reads, from the store as it is now: one call
 * of the model's coverageOf (src/model/coverage.ts) over the store's reflectors and contexts.
 * `kinds` are queries or resourceKeys; a kind not served in a context is left out (nothing of
 * it can exist there); `namespace` scopes the namespaced ones.
 */
// a served type's resourceKey, built once (views ask for every watched kind per frame)
const keyOfType = new WeakMap<ResourceType, string>();

export function storeCoverage(store: Pick<FleetStore, 'resolve' | 'reflectors' | 'contexts'>, contexts: readonly string[], kinds: readonly string[], namespace?: string): KindCoverage[] {
  const wants: CoverageWant[] = [];
  const statuses = store.contexts();
  const discovered = new Set(statuses.filter((s) => s.discovered).map((s) => s.name));
  for (const context of contexts) {
    if (!discovered.has(context)) {
      wants.push({ context, resource: kinds[0] ?? '' });
      continue;
    }
    for (const k of kinds) {
      const t = store.resolve(context, k);
      if (!t) continue;
      let key = keyOfType.get(t);
      if (key === undefined) keyOfType.set(t, (key = resourceKey(t)));
      wants.push(t.namespaced && namespace ? { context, resource: key, namespaced: true, namespace } : { context, resource: key, namespaced: t.namespaced });
    }
  }
  // per context: a fleet holds ~10k reflectors and a view often asks about one context
  return coverageOf(wants, contexts.flatMap((c) => store.reflectors(c)), statuses);
}

/**
 * The contexts of `contexts` that do not have `namespace` (a scope with a typo): their
 * Namespaces are listed whole (synced) and it is not among them. A context whose Namespaces
 * are not known whole (syncing, forbidden, unreachable) is not named: it is unknown, not
 * absent. Empty without a namespace scope. Every view that counts in a namespace scope reads
 * this one check, and says it with namespaceAbsentText.
 */
export function namespaceAbsentIn(store: Pick<FleetStore, 'resolve' | 'reflectors' | 'contexts' | 'get'>, contexts: readonly string[], namespace: string | undefined): string[] {
  if (namespace === undefined) return [];
  return contexts.filter((c) => !store.get(c, 'namespaces', undefined, namespace) && storeCoverage(store, [c], ['namespaces'])[0]?.state === 'synced');
}

/** What a view says of a namespace scope some contexts do not have: `namespace chekout not found in dev, prod`. */
export function namespaceAbsentText(namespace: string, absent: readonly string[]): string {
  return `namespace ${namespace} not found in ${absent.join(', ')}`;
}
