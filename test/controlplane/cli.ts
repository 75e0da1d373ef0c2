// `npm run cluster:up` / `cluster:down`: the real control plane in the user's state dir,
// left running between the two commands.
import { rm } from 'node:fs/promises';
import { defaultStateDir, startControlPlane, stopControlPlane } from './harness.js';

const [cmd, dirArg] = process.argv.slice(2);
const stateDir = dirArg ?? defaultStateDir();

if (cmd === 'up') {
  const cp = await startControlPlane({ stateDir, log: (l) => console.error(l) });
  const mib = (await cp.rssBytes()) / 1024 / 1024;
  console.log(`kube-apiserver ${cp.server} up in ${(cp.startupMs / 1000).toFixed(1)}s, control plane RSS ${mib.toFixed(0)} MiB`);
  console.log(`export KUBECONFIG=${cp.kubeconfigPath}   # contexts: ${cp.adminContext}, ${cp.restrictedContext}`);
  console.log('stop with: npm run cluster:down');
} else if (cmd === 'down') {
  await stopControlPlane(stateDir);
  await rm(stateDir, { recursive: true, force: true });
  console.log(`control plane in ${stateDir} stopped and removed`);
} else {
  console.error('usage: cli.ts up|down [STATE_DIR]');
  process.exit(2);
}
