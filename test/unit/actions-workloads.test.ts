import { describe, expect, it } from 'vitest';
import { createExecutor } from '../../src/actions/executor.js';
import type { Target } from '../../src/actions/types.js';
import type { KubeObject } from '../../src/model/types.js';
import { fakeClock, fakeLookup, fakeServer } from './actions-fixtures.js';

const DEPLOY = '/apis/apps/v1/namespaces/shop/deployments/web';

function deployment(extra: Partial<KubeObject> = {}): Target {
  const object: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    ...extra,
    metadata: { name: 'web', namespace: 'shop', uid: 'd-1', ...(extra.metadata ?? {}) },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:2' }] } }, ...(extra.spec as object) },
  };
  return { context: 'dev', resource: 'deployments.apps', kind: 'Deployment', namespace: 'shop', name: 'web', object };
}

function replicaSet(revision: number, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${revision}`,
      namespace: 'shop',
      labels: { app: 'web', 'pod-template-hash': `h${revision}` },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-1', controller: true }],
    },
    spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'web', image }] } } },
  };
}

function setup(objects: Record<string, KubeObject> = {}) {
  const server = fakeServer();
  const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock(), lookup: fakeLookup(objects) });
  return { server, ex };
}

describe('workload actions through the catalog', () => {
  it('restart: strategic merge patch of the template restartedAt', async () => {
    const { server, ex } = setup();
    const [o] = await ex.execute(ex.plan('restart', [deployment()]));
    expect(o.status).toBe('succeeded');
    const req = server.sent[0].req;
    expect(req).toMatchObject({ method: 'PATCH', path: DEPLOY, contentType: 'application/strategic-merge-patch+json' });
    expect(JSON.stringify(req.body)).toContain('kubectl.kubernetes.io/restartedAt');
  });

  it('scale: merge patch of the scale subresource; refused without a count', async () => {
    const { server, ex } = setup();
    expect(ex.plan('scale', [deployment()]).targets[0].refused).toBe('scale needs a replica count');
    await ex.execute(ex.plan('scale', [deployment()], { replicas: 5 }));
    expect(server.sent[0].req).toEqual({ method: 'PATCH', path: `${DEPLOY}/scale`, contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } } });
  });

  it('rollback: the model plan, with its summary and diff in the notes; GitOps warning when Flux applied it', () => {
    const { ex } = setup({
      'dev/replicasets.apps/shop/web-1': replicaSet(1, 'web:1'),
      'dev/replicasets.apps/shop/web-2': replicaSet(2, 'web:2'),
    });
    const managed = deployment({ metadata: { name: 'web', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } });
    const plan = ex.plan('rollback', [managed]);
    const pt = plan.targets[0];
    expect(pt.refused).toBeUndefined();
    expect(pt.requests[0]).toMatchObject({ method: 'PATCH', path: DEPLOY, contentType: 'application/json-patch+json' });
    const notes = [pt.summary, ...pt.notes].join('\n');
    expect(notes).toContain('roll back Deployment shop/web to revision 1');
    expect(notes).toMatch(/web:1/);
    expect(notes).toMatch(/Kustomization flux-system\/apps applies this Deployment from its source: a rollback lasts only until its next reconcile/);
  });

  it('a HelmRelease-installed object: helm-controller\'s words, its drift mode read from the HelmRelease (a GET when not cached)', async () => {
    const labels = { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'shop' };
    const hrPath = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases/web';
    const hr: KubeObject = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'shop' }, spec: { interval: '10m', driftDetection: { mode: 'enabled' } } };
    const sent: string[] = [];
    const ex = createExecutor({
      send: async (_c, req) => {
        sent.push(`${req.method} ${req.path}`);
        return req.path === hrPath ? { status: 200, body: hr } : { status: 404, body: { kind: 'Status', message: 'not found' } };
      },
      read: async () => hr,
      readonly: false,
      clock: fakeClock(),
      lookup: fakeLookup({}),
    });
    const managed = deployment({ metadata: { name: 'web', labels } });
    for (const [action, change, options] of [['delete', 'a deletion', {}], ['scale', 'a replica count set here', { replicas: 1 }]] as const) {
      sent.length = 0;
      const lookup = await ex.readMissing(action, [managed], options);
      expect(sent).toEqual([`GET ${hrPath}`]);
      const notes = ex.plan(action, [managed], options, lookup).targets[0].notes.join('\n');
      expect(notes).toContain(`HelmRelease shop/web installs this Deployment from its Helm chart: ${change} lasts only until its next reconcile; its drift detection corrects drift`);
      expect(notes).toContain(`To keep ${change}: suspend HelmRelease shop/web first (temporary: helm-controller then neither upgrades the release nor corrects drift); the durable fix is a change to its chart or values.`);
      expect(notes).not.toMatch(/from Git|kustomize\.toolkit\.fluxcd\.io\/reconcile/);
    }
    // a restart stands (its annotation is fleetdeck's field: flux-backends measures it on the
    // real controllers): nothing to read, nothing said about undoing it
    sent.length = 0;
    const restart = ex.plan('restart', [managed], {}, await ex.readMissing('restart', [managed], {})).targets[0].notes;
    expect(sent).toEqual([]);
    expect(restart).toEqual(["HelmRelease shop/web installs this Deployment from its Helm chart; the restart stands: its restartedAt annotation is fleetdeck's field, which Flux leaves in place unless the source sets that annotation itself."]);
    const ksManaged = deployment({ metadata: { name: 'web', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } });
    expect(ex.plan('restart', [ksManaged]).targets[0].notes).toEqual([
      "Kustomization flux-system/apps applies this Deployment from its source; the restart stands: its restartedAt annotation is fleetdeck's field, which Flux leaves in place unless the source sets that annotation itself (it removes the one `kubectl rollout restart` sets at its next reconcile, restarting the pods again).",
    ]);
    // kustomize-controller's annotation does not stop helm-controller: the notes stay
    const annotated = deployment({ metadata: { name: 'web', labels, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } });
    expect(ex.plan('scale', [annotated], { replicas: 1 }).targets[0].notes.join('\n')).toMatch(/HelmRelease shop\/web installs this Deployment .* the HelmRelease was not read/);
  });

  it('--suspend-owner: the Flux owner is suspended first, in the same plan, aimed at the owner', () => {
    const labels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
    const ks: KubeObject = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '10m' } };
    const { ex } = setup({
      'dev/replicasets.apps/shop/web-1': replicaSet(1, 'web:1'),
      'dev/replicasets.apps/shop/web-2': replicaSet(2, 'web:2'),
      'dev/kustomizations.kustomize.toolkit.fluxcd.io/flux-system/apps': ks,
    });
    const managed = deployment({ metadata: { name: 'web', labels } });
    const pt = ex.plan('rollback', [managed], { suspendOwner: true }).targets[0];
    expect(pt.refused).toBeUndefined();
    expect(pt.requests).toHaveLength(2);
    expect(pt.requests[0]).toMatchObject({
      method: 'PATCH',
      path: '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      contentType: 'application/merge-patch+json',
      body: { spec: { suspend: true } },
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
    });
    expect(pt.requests[1]).toMatchObject({ path: DEPLOY, object: { kind: 'Deployment', name: 'web' } });
    expect(pt.notes.join('\n')).toMatch(/temporary: resume Kustomization flux-system\/apps when done/);

    // the owner missing from the cache and not read: refused rather than acting half-way
    const bare = setup({ 'dev/replicasets.apps/shop/web-1': replicaSet(1, 'web:1'), 'dev/replicasets.apps/shop/web-2': replicaSet(2, 'web:2') });
    expect(bare.ex.plan('rollback', [managed], { suspendOwner: true }).targets[0].refused).toMatch(/Flux owner Kustomization flux-system\/apps cannot be suspended first: it was not read/);
    // a workload Flux does not manage: the option changes nothing
    expect(bare.ex.plan('restart', [deployment()], { suspendOwner: true }).targets[0].requests).toHaveLength(1);
  });

  it('issue 20 case 8: a Flux owner not in the cache is read with a GET (readMissing), then suspended first; a missing one is named', async () => {
    const labels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
    const ksPath = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps';
    const ks: KubeObject = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '10m' } };
    const sent: string[] = [];
    const cluster = new Map<string, KubeObject>([[ksPath, ks]]);
    const ex = createExecutor({
      send: async (_c, req) => {
        sent.push(`${req.method} ${req.path}`);
        const o = cluster.get(req.path);
        return o ? { status: 200, body: o } : { status: 404, body: { kind: 'Status', message: 'not found' } };
      },
      read: async () => ks,
      readonly: true, // reads are not mutations: read-only mode still reads
      clock: fakeClock(),
      lookup: fakeLookup({}),
    });
    const managed = deployment({ metadata: { name: 'web', labels } });
    const lookup = await ex.readMissing('restart', [managed], { suspendOwner: true });
    expect(sent).toEqual([`GET ${ksPath}`]);
    expect(lookup?.get('dev', 'kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', 'apps')).toEqual(ks);
    const rw = createExecutor({ send: async () => ({ status: 200, body: {} }), read: async () => ks, readonly: false, clock: fakeClock(), lookup: fakeLookup({}) });
    const pt = rw.plan('restart', [managed], { suspendOwner: true }, lookup).targets[0];
    expect(pt.refused).toBeUndefined();
    expect(pt.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${ksPath}`, `PATCH ${DEPLOY}`]);
    // without the option nothing is read
    sent.length = 0;
    await ex.readMissing('restart', [managed], {});
    expect(sent).toEqual([]);
    // an owner the cluster does not have: the refusal says so, with the request that proved it
    const gone = deployment({ metadata: { name: 'web', labels: { ...labels, 'kustomize.toolkit.fluxcd.io/name': 'gone' } } });
    const l2 = await ex.readMissing('scale', [gone], { suspendOwner: true, replicas: 1 });
    expect(rw.plan('scale', [gone], { suspendOwner: true, replicas: 1 }, l2).targets[0].refused)
      .toBe('its Flux owner Kustomization flux-system/gone cannot be suspended first: it does not exist (GET /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/gone: HTTP 404)');
  });

  it('rollback with no history is refused with kubectl words', () => {
    const { ex } = setup();
    expect(ex.plan('rollback', [deployment()]).targets[0].refused).toBe('no rollout history found for deployment "web"');
  });

  it('delete applies to any kind and sends DeleteOptions', async () => {
    const { server, ex } = setup();
    const pod: Target = { context: 'dev', resource: 'pods', kind: 'Pod', namespace: 'shop', name: 'web-1', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' } } };
    await ex.execute(ex.plan('delete', [pod], { propagationPolicy: 'Foreground' }));
    expect(server.sent[0].req).toEqual({
      method: 'DELETE',
      path: '/api/v1/namespaces/shop/pods/web-1',
      contentType: 'application/json',
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
    });
  });

  it('objects listed without apiVersion take their version from discovery', () => {
    const server = fakeServer();
    const lookup = {
      ...fakeLookup(),
      resources: () => [{ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singular: 'deployment', namespaced: true, verbs: [], shortNames: [], categories: [] }],
    };
    const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock(), lookup });
    const t = deployment();
    delete t.object.apiVersion;
    expect(ex.plan('scale', [t], { replicas: 1 }).targets[0].requests[0].path).toBe(`${DEPLOY}/scale`);
  });
});
