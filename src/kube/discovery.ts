// Discovery of one context: aggregated discovery (two documents, revalidated against a disk
// cache) where the server offers it, else /api and /apis and each group over every version it
// serves (the preferred version's resources, plus those only served at another version;
// fetched in parallel); subresources dropped; CRD printer columns read from the CRD objects themselves
// so tables can show additionalPrinterColumns.
import type { KubeObject, PrinterColumn, ResourceType } from '../model/types.js';
import { arr, num, str } from '../model/access.js';
import type { ContextClient } from './client.js';
import type { DiscoveryCache } from './discovery-cache.js';

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}
export interface ResourceList {
  groupVersion?: string;
  resources?: ApiResource[];
}
interface GroupList {
  groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
}

function toTypes(group: string, version: string, list: ResourceList): ResourceType[] {
  // 'widgets/status' in the list: widgets has the status subresource
  const subs = new Map<string, string[]>();
  for (const r of list.resources ?? []) {
    const i = r.name.indexOf('/');
    if (i > 0) subs.set(r.name.slice(0, i), [...(subs.get(r.name.slice(0, i)) ?? []), r.name.slice(i + 1)]);
  }
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => {
      // one literal, then the optional key: a leading spread made each object through V8's slow
      // path (~40 µs each, 0.5 s for 50 CRD-heavy contexts' discovery)
      const t: ResourceType = {
        group,
        version,
        resource: r.name,
        kind: r.kind,
        singular: r.singularName || r.kind.toLowerCase(),
        namespaced: r.namespaced === true,
        verbs: r.verbs ?? [],
        shortNames: r.shortNames ?? [],
        categories: r.categories ?? [],
      };
      const sub = subs.get(r.name);
      if (sub) t.subresourceNames = sub;
      return t;
    });
}

/**
 * Kubernetes version priority (k8s.io/apimachinery's CompareKubeAwareVersionStrings): GA
 * before beta before alpha, higher numbers first, then anything else alphabetically.
 * Negative when `a` ranks before `b`.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
}

/**
 * The resources of one group over all its served versions: every resource of the preferred
 * version, plus each resource the preferred version lacks, taken from the highest other
 * version serving it (a Flux OCIRepository still served only at v1beta2 while the group
 * prefers v1). `lists` maps a version to its resources; versions that failed are absent.
 */
export function mergeGroupVersions(group: string, preferred: string, lists: ReadonlyMap<string, ResourceList>): ResourceType[] {
  const order = [...lists.keys()].sort((a, b) => (a === preferred ? -1 : b === preferred ? 1 : compareKubeVersions(a, b)));
  const seen = new Set<string>();
  const out: ResourceType[] = [];
  for (const v of order) {
    for (const t of toTypes(group, v, lists.get(v)!)) {
      if (seen.has(t.resource)) continue;
      seen.add(t.resource);
      out.push(t);
    }
  }
  return out;
}

/**
 * The Accept header client-go sends for discovery: aggregated discovery (one document for all
 * groups, Kubernetes >= 1.26 beta, GA in 1.30) at v2 or v2beta1, else the plain documents.
 */
export const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface DiscoveryResource {
  resource?: string;
  responseKind?: { group?: string; version?: string; kind?: string };
  scope?: string;
  singularResource?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource?: string; verbs?: string[] }[];
}
interface GroupDiscoveryList {
  kind?: string;
  items?: { metadata?: { name?: string }; versions?: { version?: string; resources?: DiscoveryResource[]; freshness?: string }[] }[];
}

/**
 * An APIGroupDiscoveryList (apidiscovery.k8s.io/v2 or v2beta1) as ResourceTypes: each group's
 * versions in the server's order of preference (the first is preferred) merged as the plain
 * path merges them (mergeGroupVersions). A version marked Stale (an aggregated API server that
 * did not answer) is left out, as client-go leaves it out. Subresources become
 * `subresourceNames` ('status', 'scale').
 */
export function typesFromAggregated(doc: GroupDiscoveryList): ResourceType[] {
  const out: ResourceType[] = [];
  for (const item of doc.items ?? []) {
    const group = item.metadata?.name ?? '';
    const lists = new Map<string, ResourceList>();
    for (const v of item.versions ?? []) {
      if (!v.version || v.freshness === 'Stale') continue;
      lists.set(v.version, {
        resources: (v.resources ?? []).flatMap((r): ApiResource[] => {
          if (!r.resource || !r.responseKind?.kind) return [];
          const one: ApiResource = { name: r.resource, kind: r.responseKind.kind, namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [] };
          if (r.singularResource) one.singularName = r.singularResource;
          if (r.shortNames) one.shortNames = r.shortNames;
          if (r.categories) one.categories = r.categories;
          return [one, ...(r.subresources ?? []).flatMap((s) => (s.subresource ? [{ name: `${r.resource}/${s.subresource}`, kind: r.responseKind!.kind!, verbs: s.verbs ?? [] }] : []))];
        }),
      });
    }
    const preferred = lists.keys().next().value;
    if (preferred !== undefined) out.push(...mergeGroupVersions(group, preferred, lists));
  }
  return out;
}

/** How discovery went: `aggregated` (and how many documents the disk cache answered with 304), or `legacy` (per group-version requests). */
export interface DiscoveryStats {
  mode: 'aggregated' | 'legacy';
  requests: number;
  notModified: number;
}

export interface DiscoverOptions {
  signal?: AbortSignal;
  /** revalidated with If-None-Match on every call (src/kube/discovery-cache.ts) */
  cache?: DiscoveryCache;
  /** the context's server URL, the cache's key */
  server?: string;
  /** filled in with how the call went */
  stats?: DiscoveryStats;
}

/**
 * Everything the context serves, core first, then groups in the server's order; each group
 * over all its served versions (mergeGroupVersions). Asks for aggregated discovery first (two
 * requests for the whole server, revalidated against the disk cache); a server that answers
 * with the plain documents gets the per-group-version requests of older clients. One broken
 * version or aggregated API (metrics-server down) hides only itself.
 */
export async function discover(client: ContextClient, opts: DiscoverOptions = {}): Promise<ResourceType[]> {
  const { signal, cache, server } = opts;
  const stats: DiscoveryStats = opts.stats ?? { mode: 'aggregated', requests: 0, notModified: 0 };
  Object.assign(stats, { mode: 'aggregated', requests: 0, notModified: 0 });
  const fetchDoc = async (path: '/api' | '/apis'): Promise<unknown> => {
    const cached = cache && server ? await cache.get(server, path) : undefined;
    stats.requests++;
    const res = await client.request({ path, accept: AGGREGATED_ACCEPT, ...(cached ? { ifNoneMatch: cached.etag } : {}), signal });
    if (res.status === 304 && cached) {
      stats.notModified++;
      return cached.body;
    }
    if (typeof res.body !== 'object' || res.body === null) throw new Error(`${path}: the server did not answer JSON`);
    if (cache && server && res.etag && (res.body as GroupDiscoveryList).kind === 'APIGroupDiscoveryList') await cache.put(server, path, { etag: res.etag, body: res.body });
    return res.body;
  };
  const [core, groups] = await Promise.all([fetchDoc('/api'), fetchDoc('/apis')]);
  const isAggregated = (d: unknown): d is GroupDiscoveryList => (d as GroupDiscoveryList).kind === 'APIGroupDiscoveryList';
  if (isAggregated(core) && isAggregated(groups)) return [...typesFromAggregated(core), ...typesFromAggregated(groups)];
  stats.mode = 'legacy';
  return legacyDiscover(client, isAggregated(core) ? undefined : (core as { versions?: string[] }), isAggregated(groups) ? undefined : (groups as GroupList), stats, signal);
}

/** The plain path: /api/v1, then every version of every group of /apis, in parallel. */
async function legacyDiscover(client: ContextClient, core: { versions?: string[] } | undefined, groups: GroupList | undefined, stats: DiscoveryStats, signal?: AbortSignal): Promise<ResourceType[]> {
  const get = <T>(path: string): Promise<T> => {
    stats.requests++;
    return client.getJson<T>(path, undefined, signal);
  };
  core ??= await get<{ versions?: string[] }>('/api');
  groups ??= await get<GroupList>('/apis');
  const coreVersion = core.versions?.[0] ?? 'v1';
  const fetchList = (path: string): Promise<ResourceList | undefined> =>
    get<ResourceList>(path).catch((e: unknown) => {
      if (signal?.aborted) throw e;
      return undefined;
    });
  const lists = await Promise.all([
    get<ResourceList>(`/api/${coreVersion}`).then((l) => toTypes('', coreVersion, l)),
    ...(groups.groups ?? []).map(async (g) => {
      const preferred = g.preferredVersion?.version ?? g.versions?.[0]?.version;
      if (!preferred) return [];
      const versions = [...new Set([preferred, ...(g.versions ?? []).map((v) => v.version)])];
      const got = await Promise.all(versions.map(async (v) => [v, await fetchList(`/apis/${g.name}/${v}`)] as const));
      const byVersion = new Map<string, ResourceList>();
      for (const [v, l] of got) if (l) byVersion.set(v, l);
      return mergeGroupVersions(g.name, preferred, byVersion);
    }),
  ]);
  return lists.flat();
}

/** additionalPrinterColumns per `${group}/${version}/${plural}` from CRD objects. */
export function printerColumns(crds: Iterable<KubeObject>): Map<string, PrinterColumn[]> {
  const out = new Map<string, PrinterColumn[]>();
  for (const crd of crds) {
    const group = str(crd, 'spec', 'group') ?? '';
    const plural = str(crd, 'spec', 'names', 'plural') ?? '';
    for (const v of arr(crd, 'spec', 'versions')) {
      const cols = arr(v, 'additionalPrinterColumns');
      if (cols.length === 0) continue;
      out.set(
        `${group}/${str(v, 'name') ?? ''}/${plural}`,
        cols.map((c) => {
          const col: PrinterColumn = { name: str(c, 'name') ?? '', type: str(c, 'type') ?? 'string', jsonPath: str(c, 'jsonPath') ?? '' };
          const description = str(c, 'description');
          const priority = num(c, 'priority');
          const format = str(c, 'format');
          if (description) col.description = description;
          if (priority !== undefined) col.priority = priority;
          if (format) col.format = format;
          return col;
        }),
      );
    }
  }
  return out;
}

export function withPrinterColumns(types: ResourceType[], cols: Map<string, PrinterColumn[]>): ResourceType[] {
  return types.map((t) => {
    const c = cols.get(`${t.group}/${t.version}/${t.resource}`);
    return c ? { ...t, printerColumns: c } : t;
  });
}
