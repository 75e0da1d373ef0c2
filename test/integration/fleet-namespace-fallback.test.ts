// A user bound only to some namespaces gets 403 for every all-namespaces list. The store
// falls back to one reflector per namespace it may see, skips (and reports) the forbidden
// ones, and serves the merged set behind the same reads: on the demo's staging context
// (denied kube-system and secrets) and on every backend's restricted context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import type { KubeObject } from '../../src/model/types.js';
import { createScenario } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { fleetOnBackend } from './helpers/backend-fleet.js';
import { backends, type BackendEnv } from './backends.js';
import { waitFor } from './helpers/sim.js';

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}/${o.metadata.resourceVersion}`;
const keys = (os: KubeObject[]): string[] => os.map(keyOf).sort();

describe('namespace fallback on the demo staging context', () => {
  let fleet: SimFleet;
  let store: Fleet;
  const staging = () => fleet.contexts.find((c) => c.name === 'staging')!.cluster;
  const status = (resource: string) => store.reflectors().find((r) => r.context === 'staging' && r.resource === resource);
  const ctx = () => store.contexts().find((c) => c.name === 'staging')!;
  /** what the staging user may see of a kind: everything outside kube-system */
  const truth = (key: string) => staging().store.list(key).filter((o) => o.metadata.namespace !== 'kube-system');

  beforeAll(async () => {
    fleet = await startSimFleet({ clusters: createScenario('demo') });
    store = createFleetStore({ kubeconfig: fleet.kubeconfigPath, contexts: ['dev', 'staging'], frameMs: 20, graceMs: 200 });
    await store.settled();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await fleet?.stop();
  });

  it('watches namespace by namespace, kube-system reported forbidden, the context ready', async () => {
    const sub = store.watch({ contexts: ['dev', 'staging'], resource: 'cm' });
    await waitFor(() => status('configmaps')?.phase === 'synced', 'staging configmaps synced', 10_000);
    const st = status('configmaps')!;
    expect(st.namespaces).toEqual(staging().store.list('namespaces').map((n) => n.metadata.name).sort());
    expect(st.forbiddenNamespaces).toEqual(['kube-system']);
    expect(st.reason).toMatch(/forbidden in namespace kube-system/);
    expect(ctx().state).toBe('ready');
    expect(ctx().forbidden).toContain('configmaps in kube-system');
    // one merged set behind list/get, equal to what the user may read
    await waitFor(() => JSON.stringify(keys(store.list('staging', 'configmaps'))) === JSON.stringify(keys(truth('configmaps'))), 'merged list equals the server', 5000);
    expect(keys(store.list('staging', 'configmaps', 'payments'))).toEqual(keys(truth('configmaps').filter((o) => o.metadata.namespace === 'payments')));
    expect(store.get('staging', 'configmaps', 'payments', 'payments-api-config')?.data).toMatchObject({ LOG_LEVEL: 'info' });
    expect(store.get('staging', 'configmaps', 'kube-system', 'coredns')).toBeUndefined();
    // the unrestricted context is untouched by all this
    expect(store.reflectors().find((r) => r.context === 'dev' && r.resource === 'configmaps')!.namespaces).toBeUndefined();
    expect(store.get('dev', 'configmaps', 'kube-system', 'coredns')).toBeDefined();
    sub.close();
  });

  it('follows namespaces as they come and go, and changes inside them', async () => {
    const sub = store.watch({ contexts: ['staging'], resource: 'configmaps' });
    let changed = 0;
    const off = store.onChange((b) => b.resources.has('staging\u0000configmaps') && changed++);
    const s = staging().store;
    s.create('namespaces', { metadata: { name: 'team-new' } });
    s.create('configmaps', { metadata: { name: 'hello', namespace: 'team-new' }, data: { a: '1' } });
    await waitFor(() => store.get('staging', 'configmaps', 'team-new', 'hello'), 'configmap in the new namespace');
    expect(status('configmaps')!.namespaces).toContain('team-new');
    s.update('configmaps', { ...s.get('configmaps', 'team-new', 'hello')!, data: { a: '2' } });
    await waitFor(() => (store.get('staging', 'configmaps', 'team-new', 'hello')?.data as Record<string, string> | undefined)?.a === '2', 'update seen');
    expect(changed).toBeGreaterThan(0);
    s.delete('configmaps', 'team-new', 'hello');
    s.delete('namespaces', undefined, 'team-new');
    await waitFor(() => !status('configmaps')!.namespaces!.includes('team-new'), 'namespace gone from the fallback', 5000);
    expect(store.get('staging', 'configmaps', 'team-new', 'hello')).toBeUndefined();
    await waitFor(() => JSON.stringify(keys(store.list('staging', 'configmaps'))) === JSON.stringify(keys(truth('configmaps'))), 'still equal to the server');
    off();
    sub.close();
  });

  it('reports a kind forbidden in every namespace as forbidden, once', async () => {
    const sub = store.watch({ contexts: ['staging'], resource: 'secrets' });
    await waitFor(() => status('secrets')?.phase === 'forbidden', 'secrets forbidden', 10_000);
    expect(status('secrets')!.reason).toMatch(/secrets is forbidden/);
    expect(ctx().forbidden).toContain('secrets');
    expect(ctx().forbidden!.filter((f) => f.startsWith('secrets '))).toEqual([]);
    expect(ctx().state).toBe('ready');
    sub.close();
  });

  it('indexes fallback objects by uid and owner', async () => {
    const sub = store.watch({ contexts: ['staging'], resource: 'rs' });
    await waitFor(() => status('replicasets.apps')?.phase === 'synced', 'replicasets synced');
    const dep = staging().store.get('deployments.apps', 'payments', 'payments-api')!;
    await waitFor(() => store.ownedBy('staging', dep.metadata.uid!).length > 0, 'owner index filled');
    const rs = store.ownedBy('staging', dep.metadata.uid!)[0];
    expect(store.byUid('staging', rs.object.metadata.uid!)?.resource).toBe('replicasets.apps');
    sub.close();
  });
});

for (const backend of backends) {
  describe(`namespace fallback on the ${backend.name} backend's restricted context`, () => {
    let env: BackendEnv;
    let store: Fleet;
    const status = (ctx: string, resource: string) => store.reflectors().find((r) => r.context === ctx && r.resource === resource);

    fleetOnBackend(backend, (e, s) => {
      env = e;
      store = s;
    });

    it('lists configmaps of every namespace the user may read, equal to the admin view of them', async () => {
      const name = `fd-fallback-${Date.now().toString(36)}`;
      expect((await env.kubectl(['create', 'configmap', name, '-n', env.namespace, '--from-literal=k=v'])).code).toBe(0);
      const sub = store.watch({ contexts: [env.adminContext, env.restrictedContext], resource: 'configmaps' });
      await waitFor(() => status(env.restrictedContext, 'configmaps')?.phase === 'synced', 'restricted configmaps synced', 15_000);
      await waitFor(() => status(env.adminContext, 'configmaps')?.phase === 'synced', 'admin configmaps synced', 15_000);
      const st = status(env.restrictedContext, 'configmaps')!;
      expect(st.namespaces).toContain(env.namespace);
      expect(st.forbiddenNamespaces).toContain(env.forbiddenNamespace);
      expect(st.forbiddenNamespaces).not.toContain(env.namespace);
      const c = store.contexts().find((x) => x.name === env.restrictedContext)!;
      expect(c.state).toBe('ready');
      expect(c.forbidden).toContain(`configmaps in ${env.forbiddenNamespace}`);
      const visible = new Set(st.namespaces!.filter((n) => !st.forbiddenNamespaces!.includes(n)));
      await waitFor(
        () => JSON.stringify(keys(store.list(env.restrictedContext, 'configmaps'))) === JSON.stringify(keys(store.list(env.adminContext, 'configmaps').filter((o) => visible.has(o.metadata.namespace!)))),
        'restricted view equals the admin view of the visible namespaces',
        10_000,
      );
      expect(store.list(env.restrictedContext, 'configmaps').some((o) => o.metadata.namespace === env.forbiddenNamespace)).toBe(false);
      expect(store.get(env.restrictedContext, 'configmaps', env.namespace, name)?.data).toEqual({ k: 'v' });
      sub.close();
    });
  });
}
