// Proxies as client-go uses them: the cluster's `proxy-url` (http, https, socks5), else the
// environment (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, Go's http.ProxyFromEnvironment), and in
// every case the cluster's TLS settings (CA, client certificate, tls-server-name,
// insecure-skip-tls-verify) for the connection to the API server through the tunnel.
// client-node's SOCKS connector replaces tls-server-name with the host name (so a socks5 proxy
// with tls-server-name fails verification) and it ignores the environment: hence this module.
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Agent, ProxyAgent, type buildConnector, type Dispatcher, type Pool } from 'undici';
import { MultiplexPool } from './multiplex-pool.js';

/** The TLS options of the connection to the API server (and, as Go does, to an https proxy). */
export type ServerTls = Pick<ConnectionOptions, 'secureContext' | 'rejectUnauthorized' | 'servername'>;

export interface DispatcherTimeouts {
  headersTimeout: number;
  bodyTimeout: number;
  connectTimeoutMs: number;
}

export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

const env1 = (env: NodeJS.ProcessEnv, ...names: string[]): string | undefined => {
  for (const n of names) if (env[n] !== undefined && env[n] !== '') return env[n];
  return undefined;
};

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
}

/** One NO_PROXY entry against a host (and port), by Go's httpproxy rules. */
function noProxyMatches(entry: string, host: string, port: string): boolean {
  let e = entry.trim().toLowerCase();
  if (e === '') return false;
  if (e === '*') return true;
  // CIDR (IPv4 only here; IPv6 CIDRs are rare in NO_PROXY)
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(e);
  if (cidr) {
    if (isIP(host) !== 4) return false;
    const bits = Number(cidr[2]);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(host) & mask) === (ipv4ToInt(cidr[1]) & mask);
  }
  let entryPort = '';
  const m = /^(.*?)(?::(\d+))?$/.exec(e.startsWith('[') ? e.replace(/^\[(.*)\](:\d+)?$/, '$1$2') : e);
  if (m && m[2] && !isIP(e)) {
    e = m[1];
    entryPort = m[2];
  }
  if (entryPort && entryPort !== port) return false;
  if (isIP(e)) return e === host;
  // "example.com" matches it and its subdomains; ".example.com" only subdomains
  if (e.startsWith('*.')) e = e.slice(1);
  if (e.startsWith('.')) return host.endsWith(e);
  return host === e || host.endsWith(`.${e}`);
}

/**
 * The proxy Go's http.ProxyFromEnvironment picks for a server URL: HTTPS_PROXY (https_proxy)
 * for https, HTTP_PROXY (http_proxy) for http; none for localhost and loopback addresses or
 * hosts NO_PROXY (no_proxy) lists; a value without a scheme is http://.
 */
export function proxyFromEnvironment(server: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const u = new URL(server);
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK.test(host)) return undefined;
  const raw = u.protocol === 'https:' ? env1(env, 'HTTPS_PROXY', 'https_proxy') : env1(env, 'HTTP_PROXY', 'http_proxy');
  if (!raw) return undefined;
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const noProxy = env1(env, 'NO_PROXY', 'no_proxy') ?? '';
  if (noProxy.split(',').some((e) => noProxyMatches(e, host, port))) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
}

/** The proxy for a cluster: its proxy-url, else the environment's (client-go's order). */
export function effectiveProxy(server: string, proxyUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return proxyUrl ?? proxyFromEnvironment(server, env);
}

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
    factory: (origin: string | URL, options: Pool.Options) => new MultiplexPool(origin, options),
  };
  if (!proxy) return new Agent({ ...base, connect: { ...tls, timeout: t.connectTimeoutMs, keepAlive: true, keepAliveInitialDelay: 30_000 } });
  let scheme: string;
  try {
    scheme = new URL(proxy).protocol.replace(/:$/, '');
  } catch {
    throw new ProxyConfigError(`proxy-url: "${proxy}" is not a URL`);
  }
  if (scheme === 'socks5' || scheme === 'socks5h') return new Agent({ ...base, connect: socksConnector(proxy, tls, t.connectTimeoutMs) });
  if (scheme === 'http' || scheme === 'https') {
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
  throw new ProxyConfigError(`proxy-url: unsupported proxy scheme "${scheme}" (http, https and socks5 are, as in kubectl)`);
}
