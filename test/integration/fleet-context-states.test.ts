// A context's state follows its informers' phases (syncing count, forbidden kinds, the worst
// trouble: src/fleet/contexts.ts recompute) without reading every informer again at each change: a CRD-heavy context starts
// hundreds of informers whose phases change over many turns, and reading all of them per turn
// made its start quadratic in its kinds. Real client over HTTPS against the sim.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Contexts } from '../../src/fleet/contexts.js';
import { resourceKey } from '../../src/model/types.js';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { createScenario } from '../../src/sim/scenarios/index.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let store: Fleet;
let ctx: string;

beforeAll(async () => {
  // 60 API groups of two custom kinds each, besides the built-in and catalog kinds
  const [wide] = createScenario('scale', { contexts: 1, namespaces: 1, deployments: 1, podsPerDeployment: 1, churn: 0, apiGroups: 60 });
  fleet = await startSimFleet({ clusters: [wide] });
  store = createFleetStore({ contexts: [wide.name], kubeconfig: fleet.kubeconfigPath, graceMs: 0 });
  ctx = wide.name;
});

afterAll(async () => {
  await store?.close();
  await fleet?.stop();
});

describe('context state from its informers', () => {
  it('every kind watched: states read per changed informer (linear in kinds), then ready with none syncing; stopped informers leave it', async () => {
    const told = vi.spyOn(Contexts.prototype, 'updateReflectorStates');
    await waitFor(() => store.contexts()[0]?.state === 'ready' && store.resources(ctx).length > 100, 'the context discovered', 30_000);
    const kinds = store.resources(ctx).map(resourceKey);
    const subs = kinds.map((resource) => store.watch({ contexts: [ctx], resource }));
    // kinds that cannot be listed (tokenreviews, bindings...) start no informer
    await waitFor(() => store.reflectors(ctx).length > 100 && store.reflectors(ctx).every((r) => r.phase === 'synced'), 'every informer synced', 30_000);
    const informers = store.reflectors(ctx).length;
    const reads = () => told.mock.calls.reduce((n, [, states]) => n + states.size, 0);
    // the context hears of the last phase change within a turn
    await waitFor(() => store.contexts()[0]?.syncing === 0 && reads() >= informers, 'the context told of every informer');
    const st = store.contexts()[0];
    expect(st.state).toBe('ready');
    expect(st.forbidden).toBeUndefined();
    // each informer is read when it starts and at each phase change (syncing → synced): a few
    // reads each, where reading the whole context per change grew as kinds²
    expect(reads()).toBeLessThanOrEqual(3 * informers);

    // informers that stop leave the context's state: none of them counts any more
    for (const s of subs) s.close();
    await waitFor(() => store.reflectors(ctx).length < informers / 2, 'the informers stopped');
    expect(store.contexts()[0]).toMatchObject({ state: 'ready', syncing: 0 });
    told.mockRestore();
  });
});
