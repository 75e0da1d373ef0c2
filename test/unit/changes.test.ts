import { describe, expect, it } from 'vitest';
import { changesOnce, coverageNotes, imageChange, observeChange, recordedChanges, timeline, type ChangeRow } from '../../src/model/changes.js';
import type { ObjRef } from '../../src/model/tree.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const HOUR_AGO = NOW - 3600_000;
const t = (minutesAgo: number): string => new Date(NOW - minutesAgo * 60_000).toISOString().replace('.000Z', 'Z');

const D_UID = 'uid-deploy';
const deployment: KubeObject = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'cart-api', namespace: 'checkout', uid: D_UID, creationTimestamp: t(200) },
  spec: { replicas: 3, template: { spec: { containers: [{ name: 'cart-api', image: 'cart:1.6.0-bad' }] } } },
  status: { conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "cart-api-3" is progressing.', lastUpdateTime: t(5), lastTransitionTime: t(30) }] },
};
const rs = (n: number, image: string, minutesAgo: number, extra: Record<string, string> = {}): ObjRef => ({
  resource: 'replicasets.apps',
  object: {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: `cart-api-${n}`, namespace: 'checkout', uid: `rs-${n}`, creationTimestamp: t(minutesAgo), annotations: { 'deployment.kubernetes.io/revision': String(n), ...extra }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart-api', uid: D_UID, controller: true }] },
    spec: { template: { spec: { containers: [{ name: 'cart-api', image }] } } },
  },
});
const ref = (resource: string, object: KubeObject): ObjRef => ({ resource, object });

describe('recordedChanges', () => {
  it('rollouts from ReplicaSets with the image change, the first revision being the creation', () => {
    const rows = recordedChanges({ context: 'prod-eu', objects: [ref('deployments.apps', deployment), rs(1, 'cart:1.4.0', 120), rs(2, 'cart:1.5.0', 50), rs(3, 'cart:1.6.0-bad', 10)], events: [] }, HOUR_AGO);
    const rollouts = rows.filter((r) => r.change === 'rollout');
    expect(rollouts.map((r) => r.what)).toEqual(['revision 1 → 2: image cart-api: cart:1.4.0 → cart:1.5.0', 'revision 2 → 3: image cart-api: cart:1.5.0 → cart:1.6.0-bad']);
    expect(rollouts[1]).toMatchObject({ context: 'prod-eu', kind: 'Deployment', namespace: 'checkout', name: 'cart-api', from: 'cart:1.5.0', to: 'cart:1.6.0-bad', at: t(10), evidence: 'ReplicaSet cart-api-3' });
    // the Deployment's creation is older than the window
    expect(rows.some((r) => r.change === 'created')).toBe(false);
  });

  it('a re-used ReplicaSet is a rollback, timed by the Progressing condition naming it', () => {
    const d = { ...deployment, status: { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "cart-api-2" has successfully progressed.', lastUpdateTime: t(3), lastTransitionTime: t(40) }] } };
    const rows = recordedChanges({ context: 'c', objects: [ref('deployments.apps', d), rs(1, 'cart:1.4.0', 120), rs(3, 'cart:1.6.0-bad', 10), { ...rs(4, 'cart:1.5.0', 50, { 'deployment.kubernetes.io/revision-history': '2' }), object: { ...rs(4, 'cart:1.5.0', 50, { 'deployment.kubernetes.io/revision-history': '2' }).object, metadata: { ...rs(4, 'cart:1.5.0', 50, { 'deployment.kubernetes.io/revision-history': '2' }).object.metadata, name: 'cart-api-2' } } }], events: [] }, HOUR_AGO);
    const rb = rows.find((r) => r.change === 'rollback')!;
    expect(rb.at).toBe(t(3));
    expect(rb.what).toContain('back to the template of revision 2');
    expect(rb.what).toContain('cart:1.6.0-bad → cart:1.5.0');
  });

  it('StatefulSet rollouts from ControllerRevisions', () => {
    const sts: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'redis', namespace: 'db', uid: 's1', creationTimestamp: t(300) } };
    const cr = (n: number, image: string, m: number): ObjRef => ref('controllerrevisions.apps', { apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: n, metadata: { name: `redis-${n}`, namespace: 'db', uid: `cr${n}`, creationTimestamp: t(m), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'redis', uid: 's1', controller: true }] }, data: { spec: { template: { spec: { containers: [{ name: 'redis', image }] } } } } });
    const rows = recordedChanges({ context: 'c', objects: [ref('statefulsets.apps', sts), cr(1, 'redis:7.2', 200), cr(2, 'redis:7.4.1', 20)], events: [] }, HOUR_AGO);
    expect(rows).toEqual([expect.objectContaining({ kind: 'StatefulSet', change: 'rollout', what: 'revision 1 → 2: image redis: redis:7.2 → redis:7.4.1', evidence: 'ControllerRevision redis-2' })]);
  });

  it('Kustomization: history entries applied, and a failing revision from the Ready condition', () => {
    const ks: KubeObject = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system', creationTimestamp: t(500) },
      status: {
        lastAppliedRevision: 'main@sha1:aaa', lastAttemptedRevision: 'main@sha1:bbb',
        conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed: x', lastTransitionTime: t(7) }],
        history: [
          { digest: 'sha256:2', firstReconciled: t(30), lastReconciled: t(8), lastReconciledStatus: 'ReconciliationSucceeded', metadata: { revision: 'main@sha1:aaa' } },
          { digest: 'sha256:1', firstReconciled: t(90), lastReconciled: t(31), lastReconciledStatus: 'ReconciliationSucceeded', metadata: { revision: 'main@sha1:000' } },
        ],
      },
    };
    const rows = timeline(recordedChanges({ context: 'staging', objects: [ref('kustomizations.kustomize.toolkit.fluxcd.io', ks)], events: [] }, HOUR_AGO), { since: HOUR_AGO });
    expect(rows.map((r) => [r.change, r.what])).toEqual([
      ['flux-failed', 'revision main@sha1:bbb failed: BuildFailed: kustomize build failed: x'],
      ['flux-applied', 'applied revision main@sha1:aaa (was main@sha1:000)'],
    ]);
  });

  it('HelmRelease history: install, upgrade, failed upgrade, rollback', () => {
    const h = (version: number, status: string, chartVersion: string, m: number) => ({ version, status, chartName: 'podinfo', chartVersion, configDigest: 'sha256:c', lastDeployed: t(m), firstDeployed: t(59) });
    const hr: KubeObject = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo', namespace: 'checkout' }, status: { history: [h(4, 'deployed', '6.6.0', 5), h(3, 'failed', '6.7.1', 6), h(2, 'superseded', '6.6.0', 20), h(1, 'superseded', '6.5.4', 50)] } };
    const rows = timeline(recordedChanges({ context: 'prod-eu', objects: [ref('helmreleases.helm.toolkit.fluxcd.io', hr)], events: [] }, HOUR_AGO), { since: HOUR_AGO });
    expect(rows.map((r) => `${r.change} ${r.what}`)).toEqual([
      'helm-rollback rolled back podinfo@6.7.1 → podinfo@6.6.0 (release v4)',
      'helm-failed release v3 upgrade podinfo@6.6.0 → podinfo@6.7.1 failed',
      'helm-upgrade upgraded podinfo@6.5.4 → podinfo@6.6.0 (release v2)',
      'helm-install installed podinfo@6.5.4 (release v1)',
    ]);
  });

  it('Warning events grouped by object and reason, counts summed, newest message; old ones left out', () => {
    const ev = (reason: string, m: number, count: number, message: string) => ({ type: 'Warning', reason, message, count, lastTimestamp: t(m), involvedObject: { kind: 'Pod', namespace: 'checkout', name: 'cart-api-3-x' }, metadata: { namespace: 'checkout' } });
    const rows = recordedChanges({ context: 'c', objects: [], events: [ev('BackOff', 2, 5, 'Back-off restarting'), ev('BackOff', 1, 3, 'Back-off restarting failed container'), ev('Failed', 90, 1, 'old'), { type: 'Normal', reason: 'Pulled', lastTimestamp: t(1), involvedObject: { kind: 'Pod', name: 'p' } }] }, HOUR_AGO);
    expect(rows).toEqual([expect.objectContaining({ change: 'warning', kind: 'Pod', name: 'cart-api-3-x', count: 8, at: t(1), what: 'BackOff: Back-off restarting failed container (×8)' })]);
  });

  it('creations in the window and deletions requested; pods and ReplicaSets are not creation rows', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', creationTimestamp: t(4), deletionTimestamp: t(2), finalizers: ['acme.io/keep'] } };
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', creationTimestamp: t(4) } };
    const rows = timeline(recordedChanges({ context: 'c', objects: [ref('configmaps', cm), ref('pods', pod)], events: [] }, HOUR_AGO), { since: HOUR_AGO });
    expect(rows.map((r) => `${r.change} ${r.kind}`)).toEqual(['deleting ConfigMap', 'created ConfigMap']);
    expect(rows[0].what).toContain('acme.io/keep');
  });
});

describe('observeChange and timeline', () => {
  it('scale and deletion from the watch', () => {
    const a: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { replicas: 2 } };
    const b: KubeObject = { ...a, spec: { replicas: 5 } };
    expect(observeChange('c', undefined, a, b, NOW)).toEqual([expect.objectContaining({ change: 'scale', what: 'replicas 2 → 5', evidence: 'watch', atMs: NOW })]);
    expect(observeChange('c', undefined, a, undefined, NOW)).toEqual([expect.objectContaining({ change: 'deleted', kind: 'Deployment' })]);
    expect(observeChange('c', undefined, a, a, NOW)).toEqual([]);
  });

  it('filters by context, namespace, kind (case-insensitive) and since; newest first; duplicates merged', () => {
    const r = (context: string, kind: string, namespace: string, m: number): ChangeRow => ({ context, kind, namespace, name: 'x', change: 'created', what: 'created', at: t(m), atMs: NOW - m * 60_000, evidence: 'creationTimestamp' });
    const rows = [r('a', 'Deployment', 'n1', 5), r('b', 'Deployment', 'n1', 1), r('a', 'ConfigMap', 'n2', 3), r('a', 'Deployment', 'n1', 90), r('b', 'Deployment', 'n1', 1)];
    expect(timeline(rows, { since: HOUR_AGO }).map((x) => `${x.context}/${x.kind}`)).toEqual(['b/Deployment', 'a/ConfigMap', 'a/Deployment']);
    expect(timeline(rows, { since: HOUR_AGO, contexts: ['a'], kinds: ['deployment'] })).toHaveLength(1);
    expect(timeline(rows, { since: HOUR_AGO, namespace: 'n2' }).map((x) => x.kind)).toEqual(['ConfigMap']);
  });

  it('imageChange names added and removed containers', () => {
    const tpl = (cs: [string, string][]) => ({ spec: { containers: cs.map(([name, image]) => ({ name, image })) } });
    expect(imageChange(tpl([['a', '1'], ['b', '1']]), tpl([['a', '2'], ['c', '1']])).text).toBe('image a: 1 → 2; container c added (1); container b removed (1)');
  });

  it('coverage notes say what the API does not keep', () => {
    const notes = coverageNotes({ since: HOUR_AGO, now: NOW, kustomizationsWithoutHistory: 2 });
    expect(notes.join('\n')).toMatch(/deletions and scale changes: the API keeps no record/);
    expect(notes.join('\n')).toMatch(/2 Kustomization\(s\) have no status.history/);
  });
});

describe('changesOnce', () => {
  const base = { kind: 'Deployment', namespace: 'shop', name: 'web', change: 'rollout' as const, what: 'revision 1 → 2', at: '2026-11-20T10:00:00Z', atMs: Date.parse('2026-11-20T10:00:00Z'), evidence: 'ReplicaSet web-2' };
  it('one row per change of one cluster, naming every context that saw it; other clusters stay apart', () => {
    const rows: ChangeRow[] = [
      { ...base, context: 'b' },
      { ...base, context: 'a' },
      { ...base, context: 'c' },
      { ...base, context: 'a', what: 'revision 2 → 3' },
    ];
    const same = new Map([['b', { as: 'a', basis: 'kube-system-uid' as const }]]);
    const once = changesOnce(rows, same, ['a', 'b', 'c']);
    expect(once.map((r) => [r.context, r.contexts, r.what])).toEqual([
      ['a', ['a', 'b'], 'revision 1 → 2'],
      ['c', undefined, 'revision 1 → 2'],
      ['a', undefined, 'revision 2 → 3'],
    ]);
    // without a same-cluster pair nothing merges, even identical rows of two contexts
    expect(changesOnce(rows, new Map(), ['a', 'b', 'c'])).toHaveLength(4);
  });
});

describe('timeline order', () => {
  it("one object's changes in the same second: the later one first (a rollout 1 → 2 then 2 → 3)", () => {
    const row = (what: string): ChangeRow => ({ context: 'dev', kind: 'Deployment', namespace: 'shop', name: 'web', change: 'rollout', what, at: '2026-11-20T10:00:00Z', atMs: Date.parse('2026-11-20T10:00:00Z'), evidence: 'ReplicaSet web' });
    const rows = timeline([row('revision 1 → 2'), row('revision 2 → 3')], { since: 0 });
    expect(rows.map((r) => r.what)).toEqual(['revision 2 → 3', 'revision 1 → 2']);
  });
});
