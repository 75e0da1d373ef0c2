// Figure 7: log lines merged per second from 100 pods through the real engine: LogTail
// (src/logs) over a store holding 100 pods of the `scale` scenario, each container's log an
// in-memory byte stream in 16 KB chunks parsed by readLogLines (line split, timestamp
// split), resume-point dedup, into a LogBuffer ring of 10k lines. No network: the figure is
// the engine's merge rate. Memory: heap after GC at the end against the ring's bound.
import { arg, dist, emit, gc, MB, round, sleep } from './lib.mjs';

const { createScenario } = await import(dist('sim/build-cluster.js'));
const { builtinResources } = await import(dist('sim/resources.js'));
const { resolveResource } = await import(dist('kube/resolve.js'));
const { readLogLines } = await import(dist('kube/logs.js'));
const { LogTail } = await import(dist('logs/tail.js'));
const { LogBuffer } = await import(dist('logs/buffer.js'));

const perPod = Number(arg('lines', '20000'));
const [cluster] = createScenario('scale', { contexts: 1, namespaces: 1, deployments: 10, podsPerDeployment: 10 });
const pods = cluster.store.list('pods');
const types = builtinResources();
const store = {
  resolve: (_c, q) => resolveResource(types, q),
  resources: () => types,
  watch: () => ({ close: () => undefined }),
  list: (_c, r) => (r === 'pods' ? pods : []),
  get: (_c, r, ns, n) => (r === 'pods' ? pods.find((p) => p.metadata.namespace === ns && p.metadata.name === n) : undefined),
  onChange: () => () => undefined,
  contexts: () => [{ name: 'scale-1', state: 'ready' }],
};

const enc = new TextEncoder();
const base = Date.parse('2026-01-01T00:00:00Z');
/** One container's log: `ts text` lines, JSON-ish app lines of ~120 bytes. */
async function* body(pod) {
  let s = '';
  for (let i = 0; i < perPod; i++) {
    const ts = new Date(base + i * 10).toISOString().replace('Z', '123456Z');
    s += `${ts} {"level":"info","msg":"handled request","path":"/api/v1/items/${i}","status":200,"pod":"${pod}","ms":${i % 97}}\n`;
    if (s.length > 16_384) {
      yield enc.encode(s);
      s = '';
      // other streams get their turn, as with sockets
      await new Promise((r) => setImmediate(r));
    }
  }
  if (s) yield enc.encode(s);
}
const opened = new Set();
const openLog = async (_ctx, ref) => {
  const k = `${ref.namespace}/${ref.pod}/${ref.container}`;
  // a reconnect after the stream ended gets nothing new
  if (opened.has(k)) return (async function* () {})();
  opened.add(k);
  return readLogLines(body(ref.pod));
};

const expected = pods.length * perPod;
const buffer = new LogBuffer(10_000);
let lines = 0;
gc();
const heap0 = process.memoryUsage().heapUsed;
const tail = new LogTail(store, openLog, { kind: 'query', contexts: ['scale-1'], pod: /.*/ }, { maxStreams: 200, retryMs: 60_000 });
tail.onLine((e) => {
  if (e.notice) return;
  lines++;
  buffer.push(e);
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
tail.start();
const deadline = Date.now() + 300_000;
while (lines < expected) {
  if (Date.now() > deadline) throw new Error(`only ${lines} of ${expected} lines`);
  await sleep(5);
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await tail.stop();
gc();
const heap1 = process.memoryUsage().heapUsed;
emit({
  pods: pods.length, lines, linesPerSecond: Math.round(lines / wall), linesPerCpuSecond: Math.round(lines / ((cpu.user + cpu.system) / 1e6)),
  wallSeconds: round(wall, 2), ringSize: buffer.size, heapGrowthMB: MB(heap1 - heap0), rssMB: MB(process.memoryUsage().rss),
});
process.exit(0);
