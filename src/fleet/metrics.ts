// metrics.k8s.io per context, for the CPU/MEM columns and the pulses view. The API has no
// watch (metrics-server keeps one sample per object), so this is the one place that polls:
// every `intervalMs` (default 15 s, metrics-server's own resolution) and only while some view
// holds a lease on the context. A context that does not serve the group is asked again at
// most every 5 minutes (someone may install metrics-server). Errors other than "not served"
// keep the last good sample and are reported beside it.
import { readNodeMetrics, readPodMetrics } from '../kube/metrics.js';
import { podKey, type MetricsSnapshot, type PodSample, type Usage } from '../model/metrics.js';
import type { ApiRequest, ApiResponse } from './types.js';

export interface MetricsSource {
  request(context: string, req: ApiRequest): Promise<ApiResponse>;
  /** a streaming GET (the fleet store's): pod metrics are then read item by item */
  stream?(context: string, req: ApiRequest): Promise<AsyncIterable<Uint8Array>>;
}

export interface MetricsPollerOptions {
  intervalMs?: number;
  /** how long an "unserved" answer is trusted before asking again */
  unservedRetryMs?: number;
  now?: () => number;
}

export interface MetricsPoller {
  /** the last snapshot of a context; 'pending' before the first answer */
  snapshot(context: string): MetricsSnapshot;
  /** the last error reading a context (kept with the last good snapshot) */
  error(context: string): string | undefined;
  /** polls these contexts while the lease is held; returns the release */
  lease(contexts: string[]): () => void;
  /** called after each read that changed a snapshot */
  onChange(fn: (context: string) => void): () => void;
  /** reads the leased contexts now (tests, a view opening) */
  refresh(): Promise<void>;
  close(): void;
}

interface Entry {
  snap: MetricsSnapshot;
  error?: string;
  leases: number;
  checkedAt: number;
  inflight?: Promise<void>;
}

export function createMetricsPoller(source: MetricsSource, opts: MetricsPollerOptions = {}): MetricsPoller {
  const intervalMs = opts.intervalMs ?? 15_000;
  const unservedRetryMs = opts.unservedRetryMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(context: string) => void>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const entry = (context: string): Entry => {
    let e = entries.get(context);
    if (!e) {
      e = { snap: { state: 'pending' }, leases: 0, checkedAt: 0 };
      entries.set(context, e);
    }
    return e;
  };

  async function read(context: string, e: Entry): Promise<void> {
    const request = (req: { path: string; signal?: AbortSignal }) => source.request(context, { method: 'GET', path: req.path });
    try {
      const stream = source.stream && ((req: { path: string; signal?: AbortSignal }) => source.stream!(context, { method: 'GET', path: req.path, signal: req.signal }));
      const [pods, nodes] = await Promise.all([readPodMetrics(request, undefined, undefined, stream), readNodeMetrics(request)]);
      e.checkedAt = now();
      e.error = undefined;
      if (!pods.served) e.snap = { state: 'unserved', reason: pods.reason };
      else {
        const podMap = new Map<string, PodSample>();
        for (const p of pods.items) {
          const sum = p.containers.reduce((a, c) => ({ cpu: a.cpu + c.cpu, memory: a.memory + c.memory }), { cpu: 0, memory: 0 });
          podMap.set(podKey(p.namespace, p.name), { ...sum, namespace: p.namespace, name: p.name, labels: p.labels });
        }
        const nodeMap = new Map<string, Usage>();
        // node metrics may be forbidden while pod metrics are not: pods still show
        if (nodes.served) for (const n of nodes.items) nodeMap.set(n.name, { cpu: n.cpu, memory: n.memory });
        e.snap = { state: 'served', at: e.checkedAt, pods: podMap, nodes: nodeMap };
      }
    } catch (err) {
      e.checkedAt = now();
      e.error = (err as Error).message;
      // a first read that failed is not "not served": say what happened
      if (e.snap.state === 'pending') e.snap = { state: 'unserved', reason: `metrics: ${e.error}` };
    }
    for (const fn of listeners) fn(context);
  }

  async function tick(): Promise<void> {
    const t = now();
    const due = [...entries].filter(([, e]) => e.leases > 0 && !e.inflight && (e.checkedAt === 0 || t - e.checkedAt >= (e.snap.state === 'unserved' && !e.error ? unservedRetryMs : intervalMs)));
    await Promise.all(
      due.map(([context, e]) => {
        e.inflight = read(context, e).finally(() => (e.inflight = undefined));
        return e.inflight;
      }),
    );
  }

  const schedule = () => {
    if (closed || timer) return;
    timer = setInterval(() => void tick(), Math.min(intervalMs, 1000));
    timer.unref?.();
  };

  return {
    snapshot: (context) => entries.get(context)?.snap ?? { state: 'pending' },
    error: (context) => entries.get(context)?.error,
    lease(contexts) {
      for (const c of contexts) entry(c).leases++;
      schedule();
      void tick();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        for (const c of contexts) entry(c).leases--;
      };
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async refresh() {
      await Promise.all([...entries].filter(([, e]) => e.leases > 0).map(([c, e]) => (e.inflight ??= read(c, e).finally(() => (e.inflight = undefined)))));
    },
    close() {
      closed = true;
      clearInterval(timer);
      listeners.clear();
    },
  };
}
