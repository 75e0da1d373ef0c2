// Many contexts starting together against the simulated fleet: every context syncs, and the
// process writes no warning on the way (a TUI owns the terminal: a warning on stderr lands in
// the middle of the screen). One signal is shared by every request a store makes before its
// reflectors run (discovery, identity, latency probes of every context): a listener per request
// on it passed Node's max-listeners bound with a dozen contexts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCluster, waitFor } from './helpers/sim.js';

const NAMES = Array.from({ length: 14 }, (_, i) => `c${i + 1}`);
let fleet: SimFleet;
let store: Fleet | undefined;
let kubeconfig: string;
const clusters = NAMES.map((n) => testCluster(n).cluster);

beforeAll(async () => {
  fleet = await startSimFleet({ clusters });
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'fleetdeck-many-')), 'kubeconfig');
  await writeFile(kubeconfig, fleet.kubeconfig);
});

afterAll(async () => {
  await store?.close();
  await fleet?.stop();
});

describe('many contexts at once', () => {
  it('every context syncs its kinds, and nothing is written as a process warning', { timeout: 120_000 }, async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      store = createFleetStore({ kubeconfig, contexts: NAMES, frameMs: 20 });
      store.watch({ contexts: NAMES, resource: 'po' });
      store.watch({ contexts: NAMES, resource: 'deployments' });
      store.watch({ contexts: NAMES, resource: 'configmaps' });
      const synced = (): boolean => {
        const rs = store!.reflectors();
        return rs.length === NAMES.length * 3 && rs.every((r) => r.phase === 'synced') && store!.contexts().every((c) => c.state === 'ready');
      };
      await waitFor(synced, 'every context synced and ready', 90_000);
      const names = (list: { metadata: { namespace?: string; name: string } }[]): string[] => list.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
      NAMES.forEach((c, i) => expect(names(store!.list(c, 'pods'))).toEqual(names(clusters[i].store.list('pods'))));
      // warnings are emitted on the next tick
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
