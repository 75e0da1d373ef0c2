// The wait between retries of the door's users (context warm-up, log stream reconnects).

/** Resolves after `ms`, or at once when `signal` aborts (never rejects: a stop is not an error). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
