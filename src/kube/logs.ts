// One container's log stream: the /log request (always with timestamps=true, so a dropped
// follow can resume from the last line's time) and the body split into lines with their
// RFC3339Nano timestamp taken off. Aborting the signal ends the iteration quietly.
import { isUtf8 } from 'node:buffer';
import type { ContainerRef, LogLine, LogStreamOptions } from '../model/types.js';
import type { ContextClient, KubeRequest } from './client.js';

export type { ContainerRef, LogLine, LogStreamOptions };

/** Anything that opens a streaming GET and hands back the body (ContextClient, FleetStore.stream). */
export type StreamOpener = (req: KubeRequest) => Promise<AsyncIterable<Uint8Array>>;

export function logRequest(ref: ContainerRef, opts: LogStreamOptions = {}, signal?: AbortSignal): KubeRequest {
  const enc = encodeURIComponent;
  return {
    path: `/api/v1/namespaces/${enc(ref.namespace)}/pods/${enc(ref.pod)}/log`,
    query: {
      container: ref.container,
      timestamps: true,
      follow: opts.follow || undefined,
      previous: opts.previous || undefined,
      sinceTime: opts.sinceTime,
      sinceSeconds: opts.sinceTime ? undefined : opts.sinceSeconds,
      tailLines: opts.tailLines,
    },
    accept: '*/*',
    signal,
  };
}

const TS_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ?/;

/** `2026-01-02T03:04:05.123456789Z text` → { ts, text }. */
export function splitTimestamp(line: string): LogLine {
  const m = TS_PREFIX.exec(line);
  return m ? { ts: m[1], text: line.slice(m[0].length) } : { ts: '', text: line };
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** One line's bytes → its timestamp and text; bytes that are not valid UTF-8 are kept in `raw`. */
export function decodeLine(bytes: Uint8Array): LogLine {
  try {
    return splitTimestamp(strict.decode(bytes));
  } catch {
    const decoded = lenient.decode(bytes);
    // the timestamp prefix is ASCII: its length in characters is its length in bytes
    const prefix = TS_PREFIX.exec(decoded)?.[0].length ?? 0;
    return { ...splitTimestamp(decoded), raw: Buffer.from(bytes.subarray(prefix)) };
  }
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

/** The lines of `whole` (complete lines, their newlines between them; a CR before a newline dropped). */
function* linesOf(whole: Buffer): Generator<LogLine> {
  // one check and one decode for the chunk's lines when all of it is UTF-8 (the usual case)
  if (isUtf8(whole)) {
    const text = whole.toString('utf8');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      yield splitTimestamp(end > start && text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end));
      if (nl < 0) return;
      start = nl + 1;
    }
  }
  let start = 0;
  for (;;) {
    const nl = whole.indexOf(0x0a, start);
    const stop = nl < 0 ? whole.length : nl;
    yield decodeLine(whole.subarray(start, stop > start && whole[stop - 1] === 0x0d ? stop - 1 : stop));
    if (nl < 0) return;
    start = nl + 1;
  }
}

/**
 * The body as lines. A partial last line (the stream cut mid-line) is dropped: the resumed
 * stream sends it again whole. Aborts end the iteration without an error.
 */
export async function* readLogLines(body: AsyncIterable<Uint8Array>, signal?: AbortSignal): AsyncGenerator<LogLine> {
  // split at the newline byte (never part of a multi-byte UTF-8 sequence), then decode whole
  // lines: a character whose bytes arrive in different chunks stays intact
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of body) {
      if (signal?.aborted) return;
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      rest = rest.length ? Buffer.concat([rest, bytes]) : bytes;
      const last = rest.lastIndexOf(0x0a);
      if (last < 0) continue;
      yield* linesOf(rest.subarray(0, last));
      rest = rest.subarray(last + 1);
    }
  } catch (e) {
    if (isAbort(e, signal)) return;
    throw e;
  }
}

/** A ContextClient as a StreamOpener. */
export function clientOpener(client: Pick<ContextClient, 'openStream'>): StreamOpener {
  return async (req) => (await client.openStream(req)).body;
}

/**
 * Opens one container's log. Resolves once the server answered (errors such as the 400 for
 * a container still waiting to start reject here, as KubeApiError); then yields lines.
 */
export async function openContainerLog(
  open: StreamOpener,
  ref: ContainerRef,
  opts: LogStreamOptions,
  signal?: AbortSignal,
): Promise<AsyncIterable<LogLine>> {
  const body = await open(logRequest(ref, opts, signal));
  return readLogLines(body, signal);
}
