// The TUI and kubectl side by side on the same simulated contexts, alternating rounds (issue 22):
//   one   one context of 10k pods: the TUI (`--context C --command :pods --readonly`) in a pty
//         (node-pty, 200x50, drawn by a headless xterm) against `kubectl get pods -A -w` on the
//         same context. tableSeconds: spawn → the TUI shows pod rows with no "not whole" notice
//         under them and every pod counted in the title / kubectl has printed its header and every
//         pod's line;
//         rssMB: RSS of the process tree SETTLE s after that, watching.
//   all   N contexts × 10k pods: the TUI with `--all-contexts --command :pods --readonly` against
//         N `kubectl get pods -A -w`, one per context, started together. tableSeconds: spawn →
//         the TUI shows pod rows, no "not whole" notice, and every pod counted in its title / the
//         last of the kubectl processes has printed its every pod's line; rssMB as above (kubectl:
//         the N processes summed).
// Both tools see the same server: the sim runs in its own process (its own, or the one given
// with --kubeconfig and --contexts, as `npm run bench` does).
//   node bench/tui-vs-kubectl.mjs [--kubeconfig K --contexts c1,...,cN] [--pods-per-context 10000]
//        [--rounds 3] [--settle 20] [--only one,all]
// Prints one JSON line: { one: { rounds, median, ratio }, all: { rounds, median, ratio } }, each
// ratio fleetdeck / kubectl of the medians, and each round with its own ratio.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, emit, median, MB, root, round, sleep, startSim, treeRss } from './lib.mjs';
import { ptySession } from './pty.mjs';

const rounds = Number(arg('rounds', '3'));
const settle = Number(arg('settle', '20'));
const only = new Set(arg('only', 'one,all').split(','));
const COLS = 200;
const ROWS = 50;
const POD = /svc-\d+-[a-z0-9]+-[a-z0-9]{5}/;

let sim;
let kubeconfig = arg('kubeconfig');
let contexts = arg('contexts')?.split(',');
let podsPerContext = Number(arg('pods-per-context', '10000'));
if (!kubeconfig) {
  const n = Number(arg('n', '10'));
  sim = await startSim({ contexts: n, namespaces: Math.max(1, Math.round(podsPerContext / 1000)), deployments: 100, podsPerDeployment: 10 });
  kubeconfig = sim.kubeconfig;
  contexts = sim.contexts;
  podsPerContext = Math.max(1, Math.round(podsPerContext / 1000)) * 1000;
}

/** The pod table is shown whole: pod rows, no "not whole" notice under them, and its title counts every pod of `n` contexts. */
function whole(lines, n) {
  return lines.some((l) => POD.test(l)) && !lines.some((l) => l.startsWith('not whole:')) && lines.some((l) => l.includes(` pods [${n * podsPerContext}] `));
}

async function tui(names) {
  const scope = names.length === contexts.length && names.length > 1 ? ['--all-contexts'] : names.flatMap((c) => ['--context', c]);
  const s = ptySession('tui', process.execPath, [join(root, 'dist/cli.js'), '--kubeconfig', kubeconfig, ...scope, '--command', ':pods', '--readonly'], { cols: COLS, rows: ROWS });
  const { p, t0 } = s;
  try {
    let shownAt;
    let firstRowAt;
    const end = t0 + 180_000;
    for (;;) {
      const lines = await s.screen();
      const now = performance.now();
      if (firstRowAt === undefined && lines.some((l) => POD.test(l))) firstRowAt = now;
      if (whole(lines, names.length)) {
        shownAt = now;
        break;
      }
      if (s.exited() || now > end) throw new Error(`fleetdeck: the pod table was not whole in 180 s${s.exited() ? ' (it exited)' : ''}; screen:\n${lines.join('\n')}`);
      await sleep(20);
    }
    await sleep(settle * 1000);
    return { tool: 'fleetdeck', tableSeconds: round((shownAt - t0) / 1000, 3), firstRowSeconds: round((firstRowAt - t0) / 1000, 3), rssMB: MB(treeRss(p.pid)) };
  } finally {
    await s.stop();
  }
}

async function kubectl(names) {
  const home = mkdtempSync(join(tmpdir(), 'fd-bench-kubectl-'));
  const t0 = performance.now();
  const kids = names.map((c) => {
    // its own HOME: no discovery or HTTP cache from an earlier round
    const k = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', c, 'get', 'pods', '-A', '-w'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: join(home, c) } });
    const x = { k, lines: 0, doneAt: undefined, err: '' };
    k.stdout.on('data', (d) => {
      for (const b of d) if (b === 10) x.lines++;
      if (x.doneAt === undefined && x.lines >= podsPerContext + 1) x.doneAt = performance.now();
    });
    k.stderr.on('data', (d) => (x.err += d));
    return x;
  });
  try {
    while (kids.some((x) => x.doneAt === undefined)) {
      const gone = kids.find((x) => x.k.exitCode !== null);
      if (gone) throw new Error(`kubectl exited (${gone.k.exitCode}): ${gone.err.slice(-500)}`);
      if (performance.now() - t0 > 180_000) throw new Error('kubectl did not print its tables in 180 s');
      await sleep(20);
    }
    const last = Math.max(...kids.map((x) => x.doneAt));
    await sleep(settle * 1000);
    const rss = kids.reduce((a, x) => a + treeRss(x.k.pid), 0);
    return { tool: 'kubectl', tableSeconds: round((last - t0) / 1000, 3), rssMB: MB(rss) };
  } finally {
    for (const x of kids) x.k.kill('SIGTERM');
    await Promise.all(kids.map((x) => (x.k.exitCode !== null ? undefined : new Promise((r) => x.k.once('exit', r)))));
    rmSync(home, { recursive: true, force: true });
  }
}

const KEYS = ['tableSeconds', 'rssMB'];

/** Alternating rounds of both tools on `names`; each round with its ratios, then the medians'. */
async function figure(id, names) {
  const out = [];
  for (let i = 0; i < rounds; i++) {
    const round_ = {};
    for (const tool of i % 2 ? ['kubectl', 'fleetdeck'] : ['fleetdeck', 'kubectl']) {
      round_[tool] = tool === 'fleetdeck' ? await tui(names) : await kubectl(names);
      process.stderr.write(`[tui-vs-kubectl] ${id} round ${i + 1}: ${JSON.stringify(round_[tool])}\n`);
    }
    round_.ratio = Object.fromEntries(KEYS.map((k) => [k, round(round_.fleetdeck[k] / round_.kubectl[k], 3)]));
    out.push(round_);
  }
  const med = (tool) => Object.fromEntries([...KEYS, ...(tool === 'fleetdeck' ? ['firstRowSeconds'] : [])].map((k) => [k, median(out.map((r) => r[tool][k]))]));
  const m = { fleetdeck: med('fleetdeck'), kubectl: med('kubectl') };
  return { contexts: names.length, podsPerContext, rounds: out, median: m, ratio: Object.fromEntries(KEYS.map((k) => [k, round(m.fleetdeck[k] / m.kubectl[k], 3)])) };
}

const result = {};
try {
  if (only.has('one')) result.one = await figure('one', contexts.slice(0, 1));
  if (only.has('all')) result.all = await figure('all', contexts);
} finally {
  await sim?.stop();
}
emit(result);
process.exit(0);
