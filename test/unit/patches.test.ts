import { describe, expect, it } from 'vitest';
import {
  deletePlan,
  fluxManaged,
  fluxOwnerNotes,
  objectPath,
  reconcilePlan,
  restartPlan,
  resumePlan,
  rfc3339,
  scalePlan,
  suspendOwnerFirst,
  suspendPlan,
  type PathType,
} from '../../src/model/patches.js';
import type { KubeObject } from '../../src/model/types.js';

const deployRt: PathType = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const podRt: PathType = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const nsRt: PathType = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };
const ksRt: PathType = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', resource: 'kustomizations', namespaced: true };
const hrRt: PathType = { group: 'helm.toolkit.fluxcd.io', version: 'v2', resource: 'helmreleases', namespaced: true };

const o = (kind: string, ns: string, name: string, rest: Partial<KubeObject> = {}): KubeObject => ({
  kind, ...rest, metadata: { name, ...(ns ? { namespace: ns } : {}), ...(rest.metadata ?? {}) },
});

describe('objectPath', () => {
  it('core, grouped, cluster-scoped and subresource paths', () => {
    expect(objectPath(podRt, 'default', 'web-0')).toBe('/api/v1/namespaces/default/pods/web-0');
    expect(objectPath(deployRt, 'shop', 'web', 'scale')).toBe('/apis/apps/v1/namespaces/shop/deployments/web/scale');
    expect(objectPath(nsRt, 'ignored', 'team')).toBe('/api/v1/namespaces/team');
    expect(objectPath(ksRt, 'flux-system', 'apps')).toBe('/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps');
    expect(objectPath({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false }, undefined, 'system:controller'))
      .toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Acontroller');
  });
});

describe('restart', () => {
  const now = new Date('2025-03-01T12:34:56.789Z');

  it('formats RFC3339 with seconds in the given offset, Z at UTC', () => {
    expect(rfc3339(now, 120)).toBe('2025-03-01T14:34:56+02:00');
    expect(rfc3339(now, -330)).toBe('2025-03-01T07:04:56-05:30');
    expect(rfc3339(now, 0)).toBe('2025-03-01T12:34:56Z');
    expect(rfc3339(now)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  });

  it('patches the pod template annotation as a strategic merge patch', () => {
    const plan = restartPlan(o('StatefulSet', 'data', 'db'), now, { offsetMinutes: 60 });
    expect(plan).toEqual({
      ok: true,
      requests: [{
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/data/statefulsets/db',
        contentType: 'application/strategic-merge-patch+json',
        body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-03-01T13:34:56+01:00' } } } } },
      }],
      summary: 'restart StatefulSet data/db (restartedAt 2025-03-01T13:34:56+01:00)',
    });
  });

  it('refuses a paused Deployment and kinds kubectl cannot restart', () => {
    expect(restartPlan(o('Deployment', 'shop', 'web', { spec: { paused: true } }), now))
      .toEqual({ ok: false, error: "can't restart paused deployment (run rollout resume first)" });
    expect(restartPlan(o('ReplicaSet', 'shop', 'web-1'), now)).toEqual({ ok: false, error: 'restarting is not supported' });
    expect(restartPlan(o('constructor', 'shop', 'x'), now).ok).toBe(false);
  });
});

describe('scale', () => {
  it('merge-patches the scale subresource', () => {
    expect(scalePlan(o('Deployment', 'shop', 'web'), deployRt, 5)).toEqual({
      ok: true,
      requests: [{ method: 'PATCH', path: '/apis/apps/v1/namespaces/shop/deployments/web/scale', contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } } }],
      summary: 'scale Deployment shop/web to 5',
    });
    expect(scalePlan(o('Deployment', 'shop', 'web'), deployRt, 0).ok).toBe(true);
    // the count it replaces, where the kind's /scale reads spec.replicas (kubectl's --current-replicas)
    const three = o('Deployment', 'shop', 'web', { spec: { replicas: 3 } });
    expect(scalePlan(three, deployRt, 0)).toMatchObject({ ok: true, summary: 'scale Deployment shop/web from 3 to 0' });
    const cr = o('Widget', 'shop', 'w', { spec: { replicas: 3 } });
    expect(scalePlan(cr, deployRt, 0)).toMatchObject({ ok: true, summary: 'scale Widget shop/w to 0' });
  });

  it('refuses negative and fractional counts', () => {
    expect(scalePlan(o('Deployment', 'shop', 'web'), deployRt, -1)).toEqual({ ok: false, error: 'invalid replica count -1: must be a whole number, 0 or more' });
    expect(scalePlan(o('Deployment', 'shop', 'web'), deployRt, 1.5).ok).toBe(false);
  });
});

describe('delete', () => {
  it('sends DeleteOptions with the propagation policy (background by default)', () => {
    expect(deletePlan(o('Pod', 'shop', 'web-0'), podRt)).toEqual({
      ok: true,
      requests: [{ method: 'DELETE', path: '/api/v1/namespaces/shop/pods/web-0', contentType: 'application/json', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } }],
      summary: 'delete Pod shop/web-0 (propagation Background)',
      notes: [],
    });
  });

  it('names the finalizers that will hold the object', () => {
    const pvc = o('PersistentVolumeClaim', 'db', 'data-0', { metadata: { name: 'data-0', finalizers: ['kubernetes.io/pvc-protection'], deletionTimestamp: '2025-03-01T00:00:00Z' } });
    const plan = deletePlan(pvc, { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true }, 'Foreground');
    expect(plan.ok && plan.notes).toEqual(['held until these finalizers are removed: kubernetes.io/pvc-protection, foregroundDeletion', 'already being deleted']);
    expect(plan.ok && plan.requests[0].body).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
  });
});

describe('Flux writes (merge patches, as the flux CLI sends them)', () => {
  const ks = o('Kustomization', 'flux-system', 'apps');
  const hr = o('HelmRelease', 'shop', 'redis');

  it('suspend and resume', () => {
    expect(suspendPlan(ks, ksRt)).toEqual({
      ok: true,
      requests: [{ method: 'PATCH', path: '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps', contentType: 'application/merge-patch+json', body: { spec: { suspend: true } } }],
      summary: 'suspend Kustomization flux-system/apps',
      notes: [],
    });
    const r = resumePlan(ks, ksRt);
    expect(r.ok && r.requests[0].body).toEqual({ spec: { suspend: null } });
    expect(JSON.stringify(r.ok && r.requests[0].body)).toBe('{"spec":{"suspend":null}}');
  });

  it('reconcile with one token; HelmRelease force and reset add the same token', () => {
    // the executor's token (rfc3339Nano, as the flux CLI writes it) is tested in actions-flux
    const token = '2025-03-01T12:00:00.123456789Z';
    const k = reconcilePlan(ks, ksRt, token);
    expect(k.ok && k.requests[0]).toEqual({
      method: 'PATCH',
      path: '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
    });
    const f = reconcilePlan(hr, hrRt, token, { force: true });
    expect(f.ok && f.requests[0].body).toEqual({ metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token, 'reconcile.fluxcd.io/forceAt': token } } });
    expect(f.ok && f.summary).toBe('reconcile (force) HelmRelease shop/redis');
    const r = reconcilePlan(hr, hrRt, token, { reset: true });
    expect(r.ok && r.requests[0].body).toEqual({ metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token, 'reconcile.fluxcd.io/resetAt': token } } });
  });

  it('refuses suspended objects, and force on a Kustomization', () => {
    expect(reconcilePlan(o('Kustomization', 'flux-system', 'apps', { spec: { suspend: true } }), ksRt, 't')).toEqual({ ok: false, error: 'resource is suspended' });
    expect(reconcilePlan(ks, ksRt, 't', { force: true })).toEqual({ ok: false, error: 'force applies to HelmReleases only' });
  });

  it('warns when suspending an object that has a Flux owner itself', () => {
    const child = o('Kustomization', 'flux-system', 'child', { metadata: { name: 'child', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } });
    const p = suspendPlan(child, ksRt);
    expect(p.ok && p.notes).toEqual(['Kustomization flux-system/apps applies this Kustomization from its source: if the manifest there sets spec.suspend, its next reconcile sets it back']);
    // under a HelmRelease: its chart, at an upgrade; none when the object opted out of its owner's apply
    const inChart = o('Kustomization', 'shop', 'sub', { metadata: { name: 'sub', labels: { 'helm.toolkit.fluxcd.io/name': 'platform', 'helm.toolkit.fluxcd.io/namespace': 'shop' } } });
    const h = suspendPlan(inChart, ksRt);
    expect(h.ok && h.notes).toEqual(['HelmRelease shop/platform installs this Kustomization from its Helm chart: if the manifest there sets spec.suspend, its next Helm upgrade sets it back']);
    const optedOut = o('Kustomization', 'flux-system', 'child', { metadata: { name: 'child', labels: child.metadata.labels, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } });
    const d = suspendPlan(optedOut, ksRt);
    expect(d.ok && d.notes).toEqual([]);
  });
});

describe('GitOps awareness', () => {
  const ksLabels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
  const hrLabels = { 'helm.toolkit.fluxcd.io/name': 'redis', 'helm.toolkit.fluxcd.io/namespace': 'shop' };

  it('tells which Flux object applied a workload, the HelmRelease before its Kustomization', () => {
    expect(fluxManaged(o('Deployment', 'shop', 'web', { metadata: { name: 'web', labels: ksLabels } }))).toEqual({
      kind: 'Kustomization', namespace: 'flux-system', name: 'apps', revertsOn: 'next-reconcile', reconcileDisabled: false,
    });
    expect(fluxManaged(o('StatefulSet', 'shop', 'redis', { metadata: { name: 'redis', labels: { ...ksLabels, ...hrLabels } } }))).toMatchObject({
      kind: 'HelmRelease', namespace: 'shop', name: 'redis', revertsOn: 'unknown',
    });
    expect(fluxManaged(o('Deployment', 'shop', 'web', {
      metadata: { name: 'web', labels: ksLabels, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } },
    }))?.reconcileDisabled).toBe(true);
    expect(fluxManaged(o('Deployment', 'shop', 'web'))).toBeUndefined();
  });

  it('says each owner kind\'s own words: a Kustomization applies from its source, a HelmRelease installs a chart', () => {
    const ks = fluxManaged(o('Deployment', 'shop', 'web', { metadata: { name: 'web', labels: ksLabels } }))!;
    expect(fluxOwnerNotes(ks, 'Deployment', 'a rollback')).toEqual([
      'Kustomization flux-system/apps applies this Deployment from its source: a rollback lasts only until its next reconcile.',
      'To keep a rollback: suspend Kustomization flux-system/apps first (temporary), or annotate the object kustomize.toolkit.fluxcd.io/reconcile: disabled (kustomize-controller then neither applies nor prunes it); the durable fix is a change in its source.',
    ]);
    const redis = o('StatefulSet', 'shop', 'redis', { metadata: { name: 'redis', labels: hrLabels } });
    const hr = (spec: Record<string, unknown> = {}) => o('HelmRelease', 'shop', 'redis', { spec });
    // kustomize-controller's opt-out means nothing to helm-controller: never offered, never obeyed
    const notes = fluxOwnerNotes(fluxManaged(redis, hr())!, 'StatefulSet', 'a deletion').join('\n');
    expect(notes).not.toMatch(/kustomize|from its source|Git/);
    expect(notes).toBe([
      'HelmRelease shop/redis installs this StatefulSet from its Helm chart: a deletion lasts only until its next Helm upgrade (a new chart version or values); its drift detection is off.',
      'To keep a deletion: suspend HelmRelease shop/redis first (temporary: helm-controller then neither upgrades the release nor corrects drift); the durable fix is a change to its chart or values.',
    ].join('\n'));
    const optedOut = { ...redis, metadata: { ...redis.metadata, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } };
    expect(fluxManaged(optedOut, hr())?.reconcileDisabled).toBe(false);
    // when helm-controller undoes it: drift correction on, warn only, the object left out, not read
    expect(fluxOwnerNotes(fluxManaged(redis, hr({ driftDetection: { mode: 'enabled' } }))!, 'StatefulSet', 'a rollback')[0])
      .toBe('HelmRelease shop/redis installs this StatefulSet from its Helm chart: a rollback lasts only until its next reconcile; its drift detection corrects drift (spec.driftDetection.mode: enabled).');
    expect(fluxOwnerNotes(fluxManaged(redis, hr({ driftDetection: { mode: 'warn' } }))!, 'StatefulSet', 'a rollback')[0]).toMatch(/until its next Helm upgrade \(a new chart version or values\); its drift detection only warns\.$/);
    const excluded = { ...redis, metadata: { ...redis.metadata, labels: { ...hrLabels, 'helm.toolkit.fluxcd.io/driftDetection': 'disabled' } } };
    expect(fluxManaged(excluded, hr({ driftDetection: { mode: 'enabled' } }))).toMatchObject({ revertsOn: 'next-upgrade', because: 'the object is out of drift detection (helm.toolkit.fluxcd.io/driftDetection: disabled)' });
    expect(fluxOwnerNotes(fluxManaged(redis)!, 'StatefulSet', 'a rollback')[0]).toMatch(/until its next Helm upgrade \(a new chart version or values\), or its next reconcile if its drift detection is enabled \(spec.driftDetection.mode: enabled; the HelmRelease was not read\)\.$/);
  });

  it('suspend the owner first, then act, with the reminder to resume', () => {
    const owner = o('Kustomization', 'flux-system', 'apps');
    const plan = suspendOwnerFirst(scalePlan(o('Deployment', 'shop', 'web'), deployRt, 2), owner, ksRt);
    expect(plan.ok && plan.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      'PATCH /apis/apps/v1/namespaces/shop/deployments/web/scale',
    ]);
    expect(plan.ok && plan.summary).toBe('suspend Kustomization flux-system/apps, then scale Deployment shop/web to 2');
    expect(plan.ok && plan.notes).toEqual(['temporary: resume Kustomization flux-system/apps when done — kustomize-controller then applies its source again']);
    const hrFirst = suspendOwnerFirst(scalePlan(o('Deployment', 'shop', 'web'), deployRt, 2), o('HelmRelease', 'shop', 'web'), hrRt);
    expect(hrFirst.ok && hrFirst.notes).toEqual(['temporary: resume HelmRelease shop/web when done — helm-controller then upgrades the release if its chart or values changed, and corrects drift if its drift detection is enabled']);
    expect(suspendOwnerFirst({ ok: false, error: 'x' }, owner, ksRt)).toEqual({ ok: false, error: 'x' });
  });
});
