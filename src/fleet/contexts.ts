// The contexts of a run and their states: one ContextClient per selected context (and per one
// added later, src/fleet/store.ts addContext), warmed with one request, then discovered
// (retried with backoff until it works); LATENCY samples; a health loop; a CRD watch that
// rediscovers when kinds appear or change. A context's state is its own reachability lowered
// by what its reflectors report, which the owner pushes in (updateReflectorStates): this part
// never reads the informers. It reports through the events given at construction.
import { addSample, median } from '../model/latency.js';
import type { ReflectorPhase, ResourceType } from '../model/types.js';
import { typeOfKey } from '../model/types.js';
import { caFingerprint, ContextClient, type ClientOptions } from '../kube/client.js';
import { discover, printerColumns, withPrinterColumns, type DiscoveryStats } from '../kube/discovery.js';
import type { DiscoveryCache } from '../kube/discovery-cache.js';
import { classify } from '../kube/errors.js';
import { contextConfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { Backoff, Reflector, type ReflectorOptions } from '../kube/reflector.js';
import { resolveResource } from '../kube/resolve.js';
import { sleep } from '../kube/sleep.js';
import type { ContextState, ContextStatus } from './types.js';

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

export interface ContextsOptions {
  names: string[];
  merged: MergedKubeconfig;
  /** how often a ready context's /version is re-measured, ms */
  healthIntervalMs: number;
  /** once connected, the first latency probes follow each other this far apart, ms (2 probes) */
  latencyProbeMs: number;
  /** how often forbidden reflectors ask again while the context stays ready, ms */
  forbiddenRetryMs: number;
  client?: ClientOptions;
  /** options of the CRD watch's reflector */
  reflector?: ReflectorOptions;
  /** aggregated discovery documents kept between runs, revalidated by ETag (src/kube/discovery-cache.ts) */
  discoveryCache?: DiscoveryCache;
}

/** What a context tells its owner. Called synchronously from inside this part. */
export interface ContextEvents {
  /** its ContextStatus or resource types changed */
  changed(name: string): void;
  /** discovery finished (first time or again): what waited on the context's kinds can start */
  discovered(name: string): void;
  /** a health check answered after trouble: what waits to retry should try now */
  recovered(name: string): void;
  /** forbidden reflectors should ask again (on recovery, and every forbiddenRetryMs) */
  retryForbidden(name: string): void;
}

/** One reflector's (or fallback's) state, as the context's state reads it. */
export interface ReflectorSummary {
  resource: string;
  phase: ReflectorPhase;
  reason?: string;
  forbiddenNamespaces?: string[];
}

/** What a failed warm or health request says about the context. */
function stateFor(e: unknown): ContextState {
  const kind = classify(e);
  return kind === 'unauthorized' ? 'auth-error' : kind === 'unreachable' ? 'unreachable' : 'degraded';
}

/** One context: its client, status, kinds. Read by the owner; changed only by Contexts. */
export interface FleetContext {
  readonly name: string;
  /** absent when the kubeconfig entry is broken (status says why) */
  readonly client?: ContextClient;
  readonly status: ContextStatus;
  /** the kinds discovery found, with CRD printer columns */
  readonly types: ResourceType[];
  readonly discovered: boolean;
}

interface Entry extends FleetContext {
  client?: ContextClient;
  status: ContextStatus;
  types: ResourceType[];
  discovered: boolean;
  /** base state from warm/health checks; reflector trouble can lower it */
  baseState: ContextState;
  /** the last reflector states pushed by the owner, by informer id */
  reflectors: Map<string, ReflectorSummary>;
  /** first warm + discovery attempt done (success or failure) */
  settled: Promise<void>;
  crd?: Reflector;
  rediscoverTimer?: NodeJS.Timeout;
  healthTimer?: NodeJS.Timeout;
  probeTimer?: NodeJS.Timeout;
  /** recent /version round trips after start (ms), newest last; LATENCY is their median */
  latency: number[];
  /** epoch ms of the last time forbidden reflectors were asked again */
  forbiddenRetryAt: number;
  /** the kube-system uid read failed for a reason that may pass (network, 5xx, 401): the health loop asks again */
  identityRetry?: boolean;
}

export class Contexts {
  private readonly ctxs = new Map<string, Entry>();
  private closed = false;
  private readonly abort = new AbortController();

  private started = false;

  constructor(private readonly opts: ContextsOptions, private readonly events: ContextEvents) {
    for (const name of opts.names) this.ctxs.set(name, this.entry(name));
  }

  private entry(name: string): Entry {
    const entry: Entry = {
      name,
      status: { name, state: 'connecting' },
      baseState: 'connecting',
      types: [],
      discovered: false,
      settled: Promise.resolve(),
      reflectors: new Map(),
      latency: [],
      forbiddenRetryAt: Date.now(),
    };
    try {
      const cfg = contextConfig(this.opts.merged, name);
      entry.client = new ContextClient(cfg, this.opts.client);
      entry.status.namespace = cfg.namespace;
      entry.status.server = cfg.cluster.server;
      const ca = caFingerprint(cfg.cluster);
      if (ca) entry.status.caFingerprint = ca;
    } catch (e) {
      // a broken entry in the kubeconfig is this context's problem only
      entry.baseState = 'degraded';
      entry.status = { name, state: 'degraded', lastError: (e as Error).message };
    }
    return entry;
  }

  /** Starts connecting every usable context in the background (after the owner is wired to the events). */
  start(): void {
    this.started = true;
    for (const c of this.ctxs.values()) this.begin(c);
  }

  private begin(c: Entry): void {
    if (c.client) c.settled = new Promise((settle) => void this.connect(c, settle));
  }

  /**
   * Adds a kubeconfig context the run was not started with (the UI's `:ctx dev`), connecting
   * it at once if the others are. The name must be the kubeconfig's; one already here stays as it is.
   */
  add(name: string): void {
    if (this.ctxs.has(name) || this.closed) return;
    const c = this.entry(name);
    this.ctxs.set(name, c);
    if (this.started) this.begin(c);
  }

  get(name: string): FleetContext | undefined {
    return this.ctxs.get(name);
  }

  names(): string[] {
    return [...this.ctxs.keys()];
  }

  /** Copies of every context's status, in selection order (added ones last). */
  statuses(): ContextStatus[] {
    return [...this.ctxs.values()].map((c) => ({ ...c.status }));
  }

  /** The kind a user's query names in a context (src/kube/resolve.ts), once discovered. */
  resolve(name: string, query: string): ResourceType | undefined {
    const c = this.ctxs.get(name);
    return c ? resolveResource(c.types, query) : undefined;
  }

  /** Resolves once every context (with `name`: that one alone) has been warmed and discovered, or has failed trying once. */
  async settled(name?: string): Promise<void> {
    const entries = name === undefined ? [...this.ctxs.values()] : [this.ctxs.get(name)];
    await Promise.all(entries.map((c) => c?.settled));
  }

  /**
   * The owner's word on some of the context's reflectors, by informer id (undefined: it
   * stopped): the context's state and `forbidden` follow all it was told.
   */
  updateReflectorStates(name: string, states: ReadonlyMap<string, ReflectorSummary | undefined>): void {
    const c = this.ctxs.get(name);
    if (!c) return;
    for (const [id, st] of states) {
      if (st) c.reflectors.set(id, st);
      else c.reflectors.delete(id);
    }
    this.recompute(c);
  }

  /**
   * `n` fresh /version round trips per context, one after another, into LATENCY's samples
   * (`fleetdeck status` calls it once its caches synced: the samples are taken after start).
   * Failures are left to the health loop; resolves when every context is done.
   */
  async measureLatency(contexts: string[], n: number): Promise<void> {
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

  /** Stops every loop, request and the CRD watches; resolves when the watches have stopped. Clients stay open (closeClients). */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    const stops: Promise<void>[] = [];
    for (const c of this.ctxs.values()) {
      clearTimeout(c.healthTimer);
      clearTimeout(c.probeTimer);
      clearTimeout(c.rediscoverTimer);
      if (c.crd) stops.push(c.crd.stop());
    }
    await Promise.all(stops);
  }

  async closeClients(): Promise<void> {
    await Promise.all([...this.ctxs.values()].map((c) => c.client?.close()));
  }

  // --- connecting ---------------------------------------------------------------------

  /** Warm (one /version request), then discover; retried with backoff until it works.
   * `settle` is called after the first attempt, whatever its outcome. */
  private async connect(c: Entry, settle: () => void): Promise<void> {
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
  private async readIdentity(c: Entry): Promise<void> {
    try {
      const ns = await c.client!.getJson<{ metadata?: { uid?: unknown } }>('/api/v1/namespaces/kube-system', undefined, this.abort.signal);
      const uid = ns.metadata?.uid;
      c.identityRetry = false;
      if (typeof uid === 'string' && uid) {
        c.status.kubeSystemUid = uid;
        delete c.status.identityError;
      } else c.status.identityError = 'kube-system has no uid';
    } catch (e) {
      if (this.closed) return;
      const kind = classify(e);
      c.status.identityError = `kube-system: ${kind}: ${(e as Error).message}`;
      // a refusal stands until RBAC changes (asked again with the forbidden kinds); anything else may pass
      c.identityRetry = kind !== 'forbidden';
    }
    this.events.changed(c.name);
  }

  /** One /version round trip into the context's samples; LATENCY becomes their median (src/model/latency.ts). */
  private sample(c: Entry, ms: number): void {
    c.latency = addSample(c.latency, ms);
    c.status.latencyMs = median(c.latency);
    c.status.latencySamples = [...c.latency];
    this.events.changed(c.name);
  }

  /** `n` more samples, `latencyProbeMs` apart, soon after connecting (the health loop adds one per interval). */
  private probeLatency(c: Entry, n: number): void {
    if (n <= 0 || this.closed) return;
    c.probeTimer = setTimeout(() => {
      c.client!
        .warm(this.abort.signal)
        .then((w) => this.sample(c, w.latencyMs))
        .catch(() => undefined) // the health loop reports trouble
        .finally(() => this.probeLatency(c, n - 1));
    }, this.opts.latencyProbeMs);
    c.probeTimer.unref();
  }

  private scheduleHealth(c: Entry): void {
    clearTimeout(c.healthTimer);
    c.healthTimer = setTimeout(() => {
      c.client!
        .warm(this.abort.signal)
        .then((w) => {
          Object.assign(c.status, { serverVersion: w.serverVersion });
          this.sample(c, w.latencyMs);
          const recovered = c.baseState !== 'ready';
          if (recovered) this.events.recovered(c.name);
          this.setBase(c, 'ready', undefined);
          const retryForbidden = recovered || Date.now() - c.forbiddenRetryAt >= this.opts.forbiddenRetryMs;
          if (retryForbidden) {
            c.forbiddenRetryAt = Date.now();
            this.events.retryForbidden(c.name);
          }
          // an unread cluster identity leaves same-cluster matching to server + CA: read it again
          if (c.status.identityError !== undefined && (c.identityRetry || retryForbidden)) return this.readIdentity(c);
        })
        .catch((e: unknown) => {
          this.setBase(c, stateFor(e), (e as Error).message);
        })
        .finally(() => {
          if (!this.closed) this.scheduleHealth(c);
        });
    }, this.opts.healthIntervalMs);
    c.healthTimer.unref();
  }

  private async rediscover(c: Entry): Promise<void> {
    const t0 = performance.now();
    const stats: DiscoveryStats = { mode: 'aggregated', requests: 0, notModified: 0 };
    const types = await discover(c.client!, { signal: this.abort.signal, cache: this.opts.discoveryCache, server: c.client!.server, stats });
    c.status.discovery = { ...stats, ms: Math.round(performance.now() - t0) };
    c.types = c.crd ? withPrinterColumns(types, printerColumns(c.crd.cache.values())) : types;
    c.discovered = true;
    c.status.discovered = true;
    this.events.changed(c.name);
    // subscriptions made before discovery (or to kinds that just appeared) start now
    this.events.discovered(c.name);
  }

  /** CRDs are watched so new kinds and printer columns show up without a restart. */
  private startCrdWatch(c: Entry): void {
    const crdType = typeOfKey(c.types, CRD_KEY);
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
          this.events.changed(c.name);
        }
      },
    }, this.opts.reflector);
    c.crd.start();
  }

  private setBase(c: Entry, state: ContextState, error: string | undefined): void {
    c.baseState = state;
    if (error !== undefined) c.status.lastError = error;
    this.recompute(c);
  }

  /** Context state = its own reachability, lowered by what its reflectors report. */
  private recompute(c: Entry): void {
    let state = c.baseState;
    const forbidden: string[] = [];
    let err: string | undefined;
    let syncing = 0;
    for (const st of c.reflectors.values()) {
      const p = st.phase;
      if (p === 'syncing') syncing++;
      if (p === 'forbidden') forbidden.push(st.resource);
      for (const ns of st.forbiddenNamespaces ?? []) forbidden.push(`${st.resource} in ${ns}`);
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
    // not a change of its own: the reflector states that move it mark the context already
    s.syncing = syncing;
    if (err !== undefined) s.lastError = err;
    if (f) s.forbidden = f;
    else delete s.forbidden;
    if (changed) this.events.changed(c.name);
  }
}
