// The connection pool of one API server origin: HTTP/2 multiplexing when the server's ALPN
// answer is h2, as client-go does, so a context's lists, watches and log streams share a few
// TLS connections instead of one handshake per watch (50 CRD-heavy contexts hold ~11k watches).
//
// Why not undici's Pool: it keeps one request per connection unless `pipelining` is raised,
// raising it for HTTP/1.1 would queue lists behind never-ending watches, and with it raised
// per h2 connection its drain bookkeeping can still hand a request to a connection whose every
// stream is a watch (a stale 'drain' clears the busy flag), where it waits forever: node's
// HTTP/2 session queues streams past the server's limit silently. This pool picks connections
// by their live queue size (undici's public `stats`), which cannot go stale.
import type { EventEmitter } from 'node:events';
import type { TLSSocket } from 'node:tls';
import { buildConnector, Client, Dispatcher } from 'undici';
import { H2_STREAMS } from './transport.js';

/** Concurrent streams per HTTP/2 connection (transport.ts says why 100). */
export { H2_STREAMS };

/** The options an undici Agent hands the factory of an origin's dispatcher. */
export type OriginOptions = Client.Options & { connect?: buildConnector.BuildOptions | buildConnector.connector };

interface Slot {
  client: Client;
  /** requests this connection takes at once: H2_STREAMS once the handshake said h2, else 1 */
  streams: number;
}

export class MultiplexPool extends Dispatcher {
  readonly #origin: URL | string;
  readonly #options: Client.Options;
  readonly #connector: buildConnector.connector;
  readonly #slots: Slot[] = [];
  /** a handshake with this origin said h2: a new connection then takes H2_STREAMS requests while it connects */
  #h2 = false;
  #closed = false;
  #destroyed = false;

  constructor(origin: URL | string, options: OriginOptions) {
    super();
    const { connect, ...rest } = options;
    this.#origin = origin;
    this.#options = rest;
    this.#connector = typeof connect === 'function' ? connect : buildConnector({ ...connect, allowH2: options.allowH2 });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /**
   * Hands the request to the first connection with a free stream, or to a new connection. A
   * request undici counts as not idempotent (any method but GET and HEAD: an action's PATCH,
   * POST, DELETE) waits in undici until nothing else runs on its connection, and a watch never
   * ends, so it goes to an idle connection (or a new one) instead.
   */
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const alone = opts.idempotent === false || (opts.idempotent === undefined && opts.method !== 'GET' && opts.method !== 'HEAD');
    const free = (s: Slot): boolean => !s.client.destroyed && (alone ? s.client.stats.size === 0 : s.client.stats.size < s.streams);
    const slot = this.#slots.find(free) ?? this.#open();
    slot.client.dispatch(opts, handler);
    // never "busy": the next request finds a connection with room, or opens one
    return true;
  }

  #open(): Slot {
    const connect = this.#connector;
    const client = new Client(this.#origin, {
      ...this.#options,
      connect: (options, callback) =>
        connect(options, (...args) => {
          // on an error undici passes no socket at all (not null)
          const socket = args[1] as TLSSocket | null | undefined;
          if (socket) {
            this.#h2 = socket.alpnProtocol === 'h2';
            slot.streams = this.#h2 ? H2_STREAMS : 1;
          }
          callback(...args);
        }),
    });
    // Until its handshake, a connection takes one request, unless the origin already spoke h2
    // (then a burst of lists fills one connection, not one connection per request).
    const slot: Slot = { client, streams: this.#h2 ? H2_STREAMS : 1 };
    client.on('connect', () => (client.pipelining = slot.streams));
    // the Agent counts an origin's connections by these events (and closes an unused origin)
    const events = client as unknown as EventEmitter;
    const self = this as unknown as EventEmitter;
    for (const name of ['connect', 'disconnect', 'connectionError', 'drain']) {
      events.on(name, (origin: URL, targets: Dispatcher[], err?: Error) => self.emit(name, origin, [this, ...targets], err));
    }
    this.#slots.push(slot);
    return slot;
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    const done = Promise.all(this.#slots.map((s) => s.client.close())).then(() => undefined);
    if (!callback) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.#closed = true;
    this.#destroyed = true;
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const done = Promise.all(this.#slots.map((s) => s.client.destroy(err))).then(() => undefined);
    if (!callback) return done;
    void done.then(callback);
  }
}
