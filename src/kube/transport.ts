// What the per-context client (client.ts) needs from an HTTP client, so that it can send over
// undici (undici-transport.ts: every proxy, HTTP/1.1 and HTTP/2) or over node's own HTTP/2
// (h2-transport.ts: a direct h2 connection, loading next to nothing — `fleetdeck logs`).
import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';

/** The TLS options of the connection to the API server (and, as Go does, to an https proxy). */
export type ServerTls = Pick<ConnectionOptions, 'secureContext' | 'rejectUnauthorized' | 'servername'>;

/**
 * Concurrent streams per HTTP/2 connection: below every API server's advertised limit (Go's
 * default is 250, kube-apiserver's --http2-max-streams-per-connection 1000). Past it, a
 * transport opens another connection.
 */
export const H2_STREAMS = 100;

/**
 * HTTP/2 flow-control windows, client-go's (golang.org/x/net/http2: 4 MB per stream, 1 GB per
 * connection), for both transports, instead of node's 64 KB or undici's 256 KB / 512 KB: with
 * those a 10k-pod list (~20 MB) waited on a window update every few hundred KB, shared by every
 * stream of the connection.
 */
export const H2_STREAM_WINDOW = 4 << 20;
export const H2_CONNECTION_WINDOW = 1 << 30;

/**
 * The error codes every transport gives its failures, undici's names (errors.ts words them):
 * a caller tells a quiet log follow (kube-apiserver sends its headers only with the first
 * line) from a failure by the code, whichever transport sent the request.
 */
export const HEADERS_TIMEOUT_CODE = 'UND_ERR_HEADERS_TIMEOUT';
export const CONNECT_TIMEOUT_CODE = 'UND_ERR_CONNECT_TIMEOUT';
/** TCP connected, TLS never finished (a server that accepts and never answers): kubectl's "TLS handshake timeout", not a network fault (node:http2 only: undici's connect timeout covers both) */
export const TLS_HANDSHAKE_TIMEOUT_CODE = 'ERR_TLS_HANDSHAKE_TIMEOUT';

export interface TransportTimeouts {
  /** time to wait for response headers: a server that accepts and never answers fails here */
  headersTimeout: number;
  /** longest silence inside a body (0: none; watches and log follows have their own timers) */
  bodyTimeout: number;
  connectTimeoutMs: number;
}

export interface SendInit {
  method: string;
  /** the request's headers, auth included */
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** An answer whose headers arrived, in the shape of undici's dispatcher API (request()). */
export interface HttpAnswer {
  statusCode: number;
  /** lower-case names */
  headers: Record<string, string | string[] | undefined>;
  /** the body as it arrives; after an abort it ends or errors (readers check their signal) */
  body: Readable;
}

export interface Transport {
  /** `path` with its query. Resolves once the answer's headers arrived; network failures reject as the socket's error (its `code`). */
  send(origin: string, path: string, init: SendInit): Promise<HttpAnswer>;
  /** Ends every connection at once (streams in flight end with an error). */
  close(): Promise<void>;
}

/** Builds a transport for some TLS options (a context's own, or an exec plugin's client certificate). */
export type TransportFactory = (tls: ServerTls) => Transport;
