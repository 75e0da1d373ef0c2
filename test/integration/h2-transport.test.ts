// The client's `nodeHttp2` transport (src/kube/h2-transport.ts, what `fleetdeck logs` sends
// with): h2 to a server that answers h2 by ALPN, undici (HTTP/1.1) to one that does not, the
// same auth header and TLS verification either way, and a server that never answers or a
// caller that gives up end the request as with undici.
import { createServer as createHttpsServer } from 'node:https';
import { createSecureServer } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ContextClient } from '../../src/kube/client.js';
import { KubeNetworkError } from '../../src/kube/errors.js';
import { openContainerLog } from '../../src/kube/logs.js';
import { HEADERS_TIMEOUT_CODE } from '../../src/kube/transport.js';
import { LogTail, type StreamState } from '../../src/logs/tail.js';
import type { LogEntry } from '../../src/logs/types.js';
import type { ContextConfig } from '../../src/kube/kubeconfig.js';
import { simTlsCert, simTlsKey } from '../../src/sim/http/tls.js';
import { FakeStore } from '../helpers/fake-store.js';
import { waitUntil } from '../helpers/wait.js';

interface Seen {
  version: string;
  auth?: string;
  path?: string;
}

type Server = { close(cb?: () => void): unknown; address(): AddressInfo | string | null; closeAllConnections?: () => void };
const open: { server: Server; client: ContextClient }[] = [];
afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    await client.close();
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

/** A TLS server with the sim's certificate: h2 only (as Go's servers prefer it) or HTTP/1.1 only. */
async function serve(proto: 'h2' | 'http/1.1', handle: (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void, nodeHttp2 = true): Promise<{ seen: Seen[]; client: ContextClient }> {
  const seen: Seen[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({ version: req.httpVersion, auth: req.headers.authorization, path: req.url });
    handle(req, res, seen);
  };
  const server =
    proto === 'h2'
      ? createSecureServer({ key: simTlsKey, cert: simTlsCert, allowHTTP1: false }, onRequest as never)
      : createHttpsServer({ key: simTlsKey, cert: simTlsCert, ALPNProtocols: ['http/1.1'] }, onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const config: ContextConfig = {
    name: 't',
    cluster: { name: 't', server: `https://127.0.0.1:${port}`, caData: Buffer.from(simTlsCert).toString('base64'), skipTLSVerify: false },
    user: { name: 'u', token: 'secret-token' },
    kc: () => Promise.reject(new Error('client-node is not needed for a token')),
  };
  const client = new ContextClient(config, { nodeHttp2, headersTimeoutMs: 500 });
  open.push({ server, client });
  return { seen, client };
}

const json = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe("the client over node's HTTP/2", () => {
  it('speaks h2 to an h2 server, with the bearer token, and reads status, JSON and headers', async () => {
    const { seen, client } = await serve('h2', (req, res) => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'nope', code: 404 }));
        return;
      }
      res.setHeader('etag', '"e1"');
      json(res, { gitVersion: 'v1.31.0' });
    });
    const r = await client.request({ path: '/version', query: { a: 'b c' } });
    expect(r).toMatchObject({ status: 200, body: { gitVersion: 'v1.31.0' }, etag: '"e1"' });
    await expect(client.request({ path: '/missing' })).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
    expect(seen[0]).toEqual({ version: '2.0', auth: 'Bearer secret-token', path: '/version?a=b%20c' });
    expect(client.connectionsOpened).toBe(1);
  });

  it('a gzipped answer (kube-apiserver compresses large lists) is read unzipped, over h2 and HTTP/1.1', async () => {
    for (const proto of ['h2', 'http/1.1'] as const) {
      const { seen, client } = await serve(proto, (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ kind: 'PodList', items: [], accepted: req.headers['accept-encoding'] })));
      });
      expect(await client.getJson('/api/v1/pods')).toEqual({ kind: 'PodList', items: [], accepted: 'gzip' });
      expect(seen[0].version).toBe(proto === 'h2' ? '2.0' : '1.1');
    }
  });

  for (const nodeHttp2 of [true, false]) {
    it(`offers client-go's flow-control windows (4 MB per stream, 1 GB per connection), ${nodeHttp2 ? "not node's 64 KB" : "over undici too, not its 256 KB / 512 KB"}`, async () => {
      const { client } = await serve('h2', (req, res) => {
        const session = (req as unknown as { stream: { session: { remoteSettings: { initialWindowSize?: number }; state: { remoteWindowSize?: number } } } }).stream.session;
        json(res, { stream: session.remoteSettings.initialWindowSize, connection: session.state.remoteWindowSize });
      }, nodeHttp2);
      const got = (await client.getJson('/windows')) as { stream: number; connection: number };
      expect(got.stream).toBe(4 << 20);
      // the connection's window as the server sees it: 1 GB, less what it sent before the update
      expect(got.connection).toBeGreaterThan(1 << 29);
    });
  }

  it('falls back to undici when the server does not answer h2, with the same auth', async () => {
    const { seen, client } = await serve('http/1.1', (_req, res) => json(res, { gitVersion: 'v1.30.0' }));
    expect((await client.getJson('/version')).gitVersion).toBe('v1.30.0');
    expect((await client.getJson('/version')).gitVersion).toBe('v1.30.0');
    expect(seen.map((s) => s.version)).toEqual(['1.1', '1.1']);
    expect(seen[0].auth).toBe('Bearer secret-token');
  });

  it('a streamed body arrives chunk by chunk; aborting it ends the request', async () => {
    const { client } = await serve('h2', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one\n');
      const t = setInterval(() => res.write('more\n'), 20);
      res.on('close', () => clearInterval(t));
    });
    const ac = new AbortController();
    const res = await client.openStream({ path: '/api/v1/namespaces/a/pods/p/log', query: { follow: true }, signal: ac.signal });
    const got: string[] = [];
    let ended: unknown = 'ended';
    try {
      for await (const chunk of res.body) {
        got.push(String(chunk));
        if (got.length === 3) ac.abort();
      }
    } catch (e) {
      ended = e;
    }
    expect(got[0]).toBe('one\n');
    expect(got).toHaveLength(3);
    // readers check their signal: the iteration ends or throws, it never hangs
    expect(ended === 'ended' || ended instanceof Error).toBe(true);
  });

  for (const nodeHttp2 of [true, false]) {
    it(`a server that accepts and never answers fails at the headers timeout as a network error with one code (${nodeHttp2 ? 'node:http2' : 'undici'})`, async () => {
      const { client } = await serve('h2', () => {}, nodeHttp2);
      const e = await client.request({ path: '/version' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KubeNetworkError);
      expect((e as Error).message).toMatch(/no answer \(timed out waiting for response headers\)/);
      // what the log tail reads to tell a quiet follow from a failure, whichever transport
      expect((e as KubeNetworkError).code).toBe(HEADERS_TIMEOUT_CODE);
    });

    // a server that accepts TCP and never answers TLS (a wrong port, a stuck proxy): kubectl
    // says "net/http: TLS handshake timeout"; it was said "connect timed out", a network fault
    it(`a server that accepts and never finishes TLS fails as a TLS handshake timeout on node:http2, a connect timeout on undici (${nodeHttp2 ? 'node:http2' : 'undici'})`, async () => {
      const sockets: Socket[] = [];
      const server = Object.assign(createNetServer((c) => void sockets.push(c)), { closeAllConnections: () => sockets.forEach((c) => c.destroy()) });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const client = new ContextClient({
        name: 't', cluster: { name: 't', server: `https://127.0.0.1:${port}`, caData: Buffer.from(simTlsCert).toString('base64'), skipTLSVerify: false },
        user: { name: 'u', token: 't' }, kc: () => Promise.reject(new Error('not needed')),
      }, { nodeHttp2, connectTimeoutMs: 300 });
      open.push({ server, client });
      const e = await client.request({ path: '/version' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KubeNetworkError);
      // undici's connect timeout covers the handshake: it cannot tell the two apart
      expect((e as Error).message).toMatch(nodeHttp2 ? /: TLS handshake timeout$/ : /: connect timed out$/);
    });

    // kube-apiserver answers a log follow's headers only with its first line (its handler
    // does not flush them): a quiet container's follow outlives the headers timeout. Over
    // node:http2 the timeout had its own code, so `fleetdeck logs` on a real cluster showed
    // such a container as `retrying: no answer` every 10 s instead of quiet.
    it(`a quiet log follow outlives the headers timeout as quiet, not retrying, and its first line arrives (${nodeHttp2 ? 'node:http2' : 'undici'})`, async () => {
      const held: ServerResponse[] = [];
      const { client } = await serve('h2', (req, res) => {
        if (!req.url?.includes('follow=true')) return json(res, {});
        held.push(res);
        res.on('close', () => held.splice(held.indexOf(res), 1));
      }, nodeHttp2);
      const store = new FakeStore(['t']);
      store.put('t', 'pods', { metadata: { name: 'web-1', namespace: 'shop', uid: 'p1' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running' } });
      const tail = new LogTail(store, (_ctx, ref, opts, signal) => openContainerLog((req) => client.openStream(req).then((s) => s.body), ref, opts, signal), { kind: 'pod', context: 't', namespace: 'shop', name: 'web-1' }, { tailLines: 0, retryMs: 5 });
      const got: LogEntry[] = [];
      const states = new Set<StreamState>();
      tail.onLine((e) => got.push(e));
      tail.onStatus(() => tail.streams().forEach((s) => states.add(s.state)));
      tail.start();
      try {
        // past two headers timeouts (500 ms): the follow was asked again, never failed
        await new Promise((r) => setTimeout(r, 1300));
        expect(tail.streams()).toMatchObject([{ state: 'streaming', reason: 'quiet' }]);
        expect(states.has('retrying')).toBe(false);
        await waitUntil('the follow asked again', () => held.length > 0);
        const res = held[0];
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('2026-12-03T10:00:00.000000001Z first line\n');
        await waitUntil('the first line', () => got.find((e) => e.text === 'first line'));
        expect(states.has('retrying')).toBe(false);
      } finally {
        await tail.stop();
      }
    });
  }

  it('a certificate the CA does not verify fails the handshake as undici reports it', async () => {
    const { client } = await serve('h2', (_req, res) => json(res, {}));
    const other = new ContextClient(
      { ...client.config, cluster: { ...client.config.cluster, caData: undefined } },
      { nodeHttp2: true },
    );
    try {
      const e = await other.request({ path: '/version' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KubeNetworkError);
      expect((e as Error).message).toMatch(/self-signed|cannot be verified/);
    } finally {
      await other.close();
    }
  });
});
