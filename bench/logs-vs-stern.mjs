// `fleetdeck logs` and stern side by side on the simulated fleet, in alternating rounds, two
// figures, each tool a fresh process:
//   tail:  the same 50 pods (1 line/s each), `--tail 1` then follow: time from start to the first
//          line on stdout, peak RSS (the process and its children, sampled every 100 ms), CPU
//          seconds used, and lines printed in the window;
//   load:  100 pods each writing --load-rate lines/s (the sim's log generator), `--tail 0` then
//          follow: lines per second printed from the first line to the end of the window (the
//          start-up is the other figure's), with the RSS and CPU that took.
//   node bench/logs-vs-stern.mjs --stern PATH [--rounds 3] [--seconds 20] [--load-rate 100]
// Prints one JSON line: { rounds, median: { fleetdeck, stern }, ratio: fleetdeck / stern per
// figure, per round (ratios[]) and of the medians, load: the same for the load figure }.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { arg, emit, median, MB, root, round, sleep, startSim, treeCpuSeconds, treeRss } from './lib.mjs';

const stern = arg('stern');
if (!stern) throw new Error('--stern PATH is required');
const rounds = Number(arg('rounds', '3'));
const seconds = Number(arg('seconds', '20'));
const loadRate = Number(arg('load-rate', '100'));

/** The same question to both: every pod of namespace team-1 of the context, `tail` last lines of each, then follow. */
function commands(sim, tail, maxStreams) {
  const ctx = sim.contexts[0];
  return {
    fleetdeck: [process.execPath, [join(root, 'dist/cli.js'), 'logs', `${ctx}/team-1/.`, '--kubeconfig', sim.kubeconfig, '--context', ctx, '--tail', String(tail), '--max-streams', String(maxStreams)]],
    stern: [stern, ['.', '-n', 'team-1', '--kubeconfig', sim.kubeconfig, '--context', ctx, '--tail', String(tail), '--max-log-requests', String(maxStreams), '--color', 'never']],
  };
}

// Node's floor: a node process (the same binary, no flags) that prints one line and idles. Its
// first line and CPU are what any Node program pays before its own code runs, beside stern's.
const nodeFloor = [process.execPath, ['-e', "process.stdout.write('floor\\n'); setInterval(() => {}, 1 << 30)"]];

async function measure(tool, [file, args]) {
  const t0 = performance.now();
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let first;
  let lines = 0;
  let err = '';
  child.stdout.on('data', (d) => {
    first ??= performance.now();
    for (const b of d) if (b === 10) lines++;
  });
  child.stderr.on('data', (d) => (err += d));
  let peak = 0;
  let cpu = 0;
  const end = t0 + seconds * 1000;
  while (performance.now() < end && child.exitCode === null) {
    try {
      peak = Math.max(peak, treeRss(child.pid));
      cpu = treeCpuSeconds(child.pid);
    } catch {
      // it ended between samples
    }
    await sleep(100);
  }
  const stopped = performance.now();
  const exited = child.exitCode;
  child.kill('SIGINT');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  if (exited !== null || first === undefined) throw new Error(`${tool} ${exited !== null ? `exited ${exited}` : 'printed no line'}: ${err.slice(-500)}`);
  return {
    tool,
    firstLineSeconds: round((first - t0) / 1000, 3),
    peakRssMB: MB(peak),
    cpuSeconds: round(cpu, 2),
    lines,
    linesPerSecond: round(lines / ((stopped - first) / 1000), 0),
  };
}

/** `rounds` alternating rounds on one sim; medians, and fleetdeck / stern per round and of the medians. */
async function figure(simOpts, tail, maxStreams, keys, { floor = false } = {}) {
  const sim = await startSim(simOpts);
  const cmds = { ...commands(sim, tail, maxStreams), ...(floor ? { 'node-floor': nodeFloor } : {}) };
  const out = [];
  try {
    for (let i = 0; i < rounds; i++) {
      for (const tool of i % 2 ? ['stern', 'fleetdeck'] : ['fleetdeck', 'stern']) out.push(await measure(tool, cmds[tool]));
      if (floor) out.push(await measure('node-floor', cmds['node-floor']));
    }
  } finally {
    await sim.stop();
  }
  const of = (tool) => out.filter((r) => r.tool === tool);
  const med = (tool) => Object.fromEntries(keys.map((k) => [k, median(of(tool).map((r) => r[k]))]));
  const m = { fleetdeck: med('fleetdeck'), stern: med('stern') };
  const ratios = of('fleetdeck').map((f, i) => Object.fromEntries(keys.map((k) => [k, round(f[k] / of('stern')[i][k], 2)])));
  const ratio = Object.fromEntries(keys.map((k) => [k, round(m.fleetdeck[k] / m.stern[k], 2)]));
  if (!floor) return { rounds: out, median: m, ratios, ratio, sim: sim.command };
  const f = med('node-floor');
  return {
    rounds: out, median: { ...m, nodeFloor: f }, ratios, ratio, sim: sim.command,
    // what Node alone costs, over stern: a ratio at or above a target says no Node program meets it
    nodeFloorRatio: { firstLineSeconds: round(f.firstLineSeconds / m.stern.firstLineSeconds, 2), cpuSeconds: round(f.cpuSeconds / m.stern.cpuSeconds, 2), peakRssMB: round(f.peakRssMB / m.stern.peakRssMB, 2) },
  };
}

const tail = await figure({ contexts: 1, namespaces: 1, deployments: 5, podsPerDeployment: 10 }, 1, 60, ['firstLineSeconds', 'peakRssMB', 'cpuSeconds', 'lines'], { floor: true });
const load = await figure({ contexts: 1, namespaces: 1, deployments: 10, podsPerDeployment: 10, logRate: loadRate }, 0, 110, ['linesPerSecond', 'peakRssMB', 'cpuSeconds', 'firstLineSeconds']);
emit({ ...tail, load: { pods: 100, linesPerSecondPerPod: loadRate, ...load } });
