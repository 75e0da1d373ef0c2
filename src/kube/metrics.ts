// Reading metrics.k8s.io/v1beta1 (metrics-server, or the sim): pod and node usage as plain
// numbers. A cluster that does not serve the group answers 404 (no APIService) or 503 (the
// APIService exists but its backend is down); both are "not served", with the reason kept,
// so columns show "n/a" instead of a number that was never measured.
import { parseQuantity } from '../model/format.js';
import type { KubeResponse, KubeRequest } from './client.js';
import { KubeApiError } from './errors.js';

export const METRICS_BASE = '/apis/metrics.k8s.io/v1beta1';

export interface ContainerUsage {
  name: string;
  /** cores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  /** the pod's labels as metrics-server copies them (workload sums select by them) */
  labels: Record<string, string>;
  containers: ContainerUsage[];
  /** the sample's time (RFC3339) */
  timestamp?: string;
}

export interface NodeUsage {
  name: string;
  cpu: number;
  memory: number;
  timestamp?: string;
}

export type MetricsRead<T> = { served: true; items: T[] } | { served: false; reason: string };

type Requester = (req: KubeRequest) => Promise<KubeResponse>;
/** A streaming GET: the body's chunks (FleetStore.stream); errors thrown as KubeApiError. */
export type Streamer = (req: { path: string; signal?: AbortSignal }) => Promise<AsyncIterable<Uint8Array>>;

/**
 * Each object of the top-level `items` array of a JSON list answer, parsed on its own as its
 * text arrives, to `each`. A poll of 10k pods' metrics is ~3.6 MB of JSON every 15 s: read whole, its
 * text and the tree parsed from it live until the last item is read, long enough to be moved to
 * the old generation, where they stay until the next full collection; item by item, each one
 * is garbage at once (issue 22: the TUI's RSS). False when the answer has no `items` array.
 */
export async function listItems(chunks: AsyncIterable<Uint8Array>, each: (item: unknown) => void): Promise<boolean> {
  const decoder = new TextDecoder();
  let depth = 0;
  let inString = false;
  let escaped = false;
  // the last key read at depth 1, and whether its value is the items array being read
  let key = '';
  let keyStart = -1;
  let inItems = false;
  let found = false;
  let item = '';
  let itemStart = -1;
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    let backslash = text.indexOf('\\');
    for (let i = 0; i < text.length; i++) {
      if (inString) {
        if (escaped) {
          escaped = false;
          continue;
        }
        // most of a list is string contents: jump to the next quote or backslash
        let quote = text.indexOf('"', i);
        if (quote < 0) quote = text.length;
        if (backslash >= 0 && backslash < i) backslash = text.indexOf('\\', i);
        if (backslash >= 0 && backslash < quote) {
          i = backslash;
          escaped = true;
          continue;
        }
        i = quote;
        if (i === text.length) break;
        inString = false;
        if (keyStart >= 0) {
          key += text.slice(keyStart, i);
          keyStart = -1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 34) {
        inString = true;
        if (depth === 1) {
          key = '';
          keyStart = i + 1;
        }
      } else if (c === 123 || c === 91) {
        depth++;
        if (depth === 2 && c === 91 && key === 'items') inItems = found = true;
        else if (depth === 3 && inItems) itemStart = i;
      } else if (c === 125 || c === 93) {
        if (depth === 3 && inItems) {
          each(JSON.parse(item + text.slice(itemStart, i + 1)));
          item = '';
          itemStart = -1;
        }
        if (depth === 2) inItems = false;
        depth--;
      }
    }
    // the unfinished part of a key or an item goes on in the next chunk
    if (keyStart >= 0) {
      key += text.slice(keyStart);
      keyStart = 0;
    }
    if (itemStart >= 0) {
      item += text.slice(itemStart);
      itemStart = 0;
    }
  }
  return found;
}

interface RawItem {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  timestamp?: string;
  usage?: { cpu?: string; memory?: string };
  containers?: { name?: string; usage?: { cpu?: string; memory?: string } }[];
}

function notServed(e: unknown): { served: false; reason: string } | undefined {
  if (!(e instanceof KubeApiError)) return undefined;
  if (e.code === 404) return { served: false, reason: 'metrics.k8s.io is not served by this cluster (no metrics-server)' };
  if (e.code === 503) return { served: false, reason: `metrics API unavailable: ${e.message}` };
  if (e.code === 403) return { served: false, reason: `metrics: ${e.message}` };
  return undefined;
}

async function list(request: Requester, path: string, signal?: AbortSignal): Promise<MetricsRead<RawItem>> {
  try {
    const res = await request({ path, signal });
    // a door that answers error statuses instead of throwing them
    if (res.status >= 400) {
      const n = notServed(new KubeApiError(res.status, '', String((res.body as { message?: unknown } | null)?.message ?? `HTTP ${res.status}`)));
      if (n) return n;
      throw new KubeApiError(res.status, '', `metrics: ${path}: HTTP ${res.status}`);
    }
    const items = (res.body as { items?: RawItem[] } | null)?.items;
    if (!Array.isArray(items)) return { served: false, reason: `metrics: ${path} did not answer a list` };
    return { served: true, items };
  } catch (e) {
    const n = notServed(e);
    if (n) return n;
    throw e;
  }
}

const q = (v: string | undefined): number => parseQuantity(v) ?? 0;

const podUsage = (i: RawItem): PodUsage => ({
  namespace: i.metadata?.namespace ?? '',
  name: i.metadata?.name ?? '',
  labels: i.metadata?.labels ?? {},
  timestamp: i.timestamp,
  containers: (i.containers ?? []).map((c) => ({ name: c.name ?? '', cpu: q(c.usage?.cpu), memory: q(c.usage?.memory) })),
});

const podsPath = (namespace?: string): string => (namespace ? `${METRICS_BASE}/namespaces/${encodeURIComponent(namespace)}/pods` : `${METRICS_BASE}/pods`);

/** Pod usage in one namespace or all (namespace undefined), read whole. Errors other than "not served" throw. */
export async function readPodMetrics(request: Requester, namespace?: string, signal?: AbortSignal): Promise<MetricsRead<PodUsage>> {
  const r = await list(request, podsPath(namespace), signal);
  if (!r.served) return r;
  return { served: true, items: r.items.map(podUsage) };
}

/**
 * Pod usage in one namespace or all, read item by item (listItems): each pod's usage goes to
 * `each` as its item arrives and nothing of it is kept here, so a poll of 10k pods leaves
 * only short-lived garbage. Errors other than "not served" throw.
 */
export async function streamPodMetrics(stream: Streamer, each: (pod: PodUsage) => void, namespace?: string, signal?: AbortSignal): Promise<{ served: true } | { served: false; reason: string }> {
  const path = podsPath(namespace);
  try {
    if (!(await listItems(await stream({ path, signal }), (i) => each(podUsage(i as RawItem))))) return { served: false, reason: `metrics: ${path} did not answer a list` };
    return { served: true };
  } catch (e) {
    const n = notServed(e);
    if (n) return n;
    throw e;
  }
}

/** Node usage. Errors other than "not served" throw. */
export async function readNodeMetrics(request: Requester, signal?: AbortSignal): Promise<MetricsRead<NodeUsage>> {
  const r = await list(request, `${METRICS_BASE}/nodes`, signal);
  if (!r.served) return r;
  return { served: true, items: r.items.map((i) => ({ name: i.metadata?.name ?? '', cpu: q(i.usage?.cpu), memory: q(i.usage?.memory), timestamp: i.timestamp })) };
}
