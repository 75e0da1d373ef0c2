// `npm run test:cluster`: starts the real control plane once, runs the two-backend
// integration files against it (FLEETDECK_BACKENDS=sim,cluster adds the simulation), samples the control plane's memory,
// stops it, and exits with vitest's status. SIGINT/SIGTERM/SIGHUP stop vitest and every
// control-plane process before exiting; a crash or SIGKILL is covered by the reaper. Without Go the tier says so loudly and, with
// CI=true, fails (test/integration/backends.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killBuilds, repoRoot, startControlPlane, stopControlPlane, type ControlPlane } from './harness.js';
import { goAvailable } from '../integration/backends.js';

/** Every integration file written over the two backends (the sim half already ran in npm test). */
function twoBackendFiles(): string[] {
  const dir = join(repoRoot, 'test', 'integration');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts') && readFileSync(join(dir, f), 'utf8').includes("from './backends.js'"))
    .map((f) => join('test', 'integration', f));
}

const files = process.argv.slice(2);
const stateDir = mkdtempSync(join(tmpdir(), 'fleetdeck-tier-'));
let cp: ControlPlane | undefined;
let peak = 0;
let sampler: NodeJS.Timeout | undefined;
let child: ChildProcess | undefined;
let code = 1;
let stopping: Promise<void> | undefined;

/**
 * Stops what this run started (builds, vitest, the control plane) exactly once. On a signal
 * the reaper is left running: it stops anything launched after this pass once this process
 * has exited, and removes the state dir.
 */
function cleanup(signalled = false): Promise<void> {
  stopping ??= (async () => {
    clearInterval(sampler);
    killBuilds();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (cp) console.error(`[controlplane] started in ${(cp.startupMs / 1000).toFixed(1)}s; peak RSS during the run ${(peak / 2 ** 20).toFixed(0)} MiB`);
    await stopControlPlane(stateDir, { keepReaper: signalled });
    if (!signalled) rmSync(stateDir, { recursive: true, force: true });
  })();
  return stopping;
}

// a timeout (SIGTERM) or ^C ends the run: every process it started stops, then exit 128+n
for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
  process.on(sig, () => {
    console.error(`[controlplane] ${sig}: stopping the control plane`);
    void cleanup(true).finally(() => process.exit(128 + n));
  });
}

try {
  if (goAvailable()) {
    // the reaper stops the plane if this process dies without cleaning up (a crash, SIGKILL)
    cp = await startControlPlane({ stateDir, ownerPid: process.pid, reapRemovesState: true, log: (l) => console.error(`[controlplane] ${l}`) });
    const plane = cp;
    const sample = async () => (peak = Math.max(peak, await plane.rssBytes()));
    await sample();
    sampler = setInterval(() => void sample(), 1000);
  }
  const env = { ...process.env, FLEETDECK_BACKENDS: process.env.FLEETDECK_BACKENDS ?? 'cluster', ...(cp ? { FLEETDECK_CONTROLPLANE_DIR: cp.stateDir } : {}) };
  const args = ['run', ...(files.length ? files : twoBackendFiles())];
  child = spawn(join(repoRoot, 'node_modules', '.bin', 'vitest'), args, { stdio: 'inherit', env, cwd: repoRoot });
  const vitest = child;
  code = await new Promise<number>((res) => vitest.on('close', (c) => res(c ?? 1)));
} finally {
  await cleanup();
}
process.exit(code);
