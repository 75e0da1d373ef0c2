// The sim's Flux status logic (src/sim/flux-logic.ts) on the transitions the two-backend
// conditions case cannot reach in one pass: a Healthy condition kept through a later build
// failure, a render failure on an installed release, a wait that keeps Released, and the values digest.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Condition, KubeObject } from '../../src/model/types.js';
import { reconcileHelmRelease, reconcileKustomization, valuesDigest, type ChartInput } from '../../src/sim/flux-logic.js';

const NOW = '2026-12-01T00:00:00Z';
const REV = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
const source: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'repo', namespace: 'ns' }, status: { artifact: { revision: REV } } };
const types = (s: Record<string, unknown>) => ((s.conditions ?? []) as Condition[]).map((c) => [c.type, c.status, c.reason, c.message]);

describe('sim kustomize-controller status', () => {
  const ks = (status?: Record<string, unknown>): KubeObject => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'app', namespace: 'ns', generation: 2 },
    spec: { interval: '10m', path: './app', wait: true, sourceRef: { kind: 'GitRepository', name: 'repo' } }, ...(status ? { status } : {}),
  });

  it('a build failure after a healthy apply keeps Healthy and adds Reconciling ProgressingWithRetry; the timeout falls back to the interval', () => {
    const ok = reconcileKustomization(ks(), { source, build: { objects: [] }, now: NOW });
    expect(types(ok.status)).toEqual([
      ['Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV}`],
      ['Healthy', 'True', 'Succeeded', 'Health check passed in 112.5ms'],
    ]);
    const failed = reconcileKustomization(ks(ok.status), { source, build: { error: 'kustomize build failed: x' }, now: NOW });
    expect(types(failed.status)).toEqual([
      ['Reconciling', 'True', 'ProgressingWithRetry', `Building manifests for revision ${REV} with a timeout of 10m0s`],
      ['Ready', 'False', 'BuildFailed', 'kustomize build failed: x'],
      ['Healthy', 'True', 'Succeeded', 'Health check passed in 112.5ms'],
    ]);
    expect(failed.status.lastAppliedRevision).toBe(REV);
  });

  it('a missing path fails in the fetch stage; a dependency not ready sets Ready only', () => {
    const missing = reconcileKustomization(ks(), { source, now: NOW });
    expect(types(missing.status)[0]).toEqual(['Reconciling', 'True', 'ProgressingWithRetry', `Fetching manifests for revision ${REV} with a timeout of 10m0s`]);
    const dep = reconcileKustomization(ks(), { source, build: { objects: [] }, dependencies: [{ name: 'base', namespace: 'ns' }], now: NOW });
    expect(types(dep.status)).toEqual([['Ready', 'False', 'DependencyNotReady', "dependency 'ns/base' is not ready"]]);
  });
});

describe('sim helm-controller status', () => {
  const hr = (status?: Record<string, unknown>, generation = 1): KubeObject => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'ns', generation },
    spec: { interval: '10m', chart: { spec: { chart: 'web', version: '*', sourceRef: { kind: 'HelmRepository', name: 'charts' } } } },
    ...(status ? { status } : {}),
  });
  const chart = (version: string, extra: Partial<ChartInput> = {}): ChartInput => ({ name: 'web', version, appVersion: version, ...extra });

  it('a render failure on an installed release: an upgrade attempt, no release stored, the deployed one stays', () => {
    const installed = reconcileHelmRelease(hr(), { chart: chart('1.0.0'), now: NOW });
    expect(installed.status.observedGeneration).toBe(1);
    const broken = reconcileHelmRelease(hr(installed.status, 2), { chart: chart('1.1.0', { renderFailure: 'execution error' }), now: NOW });
    expect(broken).toMatchObject({ released: false, deployedVersion: '1.0.0' });
    expect(broken.status).toMatchObject({ failures: 1, lastAttemptedReleaseAction: 'upgrade', lastAttemptedRevision: '1.1.0', observedGeneration: 1 });
    expect(broken.status.upgradeFailures).toBeUndefined();
    expect((broken.status.history as unknown[]).length).toBe(1);
    expect(types(broken.status)).toEqual([
      ['Reconciling', 'True', 'Progressing', "Running 'upgrade' action with timeout of 5m0s"],
      ['Ready', 'False', 'UpgradeFailed', 'Helm upgrade failed for release ns/web with chart web@1.1.0: execution error'],
      ['Released', 'False', 'UpgradeFailed', 'Helm upgrade failed for release ns/web with chart web@1.1.0: execution error'],
    ]);
  });

  it('a new object starts at observedGeneration -1 and keeps it while its install fails to render', () => {
    const r = reconcileHelmRelease(hr(), { chart: chart('1.0.0', { renderFailure: 'boom' }), now: NOW });
    expect(r.status.observedGeneration).toBe(-1);
    expect(r.status.installFailures).toBeUndefined();
  });

  it('waiting on a dependency or on its HelmChart: Reconciling "Fulfilling prerequisites" beside Ready=False, the other conditions kept', () => {
    const installed = reconcileHelmRelease(hr(), { chart: chart('1.0.0'), now: NOW });
    const failingDep: KubeObject = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'base', namespace: 'ns' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'x' }] } };
    const waiting = reconcileHelmRelease(hr(installed.status, 2), { chart: chart('1.0.0'), dependencies: [{ name: 'base', namespace: 'ns', object: failingDep }], now: NOW });
    expect(waiting).toMatchObject({ released: false });
    expect(types(waiting.status)).toEqual([
      ['Reconciling', 'True', 'Progressing', 'Fulfilling prerequisites'],
      ['Ready', 'False', 'DependencyNotReady', "dependency 'ns/base' is not ready"],
      ['Released', 'True', 'InstallSucceeded', 'Helm install succeeded for release ns/web.v1 with chart web@1.0.0'],
    ]);
    const helmChart: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'ns-web', namespace: 'ns' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidChartReference', message: "invalid chart reference: no 'web' chart with version matching '9.9.9' found" }] } };
    const noChart = reconcileHelmRelease(hr(), { helmChart, now: NOW });
    expect(types(noChart.status)).toEqual([
      ['Reconciling', 'True', 'Progressing', 'Fulfilling prerequisites'],
      ['Ready', 'False', 'SourceNotReady', "HelmChart 'ns/ns-web' is not ready: invalid chart reference: no 'web' chart with version matching '9.9.9' found"],
    ]);
  });

  it('values digest: sha256 of nothing without values (chartutil.DigestValues), of the sorted YAML otherwise', () => {
    expect(valuesDigest(undefined)).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(valuesDigest({})).toBe(valuesDigest(undefined));
    expect(valuesDigest({ b: 1, a: 'x' })).toBe(`sha256:${createHash('sha256').update('a: x\nb: 1\n').digest('hex')}`);
  });
});
