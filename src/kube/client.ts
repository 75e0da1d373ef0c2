// The per-context HTTP client: one reused transport with the context's TLS options (lists,
// watches and logs share its connections; client-node would make an Agent, hence a TLS
// handshake, per call) and authentication per request (tokens, client certificates, exec
// plugins with their cached credentials, auth providers through client-node). The transport
// is node's own HTTP/2 when the server is reached directly over h2 (h2-transport.ts: every
// kube-apiserver), else undici (undici-transport.ts: every proxy, and HTTP/1.1).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Readable } from 'node:stream';
import type WebSocket from 'ws';
import { apiErrorFrom, KubeApiError, KubeAuthError, networkError } from './errors.js';
import { clusterInfoOf, ExecCredentialSource, type ExecConfig, type ExecCredential } from './exec-credential.js';
import { H2Transport } from './h2-transport.js';
import { effectiveProxy, proxyScheme } from './proxy-env.js';
import { clientNode, type ContextConfig } from './kubeconfig.js';
import { staticAuthHeaders } from './static-auth.js';
import { ListGate } from './list-gate.js';
import { packageVersion } from '../platform/shipped.js';
import type { HttpAnswer, ServerTls, Transport, TransportTimeouts } from './transport.js';

let agent: string | undefined;
/**
 * `fleetdeck/<version> (<os>/<arch>)`, as kubectl sends `kubectl/<version> (linux/amd64) …`.
 * The API server names the field manager of a change sent without one after what precedes the
 * `/` (k8s.io/apiserver's prefixFromUserAgent), so fleetdeck's changes are owned by `fleetdeck`
 * in managedFields: not by a `kubectl…` manager, whose fields kustomize-controller removes at its
 * next reconcile (a restart's annotation removed restarts the pods again, fluxcd/flux2#2526),
 * and named in the server's audit log.
 */
function userAgent(): string {
  return (agent ??= `fleetdeck/${packageVersion()} (${process.platform}/${process.arch})`);
}

export interface ClientOptions {
  /** TCP/TLS connect timeout */
  connectTimeoutMs?: number;
  /** time to wait for response headers: a server that accepts and never answers fails here */
  headersTimeoutMs?: number;
  /** whole-request timeout of non-streaming requests */
  requestTimeoutMs?: number;
  /** a full-screen UI owns the terminal: exec plugins are never interactive, their stderr is kept */
  tuiOwnsTerminal?: boolean;
  /** the environment (proxy variables, exec plugins'); default process.env */
  env?: NodeJS.ProcessEnv;
  /** standard input is a terminal an exec plugin may prompt on; default process.stdin.isTTY */
  stdinIsTerminal?: boolean;
  /**
   * Send over node's own HTTP/2 client when the server is reached directly (no proxy) over
   * https and answers h2 (h2-transport.ts); undici otherwise. Default true: undici costs
   * ~0.1 s of CPU and ~20 MB to load, and its layers ~40 µs per request, which 50
   * CRD-heavy contexts' ~11k watch-lists pay at start. false: undici even then (tests
   * compare the two transports). The same TLS options and headers either way.
   */
  nodeHttp2?: boolean;
}

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** absolute API path, e.g. /apis/apps/v1/namespaces/x/deployments/y */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** a string is sent as is, anything else as JSON */
  body?: unknown;
  /** defaults to application/json; patches: application/merge-patch+json, ... */
  contentType?: string;
  accept?: string;
  /** conditional request: the ETag of a cached answer (a 304 then comes back with an empty body) */
  ifNoneMatch?: string;
  signal?: AbortSignal;
}

export interface KubeResponse {
  status: number;
  /** parsed JSON when the answer is JSON, else the text */
  body: unknown;
  /** the answer's ETag header, when it has one */
  etag?: string;
  /** the answer's Content-Type */
  contentType?: string;
}

/** An answer whose headers arrived, its body read as a Node stream (openStream). */
export interface KubeStream {
  status: number;
  /** lower-case names */
  headers: Record<string, string | string[] | undefined>;
  /** the body, already gunzipped when the server compressed it */
  body: Readable;
}

export interface Warmup {
  latencyMs: number;
  serverVersion: string;
}

function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(file);
  return undefined;
}

/**
 * sha256 (hex) of the CA bundle a kubeconfig cluster pins (its certificate-authority-data, or
 * the file's bytes), or undefined when TLS is not verified (insecure-skip-tls-verify, http://)
 * or no CA is pinned (system roots) or the file cannot be read. Half of a cluster's identity
 * when its kube-system uid cannot be read (src/model/same-cluster.ts).
 */
export function caFingerprint(cluster: ContextConfig['cluster']): string | undefined {
  if (cluster.skipTLSVerify) return undefined;
  try {
    const ca = fileOrData(cluster.caFile, cluster.caData);
    return ca ? createHash('sha256').update(ca).digest('hex') : undefined;
  } catch {
    return undefined;
  }
}

/** A transport whose module is imported on its first request: undici's costs ~0.1 s to load. */
function lazyTransport(load: () => Promise<Transport>): Transport {
  let loaded: Promise<Transport> | undefined;
  return {
    send: async (origin, path, init) => (await (loaded ??= load())).send(origin, path, init),
    close: async () => {
      if (loaded) await (await loaded).close();
    },
  };
}

/** A 401 on a request made with an exec plugin's credential (retried once with a fresh one). */
class ExecUnauthorized extends KubeApiError {
  constructor(
    err: KubeApiError,
    readonly cred: ExecCredential,
  ) {
    super(err.code, err.reason, err.message, err.status);
  }
}

export class ContextClient {
  readonly name: string;
  readonly server: string;
  private readonly transport: Transport | undefined;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  /** the TLS options of every connection, for sockets no transport makes (WebSockets) */
  private readonly tls: ServerTls;
  private readonly nodeHttp2: boolean;

  constructor(
    readonly config: ContextConfig,
    opts: ClientOptions = {},
  ) {
    this.name = config.name;
    this.server = config.cluster.server;
    try {
      const base = new URL(this.server);
      this.origin = base.origin;
      this.basePath = base.pathname.replace(/\/+$/, '');
    } catch {
      // not a URL: every request fails with what the transport says about it
      this.origin = this.server;
      this.basePath = '';
    }
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    const { cluster, user } = config;
    // one secure context for every connection: building one parses the CA and the key, and
    // a reconnect storm of many watches would pay that per socket on the event loop
    const secureContext = createSecureContext({
      ca: fileOrData(cluster.caFile, cluster.caData),
      cert: fileOrData(user.certFile, user.certData),
      key: fileOrData(user.keyFile, user.keyData),
    });
    const tls = {
      secureContext,
      ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    };
    this.tls = tls;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    this.timeouts = {
      headersTimeout: opts.headersTimeoutMs ?? 10_000,
      // watches and log follows are quiet for long stretches; their own timers end them
      bodyTimeout: 0,
      connectTimeoutMs: this.connectTimeoutMs,
    };
    // proxy-url, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY as client-go; every scheme keeps the TLS settings
    this.proxy = effectiveProxy(cluster.server, cluster.proxyUrl, opts.env ?? process.env);
    this.nodeHttp2 = opts.nodeHttp2 !== false;
    try {
      if (this.proxy) proxyScheme(this.proxy);
      this.transport = this.makeTransport(tls);
    } catch (e) {
      this.transport = undefined;
      this.setupError = (e as Error).message;
    }
    if (user.exec) {
      this.execSource = new ExecCredentialSource(user.exec as unknown as ExecConfig, clusterInfoOf(cluster, config.execExtension), {
        stdinIsTerminal: opts.stdinIsTerminal ?? process.stdin.isTTY === true,
        tuiOwnsTerminal: opts.tuiOwnsTerminal,
        env: opts.env,
      });
    }
  }

  private readonly timeouts: TransportTimeouts;
  /** the server's origin and path prefix (a proxy's `/k8s/clusters/c-1`), parsed once: a fleet makes ~10k requests at start */
  private readonly origin: string;
  private readonly basePath: string;
  /** the proxy every request goes through (proxy-url or the environment's), if any */
  readonly proxy: string | undefined;
  /** a kubeconfig the client cannot work with (an unsupported proxy scheme) */
  private readonly setupError: string | undefined;
  private readonly execSource: ExecCredentialSource | undefined;
  /** transports with an exec plugin's client certificate, by certificate */
  private readonly certTransports = new Map<string, Transport>();
  private opened = 0;
  private readonly lists = new ListGate();

  /**
   * Connections opened to the API server (or through a SOCKS proxy) so far. Over HTTP/2 a
   * context's lists, watches and log streams share a few (src/kube/multiplex-pool.ts); over
   * HTTP/1.1 every open watch holds one. Through an HTTP(S) CONNECT proxy it stays 0: undici's
   * ProxyAgent does not report its inner connections (the proxy's own count is the figure).
   */
  get connectionsOpened(): number {
    return this.opened;
  }

  /**
   * The transport for some TLS options: node's HTTP/2 for a client (`nodeHttp2`) reaching an
   * https server directly (falling back to undici if the server does not answer h2), else
   * undici. A proxy (proxy-url or the environment's, socks5 included) always goes through
   * undici (proxy.ts), which h2-transport.ts does not duplicate.
   */
  private makeTransport(tls: ServerTls): Transport {
    const onConnect = (): void => {
      this.opened++;
    };
    const undici = lazyTransport(async () => (await import('./undici-transport.js')).undiciTransport(this.proxy, tls, this.timeouts, onConnect));
    if (this.nodeHttp2 && !this.proxy && this.server.startsWith('https:')) return new H2Transport(this.server, tls, this.timeouts, onConnect, undici);
    return undici;
  }

  private certTransport(cred: ExecCredential): Transport {
    const key = `${cred.cert}\u0000${cred.key}`;
    let t = this.certTransports.get(key);
    if (!t) {
      const { cluster } = this.config;
      const secureContext = createSecureContext({ ca: fileOrData(cluster.caFile, cluster.caData), cert: cred.cert, key: cred.key });
      t = this.makeTransport({ ...this.tls, secureContext });
      // one certificate at a time: the previous one's connections go
      for (const old of this.certTransports.values()) void old.close();
      this.certTransports.clear();
      this.certTransports.set(key, t);
    }
    return t;
  }

  /**
   * Auth headers for one request. Exec plugins run here with client-go's protocol
   * (src/kube/exec-credential.ts, their credential cached until it expires or a 401); tokens,
   * token files, client certificates and auth providers are applied by client-node.
   */
  private async auth(url: string, method: NonNullable<KubeRequest['method']>): Promise<{ headers: Record<string, string>; transport: Transport; cred?: ExecCredential }> {
    if (this.setupError || !this.transport) throw new KubeAuthError(`context "${this.name}": ${this.setupError}`);
    if (this.execSource) {
      let cred: ExecCredential;
      try {
        cred = await this.execSource.get();
      } catch (e) {
        const err = e as Error & { stderr?: string };
        throw new KubeAuthError(`context "${this.name}": getting credentials failed: ${err.message.split('\n')[0]}${err.stderr ? ` (${err.stderr})` : ''}`, `getting credentials: ${err.message}`);
      }
      const headers: Record<string, string> = {};
      if (cred.token) headers.Authorization = `Bearer ${cred.token}`;
      if (this.config.user.impersonateUser) headers['Impersonate-User'] = this.config.user.impersonateUser;
      return { headers, transport: cred.cert ? this.certTransport(cred) : this.transport, cred };
    }
    const fixed = staticAuthHeaders(this.config.user);
    if (fixed) return { headers: fixed, transport: this.transport };
    const { RequestContext, HttpMethod } = await clientNode();
    const ctx = new RequestContext(url, HttpMethod[method]);
    try {
      await (await this.config.kc()).applySecurityAuthentication(ctx);
    } catch (e) {
      throw new KubeAuthError(`context "${this.name}": getting credentials failed: ${(e as Error).message}`, `getting credentials: ${(e as Error).message}`);
    }
    return { headers: ctx.getHeaders(), transport: this.transport };
  }

  url(path: string, query?: KubeRequest['query']): string {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * Opens a request and returns the answer once its headers arrived, its body a Node stream
   * (the transport's; fetch's WHATWG streams cost several times more per chunk, and a
   * CRD-heavy fleet opens ~10k watches). Error statuses are thrown as KubeApiError (with the
   * body read); the caller owns the body of a successful answer. Accepts gzip as client-go
   * does (kube-apiserver compresses large lists).
   */
  async openStream(req: KubeRequest): Promise<KubeStream> {
    try {
      return await this.openStreamOnce(req);
    } catch (e) {
      // client-go runs the exec plugin again after a 401 with its credential, and retries once
      if (!(this.execSource && e instanceof ExecUnauthorized)) throw e;
      this.execSource.invalidate(e.cred);
      return this.openStreamOnce(req, true);
    }
  }

  private async openStreamOnce(req: KubeRequest, retried = false): Promise<KubeStream> {
    const method = req.method ?? 'GET';
    const path = this.basePath + req.path + queryString(req.path, req.query);
    const { headers, transport, cred } = await this.auth(this.origin + path, method);
    headers['user-agent'] = userAgent();
    headers.accept = req.accept ?? 'application/json';
    headers['accept-encoding'] = 'gzip';
    if (req.ifNoneMatch) headers['if-none-match'] = req.ifNoneMatch;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] = req.contentType ?? 'application/json';
    }
    let res: HttpAnswer;
    try {
      res = await transport.send(this.origin, path, { method, headers, body, signal: req.signal });
    } catch (e) {
      throw networkError(e, `context "${this.name}" (${this.server})`);
    }
    let out: Readable = res.body;
    if (res.headers['content-encoding'] === 'gzip') {
      // zlib loads with the first compressed answer (a large list): a log tail never needs it
      const { createGunzip } = await import('node:zlib');
      const gunzip = createGunzip();
      res.body.on('error', (e) => gunzip.destroy(e));
      out = res.body.pipe(gunzip);
    }
    if (res.statusCode >= 400) {
      const text = await readText(out).catch(() => '');
      const err = apiErrorFrom(res.statusCode, text);
      if (res.statusCode === 401 && cred && !retried) throw new ExecUnauthorized(err, cred);
      throw err;
    }
    return { status: res.statusCode, headers: res.headers, body: out };
  }

  /**
   * Opens a WebSocket on an API path (exec, attach, portforward subresources), offering
   * `protocols` in order of preference; resolves once the server accepted the upgrade, with
   * the protocol it chose in `ws.protocol`. `query` values that are arrays become repeated
   * parameters (exec's `command`). Same auth and TLS as every other request; a kubeconfig
   * proxy-url is not used for WebSockets (they connect directly).
   * Errors: an HTTP answer instead of the upgrade → KubeApiError (body read, e.g. 403, 404,
   * 400 "container not found"); connect/TLS failures → KubeNetworkError; abort → AbortError.
   */
  async openWebSocket(path: string, query: Record<string, string | string[] | number | boolean | undefined>, protocols: string[], signal?: AbortSignal): Promise<WebSocket> {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
    }
    const { headers } = await this.auth(u.toString(), 'GET');
    headers['user-agent'] = userAgent();
    // loaded on the first WebSocket (exec, port-forward): other runs never need it
    const { default: WebSocket } = await import('ws');
    u.protocol = u.protocol === 'http:' ? 'ws:' : 'wss:';
    const target = `context "${this.name}" (${this.server})`;
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(u, protocols, { headers, ...this.tls, handshakeTimeout: this.connectTimeoutMs + 10_000, perMessageDeflate: false });
      ws.binaryType = 'nodebuffer';
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(ws);
      };
      const onAbort = () => {
        ws.terminate();
        settle(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => settle());
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d.length + body.length < 64_000 ? d : ''));
        res.on('end', () => settle(apiErrorFrom(res.statusCode ?? 0, body)));
        res.on('error', (e) => settle(networkError(e, target)));
      });
      ws.once('error', (e) => settle(networkError(e, target)));
    });
  }

  /** One request, body read whole. Errors: KubeApiError, KubeNetworkError, KubeAuthError. */
  async request(req: KubeRequest): Promise<KubeResponse> {
    // AbortSignal.any, not a listener on the caller's signal: one signal (a context's, the
    // store's) is shared by many requests at once, and its listeners would pass Node's
    // max-listeners warning, written over the TUI
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const res = await this.openStream({ ...req, signal });
    let text: string;
    try {
      text = await readText(res.body);
    } catch (e) {
      throw networkError(e, `context "${this.name}" (${this.server})`);
    }
    const type = header(res.headers['content-type']) ?? '';
    let body: unknown = text;
    if (type.includes('json') && text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        // a JSON content type with a broken body: hand the text over
      }
    }
    const etag = header(res.headers.etag);
    return { status: res.status, body, ...(etag ? { etag } : {}), ...(type ? { contentType: type } : {}) };
  }

  /** One page of a LIST (GET and parse JSON), at most LISTS_IN_FLIGHT at once per context. */
  listPage<T = Record<string, unknown>>(path: string, query: KubeRequest['query'], signal?: AbortSignal): Promise<T> {
    return this.lists.run(() => this.getJson<T>(path, query, signal), signal);
  }

  /** A slot among the context's LISTS_IN_FLIGHT, for a watch-list until its initial state is whole; call the result to give it back. */
  listSlot(signal?: AbortSignal): Promise<() => void> {
    return this.lists.hold(signal);
  }

  /**
   * Whether reflectors ask this server for watch-lists (`sendInitialEvents`, KEP 3157): true
   * until the server refused one as invalid, as a kube-apiserver without the WatchList feature
   * does (before 1.27, or 1.27-1.31 and 1.33 where the gate is off by default); the server's
   * answer holds for every kind, so one refusal turns it off for the context.
   */
  watchList = true;

  /** GET and parse JSON. */
  async getJson<T = Record<string, unknown>>(path: string, query?: KubeRequest['query'], signal?: AbortSignal): Promise<T> {
    const { body } = await this.request({ path, query, signal });
    if (typeof body !== 'object' || body === null) throw new Error(`context "${this.name}": ${path}: the server did not answer JSON`);
    return body as T;
  }

  /** The one request made before anything fans out: runs exec plugins once, measures latency. */
  async warm(signal?: AbortSignal): Promise<Warmup> {
    const t0 = performance.now();
    const v = await this.getJson<{ gitVersion?: string; major?: string; minor?: string }>('/version', undefined, signal);
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    return { latencyMs, serverVersion: v.gitVersion ?? `v${v.major ?? '?'}.${v.minor ?? '?'}` };
  }

  async close(): Promise<void> {
    await Promise.all([this.transport?.close(), ...[...this.certTransports.values()].map((t) => t.close())]);
  }
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** `?k=v&...` of the defined values, encoded (`&...` after a path that has a query already). */
function queryString(path: string, query: KubeRequest['query']): string {
  let q = '';
  for (const k in query) {
    const v = query[k];
    if (v !== undefined) q += `${q || path.includes('?') ? '&' : '?'}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
  }
  return q;
}

/** A body read whole as UTF-8 text. */
async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** The action executor's entry: one request on a context's client. */
export function request(client: ContextClient, req: KubeRequest): Promise<KubeResponse> {
  return client.request(req);
}
