// The namespace-by-namespace fallback on its own (src/fleet/ns-fallback.ts), with reflectors
// the test drives: which namespaces it watches (one reflector each, seeded with what the
// forbidden all-namespaces list held of it), what it reports as one phase and as forbidden,
// namespaces that appear and disappear, asking forbidden namespaces again, and handing
// everything back. The fallback has no clock: when to ask again is the context's health loop's
// (src/fleet/contexts.ts, forbiddenRetryMs); here retryForbidden is called directly.
import { describe, expect, it } from 'vitest';
import { NamespaceFallback } from '../../src/fleet/ns-fallback.js';
import type { Reflector } from '../../src/kube/reflector.js';
import type { KubeObject, ReflectorPhase } from '../../src/model/types.js';

/** What the fallback reads of a reflector, set by the test. */
class FakeReflector {
  phase: ReflectorPhase = 'syncing';
  reason?: string;
  nextAttemptAt?: number;
  started = false;
  stopped = false;
  private release?: () => void;
  /** stop() resolves only when the test lets it (finish()), as a real stop waits for its watch to end */
  readonly stopping: Promise<void>;

  constructor(readonly namespace: string, private objects: Map<string, KubeObject>) {
    this.stopping = new Promise((resolve) => (this.release = resolve));
  }
  get cache(): ReadonlyMap<string, KubeObject> {
    return this.objects;
  }
  handOver(): Map<string, KubeObject> {
    const out = this.objects;
    this.objects = new Map();
    return out;
  }
  start(): void {
    this.started = true;
  }
  stop(): Promise<void> {
    this.stopped = true;
    return this.stopping;
  }
  finish(): void {
    this.release!();
  }
  /** a watch event landing in its cache */
  put(o: KubeObject): void {
    this.objects.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
  }
}

const cm = (namespace: string, name: string, rv = '1'): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: `u-${namespace}-${name}`, resourceVersion: rv },
});
const keyOf = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;
const seed = (...os: KubeObject[]): Map<string, KubeObject> => new Map(os.map((o) => [keyOf(o), o]));
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function rig(stale: KubeObject[] = []) {
  const spawned: FakeReflector[] = [];
  const dropped: KubeObject[][] = [];
  const fb = new NamespaceFallback(seed(...stale), 'ns-informer', {
    spawn: (ns, s) => {
      const r = new FakeReflector(ns, s);
      spawned.push(r);
      return r as unknown as Reflector;
    },
    dropped: (objects) => void dropped.push(objects),
  });
  /** the live reflector of a namespace */
  const part = (ns: string): FakeReflector => spawned.filter((r) => r.namespace === ns).at(-1)!;
  return { fb, spawned, dropped, part };
}

describe('NamespaceFallback', () => {
  it('watches exactly the namespaces it is given, each seeded with what the forbidden list held there', () => {
    const { fb, spawned, dropped, part } = rig([cm('shop', 'a'), cm('shop', 'b'), cm('dev', 'c'), cm('gone', 'd')]);
    expect(fb.nsId).toBe('ns-informer');
    // before the namespaces are known: syncing, saying why, and the stale objects still answer
    expect(fb.state('configmaps is forbidden at the cluster scope')).toEqual({ phase: 'syncing', reason: 'listing namespaces (configmaps is forbidden at the cluster scope)' });
    expect(fb.state(undefined).reason).toBe('listing namespaces (forbidden at cluster scope)');
    expect(fb.list('shop').map(keyOf).sort()).toEqual(['shop/a', 'shop/b']);
    expect(fb.get('dev', 'dev/c')?.metadata.name).toBe('c');
    fb.sync(['shop', 'dev', 'empty']);
    expect(spawned.map((r) => r.namespace)).toEqual(['shop', 'dev', 'empty']);
    expect(spawned.every((r) => r.started)).toBe(true);
    expect([...part('shop').cache.keys()].sort()).toEqual(['shop/a', 'shop/b']);
    expect([...part('dev').cache.keys()]).toEqual(['dev/c']);
    expect(part('empty').cache.size).toBe(0);
    // a namespace not in the list: its stale objects leave, reported once
    expect(dropped.map((d) => d.map(keyOf))).toEqual([['gone/d']]);
    expect(fb.namespaces()).toEqual(['dev', 'empty', 'shop']);
    expect(fb.covers('shop') && !fb.covers('gone')).toBe(true);
    expect(fb.reflectors()).toHaveLength(3);
    // reads go to the namespace's own reflector
    part('shop').put(cm('shop', 'new'));
    expect(fb.list('shop').map(keyOf).sort()).toEqual(['shop/a', 'shop/b', 'shop/new']);
    expect(fb.get('shop', 'shop/new')).toBeDefined();
    expect(fb.get('gone', 'gone/d')).toBeUndefined();
    expect(fb.caches().reduce((n, c) => n + c.size, 0)).toBe(4);
  });

  it('reports one phase: the worst of the namespaces it may read, forbidden ones named apart', () => {
    const { fb, part } = rig();
    fb.sync(['a', 'b', 'kube-system', 'secret-team']);
    for (const ns of ['a', 'b']) part(ns).phase = 'synced';
    part('kube-system').phase = 'forbidden';
    part('secret-team').phase = 'forbidden';
    expect(fb.state('forbidden at cluster scope')).toEqual({ phase: 'synced', reason: 'forbidden in namespaces kube-system, secret-team', nextAttemptAt: undefined, forbiddenNamespaces: ['kube-system', 'secret-team'] });
    // a namespace retrying after an error: the whole is retrying, with its reason and next attempt
    part('b').phase = 'retrying';
    part('b').reason = 'HTTP 500: etcd timeout';
    part('b').nextAttemptAt = 1_000_500;
    expect(fb.state(undefined)).toEqual({ phase: 'retrying', reason: 'HTTP 500: etcd timeout', nextAttemptAt: 1_000_500, forbiddenNamespaces: ['kube-system', 'secret-team'] });
    // each refused namespace keeps what the API said there (the log view shows it as kubectl does)
    part('kube-system').reason = 'configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "kube-system"';
    expect(fb.state(undefined).forbiddenReasons).toEqual({ 'kube-system': part('kube-system').reason });
    // one forbidden namespace: singular
    fb.sync(['a', 'kube-system']);
    expect(fb.state(undefined)).toMatchObject({ phase: 'synced', reason: 'forbidden in namespace kube-system', forbiddenNamespaces: ['kube-system'] });
    // forbidden in every namespace: the kind is forbidden, in the API's words
    part('a').phase = 'forbidden';
    expect(fb.state('configmaps is forbidden: User "jane" cannot list resource "configmaps"')).toEqual({ phase: 'forbidden', reason: 'configmaps is forbidden: User "jane" cannot list resource "configmaps"' });
  });

  it('a namespace that appears gets its reflector; one that disappears stops its and drops its objects once stopped', async () => {
    const { fb, spawned, dropped, part } = rig();
    fb.sync(['a', 'b']);
    const [a, b] = spawned;
    b.put(cm('b', 'x'));
    b.put(cm('b', 'y'));
    fb.sync(['a', 'b', 'c']);
    // the others keep their reflectors (no relist)
    expect(spawned).toHaveLength(3);
    expect(part('a')).toBe(a);
    expect(part('c').started).toBe(true);
    fb.sync(['a', 'c']);
    expect(b.stopped).toBe(true);
    expect(fb.covers('b')).toBe(false);
    expect(fb.namespaces()).toEqual(['a', 'c']);
    expect(fb.list('b')).toEqual([]);
    expect(dropped).toEqual([]); // not before its reflector has stopped
    b.finish();
    await flush();
    expect(dropped.map((d) => d.map(keyOf).sort())).toEqual([['b/x', 'b/y']]);
    expect(a.stopped).toBe(false);
    // the same list again changes nothing
    fb.sync(['c', 'a']);
    expect(spawned).toHaveLength(3);
    expect(dropped).toHaveLength(1);
  });

  it('asks forbidden namespaces again with a fresh reflector seeded with what they held; the others are left alone', () => {
    const { fb, spawned, part } = rig();
    fb.sync(['a', 'kube-system']);
    const [a, ks] = spawned;
    a.phase = 'synced';
    ks.phase = 'forbidden';
    ks.put(cm('kube-system', 'coredns')); // held from before the 403
    fb.retryForbidden();
    expect(spawned).toHaveLength(3);
    expect(part('a')).toBe(a);
    const again = part('kube-system');
    expect(again).not.toBe(ks);
    expect(again.started).toBe(true);
    expect([...again.cache.keys()]).toEqual(['kube-system/coredns']);
    expect(ks.cache.size).toBe(0);
    // the fresh one is syncing: no longer reported forbidden
    expect(fb.state(undefined)).toMatchObject({ phase: 'syncing' });
    expect(fb.state(undefined).forbiddenNamespaces).toBeUndefined();
    // nothing forbidden: nothing asked
    fb.retryForbidden();
    expect(spawned).toHaveLength(3);
  });

  it('dismantles into one seed of everything it held (for the all-namespaces reflector that replaces it)', async () => {
    const { fb, spawned } = rig([cm('a', 'old')]);
    fb.sync(['a', 'b']);
    spawned[1].put(cm('b', 'x'));
    spawned[0].put(cm('a', 'old', '2'));
    const done = fb.dismantle();
    expect(spawned.every((r) => r.stopped)).toBe(true);
    for (const r of spawned) r.finish();
    const s = await done;
    expect([...s.keys()].sort()).toEqual(['a/old', 'b/x']);
    expect(s.get('a/old')?.metadata.resourceVersion).toBe('2');
  });
});
