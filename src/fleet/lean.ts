// The lean store: the FleetStore contract for a one-shot command that watches a few kinds
// (`fleetdeck logs`), doing no more than it asks — stern's work: no warm-up, no LATENCY probes,
// no health loop, no kube-system read, no CRD watch, and discovery only when the command needs
// the served kinds (KIND/NAME). Until then a context knows the two kinds every API server
// serves and the pod tail needs: pods, and namespaces for the informers' namespace-by-namespace
// fallback. The same parts as the fleet store (store.ts): informers, indexes, the batcher.
import { join } from 'node:path';
import type { ResourceType } from '../model/types.js';
import { ContextClient, type ClientOptions } from '../kube/client.js';
import { discover } from '../kube/discovery.js';
import { diskDiscoveryCache, type DiscoveryCache } from '../kube/discovery-cache.js';
import { contextConfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { objectKey } from '../kube/reflector.js';
import { resolveResource } from '../kube/resolve.js';
import { cacheDir } from '../platform/xdg.js';
import { FrameBatcher } from './batcher.js';
import { ObjectIndex } from './indexers.js';
import { Informers, type InformerHost } from './informers.js';
import { StoreReads } from './reads.js';
import type { FleetSelection } from './selection.js';
import type { ApiRequest, ApiResponse, ChangeBatch, ContextStatus, FleetStore, Subscription, WatchSpec } from './types.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** What every API server serves under /api/v1, as its discovery describes it. */
export const CORE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', namespaced: true, verbs: VERBS, shortNames: ['po'], categories: ['all'] },
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singular: 'namespace', namespaced: false, verbs: VERBS.filter((v) => v !== 'deletecollection'), shortNames: ['ns'], categories: [] },
];

export interface LeanStoreOptions {
  contexts: string[];
  merged: MergedKubeconfig;
  client?: ClientOptions;
  /** discover the served kinds of every context (settled() waits for it, settled(name) for that context's); default: pods and namespaces only */
  discover?: boolean;
  discoveryCache?: DiscoveryCache;
  /** minimum time between change batches (default 100 ms) */
  frameMs?: number;
}

interface LeanContext {
  status: ContextStatus;
  client?: ContextClient;
  types: readonly ResourceType[];
}

interface Sub {
  spec: WatchSpec;
  held: Map<string, string>;
}

export class LeanStore extends StoreReads implements FleetStore {
  private readonly ctxs = new Map<string, LeanContext>();
  private readonly hosts = new Map<string, InformerHost>();
  protected readonly indexes = new Map<string, ObjectIndex>();
  protected readonly informers: Informers;
  private readonly batcher: FrameBatcher;
  private readonly subs = new Set<Sub>();
  /** per context, its one discovery attempt (absent without discovery) */
  private readonly ready = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(opts: LeanStoreOptions) {
    super();
    this.batcher = new FrameBatcher({ frameMs: opts.frameMs });
    // nothing outlives the command: an informer stops when its last holder lets go
    this.informers = new Informers({ graceMs: 0 }, {
      upserted: (context, rk, o) => {
        this.indexes.get(context)?.add(rk, o);
        this.batcher.markResource(context, rk, objectKey(o));
      },
      removed: (context, rk, o, still) => {
        this.indexes.get(context)?.remove(o, still);
        this.batcher.markResource(context, rk, objectKey(o));
      },
      resourceChanged: (context, rk) => this.batcher.markResource(context, rk),
      // a reflector that synced (or failed) is told at once: the tail's streams open from it
      statusChanged: (context) => {
        this.batcher.markContext(context);
        this.batcher.flushSoon();
      },
    });
    for (const name of opts.contexts) {
      const c: LeanContext = { status: { name, state: 'connecting' }, types: CORE_TYPES };
      try {
        const cfg = contextConfig(opts.merged, name);
        // node's own HTTP/2 when the server is reached directly: undici is not loaded (client.ts)
        c.client = new ContextClient(cfg, opts.client);
        c.status.namespace = cfg.namespace;
        c.status.server = cfg.cluster.server;
        const client = c.client;
        this.hosts.set(name, { name, client, resolve: (q) => this.resolve(name, q), namespace: () => c.status.namespace });
      } catch (e) {
        // a broken entry in the kubeconfig is this context's problem only
        c.status = { name, state: 'degraded', lastError: (e as Error).message };
      }
      this.ctxs.set(name, c);
      this.indexes.set(name, new ObjectIndex(name));
    }
    if (opts.discover) for (const name of this.ctxs.keys()) this.ready.set(name, this.discover(name, opts.discoveryCache));
  }

  /** One discovery attempt: the context's kinds, or its error in the status (the caller asks /version why). */
  private async discover(name: string, cache: DiscoveryCache | undefined): Promise<void> {
    const c = this.ctxs.get(name)!;
    if (!c.client) return;
    try {
      c.types = await discover(c.client, { signal: this.abort.signal, cache, server: c.client.server });
      Object.assign(c.status, { state: 'ready', discovered: true });
      for (const s of this.subs) this.attach(s, name);
    } catch (e) {
      c.status.lastError = (e as Error).message;
    }
    this.batcher.markContext(name);
  }

  watch(spec: WatchSpec): Subscription {
    const sub: Sub = { spec, held: new Map() };
    this.subs.add(sub);
    for (const ctx of spec.contexts) this.attach(sub, ctx);
    return {
      close: () => {
        if (!this.subs.delete(sub)) return;
        for (const id of sub.held.values()) this.informers.release(id);
        sub.held.clear();
      },
    };
  }

  private attach(sub: Sub, context: string): void {
    if (this.closed || sub.held.has(context) || !sub.spec.contexts.includes(context)) return;
    const host = this.hosts.get(context);
    const type = this.resolve(context, sub.spec.resource);
    if (!host || !type || !type.verbs.includes('list') || !type.verbs.includes('watch')) return;
    sub.held.set(context, this.informers.hold(host, type, type.namespaced ? (sub.spec.namespace ?? '') : ''));
  }

  onChange(fn: (batch: ChangeBatch) => void): () => void {
    return this.batcher.onChange(fn);
  }

  contexts(): ContextStatus[] {
    return [...this.ctxs.values()].map((c) => ({ ...c.status }));
  }

  resources(context: string): ResourceType[] {
    return [...(this.ctxs.get(context)?.types ?? [])];
  }

  resolve(context: string, query: string): ResourceType | undefined {
    const c = this.ctxs.get(context);
    return c ? resolveResource(c.types, query) : undefined;
  }

  /** Without discovery at once; with it, once every context's discovery (with `context`: that
   * one's) was tried: a context that hangs holds up only its own answer. */
  async settled(context?: string): Promise<void> {
    await Promise.all(context === undefined ? this.ready.values() : [this.ready.get(context)]);
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
    return (await this.client(context).openStream(req)).body;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.batcher.close();
    await this.informers.close();
    await Promise.all([...this.ctxs.values()].map((c) => c.client?.close()));
  }
}

/** The lean store over a selection: `discover` when the command needs the served kinds (KIND/NAME). */
export function openLean(sel: FleetSelection, env: NodeJS.ProcessEnv, opts: { discover: boolean }): LeanStore {
  // the discovery documents kept between runs, as the fleet store keeps them (open.ts)
  const cache = opts.discover ? cacheDir(env) : undefined;
  const discoveryCache = cache ? diskDiscoveryCache(join(cache, 'discovery')) : undefined;
  return new LeanStore({ contexts: sel.contexts, merged: sel.merged, client: { env }, discover: opts.discover, discoveryCache });
}
