// The fleet store: one ContextClient per selected context, warmed with one request, then
// discovered; reflectors started on the first subscriber of a (context, resource, namespace)
// and stopped a grace period after the last leaves; objects indexed by (context, resource,
// namespace, name), by uid and by owner uid; changes coalesced into one batch per frame.
// A context that is dead, hanging or forbidden only ever affects its own entries.
import type { KubeObject, ResourceType } from '../model/types.js';
import { resourceKey } from '../model/types.js';
import { ContextClient, type ClientOptions } from '../kube/client.js';
import { discover, printerColumns, withPrinterColumns } from '../kube/discovery.js';
import { classify } from '../kube/errors.js';
import { contextConfig, loadKubeconfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { Backoff, objectKey, Reflector, type ReflectorOptions } from '../kube/reflector.js';
import { resolveResource } from '../kube/resolve.js';
import type {
  ApiRequest,
  ApiResponse,
  ChangeBatch,
  ContextState,
  ContextStatus,
  FleetStore,
  ReflectorStatus,
  StoredRef,
  Subscription,
  WatchSpec,
} from './types.js';

export interface FleetStoreOptions {
  /** selected context names (see selectContexts in src/kube/select.ts) */
  contexts: string[];
  /** --kubeconfig; ignored when `merged` is given */
  kubeconfig?: string;
  /** an already loaded kubeconfig (the CLI loads it once to select contexts) */
  merged?: MergedKubeconfig;
  env?: NodeJS.ProcessEnv;
  /** how long a reflector outlives its last subscriber (default 30 s) */
  graceMs?: number;
  /** minimum time between change batches (default 100 ms: at most 10 per second) */
  frameMs?: number;
  /** how often a ready context's /version is re-measured (default 15 s) */
  healthIntervalMs?: number;
  client?: ClientOptions;
  reflector?: ReflectorOptions;
}

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';
const sep = '\u0000';

interface ReflectorEntry {
  context: string;
  rk: string;
  scope: string; // namespace or '' for all
  reflector: Reflector;
  refs: number;
  stopTimer?: NodeJS.Timeout;
}

interface ContextEntry {
  name: string;
  client?: ContextClient;
  status: ContextStatus;
  /** base state from warm/health checks; reflector trouble can lower it */
  baseState: ContextState;
  types: ResourceType[];
  discovered: boolean;
  /** first warm + discovery attempt done (success or failure) */
  settled: Promise<void>;
  byUid: Map<string, StoredRef>;
  byOwner: Map<string, Set<string>>;
  crd?: Reflector;
  rediscoverTimer?: NodeJS.Timeout;
  healthTimer?: NodeJS.Timeout;
}

interface Sub {
  spec: WatchSpec;
  /** reflector ids this subscription holds, per context */
  held: Map<string, string>;
}

/** What a failed warm or health request says about the context. */
function stateFor(e: unknown): ContextState {
  const kind = classify(e);
  return kind === 'unauthorized' ? 'auth-error' : kind === 'unreachable' ? 'unreachable' : 'degraded';
}

const ownerUids = (o: KubeObject | undefined): string[] => o?.metadata.ownerReferences?.map((r) => r.uid) ?? [];

function sameOwners(a: KubeObject, b: KubeObject | undefined): boolean {
  const x = a.metadata.ownerReferences ?? [];
  const y = b?.metadata.ownerReferences ?? [];
  if (b === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i].uid !== y[i].uid) return false;
  return true;
}

export class Fleet implements FleetStore {
  private readonly ctxs = new Map<string, ContextEntry>();
  private readonly reflectorsById = new Map<string, ReflectorEntry>();
  private readonly subs = new Set<Sub>();
  private readonly listeners = new Set<(b: ChangeBatch) => void>();
  private pending: ChangeBatch = { resources: new Set(), contexts: new Set() };
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly graceMs: number;
  private readonly frameMs: number;
  private readonly healthMs: number;

  constructor(private readonly opts: FleetStoreOptions) {
    this.graceMs = opts.graceMs ?? 30_000;
    this.frameMs = opts.frameMs ?? 100;
    this.healthMs = opts.healthIntervalMs ?? 15_000;
    const merged = opts.merged ?? loadKubeconfig({ kubeconfig: opts.kubeconfig, env: opts.env });
    for (const name of opts.contexts) {
      const entry: ContextEntry = {
        name,
        status: { name, state: 'connecting' },
        baseState: 'connecting',
        types: [],
        discovered: false,
        settled: Promise.resolve(),
        byUid: new Map(),
        byOwner: new Map(),
      };
      try {
        const cfg = contextConfig(merged, name);
        entry.client = new ContextClient(cfg, opts.client);
        entry.status.namespace = cfg.namespace;
        entry.status.server = cfg.cluster.server;
        entry.settled = new Promise((settle) => void this.connect(entry, settle));
      } catch (e) {
        // a broken entry in the kubeconfig is this context's problem only
        entry.baseState = 'degraded';
        entry.status = { name, state: 'degraded', lastError: (e as Error).message };
      }
      this.ctxs.set(name, entry);
    }
  }

  // --- connecting ---------------------------------------------------------------------

  /** Warm (one /version request), then discover; retried with backoff until it works.
   * `settle` is called after the first attempt, whatever its outcome. */
  private async connect(c: ContextEntry, settle: () => void): Promise<void> {
    const client = c.client!;
    const backoff = new Backoff();
    while (!this.closed) {
      try {
        const w = await client.warm(this.abort.signal);
        Object.assign(c.status, { latencyMs: w.latencyMs, serverVersion: w.serverVersion });
        await this.rediscover(c);
        this.setBase(c, 'ready', undefined);
        this.startCrdWatch(c);
        this.scheduleHealth(c);
        break;
      } catch (e) {
        if (this.closed) break;
        this.setBase(c, stateFor(e), (e as Error).message);
        settle();
        await this.sleep(backoff.next());
      }
    }
    settle();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      const done = (): void => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private scheduleHealth(c: ContextEntry): void {
    clearTimeout(c.healthTimer);
    c.healthTimer = setTimeout(() => {
      c.client!
        .warm(this.abort.signal)
        .then((w) => {
          Object.assign(c.status, { latencyMs: w.latencyMs, serverVersion: w.serverVersion });
          if (c.baseState !== 'ready') for (const r of this.reflectorsOf(c.name)) r.reflector.retryNow();
          this.setBase(c, 'ready', undefined);
        })
        .catch((e: unknown) => {
          this.setBase(c, stateFor(e), (e as Error).message);
        })
        .finally(() => {
          if (!this.closed) this.scheduleHealth(c);
        });
    }, this.healthMs);
    c.healthTimer.unref();
  }

  private async rediscover(c: ContextEntry): Promise<void> {
    const types = await discover(c.client!, this.abort.signal);
    c.types = c.crd ? withPrinterColumns(types, printerColumns(c.crd.cache.values())) : types;
    c.discovered = true;
    c.status.discovered = true;
    this.markContext(c.name);
    // subscriptions made before discovery (or to kinds that just appeared) start now
    for (const s of this.subs) this.attach(s, c.name);
  }

  /** CRDs are watched so new kinds and printer columns show up without a restart. */
  private startCrdWatch(c: ContextEntry): void {
    const crdType = c.types.find((t) => resourceKey(t) === CRD_KEY);
    if (!crdType || !crdType.verbs.includes('watch') || c.crd) return;
    const onChange = (): void => {
      clearTimeout(c.rediscoverTimer);
      c.rediscoverTimer = setTimeout(() => {
        this.rediscover(c).catch((e: unknown) => this.setBase(c, 'degraded', `discovery: ${(e as Error).message}`));
      }, 300);
    };
    let synced = false;
    c.crd = new Reflector(c.client!, crdType, undefined, {
      upsert: () => synced && onChange(),
      remove: () => synced && onChange(),
      status: () => {
        // the first sync fills in printer columns; later changes rediscover
        if (!synced && c.crd?.phase === 'synced') {
          synced = true;
          c.types = withPrinterColumns(c.types, printerColumns(c.crd.cache.values()));
          this.markContext(c.name);
        }
      },
    }, this.opts.reflector);
    c.crd.start();
  }

  private setBase(c: ContextEntry, state: ContextState, error: string | undefined): void {
    c.baseState = state;
    if (error !== undefined) c.status.lastError = error;
    this.recompute(c);
  }

  /** Context state = its own reachability, lowered by what its reflectors report. */
  private recompute(c: ContextEntry): void {
    let state = c.baseState;
    const forbidden: string[] = [];
    let err: string | undefined;
    for (const r of this.reflectorsOf(c.name)) {
      const p = r.reflector.phase;
      if (p === 'forbidden') forbidden.push(r.rk);
      if (state !== 'ready') continue;
      if (p === 'unreachable') state = 'unreachable';
      else if (p === 'unauthorized') state = 'auth-error';
      else if (p === 'retrying') state = 'degraded';
      if (p === 'unreachable' || p === 'unauthorized' || p === 'retrying') err = r.reflector.reason;
    }
    const s = c.status;
    const f = forbidden.length > 0 ? forbidden.sort() : undefined;
    const changed = s.state !== state || (err !== undefined && s.lastError !== err) || String(s.forbidden) !== String(f);
    s.state = state;
    if (err !== undefined) s.lastError = err;
    if (f) s.forbidden = f;
    else delete s.forbidden;
    if (changed) this.markContext(c.name);
  }

  private *reflectorsOf(context: string): Iterable<ReflectorEntry> {
    for (const r of this.reflectorsById.values()) if (r.context === context) yield r;
  }

  // --- subscriptions and reflectors ----------------------------------------------------

  watch(spec: WatchSpec): Subscription {
    const sub: Sub = { spec, held: new Map() };
    this.subs.add(sub);
    for (const ctx of spec.contexts) this.attach(sub, ctx);
    return {
      close: () => {
        if (!this.subs.delete(sub)) return;
        for (const id of sub.held.values()) this.release(id);
        sub.held.clear();
      },
    };
  }

  /** Gives the subscription its reflector in this context, if the kind is served there. */
  private attach(sub: Sub, context: string): void {
    if (sub.held.has(context) || !sub.spec.contexts.includes(context)) return;
    const c = this.ctxs.get(context);
    if (!c?.discovered) return;
    const type = resolveResource(c.types, sub.spec.resource);
    if (!type || !type.verbs.includes('list') || !type.verbs.includes('watch')) return;
    const rk = resourceKey(type);
    const scope = type.namespaced ? (sub.spec.namespace ?? '') : '';
    const id = [context, rk, scope].join(sep);
    let e = this.reflectorsById.get(id);
    if (!e) {
      e = this.startReflector(c, type, rk, scope, id);
      this.reflectorsById.set(id, e);
    }
    clearTimeout(e.stopTimer);
    e.stopTimer = undefined;
    e.refs++;
    sub.held.set(context, id);
  }

  private release(id: string): void {
    const e = this.reflectorsById.get(id);
    if (!e || --e.refs > 0) return;
    e.stopTimer = setTimeout(() => void this.stopReflector(id), this.graceMs);
    e.stopTimer.unref();
  }

  private async stopReflector(id: string): Promise<void> {
    const e = this.reflectorsById.get(id);
    if (!e || e.refs > 0) return;
    this.reflectorsById.delete(id);
    await e.reflector.stop();
    const c = this.ctxs.get(e.context)!;
    for (const o of e.reflector.cache.values()) this.unindex(c, e, o);
    e.reflector.cache.clear();
    this.markResource(e.context, e.rk);
    this.recompute(c);
  }

  private startReflector(c: ContextEntry, type: ResourceType, rk: string, scope: string, id: string): ReflectorEntry {
    const resKey = c.name + sep + rk;
    const entry: ReflectorEntry = { context: c.name, rk, scope, refs: 0, reflector: undefined as unknown as Reflector };
    entry.reflector = new Reflector(
      c.client!,
      type,
      scope || undefined,
      {
        upsert: (o, prev) => {
          this.index(c, rk, o, prev);
          this.pending.resources.add(resKey);
          this.schedule();
        },
        remove: (prev) => {
          this.unindex(c, entry, prev);
          this.pending.resources.add(resKey);
          this.schedule();
        },
        status: () => {
          if (this.reflectorsById.get(id) === entry) this.recompute(c);
          this.markContext(c.name);
        },
      },
      this.opts.reflector,
    );
    entry.reflector.start();
    return entry;
  }

  private index(c: ContextEntry, rk: string, o: KubeObject, prev: KubeObject | undefined): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    // the hot path of every MODIFIED event: reuse the ref, skip owners that did not change
    const ref = c.byUid.get(uid);
    if (ref && ref.resource === rk) ref.object = o;
    else c.byUid.set(uid, { context: c.name, resource: rk, object: o });
    if (sameOwners(o, prev)) return;
    for (const ou of ownerUids(prev)) c.byOwner.get(ou)?.delete(uid);
    for (const ou of ownerUids(o)) {
      let set = c.byOwner.get(ou);
      if (!set) c.byOwner.set(ou, (set = new Set()));
      set.add(uid);
    }
  }

  /** Drops an object from the indexes unless another reflector (other scope) still holds it. */
  private unindex(c: ContextEntry, from: ReflectorEntry, o: KubeObject): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    const k = objectKey(o);
    for (const other of this.reflectorsOf(c.name)) {
      if (other === from || other.rk !== from.rk) continue;
      const still = other.reflector.cache.get(k);
      if (still) {
        c.byUid.set(uid, { context: c.name, resource: other.rk, object: still });
        return;
      }
    }
    c.byUid.delete(uid);
    for (const ou of ownerUids(o)) {
      const set = c.byOwner.get(ou);
      if (!set) continue;
      set.delete(uid);
      if (set.size === 0) c.byOwner.delete(ou);
    }
  }

  // --- change batches -----------------------------------------------------------------

  private markResource(context: string, rk: string): void {
    this.pending.resources.add(context + sep + rk);
    this.schedule();
  }

  private markContext(context: string): void {
    this.pending.contexts.add(context);
    this.schedule();
  }

  private schedule(): void {
    if (this.flushTimer || this.closed) return;
    const wait = Math.max(0, this.lastFlush + this.frameMs - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlush = Date.now();
    const batch = this.pending;
    this.pending = { resources: new Set(), contexts: new Set() };
    for (const fn of this.listeners) {
      try {
        fn(batch);
      } catch {
        // a failing view must not stop the others from hearing about changes
      }
    }
  }

  onChange(fn: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // --- reads --------------------------------------------------------------------------

  contexts(): ContextStatus[] {
    return [...this.ctxs.values()].map((c) => ({ ...c.status }));
  }

  resources(context: string): ResourceType[] {
    return this.ctxs.get(context)?.types ?? [];
  }

  resolve(context: string, query: string): ResourceType | undefined {
    const c = this.ctxs.get(context);
    return c ? resolveResource(c.types, query) : undefined;
  }

  /** The reflectors that can answer for (context, resource, namespace): all-namespace one first. */
  private holders(context: string, resource: string, namespace: string | undefined): { e: ReflectorEntry; filter?: string } | undefined {
    const type = this.resolve(context, resource);
    if (!type) return undefined;
    const rk = resourceKey(type);
    const all = this.reflectorsById.get([context, rk, ''].join(sep));
    if (all) return { e: all, filter: type.namespaced ? namespace : undefined };
    if (!namespace) return undefined;
    const one = this.reflectorsById.get([context, rk, namespace].join(sep));
    return one ? { e: one } : undefined;
  }

  list(context: string, resource: string, namespace?: string): KubeObject[] {
    const h = this.holders(context, resource, namespace);
    if (!h) return [];
    const out: KubeObject[] = [];
    for (const o of h.e.reflector.cache.values()) if (!h.filter || o.metadata.namespace === h.filter) out.push(o);
    return out;
  }

  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const h = this.holders(context, resource, namespace);
    return h?.e.reflector.cache.get(`${namespace ?? ''}/${name}`);
  }

  byUid(context: string, uid: string): StoredRef | undefined {
    return this.ctxs.get(context)?.byUid.get(uid);
  }

  ownedBy(context: string, ownerUid: string): StoredRef[] {
    const c = this.ctxs.get(context);
    const out: StoredRef[] = [];
    for (const uid of c?.byOwner.get(ownerUid) ?? []) {
      const ref = c!.byUid.get(uid);
      if (ref) out.push(ref);
    }
    return out;
  }

  reflectors(): ReflectorStatus[] {
    return [...this.reflectorsById.values()].map((e) => {
      const r = e.reflector;
      const s: ReflectorStatus = { context: e.context, resource: e.rk, phase: r.phase, objects: r.cache.size, lists: r.stats.lists };
      if (e.scope) s.namespace = e.scope;
      if (r.reason) s.reason = r.reason;
      if (r.nextAttemptAt) s.nextAttemptAt = r.nextAttemptAt;
      return s;
    });
  }

  async settled(): Promise<void> {
    await Promise.all([...this.ctxs.values()].map((c) => c.settled));
  }

  private client(context: string): ContextClient {
    const c = this.ctxs.get(context);
    if (!c) throw new Error(`unknown context "${context}"; this run covers: ${[...this.ctxs.keys()].join(', ')}`);
    if (!c.client) throw new Error(`context "${context}": ${c.status.lastError ?? 'not usable'}`);
    return c.client;
  }

  async request(context: string, req: ApiRequest): Promise<ApiResponse> {
    return this.client(context).request(req);
  }

  async stream(context: string, req: ApiRequest): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.client(context).open(req);
    if (!res.body) return (async function* () {})();
    return res.body;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    clearTimeout(this.flushTimer);
    const stops: Promise<void>[] = [];
    for (const e of this.reflectorsById.values()) {
      clearTimeout(e.stopTimer);
      stops.push(e.reflector.stop());
    }
    for (const c of this.ctxs.values()) {
      clearTimeout(c.healthTimer);
      clearTimeout(c.rediscoverTimer);
      if (c.crd) stops.push(c.crd.stop());
    }
    await Promise.all(stops);
    this.reflectorsById.clear();
    await Promise.all([...this.ctxs.values()].map((c) => c.client?.close()));
  }
}

/** Creates the store and starts connecting every context in the background. */
export function createFleetStore(opts: FleetStoreOptions): Fleet {
  return new Fleet(opts);
}
