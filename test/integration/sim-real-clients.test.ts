// The simulated fleet as real clients see a real cluster: Jobs get the selector and labels the
// API server gives them (both backends, compared field by field), so `fleetdeck logs job/…`
// and `cj/…` find their pods; the demo's log lines are never stamped ahead of the clock and a
// first follow with --tail N starts with N lines per container; ephemeral containers
// (kubectl debug) have logs; the scale scenario's pods carry containerIDs (stern tails only those).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogsCommand } from '../../src/cli/logs.js';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { rec, str } from '../../src/model/access.js';
import type { KubeObject } from '../../src/model/types.js';
import { buildCluster } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { createScenario } from '../../src/sim/scenarios/index.js';
import { addNodes, scaleCluster } from '../../src/sim/scenarios/scale.js';
import { kubectlOn } from '../controlplane/harness.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

for (const backend of backends) {
  describe(`Jobs as the API server stores them, on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    beforeAll(async () => {
      env = await backend.setup();
    }, 180_000);
    afterAll(async () => {
      await backend.teardown();
    });

    it('a created Job gets spec.selector on its controller-uid and the four labels on its template (and itself)', async () => {
      const name = `job-${randomBytes(3).toString('hex')}`;
      expect((await env.kubectl(['create', 'job', name, '--image=busybox:1.36', '-n', env.namespace])).stderr).toBe('');
      const job = JSON.parse((await env.kubectl(['get', 'job', name, '-n', env.namespace, '-o', 'json'])).stdout) as KubeObject;
      const uid = job.metadata.uid!;
      expect(rec(job, 'spec', 'selector')).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
      const want = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
      expect(rec(job, 'spec', 'template', 'metadata', 'labels')).toEqual(want);
      expect(job.metadata.labels).toEqual(want);
      // and fleetdeck finds its pods by that selector
      const store = createFleetStore({ contexts: [env.adminContext], kubeconfig: env.kubeconfigPath, graceMs: 0 });
      try {
        await store.settled();
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let err = '';
        stderr.on('data', (d: Buffer) => (err += d.toString()));
        const ac = new AbortController();
        const run = runLogsCommand(`job/${name}`, { namespace: env.namespace, tail: 0 }, { store, contexts: [env.adminContext], stdout, stderr, signal: ac.signal });
        const sub = store.watch({ contexts: [env.adminContext], resource: 'pods', namespace: env.namespace });
        await waitUntil('the Job\'s pod in the store', () => store.list(env.adminContext, 'pods', env.namespace).some((p) => p.metadata.labels?.['job-name'] === name), { timeoutMs: 60_000, intervalMs: 100 });
        sub.close();
        ac.abort();
        expect(await run).toBe(0);
        // before the Job's controller made its pod, the tail may have said it waits for one
        expect(err).toMatch(/^(fleetdeck logs: no pod matches yet \([^)]*\); waiting for one\n)?$/);
      } finally {
        await store.close();
        await env.kubectl(['delete', 'job', name, '-n', env.namespace, '--wait=false']);
      }
    }, 120_000);
  });
}

describe('the simulated fleet to kubectl and stern', () => {
  let fleet: SimFleet;
  beforeAll(async () => {
    const c = buildCluster({ name: 'eph' });
    addNodes(c, 1);
    c.store.create('namespaces', { metadata: { name: 'shop' } });
    fleet = await startSimFleet({ clusters: [...createScenario('demo'), c] });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('demo log lines are not stamped ahead of the clock, and a first follow with --tail 1 starts with one line per container', async () => {
    const kubectl = kubectlOn(fleet.kubeconfigPath, 'prod-eu');
    const pods = JSON.parse((await kubectl(['get', 'pods', '-n', 'checkout', '-o', 'json'])).stdout) as { items: KubeObject[] };
    for (const p of pods.items.slice(0, 3)) {
      const r = await kubectl(['logs', '-n', 'checkout', p.metadata.name, '--timestamps', '--tail', '5']);
      const after = Date.now();
      for (const line of r.stdout.trim().split('\n').filter(Boolean)) expect(Date.parse(line.slice(0, 23) + 'Z')).toBeLessThanOrEqual(after);
    }
    // a follow: kubectl's own --tail 1 -f for 3 s gets about one line a second (the demo's
    // rate), stamped no later than the wall clock — not minutes of lines generated up to a sim
    // clock that ran ahead (it printed ~1,000 lines when the demo's history ended 18 min ahead)
    const running = pods.items.find((p) => (p.status as { containerStatuses?: { ready: boolean }[] } | undefined)?.containerStatuses?.every((c) => c.ready));
    expect(running, 'a ready cart-api pod').toBeDefined();
    const followed = await new Promise<string>((resolve, reject) => {
      const child = spawn('kubectl', [`--kubeconfig=${fleet.kubeconfigPath}`, '--context=prod-eu', 'logs', '-n', 'checkout', running!.metadata.name, '--timestamps', '--tail', '1', '-f']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
      setTimeout(() => child.kill('SIGINT'), 3000);
    });
    const stamps = followed.trim().split('\n').filter(Boolean).map((l) => Date.parse(l.slice(0, 23) + 'Z'));
    expect(stamps.length).toBeGreaterThanOrEqual(1);
    expect(stamps.length, followed.slice(0, 400)).toBeLessThanOrEqual(12);
    for (const t of stamps) expect(t).toBeLessThanOrEqual(Date.now());
    const store = createFleetStore({ contexts: ['prod-eu'], kubeconfig: fleet.kubeconfigPath, graceMs: 0 });
    try {
      await store.settled();
      const stdout = new PassThrough();
      const lines: string[] = [];
      stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
      const ac = new AbortController();
      const started = new Date().toISOString();
      const run = runLogsCommand('deploy/cart-api', { namespace: 'checkout', tail: 1, timestamps: true, output: 'json' }, { store, contexts: ['prod-eu'], stdout, stderr: new PassThrough(), signal: ac.signal });
      await waitUntil('the first lines', () => lines.length >= 1, { timeoutMs: 30_000, intervalMs: 100 });
      await new Promise((r) => setTimeout(r, 1000));
      ac.abort();
      expect(await run).toBe(0);
      // lines from before the tail began: at most --tail per container
      const old = new Map<string, number>();
      for (const l of lines) {
        const e = JSON.parse(l) as { pod: string; container: string; ts: string; notice?: boolean };
        if (!e.notice && e.ts < started) old.set(`${e.pod}/${e.container}`, (old.get(`${e.pod}/${e.container}`) ?? 0) + 1);
      }
      for (const [k, count] of old) expect({ k, count }).toEqual({ k, count: 1 });
    } finally {
      await store.close();
    }
  }, 90_000);

  it('an ephemeral container added by kubectl debug runs and its logs are served', async () => {
    const kubectl = kubectlOn(fleet.kubeconfigPath, 'eph');
    expect((await kubectl(['run', 'target', '-n', 'shop', '--image=busybox:1.36'])).stderr).toBe('');
    await waitUntil('the pod running', async () => str(JSON.parse((await kubectl(['get', 'pod', 'target', '-n', 'shop', '-o', 'json'])).stdout) as KubeObject, 'status', 'phase') === 'Running', { timeoutMs: 30_000, intervalMs: 200 });
    const dbg = await kubectl(['debug', 'target', '-n', 'shop', '--image=busybox:1.36', '--container=dbg', '--', 'sleep', '3600']);
    expect(dbg.code).toBe(0);
    const pod = await waitUntil('the ephemeral container running', async () => {
      const p = JSON.parse((await kubectl(['get', 'pod', 'target', '-n', 'shop', '-o', 'json'])).stdout) as KubeObject;
      return str(p, 'status', 'ephemeralContainerStatuses', 0, 'name') ? p : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(str(pod, 'status', 'ephemeralContainerStatuses', 0, 'containerID')).toMatch(/^containerd:\/\//);
    const logs = await kubectl(['logs', 'target', '-n', 'shop', '-c', 'dbg']);
    expect(logs.stderr).toBe('');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('starting dbg');
  }, 90_000);
});

describe('scale scenario pods', () => {
  it('carry a containerID per container status, as a runtime reports (stern tails only those)', () => {
    const c = scaleCluster(buildCluster({ name: 's' }), { namespaces: 1, deployments: 2, podsPerDeployment: 2 });
    const pods = c.store.list('pods');
    expect(pods.length).toBe(4);
    const ids = pods.map((p) => str(p, 'status', 'containerStatuses', 0, 'containerID'));
    for (const id of ids) expect(id).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
