// `npm run test:cluster`: starts the real control plane once, runs the two-backend
// integration files against it (FLEETDECK_BACKENDS=sim,cluster adds the simulation), samples the control plane's memory,
// stops it, and exits with vitest's status. Without Go the tier says so loudly and, with
// CI=true, fails (test/integration/backends.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startControlPlane, type ControlPlane } from './harness.js';
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
let code = 1;
try {
  if (goAvailable()) {
    cp = await startControlPlane({ stateDir, log: (l) => console.error(`[controlplane] ${l}`) });
    const plane = cp;
    const sample = async () => (peak = Math.max(peak, await plane.rssBytes()));
    await sample();
    sampler = setInterval(() => void sample(), 1000);
  }
  const env = { ...process.env, FLEETDECK_BACKENDS: process.env.FLEETDECK_BACKENDS ?? 'cluster', ...(cp ? { FLEETDECK_CONTROLPLANE_DIR: cp.stateDir } : {}) };
  const args = ['vitest', 'run', ...(files.length ? files : twoBackendFiles())];
  const child = spawn('npx', args, { stdio: 'inherit', env, cwd: repoRoot });
  code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
} finally {
  clearInterval(sampler);
  if (cp) {
    console.error(`[controlplane] started in ${(cp.startupMs / 1000).toFixed(1)}s; peak RSS during the run ${(peak / 2 ** 20).toFixed(0)} MiB`);
    await cp.stop();
  }
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(code);
