// The TUI vs k9s figures (bench/tui-vs-k9s.mjs) against the real control plane instead of the
// sim: kube-apiserver + etcd + kwok (tools/controlplane, built from the Go module proxy),
// started with `npm run cluster:up` in a state dir of its own, one context holding 10k pods
// that kwok keeps Running on its fake nodes, named as the sim names them (svc-N-<rs>-<5>) so
// the same screen checks and filter apply.
//   node bench/real-plane.mjs --k9s PATH [--pods 10000] [--rounds 3]
// Prints one JSON line: tui-vs-k9s's result plus { plane: { startSeconds, podsSeconds } }.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, emit, root, round, runScript, sleep } from './lib.mjs';

const k9s = arg('k9s');
if (!k9s) throw new Error('--k9s PATH is required');
const pods = Number(arg('pods', '10000'));
const rounds = arg('rounds', '3');
const NODES = ['kwok-node-0', 'kwok-node-1', 'kwok-node-2'];
const CONTEXT = 'real-admin';
const tsx = join(root, 'node_modules/.bin/tsx');
const state = mkdtempSync(join(tmpdir(), 'fleetdeck-real-plane-'));

function up() {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [join(root, 'test/controlplane/cli.ts'), 'up', state], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const kubeconfig = /export KUBECONFIG=(\S+)/.exec(out)?.[1];
      if (code === 0 && kubeconfig) resolve(kubeconfig);
      else reject(new Error(`cluster:up exit ${code}: ${err.trim().split('\n').slice(-8).join(' | ')}`));
    });
  });
}

const kubectl = (kubeconfig, args, input) => {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--context', CONTEXT, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim().slice(-500)}`);
  return r.stdout;
};

const rand = (n) => Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz2456789'[Math.floor(Math.random() * 27)]).join('');

/** 10 pods per "Deployment" name, 100 names per namespace, as the sim's scale scenario. */
function podList(count) {
  const items = [];
  const namespaces = Math.max(1, Math.round(count / 1000));
  for (let i = 0; i < count; i++) {
    const ns = `team-${(i % namespaces) + 1}`;
    const svc = Math.floor(i / namespaces / 10) % 100;
    items.push({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { namespace: ns, name: `svc-${svc}-6b8c${svc}f9d-${rand(5)}`, labels: { app: `svc-${svc}` } },
      spec: { nodeName: NODES[i % NODES.length], containers: [{ name: 'app', image: `registry.local/svc-${svc}:1.0.0` }] },
    });
  }
  return { namespaces, items };
}

let kubeconfig;
const t0 = performance.now();
try {
  kubeconfig = await up();
  const startSeconds = round((performance.now() - t0) / 1000, 1);
  const { namespaces, items } = podList(pods);
  const t1 = performance.now();
  for (let n = 1; n <= namespaces; n++) kubectl(kubeconfig, ['create', 'namespace', `team-${n}`]);
  const file = join(state, 'pods.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  kubectl(kubeconfig, ['create', '-f', file, '-o', 'name']);
  // kwok turns them Running; the figures start once it has (idle CPU would count the churn)
  for (const end = performance.now() + 600_000; ; await sleep(3000)) {
    const running = kubectl(kubeconfig, ['get', 'pods', '-A', '--field-selector=status.phase=Running', '-o', 'name']).split('\n').filter((l) => l.includes('/svc-')).length;
    if (running >= pods) break;
    if (performance.now() > end) throw new Error(`only ${running} of ${pods} pods Running after 10 min`);
  }
  const podsSeconds = round((performance.now() - t1) / 1000, 1);
  const r = await runScript('tui-vs-k9s.mjs', ['--k9s', k9s, '--rounds', rounds, '--pods', String(pods), '--kubeconfig', kubeconfig, '--context', CONTEXT]);
  emit({ ...r, plane: { startSeconds, podsSeconds, pods } });
} finally {
  spawnSync(tsx, [join(root, 'test/controlplane/cli.ts'), 'down', state], { cwd: root, stdio: 'ignore' });
  rmSync(state, { recursive: true, force: true });
}
process.exit(0);
