// The Fleet view's LATENCY and `status`'s: the median round trip of a small request
// (GET /version) over the last few samples, taken once the context is connected — never the
// first request, which carries start-up work (TLS handshake, exec credential plugins,
// discovery and the first lists competing for the connection and the event loop). Pure.

/** How many recent samples the median is taken over. */
export const LATENCY_SAMPLES = 5;

/** The median of `xs` (ms); the mean of the middle two for an even count; undefined when empty. */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** `samples` with `ms` appended, keeping the last `keep` (default LATENCY_SAMPLES). A new array. */
export function addSample(samples: readonly number[], ms: number, keep = LATENCY_SAMPLES): number[] {
  if (!Number.isFinite(ms) || ms < 0) return [...samples];
  return [...samples, ms].slice(-keep);
}
