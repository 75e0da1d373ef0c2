// Discovery of one context: /api and /apis, each group at its preferred version (fetched in
// parallel), subresources dropped; CRD printer columns read from the CRD objects themselves
// so tables can show additionalPrinterColumns.
import type { KubeObject, PrinterColumn, ResourceType } from '../model/types.js';
import { arr, num, str } from '../model/access.js';
import type { ContextClient } from './client.js';

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}
interface ResourceList {
  groupVersion?: string;
  resources?: ApiResource[];
}
interface GroupList {
  groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
}

function toTypes(group: string, version: string, list: ResourceList): ResourceType[] {
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({
      group,
      version,
      resource: r.name,
      kind: r.kind,
      singular: r.singularName || r.kind.toLowerCase(),
      namespaced: r.namespaced === true,
      verbs: r.verbs ?? [],
      shortNames: r.shortNames ?? [],
      categories: r.categories ?? [],
    }));
}

/** Everything the context serves, core first, then groups in the server's order. */
export async function discover(client: ContextClient, signal?: AbortSignal): Promise<ResourceType[]> {
  const [core, groups] = await Promise.all([
    client.getJson<{ versions?: string[] }>('/api', undefined, signal),
    client.getJson<GroupList>('/apis', undefined, signal),
  ]);
  const coreVersion = core.versions?.[0] ?? 'v1';
  const lists = await Promise.all([
    client.getJson<ResourceList>(`/api/${coreVersion}`, undefined, signal).then((l) => toTypes('', coreVersion, l)),
    ...(groups.groups ?? []).map((g) => {
      const v = g.preferredVersion?.version ?? g.versions?.[0]?.version;
      if (!v) return Promise.resolve([]);
      return client
        .getJson<ResourceList>(`/apis/${g.name}/${v}`, undefined, signal)
        // one broken aggregated API (metrics-server down) must not hide the rest
        .then((l) => toTypes(g.name, v, l))
        .catch((e: unknown) => {
          if (signal?.aborted) throw e;
          return [];
        });
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
