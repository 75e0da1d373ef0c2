// undici's dispatcher for a context: direct, through an HTTP(S) CONNECT proxy or through
// SOCKS5, in every case with the cluster's TLS settings (CA, client certificate,
// tls-server-name, insecure-skip-tls-verify) for the connection to the API server through the
// tunnel. Which proxy, as client-go picks it: proxy-env.ts.
// client-node's SOCKS connector replaces tls-server-name with the host name (so a socks5 proxy
// with tls-server-name fails verification) and it ignores the environment: hence this module.
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, ProxyAgent, type buildConnector, type Dispatcher, type Pool } from 'undici';
import { MultiplexPool } from './multiplex-pool.js';
import { proxyScheme } from './proxy-env.js';
import { H2_CONNECTION_WINDOW, H2_STREAM_WINDOW, type ServerTls, type TransportTimeouts } from './transport.js';

export { effectiveProxy, proxyFromEnvironment, ProxyConfigError } from './proxy-env.js';
export type { ServerTls };
export type DispatcherTimeouts = TransportTimeouts;

/**
 * An undici connector that tunnels through a SOCKS5 proxy (the host name is sent to the proxy,
 * as Go's x/net/proxy does) and then speaks TLS to the API server with the cluster's settings:
 * the certificate is verified against tls-server-name when set, else the server's host.
 */
function socksConnector(proxyUrl: string, tls: ServerTls, timeoutMs: number): buildConnector.connector {
  const p = new URL(proxyUrl);
  const user = p.username ? decodeURIComponent(p.username) : undefined;
  const password = p.password ? decodeURIComponent(p.password) : undefined;
  return (options, callback) => {
    const { hostname, port, protocol } = options;
    const host = hostname.replace(/^\[|\]$/g, '');
    // loaded on the first SOCKS connection: most runs never make one
    void import('socks').then(({ SocksClient }) => SocksClient.createConnection(
      {
        proxy: { host: p.hostname.replace(/^\[|\]$/g, ''), port: Number(p.port) || 1080, type: 5, userId: user, password },
        command: 'connect',
        destination: { host, port: Number(port) || (protocol === 'https:' ? 443 : 80) },
        timeout: timeoutMs,
      },
      (err, info) => {
        if (err || !info) {
          callback(err ?? new Error('SOCKS connection failed'), null);
          return;
        }
        const socket = info.socket;
        socket.setKeepAlive(true, 30_000);
        if (protocol !== 'https:') {
          callback(null, socket);
          return;
        }
        const servername = tls.servername ?? (isIP(host) ? undefined : host);
        const t = tlsConnect({ ...tls, socket, host, servername, ALPNProtocols: ['h2', 'http/1.1'] });
        let done = false;
        t.once('secureConnect', () => {
          if (done) return;
          done = true;
          callback(null, t);
        });
        t.once('error', (e) => {
          if (done) return;
          done = true;
          callback(e, null);
        });
      },
    ), (e: Error) => callback(e, null));
  };
}

/**
 * The dispatcher for one context: direct, through an HTTP(S) CONNECT proxy, or through SOCKS5.
 * An https proxy is reached with the cluster's TLS settings, as Go's transport does (it clones
 * the TLS config for the proxy: the cluster CA, and tls-server-name when set). Errors:
 * ProxyConfigError for a scheme client-go does not support.
 */
export function makeDispatcher(proxy: string | undefined, tls: ServerTls, t: DispatcherTimeouts): Dispatcher {
  // HTTP/2 when the server offers it (ALPN), directly and inside a proxy's tunnel, as
  // client-go: many streams per connection (src/kube/multiplex-pool.ts)
  const base = {
    headersTimeout: t.headersTimeout,
    bodyTimeout: t.bodyTimeout,
    allowH2: true,
    // client-go's windows (transport.ts), not undici's 256 KB / 512 KB
    initialWindowSize: H2_STREAM_WINDOW,
    connectionWindowSize: H2_CONNECTION_WINDOW,
    factory: (origin: string | URL, options: Pool.Options) => new MultiplexPool(origin, options),
  };
  if (!proxy) return new Agent({ ...base, connect: { ...tls, timeout: t.connectTimeoutMs, keepAlive: true, keepAliveInitialDelay: 30_000 } });
  const scheme = proxyScheme(proxy);
  if (scheme === 'socks5' || scheme === 'socks5h') return new Agent({ ...base, connect: socksConnector(proxy, tls, t.connectTimeoutMs) });
  const proxyHost = new URL(proxy).hostname;
  return new ProxyAgent({
    uri: proxy,
    ...base,
    // allowH2 here offers h2 by ALPN on the TLS inside the tunnel; the CONNECT to the proxy stays HTTP/1.1
    requestTls: { ...tls, timeout: t.connectTimeoutMs, allowH2: true },
    proxyTls: scheme === 'https' ? { ...tls, servername: tls.servername ?? (isIP(proxyHost) ? undefined : proxyHost), timeout: t.connectTimeoutMs } : undefined,
    connect: { timeout: t.connectTimeoutMs, keepAlive: true, keepAliveInitialDelay: 30_000 },
  });
}
