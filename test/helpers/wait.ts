/** What `waitUntil` hands back: the probe's value, known not to be falsy. */
export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

export interface UntilOptions {
  /** default 5000 */
  timeoutMs?: number;
  /** pause between probes, default 20 */
  intervalMs?: number;
  /** appended to the timeout message: the state that was waited on */
  detail?: () => string;
  /** a probe that throws is "not yet" (a server still starting); the last error goes in the timeout message */
  retryErrors?: boolean;
}

/**
 * Polls `probe` until it returns a truthy value, which it resolves to; past the deadline it
 * throws `timed out waiting for <what>`. A probe that throws fails the wait at once, unless
 * `retryErrors`.
 */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, opts: UntilOptions = {}): Promise<Truthy<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Truthy<T>;
    } catch (e) {
      if (!opts.retryErrors) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}${opts.detail?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}
