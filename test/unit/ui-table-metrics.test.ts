// The pod table's CPU/MEM columns read the metrics poller only once every list of the table
// is past its first sync: the lists come first (ten contexts' 10k pod samples each were read
// while their 10k-pod lists streamed in). A forbidden or failed list does not hold the
// metrics back; closing the view lets go of every lease.
import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import type { MetricsPoller } from '../../src/fleet/metrics.js';
import type { ChangeBatch } from '../../src/fleet/types.js';
import type { AppContext } from '../../src/ui/view.js';
import { ResourceTableView } from '../../src/ui/views/resource-table.js';
import { FakeStore } from '../helpers/fake-store.js';

function setup(contexts: string[]) {
  const store = new FakeStore(contexts);
  const leased = new Map<string, number>();
  const metrics = {
    snapshot: () => ({ state: 'pending' }),
    error: () => undefined,
    lease(cs: string[]) {
      for (const c of cs) leased.set(c, (leased.get(c) ?? 0) + 1);
      let done = false;
      return () => {
        if (!done) for (const c of cs) leased.set(c, leased.get(c)! - 1);
        done = true;
      };
    },
    onChange: () => () => undefined,
    refresh: async () => undefined,
    close: () => undefined,
  };
  const app = {
    store, metrics: metrics as unknown as MetricsPoller, contexts: () => contexts, namespace: () => undefined, now: () => Date.UTC(2026, 0, 2),
    message: () => undefined, render: () => undefined, theme: loadTheme('default', { configDir: null }),
  } as unknown as AppContext;
  const held = (): string[] => [...leased].filter(([, n]) => n > 0).map(([c]) => c).sort();
  return { store, app, held };
}

const changed = (...contexts: string[]): ChangeBatch => ({ resources: new Set(), contexts: new Set(contexts) });

describe('pod table metrics', () => {
  it('leases the metrics once no pod list is in its first sync, not before; closing releases every lease', () => {
    const { store, app, held } = setup(['dev', 'prod', 'staging']);
    store.setPhase('dev', 'pods', { phase: 'syncing' });
    store.setPhase('prod', 'pods', { phase: 'syncing' });
    const view = new ResourceTableView(app, { query: 'pods' });
    expect(held()).toEqual([]);
    // prod's list is whole, dev's still syncing: still none
    store.setPhase('prod', 'pods', undefined);
    view.onChange(changed('prod'));
    expect(held()).toEqual([]);
    // dev's is refused: nothing is in its first sync any more
    store.setPhase('dev', 'pods', { phase: 'forbidden', reason: 'pods is forbidden' });
    view.onChange(changed('dev'));
    expect(held()).toEqual(['dev', 'prod', 'staging']);
    view.close();
    expect(held()).toEqual([]);
  });

  it('a kind without CPU/MEM columns leases nothing', () => {
    const { app, held } = setup(['dev']);
    const view = new ResourceTableView(app, { query: 'configmaps' });
    expect(held()).toEqual([]);
    view.close();
  });
});
