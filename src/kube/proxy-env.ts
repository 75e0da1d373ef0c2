// Which proxy a cluster is reached through, as client-go picks it: the cluster's `proxy-url`
// (http, https, socks5), else the environment (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, Go's
// http.ProxyFromEnvironment). No HTTP client here: the client (client.ts) decides from this
// which transport to load, and proxy.ts builds undici's dispatcher for it.
import { isIP } from 'node:net';

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
 * The scheme of a proxy URL client-go supports: http, https, socks5 (socks5h). Errors:
 * ProxyConfigError for anything else, or a value that is not a URL.
 */
export function proxyScheme(proxy: string): 'http' | 'https' | 'socks5' | 'socks5h' {
  let scheme: string;
  try {
    scheme = new URL(proxy).protocol.replace(/:$/, '');
  } catch {
    throw new ProxyConfigError(`proxy-url: "${proxy}" is not a URL`);
  }
  if (scheme === 'http' || scheme === 'https' || scheme === 'socks5' || scheme === 'socks5h') return scheme;
  throw new ProxyConfigError(`proxy-url: unsupported proxy scheme "${scheme}" (http, https and socks5 are, as in kubectl)`);
}
