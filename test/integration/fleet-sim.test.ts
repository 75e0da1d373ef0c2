// The fleet store with the real client over HTTPS against the simulated fleet: concurrent
// sync, dead and hanging contexts isolated, dropped watches resumed, 410 relists with
// deletions, forbidden kinds per context, and caches equal to the server after churn.
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import type { ChangeBatch } from '../../src/fleet/types.js';
import { project } from '../../src/kube/project.js';
import type { KubeObject } from '../../src/model/types.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { crdManifest, crdResources } from '../../src/sim/resources.js';
import { testCluster, waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let store: Fleet;
let hang: net.Server;
const hangSockets = new Set<net.Socket>();
let kubeconfig: string;
const healthy = ['alpha', 'beta', 'locked'];
const batches: ChangeBatch[] = [];

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  const clusters = [testCluster('alpha').cluster, testCluster('beta').cluster, testCluster('locked', { denyResources: ['secrets'] }).cluster];
  for (const c of clusters) for (const r of crdResources()) c.store.create('customresourcedefinitions.apiextensions.k8s.io', crdManifest(r));
  fleet = await startSimFleet({ clusters });
  // a port that accepts connections and never says a word
  hang = net.createServer((s) => {
    hangSockets.add(s);
    s.on('close', () => hangSockets.delete(s));
  });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const hangPort = (hang.address() as net.AddressInfo).port;
  const deadPort = await freePort();
  const cfg = parse(fleet.kubeconfig) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
  for (const [name, port] of [
    ['dead', deadPort],
    ['hang', hangPort],
  ] as const) {
    cfg.clusters.push({ name, cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } });
    cfg.users.push({ name, user: { token: 'nope' } });
    cfg.contexts.push({ name, context: { cluster: name, user: name } });
  }
  kubeconfig = `${fleet.kubeconfigPath}.all`;
  await writeFile(kubeconfig, stringify(cfg));
  // client-node is loaded on the first request (seconds of module evaluation on a loaded
  // machine): load it now so the first test's ordering is about the contexts, not start-up
  await import('@kubernetes/client-node');
});

afterAll(async () => {
  await store?.close();
  for (const s of hangSockets) s.destroy();
  await new Promise((r) => hang?.close(r));
  await fleet?.stop();
});

const sim = (name: string) => fleet.contexts.find((c) => c.name === name)!;

/** The server's objects as the cache should hold them. */
function expected(ctx: string, key: string, kind: string, apiVersion: string): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const o of sim(ctx).cluster.store.list(key)) {
    const c = structuredClone(o);
    c.kind ??= kind;
    c.apiVersion ??= apiVersion;
    out.set(`${c.metadata.namespace ?? ''}/${c.metadata.name}`, project(c, key));
  }
  return out;
}

function cached(ctx: string, resource: string): Map<string, KubeObject> {
  return new Map(store.list(ctx, resource).map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

function equalToServer(ctx: string, key: string, kind: string, apiVersion: string): boolean {
  const want = expected(ctx, key, kind, apiVersion);
  const got = cached(ctx, key);
  if (want.size !== got.size) return false;
  for (const [k, o] of want) if (!isDeepStrictEqual(got.get(k), o)) return false;
  return true;
}

const phase = (ctx: string, resource: string): string | undefined =>
  store.reflectors().find((r) => r.context === ctx && r.resource === resource)?.phase;

describe('fleet store against the simulated fleet', () => {
  it('syncs three contexts concurrently while a dead and a hanging context fail on their own', { timeout: 120_000 }, async () => {
    store = createFleetStore({
      kubeconfig,
      contexts: [...healthy, 'dead', 'hang'],
      frameMs: 20,
      graceMs: 300,
      // the hanging context (TLS never completes) is given up only when its connection times out: long enough that a
      // slow machine's sync still comes first, so the order below means what it says
      client: { connectTimeoutMs: 15_000, headersTimeoutMs: 15_000 },
      reflector: { backoffMs: [100, 1000] },
    });
    store.onChange((b) => batches.push(b));
    store.watch({ contexts: [...healthy, 'dead', 'hang'], resource: 'po' });
    // ready comes after the kube-system GET that follows discovery; a watch-list can sync the pods before it answers
    const ready = (c: string): boolean => store.contexts().find((s) => s.name === c)?.state === 'ready';
    await waitFor(() => healthy.every((c) => phase(c, 'pods') === 'synced' && ready(c)), 'healthy contexts synced and ready', 60_000);
    // and each healthy context's settled(name) is its own, not the hanging one's
    await Promise.all(healthy.map((c) => store.settled(c)));
    // nobody waited for the hanging context: the healthy ones synced while it was still
    // undecided (an ordering, not a time limit; the sync time itself is a bench figure)
    expect(store.contexts().find((s) => s.name === 'hang')!.state).not.toBe('unreachable');
    for (const c of healthy) {
      expect(equalToServer(c, 'pods', 'Pod', 'v1')).toBe(true);
      const st = store.contexts().find((s) => s.name === c)!;
      expect(st.state).toBe('ready');
      expect(st.serverVersion).toBe('v1.31.4');
      expect(st.latencyMs).toBeGreaterThanOrEqual(0);
    }
    await waitFor(() => store.contexts().find((s) => s.name === 'dead')?.state === 'unreachable', 'dead context unreachable');
    expect(store.contexts().find((s) => s.name === 'dead')!.lastError).toMatch(/connection refused/);
    await waitFor(() => store.contexts().find((s) => s.name === 'hang')?.state === 'unreachable', 'hanging context unreachable', 30_000);
    // it accepts and never finishes TLS: kubectl's words for that (transport.ts TLS_HANDSHAKE_TIMEOUT_CODE)
    expect(store.contexts().find((s) => s.name === 'hang')!.lastError).toMatch(/TLS handshake timeout/);
    expect(store.reflectors().filter((r) => r.context === 'dead' || r.context === 'hang')).toEqual([]);
  });

  it('resolves what users type per context, with CRD printer columns', async () => {
    await store.settled();
    expect(store.resolve('alpha', 'po')?.resource).toBe('pods');
    expect(store.resolve('alpha', 'deploy')?.group).toBe('apps');
    const ks = store.resolve('alpha', 'ks');
    expect(ks?.kind).toBe('Kustomization');
    expect(store.resolve('alpha', 'kustomizations.kustomize.toolkit.fluxcd.io')).toEqual(ks);
    await waitFor(() => store.resolve('alpha', 'ks')?.printerColumns?.length, 'printer columns from CRDs');
    expect(store.resolve('alpha', 'ks')!.printerColumns!.map((c) => c.name)).toContain('Ready');
    expect(store.resolve('dead', 'po')).toBeUndefined();
  });

  it('rediscovers when a CRD appears', async () => {
    const st = sim('beta').cluster.store;
    const widget = {
      group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', singular: 'widget', namespaced: true,
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], shortNames: ['wd'], categories: [],
      printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }], crd: true, subresources: { status: true },
    };
    expect(store.resolve('beta', 'wd')).toBeUndefined();
    st.addResource(widget);
    st.create('customresourcedefinitions.apiextensions.k8s.io', crdManifest(widget));
    await waitFor(() => store.resolve('beta', 'wd')?.printerColumns?.[0]?.name === 'Size', 'the new kind resolved with its columns');
    expect(store.resolve('alpha', 'wd')).toBeUndefined();
  });

  it('indexes by uid and owner uid', async () => {
    const st = sim('alpha').cluster.store;
    const dep = st.get('deployments.apps', 'shop', 'web')!;
    const rs = st.create('replicasets.apps', {
      metadata: {
        name: 'web-abc',
        namespace: 'shop',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid!, controller: true }],
      },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } },
    });
    const sub = store.watch({ contexts: ['alpha'], resource: 'replicasets' });
    await waitFor(() => store.ownedBy('alpha', dep.metadata.uid!).length === 1, 'owner index');
    expect(store.byUid('alpha', rs.metadata.uid!)?.resource).toBe('replicasets.apps');
    expect(store.ownedBy('alpha', dep.metadata.uid!)[0].object.metadata.name).toBe('web-abc');
    sub.close();
    // after the grace period the reflector stops and its objects leave the indexes
    await waitFor(() => store.byUid('alpha', rs.metadata.uid!) === undefined, 'reflector stopped after grace');
    expect(store.ownedBy('alpha', dep.metadata.uid!)).toEqual([]);
  });

  it('resumes after dropped watches and equals the server', async () => {
    const st = sim('alpha').cluster.store;
    const listsBefore = store.reflectors().find((r) => r.context === 'alpha' && r.resource === 'pods')!.lists ?? 0;
    for (let i = 0; i < 20; i++) st.create('pods', { metadata: { name: `drop-${i}`, namespace: 'default' }, spec: { containers: [] } });
    await waitFor(() => equalToServer('alpha', 'pods', 'Pod', 'v1'), 'cache caught up');
    sim('alpha').server.dropWatches();
    for (let i = 0; i < 20; i++) st.update('pods', { ...st.get('pods', 'default', `drop-${i}`)!, metadata: { ...st.get('pods', 'default', `drop-${i}`)!.metadata, labels: { v: '2' } } });
    await waitFor(() => equalToServer('alpha', 'pods', 'Pod', 'v1'), 'cache equal after drop', 5000);
    // resumed from the last resourceVersion: no relist was needed
    expect(store.reflectors().find((r) => r.context === 'alpha' && r.resource === 'pods')!.lists).toBe(listsBefore);
  });

  it('relists after a forced 410 and delivers the deletions', async () => {
    const st = sim('beta').cluster.store;
    const victims = st.list('pods', 'shop').map((p) => p.metadata.name);
    expect(victims.length).toBeGreaterThan(0);
    const listsBefore = store.reflectors().find((r) => r.context === 'beta' && r.resource === 'pods')!.lists ?? 0;
    batches.length = 0;
    // in one tick: the watch drops, the pods go, history is compacted, so the reconnect
    // gets 410 and only a relist can notice the deletions
    sim('beta').server.dropWatches();
    for (const n of victims) st.delete('pods', 'shop', n);
    st.compact();
    await waitFor(() => store.list('beta', 'pods', 'shop').length === 0, 'deletions delivered');
    expect(store.reflectors().find((r) => r.context === 'beta' && r.resource === 'pods')!.lists).toBe(listsBefore + 1);
    expect(equalToServer('beta', 'pods', 'Pod', 'v1')).toBe(true);
    await waitFor(() => batches.some((b) => b.resources.has('beta\u0000pods')), 'a change batch for beta pods');
  });

  it('shows a forbidden kind as forbidden in that context only, without retrying', async () => {
    const sub = store.watch({ contexts: healthy, resource: 'secrets' });
    await waitFor(() => phase('locked', 'secrets') === 'forbidden', 'locked secrets forbidden');
    await waitFor(() => phase('alpha', 'secrets') === 'synced' && phase('beta', 'secrets') === 'synced', 'others synced');
    const ctx = Object.fromEntries(store.contexts().map((c) => [c.name, c]));
    expect(ctx.locked.forbidden).toEqual(['secrets']);
    expect(ctx.locked.state).toBe('ready');
    expect(ctx.alpha.forbidden).toBeUndefined();
    expect(store.reflectors().find((r) => r.context === 'locked' && r.resource === 'secrets')!.reason).toMatch(/forbidden/i);
    sub.close();
  });

  it('keeps every cache equal to the server after sustained churn', async () => {
    const subs = [store.watch({ contexts: healthy, resource: 'configmaps' })];
    await waitFor(() => healthy.every((c) => phase(c, 'configmaps') === 'synced'), 'configmaps synced');
    batches.length = 0;
    const t0 = Date.now();
    let events = 0;
    for (let round = 0; round < 10; round++) {
      for (const name of healthy) {
        const st = sim(name).cluster.store;
        for (let i = 0; i < 100; i++) {
          const n = `cm-${i % 40}`;
          const cur = st.get('configmaps', 'default', n);
          if (!cur) st.create('configmaps', { metadata: { name: n, namespace: 'default' }, data: { round: String(round) } });
          else if ((i + round) % 7 === 0) st.delete('configmaps', 'default', n);
          else st.update('configmaps', { ...cur, data: { round: String(round), i: String(i) } });
          events++;
        }
        if (round % 4 === 3) sim(name).server.dropWatches();
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(events).toBeGreaterThanOrEqual(3000);
    for (const c of healthy) {
      await waitFor(() => equalToServer(c, 'configmaps', 'ConfigMap', 'v1'), `${c} configmaps equal`, 8000);
      expect(equalToServer(c, 'pods', 'Pod', 'v1')).toBe(true);
    }
    // changes arrive coalesced: a handful of batches per second, not one per event
    const seconds = (Date.now() - t0) / 1000;
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(seconds / 0.02) + 2);
    expect(batches.length).toBeLessThan(events / 10);
    for (const s of subs) s.close();
  });
});
