// Figures 3, 4 and 6: the real app (runApp: blessed screen, header, pod table, footer) on a
// fake terminal (in-memory streams, 200x50, xterm-256color; output bytes counted, nothing
// drawn), over a store holding the pods of the `scale` scenario: one sim cluster of 10k
// pods built in-process, its pods served under 10 context names (100k rows). The store
// delivers change batches as the fleet store does (at most one per 100 ms).
//   --mode frame   frame time after a scroll (down key) and after an update (a change batch)
//   --mode filter  per keystroke of a `/` filter: the slowest frame after it, and the longest the
//                  event loop went without running a 1 ms timer (a filter that goes on after its
//                  frame does so in slices between frames)
//   --mode churn   1k pod events/s for --seconds: bytes written to the terminal per second
// A frame is timed from its first store read (the header) to its end: screen.render(), or the
// decision not to draw it when its text is what the last drawn frame showed (runApp's onFrame).
import { PassThrough, Writable } from 'node:stream';
import { arg, dist, emit, median, round, sleep } from './lib.mjs';

const { createScenario } = await import(dist('sim/build-cluster.js'));
const { builtinResources } = await import(dist('sim/resources.js'));
const { resolveResource } = await import(dist('kube/resolve.js'));
const { resourceKey } = await import(dist('model/types.js'));
const { runApp } = await import(dist('ui/app.js'));
const { loadKeymap } = await import(dist('config/keymap.js'));
const { loadTheme } = await import(dist('config/theme.js'));

const mode = arg('mode', 'frame');
const contextsN = Number(arg('contexts', '10'));
const podsPer = Number(arg('pods', '10000'));
const seconds = Number(arg('seconds', '10'));
const rate = Number(arg('rate', '1000'));
const COLS = 200;
const ROWS = 50;

const [cluster] = createScenario('scale', { contexts: 1, namespaces: Math.max(1, Math.round(podsPer / 1000)), deployments: 100, podsPerDeployment: 10 });
const types = builtinResources();
const names = Array.from({ length: contextsN }, (_, i) => `scale-${i + 1}`);
const key = (o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The FleetStore contract over plain maps: what the views read, nothing more. */
class BenchStore {
  objects = new Map(); // ctx\0rk → Map(ns/name → obj)
  listeners = new Set();
  pending = undefined;
  lastFlush = 0;
  onRead = () => undefined;
  constructor() {
    for (const c of names) {
      for (const rk of ['pods', 'replicasets.apps', 'deployments.apps', 'namespaces', 'nodes']) {
        const m = new Map();
        for (const o of cluster.store.list(rk)) m.set(key(o), o);
        this.objects.set(`${c}\u0000${rk}`, m);
      }
    }
  }
  contexts() {
    this.onRead();
    return names.map((name) => ({ name, state: 'ready', latencyMs: 2, serverVersion: 'v1.31.4', discovered: true }));
  }
  resources() { return types; }
  resolve(_c, q) { return resolveResource(types, q); }
  watch() { return { close: () => undefined }; }
  map(c, r) { const t = resolveResource(types, r); return t && this.objects.get(`${c}\u0000${resourceKey(t)}`); }
  list(c, r, ns) {
    const m = this.map(c, r);
    if (!m) return [];
    const out = [];
    for (const o of m.values()) if (!ns || o.metadata.namespace === ns) out.push(o);
    return out;
  }
  get(c, r, ns, n) { return this.map(c, r)?.get(`${ns ?? ''}/${n}`); }
  byUid() { return undefined; }
  ownedBy() { return []; }
  reflectors() { return names.map((context) => ({ context, resource: 'pods', phase: 'synced', objects: podsPer, lists: 1 })); }
  onChange(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  async settled() {}
  async request() { throw new Error('not in the bench'); }
  async stream() { throw new Error('not in the bench'); }
  async close() {}
  put(c, rk, o, prevKey) {
    const m = this.objects.get(`${c}\u0000${rk}`);
    if (prevKey) m.delete(prevKey);
    if (o) m.set(key(o), o);
    // as the fleet store's batcher does: the objects that changed, by namespace/name
    if (prevKey) this.mark(`${c}\u0000${rk}`, prevKey);
    if (o) this.mark(`${c}\u0000${rk}`, key(o));
  }
  mark(k, objectKey) {
    if (!this.pending) {
      this.pending = { resources: new Set(), contexts: new Set(), objects: new Map() };
      setTimeout(() => {
        const b = this.pending;
        this.pending = undefined;
        this.lastFlush = Date.now();
        for (const fn of this.listeners) fn(b);
      }, Math.max(0, this.lastFlush + 100 - Date.now()));
    }
    this.pending.resources.add(k);
    if (!this.pending.objects.has(k)) this.pending.objects.set(k, new Set());
    this.pending.objects.get(k).add(objectKey);
  }
}

const store = new BenchStore();
let bytes = 0;
const output = Object.assign(new Writable({ write(chunk, _enc, cb) { bytes += chunk.length; cb(); } }), { isTTY: true, columns: COLS, rows: ROWS });
const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
let screen;
const frames = []; // { ms, blessedMs, cpuMs, drawn, at }
let blessedMs = 0;
let frameStart = 0;
// CPU time of the process over the frame (its helper threads' too: GC): less bent by other jobs on the machine than wall time
let frameCpu;
store.onRead = () => {
  if (!frameStart) {
    frameStart = performance.now();
    frameCpu = process.cpuUsage();
  }
};
const done = runApp({
  store, contexts: names, readonly: true, keymap: loadKeymap(undefined, { configDir: null }), theme: loadTheme(undefined, { configDir: null }),
  startCommand: 'pods', input, output, terminal: 'xterm-256color', now: () => Date.now(),
  onScreen: (s) => {
    screen = s;
    const render = s.render.bind(s);
    s.render = () => {
      const t = performance.now();
      render();
      blessedMs = performance.now() - t;
    };
  },
  onFrame: (drawn) => {
    const end = performance.now();
    const cpu = frameStart && frameCpu ? process.cpuUsage(frameCpu) : undefined;
    frames.push({ ms: end - (frameStart || end), blessedMs: drawn ? blessedMs : 0, cpuMs: cpu ? (cpu.user + cpu.system) / 1000 : undefined, drawn, at: end });
    frameStart = 0;
  },
});

async function nextFrame(after, ms = 5000) {
  const deadline = performance.now() + ms;
  for (;;) {
    const f = frames.find((x) => x.at > after);
    if (f) return f;
    if (performance.now() > deadline) throw new Error('no frame');
    await sleep(1);
  }
}
const key1 = (ch, name = ch) => screen.emit('keypress', ch, { name, full: name, sequence: ch });
const quit = async () => {
  input.write('\x03');
  await Promise.race([done, sleep(1000)]);
};

// the first frame built the 100k rows; let it settle
await nextFrame(0);
await sleep(300);

if (mode === 'frame') {
  const scroll = [];
  const update = [];
  const blessedScroll = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    key1(undefined, 'down');
    const f = await nextFrame(t);
    scroll.push(f.ms);
    blessedScroll.push(f.blessedMs);
    await sleep(120);
  }
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const m = store.objects.get(`scale-1\u0000pods`);
    const o = [...m.values()][i * 97];
    store.put('scale-1', 'pods', { ...o, metadata: { ...o.metadata, resourceVersion: String(9e6 + i) }, status: { ...o.status, startTime: new Date().toISOString() } });
    const f = await nextFrame(t);
    update.push(f.ms);
    await sleep(150);
  }
  emit({ rows: contextsN * podsPer, scrollFrameMs: round(median(scroll), 2), scrollBlessedMs: round(median(blessedScroll), 2), updateFrameMs: round(median(update), 1), scrollRuns: scroll.map((x) => round(x, 2)), updateRuns: update.map((x) => round(x, 1)) });
} else if (mode === 'filter') {
  const text = arg('text', 'svc-42');
  // the table builds its rows' search texts in idle slices (<= 8 ms each) once it is built;
  // --idle 0 types at once, so the first key also finishes that building
  const idle = Number(arg('idle', '2000'));
  await sleep(idle);
  // the event loop's stalls: gaps between the runs of a 1 ms timer (minus that 1 ms)
  const stalls = [];
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    stalls.push({ at: now, ms: Math.max(0, now - lastTick - 1) });
    lastTick = now;
  }, 1);
  let t = performance.now();
  key1('/', undefined);
  await nextFrame(t);
  await sleep(300);
  const perKey = [];
  const perKeyStall = [];
  const perKeyCpu = [];
  for (const ch of text) {
    t = performance.now();
    key1(ch);
    await sleep(600); // the debounce (80 ms), the frame that applies the filter, its slices and the frame that shows its rows
    const fs = frames.filter((f) => f.at > t);
    perKey.push(Math.max(...fs.map((f) => f.ms)));
    perKeyCpu.push(Math.max(...fs.map((f) => f.cpuMs ?? 0)));
    perKeyStall.push(Math.max(0, ...stalls.filter((x) => x.at > t).map((x) => x.ms)));
  }
  clearInterval(ticker);
  emit({
    rows: contextsN * podsPer, text, idleMs: idle, worstFrameMs: round(Math.max(...perKey), 1), medianFrameMs: round(median(perKey), 1), perKeyMs: perKey.map((x) => round(x, 1)),
    medianStallMs: round(median(perKeyStall), 1), perKeyStallMs: perKeyStall.map((x) => round(x, 1)),
    // per keystroke the larger of the two: how long the event loop was held at most
    medianBlockMs: round(median(perKey.map((x, i) => Math.max(x, perKeyStall[i]))), 1),
    // the CPU time of the slowest frame per keystroke
    medianFrameCpuMs: round(median(perKeyCpu), 1),
  });
} else if (mode === 'churn') {
  const podMaps = names.map((c) => store.objects.get(`${c}\u0000pods`));
  const arrays = podMaps.map((m) => [...m.keys()]);
  let n = 0;
  let flip = false;
  const churn = (count) => {
    for (let i = 0; i < count; i++) {
      const ci = Math.floor(Math.random() * names.length);
      const ks = arrays[ci];
      const ki = Math.floor(Math.random() * ks.length);
      const o = podMaps[ci].get(ks[ki]);
      const rv = String(1e7 + ++n);
      flip = !flip;
      if (flip) store.put(names[ci], 'pods', { ...o, metadata: { ...o.metadata, resourceVersion: rv, labels: { ...o.metadata.labels, 'sim.fleetdeck.io/churn': String(n % 1000) } } });
      else if (Math.random() < 0.5) store.put(names[ci], 'pods', { ...o, metadata: { ...o.metadata, resourceVersion: rv }, status: { ...o.status, startTime: new Date().toISOString() } });
      else {
        // a replacement, as the sim's churn does it: the pod goes, a new one comes
        const name = `${o.metadata.name.replace(/-[a-z0-9]{5}$/, '')}-${Math.random().toString(36).slice(2, 7)}`;
        const created = { ...o, metadata: { ...o.metadata, name, uid: `${o.metadata.uid}-${n}`, resourceVersion: rv, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } };
        store.put(names[ci], 'pods', created, ks[ki]);
        ks[ki] = key(created);
      }
    }
  };
  const start = performance.now();
  const bytes0 = bytes;
  const frames0 = frames.length;
  const cpu0 = process.cpuUsage();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    churn(due - sent);
    sent = due;
    await sleep(10);
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const fs = frames.slice(frames0);
  emit({
    rows: contextsN * podsPer, events: sent, seconds: round(wall, 2), bytesPerSecond: Math.round((bytes - bytes0) / wall), frames: fs.length,
    frameMsMedian: round(median(fs.map((f) => f.ms)), 1), frameCpuMsMedian: round(median(fs.flatMap((f) => f.cpuMs ?? [])), 1),
    // the frames that wrote to the terminal (the others' text was what the screen showed)
    drawnFrames: fs.filter((f) => f.drawn).length, drawnFrameMsMedian: round(median(fs.filter((f) => f.drawn).map((f) => f.ms)), 1), frameMsMax: round(Math.max(...fs.map((f) => f.ms)), 1), cpuPercent: round((100 * (cpu.user + cpu.system)) / 1e6 / wall, 0),
  });
}
await quit();
process.exit(0);
