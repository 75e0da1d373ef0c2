// The fleet store: the facade implementing FleetStore (types.ts) over its parts, each doing one
// thing, calls going one way — the facade calls the parts; the parts report through the
// events given at construction and never call the facade or each other:
//   contexts.ts    the contexts and their states (client, warm, discovery, LATENCY, health, CRD watch)
//   informers.ts   one list+watch cache per (context, resource, scope), owning its reflector's
//                  cache, held by subscriptions and stopped a grace period after the last leaves
//   ns-fallback.ts an informer's namespace-by-namespace fallback when the all-namespaces list is forbidden
//   indexers.ts    per context: objects by uid, by owner uid, by label and by Flux inventory entry
//   batcher.ts     changes coalesced into one ChangeBatch per frame
// Here: the subscriptions (which informers a WatchSpec holds in which context, attached once
// the context is discovered) and the wiring of the parts' events. A context that is dead,
// hanging or forbidden only ever affects its own entries.
import type { ResourceType } from '../model/types.js';
import type { ClientOptions, ContextClient } from '../kube/client.js';
import { contextNames, loadKubeconfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { objectKey, type ReflectorOptions } from '../kube/reflector.js';
import { resolveResource } from '../kube/resolve.js';
import { FrameBatcher } from './batcher.js';
import { Contexts } from './contexts.js';
import { ObjectIndex } from './indexers.js';
import type { DiscoveryCache } from '../kube/discovery-cache.js';
import { Informers, type InformerHost } from './informers.js';
import { StoreReads } from './reads.js';
import type {
  ApiRequest,
  ApiResponse,
  ChangeBatch,
  ContextStatus,
  FleetStore,
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
  /** aggregated discovery kept between runs (the CLI passes one under $XDG_CACHE_HOME/fleetdeck/discovery) */
  discoveryCache?: DiscoveryCache;
}

interface Sub {
  spec: WatchSpec;
  /** informer ids this subscription holds, per context */
  held: Map<string, string>;
}

export class Fleet extends StoreReads implements FleetStore {
  private readonly ctxs: Contexts;
  protected readonly informers: Informers;
  private readonly batcher: FrameBatcher;
  protected readonly indexes = new Map<string, ObjectIndex>();
  /** contexts whose reflector states are gathered at the next turn of the event loop */
  /** per context, the informers whose state changed this turn */
  private readonly statesDue = new Map<string, Set<string>>();
  private readonly hosts = new Map<string, InformerHost>();
  /** the subscriptions naming each context: a discovered context attaches its own, not every
   * subscription of the fleet (50 CRD-heavy contexts hold ~11k) */
  private readonly subs = new Map<string, Set<Sub>>();
  private closed = false;
  /** every context the kubeconfig defines, in its order */
  private readonly defined: string[];

  constructor(opts: FleetStoreOptions) {
    super();
    const merged = opts.merged ?? loadKubeconfig({ kubeconfig: opts.kubeconfig, env: opts.env });
    this.defined = contextNames(merged);
    this.batcher = new FrameBatcher({ frameMs: opts.frameMs });
    this.informers = new Informers({ graceMs: opts.graceMs ?? 30_000, reflector: opts.reflector }, {
      upserted: (context, rk, o) => {
        this.indexes.get(context)?.add(rk, o);
        this.batcher.markResource(context, rk, objectKey(o));
      },
      removed: (context, rk, o, still) => {
        this.indexes.get(context)?.remove(o, still);
        this.batcher.markResource(context, rk, objectKey(o));
      },
      resourceChanged: (context, rk) => this.batcher.markResource(context, rk),
      statusChanged: (context, id) => {
        // many reflectors change phase together (a CRD-heavy context starts ~200): the changed
        // informers' states are read once per turn of the event loop, and only theirs (reading
        // all of them per change made a context's start quadratic in its kinds)
        let due = this.statesDue.get(context);
        if (due) return void due.add(id);
        this.statesDue.set(context, (due = new Set([id])));
        setImmediate(() => {
          this.statesDue.delete(context);
          this.ctxs.updateReflectorStates(context, new Map([...due].map((i) => [i, this.informers.state(i)])));
          this.batcher.markContext(context);
        });
      },
    });
    this.ctxs = new Contexts(
      {
        names: opts.contexts,
        merged,
        healthIntervalMs: opts.healthIntervalMs ?? 15_000,
        latencyProbeMs: opts.latencyProbeMs ?? 1000,
        forbiddenRetryMs: opts.forbiddenRetryMs ?? 300_000,
        client: opts.client,
        reflector: opts.reflector,
        discoveryCache: opts.discoveryCache,
      },
      {
        changed: (name) => this.batcher.markContext(name),
        discovered: (name) => {
          // subscriptions made before discovery (or to kinds that just appeared) start now
          for (const s of this.subs.get(name) ?? []) this.attach(s, name);
        },
        recovered: (name) => this.informers.retryNow(name),
        retryForbidden: (name) => this.informers.retryForbidden(name),
      },
    );
    for (const name of opts.contexts) this.host(name);
    this.ctxs.start();
  }

  /** The index and informer host of a context Contexts holds. */
  private host(name: string): void {
    this.indexes.set(name, new ObjectIndex(name));
    const c = this.ctxs.get(name);
    if (!c?.client) return;
    const client: ContextClient = c.client;
    this.hosts.set(name, { name, client, resolve: (q) => this.ctxs.resolve(name, q), namespace: () => c.status.namespace });
  }

  kubeconfigContexts(): string[] {
    return [...this.defined];
  }

  /** Only the contexts selected at start are built and connected: one the UI asks for later
   * (`:ctx dev`) costs nothing until then. */
  addContext(name: string): boolean {
    if (!this.defined.includes(name)) return false;
    if (this.closed || this.ctxs.get(name)) return true;
    this.ctxs.add(name);
    this.host(name);
    this.batcher.markContext(name);
    return true;
  }

  // --- subscriptions --------------------------------------------------------------------

  watch(spec: WatchSpec): Subscription {
    const sub: Sub = { spec, held: new Map() };
    for (const ctx of spec.contexts) {
      let mine = this.subs.get(ctx);
      if (!mine) this.subs.set(ctx, (mine = new Set()));
      mine.add(sub);
      this.attach(sub, ctx);
    }
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        for (const ctx of spec.contexts) this.subs.get(ctx)?.delete(sub);
        for (const id of sub.held.values()) this.informers.release(id);
        sub.held.clear();
      },
    };
  }

  /** Gives the subscription its informer in this context, if the kind is served there. */
  private attach(sub: Sub, context: string): void {
    if (sub.held.has(context)) return;
    const c = this.ctxs.get(context);
    const host = this.hosts.get(context);
    if (!c?.discovered || !host) return;
    const type = resolveResource(c.types, sub.spec.resource);
    // a kind without the watch verb (componentstatuses) is listed again on a timer by its reflector
    if (!type || !type.verbs.includes('list')) return;
    const scope = type.namespaced ? (sub.spec.namespace ?? '') : '';
    sub.held.set(context, this.informers.hold(host, type, scope));
  }

  onChange(fn: (batch: ChangeBatch) => void): () => void {
    return this.batcher.onChange(fn);
  }

  // --- reads --------------------------------------------------------------------------

  contexts(): ContextStatus[] {
    return this.ctxs.statuses();
  }

  resources(context: string): ResourceType[] {
    return this.ctxs.get(context)?.types ?? [];
  }

  resolve(context: string, query: string): ResourceType | undefined {
    return this.ctxs.resolve(context, query);
  }

  settled(context?: string): Promise<void> {
    return this.ctxs.settled(context);
  }

  /**
   * `n` fresh /version round trips per context, one after another, into LATENCY's samples
   * (`fleetdeck status` calls it once its caches synced: the samples are taken after start).
   * Failures are left to the health loop; resolves when every context is done.
   */
  measureLatency(contexts: string[], n = 3): Promise<void> {
    return this.ctxs.measureLatency(contexts, n);
  }

  // --- requests -----------------------------------------------------------------------

  private client(context: string): ContextClient {
    const c = this.ctxs.get(context);
    if (!c) throw new Error(`unknown context "${context}"; this run covers: ${this.ctxs.names().join(', ')}`);
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
    return (await this.client(context).openStream(req)).body;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Closing aborts every watch: each abort makes errors (ours, undici's, the AbortSignal's)
    // that say only "stopped", and nobody reads their stacks. Capturing them was most of a
    // quit's CPU (50 contexts, ~11k watches: quit 1.1-1.2 s -> 0.6-0.7 s).
    withoutStacks.enter();
    try {
      const contexts = this.ctxs.stop();
      this.batcher.close();
      await Promise.all([contexts, this.informers.close()]);
      await this.ctxs.closeClients();
    } finally {
      withoutStacks.leave();
    }
  }
}

/** Error.stackTraceLimit is 0 while any store closes, and what it was once none does. */
const withoutStacks = {
  closing: 0,
  limit: Error.stackTraceLimit,
  enter(): void {
    if (this.closing++ === 0) {
      this.limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
    }
  },
  leave(): void {
    if (--this.closing === 0) Error.stackTraceLimit = this.limit;
  },
};

/** Creates the store and starts connecting every context in the background. */
export function createFleetStore(opts: FleetStoreOptions): Fleet {
  return new Fleet(opts);
}
