// CPU/MEM cells from a metrics snapshot: pods (sums of containers, shares of requests and
// limits), workloads (sums over the pods their selector matches), nodes (share of
// allocatable); "n/a" when unserved or no sample, "…" before the first answer.
import { describe, expect, it } from 'vitest';
import { metricsColumns } from '../../src/model/columns.js';
import { metricText, type MetricsSnapshot } from '../../src/model/metrics.js';
import type { KubeObject } from '../../src/model/types.js';

const pod: KubeObject = {
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m' } } }, { name: 'b', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
};
const served: MetricsSnapshot = {
  state: 'served',
  at: 0,
  pods: new Map([
    ['shop/web-1', { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, cpu: 0.15, memory: 96 * 2 ** 20 }],
    ['shop/web-2', { namespace: 'shop', name: 'web-2', labels: { app: 'web' }, cpu: 0.05, memory: 32 * 2 ** 20 }],
    ['other/web-3', { namespace: 'other', name: 'web-3', labels: { app: 'web' }, cpu: 9, memory: 9 }],
  ]),
  nodes: new Map([['n1', { cpu: 1.5, memory: 6 * 2 ** 30 }]]),
};

describe('metrics cells', () => {
  it('a pod: usage, share of requests; n/a for a limit not set on every container', () => {
    expect(metricText(served, 'Pod', pod, 'cpu')).toBe('150m');
    expect(metricText(served, 'Pod', pod, 'mem')).toBe('96Mi');
    expect(metricText(served, 'Pod', pod, 'cpu%r')).toBe('75%');
    expect(metricText(served, 'Pod', pod, 'mem%r')).toBe('75%');
    expect(metricText(served, 'Pod', pod, 'cpu%l')).toBe('n/a');
  });

  it('a workload sums the pods its selector matches in its namespace', () => {
    const deploy: KubeObject = { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } } };
    expect(metricText(served, 'Deployment', deploy, 'cpu')).toBe('200m');
    expect(metricText(served, 'Deployment', deploy, 'mem')).toBe('128Mi');
  });

  it('a node: usage and share of allocatable', () => {
    const node: KubeObject = { kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { cpu: '3', memory: '12Gi' } } };
    expect(metricText(served, 'Node', node, 'cpu%')).toBe('50%');
    expect(metricText(served, 'Node', node, 'mem')).toBe('6144Mi');
    expect(metricText(served, 'Node', node, 'mem%')).toBe('50%');
  });

  it('unknown is never a number: n/a when unserved or without a sample, … before the first answer', () => {
    expect(metricText({ state: 'unserved', reason: 'no metrics-server' }, 'Pod', pod, 'cpu')).toBe('n/a');
    // a context that could not be asked is unknown, not "not served"
    expect(metricText({ state: 'unknown', reason: 'metrics: connect ECONNREFUSED' }, 'Pod', pod, 'cpu')).toBe('?');
    expect(metricText(served, 'Pod', { ...pod, metadata: { name: 'pending', namespace: 'shop' } }, 'cpu')).toBe('n/a');
    expect(metricText({ state: 'pending' }, 'Pod', pod, 'mem')).toBe('…');
    expect(metricText(undefined, 'Pod', pod, 'mem')).toBe('…');
  });

  it('columns: pods CPU, MEM and the wide-only shares; nodes with %; other kinds none', () => {
    expect(metricsColumns('Pod').map((c) => [c.header, c.priority])).toEqual([['CPU', 0], ['MEM', 0], ['%CPU/R', 1], ['%CPU/L', 1], ['%MEM/R', 1], ['%MEM/L', 1]]);
    expect(metricsColumns('Node').map((c) => c.header)).toEqual(['CPU', '%CPU', 'MEM', '%MEM']);
    expect(metricsColumns('ConfigMap')).toEqual([]);
    const [cpu] = metricsColumns('Pod');
    expect(cpu.value(pod, 0, { metrics: served })).toBe('150m');
    expect(cpu.statusColor?.(pod, 0, { metrics: { state: 'unserved', reason: 'x' } })).toBe('muted');
  });
});
