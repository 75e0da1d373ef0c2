// Discovery built from the resources the store serves: the plain documents (/api, /apis,
// /api/v1, /apis/G, /apis/G/V) and aggregated discovery (APIGroupDiscoveryList, apidiscovery.k8s.io/v2)
// for clients that ask for it in Accept, as kube-apiserver >= 1.30 serves both.
import type { ClusterStore, SimResource } from '../store.js';
import { atVersion, servesVersion } from '../crds.js';

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const level = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [level, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [la, ma, na] = rank(a);
  const [lb, mb, nb] = rank(b);
  return lb - la || mb - ma || nb - na;
}

function groupVersions(store: ClusterStore): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of store.allResources()) {
    if (r.group === '') continue;
    const vs = out.get(r.group) ?? [];
    for (const v of r.versions ?? [r.version]) if (!vs.includes(v)) vs.push(v);
    out.set(r.group, vs);
  }
  for (const vs of out.values()) vs.sort(compareVersions);
  return out;
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiVersions(): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

/** `extra`: groups served outside the store (metrics.k8s.io), as APIGroup documents. */
export function apiGroupList(store: ClusterStore, extra: Record<string, unknown>[] = []): Record<string, unknown> {
  const groups = [...[...groupVersions(store)].map(([name, vs]) => groupDoc(name, vs)), ...extra];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(store: ClusterStore, group: string): Record<string, unknown> | undefined {
  const vs = groupVersions(store).get(group);
  return vs ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) } : undefined;
}

function subresourceEntries(r: SimResource): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const base = { singularName: '', namespaced: r.namespaced, verbs: ['get', 'patch', 'update'] };
  if (r.subresources.status) out.push({ ...base, name: `${r.resource}/status`, kind: r.kind });
  if (r.subresources.scale) out.push({ ...base, name: `${r.resource}/scale`, group: 'autoscaling', version: 'v1', kind: 'Scale' });
  if (r.group === '' && r.resource === 'pods') {
    out.push({ ...base, name: 'pods/log', kind: 'Pod', verbs: ['get'] });
    out.push({ ...base, name: 'pods/ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    out.push({ ...base, name: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] });
    out.push({ ...base, name: 'pods/portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
  }
  return out;
}

export function apiResourceList(store: ClusterStore, group: string, version: string): Record<string, unknown> | undefined {
  const rs = store.allResources().filter((r) => r.group === group && servesVersion(r, version)).map((r) => atVersion(r, version));
  if (rs.length === 0 && !(group === '' && version === 'v1')) return undefined;
  rs.sort((a, b) => (a.resource < b.resource ? -1 : 1));
  const resources = rs.flatMap((r) => [
    {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    },
    ...subresourceEntries(r),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** The media type kube-apiserver answers aggregated discovery with (v2; v2beta1 is the same shape). */
export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when an Accept header asks for aggregated discovery (v2 or v2beta1). */
export function wantsAggregated(accept: string | undefined): boolean {
  return /g=apidiscovery\.k8s\.io;\s*v=v2(beta1)?;\s*as=APIGroupDiscoveryList/.test(accept ?? '');
}

type Doc = Record<string, unknown>;

/** One APIResourceList as the v2 resources of one version: subresources folded into their resource. */
function discoveryResources(list: Doc): Doc[] {
  const entries = (list.resources as Doc[] | undefined) ?? [];
  const out: Doc[] = [];
  const byName = new Map<string, Doc>();
  for (const r of entries) {
    const name = String(r.name);
    const slash = name.indexOf('/');
    if (slash < 0) {
      const d: Doc = {
        resource: name,
        responseKind: { group: '', version: '', kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singularName ?? '',
        verbs: r.verbs ?? [],
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
      };
      byName.set(name, d);
      out.push(d);
      continue;
    }
    const parent = byName.get(name.slice(0, slash));
    if (!parent) continue;
    const subs = ((parent.subresources as Doc[] | undefined) ?? []);
    subs.push({ subresource: name.slice(slash + 1), responseKind: { group: r.group ?? '', version: r.version ?? '', kind: r.kind }, verbs: r.verbs ?? [] });
    parent.subresources = subs;
  }
  return out;
}

/**
 * The aggregated discovery document (APIGroupDiscoveryList, apidiscovery.k8s.io/v2) of /api or
 * /apis: the same groups, versions (preferred first) and resources the plain documents list.
 * `lists(group, version)` answers a group version's APIResourceList (the store's, or the
 * metrics and authorization groups served outside it).
 */
export function aggregatedDiscovery(store: ClusterStore, path: '/api' | '/apis', extra: Doc[], lists: (group: string, version: string) => Doc | undefined): Doc {
  const items: Doc[] = [];
  if (path === '/api') {
    items.push({ metadata: { creationTimestamp: null }, versions: [{ version: 'v1', resources: discoveryResources(lists('', 'v1') ?? {}), freshness: 'Current' }] });
  } else {
    for (const g of (apiGroupList(store, extra).groups as Doc[])) {
      const versions = ((g.versions as Doc[]) ?? []).map((v) => String(v.version));
      items.push({
        metadata: { name: g.name, creationTimestamp: null },
        versions: versions.map((v) => ({ version: v, resources: discoveryResources(lists(String(g.name), v) ?? {}), freshness: 'Current' })),
      });
    }
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
