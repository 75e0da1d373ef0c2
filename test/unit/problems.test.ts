import { describe, expect, it } from 'vitest';
import { kindRefOf, problems, STUCK_AFTER_MS, type ProblemInput } from '../../src/model/problems.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const MIN = 60_000;

const obj = (name: string, status: Record<string, unknown>, extra: Record<string, unknown> = {}, ns = 'shop'): KubeObject => ({
  metadata: { name, namespace: ns, creationTimestamp: ago(60 * MIN), generation: 1, ...extra },
  status,
});
const ready = (s: string, since: number, reason = 'R', message = 'm'): Record<string, unknown> => ({ conditions: [{ type: 'Ready', status: s, reason, message, lastTransitionTime: ago(since) }] });

// A fleet of three contexts with the demo scenario's kinds of faults (list items: no kind)
const rows: ProblemInput[] = [
  { context: 'dev', resource: 'kustomizations.kustomize.toolkit.fluxcd.io', object: { ...obj('apps', ready('False', 7 * MIN, 'BuildFailed', 'kustomize build failed'), {}, 'flux-system'), spec: {} } },
  { context: 'dev', resource: 'kustomizations.kustomize.toolkit.fluxcd.io', object: { ...obj('infra', ready('True', 30 * MIN), {}, 'flux-system'), spec: { suspend: true } } },
  { context: 'prod', resource: 'pods', object: { ...obj('web-1', { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }], conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: ago(3 * MIN) }] }) } },
  { context: 'prod', resource: 'namespaces', object: { metadata: { name: 'legacy', deletionTimestamp: ago(2 * 60 * MIN), finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } } },
  { context: 'prod', resource: 'namespaces', object: { metadata: { name: 'tmp', deletionTimestamp: ago(10_000) }, status: { phase: 'Terminating' } } },
  { context: 'stage', resource: 'persistentvolumeclaims', object: obj('data-0', { phase: 'Pending' }, { creationTimestamp: ago(40 * MIN) }) },
  { context: 'stage', resource: 'persistentvolumeclaims', object: obj('data-1', { phase: 'Pending' }, { creationTimestamp: ago(MIN) }) },
  { context: 'stage', resource: 'pods', object: obj('ok', { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }) },
  { context: 'stage', resource: 'pods', object: obj('lost', { phase: 'Unknown' }) },
  { context: 'stage', resource: 'certificates.cert-manager.io', object: obj('tls', ready('False', 20 * MIN, 'Failed', 'order failed')) },
];

describe('problems', () => {
  const got = problems(rows, NOW);

  it('lists everything not Current, most severe first', () => {
    expect(got.map((p) => [p.severity, p.context, p.kind, p.name])).toEqual([
      ['failed', 'stage', 'Certificate', 'tls'],
      ['failed', 'dev', 'Kustomization', 'apps'],
      ['failed', 'prod', 'Pod', 'web-1'],
      ['stuck', 'prod', 'Namespace', 'legacy'],
      ['slow', 'stage', 'PersistentVolumeClaim', 'data-0'],
      ['unknown', 'stage', 'Pod', 'lost'],
      ['terminating', 'prod', 'Namespace', 'tmp'],
      ['progressing', 'stage', 'PersistentVolumeClaim', 'data-1'],
      ['suspended', 'dev', 'Kustomization', 'infra'],
    ]);
  });

  it('carries the verdict, since and duration', () => {
    const ks = got.find((p) => p.name === 'apps');
    expect(ks).toMatchObject({ namespace: 'flux-system', since: ago(7 * MIN), durationMs: 7 * MIN, verdict: { status: 'Failed', reason: 'Ready=False BuildFailed: kustomize build failed' } });
    const ns = got.find((p) => p.name === 'legacy');
    expect(ns?.verdict.stuckFinalizers).toEqual(['kubernetes']);
    // no state time: the object's age stands in
    expect(got.find((p) => p.name === 'data-0')?.durationMs).toBe(40 * MIN);
  });

  it('uses STUCK_AFTER_MS as the line between recent and stuck', () => {
    const at = (ms: number) => problems([{ context: 'c', resource: 'namespaces', object: { metadata: { name: 'n', deletionTimestamp: ago(ms) } } }], NOW)[0].severity;
    expect(at(STUCK_AFTER_MS - 1000)).toBe('terminating');
    expect(at(STUCK_AFTER_MS)).toBe('stuck');
  });

  it('is empty for a healthy fleet', () => {
    expect(problems([rows[7]], NOW)).toEqual([]);
  });
});

describe('kindRefOf', () => {
  it.each([
    ['deployments.apps', { group: 'apps', kind: 'Deployment' }],
    ['pods', { group: '', kind: 'Pod' }],
    ['clusters.postgresql.cnpg.io', { group: 'postgresql.cnpg.io', kind: 'Cluster' }],
    ['widgets.example.com', { group: 'example.com', kind: 'Widget' }],
  ])('%s', (key, want) => {
    expect(kindRefOf(key, { kind: 'Widget' })).toEqual(want);
  });
});
