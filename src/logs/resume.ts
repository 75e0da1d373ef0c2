// Resuming a dropped follow without duplicates or gaps. The reconnect asks from the last
// line's second (the kubelet compares at second precision on some versions), so it gets
// some lines again; those are dropped here: older than the last timestamp, or equal to it
// and already seen (a multiset, as two lines can share a timestamp).

/** RFC3339(Nano) → a string that sorts as time does (9 fraction digits, UTC). */
export function tsKey(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z`;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return '';
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}000000Z`;
}

/** The second a resumed stream asks from (RFC3339, no fraction). */
export function resumeFrom(ts: string): string | undefined {
  const k = tsKey(ts);
  return k ? `${k.slice(0, 19)}Z` : undefined;
}

export class ResumePoint {
  private lastKey = '';
  private lastTs = '';
  private atLast: string[] = [];
  private replay: string[] = [];

  /** the timestamp of the newest line accepted */
  get last(): string | undefined {
    return this.lastTs || undefined;
  }

  /** Nothing older than `ts` is wanted (a retry before any line arrived). */
  floor(ts: string): void {
    if (this.lastKey) return;
    this.lastKey = tsKey(ts);
  }

  /** a new connection starts: lines at the last timestamp may come again */
  reconnect(): void {
    this.replay = [...this.atLast];
  }

  /** true when the line is new (and records it) */
  accept(ts: string, text: string): boolean {
    const key = tsKey(ts);
    if (!key) return true;
    if (key < this.lastKey) return false;
    if (key === this.lastKey) {
      const i = this.replay.indexOf(text);
      if (i >= 0) {
        this.replay.splice(i, 1);
        return false;
      }
      this.atLast.push(text);
      return true;
    }
    this.lastKey = key;
    this.lastTs = ts;
    this.atLast = [text];
    this.replay = [];
    return true;
  }
}
