// Client side of figures 1 and 8: a fleet store watching the given resources of every
// context of a kubeconfig, until every reflector has synced; then RSS after GC.
// Run with --expose-gc. Prints one JSON line.
import { arg, dist, emit, gc, MB, round, sleep } from './lib.mjs';

const { createFleetStore } = await import(dist('fleet/store.js'));
const { loadKubeconfig } = await import(dist('kube/kubeconfig.js'));

const kubeconfig = arg('kubeconfig');
const contexts = arg('contexts').split(',');
const resources = arg('resources', 'pods').split(',');
const settleMs = Number(arg('settle-ms', '2000'));

gc();
const baseline = process.memoryUsage().rss;
const t0 = performance.now();
const merged = loadKubeconfig({ kubeconfig });
const store = createFleetStore({ contexts, merged });
const subs = resources.map((resource) => store.watch({ contexts, resource }));
await store.settled();
const want = contexts.length * resources.length;
for (;;) {
  const rs = store.reflectors().filter((r) => r.resource !== 'customresourcedefinitions.apiextensions.k8s.io');
  if (rs.length === want && rs.every((r) => r.phase === 'synced' && (r.lists ?? 0) > 0)) break;
  const bad = rs.find((r) => ['forbidden', 'unauthorized'].includes(r.phase));
  if (bad) throw new Error(`${bad.context} ${bad.resource}: ${bad.phase} ${bad.reason}`);
  await sleep(20);
}
const syncSeconds = (performance.now() - t0) / 1000;
// let sockets, parse buffers and batch timers settle before measuring what stays
await sleep(settleMs);
gc();
await sleep(200);
const mem = process.memoryUsage();
const counts = {};
for (const r of store.reflectors()) counts[r.resource] = (counts[r.resource] ?? 0) + r.objects;
emit({
  rssMB: MB(mem.rss),
  heapUsedMB: MB(mem.heapUsed),
  externalMB: MB(mem.external + mem.arrayBuffers),
  baselineRssMB: MB(baseline),
  syncSeconds: round(syncSeconds, 2),
  objects: counts,
});
for (const s of subs) s.close();
await store.close();
process.exit(0);
