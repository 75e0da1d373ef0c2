// metrics.k8s.io per context, for the CPU/MEM columns and the pulses view. The API has no
// watch (metrics-server keeps one sample per object), so this is the one place that polls:
// every `intervalMs` (default 15 s, metrics-server's own resolution) and only while some view
// holds a lease on the context. A context that does not serve the group is asked again at
// most every 5 minutes (someone may install metrics-server). Errors other than "not served"
// keep the last good sample (reported beside it) while it is younger than STALE_READS
// intervals; an older one is unknown (`?`), never shown as current.
import { readNodeMetrics, readPodMetrics, streamPodMetrics, type PodUsage } from '../kube/metrics.js';
import { podKey, type MetricsSnapshot, type PodSample, type Usage } from '../model/metrics.js';
import type { ApiRequest, ApiResponse } from './types.js';

/** how many intervals a sample outlives failed reads: one missed read is a blip, two a context that cannot be asked */
const STALE_READS = 2;

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

interface Sample extends PodSample {
  /** the read that last saw the pod (0: this one, which has not finished) */
  read: number;
}

interface Entry {
  snap: MetricsSnapshot;
  /**
   * The pods' samples, kept from read to read and updated in place: the snapshot's map. A
   * sample made anew per pod each read lived 15 s, long enough to reach the old generation,
   * and 10k of them a read kept full collections busy while the app idled (issue 22).
   */
  pods: Map<string, Sample>;
  reads: number;
  error?: string;
  leases: number;
  checkedAt: number;
  inflight?: Promise<void>;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
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
      e = { snap: { state: 'pending' }, pods: new Map(), reads: 0, leases: 0, checkedAt: 0 };
      entries.set(context, e);
    }
    return e;
  };

  async function read(context: string, e: Entry): Promise<void> {
    const request = (req: { path: string; signal?: AbortSignal }) => source.request(context, { method: 'GET', path: req.path });
    // what this read says, applied once it is whole (a failed read changes nothing): the
    // sample of each pod it names (a new one for a pod not seen before) with its numbers
    const samples: Sample[] = [];
    const cpu: number[] = [];
    const memory: number[] = [];
    const relabel: [Sample, Record<string, string>][] = [];
    const take = (p: PodUsage): void => {
      let c = 0;
      let m = 0;
      for (const u of p.containers) {
        c += u.cpu;
        m += u.memory;
      }
      const old = e.pods.get(podKey(p.namespace, p.name));
      if (old && !sameLabels(old.labels, p.labels)) relabel.push([old, p.labels]);
      samples.push(old ?? { cpu: c, memory: m, namespace: p.namespace, name: p.name, labels: p.labels, read: 0 });
      cpu.push(c);
      memory.push(m);
    };
    try {
      const stream = source.stream && ((req: { path: string; signal?: AbortSignal }) => source.stream!(context, { method: 'GET', path: req.path, signal: req.signal }));
      const readPods = async (): Promise<{ served: true } | { served: false; reason: string }> => {
        if (stream) return streamPodMetrics(stream, take);
        const r = await readPodMetrics(request);
        if (r.served) r.items.forEach(take);
        return r;
      };
      const [pods, nodes] = await Promise.all([readPods(), readNodeMetrics(request)]);
      e.checkedAt = now();
      e.error = undefined;
      if (!pods.served) {
        e.snap = { state: 'unserved', reason: pods.reason };
        e.pods.clear();
      } else {
        const n = ++e.reads;
        for (let i = 0; i < samples.length; i++) {
          const s = samples[i];
          if (s.read === 0) e.pods.set(podKey(s.namespace, s.name), s);
          s.cpu = cpu[i];
          s.memory = memory[i];
          s.read = n;
        }
        for (const [s, labels] of relabel) s.labels = labels;
        // pods this read did not name are gone
        for (const [k, s] of e.pods) if (s.read !== n) e.pods.delete(k);
        const nodeMap = new Map<string, Usage>();
        // node metrics may be forbidden while pod metrics are not: pods still show
        if (nodes.served) for (const x of nodes.items) nodeMap.set(x.name, { cpu: x.cpu, memory: x.memory });
        e.snap = { state: 'served', at: e.checkedAt, pods: e.pods, nodes: nodeMap };
      }
    } catch (err) {
      e.checkedAt = now();
      e.error = (err as Error).message;
      // a first read that failed is not "not served" (n/a) but unknown (?): the context could not
      // be asked. A later one keeps the last sample through one missed read (a blip), not
      // longer: an unreachable context's pods showed their last CPU/MEM as current for minutes
      if (e.snap.state === 'pending' || (e.snap.state === 'served' && e.checkedAt - e.snap.at >= STALE_READS * intervalMs)) {
        e.snap = { state: 'unknown', reason: `metrics: ${e.error}` };
        e.pods.clear();
      }
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
