// Shared fixtures for the action tests: Flux objects, a fake clock, a fake API server.
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import type { ApiRequest, Clock, Lookup, Target } from '../../src/actions/types.js';

export function fluxTarget(context: string, kind: string, name: string, extra: Partial<KubeObject> = {}, namespace = 'flux-system'): Target {
  const table: Record<string, [string, string]> = {
    Kustomization: ['kustomize.toolkit.fluxcd.io/v1', 'kustomizations.kustomize.toolkit.fluxcd.io'],
    HelmRelease: ['helm.toolkit.fluxcd.io/v2', 'helmreleases.helm.toolkit.fluxcd.io'],
    GitRepository: ['source.toolkit.fluxcd.io/v1', 'gitrepositories.source.toolkit.fluxcd.io'],
    HelmRepository: ['source.toolkit.fluxcd.io/v1', 'helmrepositories.source.toolkit.fluxcd.io'],
    Alert: ['notification.toolkit.fluxcd.io/v1beta3', 'alerts.notification.toolkit.fluxcd.io'],
  };
  const [apiVersion, resource] = table[kind];
  const object: KubeObject = { apiVersion, kind, ...extra, metadata: { name, namespace, ...(extra.metadata ?? {}) } };
  return { context, resource, kind, namespace, name, object };
}

/** Clock whose sleep advances time at once: waits in tests cost nothing and never flake. */
export function fakeClock(start = Date.parse('2026-03-01T10:00:00.123Z')): Clock & { sleeps: number } {
  let t = start;
  const c = {
    sleeps: 0,
    now: () => new Date(t),
    sleep: async (ms: number) => {
      c.sleeps++;
      t += ms;
    },
  };
  return c;
}

const sourceTypes: ResourceType[] = [
  ['GitRepository', 'gitrepositories'],
  ['OCIRepository', 'ocirepositories'],
  ['HelmRepository', 'helmrepositories'],
  ['HelmChart', 'helmcharts'],
  ['Bucket', 'buckets'],
].map(([kind, resource]) => ({
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  resource,
  kind,
  singular: kind.toLowerCase(),
  namespaced: true,
  verbs: ['get', 'list', 'watch', 'patch'],
  shortNames: [],
  categories: ['fluxcd'],
}));
const fluxTypes: ResourceType[] = [
  ...sourceTypes,
  { ...sourceTypes[0], group: 'kustomize.toolkit.fluxcd.io', resource: 'kustomizations', kind: 'Kustomization', singular: 'kustomization' },
  { ...sourceTypes[0], group: 'helm.toolkit.fluxcd.io', version: 'v2', resource: 'helmreleases', kind: 'HelmRelease', singular: 'helmrelease' },
];

export function fakeLookup(objects: Record<string, KubeObject> = {}): Lookup {
  return {
    resources: () => fluxTypes,
    get: (context, resource, namespace, name) => objects[`${context}/${resource}/${namespace}/${name}`],
    list: (context, resource, namespace) =>
      Object.entries(objects)
        .filter(([k]) => k.startsWith(`${context}/${resource}/${namespace ?? ''}`))
        .map(([, o]) => o),
  };
}

export interface Sent {
  context: string;
  req: ApiRequest;
}

/**
 * A fake API server over plain objects keyed by path: merge patches apply, and a patched
 * reconcile token is handled after `lag` reads with the Ready condition given.
 */
export function fakeServer(opts: { lag?: number; ready?: (path: string) => { status: string; reason: string; message: string } | undefined } = {}) {
  const sent: Sent[] = [];
  const objects = new Map<string, KubeObject>();
  const pending = new Map<string, { token: string; reads: number }>();
  const key = (context: string, path: string) => `${context}${path}`;
  return {
    sent,
    objects,
    send: async (context: string, req: ApiRequest) => {
      sent.push({ context, req });
      const obj = objects.get(key(context, req.path)) ?? { metadata: { name: req.path.split('/').pop() ?? '' } };
      const merged = mergePatch(obj, req.body) as KubeObject;
      objects.set(key(context, req.path), merged);
      const token = merged.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
      if (token) pending.set(key(context, req.path), { token, reads: 0 });
      return { status: 200, body: merged };
    },
    read: async (context: string, path: string) => {
      const k = key(context, path);
      const obj = objects.get(k);
      if (!obj) throw Object.assign(new Error(`not found: ${path}`), { code: 404 });
      const p = pending.get(k);
      if (p && ++p.reads >= (opts.lag ?? 2)) {
        const ready = opts.ready?.(path) ?? { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:1eabc9a4' };
        objects.set(k, { ...obj, status: { lastHandledReconcileAt: p.token, conditions: [{ type: 'Ready', ...ready }] } });
        pending.delete(k);
      }
      return objects.get(k)!;
    },
  };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
