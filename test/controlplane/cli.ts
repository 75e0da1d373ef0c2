// `npm run cluster:up` / `cluster:down`: the real control plane in the user's state dir,
// left running between the two commands. `up` also applies a fixture fleet like the demo's
// (flux-fixtures.ts fixtureFleet) that the real Flux controllers reconcile from the fixture
// Git and Helm repositories, and prints their URLs next to the kubeconfig.
import { rm } from 'node:fs/promises';
import { stringify } from 'yaml';
import { defaultStateDir, startControlPlane, stopControlPlane } from './harness.js';
import { fixtureFleet, publishFleetSources } from './flux-fixtures.js';

const [cmd, dirArg] = process.argv.slice(2);
const stateDir = dirArg ?? defaultStateDir();

if (cmd === 'up') {
  const cp = await startControlPlane({ stateDir, log: (l) => console.error(l) });
  const urls = await publishFleetSources(cp.sources, 'fleet', 'apps');
  const objects = fixtureFleet('flux-system', urls, 'apps');
  const applied = await cp.kubectl(['apply', '--server-side', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
  if (applied.code !== 0) throw new Error(`applying the fixture fleet failed: ${applied.stderr}`);
  // the healthy part settles within seconds; the failing part is meant to fail
  const waited = await cp.kubectl(['wait', '-n', 'flux-system', '--for=condition=Ready', '--timeout=90s', 'kustomization/infra', 'kustomization/apps', 'helmrelease/demo']);
  if (waited.code !== 0) console.error(`the fixture fleet is not Ready yet: ${waited.stderr.trim()}`);
  const mib = (await cp.rssBytes()) / 1024 / 1024;
  console.log(`kube-apiserver ${cp.server} up in ${(cp.startupMs / 1000).toFixed(1)}s, control plane RSS ${mib.toFixed(0)} MiB`);
  console.log(`export KUBECONFIG=${cp.kubeconfigPath}   # contexts: ${cp.adminContext}, ${cp.restrictedContext}`);
  console.log(`fixture Git repository: ${urls.git} (revision ${urls.revision}); push to it with: git push ${cp.sources.gitRoot}/fleet.git main`);
  console.log(`fixture Helm repository: ${urls.helm}`);
  console.log(`flux CLI: ${cp.fluxBinDir}/flux get ks -A   # real source-, kustomize- and helm-controller run against this plane`);
  console.log('stop with: npm run cluster:down');
} else if (cmd === 'down') {
  await stopControlPlane(stateDir);
  await rm(stateDir, { recursive: true, force: true });
  console.log(`control plane in ${stateDir} stopped and removed`);
} else {
  console.error('usage: cli.ts up|down [STATE_DIR]');
  process.exit(2);
}
