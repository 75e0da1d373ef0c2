// The fleet store read for compare, trace and changes (src/model/compare.ts, trace.ts,
// changes.ts): which kinds each needs watched in a context, whether an object's absence is
// proven (its list complete) or unknown (forbidden, failed, not listed), and the model's
// inputs built from the caches. No printing: the shell front ends (src/cli) and the TUI views
// share these.
import type { CompareInput } from '../model/compare.js';
import type { ChangesInput } from '../model/changes.js';
import { resourcesInCategory } from '../kube/resolve.js';
import { FLUX_KIND_GROUPS, isFluxGroup } from '../model/flux.js';
import { kindOf, type ObjRef, type TreeIndex } from '../model/tree.js';
import { indexFromStore } from './tree-index.js';
import { traceObject, type Trace } from '../model/trace.js';
import { resourceKey, type KubeObject, type ResourceType } from '../model/types.js';
import { podsBelow } from './report.js';
import type { FleetStore } from './types.js';

/** The Flux kinds a trace follows: appliers first, then sources (resourceKeys). */
export const FLUX_TRACE_KINDS: readonly string[] = [
  'kustomizations.kustomize.toolkit.fluxcd.io',
  'helmreleases.helm.toolkit.fluxcd.io',
  'gitrepositories.source.toolkit.fluxcd.io',
  'ocirepositories.source.toolkit.fluxcd.io',
  'helmrepositories.source.toolkit.fluxcd.io',
  'helmcharts.source.toolkit.fluxcd.io',
  'buckets.source.toolkit.fluxcd.io',
];

/** Kinds commonly above an object through ownerReferences (a pod's ReplicaSet and Deployment, a Job's CronJob, ...). */
export const OWNER_KINDS = ['replicasets.apps', 'deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'];

/**
 * What `changes` watches in a context: the workloads and their revision records, namespaces,
 * services, claims, CronJobs, events (core/v1), every Flux kind (the `fluxcd` category or a
 * *.toolkit.fluxcd.io group) — each only where it is served.
 */
export function changeKinds(types: ResourceType[]): string[] {
  const listed = types.filter((t) => !t.resource.includes('/'));
  const served = new Set(listed.map(resourceKey));
  const builtin = ['namespaces', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'controllerrevisions.apps', 'cronjobs.batch', 'services', 'persistentvolumeclaims', 'events'];
  const flux = [...resourcesInCategory(listed, 'fluxcd'), ...listed.filter((t) => isFluxGroup(t.group))].map(resourceKey);
  return [...new Set([...builtin.filter((k) => served.has(k)), ...flux])];
}

/** The reason a context's absence of `type` objects proves nothing (not reachable, not listed, forbidden), or undefined once its list is complete. */
export function unreadReason(store: FleetStore, context: string, type: ResourceType | undefined, namespace: string | undefined): string | undefined {
  const st = store.contexts().find((c) => c.name === context);
  if (!st?.discovered) return `context ${st?.state ?? 'unreachable'}${st?.lastError ? `: ${st.lastError}` : ''}`;
  if (!type) return undefined; // the kind is not served there: nothing of it can exist
  return indexFromStore(store, context, []).unlisted?.(type.group, type.kind, type.namespaced ? namespace : undefined);
}

/** The objects named `name` of `type` in a context (one, or one per namespace when `namespace` is not given). */
export function findNamed(store: FleetStore, context: string, type: ResourceType, name: string, namespace: string | undefined): ObjRef[] {
  const resource = resourceKey(type);
  if (!type.namespaced || namespace) {
    const o = store.get(context, resource, type.namespaced ? namespace : undefined, name);
    return o ? [{ resource, object: o }] : [];
  }
  return store
    .list(context, resource)
    .filter((o) => o.metadata.name === name)
    .map((object) => ({ resource, object }));
}

export function traceIndex(store: FleetStore, context: string): TreeIndex {
  return indexFromStore(store, context, []);
}

/** The trace of a cached object in one context; `now` epoch ms. */
export function traceIn(store: FleetStore, context: string, ref: ObjRef, now: number): Trace {
  return traceObject(ref, traceIndex(store, context), now);
}

/**
 * What one context says for compare: found (with the Flux owner and source a trace finds,
 * and a workload's pods), missing (its list is complete and holds no such object), or
 * unknown (with why).
 */
export function compareInputFor(store: FleetStore, context: string, query: string, namespace: string | undefined, name: string, now: number): CompareInput {
  const type = store.resolve(context, query);
  const why = unreadReason(store, context, type, namespace);
  if (!type) return why ? { context, presence: 'unknown', reason: why } : { context, presence: 'missing', reason: `the kind "${query}" is not served here` };
  const found = findNamed(store, context, type, name, namespace);
  if (found.length === 0) return why ? { context, presence: 'unknown', reason: why } : { context, presence: 'missing' };
  const ref = found[0];
  const input: CompareInput = { context, presence: 'found', object: ref.object, kind: type.kind };
  const pods = podsBelow(store, context, ref.object);
  if (pods.length) input.related = pods;
  const t = traceIn(store, context, ref, now);
  const applier = t.steps.find((s) => s.via === 'flux-label' || s.via === 'flux-inventory');
  const source = t.steps.filter((s) => s.via === 'source').at(-1);
  const get = (s: { group: string; kind: string; namespace: string; name: string } | undefined): KubeObject | undefined => {
    if (!s) return undefined;
    return traceIndex(store, context).find(s.group || FLUX_KIND_GROUPS[s.kind] || '', s.kind, s.namespace, s.name)?.object;
  };
  if (t.managed === 'unknown') input.flux = { unknown: t.note ?? 'Flux kinds not readable' };
  else if (applier?.presence === 'found') {
    const owner = get(applier);
    const src = get(source);
    input.flux = { ...(owner ? { owner, ownerKind: applier.kind } : {}), ...(src && source ? { source: src, sourceKind: source.kind } : {}) };
  } else if (applier) input.flux = { unknown: applier.note ?? 'Flux owner not found' };
  return input;
}

/** One context's objects and events for the changes timeline, from what is watched of `kinds`. */
export function changesInputFor(store: FleetStore, context: string, kinds: string[], namespace?: string): ChangesInput {
  const objects: ObjRef[] = [];
  const events: KubeObject[] = [];
  for (const k of kinds) {
    const t = store.resolve(context, k);
    if (!t) continue;
    const resource = resourceKey(t);
    const list = store.list(context, resource, t.namespaced ? namespace : undefined);
    if (t.kind === 'Event') events.push(...list);
    else for (const object of list) objects.push({ resource, object });
  }
  return { context, objects, events };
}

/** Kustomizations without status.history (Flux < 2.7) among the inputs: their applied revisions are only known by the last Ready change. */
export function kustomizationsWithoutHistory(inputs: ChangesInput[]): number {
  let n = 0;
  for (const i of inputs) for (const r of i.objects) if (kindOf(r) === 'Kustomization' && !Array.isArray((r.object.status as { history?: unknown } | undefined)?.history)) n++;
  return n;
}
