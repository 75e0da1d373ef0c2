import { describe, expect, it } from 'vitest';
import {
  fluxOwner,
  fluxSummary,
  helmChartRef,
  helmReleaseName,
  inventory,
  inventoryId,
  parseInventoryId,
  reconcileHandled,
  reconcileSourcesFirst,
  shortenRevision,
  sourceRefOf,
  STALE_SLACK_MS,
} from '../../src/model/flux.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const SHA1 = '1eabc9a4e0e1c1c1a9b1d2f3e4d5c6b7a8f9e0d1';
const SHA256 = '3b6cdcc7adcc9a84d3214ee1c029543789d90b5ae69debe9efa3f66e982875de';

describe('shortenRevision (as flux get prints it)', () => {
  it.each([
    [`main@sha1:${SHA1}`, undefined, 'main@sha1:1eabc9a4'],
    [`v1.0.0@sha1:${SHA1}`, 'GitRepository', 'v1.0.0@sha1:1eabc9a4'],
    [`latest@sha256:${SHA256}`, 'OCIRepository', 'latest@sha256:3b6cdcc7'],
    [`sha256:${SHA256}`, 'HelmRepository', 'sha256:3b6cdcc7'],
    [`refs/heads/feature@x@sha1:${SHA1}`, undefined, 'refs/heads/feature@x@sha1:1eabc9a4'],
    [`main/${SHA1}`, 'GitRepository', 'main@sha1:1eabc9a4'],
    ['6.0.3+4e5cbb7b97d0', 'HelmChart', '6.0.3+4e5cbb7b97d0'],
    [`1.2.3+${SHA1}`, 'HelmChart', `1.2.3+${SHA1}`],
    ['6.5.4', 'HelmRelease', '6.5.4'],
    ['sha1:abc', undefined, 'sha1:abc'],
    [undefined, undefined, ''],
  ])('%s (%s) → %s', (rev, kind, want) => {
    expect(shortenRevision(rev, kind)).toBe(want);
  });
});

function ks(status: Record<string, unknown>, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system', generation: 3, annotations },
    spec: { interval: '5m0s', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' }, ...spec },
    status,
  };
}

describe('fluxSummary', () => {
  it('summarises a failing Kustomization: attempted revision ahead of applied', () => {
    const s = fluxSummary(
      ks({
        observedGeneration: 2,
        lastAppliedRevision: `main@sha1:${SHA1}`,
        lastAttemptedRevision: `main@sha1:${'a'.repeat(40)}`,
        lastHandledReconcileAt: ago(2 * MIN),
        conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed:\n accumulating resources', lastTransitionTime: ago(7 * MIN) }],
      }, { dependsOn: [{ name: 'infra' }, { name: 'crds', namespace: 'platform' }] }, { 'reconcile.fluxcd.io/requestedAt': ago(2 * MIN) }),
      undefined,
      NOW,
    );
    expect(s).toEqual({
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'apps',
      ready: 'False',
      readyReason: 'BuildFailed',
      message: 'kustomize build failed: accumulating resources',
      suspended: false,
      appliedRevision: `main@sha1:${SHA1}`,
      attemptedRevision: `main@sha1:${'a'.repeat(40)}`,
      revision: 'main@sha1:1eabc9a4',
      revisionPending: true,
      lastReconcileAt: ago(2 * MIN),
      lastReconcileFrom: 'request',
      lastReconcileExact: false,
      intervalMs: 5 * MIN,
      stale: false,
      sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' },
      dependsOn: [
        { kind: 'Kustomization', name: 'infra', namespace: 'flux-system' },
        { kind: 'Kustomization', name: 'crds', namespace: 'platform' },
      ],
      lastHandledReconcileAt: ago(2 * MIN),
      requestedAt: ago(2 * MIN),
      reconcilePending: false,
    });
  });

  it('reads no Ready condition as False "waiting to be reconciled"', () => {
    const s = fluxSummary(ks({}), 'Kustomization', NOW);
    expect(s.ready).toBe('False');
    expect(s.message).toBe('waiting to be reconciled');
    expect(s.revision).toBe('');
    expect(s.revisionPending).toBe(false);
  });

  it('marks stale only past 2×interval + slack, from a Ready Kustomization\'s history (written by every reconcile that ends Ready)', () => {
    const readyTrue = { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: x', lastTransitionTime: ago(24 * 60 * MIN) };
    const history = (t: number): Record<string, unknown> => ({
      conditions: [readyTrue],
      history: [{ digest: 'sha256:x', lastReconciled: ago(t), lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 9 }],
    });
    expect(fluxSummary(ks(history(10 * MIN + STALE_SLACK_MS - 1000)), undefined, NOW).stale).toBe(false);
    expect(fluxSummary(ks(history(10 * MIN + STALE_SLACK_MS + 1000)), undefined, NOW).stale).toBe(true);
    expect(fluxSummary(ks(history(60 * MIN)), undefined, NOW)).toMatchObject({ lastReconcileFrom: 'history', lastReconcileExact: true });
    // a Ready condition that last changed long ago proves nothing about the last reconcile
    const steady = ks({ conditions: [readyTrue] });
    expect(fluxSummary(steady, undefined, NOW)).toMatchObject({ stale: false, lastReconcileFrom: 'condition', lastReconcileExact: false });
    // suspended objects are expected not to reconcile
    expect(fluxSummary(ks(history(60 * MIN), { suspend: true }), undefined, NOW)).toMatchObject({ stale: false, suspended: true });
  });

  it('never stale while the controller retries: a handled request or a condition only proves a reconcile then, not the last one', () => {
    // the real kustomize-controller retries a dependency wait every 30 s and writes nothing; the
    // token of a reconcile asked for 10 minutes ago is the newest time the status holds
    const waiting = ks({
      observedGeneration: -1,
      lastHandledReconcileAt: ago(10 * MIN),
      conditions: [{ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: "dependency 'flux-system/broken' is not ready", lastTransitionTime: ago(16 * MIN) }],
    }, { interval: '60s' }, { 'reconcile.fluxcd.io/requestedAt': ago(10 * MIN) });
    expect(fluxSummary(waiting, undefined, NOW)).toMatchObject({ lastReconcileAt: ago(10 * MIN), lastReconcileFrom: 'request', lastReconcileExact: false, stale: false });
    // a HelmRelease whose install is retried: Reconciling moved last
    const hr: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'failing', namespace: 'flux-system' },
      spec: { interval: '1m', chart: { spec: { chart: 'broken', sourceRef: { kind: 'HelmRepository', name: 'charts' } } } },
      status: {
        observedGeneration: -1,
        conditions: [
          { type: 'Reconciling', status: 'True', reason: 'Progressing', message: "Running 'install' action with timeout of 5m0s", lastTransitionTime: ago(20 * MIN) },
          { type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'Helm install failed', lastTransitionTime: ago(21 * MIN) },
        ],
      },
    };
    expect(fluxSummary(hr, undefined, NOW)).toMatchObject({ lastReconcileAt: ago(20 * MIN), lastReconcileFrom: 'reconciling', lastReconcileExact: false, stale: false });
  });

  it('reports a pending reconcile request', () => {
    const s = fluxSummary(ks({ lastHandledReconcileAt: 'old-token' }, {}, { 'reconcile.fluxcd.io/requestedAt': 'new-token' }), undefined, NOW);
    expect(s.reconcilePending).toBe(true);
    expect(reconcileHandled({ status: { lastHandledReconcileAt: 'new-token' } }, 'new-token')).toBe(true);
    expect(reconcileHandled({ status: {} }, 'new-token')).toBe(false);
  });

  it('HelmRelease: REVISION from history[0].chartVersion, attempted ahead after a failed upgrade', () => {
    const hr: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'shop' },
      spec: { interval: '10m', chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } } },
      status: {
        lastAttemptedRevision: '6.5.4',
        history: [
          { name: 'podinfo', namespace: 'shop', version: 4, status: 'failed', chartName: 'podinfo', chartVersion: '6.5.4' },
          { name: 'podinfo', namespace: 'shop', version: 3, status: 'superseded', chartName: 'podinfo', chartVersion: '6.5.3' },
        ],
        conditions: [{ type: 'Ready', status: 'False', reason: 'UpgradeFailed', message: 'Helm upgrade failed' }],
      },
    };
    const s = fluxSummary(hr, undefined, NOW);
    expect(s).toMatchObject({ revision: '6.5.4', attemptedRevision: '6.5.4', revisionPending: true, ready: 'False', intervalMs: 10 * MIN });
    expect(s.appliedRevision).toBeUndefined();
    expect(s.sourceRef).toEqual({ kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' });
  });

  it('sources: REVISION from the artifact', () => {
    const repo: KubeObject = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: 'flux-system' },
      spec: { interval: '1m', url: 'https://github.com/acme/fleet' },
      status: { artifact: { revision: `main@sha1:${SHA1}`, lastUpdateTime: ago(MIN) }, conditions: [{ type: 'Ready', status: 'True', message: `stored artifact for revision 'main@sha1:${SHA1}'` }] },
    };
    expect(fluxSummary(repo, undefined, NOW)).toMatchObject({ revision: 'main@sha1:1eabc9a4', ready: 'True', revisionPending: false, lastReconcileFrom: 'artifact' });
  });
});

describe('inventory ids (cli-utils ParseObjMetadata)', () => {
  it.each([
    ['default_podinfo_apps_Deployment', { namespace: 'default', name: 'podinfo', group: 'apps', kind: 'Deployment' }],
    ['default_podinfo__Service', { namespace: 'default', name: 'podinfo', group: '', kind: 'Service' }],
    ['_podinfo__Namespace', { namespace: '', name: 'podinfo', group: '', kind: 'Namespace' }],
    ['_system__controller__kube-scheduler_rbac.authorization.k8s.io_ClusterRole', { namespace: '', name: 'system:controller:kube-scheduler', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
    ['flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization', { namespace: 'flux-system', name: 'apps', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' }],
    ['nounderscore', undefined],
    ['a_b', undefined],
    ['ns_too_many_parts_apps_Deployment', undefined],
    ['ns__apps_Deployment', undefined],
  ])('%s', (id, want) => {
    expect(parseInventoryId(id)).toEqual(want);
    if (want) expect(inventoryId(want)).toBe(id);
  });

  it('lists a Kustomization inventory in order, skipping malformed entries', () => {
    const o = { status: { inventory: { entries: [{ id: '_shop__Namespace', v: 'v1' }, { id: 'junk', v: 'v1' }, { id: 'shop_web_apps_Deployment', v: 'v1' }, 42] } } };
    expect(inventory(o)).toEqual([
      { namespace: '', name: 'shop', group: '', kind: 'Namespace', version: 'v1' },
      { namespace: 'shop', name: 'web', group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
  });
});

describe('HelmRelease naming and --with-source', () => {
  const hr = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'podinfo', namespace: 'shop' },
    spec,
    status,
  });
  const chartSpec = { chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } } };

  it('release name', () => {
    expect(helmReleaseName(hr({}))).toBe('podinfo');
    expect(helmReleaseName(hr({ targetNamespace: 'web' }))).toBe('web-podinfo');
    expect(helmReleaseName(hr({ targetNamespace: 'web', releaseName: 'pi' }))).toBe('pi');
    const long = helmReleaseName(hr({ releaseName: 'x'.repeat(60) }));
    expect(long).toMatch(/^x{40}-[0-9a-f]{12}$/);
  });

  it('HelmChart name: <hrNamespace>-<hrName> in the source namespace, status.helmChart first', () => {
    expect(helmChartRef(hr(chartSpec))).toEqual({ kind: 'HelmChart', namespace: 'flux-system', name: 'shop-podinfo' });
    expect(helmChartRef(hr(chartSpec, { helmChart: 'flux-system/shop-podinfo' }))).toEqual({ kind: 'HelmChart', namespace: 'flux-system', name: 'shop-podinfo' });
    expect(helmChartRef(hr({ chartRef: { kind: 'OCIRepository', name: 'podinfo' } }))).toBeUndefined();
  });

  it('sources to reconcile first, innermost first', () => {
    expect(reconcileSourcesFirst(hr(chartSpec), 'HelmRelease')).toEqual([
      { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' },
      { kind: 'HelmChart', name: 'shop-podinfo', namespace: 'flux-system' },
    ]);
    expect(reconcileSourcesFirst(hr({ chartRef: { kind: 'OCIRepository', name: 'podinfo' } }), 'HelmRelease')).toEqual([{ kind: 'OCIRepository', name: 'podinfo', namespace: 'shop' }]);
    const chartRefHc = hr({ chartRef: { kind: 'HelmChart', name: 'podinfo-chart', namespace: 'charts' } });
    expect(reconcileSourcesFirst(chartRefHc, 'HelmRelease')).toEqual([{ kind: 'HelmChart', name: 'podinfo-chart', namespace: 'charts' }]);
    const helmChart = { metadata: { name: 'podinfo-chart', namespace: 'charts' }, spec: { sourceRef: { kind: 'GitRepository', name: 'charts-repo' } } };
    expect(reconcileSourcesFirst(chartRefHc, 'HelmRelease', helmChart)).toEqual([
      { kind: 'GitRepository', name: 'charts-repo', namespace: 'charts' },
      { kind: 'HelmChart', name: 'podinfo-chart', namespace: 'charts' },
    ]);
    expect(reconcileSourcesFirst(ks({}), 'Kustomization')).toEqual([{ kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' }]);
    expect(reconcileSourcesFirst({ metadata: { name: 'fleet' } }, 'GitRepository')).toEqual([]);
    expect(sourceRefOf(hr(chartSpec), 'HelmRelease')).toEqual({ kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' });
  });
});

describe('fluxOwner', () => {
  it.each([
    [{ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }, { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }],
    [{ 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'shop', 'app.kubernetes.io/managed-by': 'Helm' }, { kind: 'HelmRelease', name: 'podinfo', namespace: 'shop' }],
    [{ 'kustomize.toolkit.fluxcd.io/name': 'apps' }, undefined],
    [{}, undefined],
  ])('%j', (labels, want) => {
    expect(fluxOwner({ metadata: { name: 'x', labels } })).toEqual(want);
  });
});
