// The client's requests through undici's dispatcher API against a local server: it asks for
// gzip as client-go does, and a compressed answer (kube-apiserver compresses lists and
// discovery past 128 KB) is read as the JSON it holds, error bodies included; a server
// behind a path prefix (a proxy's /k8s/clusters/c-1) gets its prefix once, and query values
// arrive as sent; every request says who sends it (User-Agent fleetdeck/<version>, as kubectl's).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { contextConfig, mergeKubeconfigs } from '../../src/kube/kubeconfig.js';

let server: http.Server;
const seen: { url: string; encoding: string | undefined; agent: string | undefined }[] = [];
const big = { kind: 'PodList', items: Array.from({ length: 2000 }, (_, i) => ({ metadata: { name: `p-${i}`, labels: { app: 'web' } } })) };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url!, encoding: req.headers['accept-encoding'], agent: req.headers['user-agent'] });
    const gz = (code: number, body: unknown): void => {
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(body)));
    };
    if (req.url!.startsWith('/k8s/clusters/c-1/api/v1/pods')) return gz(200, big);
    if (req.url!.startsWith('/k8s/clusters/c-1/api/v1/secrets')) return gz(403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'secrets is forbidden' });
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function client(): ContextClient {
  const port = (server.address() as AddressInfo).port;
  const merged = mergeKubeconfigs([
    {
      file: 'x',
      config: {
        clusters: [{ name: 'p', cluster: { server: `http://127.0.0.1:${port}/k8s/clusters/c-1/` } }],
        users: [{ name: 'p', user: { token: 't' } }],
        contexts: [{ name: 'p', context: { cluster: 'p', user: 'p' } }],
      },
    },
  ]);
  return new ContextClient(contextConfig(merged, 'p'));
}

describe('client requests over the dispatcher API', () => {
  it('reads a gzip answer as its JSON, sends the path prefix once and the query as given', async () => {
    const c = client();
    try {
      const got = await c.getJson<typeof big>('/api/v1/pods', { labelSelector: 'app in (web,api)', limit: 500, continue: undefined });
      expect(got.items).toHaveLength(2000);
      expect(got.items[1999].metadata.name).toBe('p-1999');
      const req = seen.at(-1)!;
      expect(req.encoding).toBe('gzip');
      // as kubectl's `kubectl/v1.32.4 (linux/amd64) …`: the API server names the field manager
      // of fleetdeck's changes after it (`fleetdeck`, not one Flux removes the fields of)
      expect(req.agent).toMatch(/^fleetdeck\/\d+\.\d+\.\d+ \((linux|darwin|win32)\/\w+\)$/);
      const u = new URL(req.url, 'http://x');
      expect(u.pathname).toBe('/k8s/clusters/c-1/api/v1/pods');
      expect(u.searchParams.get('labelSelector')).toBe('app in (web,api)');
      expect(u.searchParams.get('limit')).toBe('500');
      expect(u.searchParams.has('continue')).toBe(false);
    } finally {
      await c.close();
    }
  });

  it('a gzip error answer becomes the API error it says', async () => {
    const c = client();
    try {
      const err = await c.getJson('/api/v1/secrets').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeApiError);
      expect((err as KubeApiError).code).toBe(403);
      expect((err as KubeApiError).message).toContain('secrets is forbidden');
    } finally {
      await c.close();
    }
  });
});
