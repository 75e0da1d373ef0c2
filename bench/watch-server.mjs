// The API server side of figure 2, in its own process so the client's CPU is its own:
// serves the pods of one `scale` cluster (LIST), then a WATCH that streams pre-serialized
// MODIFIED events for them (status changes, resourceVersion bumped) as fast as the socket
// takes them. Each event carries managedFields as a real API server sends them, so the
// client's projection does its real work. Prints its port.
import http from 'node:http';
import { arg, dist } from './lib.mjs';

const { createScenario } = await import(dist('sim/build-cluster.js'));

const pods = Number(arg('pods', '10000'));
const events = Number(arg('events', '100000'));
const deployments = 100;
const [cluster] = createScenario('scale', { contexts: 1, namespaces: Math.max(1, Math.round(pods / deployments / 10)), deployments, podsPerDeployment: 10 });
const items = cluster.store.list('pods').slice(0, pods);
const managedFields = (t) => [
  { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: t, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, 'k:{"uid":"x"}': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
  { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: t, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} } }, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:startTime': {} } } },
];
let rv = 1_000_000;
const listRv = String(rv);
const list = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: listRv }, items: items.map((p) => ({ ...p, metadata: { ...p.metadata, managedFields: managedFields(p.metadata.creationTimestamp) } })) });
// built in pieces of 1000 events so the server never holds one giant string
const chunks = [];
let lastKey = '';
for (let i = 0; i < events; i += 1000) {
  let s = '';
  for (let j = i; j < Math.min(events, i + 1000); j++) {
    const p = items[j % items.length];
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, j % 60)).toISOString().replace('.000', '');
    const status = { ...p.status, startTime: t, containerStatuses: p.status.containerStatuses.map((c) => ({ ...c, restartCount: Math.floor(j / items.length) })) };
    const obj = { ...p, metadata: { ...p.metadata, resourceVersion: String(++rv), managedFields: managedFields(t) }, status };
    s += `{"type":"MODIFIED","object":${JSON.stringify(obj)}}\n`;
    lastKey = `${p.metadata.namespace}/${p.metadata.name}`;
  }
  chunks.push(Buffer.from(s));
}
const bytes = chunks.reduce((a, c) => a + c.length, 0);

const json = (res, body) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname === '/version') return json(res, { major: '1', minor: '31', gitVersion: 'v1.31.4' });
  if (u.pathname === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'] });
  if (u.pathname === '/apis') return json(res, { kind: 'APIGroupList', groups: [] });
  if (u.pathname === '/api/v1') return json(res, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'] }] });
  // answered as a server without the WatchList feature: the client lists, then watches (the figure is the watch's)
  if (u.searchParams.get('sendInitialEvents') === 'true') {
    res.writeHead(422, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled' }));
  }
  if (u.pathname === '/api/v1/pods' && u.searchParams.get('watch') !== 'true') return json(res, list);
  if (u.pathname === '/api/v1/pods' && u.searchParams.get('resourceVersion') === listRv) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // the client samples its CPU clock once synced; the stream starts after that
    setTimeout(() => {
      let i = 0;
      const pump = () => {
        while (i < chunks.length) if (!res.write(chunks[i++])) return void res.once('drain', pump);
      };
      pump();
    }, 300);
    return; // stays open, as a watch does
  }
  if (u.pathname === '/api/v1/pods') return; // later watches: hang, as an idle watch does
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, lastRv: String(rv), lastKey, bytes, events })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
