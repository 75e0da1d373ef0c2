// The transport over undici: one reused dispatcher (direct with HTTP/2 multiplexing, HTTP(S)
// CONNECT proxies, SOCKS5; src/kube/proxy.ts) and its request API (fetch's WHATWG streams
// cost several times more per chunk, and a CRD-heavy fleet opens ~10k watches). Imported
// lazily by the client: loading undici costs ~0.1 s of CPU and ~20 MB, which `fleetdeck logs`
// does not pay on a direct HTTP/2 connection (h2-transport.ts).
import { makeDispatcher } from './proxy.js';
import type { HttpAnswer, SendInit, ServerTls, Transport, TransportTimeouts } from './transport.js';

/** Errors: ProxyConfigError for a proxy scheme client-go does not support. */
export function undiciTransport(proxy: string | undefined, tls: ServerTls, timeouts: TransportTimeouts, onConnect: () => void): Transport {
  const dispatcher = makeDispatcher(proxy, tls, timeouts);
  dispatcher.on('connect', onConnect);
  return {
    send: (origin: string, path: string, { method, headers, body, signal }: SendInit): Promise<HttpAnswer> =>
      dispatcher.request({ origin, path, method: method as 'GET', headers, body, signal }),
    close: () => dispatcher.destroy(),
  };
}
