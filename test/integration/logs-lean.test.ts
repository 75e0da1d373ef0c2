// `fleetdeck logs` over the lean store (src/fleet/lean.ts) against the simulated fleet: a pod
// query lists and watches pods only — no discovery, no informer of another kind — and still
// follows pods created mid-tail across contexts; a KIND/NAME target learns the served kinds first.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogsCommand, type LogsCommandOptions } from '../../src/cli/logs.js';
import { LeanStore } from '../../src/fleet/lean.js';
import { fleetLogOpener } from '../../src/logs/open.js';
import type { FleetStore } from '../../src/fleet/types.js';
import { loadKubeconfig, type MergedKubeconfig } from '../../src/kube/kubeconfig.js';
import type { BuiltCluster } from '../../src/sim/build-cluster.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import { LOG_CONTEXTS as CONTEXTS, startLogsFleet } from './helpers/logs-fleet.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let clusters: BuiltCluster[] = [];

beforeAll(async () => {
  ({ fleet, clusters } = await startLogsFleet());
}, 30_000);

afterAll(async () => {
  await fleet?.stop();
});

/** Runs the command on a fresh lean store until `enough(lines)`; what it printed, and the store's informers then. */
async function tail(target: string, opts: LogsCommandOptions, discover: boolean, enough: (lines: string[], store: LeanStore) => boolean | Promise<boolean>, frameMs?: number) {
  const store = new LeanStore({ contexts: CONTEXTS, merged: loadKubeconfig({ kubeconfig: fleet.kubeconfigPath }), discover, frameMs });
  const stdout = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const stderr = new PassThrough();
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ac = new AbortController();
  const lines = () => out.split('\n').filter(Boolean);
  try {
    const done = runLogsCommand(target, opts, { store, contexts: CONTEXTS, stdout, stderr, signal: ac.signal });
    await waitFor(() => enough(lines(), store), `output of ${target}`, 20_000);
    const informers = [...new Set(store.reflectors().map((r) => `${r.context}/${r.resource}`))].sort();
    const discovered = store.contexts().map((c) => c.discovered === true);
    ac.abort();
    expect(await done, err).toBe(0);
    return { lines: lines(), informers, discovered, err };
  } finally {
    await store.close();
  }
}

describe('fleetdeck logs on the lean store', () => {
  it('a pod query: pods listed and watched, nothing discovered, pods created mid-tail followed in every context', async () => {
    const scale = (replicas: number) => {
      const d = clusters[0].store.get('deployments.apps', 'shop', 'web')!;
      clusters[0].store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), replicas } });
    };
    let before: Set<string> | undefined;
    const r = await tail('*/shop/web-', { tail: 1 }, false, (lines) => {
      const pods = new Set(lines.map((l) => l.split(' ')[0]));
      if (!before) {
        if (!CONTEXTS.every((c) => [...pods].some((p) => p.startsWith(`${c}/`)))) return false;
        before = pods;
        scale(2);
        return false;
      }
      return [...pods].some((p) => p.startsWith('east/') && !before!.has(p));
    });
    expect(r.informers).toEqual(['east/pods', 'west/pods']);
    expect(r.discovered).toEqual([false, false]);
    for (const l of r.lines) expect(l).toMatch(/^(east|west)\/web-[a-z0-9]+-[a-z0-9]+\/app \S/);
    // no line twice: each has its own request id
    expect(new Set(r.lines).size).toBe(r.lines.length);
  }, 60_000);

  it('the streams open once the pods are listed, not when the change frame begun by the request ends', async () => {
    // a frame of 10 minutes: before flushSoon the listed pods waited for it (100 ms by default)
    const r = await tail('*/shop/web-', { tail: 1 }, false, (lines) => CONTEXTS.every((c) => lines.some((l) => l.startsWith(`${c}/`))), 600_000);
    expect(r.informers).toEqual(['east/pods', 'west/pods']);
  }, 60_000);

  it('a pod query opens its streams while /version is asked: the probe holds no line back', async () => {
    const lean = new LeanStore({ contexts: CONTEXTS, merged: loadKubeconfig({ kubeconfig: fleet.kubeconfigPath }), discover: false });
    // /version answers only once every context has printed: before, the tail waited for it
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const store = new Proxy(lean, {
      get: (t, k) => (k === 'request' ? async (context: string, req: { path: string }) => (req.path === '/version' && (await held), t.request(context, req)) : Reflect.get(t, k)),
    }) as FleetStore;
    const out = collect();
    const ac = new AbortController();
    try {
      const done = runLogsCommand('*/shop/web-', { tail: 1 }, { store, contexts: CONTEXTS, stdout: out.stream, stderr: new PassThrough(), signal: ac.signal });
      await waitFor(() => CONTEXTS.every((c) => out.lines().some((l) => l.startsWith(`${c}/`))), 'a line of each context with /version unanswered', 20_000);
      release();
      ac.abort();
      expect(await done).toBe(0);
    } finally {
      release();
      await lean.close();
    }
  }, 60_000);

  it('--tail -1 asks for every line (no tailLines), as kubectl and stern read it; --tail 2 asks for 2', async () => {
    for (const [tailOpt, want] of [[-1, undefined], [2, 2]] as const) {
      const store = new LeanStore({ contexts: CONTEXTS, merged: loadKubeconfig({ kubeconfig: fleet.kubeconfigPath }), discover: false });
      const asked: (number | undefined)[] = [];
      const opener = fleetLogOpener(store);
      const out = collect();
      const ac = new AbortController();
      try {
        const done = runLogsCommand('east/shop/web-', { tail: tailOpt }, {
          store, contexts: CONTEXTS, stdout: out.stream, stderr: new PassThrough(), signal: ac.signal,
          openLog: (context, ref, opts, signal) => (asked.push(opts.tailLines), opener(context, ref, opts, signal)),
        });
        await waitFor(() => out.lines().length > 0, 'a line', 20_000);
        ac.abort();
        expect(await done).toBe(0);
        expect(new Set(asked)).toEqual(new Set([want]));
      } finally {
        await store.close();
      }
    }
  }, 60_000);

  it('a pod query over a context that is down: the others tail, the dead one is said as kubectl does', async () => {
    const store = new LeanStore({ contexts: ['east', 'dead'], merged: withDeadContext(), discover: false });
    const out = collect();
    const err = collect();
    const ac = new AbortController();
    try {
      const done = runLogsCommand('*/shop/web-', { tail: 1 }, { store, contexts: ['east', 'dead'], stdout: out.stream, stderr: err.stream, signal: ac.signal });
      await waitFor(() => out.lines().some((l) => l.startsWith('east/')) && err.text().includes('dead: Unable to connect to the server'), 'east tailed and dead said', 20_000);
      ac.abort();
      expect(await done).toBe(0);
      expect(out.lines().every((l) => l.startsWith('east/'))).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a pod query whose every context is down: kubectl\'s line, exit code 2 (nothing could be read)', async () => {
    const store = new LeanStore({ contexts: ['dead'], merged: withDeadContext(), discover: false });
    const err = collect();
    try {
      const code = await runLogsCommand('*/shop/web-', { tail: 1 }, { store, contexts: ['dead'], stdout: new PassThrough(), stderr: err.stream, signal: AbortSignal.timeout(20_000) });
      expect(code).toBe(2);
      expect(err.text()).toMatch(/^Unable to connect to the server: context "dead" \(https:\/\/127\.0\.0\.1:1\): connection refused\n$/);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('KIND/NAME: the served kinds are discovered first, then the workload and its pods are watched', async () => {
    const r = await tail('deploy/web', { namespace: 'shop', tail: 1, output: 'json' }, true, (lines) => CONTEXTS.every((c) => lines.some((l) => l.includes(`"context":"${c}"`))));
    expect(r.discovered).toEqual([true, true]);
    expect(r.informers).toEqual(['east/deployments.apps', 'east/pods', 'west/deployments.apps', 'west/pods']);
    for (const l of r.lines) expect(JSON.parse(l)).toMatchObject({ namespace: 'shop', container: 'app' });
  }, 60_000);

  it('a missing KIND/NAME is kubectl\'s NotFound line and exit code 1', async () => {
    const store = new LeanStore({ contexts: ['east'], merged: loadKubeconfig({ kubeconfig: fleet.kubeconfigPath }), discover: true });
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const code = await runLogsCommand('deploy/nope', { namespace: 'shop' }, { store, contexts: ['east'], stdout: new PassThrough(), stderr, signal: AbortSignal.timeout(20_000) });
      expect(code).toBe(1);
      expect(err).toBe('error: error from server (NotFound): deployments.apps "nope" not found in namespace "shop"\n');
    } finally {
      await store.close();
    }
  }, 30_000);
});

/** What a stream was written, as text and as its non-empty lines. */
function collect(): { stream: PassThrough; text: () => string; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text, lines: () => text.split('\n').filter(Boolean) };
}

/** The fleet's kubeconfig and a context `dead` whose server refuses connections. */
function withDeadContext(): MergedKubeconfig {
  const merged = loadKubeconfig({ kubeconfig: fleet.kubeconfigPath });
  const file = merged.files[0];
  merged.clusters.set('dead', { name: 'dead', value: { server: 'https://127.0.0.1:1' }, file });
  merged.users.set('dead', { name: 'dead', value: { token: 't' }, file });
  merged.contexts.set('dead', { name: 'dead', value: { cluster: 'dead', user: 'dead' }, file });
  return merged;
}
