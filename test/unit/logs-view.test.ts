// The log view over an in-memory store and a scripted log source: visible lines only,
// coloured prefixes from the theme, live filter flags, pause, timestamps, wrap, JSON
// levels, the cap indicator, frames throttled (never one per line), and save.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { parseFilterText } from '../../src/logs/filter.js';
import type { LogLine, OpenLog } from '../../src/logs/types.js';
import type { KubeObject } from '../../src/model/types.js';
import type { AppContext } from '../../src/ui/view.js';
import { logsViewFactory, logTargetFor, LogsView } from '../../src/ui/views/logs.js';
import { FakeStore } from '../helpers/fake-store.js';
import { waitUntil as poll, type Truthy } from '../helpers/wait.js';

const theme = loadTheme('default', { configDir: null });

/** Per-container pushers: lines written after open go straight to the open follow. */
function scriptedLogs() {
  const push = new Map<string, (l: LogLine) => void>();
  let n = 0;
  const open: OpenLog = async (ctx, ref, _opts, signal) => {
    const key = `${ctx}/${ref.pod}/${ref.container}`;
    const queue: LogLine[] = [];
    let wake = (): void => {};
    push.set(key, (l) => {
      queue.push(l);
      wake();
    });
    return (async function* () {
      while (!signal.aborted) {
        while (queue.length) yield queue.shift()!;
        await new Promise<void>((r) => {
          wake = r;
          signal.addEventListener('abort', () => r(), { once: true });
        });
      }
    })();
  };
  const write = (key: string, text: string): void => {
    n++;
    push.get(key)!({ ts: `2026-01-01T00:00:00.${String(n).padStart(9, '0')}Z`, text });
  };
  return { open, write, ready: (key: string) => push.has(key) };
}

function fakeApp(store: FakeStore) {
  const app = {
    store, theme, keymap: { name: 'default', bindings: {}, files: [] }, readonly: false,
    renders: 0, messages: [] as string[],
    contexts: () => ['east', 'west'], namespace: () => 'shop',
    pushed: [] as unknown[],
    setContexts: () => {}, setNamespace: () => {},
    push(v: unknown) {
      app.pushed.push(v);
    },
    pop: () => {},
    message(text: string) {
      app.messages.push(text);
    },
    render() {
      app.renders++;
    },
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    command: () => {},
  };
  return app;
}

/** east and west, each with the namespace shop the tests' pods are in (the log view asks for it, as fleetdeck logs does). */
function shopStore(): FakeStore {
  const store = new FakeStore(['east', 'west']);
  for (const c of ['east', 'west']) store.put(c, 'namespaces', { metadata: { name: 'shop', uid: `ns-${c}` } });
  return store;
}

const pod = (name: string, containers = ['app']): KubeObject => ({
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: 'web' }, creationTimestamp: '2020-01-01T00:00:00Z' },
  spec: { containers: containers.map((name) => ({ name })) },
  status: { phase: 'Running' },
});

const until = <T>(what: string, fn: () => T): Promise<Truthy<T>> => poll(what, fn, { timeoutMs: 3000, intervalMs: 5 });

const plain = (rows: string[]): string[] => rows.map((r) => r.replace(/\{[^}]*\}/g, ''));

let view: LogsView | undefined;
afterEach(() => view?.close());

function setup(opts: ConstructorParameters<typeof LogsView>[2] = {}) {
  const store = shopStore();
  store.put('east', 'pods', pod('web-1', ['app', 'sidecar']));
  store.put('west', 'pods', pod('web-2'));
  const logs = scriptedLogs();
  const app = fakeApp(store);
  view = new LogsView(app as unknown as AppContext, { kind: 'query', contexts: ['east', 'west'], namespace: 'shop', pod: /^web/ }, { openLog: logs.open, ...opts });
  return { store, logs, app, view };
}

describe('LogsView target check', () => {
  it(':logs KIND/NAME of nothing says so at once (kubectl\'s words), not [0/0 | 0 pods | 0/0 streams] forever', async () => {
    const store = shopStore();
    store.put('east', 'deployments.apps', { metadata: { name: 'web', namespace: 'shop', uid: 'd1' }, spec: { selector: { matchLabels: { app: 'web' } } } });
    for (const c of ['east', 'west']) store.put(c, 'namespaces', { metadata: { name: 'shop', uid: `ns-${c}` } });
    const app = fakeApp(store);
    const made = logsViewFactory.create(app as unknown as AppContext, ['deploy/cart-api']);
    expect(made).toBeInstanceOf(LogsView);
    view = made as LogsView;
    const v = view;
    await until('the not-found status', () => v.status().includes('not found'));
    expect(v.status()).toBe('[not found: 2 targets missing]');
    expect(app.messages[0]).toMatch(/^(east|west): error: error from server \(NotFound\): deployments "cart-api" not found in namespace "shop"$/);
    expect(plain(v.render(120, 5)).join('\n')).toContain('east: error: error from server (NotFound)');
    // one context has it: the view tails that one and names the other
    const found = logsViewFactory.create(app as unknown as AppContext, ['deploy/web']) as LogsView;
    try {
      await until('the missing context named', () => plain(found.render(120, 5)).some((r) => r.includes('west: error: error from server (NotFound)')));
      expect(found.status()).not.toContain('not found');
    } finally {
      found.close();
    }
  });
});

describe('LogsView of a Flux object whose inventory holds no workload', () => {
  // it showed [0/0 | 0 pods | 0/0 streams] and nothing else: no pod will come from it
  it('says so above the lines, in the shell\'s words', () => {
    const store = shopStore();
    const resource = 'kustomizations.kustomize.toolkit.fluxcd.io';
    store.put('east', resource, { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'infra', namespace: 'flux-system', uid: 'k1' }, status: { inventory: { entries: [{ id: 'shop_settings__ConfigMap', v: 'v1' }] } } });
    const app = fakeApp(store) as unknown as AppContext;
    view = new LogsView(app, { kind: 'flux', context: 'east', resource, namespace: 'flux-system', name: 'infra' }, { openLog: scriptedLogs().open });
    expect(plain(view.render(120, 5)).join('\n')).toContain('⚠ east: kustomizations/infra: its inventory holds no workload');
  });
});

describe('LogsView scope (the header)', () => {
  // it said ns:all over one pod's tail: the app's scope, not what the tail reads
  it('a pod: its context and namespace; a query without a namespace: all; a Flux object: none', () => {
    const app = fakeApp(shopStore()) as unknown as AppContext;
    // each is closed by the next open, the last by afterEach
    const open = (t: ConstructorParameters<typeof LogsView>[1]): LogsView => {
      view?.close();
      return (view = new LogsView(app, t, { openLog: scriptedLogs().open }));
    };
    expect(open({ kind: 'pod', context: 'east', namespace: 'shop', name: 'web-1' }).scope()).toEqual({ contexts: ['east'], namespace: 'shop' });
    expect(open({ kind: 'query', contexts: ['east', 'west'], pod: /^web/ }).scope()).toEqual({ contexts: ['east', 'west'], allNamespaces: true });
    expect(open({ kind: 'flux', context: 'east', resource: 'kustomizations.kustomize.toolkit.fluxcd.io', namespace: 'flux-system', name: 'apps' }).scope()).toEqual({ contexts: ['east'], namespace: '' });
  });
});

describe(':logs of a Flux kind without a namespace', () => {
  // the launcher hands the app its environment's FLUX_SYSTEM_NAMESPACE (the flux CLI's rule);
  // the view read process.env itself
  it('is read in the app\'s Flux namespace, not the process environment\'s', async () => {
    const store = shopStore();
    // no namespace scope (:ns): as the flux CLI without -n
    const app = Object.assign(fakeApp(store), { fluxNamespace: 'gitops', namespace: () => undefined });
    view = logsViewFactory.create(app as unknown as AppContext, ['ks/apps']) as LogsView;
    const v = view;
    await until('the not-found status', () => v.status().includes('not found'));
    expect(app.messages[0]).toMatch(/not found in namespace "gitops"$/);
  });
});

describe('LogsView over a namespace no context has', () => {
  // `fleetdeck logs nope/.*` says the namespace is missing (exit 1); the TUI showed
  // [0/0 | 0 pods | 0/0 streams] over the synced empty list of a namespace that is not there
  it(':logs nope/.* says the namespace is not there, in fleetdeck logs\' words, never a plain 0 pods', async () => {
    const store = new FakeStore(['east', 'west']);
    for (const c of ['east', 'west']) store.put(c, 'namespaces', { metadata: { name: 'shop', uid: `ns-${c}` } });
    const app = fakeApp(store);
    view = logsViewFactory.create(app as unknown as AppContext, ['nope/.*']) as LogsView;
    const v = view;
    expect(v.status()).not.toMatch(/\| 0 pods \|/);
    await until('the namespace said missing', () => v.status().includes('not found'));
    expect(v.status()).toBe('[namespace "nope" not found in any selected context (east, west)]');
    expect(app.messages).toContain('namespace "nope" not found in any selected context (east, west)');
    expect(plain(v.render(120, 5))[0]).toBe('⚠ namespace "nope" not found in any selected context (east, west)');
  });

  it('one context without it is named; the tail goes on in the other', async () => {
    const store = new FakeStore(['east', 'west']);
    store.put('east', 'namespaces', { metadata: { name: 'shop', uid: 'ns-east' } });
    store.put('east', 'pods', pod('web-1'));
    const logs = scriptedLogs();
    view = new LogsView(fakeApp(store) as unknown as AppContext, { kind: 'query', contexts: ['east', 'west'], namespace: 'shop', pod: /^web/ }, { openLog: logs.open, typed: 'shop/web' });
    const v = view;
    await until('west named', () => plain(v.render(120, 5)).includes('⚠ namespace "shop" not found in west'));
    await until('east streaming', () => logs.ready('east/web-1/app'));
    expect(v.status()).toContain('| 1 pods |');
  });

  it('A/B that reads as KIND/NAME (no regex) is a kind no server has, as fleetdeck logs says', async () => {
    const store = new FakeStore(['east', 'west']);
    const app = fakeApp(store);
    view = logsViewFactory.create(app as unknown as AppContext, ['deploymnt/web']) as LogsView;
    const v = view;
    await until('the kind said missing', () => v.status().includes('resource type'));
    expect(v.status()).toBe('[error: the server doesn\'t have a resource type "deploymnt"]');
  });
});

describe('LogsView pod lists it could not read', () => {
  const refusal = 'pods is forbidden: User "staging-dev" cannot list resource "pods" in API group "" in the namespace "shop"';
  /** A tail over shop in east and west where west refuses the pods list, once east's pod streams. */
  async function westForbidden() {
    const store = shopStore();
    store.put('east', 'pods', pod('web-1'));
    const logs = scriptedLogs();
    view = new LogsView(fakeApp(store) as unknown as AppContext, { kind: 'query', contexts: ['east', 'west'], namespace: 'shop', pod: /^web/ }, { openLog: logs.open });
    store.setPhase('west', 'pods', { phase: 'forbidden', reason: refusal });
    await until('east streaming', () => logs.ready('east/web-1/app'));
    return { store };
  }

  it(':logs over a namespace whose pods are forbidden names the context and the refusal, not [0/0 | 0 pods | 0/0 streams]', async () => {
    const { store } = await westForbidden();
    expect(plain(view!.render(160, 5))[0]).toBe(`⚠ west: Error from server (Forbidden): ${refusal}`);
    expect(view!.status()).toContain('| 1+ pods (forbidden: west) |');
    // every context refused: no bare "0 pods"
    store.setPhase('east', 'pods', { phase: 'forbidden', reason: refusal });
    store.remove('east', 'pods', 'shop', 'web-1');
    await until('east\'s pod gone', () => view!.tail.podCount() === 0);
    expect(view!.status()).toContain('| 0 pods (forbidden: east, west) |');
  });

  it('w wraps the notices as it wraps log lines: a refusal cut at the screen width is read whole', async () => {
    const { store } = await westForbidden();
    const whole = `⚠ west: Error from server (Forbidden): ${refusal}`;
    expect(plain(view!.render(60, 10))[0]).toBe(whole.slice(0, 60));
    view!.handle('logs.wrap' as never);
    const rows = plain(view!.render(60, 10));
    expect(rows.slice(0, Math.ceil(whole.length / 60)).join('')).toBe(whole);
  });

  it('a pod list that failed says so too, with its error', async () => {
    const store = shopStore();
    store.setPhase('east', 'pods', { phase: 'retrying', reason: 'the server is currently unable to handle the request' });
    const app = fakeApp(store);
    view = new LogsView(app as unknown as AppContext, { kind: 'query', contexts: ['east'], namespace: 'shop', pod: /^web/ }, { openLog: scriptedLogs().open });
    expect(plain(view.render(160, 5))[0]).toBe('⚠ east: could not list pods in shop: the server is currently unable to handle the request (retrying)');
    // until east says whether it has the namespace, 0 pods is not read as none either
    expect(view.status()).toContain('| 0 pods (namespace: checking; failed: east) |');
    const v = view;
    await until('the namespace checked', () => !v.status().includes('checking'));
    expect(view.status()).toContain('| 0 pods (failed: east) |');
  });
});

describe('LogsView', () => {
  it('shows the newest visible lines with coloured context/pod/container prefixes, and throttles frames', async () => {
    const { logs, app, view } = setup();
    await until('streams', () => logs.ready('east/web-1/app') && logs.ready('west/web-2/app'));
    const before = app.renders;
    for (let i = 0; i < 500; i++) logs.write(i % 2 ? 'east/web-1/app' : 'west/web-2/app', `line ${i}`);
    await until('all lines', () => view.buffer.received === 500);
    await new Promise((r) => setTimeout(r, 250));
    // 500 lines within a few frames: a handful of renders, not one per line
    expect(app.renders - before).toBeLessThanOrEqual(4);
    const rows = view.render(80, 5);
    expect(rows).toHaveLength(5);
    expect(plain(rows)).toEqual(['east/web-1/app line 495', 'west/web-2/app line 496', 'east/web-1/app line 497', 'west/web-2/app line 498', 'east/web-1/app line 499']);
    const prefixRole = /^\{([#\w]+)-fg\}/.exec(rows[0])?.[1];
    expect(prefixRole).toBeDefined();
    expect(Object.values(theme.styles).some((s) => s.fg === prefixRole)).toBe(true);
    expect(view.status()).toContain('2 pods');
  });

  it('applies include/exclude/highlight/container flags live and keeps the last valid filter on a bad regex', async () => {
    const { logs, view } = setup();
    await until('streams', () => logs.ready('east/web-1/sidecar') && logs.ready('west/web-2/app'));
    logs.write('east/web-1/app', 'GET /orders 200');
    logs.write('east/web-1/sidecar', 'GET /orders 200 from sidecar');
    logs.write('west/web-2/app', 'GET /healthz 200');
    logs.write('west/web-2/app', 'POST /orders 500');
    await until('lines', () => view.buffer.received === 4);
    view.filter.set('orders -e 500 -c ^app$');
    expect(plain(view.render(80, 10))).toEqual(['east/web-1/app GET /orders 200']);
    view.filter.set('orders -H ord');
    const rows = view.render(80, 10);
    expect(rows[0]).toContain('{inverse}ord{/}');
    expect(plain(rows)).toHaveLength(3);
    view.filter.set('orders (');
    expect(plain(view.render(80, 10))[0]).toMatch(/⚠ invalid regex/);
    expect(view.filterSpecText()).toBe('orders -H ord');
    expect(parseFilterText('a b -e c d -H x -c app')).toEqual({ include: 'a b', exclude: 'c d', highlight: 'x', container: 'app' });
  });

  it('pauses (lines keep buffering, counted), toggles timestamps, wrap and JSON levels', async () => {
    const { logs, view } = setup();
    await until('streams', () => logs.ready('east/web-1/app'));
    logs.write('east/web-1/app', 'first');
    await until('first', () => view.buffer.received === 1);
    view.handle('logs.pause' as never);
    for (let i = 0; i < 3; i++) logs.write('east/web-1/app', `later ${i}`);
    await until('buffered', () => view.buffer.received === 4);
    expect(plain(view.render(80, 5))).toEqual(['east/web-1/app first']);
    expect(view.status()).toContain('paused +3');
    view.handle('logs.pause' as never);
    expect(plain(view.render(80, 5))).toHaveLength(4);

    view.handle('logs.timestamps' as never);
    expect(plain(view.render(80, 5))[0]).toBe('east/web-1/app 2026-01-01T00:00:00.000000001Z first');
    view.handle('logs.timestamps' as never);

    logs.write('east/web-1/app', 'x'.repeat(100));
    await until('long', () => view.buffer.received === 5);
    expect(view.render(40, 10)).toHaveLength(5);
    view.handle('logs.wrap' as never);
    // every continuation row keeps the prefix: 100 characters in rows of 40 - 15
    expect(plain(view.render(40, 10)).slice(-4)).toEqual(Array(4).fill(`east/web-1/app ${'x'.repeat(25)}`));
    view.handle('logs.wrap' as never);

    logs.write('east/web-1/app', '{"level":"error","msg":"boom","code":7}');
    await until('json', () => view.buffer.received === 6);
    view.handle('logs.json' as never);
    const last = view.render(80, 10).at(-1)!;
    expect(last.replace(/\{[^}]*\}/g, '')).toBe('east/web-1/app ERROR boom code=7');
    expect(last).toContain(`{${theme.styles['status.error'].fg}-fg}ERROR`);
  });

  it('shows which containers are not streamed when the cap bites', async () => {
    const { view } = setup({ maxStreams: 2 });
    await until('capped', () => view.tail.capped().length === 1);
    expect(plain(view.render(120, 5))[0]).toBe('⚠ 1 container not streamed (cap 2): west/shop/web-2/app');
    expect(view.status()).toContain('1 capped');
  });

  it('previous logs of pods with no earlier instance: each failed stream says why, not only 0/3 streams', async () => {
    const store = shopStore();
    for (const n of ['web-1', 'web-2', 'web-3', 'web-4']) store.put('east', 'pods', pod(n));
    const app = fakeApp(store);
    const openLog: OpenLog = async (_ctx, ref) => {
      throw new KubeApiError(400, 'BadRequest', `previous terminated container "${ref.container}" in pod "${ref.pod}" not found`);
    };
    view = new LogsView(app as unknown as AppContext, { kind: 'query', contexts: ['east'], namespace: 'shop', pod: /^web/ }, { openLog, previous: true });
    const v = view;
    await until('every stream failed', () => v.tail.streams().filter((s) => s.state === 'failed').length === 4);
    expect(v.status()).toContain('0/4 streams | 4 failed');
    const rows = plain(v.render(120, 8));
    expect(rows.slice(0, 4)).toEqual([
      '⚠ east/web-1/app: previous terminated container "app" in pod "web-1" not found',
      '⚠ east/web-2/app: previous terminated container "app" in pod "web-2" not found',
      '⚠ east/web-3/app: previous terminated container "app" in pod "web-3" not found',
      '⚠ 1 more stream failed',
    ]);
  });

  it('saves the matching lines to a file and says where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fd-logs-view-'));
    const { logs, app, view } = setup({ saveDir: dir });
    await until('streams', () => logs.ready('west/web-2/app'));
    logs.write('west/web-2/app', 'keep me');
    await until('line', () => view.buffer.received === 1);
    view.handle('logs.save' as never);
    // it asks where, offering a file under the save directory (the XDG state dir by default)
    const ask = app.pushed.at(-1) as { takeKey(k: string, ch?: string): boolean; render(w: number, h: number): string[] };
    expect(ask.render(200, 10).join('\n')).toContain(`save 1 lines to (enter for ${join(dir, 'shop_web-20260101T000000Z.log')})`);
    // a line arriving while the prompt is open is not saved: the file holds what the prompt counted
    logs.write('west/web-2/app', 'after the prompt');
    await until('second line', () => view.buffer.received === 2);
    ask.takeKey('enter');
    await until('message', () => app.messages.length > 0);
    const [file] = await readdir(dir);
    expect(file).toBe('shop_web-20260101T000000Z.log');
    expect(app.messages[0]).toBe(`saved 1 lines to ${join(dir, file)}`);
    expect(await readFile(join(dir, file), 'utf8')).toMatch(/^west\/web-2\/app \S+ keep me\n$/);
    // a typed path wins, its directory is created
    view.handle('logs.save' as never);
    const again = app.pushed.at(-1) as { takeKey(k: string, ch?: string): boolean };
    for (const ch of `${dir}/sub/mine.log`) again.takeKey(ch, ch);
    again.takeKey('enter');
    await until('second message', () => app.messages.length > 1);
    expect(app.messages[1]).toBe(`saved 2 lines to ${join(dir, 'sub', 'mine.log')}`);
  });

  it('turns table rows into targets and palette arguments into views', () => {
    const types = new FakeStore(['east']);
    const deploy = types.resolve('east', 'deploy')!;
    const ks = types.resolve('east', 'ks')!;
    const cm = types.resolve('east', 'cm')!;
    const obj = { metadata: { name: 'web', namespace: 'shop' } };
    expect(logTargetFor('east', deploy, obj)).toEqual({ kind: 'workload', context: 'east', resource: 'deployments.apps', namespace: 'shop', name: 'web' });
    expect(logTargetFor('east', ks, obj)?.kind).toBe('flux');
    expect(logTargetFor('east', cm, obj)).toBeUndefined();
    const app = fakeApp(types) as unknown as AppContext;
    expect(logsViewFactory.create(app, [])).toMatch(/give a target/);
    expect(logsViewFactory.create(app, ['shop/(' ])).toMatch(/^logs: /);
    const v = logsViewFactory.create(app, ['deploy/web']);
    expect(typeof v).toBe('object');
    expect((v as LogsView).title()).toBe('logs deploy/web');
    (v as LogsView).close();
    // -l as the shell's: alone, the view's namespace; with a query, both; a bad selector is said
    const sel = logsViewFactory.create(app, ['-l', 'app', 'in', '(web,', 'api)']) as LogsView;
    expect(sel.tail).toBeDefined();
    expect((sel as unknown as { target: unknown }).target).toMatchObject({ kind: 'query', namespace: 'shop', selector: [{ key: 'app', op: 'In', values: ['web', 'api'] }] });
    sel.close();
    const both = logsViewFactory.create(app, ['-l', 'app=web', 'other/^web']) as LogsView;
    expect((both as unknown as { target: unknown }).target).toMatchObject({ kind: 'query', namespace: 'other', selector: [{ key: 'app', values: ['web'] }] });
    both.close();
    expect(logsViewFactory.create(app, ['-l', '=x'])).toBe("logs: found '=', expected: !, identifier, or 'end of string'");
  });
});
