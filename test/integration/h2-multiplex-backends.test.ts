// Issue 22, many contexts: a context's requests share a few HTTP/2 connections, as client-go's
// do, on both backends (kube-apiserver offers h2 by ALPN; so does the sim). The second case is
// the fault undici's own pool had: with every stream of a connection held by a watch, a
// request handed to that connection waited forever (node queues streams past the server's
// limit silently), so lists made while hundreds of watches are open must all be answered.
// Both transports: undici's (src/kube/multiplex-pool.ts) and node's own HTTP/2 (`nodeHttp2`,
// src/kube/h2-transport.ts, what `fleetdeck logs` uses).
import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextClient } from '../../src/kube/client.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { H2_STREAMS } from '../../src/kube/multiplex-pool.js';
import { backends, type BackendEnv } from './backends.js';

const WATCHES = 2 * H2_STREAMS + 50;
const LISTS = 120;

for (const backend of backends) for (const nodeHttp2 of [false, true]) {
  describe(`HTTP/2 multiplexing on the ${backend.name} backend, ${nodeHttp2 ? "node's http2" : 'undici'}`, () => {
    let env: BackendEnv;
    let client: ContextClient;
    const watches = new AbortController();
    // one signal stops every watch of the test; Node warns past 10 listeners on one signal
    setMaxListeners(WATCHES + 1, watches.signal);
    beforeAll(async () => {
      env = await backend.setup();
      client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext), { nodeHttp2 });
    }, 120_000);
    afterAll(async () => {
      watches.abort();
      await client?.close();
      await backend.teardown();
    });

    it(`${WATCHES} open watches and ${LISTS} lists after them are all answered over a few connections`, async () => {
      await client.warm();
      const open = await Promise.all(
        Array.from({ length: WATCHES }, () =>
          client.openStream({ path: `/api/v1/namespaces/${env.namespace}/configmaps`, query: { watch: 1, timeoutSeconds: 300 }, signal: watches.signal }),
        ),
      );
      for (const w of open) {
        expect(w.status).toBe(200);
        w.body.resume().on('error', () => {});
      }
      const answered = await Promise.all(
        Array.from({ length: LISTS }, () => client.getJson<{ kind: string }>(`/api/v1/namespaces/${env.namespace}/configmaps`, { limit: 1 })),
      );
      expect(answered.map((a) => a.kind)).toEqual(Array(LISTS).fill('ConfigMapList'));
      // undici holds a request it may not retry (POST, PATCH, DELETE) until its connection has
      // nothing else running: with watches everywhere, a write must still be answered
      const name = `h2-write-${Date.now()}`;
      const path = `/api/v1/namespaces/${env.namespace}/configmaps`;
      const created = await client.request({ method: 'POST', path, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } } });
      expect(created.status).toBe(201);
      const patched = await client.request({ method: 'PATCH', path: `${path}/${name}`, contentType: 'application/merge-patch+json', body: { data: { a: '2' } } });
      expect((patched.body as { data: { a: string } }).data.a).toBe('2');
      expect((await client.request({ method: 'DELETE', path: `${path}/${name}` })).status).toBe(200);
      // one connection per H2_STREAMS streams, plus those opened during the first burst (a
      // connection takes one request until its handshake, then the origin is known to speak
      // h2) and one for the writes (undici); over HTTP/1.1 it would be one per watch
      const floor = Math.ceil(WATCHES / H2_STREAMS);
      expect(client.connectionsOpened).toBeGreaterThanOrEqual(floor);
      expect(client.connectionsOpened).toBeLessThanOrEqual(floor + 4);
    }, 120_000);
  });
}
