// The bounded log buffer behind the view: a ring of entries (default 10k) and, over it, the
// entries passing the current filter, kept incrementally and rebuilt when the filter
// changes. Pausing freezes what is shown while lines keep arriving (and counts them).
// Memory is at most two rings of references, however long the tail runs.
import { writeFile } from 'node:fs/promises';
import { compileFilter, passes, type LogFilter, type LogFilterSpec } from './filter.js';
import { Ring } from './ring.js';
import type { LogEntry } from './types.js';

interface Held {
  seq: number;
  e: LogEntry;
}

export class LogBuffer {
  private readonly all: Ring<Held>;
  private shown: Ring<Held>;
  private spec: LogFilterSpec = {};
  private compiled: LogFilter = {};
  private frozen: number | undefined; // shown.total when paused

  constructor(readonly capacity = 10_000) {
    this.all = new Ring(capacity);
    this.shown = new Ring(capacity);
  }

  push(e: LogEntry): void {
    const h = { seq: this.all.total, e };
    this.all.push(h);
    if (passes(this.compiled, e)) this.shown.push(h);
  }

  /** lines ever received */
  get received(): number {
    return this.all.total;
  }

  /** lines held (≤ capacity) */
  get size(): number {
    return this.all.size;
  }

  get filter(): LogFilterSpec {
    return { ...this.spec };
  }

  get highlight(): RegExp | undefined {
    return this.compiled.highlight;
  }

  /** Changes the filter and re-filters the ring; throws SyntaxError on a bad regex (nothing changes). */
  setFilter(spec: LogFilterSpec): void {
    const compiled = compileFilter(spec);
    this.spec = { ...spec };
    this.compiled = compiled;
    this.shown = new Ring(this.capacity);
    for (const h of this.all) if (passes(compiled, h.e)) this.shown.push(h);
    if (this.frozen !== undefined) this.frozen = this.shown.total;
  }

  get paused(): boolean {
    return this.frozen !== undefined;
  }

  setPaused(on: boolean): void {
    this.frozen = on ? this.shown.total : undefined;
  }

  /** matching lines that arrived since the pause */
  get waiting(): number {
    return this.frozen === undefined ? 0 : this.shown.total - this.frozen;
  }

  /** index range [first, end) of the matching lines still in the ring, up to the pause point */
  private range(): [number, number] {
    const end = this.frozen ?? this.shown.total;
    // a matching line the main ring has already dropped is gone for good
    let lo = this.shown.first;
    let hi = end;
    const oldest = this.all.first;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.shown.at(mid)?.seq ?? -1) < oldest) lo = mid + 1;
      else hi = mid;
    }
    return [Math.max(lo, this.shown.first), Math.max(end, this.shown.first)];
  }

  /** number of matching lines visible (up to the pause point) */
  get length(): number {
    const [a, b] = this.range();
    return b - a;
  }

  /** matching lines [from, to) counted from the oldest visible one */
  slice(from: number, to: number): LogEntry[] {
    const [a, b] = this.range();
    const out: LogEntry[] = [];
    for (let i = a + Math.max(0, from); i < Math.min(b, a + to); i++) {
      const h = this.shown.at(i);
      if (h) out.push(h.e);
    }
    return out;
  }

  /** all held lines, oldest first (unfiltered) */
  entries(): LogEntry[] {
    return this.all.toArray().map((h) => h.e);
  }

  clear(): void {
    this.all.clear();
    this.shown = new Ring(this.capacity);
    if (this.frozen !== undefined) this.frozen = this.shown.total;
  }

  /** Writes `lines` (default: the matching lines now) as plain `context/pod/container ts text` lines. */
  async save(path: string, lines: LogEntry[] = this.slice(0, this.length)): Promise<number> {
    await writeFile(path, lines.map((e) => `${e.context}/${e.pod}/${e.container} ${e.ts} ${e.text}\n`).join(''), { mode: 0o600 });
    return lines.length;
  }
}
