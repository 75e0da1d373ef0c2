// The fleet store: one ContextClient per selected context, warmed with one request, then
// discovered; reflectors started on the first subscriber of a (context, resource, namespace)
// and stopped a grace period after the last leaves; objects indexed by (context, resource,
// namespace, name), by uid and by owner uid; changes coalesced into one batch per frame.
// A context that is dead, hanging or forbidden only ever affects its own entries.
// A user bound only to some namespaces gets 403 for every all-namespaces list: such a
// reflector falls back to one reflector per namespace it may see (from the namespace list,
// else the kubeconfig namespace), merged behind the same reads; forbidden reflectors are
// tried again when the context recovers and every forbiddenRetryMs (RBAC changes).
import { collectionPath } from '../model/patches.js';
import { addSample, median } from '../model/latency.js';
import type { KubeObject, ResourceType } from '../model/types.js';
import { resourceKey } from '../model/types.js';
import { caFingerprint, ContextClient, type ClientOptions } from '../kube/client.js';
import { discover, printerColumns, withPrinterColumns } from '../kube/discovery.js';
import { classify } from '../kube/errors.js';
import { contextConfig, loadKubeconfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { Backoff, objectKey, Reflector, type ReflectorOptions } from '../kube/reflector.js';
import type { ReflectorPhase } from '../model/types.js';
import { resolveResource } from '../kube/resolve.js';
import { sleep } from '../kube/sleep.js';
import { FrameBatcher } from './batcher.js';
import { ObjectIndex } from './indexers.js';
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
  /** once connected, the first latency probes follow each other this far apart (default 1 s, 2 probes) */
  latencyProbeMs?: number;
  /** how often forbidden reflectors ask again while the context stays ready (default 5 min) */
  forbiddenRetryMs?: number;
  client?: ClientOptions;
  reflector?: ReflectorOptions;
}

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';
const sep = '\u0000';

const NS_KEY = 'namespaces';

/** An all-namespaces reflector that got 403, served by one reflector per namespace. */
interface Fallback {
  parts: Map<string, Reflector>;
  /** id of the namespaces reflector this fallback holds, when the user may list namespaces */
  nsId?: string;
  /** what the forbidden all-namespaces reflector held, until a namespace's reflector takes it over */
  stale: Map<string, KubeObject>;
}

interface ReflectorEntry {
  context: string;
  rk: string;
  type: ResourceType;
  scope: string; // namespace or '' for all
  reflector: Reflector;
  refs: number;
  stopTimer?: NodeJS.Timeout;
  fallback?: Fallback;
}

interface EntryState {
  phase: ReflectorPhase;
  reason?: string;
  nextAttemptAt?: number;
  forbiddenNamespaces?: string[];
}

/** Worst first: the phase a set of reflectors shows as one. */
const phaseRank: Record<ReflectorPhase, number> = { unauthorized: 0, unreachable: 1, retrying: 2, syncing: 3, synced: 4, forbidden: 5, stopped: 6 };

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
  index: ObjectIndex;
  crd?: Reflector;
  rediscoverTimer?: NodeJS.Timeout;
  healthTimer?: NodeJS.Timeout;
  probeTimer?: NodeJS.Timeout;
  /** recent /version round trips after start (ms), newest last; LATENCY is their median */
  latency: number[];
  /** epoch ms of the last time forbidden reflectors were asked again */
  forbiddenRetryAt: number;
  nsSyncQueued?: boolean;
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

export class Fleet implements FleetStore {
  private readonly ctxs = new Map<string, ContextEntry>();
  private readonly reflectorsById = new Map<string, ReflectorEntry>();
  private readonly subs = new Set<Sub>();
  private readonly batcher: FrameBatcher;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly graceMs: number;
  private readonly healthMs: number;
  private readonly forbiddenRetryMs: number;

  constructor(private readonly opts: FleetStoreOptions) {
    this.graceMs = opts.graceMs ?? 30_000;
    this.forbiddenRetryMs = opts.forbiddenRetryMs ?? 300_000;
    this.batcher = new FrameBatcher({ frameMs: opts.frameMs });
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
        index: new ObjectIndex(name),
        latency: [],
        forbiddenRetryAt: Date.now(),
      };
      try {
        const cfg = contextConfig(merged, name);
        entry.client = new ContextClient(cfg, opts.client);
        entry.status.namespace = cfg.namespace;
        entry.status.server = cfg.cluster.server;
        const ca = caFingerprint(cfg.cluster);
        if (ca) entry.status.caFingerprint = ca;
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
        // the first request carries start-up work (TLS, exec plugins): its time is not LATENCY
        const w = await client.warm(this.abort.signal);
        Object.assign(c.status, { serverVersion: w.serverVersion });
        // the second, on the warm connection, is the first sample
        this.sample(c, (await client.warm(this.abort.signal)).latencyMs);
        await this.rediscover(c);
        await this.readIdentity(c);
        this.setBase(c, 'ready', undefined);
        this.startCrdWatch(c);
        this.probeLatency(c, 2);
        this.scheduleHealth(c);
        break;
      } catch (e) {
        if (this.closed) break;
        this.setBase(c, stateFor(e), (e as Error).message);
        settle();
        await sleep(backoff.next(), this.abort.signal);
      }
    }
    settle();
  }

  /**
   * The cluster's identity: the uid of its kube-system Namespace, one GET (the namespace list
   * is not watched by default, and a GET needs only `get` on that one namespace). Refused or
   * failed, `identityError` says why and contexts are matched on server + CA instead
   * (src/model/same-cluster.ts). Never fails the connection.
   */
  private async readIdentity(c: ContextEntry): Promise<void> {
    try {
      const ns = await c.client!.getJson<{ metadata?: { uid?: unknown } }>('/api/v1/namespaces/kube-system', undefined, this.abort.signal);
      const uid = ns.metadata?.uid;
      if (typeof uid === 'string' && uid) {
        c.status.kubeSystemUid = uid;
        delete c.status.identityError;
      } else c.status.identityError = 'kube-system has no uid';
    } catch (e) {
      if (this.closed) return;
      c.status.identityError = `kube-system: ${classify(e)}: ${(e as Error).message}`;
    }
    this.markContext(c.name);
  }

  /** One /version round trip into the context's samples; LATENCY becomes their median (src/model/latency.ts). */
  private sample(c: ContextEntry, ms: number): void {
    c.latency = addSample(c.latency, ms);
    c.status.latencyMs = median(c.latency);
    c.status.latencySamples = [...c.latency];
    this.markContext(c.name);
  }

  /**
   * `n` fresh /version round trips per context, one after another, into LATENCY's samples
   * (`fleetdeck status` calls it once its caches synced: the samples are taken after start).
   * Failures are left to the health loop; resolves when every context is done.
   */
  async measureLatency(contexts: string[], n = 3): Promise<void> {
    await Promise.all(contexts.map(async (name) => {
      const c = this.ctxs.get(name);
      if (!c?.client || !c.discovered) return;
      for (let i = 0; i < n && !this.closed; i++) {
        try {
          this.sample(c, (await c.client.warm(this.abort.signal)).latencyMs);
        } catch {
          return;
        }
      }
    }));
  }

  /** `n` more samples, `latencyProbeMs` apart, soon after connecting (the health loop adds one per interval). */
  private probeLatency(c: ContextEntry, n: number): void {
    if (n <= 0 || this.closed) return;
    c.probeTimer = setTimeout(() => {
      c.client!
        .warm(this.abort.signal)
        .then((w) => this.sample(c, w.latencyMs))
        .catch(() => undefined) // the health loop reports trouble
        .finally(() => this.probeLatency(c, n - 1));
    }, this.opts.latencyProbeMs ?? 1000);
    c.probeTimer.unref();
  }

  private scheduleHealth(c: ContextEntry): void {
    clearTimeout(c.healthTimer);
    c.healthTimer = setTimeout(() => {
      c.client!
        .warm(this.abort.signal)
        .then((w) => {
          Object.assign(c.status, { serverVersion: w.serverVersion });
          this.sample(c, w.latencyMs);
          const recovered = c.baseState !== 'ready';
          if (recovered) for (const r of this.reflectorsOf(c.name)) for (const x of this.partsOf(r)) x.retryNow();
          this.setBase(c, 'ready', undefined);
          if (recovered || Date.now() - c.forbiddenRetryAt >= this.forbiddenRetryMs) this.retryForbidden(c);
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
      const st = this.entryState(r);
      const p = st.phase;
      if (p === 'forbidden') forbidden.push(r.rk);
      for (const ns of st.forbiddenNamespaces ?? []) forbidden.push(`${r.rk} in ${ns}`);
      if (state !== 'ready') continue;
      if (p === 'unreachable') state = 'unreachable';
      else if (p === 'unauthorized') state = 'auth-error';
      else if (p === 'retrying') state = 'degraded';
      if (p === 'unreachable' || p === 'unauthorized' || p === 'retrying') err = st.reason;
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
    this.hold(c, type, rk, scope, id);
    sub.held.set(context, id);
  }

  private hold(c: ContextEntry, type: ResourceType, rk: string, scope: string, id: string): ReflectorEntry {
    let e = this.reflectorsById.get(id);
    if (!e) {
      e = this.startReflector(c, type, rk, scope, id);
      this.reflectorsById.set(id, e);
    }
    clearTimeout(e.stopTimer);
    e.stopTimer = undefined;
    e.refs++;
    return e;
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
    const fb = e.fallback;
    await Promise.all(this.partsOf(e).map((r) => r.stop()));
    const c = this.ctxs.get(e.context)!;
    for (const cache of this.cachesOf(e)) {
      for (const o of cache.values()) this.unindex(c, e, o);
      cache.clear();
    }
    if (fb?.nsId) this.release(fb.nsId);
    this.markResource(e.context, e.rk);
    this.recompute(c);
  }

  private startReflector(c: ContextEntry, type: ResourceType, rk: string, scope: string, id: string): ReflectorEntry {
    const entry: ReflectorEntry = { context: c.name, rk, type, scope, refs: 0, reflector: undefined as unknown as Reflector };
    entry.reflector = this.newReflector(c, entry, id, scope || undefined, new Map());
    entry.reflector.start();
    return entry;
  }

  /** A reflector feeding `entry` (its own, or one namespace of its fallback), its cache seeded. */
  private newReflector(c: ContextEntry, entry: ReflectorEntry, id: string, namespace: string | undefined, seed: Map<string, KubeObject>): Reflector {
    const isNs = entry.rk === NS_KEY && entry.scope === '';
    const r: Reflector = new Reflector(
      c.client!,
      entry.type,
      namespace,
      {
        upsert: (o, prev) => {
          c.index.add(entry.rk, o, prev);
          this.batcher.markResource(c.name, entry.rk);
          if (isNs) this.namespacesChanged(c);
        },
        remove: (prev) => {
          this.unindex(c, entry, prev);
          this.batcher.markResource(c.name, entry.rk);
          if (isNs) this.namespacesChanged(c);
        },
        status: () => {
          if (this.reflectorsById.get(id) !== entry) return;
          if (r === entry.reflector && !entry.fallback && r.phase === 'forbidden' && entry.type.namespaced && entry.scope === '') this.startFallback(c, entry);
          if (isNs) this.namespacesChanged(c);
          this.recompute(c);
          this.markContext(c.name);
        },
      },
      this.opts.reflector,
    );
    r.cache = seed;
    return r;
  }

  // --- namespace fallback -------------------------------------------------------------

  private partsOf(e: ReflectorEntry): Reflector[] {
    return e.fallback ? [e.reflector, ...e.fallback.parts.values()] : [e.reflector];
  }

  private cachesOf(e: ReflectorEntry): Map<string, KubeObject>[] {
    return e.fallback ? [e.fallback.stale, ...[...e.fallback.parts.values()].map((r) => r.cache)] : [e.reflector.cache];
  }

  private startFallback(c: ContextEntry, e: ReflectorEntry): void {
    const fb: Fallback = { parts: new Map(), stale: e.reflector.cache };
    e.reflector.cache = new Map();
    e.fallback = fb;
    const nsType = resolveResource(c.types, NS_KEY);
    if (nsType?.verbs.includes('list') && nsType.verbs.includes('watch')) {
      fb.nsId = [c.name, NS_KEY, ''].join(sep);
      this.hold(c, nsType, NS_KEY, '', fb.nsId);
    }
    this.syncFallback(c, e);
  }

  /** The namespaces a fallback should cover, or undefined while that is not known yet. */
  private fallbackNamespaces(c: ContextEntry, fb: Fallback): string[] | undefined {
    const own = [c.status.namespace || 'default'];
    if (!fb.nsId) return own;
    const nsEntry = this.reflectorsById.get(fb.nsId);
    if (!nsEntry) return own;
    const r = nsEntry.reflector;
    // namespaces known from before a 403 or an outage stay the best answer
    if (r.cache.size === 0) return r.phase === 'forbidden' ? own : r.phase === 'synced' ? [] : undefined;
    return [...r.cache.values()].map((o) => o.metadata.name);
  }

  /** True when a fallback's namespaces come from a synced namespace list (not just the kubeconfig's one). */
  private namespacesListed(fb: Fallback): boolean {
    const nsEntry = fb.nsId ? this.reflectorsById.get(fb.nsId) : undefined;
    return nsEntry?.reflector.phase === 'synced';
  }

  private namespacesChanged(c: ContextEntry): void {
    if (c.nsSyncQueued) return;
    c.nsSyncQueued = true;
    queueMicrotask(() => {
      c.nsSyncQueued = false;
      for (const e of this.reflectorsOf(c.name)) if (e.fallback) this.syncFallback(c, e);
    });
  }

  /** One reflector per visible namespace: new namespaces start one, gone ones stop theirs. */
  private syncFallback(c: ContextEntry, e: ReflectorEntry): void {
    const fb = e.fallback;
    if (!fb || this.closed) return;
    const want = this.fallbackNamespaces(c, fb);
    if (!want) return;
    const id = [c.name, e.rk, e.scope].join(sep);
    const wanted = new Set(want);
    for (const ns of wanted) {
      if (fb.parts.has(ns)) continue;
      const seed = new Map<string, KubeObject>();
      for (const [k, o] of fb.stale) {
        if (o.metadata.namespace !== ns) continue;
        seed.set(k, o);
        fb.stale.delete(k);
      }
      const r = this.newReflector(c, e, id, ns, seed);
      fb.parts.set(ns, r);
      r.start();
    }
    for (const [ns, r] of fb.parts) {
      if (wanted.has(ns)) continue;
      fb.parts.delete(ns);
      void r.stop().then(() => {
        for (const o of r.cache.values()) this.unindex(c, e, o);
        r.cache.clear();
        this.markResource(c.name, e.rk);
      });
    }
    // what the namespace list no longer has leaves with it
    for (const o of fb.stale.values()) this.unindex(c, e, o);
    if (fb.stale.size > 0) this.markResource(c.name, e.rk);
    fb.stale.clear();
    this.recompute(c);
    this.markContext(c.name);
  }

  /** Asks every forbidden reflector of the context again: RBAC or a 403 fault may be gone. */
  private retryForbidden(c: ContextEntry): void {
    c.forbiddenRetryAt = Date.now();
    for (const e of this.reflectorsOf(c.name)) {
      const id = [c.name, e.rk, e.scope].join(sep);
      if (e.fallback) {
        void this.retryAllNamespaces(c, e, id);
        continue;
      }
      if (e.reflector.phase !== 'forbidden') continue;
      e.reflector = this.newReflector(c, e, id, e.scope || undefined, e.reflector.cache);
      e.reflector.start();
    }
  }

  /** A fallback whose all-namespaces list works again goes back to one reflector. */
  private async retryAllNamespaces(c: ContextEntry, e: ReflectorEntry, id: string): Promise<void> {
    try {
      await c.client!.getJson(collectionPath(e.type), { limit: 1 }, this.abort.signal);
    } catch (err) {
      if (classify(err) !== 'forbidden' || !e.fallback) return;
      for (const [ns, r] of e.fallback.parts) {
        if (r.phase !== 'forbidden') continue;
        const next = this.newReflector(c, e, id, ns, r.cache);
        e.fallback.parts.set(ns, next);
        next.start();
      }
      return;
    }
    const fb = e.fallback;
    if (!fb || this.reflectorsById.get(id) !== e || this.closed) return;
    const parts = [...fb.parts.values()];
    e.fallback = undefined;
    await Promise.all(parts.map((r) => r.stop()));
    const seed = new Map(fb.stale);
    for (const r of parts) for (const [k, o] of r.cache) seed.set(k, o);
    if (fb.nsId) this.release(fb.nsId);
    if (this.reflectorsById.get(id) !== e || this.closed) return;
    // the new list diffs against everything the namespace reflectors had
    e.reflector = this.newReflector(c, e, id, undefined, seed);
    e.reflector.start();
    this.recompute(c);
  }

  /** Phase of an entry as views see it: a fallback reports its namespaces as one. */
  private entryState(e: ReflectorEntry): EntryState {
    const r = e.reflector;
    const fb = e.fallback;
    if (!fb) return { phase: r.phase, reason: r.reason, nextAttemptAt: r.nextAttemptAt };
    const forbiddenNamespaces: string[] = [];
    let worst: Reflector | undefined;
    for (const [ns, p] of fb.parts) {
      if (p.phase === 'forbidden') forbiddenNamespaces.push(ns);
      else if (!worst || phaseRank[p.phase] < phaseRank[worst.phase]) worst = p;
    }
    if (fb.parts.size === 0) return { phase: 'syncing', reason: `listing namespaces (${r.reason ?? 'forbidden at cluster scope'})` };
    // forbidden in every namespace: the kind is forbidden, say it as the API said it
    if (!worst) return { phase: 'forbidden', reason: r.reason };
    forbiddenNamespaces.sort();
    const phase = worst.phase;
    const reason = worst.reason ?? (forbiddenNamespaces.length > 0 ? `forbidden in namespace${forbiddenNamespaces.length > 1 ? 's' : ''} ${forbiddenNamespaces.join(', ')}` : undefined);
    const out: EntryState = { phase, reason, nextAttemptAt: worst.nextAttemptAt };
    if (forbiddenNamespaces.length > 0) out.forbiddenNamespaces = forbiddenNamespaces;
    return out;
  }

  /** Drops an object from the indexes unless another reflector (other scope) still holds it. */
  private unindex(c: ContextEntry, from: ReflectorEntry, o: KubeObject): void {
    if (!o.metadata.uid) return;
    const k = objectKey(o);
    for (const other of this.reflectorsOf(c.name)) {
      if (other === from || other.rk !== from.rk) continue;
      for (const cache of this.cachesOf(other)) {
        const still = cache.get(k);
        if (still) return c.index.remove(o, { resource: other.rk, object: still });
      }
    }
    c.index.remove(o);
  }

  // --- change batches -----------------------------------------------------------------

  private markResource(context: string, rk: string): void {
    this.batcher.markResource(context, rk);
  }

  private markContext(context: string): void {
    this.batcher.markContext(context);
  }

  onChange(fn: (batch: ChangeBatch) => void): () => void {
    return this.batcher.onChange(fn);
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
    const one = namespace && type.namespaced ? this.reflectorsById.get([context, rk, namespace].join(sep)) : undefined;
    // a namespace-by-namespace fallback that does not cover the namespace (a user who may not
    // list namespaces sees only the kubeconfig's) yields to a reflector of exactly that namespace
    if (all && one && all.fallback && !all.fallback.parts.has(namespace!)) return { e: one };
    if (all) return { e: all, filter: type.namespaced ? namespace : undefined };
    return one ? { e: one } : undefined;
  }

  list(context: string, resource: string, namespace?: string): KubeObject[] {
    const h = this.holders(context, resource, namespace);
    if (!h) return [];
    const fb = h.e.fallback;
    const out: KubeObject[] = [];
    if (fb && h.filter) {
      for (const cache of [fb.stale, fb.parts.get(h.filter)?.cache]) for (const o of cache?.values() ?? []) if (o.metadata.namespace === h.filter) out.push(o);
      return out;
    }
    for (const cache of this.cachesOf(h.e)) for (const o of cache.values()) if (!h.filter || o.metadata.namespace === h.filter) out.push(o);
    return out;
  }

  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const h = this.holders(context, resource, namespace);
    if (!h) return undefined;
    const k = `${namespace ?? ''}/${name}`;
    const fb = h.e.fallback;
    if (fb) return fb.parts.get(namespace ?? '')?.cache.get(k) ?? fb.stale.get(k);
    return h.e.reflector.cache.get(k);
  }

  byUid(context: string, uid: string): StoredRef | undefined {
    return this.ctxs.get(context)?.index.byUid(uid);
  }

  ownedBy(context: string, ownerUid: string): StoredRef[] {
    return this.ctxs.get(context)?.index.ownedBy(ownerUid) ?? [];
  }

  reflectors(): ReflectorStatus[] {
    return [...this.reflectorsById.values()].map((e) => {
      const st = this.entryState(e);
      const parts = this.partsOf(e);
      const objects = this.cachesOf(e).reduce((n, m) => n + m.size, 0);
      const lists = parts.reduce((n, r) => n + r.stats.lists, 0);
      const s: ReflectorStatus = { context: e.context, resource: e.rk, phase: st.phase, objects, lists };
      if (e.scope) s.namespace = e.scope;
      if (st.reason) s.reason = st.reason;
      if (st.nextAttemptAt) s.nextAttemptAt = st.nextAttemptAt;
      if (e.fallback) {
        s.namespaces = [...e.fallback.parts.keys()].sort();
        s.namespacesListed = this.namespacesListed(e.fallback);
      }
      if (st.forbiddenNamespaces) s.forbiddenNamespaces = st.forbiddenNamespaces;
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

  /** A WebSocket on one context (exec, port-forward); see ContextClient.openWebSocket. */
  openWebSocket(context: string, ...args: Parameters<ContextClient['openWebSocket']>): ReturnType<ContextClient['openWebSocket']> {
    return this.client(context).openWebSocket(...args);
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
    this.batcher.close();
    const stops: Promise<void>[] = [];
    for (const e of this.reflectorsById.values()) {
      clearTimeout(e.stopTimer);
      for (const r of this.partsOf(e)) stops.push(r.stop());
    }
    for (const c of this.ctxs.values()) {
      clearTimeout(c.healthTimer);
      clearTimeout(c.probeTimer);
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
