// Random and truncated objects through health, problems, Flux summaries and columns: nothing
// may throw, and what is not an object is Unknown. Seeded so a failure reproduces: the
// failing seed and case index are in the assertion message.
import { describe, expect, it } from 'vitest';
import { cellColor, cellSortValue, columnsFor, contextColumn, namespaceColumn } from '../../src/model/columns.js';
import { summarizeContext } from '../../src/model/fleet-summary.js';
import { fluxOwner, fluxSummary, inventory, parseInventoryId, reconcileSourcesFirst, shortenRevision } from '../../src/model/flux.js';
import { age, parseGoDuration, parseQuantity, truncate } from '../../src/model/format.js';
import { HEALTH_RULE_ERROR, health, type HealthStatus } from '../../src/model/health.js';
import { problems } from '../../src/model/problems.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { mulberry32 } from '../../src/model/prng.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_a11);
const CASES = 3000;
const NOW = Date.parse('2024-05-01T12:00:00Z');

const STRINGS = [
  '', 'True', 'False', 'Unknown', 'Degraded', 'Running', 'Pending', 'Failed', 'Succeeded', 'Bound', 'Lost', 'Terminating', 'Ready', 'Stalled', 'Reconciling',
  'CrashLoopBackOff', 'ImagePullBackOff', 'Unschedulable', 'ProgressDeadlineExceeded', 'OnDelete', 'LoadBalancer', 'Healthy', 'OutOfSync', 'Cluster in healthy state',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf',
  '2024-05-01T11:00:00Z', '2024-05-01T11:59:59.999999999Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'not-a-date',
  '5m0s', '1h', '-1s', '0', '250m', '1Gi', 'main@sha1:1eabc9a4e0e1c1c1a9b1d2f3e4d5c6b7a8f9e0d1', 'default_podinfo_apps_Deployment', '___', '_', '@', 'a/b/c',
  '\u0000\n\t\u001b[31m', '日本語', 'x'.repeat(100_000),
];
const KEYS = [
  'metadata', 'spec', 'status', 'conditions', 'type', 'status', 'reason', 'message', 'lastTransitionTime', 'name', 'namespace', 'generation', 'observedGeneration',
  'deletionTimestamp', 'finalizers', 'labels', 'annotations', 'replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas', 'phase', 'containerStatuses',
  'initContainerStatuses', 'state', 'waiting', 'terminated', 'running', 'restartCount', 'ready', 'suspend', 'interval', 'sourceRef', 'chartRef', 'chart', 'dependsOn',
  'history', 'inventory', 'entries', 'id', 'artifact', 'revision', 'lastAppliedRevision', 'lastAttemptedRevision', 'health', 'sync', 'instances', 'readyInstances',
  'currentPrimary', 'targetPrimary', 'notAfter', 'ports', 'loadBalancer', 'ingress', 'data', 'accessModes', 'capacity', 'constructor', '__proto__',
];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function randomValue(r: Rand, depth: number): unknown {
  const roll = r();
  if (depth <= 0 || roll < 0.25) {
    return pick(r, [null, undefined, true, false, 0, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, pick(r, STRINGS), pick(r, STRINGS), pick(r, STRINGS)]);
  }
  if (roll < 0.45) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) o[pick(r, KEYS)] = randomValue(r, depth - 1);
  return o;
}

// Realistic templates, then truncated and mangled at random paths
const TEMPLATES: unknown[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n', generation: 2 }, spec: { replicas: 3 }, status: { observedGeneration: 2, replicas: 3, readyReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i', restartPolicy: 'Always' }] }, status: { phase: 'Running', initContainerStatuses: [{ name: 'i', started: true, state: { running: {} } }], containerStatuses: [{ name: 'a', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: '2024-05-01T11:00:00Z' } } }] } },
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'k', namespace: 'flux-system', annotations: { 'reconcile.fluxcd.io/requestedAt': 't' } }, spec: { interval: '5m', sourceRef: { kind: 'GitRepository', name: 'g' }, dependsOn: [{ name: 'x' }] }, status: { history: [{ lastReconciled: '2024-05-01T11:00:00Z' }], inventory: { entries: [{ id: 'n_d_apps_Deployment', v: 'v1' }] }, conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'm' }] } },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'h', namespace: 'n' }, spec: { chart: { spec: { sourceRef: { kind: 'HelmRepository', name: 'r' } } } }, status: { helmChart: 'n/n-h', history: [{ status: 'deployed', chartVersion: '1.0.0' }] } },
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'n' }, status: { notAfter: '2024-05-03T00:00:00Z', conditions: [{ type: 'Ready', status: 'True' }] } },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'n' }, status: { phase: 'Failing over', instances: 3, readyInstances: 1, currentPrimary: 'a', targetPrimary: 'b' } },
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', namespace: 'argocd' }, status: { health: { status: 'Degraded' }, sync: { status: 'OutOfSync' }, operationState: { phase: 'Failed' } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', deletionTimestamp: '2024-05-01T10:00:00Z', finalizers: ['kubernetes'] }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } },
];

function mangle(r: Rand, v: unknown, depth = 0): unknown {
  if (Array.isArray(v)) return r() < 0.1 ? randomValue(r, 2) : v.filter(() => r() > 0.15).map((x) => mangle(r, x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    if (depth > 0 && r() < 0.08) return randomValue(r, 2);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const roll = r();
      if (roll < 0.12) continue;
      out[k] = roll < 0.22 ? randomValue(r, 2) : mangle(r, x, depth + 1);
    }
    return out;
  }
  return r() < 0.15 ? randomValue(r, 1) : v;
}

function randomObject(r: Rand): unknown {
  const roll = r();
  if (roll < 0.5) return mangle(r, pick(r, TEMPLATES));
  if (roll < 0.9) return { metadata: randomValue(r, 2), ...(randomValue(r, 3) as object) };
  return randomValue(r, 4);
}

const r0 = (g: string, kind: string, printerColumns?: ResourceType['printerColumns']): ResourceType => ({ group: g, version: 'v1', resource: `${kind.toLowerCase()}s`, kind, singular: kind.toLowerCase(), namespaced: true, verbs: [], shortNames: [], categories: [], ...(printerColumns ? { printerColumns } : {}) });
const RESOURCES: ResourceType[] = [
  r0('', 'Pod'), r0('', 'Service'), r0('', 'ConfigMap'), r0('', 'Secret'), r0('', 'Namespace'), r0('', 'Node'), r0('', 'PersistentVolumeClaim'), r0('', 'Event'),
  r0('apps', 'Deployment'), r0('apps', 'ReplicaSet'), r0('apps', 'StatefulSet'), r0('apps', 'DaemonSet'), r0('batch', 'Job'), r0('batch', 'CronJob'),
  r0('apiextensions.k8s.io', 'CustomResourceDefinition'), r0('kustomize.toolkit.fluxcd.io', 'Kustomization'), r0('helm.toolkit.fluxcd.io', 'HelmRelease'),
  r0('source.toolkit.fluxcd.io', 'GitRepository'), r0('source.toolkit.fluxcd.io', 'HelmChart'), r0('notification.toolkit.fluxcd.io', 'Alert'),
  r0('cert-manager.io', 'Certificate'), r0('monitoring.coreos.com', 'Prometheus'), r0('kafka.strimzi.io', 'Kafka'), r0('argoproj.io', 'Application'),
  r0('postgresql.cnpg.io', 'Cluster', [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'All', type: 'string', jsonPath: '.status.conditions[*]' },
    { name: 'Bad', type: 'integer', jsonPath: '.status[?(' },
  ]),
  r0('example.com', 'Widget'), r0('example.com', 'constructor'), r0('', '__proto__'),
];

const STATUSES: HealthStatus[] = ['Current', 'InProgress', 'Failed', 'Terminating', 'NotFound', 'Unknown', 'Suspended'];

describe(`fuzz: model A (seed ${SEED}, ${CASES} cases)`, () => {
  it('health, problems, Flux summaries and columns never throw and give well-formed answers', () => {
    const r = mulberry32(SEED);
    const rows: { context: string; resource: string; object: KubeObject }[] = [];
    for (let i = 0; i < CASES; i++) {
      const obj = randomObject(r) as KubeObject;
      const res = pick(r, RESOURCES);
      const where = `seed ${SEED} case ${i}: ${JSON.stringify(obj)?.slice(0, 300)}`;
      const hint = pick(r, [undefined, res.kind, { group: res.group, kind: res.kind }, `${res.kind}.${res.group}`]);
      const v = health(obj, hint, { now: NOW, related: r() < 0.3 ? [randomObject(r) as KubeObject, mangle(r, TEMPLATES[1]) as KubeObject] : undefined });
      expect(STATUSES, where).toContain(v.status);
      expect(typeof v.reason, where).toBe('string');
      expect(v.reason, where).not.toContain(HEALTH_RULE_ERROR);
      expect(v.reason, where).not.toMatch(/[\n\t]/);
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
        expect(v.status, where).toBe('Unknown');
      }

      const s = fluxSummary(obj, res.kind, NOW);
      expect(['True', 'False', 'Unknown'], where).toContain(s.ready);
      expect(typeof s.revision, where).toBe('string');
      reconcileSourcesFirst(obj, res.kind, randomObject(r));
      inventory(obj);
      fluxOwner(obj);

      for (const c of [...columnsFor(res), contextColumn(), namespaceColumn()]) {
        // call value() itself: cellText's guard would hide a throwing column
        expect(typeof c.value(obj, NOW, { context: 'c' }), `${where} column ${c.id}`).toBe('string');
        const sv = cellSortValue(c, obj, NOW);
        expect(['number', 'string'], where).toContain(typeof sv);
        if (c.sortValue) expect(['number', 'string'], `${where} sort ${c.id}`).toContain(typeof c.sortValue(obj, NOW));
        const color = cellColor(c, obj, NOW);
        if (c.statusColor) expect([undefined, 'ok', 'warn', 'error', 'muted'], `${where} color ${c.id}`).toContain(c.statusColor(obj, NOW));
        expect([undefined, 'ok', 'warn', 'error', 'muted'], where).toContain(color);
      }
      rows.push({ context: `ctx-${i % 3}`, resource: pick(r, ['pods', 'deployments.apps', 'constructor', '__proto__.x', 'kustomizations.kustomize.toolkit.fluxcd.io', 'widgets.example.com']), object: obj });
    }
    const ps = problems(rows, NOW);
    for (const p of ps) {
      expect(typeof p.kind).toBe('string');
      expect(typeof p.name).toBe('string');
    }
    const grouped = new Map<string, KubeObject[]>();
    for (const row of rows) grouped.set(row.resource, [...(grouped.get(row.resource) ?? []), row.object]);
    expect(() => summarizeContext(grouped, NOW)).not.toThrow();
  });

  it('parsers are total over random strings', () => {
    const r = mulberry32(SEED + 1);
    for (let i = 0; i < CASES; i++) {
      const len = Math.floor(r() * 40);
      const s = Array.from({ length: len }, () => pick(r, ['_', '@', ':', '/', 'a', 'Z', '0', '9', 'f', '.', 'm', 's', 'h', 'Gi', '-', ' ', '__'])).join('');
      const inv = parseInventoryId(s);
      if (inv) expect(inv.name.includes('_')).toBe(false);
      expect(typeof shortenRevision(s)).toBe('string');
      const d = parseGoDuration(s);
      if (d !== undefined) expect(Number.isFinite(d)).toBe(true);
      parseQuantity(s);
      expect(typeof age(s, NOW)).toBe('string');
      expect(Array.from(truncate(s, 10)).length).toBeLessThanOrEqual(10);
    }
  });
});
