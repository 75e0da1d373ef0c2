import { describe, expect, it } from 'vitest';
import { indexFromObjects, type ObjRef, type TreeIndex } from '../../src/model/tree.js';
import { stepLabel, stepState, traceObject } from '../../src/model/trace.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const REV = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
const KS_LABELS = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };

const RES: Record<string, string> = {
  Deployment: 'deployments.apps', ReplicaSet: 'replicasets.apps', Pod: 'pods', ConfigMap: 'configmaps',
  Kustomization: 'kustomizations.kustomize.toolkit.fluxcd.io', HelmRelease: 'helmreleases.helm.toolkit.fluxcd.io',
  GitRepository: 'gitrepositories.source.toolkit.fluxcd.io', HelmRepository: 'helmrepositories.source.toolkit.fluxcd.io',
  HelmChart: 'helmcharts.source.toolkit.fluxcd.io', OCIRepository: 'ocirepositories.source.toolkit.fluxcd.io',
};
const API: Record<string, string> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', Pod: 'v1', ConfigMap: 'v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1', HelmRelease: 'helm.toolkit.fluxcd.io/v2',
  GitRepository: 'source.toolkit.fluxcd.io/v1', HelmRepository: 'source.toolkit.fluxcd.io/v1', HelmChart: 'source.toolkit.fluxcd.io/v1', OCIRepository: 'source.toolkit.fluxcd.io/v1',
};

function obj(kind: string, ns: string, name: string, rest: Partial<KubeObject> & { labels?: Record<string, string>; owner?: KubeObject } = {}): ObjRef {
  const { labels, owner, ...body } = rest;
  const o: KubeObject = {
    apiVersion: API[kind],
    kind,
    ...body,
    metadata: {
      name, namespace: ns, uid: `uid-${kind}-${name}`,
      ...(labels ? { labels } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true }] } : {}),
    },
  };
  return { resource: RES[kind], object: o };
}

const ready = (status: string, reason: string, message: string) => ({ conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: '2026-01-01T11:50:00Z' }] });

function fluxFleet(opts: { labels?: boolean; inventory?: boolean; ksFailing?: boolean } = {}) {
  const git = obj('GitRepository', 'flux-system', 'flux-system', { spec: { url: 'https://github.com/acme/fleet-gitops', ref: { branch: 'main' }, interval: '1m' }, status: { artifact: { revision: REV, lastUpdateTime: '2026-01-01T11:00:00Z' }, ...ready('True', 'Succeeded', `stored artifact for revision '${REV}'`) } });
  const ks = obj('Kustomization', 'flux-system', 'apps', {
    spec: { interval: '10m', path: './clusters/dev/apps', sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    status: {
      lastAppliedRevision: REV,
      lastAttemptedRevision: opts.ksFailing ? 'main@sha1:ffffffffffffffffffffffffffffffffffffffff' : REV,
      ...(opts.inventory ? { inventory: { entries: [{ id: 'payments_payments-api_apps_Deployment', v: 'v1' }] } } : {}),
      ...(opts.ksFailing ? ready('False', 'BuildFailed', 'kustomize build failed') : ready('True', 'ReconciliationSucceeded', `Applied revision: ${REV}`)),
    },
  });
  const deploy = obj('Deployment', 'payments', 'payments-api', { labels: opts.labels === false ? { app: 'payments-api' } : { app: 'payments-api', ...KS_LABELS }, spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } });
  const rs = obj('ReplicaSet', 'payments', 'payments-api-7d9f', { owner: deploy.object, spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 } });
  const pod = obj('Pod', 'payments', 'payments-api-7d9f-abcde', { owner: rs.object, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  return { git, ks, deploy, rs, pod, all: [git, ks, deploy, rs, pod] };
}

describe('traceObject', () => {
  it('Pod → ReplicaSet → Deployment → Kustomization (labels) → GitRepository with URL, branch and revision', () => {
    const f = fluxFleet();
    const index = indexFromObjects(f.all);
    const t = traceObject(f.pod, index, NOW);
    expect(t.managed).toBe('flux');
    expect(t.steps.map((s) => `${s.via}:${stepLabel(s)}`)).toEqual([
      'object:Pod/payments/payments-api-7d9f-abcde',
      'owner:ReplicaSet/payments/payments-api-7d9f',
      'owner:Deployment/payments/payments-api',
      'flux-label:Kustomization/flux-system/apps',
      'source:GitRepository/flux-system/flux-system',
    ]);
    const ks = t.steps[3];
    expect(ks).toMatchObject({ appliedRevision: REV, attemptedRevision: REV, path: './clusters/dev/apps', ready: { status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${REV}` } });
    expect(t.steps[4]).toMatchObject({ url: 'https://github.com/acme/fleet-gitops', reference: 'branch main', appliedRevision: REV, ready: { status: 'True' } });
    expect(stepState(t.steps[0])).toMatchObject({ status: 'Current' });
  });

  it('a failing Kustomization: attempted differs from applied, Ready False with its message', () => {
    const f = fluxFleet({ ksFailing: true });
    const t = traceObject(f.deploy, indexFromObjects(f.all), NOW);
    const ks = t.steps.find((s) => s.kind === 'Kustomization')!;
    expect(ks.appliedRevision).toBe(REV);
    expect(ks.attemptedRevision).toMatch(/^main@sha1:ffff/);
    expect(stepState(ks)).toEqual({ status: 'NotReady', reason: 'BuildFailed', message: 'kustomize build failed' });
  });

  it('without labels, an inventory entry names the Kustomization (beyond flux trace)', () => {
    const f = fluxFleet({ labels: false, inventory: true });
    const t = traceObject(f.pod, indexFromObjects(f.all), NOW);
    expect(t.managed).toBe('flux');
    expect(t.steps.map((s) => s.via)).toEqual(['object', 'owner', 'owner', 'flux-inventory', 'source']);
  });

  it('not managed, when Flux kinds were read; unknown when they could not be', () => {
    const f = fluxFleet({ labels: false });
    const index = indexFromObjects(f.all);
    expect(traceObject(f.pod, index, NOW)).toMatchObject({ managed: 'not-flux' });
    const blind: TreeIndex = { ...index, unlisted: (group, kind) => (kind === 'Kustomization' ? 'forbidden to list' : undefined) };
    const t = traceObject(f.pod, blind, NOW);
    expect(t.managed).toBe('unknown');
    expect(t.note).toMatch(/forbidden to list/);
    // only some namespaces hidden: no Flux labels is the evidence, the hidden namespaces are named
    const partly: TreeIndex = { ...index, unlisted: (group, kind) => (kind === 'Kustomization' ? 'forbidden to list in kube-system' : undefined) };
    const p = traceObject(f.pod, partly, NOW);
    expect(p.managed).toBe('not-flux');
    expect(p.note).toContain("Flux's kinds in kube-system could not be read");
  });

  it('labels naming a Kustomization that is gone: missing, or unknown when its kind was not readable', () => {
    const f = fluxFleet();
    const without = [f.deploy, f.rs, f.pod, f.git];
    const t = traceObject(f.deploy, indexFromObjects(without), NOW);
    expect(t.steps.at(-1)).toMatchObject({ kind: 'Kustomization', presence: 'missing' });
    expect(stepState(t.steps.at(-1)!).status).toBe('NotFound');
    const blind: TreeIndex = { ...indexFromObjects(without), unlisted: () => 'not listed yet' };
    expect(traceObject(f.deploy, blind, NOW).steps.at(-1)).toMatchObject({ presence: 'unknown' });
  });

  it('a dangling owner reference stops the chain as missing', () => {
    const f = fluxFleet();
    const t = traceObject(f.pod, indexFromObjects([f.pod]), NOW);
    expect(t.steps[1]).toMatchObject({ via: 'owner', kind: 'ReplicaSet', presence: 'missing' });
  });

  it('HelmRelease: labels → HelmRelease → HelmChart (status.helmChart) → HelmRepository', () => {
    const repo = obj('HelmRepository', 'flux-system', 'podinfo', { spec: { url: 'https://stefanprodan.github.io/podinfo', interval: '1h' }, status: { artifact: { revision: 'sha256:abc' }, ...ready('True', 'Succeeded', 'stored artifact') } });
    const chart = obj('HelmChart', 'flux-system', 'checkout-podinfo', { spec: { chart: 'podinfo', version: '6.7.1', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } }, status: { artifact: { revision: '6.7.1' }, ...ready('True', 'ChartPullSucceeded', 'pulled podinfo@6.7.1') } });
    const hr = obj('HelmRelease', 'checkout', 'podinfo', {
      spec: { interval: '10m', chart: { spec: { chart: 'podinfo', version: '6.7.1', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } } },
      status: { helmChart: 'flux-system/checkout-podinfo', lastAttemptedRevision: '6.7.1', history: [{ version: 3, status: 'deployed', chartName: 'podinfo', chartVersion: '6.6.0' }, { version: 2, status: 'failed', chartVersion: '6.7.1' }], ...ready('False', 'RollbackSucceeded', 'Helm rollback to previous release succeeded') },
    });
    const d = obj('Deployment', 'checkout', 'podinfo', { labels: { 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'checkout' } });
    const all = [repo, chart, hr, d];
    const t = traceObject(d, indexFromObjects(all), NOW);
    expect(t.steps.map((s) => `${s.via}:${stepLabel(s)}`)).toEqual(['object:Deployment/checkout/podinfo', 'flux-label:HelmRelease/checkout/podinfo', 'chart:HelmChart/flux-system/checkout-podinfo', 'source:HelmRepository/flux-system/podinfo']);
    expect(t.steps[1]).toMatchObject({ appliedRevision: '6.6.0', attemptedRevision: '6.7.1' });
    expect(t.steps[2]).toMatchObject({ reference: 'chart podinfo version 6.7.1', appliedRevision: '6.7.1' });
    expect(t.steps[3].url).toBe('https://stefanprodan.github.io/podinfo');
  });

  it('a Kustomization label is preferred over a HelmRelease one, as flux trace does', () => {
    const f = fluxFleet();
    const labelled = obj('ConfigMap', 'payments', 'both', { labels: { ...KS_LABELS, 'helm.toolkit.fluxcd.io/name': 'x', 'helm.toolkit.fluxcd.io/namespace': 'y' } });
    const t = traceObject(labelled, indexFromObjects([...f.all, labelled]), NOW);
    expect(t.steps[1].kind).toBe('Kustomization');
  });

  it('tracing a Kustomization goes straight to its source', () => {
    const f = fluxFleet();
    const t = traceObject(f.ks, indexFromObjects(f.all), NOW);
    expect(t.steps.map((s) => s.kind)).toEqual(['Kustomization', 'GitRepository']);
    expect(t.steps[0].ready?.status).toBe('True');
  });
});
