// CPU and memory usage from metrics.k8s.io as table cells: a pod's usage (sum of its
// containers) and its share of what the pod requests and is limited to; a workload's usage
// as the sum over the pods its selector matches (PodMetrics carry the pod's labels, as
// metrics-server sends them); a node's usage and its share of allocatable. Units: CPU in
// cores, memory in bytes. "n/a" when the cluster does not serve metrics or has no sample
// for the object (a pod that is not running); "…" before the first answer. The % columns
// follow k9s (%CPU/R, %CPU/L, %MEM/R, %MEM/L), "n/a" when no request or limit is set.
import { arr, str } from './access.js';
import { formatCpu, parseQuantity } from './format.js';
import { labelSelectorFromObject, matchLabels } from './selector.js';
import { metricsSourceOf, type MetricsSource } from './kinds.js';
import type { KubeObject } from './types.js';

export interface Usage {
  /** cores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface PodSample extends Usage {
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/** One context's metrics as last read; `pending` until the first answer. */
export type MetricsSnapshot =
  | { state: 'pending' }
  | { state: 'unserved'; reason: string }
  /** no answer yet from a context that could not be asked (unreachable, a failed read): `?`, never "not served" */
  | { state: 'unknown'; reason: string }
  | { state: 'served'; at: number; pods: Map<string, PodSample>; nodes: Map<string, Usage> };

export const NA = 'n/a';
export const PENDING = '…';
/** a figure that could not be read (the context could not be asked): not `n/a`, which says "not served" */
export const UNKNOWN = '?';

export const podKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

/** Usage of the object a row shows, undefined when there is no sample for it. */
export function usageOf(snap: MetricsSnapshot, kind: string, o: KubeObject): Usage | undefined {
  if (snap.state !== 'served') return undefined;
  // how the kind's usage is read is the kind registry's `metrics` (src/model/kinds.ts)
  const source = metricsSourceOf(kind);
  if (source === 'pod') return snap.pods.get(podKey(o.metadata.namespace, o.metadata.name));
  if (source === 'node') return snap.nodes.get(o.metadata.name);
  if (source !== 'selector') return undefined;
  const sel = labelSelectorFromObject((o.spec as { selector?: unknown } | undefined)?.selector);
  if (!sel) return undefined;
  let cpu = 0;
  let memory = 0;
  let n = 0;
  for (const p of snap.pods.values()) {
    if (p.namespace !== o.metadata.namespace || !matchLabels(sel, p.labels)) continue;
    cpu += p.cpu;
    memory += p.memory;
    n++;
  }
  return n > 0 ? { cpu, memory } : undefined;
}

/** The sum of a pod's containers' requests or limits; undefined when any container lacks it. */
export function podResources(pod: KubeObject, which: 'requests' | 'limits'): { cpu?: number; memory?: number } {
  const containers = arr(pod, 'spec', 'containers');
  const sum = (res: 'cpu' | 'memory'): number | undefined => {
    let total = 0;
    for (const c of containers) {
      const v = parseQuantity(str(c, 'resources', which, res));
      if (v === undefined) return undefined;
      total += v;
    }
    return containers.length > 0 ? total : undefined;
  };
  return { cpu: sum('cpu'), memory: sum('memory') };
}

/** A node's allocatable (capacity when allocatable is missing). */
export function nodeAllocatable(node: KubeObject): { cpu?: number; memory?: number } {
  const pick = (res: string) => parseQuantity(str(node, 'status', 'allocatable', res)) ?? parseQuantity(str(node, 'status', 'capacity', res));
  return { cpu: pick('cpu'), memory: pick('memory') };
}

function percent(used: number, of: number | undefined): string {
  if (of === undefined || of <= 0) return NA;
  return `${Math.round((used / of) * 100)}%`;
}

export type MetricCell = 'cpu' | 'mem' | 'cpu%r' | 'cpu%l' | 'mem%r' | 'mem%l' | 'cpu%' | 'mem%';

/** One metrics cell's text for an object of `kind`. */
export function metricText(snap: MetricsSnapshot | undefined, kind: string, o: KubeObject, cell: MetricCell): string {
  if (!snap || snap.state === 'pending') return PENDING;
  if (snap.state === 'unknown') return UNKNOWN;
  const u = usageOf(snap, kind, o);
  if (!u) return NA;
  switch (cell) {
    case 'cpu':
      return formatCpu(u.cpu);
    case 'mem':
      // kubectl top's unit: whole Mi
      return `${Math.round(u.memory / 2 ** 20)}Mi`;
    case 'cpu%r':
      return percent(u.cpu, podResources(o, 'requests').cpu);
    case 'cpu%l':
      return percent(u.cpu, podResources(o, 'limits').cpu);
    case 'mem%r':
      return percent(u.memory, podResources(o, 'requests').memory);
    case 'mem%l':
      return percent(u.memory, podResources(o, 'limits').memory);
    case 'cpu%':
      return percent(u.cpu, nodeAllocatable(o).cpu);
    case 'mem%':
      return percent(u.memory, nodeAllocatable(o).memory);
  }
}

/** A sort key: the usage number (or percentage), -1 when unknown so unknown sorts first ascending. */
export function metricSortValue(snap: MetricsSnapshot | undefined, kind: string, o: KubeObject, cell: MetricCell): number {
  const text = metricText(snap, kind, o, cell);
  if (text === NA || text === PENDING) return -1;
  if (text.endsWith('%')) return Number(text.slice(0, -1));
  const u = snap && usageOf(snap, kind, o);
  if (!u) return -1;
  return cell === 'cpu' ? u.cpu : u.memory;
}

const CELLS: Record<MetricsSource, { cell: MetricCell; header: string; wide: boolean }[]> = {
  // a pod with its request/limit shares (the shares wide-only, as k9s)
  pod: [
    { cell: 'cpu', header: 'CPU', wide: false },
    { cell: 'mem', header: 'MEM', wide: false },
    { cell: 'cpu%r', header: '%CPU/R', wide: true },
    { cell: 'cpu%l', header: '%CPU/L', wide: true },
    { cell: 'mem%r', header: '%MEM/R', wide: true },
    { cell: 'mem%l', header: '%MEM/L', wide: true },
  ],
  // a node with its allocatable shares
  node: [
    { cell: 'cpu', header: 'CPU', wide: false },
    { cell: 'cpu%', header: '%CPU', wide: false },
    { cell: 'mem', header: 'MEM', wide: false },
    { cell: 'mem%', header: '%MEM', wide: false },
  ],
  // a workload: the sums over its pods
  selector: [
    { cell: 'cpu', header: 'CPU', wide: false },
    { cell: 'mem', header: 'MEM', wide: false },
  ],
};

/** The cells shown for a kind, from its registry entry's `metrics`; none for kinds without. */
export function metricCellsFor(kind: string): { cell: MetricCell; header: string; wide: boolean }[] {
  const source = metricsSourceOf(kind);
  return source ? CELLS[source] : [];
}
