// CustomResourceDefinitions applied to a simulated cluster at runtime are served, as
// kube-apiserver's apiextensions controllers serve them: creating (or changing) a CRD adds
// its resource under every served version, with its names, scope, subresources and printer
// columns, and marks the CRD NamesAccepted and Established; deleting it stops serving the
// resource and drops its objects. Conversion between versions is `None` (the apiVersion is
// rewritten, nothing else), the default strategy of apiextensions.k8s.io/v1.
import { arr, bool, rec, str } from '../model/access.js';
import type { KubeObject, PrinterColumn } from '../model/types.js';
import { apiVersionOf, resourceKey } from '../model/types.js';
import { compareVersions } from './http/discovery.js';
import type { ClusterStore, ScaleSubresource, SimEvent, SimResource } from './store.js';

export const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The resource a CRD serves, or undefined when the CRD is incomplete (no group, plural, kind,
 * or served version). `version` is the storage version when served (else the highest-priority
 * served one); `versions` lists every served version, each with its own printer columns and
 * subresources (apiextensions.k8s.io/v1 keeps them per version).
 */
export function resourceFromCrd(crd: KubeObject): SimResource | undefined {
  const group = str(crd, 'spec', 'group');
  const names = rec(crd, 'spec', 'names');
  const plural = str(names, 'plural');
  const kind = str(names, 'kind');
  if (!group || !plural || !kind) return undefined;
  const served = arr(crd, 'spec', 'versions').filter((v) => bool(v, 'served') === true && typeof str(v, 'name') === 'string');
  if (served.length === 0) return undefined;
  const storage = served.find((v) => bool(v, 'storage') === true) ?? [...served].sort((a, b) => compareVersions(str(a, 'name')!, str(b, 'name')!))[0];
  const perVersion: Record<string, { printerColumns?: PrinterColumn[]; subresources: SimResource['subresources'] }> = {};
  for (const v of served) {
    const scale = rec(v, 'subresources', 'scale');
    const cols = arr(v, 'additionalPrinterColumns') as unknown as PrinterColumn[];
    perVersion[str(v, 'name')!] = {
      subresources: {
        status: rec(v, 'subresources', 'status') !== undefined,
        ...(scale && str(scale, 'specReplicasPath') && str(scale, 'statusReplicasPath') ? { scale: scale as unknown as ScaleSubresource } : {}),
      },
      ...(cols.length ? { printerColumns: cols.map((c) => ({ ...c })) } : {}),
    };
  }
  const version = str(storage, 'name')!;
  const strings = (v: unknown[]): string[] => v.filter((x): x is string => typeof x === 'string');
  return {
    group,
    version,
    versions: served.map((v) => str(v, 'name')!).sort(compareVersions),
    perVersion,
    resource: plural,
    kind,
    singular: str(names, 'singular') ?? kind.toLowerCase(),
    namespaced: str(crd, 'spec', 'scope') !== 'Cluster',
    verbs: ALL_VERBS,
    shortNames: strings(arr(names, 'shortNames')),
    categories: strings(arr(names, 'categories')),
    crd: true,
    subresources: perVersion[version].subresources,
    ...(perVersion[version].printerColumns ? { printerColumns: perVersion[version].printerColumns } : {}),
  };
}

/** The resource as served under one of its versions (that version's columns and subresources). */
export function atVersion(r: SimResource, version: string): SimResource {
  if (version === r.version) return r;
  const v = r.perVersion?.[version];
  if (!v) return { ...r, version };
  const { printerColumns: _drop, ...rest } = r;
  return { ...rest, version, subresources: v.subresources, ...(v.printerColumns ? { printerColumns: v.printerColumns } : {}) };
}

/** Whether the resource is served under `version`. */
export function servesVersion(r: SimResource, version: string): boolean {
  return r.version === version || (r.versions?.includes(version) ?? false);
}

/**
 * Keeps the store serving what its CRD objects define, from now on: every CRD written later
 * adds or replaces its resource (at once, so the next request finds it) and gets its status;
 * a deleted CRD's resource and objects go. `builtin` names resources the cluster serves
 * without a CRD, which a CRD may not replace. Returns the unsubscribe function.
 */
export function serveCrds(store: ClusterStore, builtin: Set<string>): () => void {
  const established = (crd: KubeObject): void => {
    // status through the status subresource, after the write that triggered it
    setImmediate(() => {
      const cur = store.get(CRD_KEY, undefined, crd.metadata.name);
      if (!cur || cur.metadata.deletionTimestamp) return;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const storageVersions = arr(cur, 'spec', 'versions').filter((v) => bool(v, 'storage') === true).map((v) => str(v, 'name'));
      const old = rec(cur, 'status');
      const stored = new Set([...(arr(old, 'storedVersions') as string[]), ...storageVersions.filter((v): v is string => !!v)]);
      const want = {
        acceptedNames: rec(cur, 'spec', 'names'),
        storedVersions: [...stored],
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
        ],
      };
      const same = JSON.stringify({ ...old, conditions: undefined }) === JSON.stringify({ ...want, conditions: undefined }) && arr(old, 'conditions').length === 2;
      if (same) return;
      store.mutate(CRD_KEY, undefined, crd.metadata.name, (x) => {
        const prev = arr(x, 'status', 'conditions');
        want.conditions = want.conditions.map((c) => ({ ...c, lastTransitionTime: str(prev.find((p) => str(p, 'type') === c.type), 'lastTransitionTime') ?? now }));
        x.status = want;
      }, { subresource: 'status' });
    });
  };
  const served = new Map<string, string>(); // CRD name → resource key it serves
  const onEvent = (ev: SimEvent): void => {
    if (ev.key !== CRD_KEY) return;
    const crd = ev.object;
    const before = served.get(crd.metadata.name);
    if (ev.type === 'DELETED') {
      if (before) {
        for (const o of store.list(before)) store.delete(before, o.metadata.namespace, o.metadata.name);
        store.removeResource(before);
        served.delete(crd.metadata.name);
      }
      return;
    }
    const r = resourceFromCrd(crd);
    if (!r || builtin.has(resourceKey(r))) return;
    if (before && before !== resourceKey(r)) store.removeResource(before);
    store.addResource(r);
    served.set(crd.metadata.name, resourceKey(r));
    established(crd);
  };
  return store.subscribe(onEvent);
}

/** An object as a version of its resource serves it: conversion `None` rewrites only apiVersion. */
export function asServed(r: SimResource, o: KubeObject): KubeObject {
  const want = apiVersionOf(r);
  return o.apiVersion === undefined || o.apiVersion === want ? o : { ...o, apiVersion: want };
}
