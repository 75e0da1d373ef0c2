// Issue 22, many contexts: the real CLI's Fleet view (`node dist/cli.js --all-contexts`, the
// home view) in a pty (node-pty, 200x60, screen read through @xterm/headless) against N sim
// contexts served by another process, each with ~100 API groups. Measured from spawn until
// every context's row is filled: STATE ready, no `?` (a count over kinds not yet synced) and a
// PROBLEMS number without `+`. `--cache-dir D` is the XDG_CACHE_HOME of the run (the
// discovery cache lives under it): an empty one is a cold start, a used one a warm start.
// `--sim-pid P` adds the sim's CPU seconds over the run.
// Prints one JSON line: {filledMs, firstPaintMs, contexts, cpuSeconds (the TUI's until filled), simCpuSeconds?,
// quitMs (q to the process gone; absent when it did not exit within 5 s)}.
import pty from 'node-pty';
import xterm from '@xterm/headless';
import { join } from 'node:path';
import { arg, emit, root, round, sleep, treeCpuSeconds } from '/work/main/bench/lib.mjs';

const kubeconfig = arg('kubeconfig');
const contexts = arg('contexts').split(',');
const cacheDir = arg('cache-dir');
// the sim's pid (optional): its CPU seconds over the run are reported beside the TUI's
const simPid = arg('sim-pid');
const cols = 200;
const rows = Math.max(60, contexts.length + 10);
const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
const args = [...(process.env.XFLAGS ? process.env.XFLAGS.split(' ') : []), join(root, 'dist/cli.js'), '--kubeconfig', kubeconfig, '--all-contexts', '--readonly'];
const sim0 = simPid ? treeCpuSeconds(Number(simPid)) : 0;
const t0 = performance.now();
const p = pty.spawn(process.execPath, args, {
  name: 'xterm-256color', cols, rows, cwd: root,
  env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', XDG_CACHE_HOME: cacheDir, XDG_CONFIG_HOME: join(root, '.fleetdeck-tmp', 'bench-config') },
});
let firstPaint = 0;
let exited = false;
p.onData((d) => {
  if (!firstPaint && d.includes('fleetdeck')) firstPaint = performance.now() - t0;
  term.write(d);
});
p.onExit(() => (exited = true));

function screen() {
  const b = term.buffer.active;
  const out = [];
  for (let i = 0; i < rows; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
  return out;
}

const want = new Set(contexts);
function filled() {
  const done = new Set();
  for (const line of screen()) {
    const m = /^\s*\*?(\S+)\s+ready\s+(.*)$/.exec(line);
    if (!m || !want.has(m[1])) continue;
    const rest = m[2];
    if (rest.includes('?') || / -\s/.test(` ${rest} `)) continue;
    // PROBLEMS: a plain count (a `+` says some kinds are still syncing)
    if (!/\bbad\s+\d+\s/.test(`${rest} `)) continue;
    done.add(m[1]);
  }
  return done.size === want.size;
}

const deadline = performance.now() + 120_000;
let filledAt = 0;
let cpu = {};
while (!exited && performance.now() < deadline) {
  await sleep(10);
  if (filled()) {
    filledAt = performance.now() - t0;
    // CPU seconds spent until then: the TUI's, and the sim's when its pid is given
    cpu = { cpuSeconds: treeCpuSeconds(p.pid), ...(simPid ? { simCpuSeconds: round(treeCpuSeconds(Number(simPid)) - sim0, 2) } : {}) };
    break;
  }
}
const last = screen().join('\n');
// quitting: from the key to the process gone (every watch of every context closed)
const q0 = performance.now();
p.write('q');
const quitBy = q0 + 5000;
while (!exited && performance.now() < quitBy) await sleep(5);
const quitMs = exited ? round(performance.now() - q0, 0) : undefined;
if (!exited) p.kill();
if (!filledAt) throw new Error(`rows not filled within 120 s; screen:\n${last}`);
emit({ filledMs: round(filledAt, 0), firstPaintMs: round(firstPaint, 0), contexts: contexts.length, ...cpu, quitMs });
process.exit(0);
