// The informers: one list+watch cache per (context, resource, namespace scope), started on the
// first hold and stopped a grace period after the last release. An informer owns its cache
// (its reflector's, src/kube/reflector.ts) and, when the all-namespaces list is forbidden, its
// namespace-by-namespace fallback (ns-fallback.ts) fed by the context's namespaces informer.
// Forbidden informers ask again when told (retryForbidden). Everything that changes is reported
// through the events given at construction; the informers never call their owner otherwise.
import { collectionPath } from '../model/patches.js';
import type { KubeObject, ResourceType } from '../model/types.js';
import { resourceKey } from '../model/types.js';
import type { ContextClient } from '../kube/client.js';
import { classify } from '../kube/errors.js';
import { objectKey, Reflector, type ReflectorOptions } from '../kube/reflector.js';
import { NamespaceFallback, type InformerState } from './ns-fallback.js';
import type { ReflectorStatus } from './types.js';

export type { InformerState };

const sep = '\u0000';

// a type's resourceKey, built once: views ask for every watched kind of every context per frame
const keys = new WeakMap<ResourceType, string>();
function keyOf(t: ResourceType): string {
  let k = keys.get(t);
  if (k === undefined) keys.set(t, (k = resourceKey(t)));
  return k;
}
const NS_KEY = 'namespaces';

/** What the informers need of a context: its client, its kinds, its default namespace. */
export interface InformerHost {
  readonly name: string;
  readonly client: ContextClient;
  /** the kind a query names in this context (for the namespaces kind) */
  resolve(query: string): ResourceType | undefined;
  /** the kubeconfig context's default namespace (read when a fallback cannot list namespaces) */
  namespace(): string | undefined;
}

/** What the informers report. Called synchronously from inside the informers. */
export interface InformerEvents {
  /** an object was added or changed in (context, rk) */
  upserted(context: string, rk: string, o: KubeObject): void;
  /** an object left a cache of (context, rk); `still` is the copy another scope of the same resource holds */
  removed(context: string, rk: string, o: KubeObject, still: { resource: string; object: KubeObject } | undefined): void;
  /** the objects of (context, rk) changed as a whole (a scope stopped) */
  resourceChanged(context: string, rk: string): void;
  /** a phase, reason or fallback namespace set of the context's informer `id` changed, or it
   * started or stopped (Informers.state reads it) */
  statusChanged(context: string, id: string): void;
}

/** The list+watch cache of one (context, resource, scope). */
class Informer {
  refs = 0;
  stopTimer?: NodeJS.Timeout;
  /** the all-namespaces (or one-namespace, or cluster-scoped) reflector */
  main!: Reflector;
  fallback?: NamespaceFallback;

  constructor(
    readonly id: string,
    readonly host: InformerHost,
    readonly rk: string,
    readonly type: ResourceType,
    /** namespace, or '' for all */
    readonly scope: string,
  ) {}

  /** Every reflector feeding it: the main one, then the fallback's. */
  reflectors(): Reflector[] {
    return this.fallback ? [this.main, ...this.fallback.reflectors()] : [this.main];
  }

  caches(): ReadonlyMap<string, KubeObject>[] {
    return this.fallback ? this.fallback.caches() : [this.main.cache];
  }

  state(): InformerState {
    const r = this.main;
    return this.fallback ? this.fallback.state(r.reason) : { phase: r.phase, reason: r.reason, nextAttemptAt: r.nextAttemptAt };
  }

  /** Its objects, of one namespace when `namespace` is given. */
  list(namespace: string | undefined): KubeObject[] {
    if (this.fallback && namespace) return this.fallback.list(namespace);
    const out: KubeObject[] = [];
    for (const cache of this.caches()) for (const o of cache.values()) if (!namespace || o.metadata.namespace === namespace) out.push(o);
    return out;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const k = `${namespace ?? ''}/${name}`;
    return this.fallback ? this.fallback.get(namespace ?? '', k) : this.main.cache.get(k);
  }
}

export interface InformersOptions {
  /** how long an informer outlives its last holder, ms */
  graceMs: number;
  reflector?: ReflectorOptions;
}

export class Informers {
  private readonly byId = new Map<string, Informer>();
  /** the same informers by context, then resourceKey, then scope: a context's states are
   * gathered per change and views list every watched kind per frame, over ~10k informers */
  private readonly byContext = new Map<string, Map<string, Map<string, Informer>>>();
  private readonly nsSyncQueued = new Set<string>();
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly opts: InformersOptions, private readonly events: InformerEvents) {}

  /**
   * Holds the informer of (host's context, type, scope), starting it on the first hold; returns
   * its id for release. `scope` is a namespace or '' (all namespaces, or cluster-scoped).
   */
  hold(host: InformerHost, type: ResourceType, scope: string): string {
    const rk = resourceKey(type);
    const id = [host.name, rk, scope].join(sep);
    let e = this.byId.get(id);
    if (!e) {
      e = new Informer(id, host, rk, type, scope);
      e.main = this.newReflector(e, scope || undefined, new Map());
      this.byId.set(id, e);
      let mine = this.byContext.get(host.name);
      if (!mine) this.byContext.set(host.name, (mine = new Map()));
      let scopes = mine.get(rk);
      if (!scopes) mine.set(rk, (scopes = new Map()));
      scopes.set(scope, e);
      e.main.start();
      // a new informer is syncing: the context's states say so now, not at its first phase change
      this.events.statusChanged(host.name, id);
    }
    clearTimeout(e.stopTimer);
    e.stopTimer = undefined;
    e.refs++;
    return id;
  }

  /** Lets go of a hold; the informer stops `graceMs` after its last holder left. */
  release(id: string): void {
    const e = this.byId.get(id);
    if (!e || --e.refs > 0) return;
    e.stopTimer = setTimeout(() => void this.stopInformer(id), this.opts.graceMs);
    e.stopTimer.unref();
  }

  /** Reflectors waiting to retry in the context try now (it came back). */
  retryNow(context: string): void {
    for (const e of this.of(context)) for (const r of e.reflectors()) r.retryNow();
  }

  /** Asks every forbidden informer of the context again: RBAC or a 403 fault may be gone. */
  retryForbidden(context: string): void {
    for (const e of this.of(context)) {
      if (e.fallback) {
        void this.retryAllNamespaces(e);
        continue;
      }
      if (e.main.phase !== 'forbidden') continue;
      e.main = this.newReflector(e, e.scope || undefined, e.main.handOver());
      e.main.start();
    }
  }

  /** The state of informer `id` (what its context's own state reads); undefined once it stopped. */
  state(id: string): (InformerState & { resource: string }) | undefined {
    const e = this.byId.get(id);
    return e && { ...e.state(), resource: e.rk };
  }

  /** The informer that answers for (context, type, namespace): the all-namespaces one first. */
  private holder(context: string, type: ResourceType, namespace: string | undefined): { e: Informer; filter?: string } | undefined {
    const scopes = this.byContext.get(context)?.get(keyOf(type));
    if (!scopes) return undefined;
    const all = scopes.get('');
    const one = namespace && type.namespaced ? scopes.get(namespace) : undefined;
    // a namespace-by-namespace fallback that does not cover the namespace (a user who may not
    // list namespaces sees only the kubeconfig's) yields to an informer of exactly that namespace
    if (all && one && all.fallback && !all.fallback.covers(namespace!)) return { e: one };
    if (all) return { e: all, filter: type.namespaced ? namespace : undefined };
    return one ? { e: one } : undefined;
  }

  list(context: string, type: ResourceType, namespace: string | undefined): KubeObject[] {
    const h = this.holder(context, type, namespace);
    return h ? h.e.list(h.filter) : [];
  }

  get(context: string, type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.holder(context, type, namespace)?.e.get(namespace, name);
  }

  /** Every informer (of `context` when given) as ReflectorStatus (a fallback as one entry naming its namespaces). */
  statuses(context?: string): ReflectorStatus[] {
    return [...(context === undefined ? this.byId.values() : this.of(context))].map((e) => {
      const st = e.state();
      const objects = e.caches().reduce((n, m) => n + m.size, 0);
      const lists = e.reflectors().reduce((n, r) => n + r.stats.lists, 0);
      const s: ReflectorStatus = { context: e.host.name, resource: e.rk, phase: st.phase, objects, lists };
      if (e.scope) s.namespace = e.scope;
      if (st.reason) s.reason = st.reason;
      if (st.nextAttemptAt) s.nextAttemptAt = st.nextAttemptAt;
      if (e.fallback) {
        s.namespaces = e.fallback.namespaces();
        s.namespacesListed = this.namespacesListed(e.fallback);
      }
      if (st.forbiddenNamespaces) s.forbiddenNamespaces = st.forbiddenNamespaces;
      if (st.forbiddenReasons) s.forbiddenReasons = st.forbiddenReasons;
      return s;
    });
  }

  /** Stops every informer (no events after); resolves when their reflectors have stopped. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    const stops: Promise<void>[] = [];
    for (const e of this.byId.values()) {
      clearTimeout(e.stopTimer);
      for (const r of e.reflectors()) stops.push(r.stop());
    }
    await Promise.all(stops);
    this.byId.clear();
    this.byContext.clear();
  }

  // --- inside ---------------------------------------------------------------------------

  private *of(context: string): Iterable<Informer> {
    for (const scopes of this.byContext.get(context)?.values() ?? []) yield* scopes.values();
  }

  private async stopInformer(id: string): Promise<void> {
    const e = this.byId.get(id);
    if (!e || e.refs > 0) return;
    this.byId.delete(id);
    const scopes = this.byContext.get(e.host.name)?.get(e.rk);
    scopes?.delete(e.scope);
    if (scopes?.size === 0) this.byContext.get(e.host.name)?.delete(e.rk);
    const fb = e.fallback;
    await Promise.all(e.reflectors().map((r) => r.stop()));
    const gone = e.fallback ? [] : [...e.main.handOver().values()];
    if (e.fallback) for (const cache of e.fallback.caches()) gone.push(...cache.values());
    for (const o of gone) this.removed(e, o);
    if (fb?.nsId) this.release(fb.nsId);
    this.events.resourceChanged(e.host.name, e.rk);
    this.events.statusChanged(e.host.name, e.id);
  }

  /** Reports an object that left `from`'s caches, naming the copy another scope of the resource still holds. */
  private removed(from: Informer, o: KubeObject): void {
    let still: { resource: string; object: KubeObject } | undefined;
    if (o.metadata.uid) {
      const k = objectKey(o);
      search: for (const other of this.of(from.host.name)) {
        if (other === from || other.rk !== from.rk) continue;
        for (const cache of other.caches()) {
          const hit = cache.get(k);
          if (hit) {
            still = { resource: other.rk, object: hit };
            break search;
          }
        }
      }
    }
    this.events.removed(from.host.name, from.rk, o, still);
  }

  /** A reflector feeding `e` (its main one, or one namespace of its fallback), its cache seeded. */
  private newReflector(e: Informer, namespace: string | undefined, seed: Map<string, KubeObject>): Reflector {
    const context = e.host.name;
    const isNs = e.rk === NS_KEY && e.scope === '';
    const r: Reflector = new Reflector(
      e.host.client,
      e.type,
      namespace,
      {
        upsert: (o) => {
          this.events.upserted(context, e.rk, o);
          if (isNs) this.namespacesChanged(context);
        },
        remove: (prev) => {
          this.removed(e, prev);
          if (isNs) this.namespacesChanged(context);
        },
        status: () => {
          if (this.byId.get(e.id) !== e) return;
          if (r === e.main && !e.fallback && r.phase === 'forbidden' && e.type.namespaced && e.scope === '') this.startFallback(e);
          if (isNs) this.namespacesChanged(context);
          this.events.statusChanged(context, e.id);
        },
      },
      this.opts.reflector,
      seed,
    );
    return r;
  }

  // --- namespace fallback -------------------------------------------------------------

  private startFallback(e: Informer): void {
    const nsType = e.host.resolve(NS_KEY);
    const listable = nsType?.verbs.includes('list') && nsType.verbs.includes('watch');
    const stale = e.main.handOver();
    e.fallback = new NamespaceFallback(stale, listable ? this.hold(e.host, nsType!, '') : undefined, {
      spawn: (ns, s) => this.newReflector(e, ns, s),
      dropped: (objects) => {
        for (const o of objects) this.removed(e, o);
        this.events.resourceChanged(e.host.name, e.rk);
      },
    });
    this.syncFallback(e);
  }

  /** The namespaces a fallback should cover, or undefined while that is not known yet. */
  private fallbackNamespaces(e: Informer, fb: NamespaceFallback): string[] | undefined {
    const own = [e.host.namespace() || 'default'];
    if (!fb.nsId) return own;
    const nsEntry = this.byId.get(fb.nsId);
    if (!nsEntry) return own;
    const r = nsEntry.main;
    // namespaces known from before a 403 or an outage stay the best answer
    if (r.cache.size === 0) return r.phase === 'forbidden' ? own : r.phase === 'synced' ? [] : undefined;
    return [...r.cache.values()].map((o) => o.metadata.name);
  }

  /** True when a fallback's namespaces come from a synced namespace list (not just the kubeconfig's one). */
  private namespacesListed(fb: NamespaceFallback): boolean {
    const nsEntry = fb.nsId ? this.byId.get(fb.nsId) : undefined;
    return nsEntry?.main.phase === 'synced';
  }

  private namespacesChanged(context: string): void {
    if (this.nsSyncQueued.has(context)) return;
    this.nsSyncQueued.add(context);
    queueMicrotask(() => {
      this.nsSyncQueued.delete(context);
      for (const e of this.of(context)) if (e.fallback) this.syncFallback(e);
    });
  }

  private syncFallback(e: Informer): void {
    const fb = e.fallback;
    if (!fb || this.closed) return;
    const want = this.fallbackNamespaces(e, fb);
    if (!want) return;
    fb.sync(want);
    this.events.statusChanged(e.host.name, e.id);
  }

  /** A fallback whose all-namespaces list works again goes back to one reflector. */
  private async retryAllNamespaces(e: Informer): Promise<void> {
    try {
      await e.host.client.getJson(collectionPath(e.type), { limit: 1 }, this.abort.signal);
    } catch (err) {
      if (classify(err) !== 'forbidden' || !e.fallback) return;
      e.fallback.retryForbidden();
      return;
    }
    const fb = e.fallback;
    if (!fb || this.byId.get(e.id) !== e || this.closed) return;
    e.fallback = undefined;
    const seed = await fb.dismantle();
    if (fb.nsId) this.release(fb.nsId);
    if (this.byId.get(e.id) !== e || this.closed) return;
    // the new list diffs against everything the namespace reflectors had
    e.main = this.newReflector(e, undefined, seed);
    e.main.start();
    this.events.statusChanged(e.host.name, e.id);
  }
}
