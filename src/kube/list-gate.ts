// How many LISTs one context has in flight at once. Over HTTP/2 nothing else bounds it (over
// HTTP/1.1 a TLS handshake per connection did): a CRD-heavy context starts ~220 reflectors
// together, and with 50 such contexts on the sim (~11k lists at once, load ~12 on 2 cores)
// the /version health probes waited behind them past the headers timeout and every context
// was marked unreachable; with 8 per context all 50 stayed ready. client-go bounds the same
// burst with its client-side rate limiter (kubectl: 50 QPS, burst 300). 16: 10 such contexts
// filled in 14.6–31.2 s without a bound and 23.0–35.7 s with 32 in the same noisy runs, so the
// bound is kept loose.

/** Lists (and watch-lists until their initial state is whole) one context runs at once; the rest wait in order. */
export const LISTS_IN_FLIGHT = 16;

export class ListGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size = LISTS_IN_FLIGHT) {}

  /**
   * Runs `fn` once fewer than `size` others run. Rejects with the signal's reason if it is
   * aborted while waiting (the list is then never sent).
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.hold(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Takes a slot once fewer than `size` are taken; resolves with the function that gives it
   * back (once; later calls do nothing). A watch-list holds its slot until its initial state
   * is whole. Rejects with the signal's reason if aborted while waiting.
   */
  async hold(signal?: AbortSignal): Promise<() => void> {
    if (this.running >= this.size) await this.turn(signal);
    else this.running++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }

  /** Resolves when a finishing list hands over its slot (running stays counted). */
  private turn(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const go = (): void => {
        signal?.removeEventListener('abort', gone);
        resolve();
      };
      const gone = (): void => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      this.waiting.push(go);
      signal?.addEventListener('abort', gone, { once: true });
    });
  }
}
