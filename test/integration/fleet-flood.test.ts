// A flood on the watch path (stream parse, projection, cache, indexes, change marks): a local
// server streams pre-serialized watch events as fast as the socket takes them; every event
// must land, projected and indexed, and subscribers must see frames, not events. How fast it
// goes is a benchmark's figure (npm run bench: watch), not this test's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { mergeKubeconfigs } from '../../src/kube/kubeconfig.js';
import { waitUntil } from '../helpers/wait.js';

const PODS = 20_000;
const ROUNDS = 3; // ADDED once, then MODIFIED: PODS * ROUNDS events
const EVENTS = PODS * ROUNDS;

function pod(i: number, rv: number, round: number): Record<string, unknown> {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: `web-${i}`,
      namespace: `ns-${i % 50}`,
      uid: `uid-${i}`,
      resourceVersion: String(rv),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app: 'web', 'pod-template-hash': 'abc123' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' },
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z' }],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc123', uid: `rs-${i % 100}`, controller: true }],
    },
    spec: { nodeName: `node-${i % 30}`, containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }] },
    status: {
      phase: 'Running',
      podIP: `10.0.${i % 250}.${round}`,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'web', ready: true, restartCount: round, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
    },
  };
}

let server: http.Server;
let store: Fleet;
let payload: Buffer;

beforeAll(async () => {
  // built in small pieces so the garbage of building it is collected before the clock starts
  const parts: Buffer[] = [];
  let rv = 10;
  for (let round = 0; round < ROUNDS; round++)
    for (let i = 0; i < PODS; i++) parts.push(Buffer.from(JSON.stringify({ type: round === 0 ? 'ADDED' : 'MODIFIED', object: pod(i, ++rv, round) }) + '\n'));
  payload = Buffer.concat(parts);
  const json = (res: http.ServerResponse, body: unknown): void => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  server = http.createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname === '/version') return json(res, { gitVersion: 'v1.31.0' });
    if (u.pathname === '/api') return json(res, { versions: ['v1'] });
    if (u.pathname === '/apis') return json(res, { groups: [] });
    if (u.pathname === '/api/v1')
      return json(res, { resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['list', 'watch'], shortNames: ['po'] }] });
    // a server without the WatchList feature (kube-apiserver 1.33's default): the reflector lists, then watches
    if (u.searchParams.get('sendInitialEvents') === 'true') {
      res.writeHead(422, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled' }));
      return;
    }
    if (u.pathname === '/api/v1/pods' && u.searchParams.get('watch') !== 'true') return json(res, { metadata: { resourceVersion: '10' }, items: [] });
    if (u.pathname === '/api/v1/pods' && u.searchParams.get('resourceVersion') === '10') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(payload);
      return; // stays open, as a watch does
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await store?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('a flood of watch events', () => {
  it(`applies ${EVENTS} watch events, projected and indexed, delivered in frames`, async () => {
    const port = (server.address() as AddressInfo).port;
    const merged = mergeKubeconfigs([
      {
        file: 'perf',
        config: {
          clusters: [{ name: 'p', cluster: { server: `http://127.0.0.1:${port}` } }],
          users: [{ name: 'p', user: { token: 't' } }],
          contexts: [{ name: 'p', context: { cluster: 'p', user: 'p' } }],
        },
      },
    ]);
    store = createFleetStore({ merged, contexts: ['p'], frameMs: 100 });
    let batches = 0;
    store.onChange(() => batches++);
    store.watch({ contexts: ['p'], resource: 'po' });
    // count applied events through the store's own view of the cache: the last pod's last
    // version is the last event of the stream
    const lastRv = String(10 + EVENTS);
    const applied = (): boolean => store.get('p', 'pods', `ns-${(PODS - 1) % 50}`, `web-${PODS - 1}`)?.metadata.resourceVersion === lastRv;
    await waitUntil('every event applied', applied, { timeoutMs: 30_000, intervalMs: 5 });
    expect(store.list('p', 'pods')).toHaveLength(PODS);
    const one = store.get('p', 'pods', 'ns-0', 'web-0')!;
    expect(one.metadata.managedFields).toBeUndefined();
    expect(store.ownedBy('p', 'rs-0')).toHaveLength(PODS / 100);
    expect(one.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
    // frames, not events: a batch at most every 100 ms while the flood lasts
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(EVENTS / 100);
  }, 60_000);
});
