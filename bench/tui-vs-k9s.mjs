// The TUI and k9s side by side on the same simulated context of 10k pods, each in a pty
// (node-pty, 200x50) whose output is drawn by a headless xterm, in alternating rounds:
//   rowsSeconds    spawn → the first pod row on screen
//   rssMB          RSS of the process tree after SETTLE s of watching
//   idleCpuPercent CPU used over IDLE s after that, nothing typed (% of one core)
//   filterSeconds  the last keystroke of `/svc-42` → a screen whose pod rows are all svc-42-*
// Both are started as a user would: fleetdeck `--command :pods --readonly`, k9s `-c pods -A
// --readonly`, each with an empty config directory of its own.
//   node bench/tui-vs-k9s.mjs --k9s PATH [--rounds 3] [--pods 10000] [--settle 20] [--idle 20]
//                             [--kubeconfig K --context C]
// Prints one JSON line: { rounds: [...], median: { fleetdeck, k9s }, ratio: fleetdeck / k9s }.
import { join } from 'node:path';
import { arg, emit, median, MB, root, round, sleep, startSim, treeCpuSeconds, treeRss } from './lib.mjs';
import { ptySession } from './pty.mjs';

const k9s = arg('k9s');
if (!k9s) throw new Error('--k9s PATH is required');
const rounds = Number(arg('rounds', '3'));
const pods = Number(arg('pods', '10000'));
const settle = Number(arg('settle', '20'));
const idle = Number(arg('idle', '20'));
const COLS = 200;
const ROWS = 50;
const POD = /svc-\d+-[a-z0-9]+-[a-z0-9]{5}/g;
// typed: the last key turns svc-4* rows (svc-4-, svc-40- … svc-49-) into svc-42- rows only,
// so the screen must change after it
const FILTER = 'svc-42';
const MATCH = 'svc-42-';

// --kubeconfig K --context C: a cluster that already holds the pods (bench/real-plane.mjs: the
// real control plane with kwok pods named as the sim names them), instead of a sim of our own
const given = arg('kubeconfig');
const sim = given
  ? { kubeconfig: given, contexts: [arg('context')], stop: async () => {} }
  : await startSim({ contexts: 1, namespaces: Math.max(1, Math.round(pods / 1000)), deployments: 100, podsPerDeployment: 10 });
const ctx = sim.contexts[0];

function command(tool) {
  return tool === 'fleetdeck'
    ? [process.execPath, [join(root, 'dist/cli.js'), '--kubeconfig', sim.kubeconfig, '--context', ctx, '--command', ':pods', '--readonly']]
    : [k9s, ['--kubeconfig', sim.kubeconfig, '--context', ctx, '-c', 'pods', '-A', '--readonly', '--logoless']];
}

const podRows = (lines) => lines.filter((l) => l.match(POD));

async function waitScreen(s, pred, ms, what) {
  const end = performance.now() + ms;
  for (;;) {
    const lines = await s.screen();
    if (pred(lines)) return performance.now();
    if (performance.now() > end) throw new Error(`${what} not seen in ${ms / 1000} s; screen:\n${lines.join('\n')}`);
    await sleep(10);
  }
}

async function measure(tool) {
  const s = ptySession(tool, ...command(tool), { cols: COLS, rows: ROWS });
  const { p, t0 } = s;
  let rowsAt;
  let raw = '';
  s.onData((d) => {
    if (rowsAt === undefined) {
      raw += d;
      if (POD.test(raw)) rowsAt = performance.now();
      POD.lastIndex = 0;
      if (raw.length > 1 << 20) raw = raw.slice(-4096);
    }
  });
  try {
    const end = t0 + 120_000;
    while (rowsAt === undefined && !s.exited() && performance.now() < end) await sleep(5);
    if (rowsAt === undefined) throw new Error(`${tool} showed no pod row in 120 s${s.exited() ? ' (it exited)' : ''}; screen:\n${(await s.screen()).join('\n')}`);
    await sleep(settle * 1000);
    const rss = treeRss(p.pid);
    const cpu0 = treeCpuSeconds(p.pid);
    const i0 = performance.now();
    await sleep(idle * 1000);
    const idleCpu = ((treeCpuSeconds(p.pid) - cpu0) / ((performance.now() - i0) / 1000)) * 100;
    // the filter, typed as a user types it: a key every 150 ms; timed from the last key
    p.write('/');
    await sleep(300);
    for (const ch of FILTER.slice(0, -1)) {
      p.write(ch);
      await sleep(150);
    }
    const k = performance.now();
    p.write(FILTER.at(-1));
    const shown = await waitScreen(s, (lines) => {
      const rows = podRows(lines);
      return rows.length > 0 && rows.every((l) => l.includes(MATCH));
    }, 60_000, `${tool}: only ${MATCH} rows`);
    return { tool, rowsSeconds: round((rowsAt - t0) / 1000, 3), rssMB: MB(rss), idleCpuPercent: round(idleCpu, 2), filterSeconds: round((shown - k) / 1000, 3) };
  } finally {
    await s.stop();
  }
}

const out = [];
try {
  for (let i = 0; i < rounds; i++) for (const tool of i % 2 ? ['k9s', 'fleetdeck'] : ['fleetdeck', 'k9s']) {
    const r = await measure(tool);
    process.stderr.write(`[tui-vs-k9s] ${JSON.stringify(r)}\n`);
    out.push(r);
  }
} finally {
  await sim.stop();
}
const keys = ['rowsSeconds', 'rssMB', 'idleCpuPercent', 'filterSeconds'];
const med = (tool) => Object.fromEntries(keys.map((key) => [key, median(out.filter((r) => r.tool === tool).map((r) => r[key]))]));
const m = { fleetdeck: med('fleetdeck'), k9s: med('k9s') };
emit({ rounds: out, median: m, ratio: Object.fromEntries(keys.map((key) => [key, round(m.fleetdeck[key] / m.k9s[key], 3)])) });
process.exit(0);
