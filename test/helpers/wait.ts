/** What `waitUntil` hands back: the probe's value, known not to be falsy. */
export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

export interface UntilOptions {
  /** default 5000 */
  timeoutMs?: number;
  /** pause between probes, default 20 */
  intervalMs?: number;
  /** appended to the timeout message: the state that was waited on */
  detail?: () => string;
}

/**
 * Polls `probe` until it returns a truthy value, which it resolves to; past the deadline it
 * throws `timed out waiting for <what>`. A probe that throws fails the wait at once.
 */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, opts: UntilOptions = {}): Promise<Truthy<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    const v = await probe();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${opts.detail?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}
