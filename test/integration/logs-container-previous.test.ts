// `fleetdeck logs` where nothing can be tailed, said as kubectl says it, never a silent wait:
// -c matching none of a named pod's containers is kubectl's `error: container X is not valid
// for pod P` (exit 1); for a workload's pods it is said once and the tail waits for pods that
// have one (as stern waits). --previous with no previous instance: each container's error once
// (a tester saw each message repeat every earlier one) and exit 1, as kubectl logs -p.
// The lean store (as `fleetdeck logs` runs) over HTTPS against the simulated fleet.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogsCommand, type LogsCommandOptions } from '../../src/cli/logs.js';
import { LeanStore } from '../../src/fleet/lean.js';
import { loadKubeconfig } from '../../src/kube/kubeconfig.js';
import type { BuiltCluster } from '../../src/sim/build-cluster.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import { startLogsFleet, webDeployment } from './helpers/logs-fleet.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let clusters: BuiltCluster[] = [];

beforeAll(async () => {
  ({ fleet, clusters } = await startLogsFleet());
  // three pods in east: several streams, so a repeated message would show
  const d = clusters[0].store.get('deployments.apps', 'shop', 'web')!;
  clusters[0].store.update('deployments.apps', { ...d, spec: { ...webDeployment(3).spec } });
}, 30_000);

afterAll(async () => {
  await fleet?.stop();
});

/** Runs the command on a lean store of east until it ends, or until `until(stderr)` (then stopped). */
async function run(target: string, opts: LogsCommandOptions, until?: (err: string) => boolean): Promise<{ code: number; out: string; err: string }> {
  const store = new LeanStore({ contexts: ['east'], merged: loadKubeconfig({ kubeconfig: fleet.kubeconfigPath }), discover: target.includes('/') && !target.startsWith('shop/') });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ac = new AbortController();
  try {
    const done = runLogsCommand(target, { namespace: 'shop', ...opts }, { store, contexts: ['east'], stdout, stderr, signal: ac.signal });
    if (until) {
      await waitFor(() => until(err), `stderr of ${target}`, 20_000);
      ac.abort();
    }
    const code = await done;
    return { code, out, err };
  } finally {
    ac.abort();
    await store.close();
  }
}

const eastPods = (): string[] => clusters[0].store.list('pods', 'shop').map((p) => p.metadata.name).sort();

describe('fleetdeck logs: nothing to tail is said', () => {
  it('-c matching no container of a named pod: kubectl\'s error, exit 1', async () => {
    await waitFor(() => eastPods().length === 3, 'three pods in east');
    const pod = eastPods()[0];
    const r = await run(`pod/${pod}`, { container: 'nope' });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: container nope is not valid for pod ${pod}\n`);
    expect(r.out).toBe('');
  }, 30_000);

  it("-c matching no container of a Deployment's pods: said once, naming their containers; the tail waits", async () => {
    await waitFor(() => eastPods().length === 3, 'three pods in east');
    const r = await run('deploy/web', { container: 'nope' }, (err) => err.includes('waiting for pods that have one'));
    expect(r.code).toBe(0);
    const said = r.err.split('\n').filter(Boolean);
    expect(said).toHaveLength(1);
    expect(said[0]).toBe(`fleetdeck logs: no container matches -c nope in ${eastPods().map((p) => `east/${p} (app)`).join(', ')}; waiting for pods that have one`);
  }, 30_000);

  it('--previous with no previous instance: one line per container, exit 1', async () => {
    await waitFor(() => eastPods().length === 3, 'three pods in east');
    const r = await run('deploy/web', { previous: true });
    expect(r.code).toBe(1);
    const said = r.err.split('\n').filter(Boolean);
    expect(said).toHaveLength(3);
    expect(new Set(said).size).toBe(3);
    for (const p of eastPods()) expect(said.some((l) => l.startsWith(`fleetdeck logs: east/${p}/app: `))).toBe(true);
  }, 30_000);

  // a query whose pods are listed whole and match none: said, never a silent wait (it waited
  // forever, --previous included)
  it('no pod matches: --previous says kubectl\'s "No resources found" and exits 0; a follow says so once and waits', async () => {
    await waitFor(() => eastPods().length === 3, 'three pods in east');
    const previous = await run('shop/zzz', { previous: true });
    expect(previous).toEqual({ code: 0, out: '', err: 'No resources found in shop namespace.\n' });
    const selector = await run('.', { previous: true, selector: 'app=nothing-here' });
    expect(selector).toEqual({ code: 0, out: '', err: 'No resources found in shop namespace.\n' });
    const follow = await run('shop/zzz', {}, (err) => err.includes('no pod matches yet'));
    expect(follow.code).toBe(0);
    expect(follow.err).toBe('fleetdeck logs: no pod matches yet (east in shop namespace); waiting for one\n');
  }, 30_000);
});
