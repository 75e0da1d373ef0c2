// The multi-pod tail engine: the target is re-read from the fleet store on every change
// batch; each live pod's containers get a follow stream (up to a cap), a dropped stream
// resumes from its last line's timestamp (ResumePoint drops the overlap), a container that
// is still waiting to start is retried quietly, and a pod that goes gets a notice line.
// The engine keeps no lines itself: listeners (a LogBuffer, stdout) do.
import { setTimeout as delay } from 'node:timers/promises';
import type { FleetStore, Subscription } from '../fleet/types.js';
import { HEADERS_TIMEOUT_CODE } from '../kube/transport.js';
import type { KubeObject } from '../model/types.js';
import { ResumePoint, resumeFrom } from './resume.js';
import { containersOf, podsFor, watchesFor, watchKey } from './targets.js';
import type { ContainerRef, LogEntry, LogStreamOptions, LogTarget, OpenLog } from './types.js';

/** The HTTP status of a door error (src/kube/errors.ts KubeApiError: a numeric `code`). */
function apiStatus(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The network error code of a door error (KubeNetworkError: a string `code`, e.g. HEADERS_TIMEOUT_CODE). */
function networkCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Waits `ms`, or less when the signal aborts; never rejects. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

export interface TailOptions {
  /** only containers whose name matches */
  container?: RegExp;
  initContainers?: boolean;
  /** the last crashed instance of each container (one shot, no follow) */
  previous?: boolean;
  /** start window for pods that existed when the tail started (new pods: their whole log) */
  sinceSeconds?: number;
  tailLines?: number;
  /** concurrent streams; beyond it containers wait for a free slot (default 50) */
  maxStreams?: number;
  /** first reconnect delay, doubled per failure up to maxRetryMs (default 500 / 10000) */
  retryMs?: number;
  maxRetryMs?: number;
  /** retry interval for a container still waiting to start (default 2000) */
  waitingRetryMs?: number;
  now?: () => number;
}

export type StreamState = 'opening' | 'streaming' | 'waiting' | 'retrying' | 'done' | 'failed';

export interface StreamInfo {
  context: string;
  namespace: string;
  pod: string;
  container: string;
  state: StreamState;
  /** why it is waiting, retrying or failed, as the API said it */
  reason?: string;
  lines: number;
}

const sep = '\u0000';

/** The object without its undefined-valued keys: spread over defaults, it keeps them. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function nanoNow(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000000Z');
}

function isTerminal(pod: KubeObject | undefined): boolean {
  const phase = (pod?.status as Record<string, unknown> | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

class Stream {
  readonly abort = new AbortController();
  readonly resume = new ResumePoint();
  state: StreamState = 'opening';
  reason: string | undefined;
  lines = 0;
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly context: string,
    readonly ref: ContainerRef,
    readonly uid: string,
  ) {}

  info(): StreamInfo {
    return { context: this.context, ...this.ref, state: this.state, reason: this.reason, lines: this.lines };
  }
}

/** A live pod with no container the `-c` filter keeps (LogTail.unmatched). */
export interface UnmatchedPod {
  context: string;
  namespace: string;
  pod: string;
  /** the containers it has (init containers with --init-containers) */
  containers: string[];
}

export class LogTail {
  private readonly streamsByKey = new Map<string, Stream>();
  /** live pods by ctx/ns/name → uid */
  private readonly livePods = new Map<string, string>();
  private readonly subs = new Map<string, Subscription>();
  private readonly lineFns = new Set<(e: LogEntry) => void>();
  private readonly statusFns = new Set<() => void>();
  private cappedKeys: string[] = [];
  private unmatchedPods: UnmatchedPod[] = [];
  private offChange: (() => void) | undefined;
  private started = 0;
  private stopped = false;
  private readonly opts: Required<Pick<TailOptions, 'maxStreams' | 'retryMs' | 'maxRetryMs' | 'waitingRetryMs' | 'now'>> & TailOptions;

  constructor(
    private readonly store: FleetStore,
    private readonly openLog: OpenLog,
    private target: LogTarget,
    opts: TailOptions = {},
  ) {
    // an option given as undefined (an unset CLI flag) keeps the default
    this.opts = { maxStreams: 50, retryMs: 500, maxRetryMs: 10_000, waitingRetryMs: 2000, now: Date.now, ...definedOnly(opts) };
  }

  onLine(fn: (e: LogEntry) => void): () => void {
    this.lineFns.add(fn);
    return () => this.lineFns.delete(fn);
  }

  /** streams started, ended or changed state */
  onStatus(fn: () => void): () => void {
    this.statusFns.add(fn);
    return () => this.statusFns.delete(fn);
  }

  start(): void {
    this.started = this.opts.now();
    this.offChange = this.store.onChange(() => this.reconcile());
    this.reconcile();
  }

  /** Switches the target (e.g. the container filter changed): streams no longer wanted end. */
  retarget(target: LogTarget, container?: RegExp): void {
    this.target = target;
    this.opts.container = container;
    this.reconcile();
  }

  streams(): StreamInfo[] {
    return [...this.streamsByKey.values()].map((s) => s.info());
  }

  /** `context/namespace/pod/container` of the containers not streamed because of the cap */
  capped(): string[] {
    return this.cappedKeys.map((k) => k.split(sep).join('/'));
  }

  /** live pods the target currently resolves to */
  podCount(): number {
    return this.livePods.size;
  }

  /**
   * Live pods none of whose containers the container filter (`-c`) keeps, with the containers
   * they do have: `{ context, namespace, pod, containers }`. Empty without a filter.
   */
  unmatched(): readonly UnmatchedPod[] {
    return this.unmatchedPods;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.offChange?.();
    for (const s of this.subs.values()) s.close();
    this.subs.clear();
    const runs = [...this.streamsByKey.values()].map((s) => {
      s.abort.abort();
      return s.done;
    });
    this.streamsByKey.clear();
    await Promise.allSettled(runs);
  }

  private emit(e: LogEntry): void {
    for (const fn of this.lineFns) fn(e);
  }

  private changed(): void {
    for (const fn of this.statusFns) fn();
  }

  private activeCount(): number {
    let n = 0;
    for (const s of this.streamsByKey.values()) if (s.state !== 'done' && s.state !== 'failed') n++;
    return n;
  }

  /** Re-reads the target: watches, pods gone (notice), containers to start. */
  reconcile(): void {
    if (this.stopped) return;
    const specs = watchesFor(this.store, this.target);
    const wanted = new Set(specs.map(watchKey));
    for (const s of specs) if (!this.subs.has(watchKey(s))) this.subs.set(watchKey(s), this.store.watch(s));
    for (const [k, sub] of this.subs) {
      if (!wanted.has(k)) {
        sub.close();
        this.subs.delete(k);
      }
    }

    const desired = new Map<string, { context: string; pod: KubeObject; container: string }>();
    const pods = new Map<string, string>();
    const unmatched: UnmatchedPod[] = [];
    for (const { context, pod } of podsFor(this.store, this.target)) {
      const ns = pod.metadata.namespace ?? '';
      pods.set([context, ns, pod.metadata.name].join(sep), pod.metadata.uid ?? '');
      const kept = containersOf(pod, this.opts);
      for (const c of kept) desired.set([context, ns, pod.metadata.name, c.name].join(sep), { context, pod, container: c.name });
      if (kept.length === 0 && this.opts.container) unmatched.push({ context, namespace: ns, pod: pod.metadata.name, containers: containersOf(pod, { initContainers: this.opts.initContainers }).map((c) => c.name) });
    }
    let changed = false;
    const unmatchedKey = (list: readonly UnmatchedPod[]): string => list.map((u) => [u.context, u.namespace, u.pod].join(sep)).join('\n');
    if (unmatchedKey(unmatched) !== unmatchedKey(this.unmatchedPods)) changed = true;
    this.unmatchedPods = unmatched;
    for (const [k, uid] of this.livePods) {
      if (pods.get(k) === uid) continue;
      const [context, namespace, pod] = k.split(sep);
      this.emit({ context, namespace, pod, container: '', ts: nanoNow(this.opts.now()), text: `— pod ${pod} ended —`, notice: true });
      this.livePods.delete(k);
    }
    for (const [k, uid] of pods) this.livePods.set(k, uid);
    for (const [k, s] of this.streamsByKey) {
      const d = desired.get(k);
      if (d && (d.pod.metadata.uid ?? '') === s.uid) continue;
      s.abort.abort();
      this.streamsByKey.delete(k);
      changed = true;
    }
    const capped: string[] = [];
    for (const [k, d] of desired) {
      if (this.streamsByKey.has(k)) continue;
      if (this.activeCount() >= this.opts.maxStreams) {
        capped.push(k);
        continue;
      }
      this.startStream(k, d.context, d.pod, d.container);
      changed = true;
    }
    if (capped.join() !== this.cappedKeys.join()) changed = true;
    this.cappedKeys = capped;
    if (changed) this.changed();
  }

  private firstOptions(pod: KubeObject): LogStreamOptions {
    if (this.opts.previous) return { previous: true, tailLines: this.opts.tailLines };
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    // a pod born after the tail started is shown whole: all of it is new
    if (Number.isFinite(created) && created > this.started) return { follow: true };
    return { follow: true, sinceSeconds: this.opts.sinceSeconds, tailLines: this.opts.tailLines };
  }

  private startStream(key: string, context: string, pod: KubeObject, container: string): void {
    const ref: ContainerRef = { namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, container };
    const s = new Stream(context, ref, pod.metadata.uid ?? '');
    this.streamsByKey.set(key, s);
    s.done = this.run(s, this.firstOptions(pod));
  }

  private setState(s: Stream, state: StreamState, reason?: string): void {
    if (s.state === state && s.reason === reason) return;
    s.state = state;
    s.reason = reason;
    this.changed();
  }

  private async run(s: Stream, first: LogStreamOptions): Promise<void> {
    const signal = s.abort.signal;
    let opts = first;
    let delay = this.opts.retryMs;
    const since = new Date(this.opts.now() - 1000).toISOString();
    let connected = false;
    const next = (): LogStreamOptions => {
      if (s.resume.last) return { follow: true, sinceTime: resumeFrom(s.resume.last) };
      // nothing was ever served: the first request again loses nothing and repeats nothing
      if (!connected) return first;
      // served, but no line yet: from when the tail began, not the first tail/since again
      s.resume.floor(since);
      return { follow: true, sinceTime: resumeFrom(since) };
    };
    while (!signal.aborted) {
      let wait = delay;
      try {
        const lines = await this.openLog(s.context, s.ref, opts, signal);
        connected = true;
        this.setState(s, 'streaming');
        for await (const l of lines) {
          if (signal.aborted) break;
          if (!s.resume.accept(l.ts, l.text)) continue;
          s.lines++;
          delay = this.opts.retryMs;
          wait = delay;
          this.emit({ context: s.context, ...s.ref, ts: l.ts, text: l.text, ...(l.raw ? { raw: l.raw } : {}) });
        }
        if (signal.aborted) break;
        if (!opts.follow) {
          this.setState(s, 'done');
          break;
        }
        const pod = this.store.get(s.context, 'pods', s.ref.namespace, s.ref.pod);
        if (isTerminal(pod)) {
          this.setState(s, 'done', `pod ${String((pod?.status as Record<string, unknown>).phase)}`);
          break;
        }
        // the server closed a follow of a live container: resume at once-ish
        this.setState(s, 'retrying', 'stream closed');
        delay = Math.min(delay * 2, this.opts.maxRetryMs);
      } catch (e) {
        if (signal.aborted) break;
        const msg = (e as Error).message;
        if (networkCode(e) === HEADERS_TIMEOUT_CODE && opts.follow) {
          // an API server sends a quiet follow's headers only with its first line: ask again
          this.setState(s, 'streaming', 'quiet');
          opts = next();
          s.resume.reconnect();
          continue;
        }
        if (apiStatus(e) === 400 && /is waiting to start|ContainerCreating|PodInitializing/.test(msg)) {
          this.setState(s, 'waiting', msg);
          wait = this.opts.waitingRetryMs;
        } else if ([401, 403].includes(apiStatus(e) ?? 0) || (apiStatus(e) === 400 && opts.previous)) {
          this.setState(s, 'failed', msg);
          break;
        } else if (apiStatus(e) === 404) {
          // the pod is gone; the next store batch ends the stream
          this.setState(s, 'retrying', msg);
        } else {
          this.setState(s, 'retrying', msg);
        }
        delay = Math.min(delay * 2, this.opts.maxRetryMs);
      }
      await sleep(wait, signal);
      if (!opts.follow) continue;
      opts = next();
      s.resume.reconnect();
    }
  }
}
