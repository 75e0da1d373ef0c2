// metrics.k8s.io/v1beta1 as metrics-server serves it: PodMetrics (per container usage) for
// running pods and NodeMetrics for nodes, computed from the store on each request. Usage is
// deterministic per container (a hash of pod uid and container name) and drifts slowly with
// time so charts move: CPU around a fraction of the request (or 5–250m without one), memory
// around 40–90% of the request (or 20–400Mi). Nodes report the sum of their pods plus a
// system share. `kubectl top pods|nodes` reads these (it checks /apis for the group first).
// Shapes: k8s.io/metrics pkg/apis/metrics/v1beta1/types.go.
import type { ServerResponse } from 'node:http';
import { arr, str } from '../../model/access.js';
import { parseQuantity } from '../../model/format.js';
import { fnv32a } from '../../model/hash.js';
import type { KubeObject } from '../../model/types.js';
import type { ClusterStore } from '../store.js';
import { badRequest, notFound } from '../errors.js';
import { matchLabels, parseLabelSelector } from '../../model/selector.js';
import { sendJson } from './respond.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const GV = `${METRICS_GROUP}/${METRICS_VERSION}`;
const WINDOW = '15s';

export function metricsGroupDoc(): Record<string, unknown> {
  const v = { groupVersion: GV, version: METRICS_VERSION };
  return { name: METRICS_GROUP, versions: [v], preferredVersion: v };
}

export function metricsResourceList(): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GV,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  };
}

/** A usage between lo and hi for `key`, drifting with a period of minutes. */
function drift(key: string, lo: number, hi: number, nowMs: number): number {
  const h = fnv32a(key);
  const base = (h % 1000) / 1000;
  const wave = Math.sin(nowMs / 1000 / (120 + (h % 240)) + (h % 17)) * 0.15;
  const f = Math.min(1, Math.max(0, base + wave));
  return lo + (hi - lo) * f;
}

interface Usage {
  cpu: number; // cores
  memory: number; // bytes
}

function containerUsage(pod: KubeObject, c: unknown, nowMs: number): Usage {
  const key = `${pod.metadata.uid ?? pod.metadata.name}/${str(c, 'name') ?? ''}`;
  const reqCpu = parseQuantity(str(c, 'resources', 'requests', 'cpu'));
  const reqMem = parseQuantity(str(c, 'resources', 'requests', 'memory'));
  const cpu = reqCpu ? drift(`${key}/cpu`, reqCpu * 0.1, reqCpu * 1.2, nowMs) : drift(`${key}/cpu`, 0.005, 0.25, nowMs);
  const memory = reqMem ? drift(`${key}/mem`, reqMem * 0.4, reqMem * 0.9, nowMs) : drift(`${key}/mem`, 20 * 2 ** 20, 400 * 2 ** 20, nowMs);
  return { cpu, memory };
}

const cpuText = (cores: number) => `${Math.round(cores * 1e9)}n`;
const memText = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

function running(pod: KubeObject): boolean {
  return str(pod, 'status', 'phase') === 'Running' && !pod.metadata.deletionTimestamp;
}

function podMetrics(pod: KubeObject, now: Date): Record<string, unknown> {
  const containers = arr(pod, 'spec', 'containers').map((c) => {
    const u = containerUsage(pod, c, now.getTime());
    return { name: str(c, 'name') ?? '', usage: { cpu: cpuText(u.cpu), memory: memText(u.memory) } };
  });
  return {
    kind: 'PodMetrics',
    apiVersion: GV,
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: now.toISOString(), labels: pod.metadata.labels ?? {} },
    timestamp: new Date(now.getTime() - 5000).toISOString().replace(/\.\d+Z$/, 'Z'),
    window: WINDOW,
    containers,
  };
}

function nodeMetrics(node: KubeObject, pods: KubeObject[], now: Date): Record<string, unknown> {
  const name = node.metadata.name;
  let cpu = drift(`${name}/system/cpu`, 0.05, 0.2, now.getTime());
  let memory = drift(`${name}/system/mem`, 300 * 2 ** 20, 700 * 2 ** 20, now.getTime());
  for (const p of pods) {
    if (str(p, 'spec', 'nodeName') !== name || !running(p)) continue;
    for (const c of arr(p, 'spec', 'containers')) {
      const u = containerUsage(p, c, now.getTime());
      cpu += u.cpu;
      memory += u.memory;
    }
  }
  return {
    kind: 'NodeMetrics',
    apiVersion: GV,
    metadata: { name, creationTimestamp: now.toISOString(), labels: node.metadata.labels ?? {} },
    timestamp: new Date(now.getTime() - 5000).toISOString().replace(/\.\d+Z$/, 'Z'),
    window: WINDOW,
    usage: { cpu: cpuText(cpu), memory: memText(memory) },
  };
}

/**
 * Serves GET /apis/metrics.k8s.io/v1beta1/{nodes[/N] | pods | namespaces/NS/pods[/P]};
 * returns false for any other path under the group (the caller answers 404).
 */
export function serveMetrics(store: ClusterStore, segs: string[], q: URLSearchParams, res: ServerResponse, now = new Date()): boolean {
  // segs: after /apis/metrics.k8s.io/v1beta1
  let selector;
  try {
    selector = parseLabelSelector(q.get('labelSelector') ?? '');
  } catch (e) {
    throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
  }
  const matches = (o: KubeObject): boolean => matchLabels(selector, o.metadata.labels);
  if (segs.length === 0) {
    sendJson(res, 200, metricsResourceList());
    return true;
  }
  if (segs[0] === 'nodes' && segs.length <= 2) {
    const pods = store.list('pods');
    if (segs.length === 2) {
      const node = store.get('nodes', undefined, segs[1]);
      if (!node) throw notFound('nodes', METRICS_GROUP, segs[1]);
      sendJson(res, 200, nodeMetrics(node, pods, now));
      return true;
    }
    const items = store.list('nodes').filter(matches).map((n) => nodeMetrics(n, pods, now));
    sendJson(res, 200, { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items });
    return true;
  }
  let ns: string | undefined;
  let rest = segs;
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    ns = segs[1];
    rest = segs.slice(2);
  }
  if (rest[0] !== 'pods' || rest.length > 2) return false;
  if (rest.length === 2) {
    const pod = ns !== undefined ? store.get('pods', ns, rest[1]) : undefined;
    if (!pod || !running(pod)) throw notFound('pods', METRICS_GROUP, rest[1]);
    sendJson(res, 200, podMetrics(pod, now));
    return true;
  }
  const items = store.list('pods', ns).filter((p) => running(p) && matches(p)).map((p) => podMetrics(p, now));
  sendJson(res, 200, { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items });
  return true;
}
