// `fleetdeck logs` and stern side by side on the same 50 pods of the simulated fleet, in
// alternating rounds: time from start to the first line on stdout, peak RSS (the process and
// its children, sampled every 100 ms), CPU seconds used, and lines printed in the window.
//   node bench/logs-vs-stern.mjs --stern PATH [--rounds 3] [--seconds 20]
// Prints one JSON line: { rounds: [{ tool, firstLineSeconds, peakRssMB, cpuSeconds, lines }],
// median: { fleetdeck, stern }, ratio: fleetdeck / stern per figure }.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { arg, emit, median, MB, root, round, sleep, startSim, treeCpuSeconds, treeRss } from './lib.mjs';

const stern = arg('stern');
if (!stern) throw new Error('--stern PATH is required');
const rounds = Number(arg('rounds', '3'));
const seconds = Number(arg('seconds', '20'));

const sim = await startSim({ contexts: 1, namespaces: 1, deployments: 5, podsPerDeployment: 10 });
const ctx = sim.contexts[0];
// the same question to both: every pod of namespace team-1, the last line of each, then follow
const commands = {
  fleetdeck: [process.execPath, [join(root, 'dist/cli.js'), 'logs', `${ctx}/team-1/.`, '--kubeconfig', sim.kubeconfig, '--context', ctx, '--tail', '1', '--max-streams', '60']],
  stern: [stern, ['.', '-n', 'team-1', '--kubeconfig', sim.kubeconfig, '--context', ctx, '--tail', '1', '--max-log-requests', '60', '--color', 'never']],
};

async function measure(tool) {
  const [file, args] = commands[tool];
  const t0 = performance.now();
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let first;
  let lines = 0;
  let err = '';
  child.stdout.on('data', (d) => {
    first ??= (performance.now() - t0) / 1000;
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
  const exited = child.exitCode;
  child.kill('SIGINT');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  if (exited !== null || first === undefined) throw new Error(`${tool} ${exited !== null ? `exited ${exited}` : 'printed no line'}: ${err.slice(-500)}`);
  return { tool, firstLineSeconds: round(first, 3), peakRssMB: MB(peak), cpuSeconds: round(cpu, 2), lines };
}

const out = [];
try {
  for (let i = 0; i < rounds; i++) for (const tool of i % 2 ? ['stern', 'fleetdeck'] : ['fleetdeck', 'stern']) out.push(await measure(tool));
} finally {
  await sim.stop();
}
const keys = ['firstLineSeconds', 'peakRssMB', 'cpuSeconds', 'lines'];
const med = (tool) => Object.fromEntries(keys.map((k) => [k, median(out.filter((r) => r.tool === tool).map((r) => r[k]))]));
const m = { fleetdeck: med('fleetdeck'), stern: med('stern') };
emit({ rounds: out, median: m, ratio: Object.fromEntries(keys.map((k) => [k, round(m.fleetdeck[k] / m.stern[k], 2)])) });
