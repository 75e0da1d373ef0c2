// The real @kubernetes/client-node against the simulated API server.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  HttpMethod,
  KubeConfig,
  PatchStrategy,
  RequestContext,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { testCluster, waitFor, type TestCluster } from './helpers/sim.js';

let fleet: SimFleet;
let sim: TestCluster;
let locked: TestCluster;
const kcs = new Map<string, KubeConfig>();

/** One KubeConfig per context (client-node reads the current context at request time). */
function kc(context = 'dev'): KubeConfig {
  let k = kcs.get(context);
  if (!k) {
    k = new KubeConfig();
    k.loadFromString(fleet.kubeconfig);
    k.setCurrentContext(context);
    kcs.set(context, k);
  }
  return k;
}
const core = (ctx?: string): CoreV1Api => kc(ctx).makeApiClient(CoreV1Api);
const apps = (): AppsV1Api => kc().makeApiClient(AppsV1Api);
const custom = (): CustomObjectsApi => kc().makeApiClient(CustomObjectsApi);

async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as Record<string, unknown>) };
    throw e;
  }
  throw new Error('expected the request to fail');
}

/** GET with the kubeconfig's auth through undici, reading the body as a stream. */
async function rawGet(path: string, signal?: AbortSignal): Promise<Response> {
  const k = kc();
  const ctx = new RequestContext(`${k.getCurrentCluster()!.server}${path}`, HttpMethod.GET);
  await k.applySecurityAuthentication(ctx);
  return (await fetch(ctx.getUrl(), { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher(), signal })) as unknown as Response;
}

interface Ev {
  type: string;
  object: { metadata: { name: string; resourceVersion?: string }; code?: number; reason?: string };
}

/** Starts a client-node watch collecting its events. */
async function collect(path: string, query: Record<string, string | number | boolean | undefined>, ctx = 'dev'): Promise<{ events: Ev[]; done: Promise<unknown>; abort(): void }> {
  const events: Ev[] = [];
  let finish!: (err: unknown) => void;
  const done = new Promise((r) => (finish = r));
  const ctl = await new Watch(kc(ctx)).watch(path, query, (type, object) => events.push({ type, object } as Ev), (err) => finish(err));
  return { events, done, abort: () => ctl.abort() };
}

beforeAll(async () => {
  sim = testCluster('dev');
  locked = testCluster('locked', { denyResources: ['secrets'], denyNamespaces: ['secret-ns'] });
  fleet = await startSimFleet({ clusters: [sim.cluster, locked.cluster], serve: { bookmarkIntervalMs: 100 } });
});
afterAll(async () => {
  await fleet?.stop();
});

describe('discovery', () => {
  it('serves the core and group resource lists with subresources', async () => {
    const coreRes = await core().getAPIResources();
    const names = coreRes.resources.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/status', 'namespaces', 'secrets']));
    expect(coreRes.resources.find((r) => r.name === 'pods')).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'] });
    const deploy = await custom().getAPIResources({ group: 'apps', version: 'v1' });
    expect(deploy.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling', version: 'v1' });
    const flux = await custom().getAPIResources({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1' });
    expect(flux.resources.find((r) => r.name === 'kustomizations')).toMatchObject({ kind: 'Kustomization', namespaced: true });
  });

  it('answers aggregated-discovery requests as kube-apiserver does (v2, ETag, 304), plain requests with plain JSON, unknown paths with a 404 Status', async () => {
    const res = await fetchWithAccept('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json');
    expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const body = (await res.json()) as { kind: string; apiVersion: string; items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; subresources?: { subresource: string }[] }[] }[] }[] };
    expect(body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(body.items.map((g) => g.metadata.name)).toEqual(expect.arrayContaining(['apps', 'helm.toolkit.fluxcd.io', 'cert-manager.io']));
    const deploy = body.items.find((g) => g.metadata.name === 'apps')!.versions[0].resources.find((r) => r.resource === 'deployments')!;
    expect(deploy.scope).toBe('Namespaced');
    expect(deploy.subresources?.map((x) => x.subresource).sort()).toEqual(['scale', 'status']);
    const same = await fetchWithAccept('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', { 'If-None-Match': etag! });
    expect(same.status).toBe(304);
    const plain = await fetchWithAccept('/apis', 'application/json');
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(((await plain.json()) as { kind: string }).kind).toBe('APIGroupList');
    const missing = await rawGet('/apis/nope.example.com/v1');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
  });
});

async function fetchWithAccept(path: string, accept: string, extra: Record<string, string> = {}): Promise<Response> {
  const k = kc();
  const ctx = new RequestContext(`${k.getCurrentCluster()!.server}${path}`, HttpMethod.GET);
  await k.applySecurityAuthentication(ctx);
  return (await fetch(ctx.getUrl(), { headers: { ...ctx.getHeaders(), Accept: accept, ...extra }, dispatcher: ctx.getDispatcher() })) as unknown as Response;
}

describe('lists', () => {
  it('pages with limit and continue over a consistent snapshot', async () => {
    const first = await core().listPodForAllNamespaces({ limit: 2 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual(['crashy-1', 'hidden-1']);
    expect(first.metadata?.remainingItemCount).toBe(4);
    expect((first.items[0] as { kind?: string }).kind).toBeUndefined();
    // a write between pages does not show up in the snapshot
    sim.cluster.store.create('pods', { metadata: { name: 'aaa-new', namespace: 'shop' }, spec: { containers: [{ name: 'x' }] } });
    const second = await core().listPodForAllNamespaces({ limit: 2, _continue: first.metadata!._continue });
    const third = await core().listPodForAllNamespaces({ limit: 2, _continue: second.metadata!._continue });
    expect([...second.items, ...third.items].map((p) => p.metadata?.name)).toEqual(['api-1', 'pending-1', 'web-1', 'web-2']);
    expect(third.metadata?._continue).toBeUndefined();
    expect(third.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    sim.cluster.store.delete('pods', 'shop', 'aaa-new');
  });

  it('answers 410 for a continue token older than the retained history', async () => {
    const first = await core().listNamespacedPod({ namespace: 'shop', limit: 1 });
    sim.cluster.store.create('configmaps', { metadata: { name: 'bump', namespace: 'shop' } });
    sim.cluster.store.compact();
    const f = await failure(core().listNamespacedPod({ namespace: 'shop', limit: 1, _continue: first.metadata!._continue }));
    expect(f.code).toBe(410);
    expect(f.body).toMatchObject({ reason: 'Expired' });
  });

  it('selects by labels and fields, and rejects unsupported fields as the API does', async () => {
    const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> =>
      (await core().listNamespacedPod({ namespace: 'shop', labelSelector, fieldSelector })).items.map((p) => p.metadata!.name!);
    expect(await names('app in (web,api),tier!=back')).toEqual(['web-1', 'web-2']);
    expect(await names('tier')).toEqual(['api-1']);
    expect(await names('!tier,app notin (web)')).toEqual(['pending-1']);
    expect(await names(undefined, 'status.phase=Pending')).toEqual(['pending-1']);
    expect(await names('app==web', 'metadata.name=web-2,spec.nodeName=node-1')).toEqual(['web-2']);
    const bad = await failure(core().listNamespacedPod({ namespace: 'shop', fieldSelector: 'spec.priority=1' }));
    expect(bad.code).toBe(400);
    expect(bad.body.message).toBe('field label not supported: spec.priority');
    const badLabel = await failure(core().listNamespacedPod({ namespace: 'shop', labelSelector: 'a b' }));
    expect(badLabel.code).toBe(400);
  });
});

describe('watch', () => {
  it('streams changes from a resourceVersion, with bookmarks, and ends at timeoutSeconds', async () => {
    const list = await core().listNamespacedConfigMap({ namespace: 'shop' });
    const w = await collect('/api/v1/namespaces/shop/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: 1,
    });
    sim.cluster.store.create('configmaps', { metadata: { name: 'w1', namespace: 'shop' }, data: { a: '1' } });
    sim.cluster.store.mutate('configmaps', 'shop', 'w1', (c) => ((c.data as Record<string, string>).a = '2'));
    sim.cluster.store.delete('configmaps', 'shop', 'w1');
    expect(await w.done).toBeFalsy();
    const changes = w.events.filter((e) => e.type !== 'BOOKMARK');
    expect(changes.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    const bookmarks = w.events.filter((e) => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThanOrEqual(2);
    expect(bookmarks.at(-1)!.object.metadata.resourceVersion).toBe(String(sim.cluster.store.currentRv()));
  });

  it('sends an ERROR 410 when the asked resourceVersion was compacted away', async () => {
    const old = String(sim.cluster.store.currentRv());
    sim.cluster.store.create('configmaps', { metadata: { name: 'w2', namespace: 'shop' } });
    sim.cluster.store.compact();
    const w = await collect('/api/v1/namespaces/shop/configmaps', { resourceVersion: old });
    await w.done;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });

  it('turns objects entering and leaving a label selector into ADDED and DELETED', async () => {
    const w = await collect('/api/v1/namespaces/shop/pods', { labelSelector: 'app=web' });
    await waitFor(() => w.events.length === 2, 'the synthetic ADDED events');
    let n = 0;
    const relabel = (app: string): void => {
      sim.cluster.store.mutate('pods', 'shop', 'api-1', (p) => (p.metadata.labels = { app, n: String(n++) }));
    };
    relabel('web');
    relabel('web');
    relabel('api');
    relabel('api');
    await waitFor(() => w.events.length === 5, 'the transitions');
    w.abort();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED web-1',
      'ADDED web-2',
      'ADDED api-1',
      'MODIFIED api-1',
      'DELETED api-1',
    ]);
  });

  it('watches a single object by field selector and survives dropWatches with an error to the client', async () => {
    const w = await collect('/api/v1/namespaces/shop/pods', { fieldSelector: 'metadata.name=web-1' });
    await waitFor(() => w.events.length === 1, 'the object');
    fleet.contexts[0].server.dropWatches();
    await w.done;
    expect(w.events.map((e) => e.object.metadata.name)).toEqual(['web-1']);
  });
});

describe('writes', () => {
  it('creates, conflicts on a stale update, honours dryRun, and deletes with finalizers', async () => {
    const api = core();
    const cm = await api.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'c1', finalizers: ['x/y'] }, data: { a: '1' } } });
    expect(cm.metadata?.uid).toBeTruthy();
    const dup = await failure(api.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'c1' } } }));
    expect(dup).toMatchObject({ code: 409, body: { reason: 'AlreadyExists', message: 'configmaps "c1" already exists' } });
    await api.replaceNamespacedConfigMap({ name: 'c1', namespace: 'shop', body: { ...cm, data: { a: '2' } } });
    const stale = await failure(api.replaceNamespacedConfigMap({ name: 'c1', namespace: 'shop', body: { ...cm, data: { a: '3' } } }));
    expect(stale).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
    await api.patchNamespacedConfigMap({ name: 'c1', namespace: 'shop', body: { data: { a: 'dry' } }, dryRun: 'All' }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(sim.cluster.store.get('configmaps', 'shop', 'c1')?.data).toEqual({ a: '2' });
    await api.deleteNamespacedConfigMap({ name: 'c1', namespace: 'shop', body: { propagationPolicy: 'Foreground' } });
    expect((await api.readNamespacedConfigMap({ name: 'c1', namespace: 'shop' })).metadata?.deletionTimestamp).toBeTruthy();
    await api.patchNamespacedConfigMap({ name: 'c1', namespace: 'shop', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    const gone = await failure(api.readNamespacedConfigMap({ name: 'c1', namespace: 'shop' }));
    expect(gone).toMatchObject({ code: 404, body: { reason: 'NotFound', message: 'configmaps "c1" not found' } });
  });

  it('applies json, merge and strategic merge patches', async () => {
    const a = apps();
    await a.patchNamespacedDeployment(
      { name: 'web', namespace: 'shop', body: [{ op: 'test', path: '/spec/replicas', value: 2 }, { op: 'replace', path: '/spec/replicas', value: 3 }, { op: 'add', path: '/metadata/labels/x', value: 'y' }] },
    );
    await a.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: { metadata: { labels: { x: null, m: 'n' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const d = await a.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'shop',
        body: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'web', image: 'web:2', env: [{ name: 'B', value: '2' }, { name: 'A', $patch: 'delete' }] }, { name: 'side', image: 'side:1' }],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(d.spec?.replicas).toBe(3);
    expect(d.metadata?.labels).toEqual({ app: 'web', m: 'n' });
    const cs = d.spec!.template.spec!.containers;
    expect(cs.map((c) => [c.name, c.image])).toEqual([['web', 'web:2'], ['side', 'side:1']]);
    expect(cs[0].env).toEqual([{ name: 'B', value: '2' }]);
    expect(cs[0].ports).toEqual([{ containerPort: 80 }]);
    const failedTest = await failure(a.patchNamespacedDeployment({ name: 'web', namespace: 'shop', body: [{ op: 'test', path: '/spec/replicas', value: 9 }] }));
    expect(failedTest.code).toBe(422);
  });

  it('refuses strategic merge on custom resources with 415 and merges otherwise', async () => {
    const args = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', namespace: 'flux-system', plural: 'kustomizations', name: 'apps' };
    const f = await failure(custom().patchNamespacedCustomObject({ ...args, body: { spec: { suspend: true } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)));
    expect(f).toMatchObject({ code: 415, body: { reason: 'UnsupportedMediaType' } });
    const k = (await custom().patchNamespacedCustomObject(
      { ...args, body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { metadata: { annotations: Record<string, string> } };
    expect(k.metadata.annotations['reconcile.fluxcd.io/requestedAt']).toBe('now');
  });

  it('serves /scale and /status', async () => {
    const a = apps();
    const scale = await a.readNamespacedDeploymentScale({ name: 'web', namespace: 'shop' });
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 3 }, status: { selector: 'app=web' } });
    await a.patchNamespacedDeploymentScale({ name: 'web', namespace: 'shop', body: { spec: { replicas: 1 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(sim.cluster.store.get('deployments.apps', 'shop', 'web')?.spec).toMatchObject({ replicas: 1 });
    const st = await a.patchNamespacedDeploymentStatus(
      { name: 'web', namespace: 'shop', body: { status: { readyReplicas: 1 }, spec: { replicas: 7 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(st.status?.readyReplicas).toBe(1);
    expect(st.spec?.replicas).toBe(1);
  });
});

describe('logs', () => {
  const ref = { namespace: 'shop', pod: 'web-2', container: 'web' };

  it('serves tail, since and timestamps', async () => {
    const old = new Date(Date.now() - 3600_000);
    sim.logs.write(ref, 'old line', old);
    for (let i = 1; i <= 4; i++) sim.logs.write(ref, `recent ${i}`);
    const api = core();
    expect(await api.readNamespacedPodLog({ name: 'web-2', namespace: 'shop', tailLines: 2 })).toBe('recent 3\nrecent 4\n');
    expect(await api.readNamespacedPodLog({ name: 'web-2', namespace: 'shop', sinceSeconds: 60 })).toBe('recent 1\nrecent 2\nrecent 3\nrecent 4\n');
    const withTs = await api.readNamespacedPodLog({ name: 'web-2', namespace: 'shop', timestamps: true, tailLines: 1 });
    expect(withTs).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z recent 4\n$/);
    expect(await api.readNamespacedPodLog({ name: 'web-2', namespace: 'shop', limitBytes: 5 })).toBe('old l');
  });

  it('follows new lines until the client goes', async () => {
    const ac = new AbortController();
    const res = await rawGet('/api/v1/namespaces/shop/pods/web-2/log?follow=true&tailLines=1', ac.signal);
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await waitFor(() => text === 'recent 4\n', 'the tail');
    sim.logs.write(ref, 'live 1');
    await waitFor(() => text.endsWith('live 1\n'), 'a followed line');
    ac.abort();
    await reading;
    await waitFor(() => sim.logs.subscribers(ref) === 0, 'the server to drop the follower');
  });

  it('answers the kubelet 400s', async () => {
    const api = core();
    const cases: [Parameters<CoreV1Api['readNamespacedPodLog']>[0], string][] = [
      [{ name: 'api-1', namespace: 'shop' }, 'a container name must be specified for pod api-1, choose one of: [api sidecar]'],
      [{ name: 'api-1', namespace: 'shop', container: 'x' }, 'container x is not valid for pod api-1'],
      [{ name: 'pending-1', namespace: 'shop' }, 'container "app" in pod "pending-1" is waiting to start: ContainerCreating'],
      [{ name: 'web-1', namespace: 'shop', previous: true }, 'previous terminated container "web" in pod "web-1" not found'],
    ];
    for (const [args, message] of cases) {
      const f = await failure(api.readNamespacedPodLog(args));
      expect(f.code).toBe(400);
      expect(f.body.message).toBe(message);
    }
  });
});

describe('access and faults', () => {
  it('answers 403 Status bodies as the API writes them', async () => {
    const f = await failure(core('locked').listNamespacedSecret({ namespace: 'shop' }));
    expect(f.code).toBe(403);
    expect(f.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message: 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "shop"',
    });
    const ns = await failure(core('locked').listNamespacedPod({ namespace: 'secret-ns' }));
    expect(ns.body.message).toBe('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "secret-ns"');
    const all = await failure(core('locked').listPodForAllNamespaces());
    expect(all.body.message).toBe('pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope');
    let watchCode: number | undefined;
    try {
      const w = await collect('/api/v1/namespaces/secret-ns/pods', {}, 'locked');
      watchCode = ((await w.done) as { statusCode?: number } | null)?.statusCode;
    } catch (e) {
      watchCode = (e as { statusCode?: number; code?: number }).statusCode ?? (e as { code?: number }).code;
    }
    expect(watchCode).toBe(403);
    expect((await core('locked').listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
  });

  it('answers 401 without the right token', async () => {
    const k = new KubeConfig();
    k.loadFromString(fleet.kubeconfig.replace('token: token-dev', 'token: wrong'));
    const f = await failure(k.makeApiClient(CoreV1Api).listNamespace());
    expect(f.code).toBe(401);
  });

  it('forbids everything under forbidAll and delays under latencyMs', async () => {
    sim.cluster.faults.forbidAll = true;
    try {
      expect((await failure(core().listNamespace())).code).toBe(403);
    } finally {
      sim.cluster.faults.forbidAll = false;
    }
    sim.cluster.faults.latencyMs = 150;
    try {
      const t = Date.now();
      await core().listNamespace();
      expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    } finally {
      sim.cluster.faults.latencyMs = 0;
    }
  });

  it('restarts its listener on the same port', async () => {
    const server = fleet.contexts[0].server;
    await server.restart();
    expect((await core().listNamespace()).items.length).toBe(4);
  });
});
