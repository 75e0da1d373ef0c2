// The time series behind the pulses view (`:pulses`): per context, samples of events per
// second, the problem count, container restarts and CPU/memory used against capacity, kept in
// fixed-size ring buffers. Pure: the caller (src/ui/views/pulses.ts) passes the sample time
// and the numbers it read from the store's batches and the metrics poller; nothing here reads
// a clock or the cluster. An unknown value is kept as `undefined` (never as 0: unknown is not
// fine) and the charts leave it out.
import { arr, num } from './access.js';
import { nodeAllocatable } from './metrics.js';
import type { KubeObject } from './types.js';

/** A fixed-capacity ring of samples, oldest first when read. */
export class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  push(v: T): void {
    if (this.items.length < this.capacity) this.items.push(v);
    else {
      this.items[this.start] = v;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  get length(): number {
    return this.items.length;
  }

  /** the samples, oldest first; `last`: only the newest n */
  values(last = this.capacity): T[] {
    const all = [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
    return last >= all.length ? all : all.slice(all.length - Math.max(0, last));
  }

  latest(): T | undefined {
    return this.items.length ? this.items[(this.start + this.items.length - 1) % this.items.length] : undefined;
  }
}

/**
 * How many Event occurrences are new since `seen` (uid → count as last seen): a new Event
 * counts its `count` (series.count for events.k8s.io/v1-style series, else 1) when `seen` is
 * not a first look, an Event seen before counts the growth of its count. The first look
 * (`seen` undefined) is the baseline: 0 new. Returns the new `seen` map (Events gone are
 * dropped). Source of the counting rule: kubectl's Event COUNT column (core/v1 `count`,
 * events.k8s.io `series.count`).
 */
export function eventOccurrences(seen: ReadonlyMap<string, number> | undefined, events: readonly KubeObject[]): { seen: Map<string, number>; fresh: number } {
  const next = new Map<string, number>();
  let fresh = 0;
  for (const e of events) {
    const id = e.metadata.uid ?? `${e.metadata.namespace ?? ''}/${e.metadata.name}`;
    const count = Math.max(1, num(e, 'count') ?? num(e, 'series', 'count') ?? 1);
    next.set(id, count);
    if (!seen) continue;
    const before = seen.get(id);
    fresh += before === undefined ? 1 : Math.max(0, count - before);
  }
  return { seen: next, fresh };
}

/** Container restarts of the pods, summed over regular, init and ephemeral containers (kubectl's RESTARTS). */
export function restartTotal(pods: readonly KubeObject[]): number {
  let total = 0;
  for (const p of pods) {
    for (const field of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
      for (const s of arr(p, 'status', field)) total += num(s, 'restartCount') ?? 0;
    }
  }
  return total;
}

/** Used against capacity; undefined when either side is unknown. Units as given (cores, bytes). */
export interface Load {
  used: number;
  capacity: number;
}

/**
 * The nodes' allocatable CPU and memory summed (capacity where allocatable is missing);
 * undefined per resource when there are no nodes or one of them does not say.
 */
export function fleetCapacity(nodes: readonly KubeObject[]): { cpu?: number; memory?: number } {
  if (!nodes.length) return {};
  let cpu: number | undefined = 0;
  let memory: number | undefined = 0;
  for (const n of nodes) {
    const a = nodeAllocatable(n);
    cpu = cpu === undefined || a.cpu === undefined ? undefined : cpu + a.cpu;
    memory = memory === undefined || a.memory === undefined ? undefined : memory + a.memory;
  }
  return { cpu, memory };
}

/** What one sample reads (all optional: unknown stays unknown). */
export interface PulseInput {
  /** epoch ms of the sample */
  at: number;
  /** Event occurrences since the previous sample (eventOccurrences().fresh); undefined before the events cache synced */
  events?: number;
  /** problems now (the Problems view's count, suspended left out) */
  problems?: number;
  /** container restarts now (restartTotal) */
  restarts?: number;
  cpu?: Load;
  memory?: Load;
  /** the metrics counted over kinds read only in part (RBAC: forbidden in some namespaces): lower bounds, shown `N+` */
  partial?: readonly PulseMetric[];
}

export type PulseMetric = 'events' | 'problems' | 'restarts' | 'cpu' | 'memory';

/** Units of each series, for labels: events per second, a count, new restarts per sample, percent of capacity. */
export const PULSE_UNITS: Record<PulseMetric, string> = { events: 'events/s', problems: 'problems', restarts: 'restarts', cpu: 'CPU %', memory: 'MEM %' };

/**
 * One context's pulse: a ring per metric. `events` is a rate (occurrences / seconds since the
 * previous sample), `restarts` the restarts new since the previous sample (a pod that went away
 * does not make it negative), `cpu`/`memory` percent of capacity.
 */
export class ContextPulse {
  private readonly rings: Record<PulseMetric, Ring<number | undefined>>;
  private readonly times: Ring<number>;
  private lastAt?: number;
  private lastRestarts?: number;
  /** the restart total at the last sample, for the label */
  restarts?: number;
  cpu?: Load;
  memory?: Load;
  /** bumps on every sample (the view redraws its charts only when it moved) */
  version = 0;
  /** the metrics the last sample counted over kinds read only in part */
  private partialNow: ReadonlySet<PulseMetric> = new Set();

  constructor(readonly capacity = 150) {
    this.rings = { events: new Ring(capacity), problems: new Ring(capacity), restarts: new Ring(capacity), cpu: new Ring(capacity), memory: new Ring(capacity) };
    this.times = new Ring(capacity);
  }

  sample(input: PulseInput): void {
    const secs = this.lastAt === undefined ? undefined : (input.at - this.lastAt) / 1000;
    const rate = input.events === undefined || secs === undefined || secs <= 0 ? undefined : input.events / secs;
    const restarts = input.restarts === undefined || this.lastRestarts === undefined ? undefined : Math.max(0, input.restarts - this.lastRestarts);
    this.rings.events.push(rate);
    this.rings.problems.push(input.problems);
    this.rings.restarts.push(restarts);
    this.rings.cpu.push(percentOf(input.cpu));
    this.rings.memory.push(percentOf(input.memory));
    this.times.push(input.at);
    this.lastAt = input.at;
    if (input.restarts !== undefined) this.lastRestarts = input.restarts;
    this.restarts = input.restarts;
    this.cpu = input.cpu;
    this.memory = input.memory;
    this.partialNow = new Set(input.partial ?? []);
    this.version++;
  }

  /** True when the last sample counted this metric over kinds read only in part: its figure is a lower bound. */
  partial(metric: PulseMetric): boolean {
    return this.partialNow.has(metric);
  }

  /** The newest value of a metric as a label shows it: '?' when unknown, `N+` when counted over a kind read in part. */
  figure(metric: PulseMetric): string {
    const v = this.latest(metric);
    return `${pulseNumber(v)}${v !== undefined && this.partial(metric) ? '+' : ''}`;
  }

  /** The restart total at the last sample, as a label shows it ('?', `N`, `N+`). */
  restartsFigure(): string {
    return this.restarts === undefined ? '?' : `${this.restarts}${this.partial('restarts') ? '+' : ''}`;
  }

  /** a metric's samples, oldest first (undefined where unknown); `last`: the newest n */
  series(metric: PulseMetric, last?: number): (number | undefined)[] {
    return this.rings[metric].values(last);
  }

  /** sample times (epoch ms), oldest first, aligned with series() */
  at(last?: number): number[] {
    return this.times.values(last);
  }

  latest(metric: PulseMetric): number | undefined {
    return this.rings[metric].latest();
  }

  get samples(): number {
    return this.times.length;
  }
}

function percentOf(l: Load | undefined): number | undefined {
  return l && l.capacity > 0 ? (l.used / l.capacity) * 100 : undefined;
}

/**
 * The known tail of a series: from the first known sample on, unknown samples after it carried
 * as the previous known value (a chart cannot draw a gap). Empty when nothing is known.
 */
export function knownTail(values: readonly (number | undefined)[]): number[] {
  const first = values.findIndex((v) => v !== undefined);
  if (first < 0) return [];
  const out: number[] = [];
  let prev = values[first] as number;
  for (const v of values.slice(first)) {
    prev = v ?? prev;
    out.push(prev);
  }
  return out;
}

/**
 * Values as integers 0..levels of the largest (sparkline input: blessed-contrib's sparkline
 * indexes its ticks with integer arithmetic and breaks on fractions below 1). All zero → all 0.
 */
export function toLevels(values: readonly number[], levels = 100): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max <= 0 ? 0 : Math.round((Math.max(0, v) / max) * levels)));
}

/** A number for a label: at most one decimal below 10, whole above; '?' when unknown. */
export function pulseNumber(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '?';
  return v < 10 && !Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v));
}
