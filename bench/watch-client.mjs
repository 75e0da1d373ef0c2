// Client side of figure 2: a fleet store watching pods on the watch server; CPU time of this
// process from the synced LIST to the last MODIFIED event applied. Included: socket reads
// (undici), UTF-8 decoding, line splitting, JSON.parse, projection (managedFields and the
// last-applied annotation dropped), the reflector cache, the store's uid/owner indexes and
// its change batching. Prints one JSON line.
import { arg, dist, emit, round, sleep } from './lib.mjs';

const { createFleetStore } = await import(dist('fleet/store.js'));
const { mergeKubeconfigs } = await import(dist('kube/kubeconfig.js'));

const port = Number(arg('port'));
const pods = Number(arg('pods'));
const events = Number(arg('events'));
const lastRv = arg('last-rv');
const [ns, name] = arg('last-key').split('/');

const merged = mergeKubeconfigs([{ file: 'bench', config: {
  clusters: [{ name: 'b', cluster: { server: `http://127.0.0.1:${port}` } }],
  users: [{ name: 'b', user: { token: 't' } }],
  contexts: [{ name: 'b', context: { cluster: 'b', user: 'b' } }],
} }]);
const store = createFleetStore({ merged, contexts: ['b'] });
let batches = 0;
store.onChange(() => batches++);
store.watch({ contexts: ['b'], resource: 'pods' });
while (!(store.reflectors()[0]?.phase === 'synced' && store.reflectors()[0].objects === pods)) await sleep(2);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let firstAt = 0;
const deadline = Date.now() + 120_000;
for (;;) {
  const o = store.get('b', 'pods', ns, name);
  if (!firstAt && o && o.metadata.resourceVersion !== '1000000' && Number(o.metadata.resourceVersion) > 1_000_000) firstAt = performance.now();
  if (o?.metadata.resourceVersion === lastRv) break;
  if (Date.now() > deadline) throw new Error('events not applied in 120 s');
  await sleep(1);
}
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const wall = (performance.now() - t0) / 1000;
const o = store.get('b', 'pods', ns, name);
if (o.metadata.managedFields !== undefined) throw new Error('projection did not run');
emit({ eventsPerCpuSecond: Math.round(events / cpuSeconds), cpuSeconds: round(cpuSeconds, 3), wallSeconds: round(wall, 3), eventsPerWallSecond: Math.round(events / wall), batches });
await store.close();
process.exit(0);
