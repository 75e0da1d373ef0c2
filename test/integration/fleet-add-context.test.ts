// A store started on one kubeconfig context knows every other one and builds, connects and
// watches one only once asked (addContext: the TUI's `:ctx dev` after `--context prod-eu`).
// Real client over HTTPS against the sim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { createScenario } from '../../src/sim/scenarios/index.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let store: Fleet | undefined;

beforeAll(async () => {
  fleet = await startSimFleet({ clusters: createScenario('demo') });
});

afterAll(async () => {
  await store?.close();
  await fleet?.stop();
});

describe('adding a context at run time', () => {
  it('connects only the selected contexts; an added one connects and serves a watch made before it was added', async () => {
    const names = fleet.contexts.map((c) => c.name);
    const [first, second] = names;
    store = createFleetStore({ contexts: [first], kubeconfig: fleet.kubeconfigPath, graceMs: 0 });
    expect(store.kubeconfigContexts()).toEqual(names);
    expect(store.contexts().map((c) => c.name)).toEqual([first]);
    expect(store.addContext('nosuch')).toBe(false);
    expect(store.contexts().map((c) => c.name)).toEqual([first]);
    // a view watching both (a table narrowed to both) before the second is connected
    store.watch({ contexts: [first, second], resource: 'pods' });
    await store.settled();
    expect(store.reflectors().every((r) => r.context === first)).toBe(true);
    expect(store.addContext(second)).toBe(true);
    expect(store.contexts().map((c) => c.name)).toEqual([first, second]);
    await waitFor(() => store!.contexts().find((c) => c.name === second)?.state === 'ready', `${second} ready`);
    await waitFor(() => store!.reflectors(second).some((r) => r.resource === 'pods' && r.phase === 'synced'), `pods in ${second} synced`);
    expect(store.list(second, 'pods').length).toBeGreaterThan(0);
    // asked again, it stays as it is
    expect(store.addContext(second)).toBe(true);
    expect(store.contexts().map((c) => c.name)).toEqual([first, second]);
  });
});
