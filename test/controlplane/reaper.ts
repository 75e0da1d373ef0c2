// Stops a control plane when the process that started it is gone without stopping it (a
// crash, SIGKILL, a killed terminal): polls the owner's pid twice a second, then ends every
// process named by the state dir's pid files (itself excepted) and, with --remove, deletes
// the state dir. Started detached by harness.ts (StartOptions.ownerPid).
// Run: node --import tsx test/controlplane/reaper.ts --owner=PID --state=DIR [--remove]
import { rm } from 'node:fs/promises';
import { stopControlPlane } from './harness.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const owner = Number(arg('owner'));
const stateDir = arg('state');
if (!owner || !stateDir) {
  console.error('usage: reaper.ts --owner=PID --state=DIR [--remove]');
  process.exit(2);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// stop() ends the reaper with SIGTERM before the rest: then there is nothing to do
process.on('SIGTERM', () => process.exit(0));
const timer = setInterval(() => {
  if (alive(owner)) return;
  clearInterval(timer);
  console.error(`${new Date().toISOString()} owner ${owner} is gone: stopping the control plane in ${stateDir}`);
  void stopControlPlane(stateDir, { keep: process.pid })
    .then(() => (process.argv.includes('--remove') ? rm(stateDir, { recursive: true, force: true }) : undefined))
    .finally(() => process.exit(0));
}, 500);
