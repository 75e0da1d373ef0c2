// `npm run test:cluster` cleans up after itself when it is interrupted: SIGTERM (what a
// timeout sends) stops vitest and every control-plane process (etcd, kube-apiserver,
// controller-manager, scheduler, kwok, the Flux controllers, the fixture source server);
// SIGKILL (a crash: no handler runs) is covered by the reaper, which stops them once the
// tier's process is gone. Starts its own tiers (a *.cluster.test.ts file: only with the
// cluster backend selected).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../controlplane/harness.js';
import { waitUntil } from '../helpers/wait.js';
import { backends } from './backends.js';

const PROCESSES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok',
  'source-controller', 'kustomize-controller', 'helm-controller', 'flux-sources', 'reaper',
  // the address kwok's port-forward dials (issue 17)
  'echo-target'];

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Starts `run-tier.ts` on one quick file; resolves with its state dir and the pids it launched once the plane is up. */
async function startTier(): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stateDir: string; pids: Map<string, number> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, FLEETDECK_BACKENDS: 'cluster' };
  delete env.FLEETDECK_CONTROLPLANE_DIR;
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/controlplane/run-tier.ts'), 'test/integration/crd-runtime-backends.test.ts'], {
    cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const stateDir = await waitUntil('the tier started', async () => /control plane up in \d+ms \(state: ([^)]+)\)/.exec(err)?.[1], { timeoutMs: 240_000, intervalMs: 200 });
  const pidDir = join(stateDir, 'pids');
  const pids = new Map(readdirSync(pidDir).map((f) => [f.replace(/\.pid$/, ''), Number(readFileSync(join(pidDir, f), 'utf8'))]));
  return { child, exited, stateDir, pids };
}

for (const backend of backends.filter((b) => b.name === 'cluster')) {
  describe(`interrupting npm run test:cluster (${backend.name})`, () => {
    it('SIGTERM: exits 143 with every process it started stopped and its state removed', async () => {
      const { child, exited, stateDir, pids } = await startTier();
      expect([...pids.keys()].sort()).toEqual([...PROCESSES].sort());
      for (const [name, pid] of pids) expect(alive(pid), name).toBe(true);
      child.kill('SIGTERM');
      const end = await exited;
      expect(end).toEqual({ code: 143, signal: null });
      // the reaper removes the state dir once the tier's process is gone
      await waitUntil('every process stopped and the state dir removed', async () => [...pids.values()].every((p) => !alive(p)) && !existsSync(stateDir), { timeoutMs: 60_000, intervalMs: 200 });
      for (const [name, pid] of pids) expect(alive(pid), name).toBe(false);
    }, 360_000);

    it('SIGKILL (a crash, no handler runs): the reaper stops every process', async () => {
      const { child, exited, stateDir, pids } = await startTier();
      child.kill('SIGKILL');
      expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
      await waitUntil('every control-plane process stopped and the state dir removed', async () => [...pids.values()].every((p) => !alive(p)) && !existsSync(stateDir), { timeoutMs: 90_000, intervalMs: 200 });
      for (const [name, pid] of pids) expect(alive(pid), name).toBe(false);
    }, 360_000);
  });
}
