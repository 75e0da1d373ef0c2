// The tail engine over an in-memory store and a fake log server: pods joining and ending,
// workload selectors, resume after a drop without duplicates or gaps, quiet retries of
// waiting containers, the stream cap, container filters, and targets/queries.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError, KubeNetworkError } from '../../src/kube/errors.js';
import { HEADERS_TIMEOUT_CODE } from '../../src/kube/transport.js';
import { LogTail } from '../../src/logs/tail.js';
import { containersOf, parseQuery, podsFor, readsAsQuery, resolveTarget } from '../../src/logs/targets.js';
import { parseLabelSelector } from '../../src/model/selector.js';
import type { ContainerRef, LogEntry, LogLine, LogStreamOptions, OpenLog } from '../../src/logs/types.js';
import type { KubeObject } from '../../src/model/types.js';
import { FakeStore } from '../helpers/fake-store.js';
import { waitUntil as poll, type Truthy } from '../helpers/wait.js';

/** the flux CLI's default namespace (fluxDefaultNamespace without FLUX_SYSTEM_NAMESPACE) */
const FLUX_NS = 'flux-system';

const stamp = (n: number): string => `2026-01-01T00:00:${String(Math.floor(n / 10)).padStart(2, '0')}.${String((n % 10) * 100).padStart(3, '0')}000001Z`;

/** A fake kubelet: lines per container, follows that can be dropped. */
class FakeLogs {
  readonly lines = new Map<string, LogLine[]>();
  readonly waiting = new Set<string>();
  readonly opens: { key: string; opts: LogStreamOptions }[] = [];
  private readonly follows = new Set<{ key: string; wake: () => void; dropped: boolean }>();
  private n = 0;

  key(context: string, ref: ContainerRef): string {
    return `${context}/${ref.namespace}/${ref.pod}/${ref.container}`;
  }

  write(key: string, text: string): void {
    const list = this.lines.get(key) ?? [];
    list.push({ ts: stamp(this.n++), text });
    this.lines.set(key, list);
    for (const f of this.follows) if (f.key === key) f.wake();
  }

  drop(): void {
    for (const f of this.follows) {
      f.dropped = true;
      f.wake();
    }
  }

  active(): number {
    return this.follows.size;
  }

  readonly open: OpenLog = async (context, ref, opts, signal) => {
    const key = this.key(context, ref);
    this.opens.push({ key, opts });
    if (this.waiting.has(key)) throw new KubeApiError(400, 'BadRequest', `container "${ref.container}" in pod "${ref.pod}" is waiting to start: ContainerCreating`);
    const self = this;
    const since = opts.sinceTime;
    return (async function* () {
      let all = self.lines.get(key) ?? [];
      let i = since ? all.findIndex((l) => l.ts.slice(0, 19) >= since.slice(0, 19)) : 0;
      if (i < 0) i = all.length;
      if (opts.tailLines !== undefined) i = Math.max(i, all.length - opts.tailLines);
      const f = { key, wake: () => {}, dropped: false };
      self.follows.add(f);
      try {
        for (;;) {
          all = self.lines.get(key) ?? [];
          while (i < all.length) yield all[i++];
          if (f.dropped || signal.aborted || !opts.follow) return;
          await new Promise<void>((r) => {
            f.wake = r;
            signal.addEventListener('abort', () => r(), { once: true });
          });
        }
      } finally {
        self.follows.delete(f);
      }
    })();
  };
}

const pod = (name: string, labels: Record<string, string>, containers = ['app'], extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels, creationTimestamp: '2020-01-01T00:00:00Z', ...extra },
  spec: { containers: containers.map((c) => ({ name: c })), initContainers: [{ name: 'init' }] },
  status: { phase: 'Running' },
});

const until = <T>(what: string, fn: () => T): Promise<Truthy<T>> => poll(what, fn, { timeoutMs: 3000, intervalMs: 5 });

let tail: LogTail | undefined;
afterEach(async () => {
  await tail?.stop();
  tail = undefined;
});

function setup(opts: ConstructorParameters<typeof LogTail>[3] = {}) {
  const store = new FakeStore(['east', 'west']);
  const logs = new FakeLogs();
  store.put('east', 'deployments.apps', { metadata: { name: 'web', namespace: 'shop', uid: 'd1' }, spec: { selector: { matchLabels: { app: 'web' } } } });
  store.put('east', 'pods', pod('web-1', { app: 'web' }));
  store.put('east', 'pods', pod('db-1', { app: 'db' }));
  const got: LogEntry[] = [];
  tail = new LogTail(store, logs.open, { kind: 'workload', context: 'east', resource: 'deployments.apps', namespace: 'shop', name: 'web' }, { retryMs: 5, waitingRetryMs: 5, ...opts });
  tail.onLine((e) => got.push(e));
  return { store, logs, got, tail };
}

describe('LogTail', () => {
  it('follows the workload selector: new pods join, gone pods end with a notice', async () => {
    const { store, logs, got, tail } = setup();
    tail.start();
    await until('the first stream', () => logs.active() === 1);
    logs.write('east/shop/web-1/app', 'one');
    logs.write('east/shop/db-1/app', 'not mine');
    await until('line one', () => got.length === 1);
    store.put('east', 'pods', pod('web-2', { app: 'web' }));
    await until('the new pod streamed', () => logs.active() === 2);
    logs.write('east/shop/web-2/app', 'two');
    await until('line two', () => got.some((e) => e.pod === 'web-2' && e.text === 'two'));
    store.remove('east', 'pods', 'shop', 'web-1');
    const notice = await until('ended notice', () => got.find((e) => e.notice));
    expect(notice).toMatchObject({ context: 'east', pod: 'web-1', text: '— pod web-1 ended —' });
    await until('the ended stream closed', () => logs.active() === 1);
    expect(got.filter((e) => !e.notice).map((e) => `${e.pod}:${e.text}`)).toEqual(['web-1:one', 'web-2:two']);
    expect(store.watches.map((w) => `${w.contexts}/${w.resource}/${w.namespace}`).sort()).toEqual(['east/deployments.apps/shop', 'east/pods/shop']);
  });

  it('resumes a dropped stream from the last timestamp with no duplicate and no gap', async () => {
    const { logs, got, tail } = setup();
    tail.start();
    await until('stream', () => logs.active() === 1);
    for (let i = 0; i < 25; i++) logs.write('east/shop/web-1/app', `l${i}`);
    await until('25 lines', () => got.length === 25);
    logs.drop();
    // lines written while disconnected must still arrive
    for (let i = 25; i < 30; i++) logs.write('east/shop/web-1/app', `l${i}`);
    await until('reconnected', () => logs.opens.length === 2 && logs.active() === 1);
    for (let i = 30; i < 40; i++) logs.write('east/shop/web-1/app', `l${i}`);
    await until('40 lines', () => got.length >= 40);
    expect(got.map((e) => e.text)).toEqual(Array.from({ length: 40 }, (_, i) => `l${i}`));
    expect(logs.opens[1].opts.sinceTime).toBe(stamp(24).slice(0, 19) + 'Z');
  });

  it('retries a container waiting to start quietly, and starts with since/tail', async () => {
    const { logs, got, tail } = setup({ tailLines: 2 });
    logs.waiting.add('east/shop/web-1/app');
    for (let i = 0; i < 5; i++) logs.write('east/shop/web-1/app', `old${i}`);
    tail.start();
    await until('a few waiting retries', () => logs.opens.length >= 3);
    expect(tail.streams()[0]).toMatchObject({ state: 'waiting', reason: expect.stringContaining('waiting to start') });
    expect(got).toEqual([]);
    logs.waiting.clear();
    await until('streaming', () => tail.streams()[0].state === 'streaming' && got.length === 2);
    expect(got.map((e) => e.text)).toEqual(['old3', 'old4']);
  });

  it('asks again at once when a quiet follow times out waiting for headers, with the first options', async () => {
    const { logs, got, tail } = setup({ tailLines: 1 });
    let timeouts = 2;
    const open = logs.open;
    (tail as unknown as { openLog: typeof open }).openLog = async (...args) => {
      if (timeouts-- > 0) throw new KubeNetworkError('no answer (timed out waiting for response headers)', HEADERS_TIMEOUT_CODE);
      return open(...args);
    };
    logs.write('east/shop/web-1/app', 'old');
    logs.write('east/shop/web-1/app', 'last');
    tail.start();
    await until('streaming', () => logs.active() === 1);
    logs.write('east/shop/web-1/app', 'new');
    await until('lines', () => got.length === 2);
    expect(got.map((e) => e.text)).toEqual(['last', 'new']);
    expect(logs.opens[0].opts).toEqual({ follow: true, sinceSeconds: undefined, tailLines: 1 });
  });

  it('caps concurrent streams and names the containers left out', async () => {
    const { store, logs, tail } = setup({ maxStreams: 2 });
    store.put('east', 'pods', pod('web-2', { app: 'web' }));
    store.put('east', 'pods', pod('web-3', { app: 'web' }));
    tail.start();
    await until('two streams', () => logs.active() === 2);
    expect(tail.capped()).toEqual(['east/shop/web-3/app']);
    store.remove('east', 'pods', 'shop', 'web-1');
    await until('the capped one started', () => tail.capped().length === 0 && logs.opens.some((o) => o.key.endsWith('web-3/app')));
  });
});

describe('LogTail defaults', () => {
  it('an option passed as undefined (an unset --max-streams) keeps the default cap of 50', async () => {
    const { store, logs, tail } = setup({ maxStreams: undefined, tailLines: undefined });
    for (let i = 2; i <= 52; i++) store.put('east', 'pods', pod(`web-${i}`, { app: 'web' }));
    tail.start();
    await until('50 streams', () => logs.active() === 50);
    expect(tail.capped()).toHaveLength(2);
  });
});

describe('targets', () => {
  it('filters containers by regex, init containers on request', () => {
    const p = pod('x', {}, ['app', 'sidecar']);
    expect(containersOf(p).map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(containersOf(p, { initContainers: true }).map((c) => c.name)).toEqual(['init', 'app', 'sidecar']);
    expect(containersOf(p, { container: /^side/ }).map((c) => c.name)).toEqual(['sidecar']);
  });

  it('parses [ctx-glob/]ns/pod-regex queries and resolves them across contexts', () => {
    const store = new FakeStore(['prod-east', 'prod-west', 'dev']);
    store.put('prod-east', 'pods', pod('web-1', {}));
    store.put('prod-west', 'pods', pod('web-2', {}));
    store.put('dev', 'pods', pod('web-3', {}));
    const q = parseQuery('prod-*/shop/^web', ['prod-east', 'prod-west', 'dev'], { contexts: ['dev'] });
    expect(q.contexts).toEqual(['prod-east', 'prod-west']);
    expect(podsFor(store, q).map((p) => `${p.context}/${p.pod.metadata.name}`)).toEqual(['prod-east/web-1', 'prod-west/web-2']);
    expect(parseQuery('*/web', [], { contexts: ['dev'] })).toMatchObject({ contexts: ['dev'], namespace: undefined });
  });

  it('-l selects pods by label: alone in each context\'s namespace (-n), with a query the pods both select (stern); never KIND/NAME', () => {
    const store = new FakeStore(['east', 'west']);
    store.put('east', 'pods', pod('cart-1', { app: 'cart-api' }));
    store.put('east', 'pods', pod('web-1', { app: 'web' }));
    store.put('east', 'pods', { ...pod('cart-2', { app: 'cart-api' }), metadata: { ...pod('cart-2', { app: 'cart-api' }).metadata, namespace: 'other' } });
    store.put('west', 'pods', pod('cart-9', { app: 'cart-api', canary: 'true' }));
    const names = (t: Parameters<typeof podsFor>[1]) => podsFor(store, t).map((p) => `${p.context}/${p.pod.metadata.namespace}/${p.pod.metadata.name}`);
    const selector = parseLabelSelector('app=cart-api,!canary');
    expect(names(resolveTarget(store, '', ['east', 'west'], 'shop', { selector, fluxNamespace: FLUX_NS }))).toEqual(['east/shop/cart-1']);
    // no -n: each context's own namespace (FakeStore's contexts have none: default)
    expect(names(resolveTarget(store, '', ['east', 'west'], undefined, { selector, fluxNamespace: FLUX_NS }))).toEqual([]);
    expect(names(resolveTarget(store, '*/cart', ['east', 'west'], undefined, { selector: parseLabelSelector('app=cart-api'), fluxNamespace: FLUX_NS }))).toEqual(['east/other/cart-2', 'east/shop/cart-1', 'west/shop/cart-9']);
    expect(names(resolveTarget(store, 'shop/-9$', ['east', 'west'], undefined, { selector: parseLabelSelector('app=cart-api'), fluxNamespace: FLUX_NS }))).toEqual(['west/shop/cart-9']);
    // pods/NAME with -l is a namespace "pods", as `A/B` always is with a selector
    expect(resolveTarget(store, 'pods/cart-1', ['east'], undefined, { selector, fluxNamespace: FLUX_NS })).toMatchObject({ kind: 'query', namespace: 'pods' });
  });

  it('a Flux kind without -n is read in the flux CLI\'s namespace, any other kind in the context\'s; -n wins', () => {
    const store = new FakeStore(['east']);
    // ks/apps said NotFound in "default" where `flux logs --kind Kustomization --name apps` reads flux-system
    expect(resolveTarget(store, 'ks/apps', ['east'], undefined, { fluxNamespace: FLUX_NS })).toMatchObject({ kind: 'flux', namespace: 'flux-system', name: 'apps' });
    expect(resolveTarget(store, 'hr/demo', ['east'], undefined, { fluxNamespace: 'apps' })).toMatchObject({ kind: 'flux', namespace: 'apps' });
    expect(resolveTarget(store, 'ks/apps', ['east'], 'team-a', { fluxNamespace: FLUX_NS })).toMatchObject({ kind: 'flux', namespace: 'team-a' });
    expect(resolveTarget(store, 'deploy/web', ['east'], undefined, { fluxNamespace: FLUX_NS })).toMatchObject({ kind: 'workload', namespace: 'default' });
  });

  it('A/B that is neither a served kind nor a namespace reads as ns/pod-regex when B has a regex metacharacter and A can name a namespace', () => {
    for (const t of ['nope/.*', 'shop/^web', 'team-a/web|api', 'x/web-\\d']) expect(readsAsQuery(t), t).toBe(true);
    for (const t of ['deploymnt/web', 'nope/web', 'Deploy/.*', 'a/b/.*', 'web']) expect(readsAsQuery(t), t).toBe(false);
  });

  it('a Flux object yields the pods of the workloads in its inventory', () => {
    const store = new FakeStore(['east']);
    store.put('east', 'kustomizations.kustomize.toolkit.fluxcd.io', {
      metadata: { name: 'apps', namespace: 'flux-system' },
      status: { inventory: { entries: [{ id: 'shop_web_apps_Deployment', v: 'v1' }, { id: 'shop_cfg__ConfigMap', v: 'v1' }] } },
    });
    store.put('east', 'deployments.apps', { metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } } });
    store.put('east', 'pods', pod('web-1', { app: 'web' }));
    store.put('east', 'pods', pod('db-1', { app: 'db' }));
    const t = { kind: 'flux', context: 'east', resource: 'kustomizations.kustomize.toolkit.fluxcd.io', namespace: 'flux-system', name: 'apps' } as const;
    expect(podsFor(store, t).map((p) => p.pod.metadata.name)).toEqual(['web-1']);
  });
});
