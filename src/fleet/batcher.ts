// The frame batcher: marks of what changed (a (context, resource) whose objects changed, with
// the objects when they are named, a context whose status or reflector states changed)
// coalesced into one ChangeBatch delivered to every listener at most once per frame. Knows
// nothing of contexts or reflectors.
import type { ChangeBatch } from './types.js';

/** The key of a (context, resourceKey) in ChangeBatch.resources. */
export const resourceMark = (context: string, rk: string): string => `${context}\u0000${rk}`;

export interface FrameBatcherOptions {
  /** minimum time between two batches, ms (default 100: at most 10 per second) */
  frameMs?: number;
  /** epoch ms now (default Date.now) */
  now?: () => number;
}

/** Past this many objects changed in one (context, resource) within a frame, the batch says
 * "anything" instead: a listener re-lists, which is cheaper than that many lookups. */
export const MAX_OBJECTS_PER_MARK = 1024;

const emptyBatch = (): ChangeBatch => ({ resources: new Set(), contexts: new Set(), objects: new Map() });

export class FrameBatcher {
  private readonly listeners = new Set<(b: ChangeBatch) => void>();
  private pending: ChangeBatch = emptyBatch();
  /** marks whose objects are not all named this frame */
  private whole = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private closed = false;
  private readonly frameMs: number;
  private readonly now: () => number;

  constructor(opts: FrameBatcherOptions = {}) {
    this.frameMs = opts.frameMs ?? 100;
    this.now = opts.now ?? Date.now;
  }

  /** The objects of `rk` in `context` changed: the one of `objectKey` (`${namespace}/${name}`), or any when not given. */
  markResource(context: string, rk: string, objectKey?: string): void {
    const mark = resourceMark(context, rk);
    this.pending.resources.add(mark);
    if (!this.whole.has(mark)) {
      const objects = this.pending.objects!;
      let keys = objects.get(mark);
      if (objectKey === undefined || (keys && keys.size >= MAX_OBJECTS_PER_MARK && !keys.has(objectKey))) {
        objects.delete(mark);
        this.whole.add(mark);
      } else {
        if (!keys) objects.set(mark, (keys = new Set()));
        keys.add(objectKey);
      }
    }
    this.schedule();
  }

  /** The ContextStatus or the reflector states of `context` changed. */
  markContext(context: string): void {
    this.pending.contexts.add(context);
    this.schedule();
  }

  /**
   * Delivers what is pending on the next turn of the event loop, frame or not: for a change a
   * listener should not wait a frame for. `fleetdeck logs` (lean.ts) opens its streams once the
   * pods are listed, and the frame begun when the list was asked for held that up ~100 ms.
   */
  flushSoon(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), 0);
  }

  /** Adds a listener; returns its removal. A listener that throws does not keep the others from hearing. */
  onChange(fn: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** No batch is delivered after this (marks are dropped). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastFlush + this.frameMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = this.now();
    const batch = this.pending;
    this.pending = emptyBatch();
    this.whole = new Set();
    for (const fn of this.listeners) {
      try {
        fn(batch);
      } catch {
        // a failing view must not stop the others from hearing about changes
      }
    }
  }
}
