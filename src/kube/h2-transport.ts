// A transport on node's own HTTP/2 client, for a context reached directly (no proxy) over
// https: kube-apiserver speaks h2 by ALPN, as client-go uses it. Node's http2 and tls load
// in a few milliseconds, where undici costs ~0.1 s of CPU and ~20 MB before the first request
// (`fleetdeck logs`' first line is mostly start-up: issue 22). The TLS options are the
// client's own (client.ts builds them once for every transport) and the headers too (auth
// included): this module only moves bytes. A server that does not answer h2 in its ALPN
// (an HTTP/1.1-only proxy in front of it) gets the fallback transport, undici, for good.
import { defaultMaxListeners, getMaxListeners, setMaxListeners } from 'node:events';
import { connect as h2Connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { CONNECT_TIMEOUT_CODE, H2_CONNECTION_WINDOW, HEADERS_TIMEOUT_CODE, H2_STREAM_WINDOW, H2_STREAMS, TLS_HANDSHAKE_TIMEOUT_CODE, type HttpAnswer, type SendInit, type ServerTls, type Transport, type TransportTimeouts } from './transport.js';

interface Slot {
  /** the session once the handshake said h2; undefined: it said something else (use the fallback) */
  ready: Promise<ClientHttp2Session | undefined>;
  /** streams opened and not yet closed on it, counted from the moment a request picked it */
  streams: number;
  /** the server's limit once known, capped at H2_STREAMS */
  limit: number;
  /** errored, closed or told to go away: no new request goes to it */
  dead: boolean;
}

const abortError = (): Error => Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });

export class H2Transport implements Transport {
  readonly #origin: URL;
  readonly #slots: Slot[] = [];
  /** the handshake said something other than h2: every request goes here from then on */
  #fallen = false;
  #closed = false;

  constructor(
    server: string,
    private readonly tls: ServerTls,
    private readonly timeouts: TransportTimeouts,
    private readonly onConnect: () => void,
    private readonly fallback: Transport,
  ) {
    this.#origin = new URL(server);
  }

  async send(origin: string, path: string, init: SendInit): Promise<HttpAnswer> {
    if (this.#fallen) return this.fallback.send(origin, path, init);
    if (init.signal?.aborted) throw abortError();
    if (this.#closed) throw Object.assign(new Error('the client is closed'), { code: 'ECONNRESET' });
    const slot = this.#slots.find((s) => !s.dead && s.streams < s.limit) ?? this.#connect();
    slot.streams++;
    let session: ClientHttp2Session | undefined;
    try {
      session = await slot.ready;
    } catch (e) {
      slot.streams--;
      throw e;
    }
    if (!session) {
      slot.streams--;
      this.#fallen = true;
      return this.fallback.send(origin, path, init);
    }
    return this.#request(slot, session, path, init);
  }

  #request(slot: Slot, session: ClientHttp2Session, path: string, init: SendInit): Promise<HttpAnswer> {
    const headers: OutgoingHttpHeaders = { ':method': init.method, ':path': path };
    for (const [k, v] of Object.entries(init.headers)) headers[k.toLowerCase()] = v;
    let stream: ClientHttp2Stream;
    try {
      if (init.signal?.aborted) throw abortError();
      stream = session.request(headers, { endStream: init.body === undefined });
    } catch (e) {
      slot.streams--;
      return Promise.reject(e);
    }
    if (init.body !== undefined) stream.end(init.body);
    const { signal } = init;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let answered = false;
      const fail = (e: Error): void => {
        clearTimeout(timer);
        if (!answered) reject(e);
      };
      // an abort after the answer ends the body: its readers check their signal
      const onAbort = (): void => {
        fail(abortError());
        stream.close(constants.NGHTTP2_CANCEL);
      };
      const timer = setTimeout(() => {
        fail(Object.assign(new Error('no answer (timed out waiting for response headers)'), { code: HEADERS_TIMEOUT_CODE }));
        stream.close(constants.NGHTTP2_CANCEL);
      }, this.timeouts.headersTimeout);
      // one signal may end many requests (a store's, a view's), as undici allows it
      if (signal && getMaxListeners(signal) === defaultMaxListeners) setMaxListeners(1500, signal);
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => {
        slot.streams--;
        signal?.removeEventListener('abort', onAbort);
        fail(Object.assign(new Error(`stream closed before an answer (HTTP/2 code ${stream.rstCode})`), { code: 'ECONNRESET' }));
      });
      stream.on('error', fail);
      stream.once('response', (h) => {
        clearTimeout(timer);
        answered = true;
        // the stream is the body: a Readable of Buffers, as undici's request() gives it
        resolve({ statusCode: Number(h[':status']), headers: h, body: stream });
      });
    });
  }

  /** A new connection: TLS with the context's options, offering h2 and http/1.1 as Go does. */
  #connect(): Slot {
    const slot: Slot = { streams: 0, limit: H2_STREAMS, dead: false, ready: undefined as unknown as Slot['ready'] };
    const drop = (): void => {
      slot.dead = true;
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
    };
    slot.ready = new Promise((resolve, reject) => {
      const host = this.#origin.hostname.replace(/^\[|\]$/g, '');
      const port = Number(this.#origin.port) || 443;
      const socket = tlsConnect({ ...this.tls, host, port, servername: this.tls.servername ?? (isIP(host) ? undefined : host), ALPNProtocols: ['h2', 'http/1.1'] });
      // connected but no handshake is another fault than no connection: said apart, as kubectl does
      const timer = setTimeout(
        () => socket.destroy(socket.connecting ? Object.assign(new Error('connect timed out'), { code: CONNECT_TIMEOUT_CODE }) : Object.assign(new Error('TLS handshake timeout'), { code: TLS_HANDSHAKE_TIMEOUT_CODE })),
        this.timeouts.connectTimeoutMs,
      );
      socket.once('error', (e) => {
        clearTimeout(timer);
        drop();
        reject(e);
      });
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        this.onConnect();
        if (socket.alpnProtocol !== 'h2') {
          drop();
          socket.destroy();
          resolve(undefined);
          return;
        }
        socket.setKeepAlive(true, 30_000);
        // client-go's flow-control windows (transport.ts), not node's 64 KB
        const session = h2Connect(this.#origin, { createConnection: () => socket, settings: { enablePush: false, initialWindowSize: H2_STREAM_WINDOW } });
        session.setLocalWindowSize(H2_CONNECTION_WINDOW);
        session.once('remoteSettings', (s) => (slot.limit = Math.min(H2_STREAMS, s.maxConcurrentStreams ?? H2_STREAMS)));
        // a failed session fails its streams (they see the error); new requests go elsewhere
        session.on('error', drop);
        session.once('goaway', drop);
        session.once('close', drop);
        if (this.#closed) session.destroy();
        resolve(session);
      });
    });
    // nobody may be waiting when a connection fails (a request aborted meanwhile)
    slot.ready.catch(() => undefined);
    this.#slots.push(slot);
    return slot;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all([
      ...slots.map(async (s) => (await s.ready.catch(() => undefined))?.destroy()),
      this.fallback.close(),
    ]);
  }
}
