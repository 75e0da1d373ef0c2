// The controller runtime of one simulated cluster: a sim clock (real time × speed, plus
// jumps), work queues fed by store events, timers kept in one heap, and ONE ticker. Store
// listeners only queue keys; the work runs later (setImmediate or the tick), never inside
// the listener, so a controller's writes cannot recurse into another controller.
import type { ClusterStore, SimEvent } from '../store.js';
import type { PodLogStore } from '../podlogs.js';

export interface Controller {
  name: string;
  /** resource keys whose events this controller hears */
  watches: string[];
  /** the queue items ("ns/name") an event concerns */
  map(ev: SimEvent): string[];
  reconcile(item: string): void;
  /** periodic work on each tick (interval-driven controllers) */
  tick?(now: number): void;
}

export interface RuntimeOptions {
  /** sim seconds per real second */
  speed?: number;
  /** real ms between ticks */
  tickMs?: number;
  /** time moves only through advance() (tests) */
  manualClock?: boolean;
  /** the sim time at start, epoch ms (default: now); see SimClock */
  startAt?: number;
}

interface Timer {
  at: number;
  ctrl: string;
  item: string;
}

export class SimClock {
  private readonly t0 = Date.now();
  private offset: number;
  /** `startAt`: the sim time at construction (epoch ms; default now) — a scenario that builds
   * its history with advance() starts that far in the past, so it ends at the real now */
  constructor(
    readonly speed = 1,
    readonly manual = false,
    startAt = Date.now(),
  ) {
    this.offset = startAt - this.t0;
  }
  now(): number {
    return this.manual ? this.t0 + this.offset : this.t0 + (Date.now() - this.t0) * this.speed + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export class Runtime {
  readonly clock: SimClock;
  private readonly controllers = new Map<string, Controller>();
  private readonly byKey = new Map<string, Controller[]>();
  private readonly queues = new Map<string, Set<string>>();
  private readonly timers: Timer[] = [];
  private unsubscribe?: () => void;
  private ticker?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private running = false;
  private readonly tickMs: number;

  constructor(
    readonly store: ClusterStore,
    readonly logs: PodLogStore,
    opts: RuntimeOptions = {},
  ) {
    this.clock = new SimClock(opts.speed ?? 1, opts.manualClock ?? false, opts.startAt);
    this.tickMs = opts.tickMs ?? 500;
    // listening starts at once so objects created before start() are seen
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
  }

  now(): number {
    return this.clock.now();
  }

  register(c: Controller): void {
    this.controllers.set(c.name, c);
    this.queues.set(c.name, new Set());
    for (const k of c.watches) {
      const list = this.byKey.get(k) ?? [];
      list.push(c);
      this.byKey.set(k, list);
    }
  }

  enqueue(ctrl: string, item: string): void {
    this.queues.get(ctrl)?.add(item);
    this.schedule();
  }

  /** Queues `item` for `ctrl` once `ms` of sim time have passed. */
  after(ms: number, ctrl: string, item: string): void {
    heapPush(this.timers, { at: this.now() + Math.max(0, ms), ctrl, item });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.ticker.unref();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.ticker) clearInterval(this.ticker);
    if (this.immediate) clearImmediate(this.immediate);
    this.ticker = undefined;
    this.immediate = undefined;
  }

  dispose(): void {
    this.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** One tick: due timers, periodic controller work, followed logs, then the queues. */
  tick(): void {
    const now = this.now();
    while (this.timers.length > 0 && this.timers[0].at <= now) {
      const t = heapPop(this.timers)!;
      this.queues.get(t.ctrl)?.add(t.item);
    }
    for (const c of this.controllers.values()) c.tick?.(now);
    this.logs.tick(now);
    this.drain();
  }

  /** Moves sim time forward in steps, running everything that falls due (tests, scenario settling). */
  advance(ms: number, stepMs = 1000): void {
    let left = ms;
    this.drain();
    while (left > 0) {
      const step = Math.min(stepMs, left);
      this.clock.advance(step);
      left -= step;
      this.tick();
    }
  }

  /** Processes queued work until none is left (bounded, so a controller loop cannot hang). */
  drain(maxRounds = 200): void {
    for (let round = 0; round < maxRounds; round++) {
      let any = false;
      for (const [name, q] of this.queues) {
        if (q.size === 0) continue;
        any = true;
        const items = [...q];
        q.clear();
        const c = this.controllers.get(name)!;
        for (const item of items) c.reconcile(item);
      }
      if (!any) return;
    }
  }

  private onEvent(ev: SimEvent): void {
    const cs = this.byKey.get(ev.key);
    if (!cs) return;
    for (const c of cs) {
      const q = this.queues.get(c.name)!;
      for (const item of c.map(ev)) q.add(item);
    }
    this.schedule();
  }

  private schedule(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.drain();
    });
  }
}

// a binary min-heap on `at`
function heapPush(h: Timer[], t: Timer): void {
  h.push(t);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p].at <= h[i].at) break;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function heapPop(h: Timer[]): Timer | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].at < h[m].at) m = l;
      if (r < h.length && h[r].at < h[m].at) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
  return top;
}
