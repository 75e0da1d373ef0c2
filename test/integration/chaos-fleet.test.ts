// Chaos against the simulated fleet with churn running: for CHAOS_SECONDS (default 20) at
// seeded random moments, watches are dropped, history is compacted under them (410 Gone),
// servers restart, answers slow down, a context hangs and recovers, and 403s switch on and
// off. Afterwards, faults off, every cache must equal its server object by object and every
// context must be ready; throughout, the event loop of this process must never block for
// more than 100 ms. The seed is printed; CHAOS_SEED replays a run.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { project } from '../../src/kube/project.js';
import type { KubeObject } from '../../src/model/types.js';
import { createScenario, type BuiltCluster } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimContext, type SimFleet } from '../../src/sim/fleet.js';
import { waitFor } from './helpers/sim.js';

const seconds = Number(process.env.CHAOS_SECONDS ?? 20);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded PRNG so a failing run can be replayed */
function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const watched = [
  { key: 'pods', kind: 'Pod', apiVersion: 'v1' },
  { key: 'deployments.apps', kind: 'Deployment', apiVersion: 'apps/v1' },
  { key: 'replicasets.apps', kind: 'ReplicaSet', apiVersion: 'apps/v1' },
  { key: 'configmaps', kind: 'ConfigMap', apiVersion: 'v1' },
];

/** namespaces the context's user may not read (the demo staging user: kube-system) */
const hidden = (c: BuiltCluster): Set<string> => new Set(c.access.filter((a) => a.user === c.user).flatMap((a) => a.denyNamespaces ?? []));

function truth(c: BuiltCluster, w: (typeof watched)[number]): Map<string, KubeObject> {
  const deny = hidden(c);
  const out = new Map<string, KubeObject>();
  for (const o of c.store.list(w.key)) {
    if (deny.has(o.metadata.namespace ?? '')) continue;
    const x = structuredClone(o);
    x.kind ??= w.kind;
    x.apiVersion ??= w.apiVersion;
    out.set(`${x.metadata.namespace ?? ''}/${x.metadata.name}`, project(x, w.key));
  }
  return out;
}

/** The first difference between a cache and its server, or undefined when they are equal. */
function difference(store: Fleet, ctx: SimContext, w: (typeof watched)[number]): string | undefined {
  const want = truth(ctx.cluster as BuiltCluster, w);
  const got = new Map(store.list(ctx.name, w.key).map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  if (want.size !== got.size) return `${ctx.name} ${w.key}: ${got.size} cached, ${want.size} on the server`;
  for (const [k, o] of want) if (!isDeepStrictEqual(got.get(k), o)) return `${ctx.name} ${w.key} ${k} differs`;
  return undefined;
}

describe(`chaos on the simulated fleet (${seconds} s, seed ${seed})`, () => {
  let fleet: SimFleet;
  let store: Fleet;
  const clusters: BuiltCluster[] = [];

  beforeAll(async () => {
    clusters.push(...createScenario('scale', { contexts: 2, namespaces: 4, deployments: 4, podsPerDeployment: 5, churn: 20 }));
    // the demo's staging context: its user may not read kube-system (the store's namespace fallback)
    clusters.push(createScenario('healthy').find((c) => c.name === 'staging')!);
    fleet = await startSimFleet({ clusters, serve: { bookmarkIntervalMs: 1000 } });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await fleet?.stop();
  });

  it('converges to the servers after random faults, never blocking the event loop', async () => {
    const rand = prng(seed);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const between = (lo: number, hi: number): number => lo + rand() * (hi - lo);
    const names = fleet.contexts.map((c) => c.name);
    console.log(`chaos: seed ${seed}, ${seconds} s, contexts ${names.join(', ')}`);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    store = createFleetStore({
      kubeconfig: fleet.kubeconfigPath,
      contexts: names,
      frameMs: 100,
      graceMs: 2000,
      healthIntervalMs: 500,
      forbiddenRetryMs: 1000,
      client: { connectTimeoutMs: 1000, headersTimeoutMs: 1500, requestTimeoutMs: 5000 },
      reflector: { backoffMs: [100, 2000], watchTimeoutSeconds: [5, 15] },
    });
    const subs = watched.map((w) => store.watch({ contexts: names, resource: w.key }));
    let frames = 0;
    store.onChange(() => frames++);
    await store.settled();

    // each fault: what it does to one context, and how long it lasts (0: instantaneous)
    const restarting = new Map<string, Promise<void>>();
    const undo = new Set<() => void>();
    const timed = (ms: number, on: () => void, off: () => void): void => {
      on();
      const t = setTimeout(() => {
        undo.delete(stop);
        off();
      }, ms);
      const stop = (): void => {
        clearTimeout(t);
        off();
      };
      undo.add(stop);
    };
    const faults: Record<string, (c: SimContext) => void> = {
      drop: (c) => c.server.dropWatches(),
      gone: (c) => {
        c.cluster.store.compact();
        c.server.dropWatches();
      },
      restart: (c) => {
        if (restarting.has(c.name)) return;
        restarting.set(c.name, c.server.restart().finally(() => restarting.delete(c.name)));
      },
      slow: (c) => timed(between(500, 3000), () => (c.cluster.faults.latencyMs = Math.round(between(50, 1200))), () => (c.cluster.faults.latencyMs = 0)),
      hang: (c) =>
        timed(
          between(1000, 4000),
          () => {
            c.cluster.faults.hang = true;
            c.server.dropWatches();
          },
          () => (c.cluster.faults.hang = false),
        ),
      forbid: (c) => timed(between(300, 2500), () => (c.cluster.faults.forbidAll = true), () => (c.cluster.faults.forbidAll = false)),
    };
    const counts: Record<string, number> = {};
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, between(50, 600)));
      const kind = pick(Object.keys(faults));
      counts[kind] = (counts[kind] ?? 0) + 1;
      faults[kind](pick(fleet.contexts));
    }
    for (const off of [...undo]) off();
    undo.clear();
    await Promise.all(restarting.values());
    const stateAtEnd = store.contexts().map((c) => `${c.name}=${c.state}`).join(' ');

    const t0 = Date.now();
    let last = '';
    await waitFor(
      () => {
        const notReady = store.contexts().find((c) => c.state !== 'ready');
        if (notReady) return !(last = `${notReady.name} is ${notReady.state}: ${notReady.lastError ?? ''}`);
        const notSynced = store.reflectors().find((r) => r.phase !== 'synced');
        if (notSynced) return !(last = `${notSynced.context} ${notSynced.resource} is ${notSynced.phase}: ${notSynced.reason ?? ''}`);
        for (const c of fleet.contexts) for (const w of watched) if ((last = difference(store, c, w) ?? '')) return false;
        return true;
      },
      'caches equal to the servers and every context ready',
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last seen: ${last}`);
    });
    const settleMs = Date.now() - t0;
    loop.disable();
    const maxMs = loop.max / 1e6;
    console.log(
      `chaos: faults ${JSON.stringify(counts)}; states when faults stopped: ${stateAtEnd}; settled in ${settleMs} ms; ` +
        `event loop delay max ${maxMs.toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms; ${frames} change batches`,
    );

    // every fault kind happened at least once (at this length of run)
    expect(Object.keys(counts).sort()).toEqual(Object.keys(faults).sort());
    for (const c of store.contexts()) expect(c.state, c.name).toBe('ready');
    // the restricted staging user sees everything but kube-system, reported as such
    const staging = store.contexts().find((c) => c.name === 'staging')!;
    expect(staging.forbidden).toEqual(watched.map((w) => `${w.key} in kube-system`).sort());
    for (const c of store.contexts()) if (c.name !== 'staging') expect(c.forbidden, c.name).toBeUndefined();
    for (const c of fleet.contexts) for (const w of watched) expect(difference(store, c, w)).toBeUndefined();
    expect(maxMs).toBeLessThan(100);
    for (const s of subs) s.close();
  }, (seconds + 120) * 1000);
});
