// The cluster identity (kube-system's uid, which tells two contexts of one cluster apart from
// two clusters) is read once on connect; a read that failed for a reason that may pass is
// asked again by the health loop, so a cluster whose kube-system was missing or briefly
// unreachable stops being matched on server + CA alone. Real client over HTTPS to the sim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { testCluster, waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let store: Fleet | undefined;

beforeAll(async () => {
  // testCluster has no kube-system namespace: the first GET is a 404
  fleet = await startSimFleet({ clusters: [testCluster('solo').cluster] });
});

afterAll(async () => {
  await store?.close();
  await fleet?.stop();
});

describe('cluster identity', () => {
  it('a failed kube-system read is asked again by the health loop until the uid is known', { timeout: 60_000 }, async () => {
    store = createFleetStore({ kubeconfig: fleet.kubeconfigPath, contexts: ['solo'], healthIntervalMs: 200, frameMs: 20 });
    await store.settled();
    const solo = () => store!.contexts().find((c) => c.name === 'solo')!;
    await waitFor(() => solo().identityError !== undefined, 'the first identity read', 10_000);
    expect(solo().kubeSystemUid).toBeUndefined();
    expect(solo().identityError).toMatch(/^kube-system: other: /);
    const created = fleet.contexts[0].cluster.store.create('namespaces', { metadata: { name: 'kube-system' } });
    await waitFor(() => solo().kubeSystemUid !== undefined, 'the uid read again', 10_000);
    expect(solo().kubeSystemUid).toBe(created.metadata.uid);
    expect(solo().identityError).toBeUndefined();
  });
});
