// Closing a store aborts every watch; the errors that makes capture no stack while it closes
// (src/fleet/store.ts close: most of a quit's CPU with 50 contexts). Stores closing at once
// must leave Error.stackTraceLimit as it was, whichever finishes first. Real client over
// HTTPS against the sim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore } from '../../src/fleet/store.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { createScenario } from '../../src/sim/scenarios/index.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
const before = Error.stackTraceLimit;

beforeAll(async () => {
  fleet = await startSimFleet({ clusters: createScenario('demo') });
});

afterAll(async () => {
  Error.stackTraceLimit = before;
  await fleet?.stop();
});

describe('closing stores', () => {
  it('restores Error.stackTraceLimit once the last of several closing at once is closed, and errors have stacks again', async () => {
    Error.stackTraceLimit = 25;
    const names = fleet.contexts.map((c) => c.name);
    const stores = names.map((name) => createFleetStore({ contexts: [name], kubeconfig: fleet.kubeconfigPath, graceMs: 0 }));
    for (const [i, s] of stores.entries()) s.watch({ contexts: [names[i]], resource: 'pods' });
    await waitFor(() => stores.every((s) => s.reflectors().some((r) => r.phase === 'synced')), 'every store watching pods');
    // one closes alone, then the others together: the first to finish must not restore early
    await stores[0].close();
    expect(Error.stackTraceLimit).toBe(25);
    const closing = stores.slice(1).map((s) => s.close());
    expect(Error.stackTraceLimit).toBe(0);
    await Promise.all(closing);
    expect(Error.stackTraceLimit).toBe(25);
    expect(new Error('after').stack).toContain('fleet-close.test.ts');
  });
});
