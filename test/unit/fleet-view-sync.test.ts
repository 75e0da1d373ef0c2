// The Fleet view while contexts sync: a context with kinds still in their first list is read
// again at most every so often (50 CRD-heavy contexts syncing together changed every frame),
// but its row is never shown whole before it is — it says `+` and `?` until the frame after
// its last kind synced, which reads it at once; and a whole row whose kind stops being whole
// says so at the next frame, however recently it was read.
import { describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import type { AppContext } from '../../src/ui/view.js';
import { FleetView, fleetColumns, type FleetRow } from '../../src/ui/views/fleet.js';
import { demoStore, type FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

function appOn(store: FakeStore, contexts: string[], clock: { now: number }): AppContext {
  const app = {
    act: () => undefined, openTree: () => false, outcomes: () => [],
    store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
    contexts: () => contexts, namespace: () => undefined,
    setContexts: () => undefined, setNamespace: () => undefined,
    push: () => undefined, pop: () => undefined, message: () => undefined, render: () => undefined, now: () => clock.now, command: () => undefined,
  };
  return app as unknown as AppContext;
}

const changed = (context: string) => ({ resources: new Set<string>(), contexts: new Set([context]) });
const cell = (row: FleetRow, header: string): string => fleetColumns().find((c) => c.header === header)!.value(row);

describe('Fleet rows while kinds sync', () => {
  it('a syncing context shows + and ? until its last kind synced, and is whole at the next frame after that', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    const clock = { now: NOW };
    const view = new FleetView(appOn(store, ['dev', 'prod-eu'], clock));
    store.setPhase('dev', 'pods', { phase: 'syncing' });
    store.setPhase('dev', 'deployments.apps', { phase: 'syncing' });
    store.setContext('dev', 'ready', { syncing: 2 });
    view.onChange(changed('dev'));
    let dev = view.fleetRows().find((r) => r.status.name === 'dev')!;
    expect(dev.partial).toBe(true);
    expect(dev.unknown?.has('pods')).toBe(true);

    // one kind done, one still syncing, a moment later: still not whole
    clock.now += 50;
    store.setPhase('dev', 'pods', undefined);
    store.setContext('dev', 'ready', { syncing: 1 });
    view.onChange(changed('dev'));
    dev = view.fleetRows().find((r) => r.status.name === 'dev')!;
    expect(dev.partial).toBe(true);

    // the last one done: whole at once, not after a wait
    clock.now += 50;
    store.setPhase('dev', 'deployments.apps', undefined);
    store.setContext('dev', 'ready', { syncing: 0 });
    view.onChange(changed('dev'));
    dev = view.fleetRows().find((r) => r.status.name === 'dev')!;
    expect(dev.partial).toBe(false);
    expect(dev.unknown?.size ?? 0).toBe(0);
  });

  it('a whole row whose kind fails says so at the next frame, right after it was read', () => {
    const store = demoStore({ now: NOW, contexts: ['dev'] });
    const clock = { now: NOW };
    const view = new FleetView(appOn(store, ['dev'], clock));
    expect(view.fleetRows()[0].partial).toBe(false);
    clock.now += 10;
    store.setPhase('dev', 'pods', { phase: 'retrying', reason: 'connection reset' });
    store.setContext('dev', 'ready', { syncing: 3 });
    view.onChange(changed('dev'));
    const dev = view.fleetRows()[0];
    expect(dev.partial).toBe(true);
    expect(dev.unknown?.has('pods')).toBe(true);
  });

  it('past 10 syncing contexts each partial row is read less often, in proportion (20: every second); a few are read every 500 ms', () => {
    const readAfter = (n: number, ms: number): boolean => {
      const names = Array.from({ length: n }, (_, i) => `c${i + 1}`);
      const store = demoStore({ now: NOW, contexts: names });
      const clock = { now: NOW };
      const view = new FleetView(appOn(store, names, clock));
      for (const c of names) {
        store.setPhase(c, 'pods', { phase: 'syncing' });
        store.setPhase(c, 'deployments.apps', { phase: 'syncing' });
        store.setContext(c, 'ready', { syncing: 2 });
        view.onChange(changed(c));
      }
      expect(view.fleetRows()[0].unknown?.has('pods')).toBe(true);
      // pods done in c1, deployments still syncing: the row is partial, its pods no longer unknown once read
      clock.now += ms;
      store.setPhase('c1', 'pods', undefined);
      store.setContext('c1', 'ready', { syncing: 1 });
      view.onChange(changed('c1'));
      const c1 = view.fleetRows()[0];
      expect(c1.partial).toBe(true);
      return !c1.unknown?.has('pods');
    };
    expect(readAfter(2, 500)).toBe(true);
    expect(readAfter(20, 600)).toBe(false);
    expect(readAfter(20, 1000)).toBe(true);
  });

  it('a limited context (a kind forbidden for good) never shows counts taken before a kind synced: 0/0 nodes from the first list stay ?', () => {
    const store = demoStore({ now: NOW, contexts: ['staging'] });
    const clock = { now: NOW };
    const nodes = [1, 2, 3].map((i) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, uid: `node-${i}` }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }));
    // pvcs forbidden in kube-system for good: the row always has a gap; nodes in their first list
    store.setPhase('staging', 'persistentvolumeclaims', { phase: 'forbidden' });
    store.setPhase('staging', 'nodes', { phase: 'syncing' });
    store.setContext('staging', 'ready', { syncing: 1 });
    const view = new FleetView(appOn(store, ['staging'], clock));
    view.onChange(changed('staging'));
    expect(cell(view.fleetRows()[0], 'NODES')).toBe('?');
    // the nodes list lands and synced, a moment later: the counts are the list's, never the first read's 0/0
    clock.now += 50;
    for (const n of nodes) store.put('staging', 'nodes', n);
    store.setPhase('staging', 'nodes', undefined);
    store.setContext('staging', 'ready', { syncing: 0 });
    view.onChange({ resources: new Set(['staging\u0000nodes']), contexts: new Set(['staging']) });
    const row = view.fleetRows()[0];
    expect(cell(row, 'NODES')).toBe('3/3');
  });

  it('gaps read before discovery (only pods known) do not stand for the kinds watched once it is discovered', () => {
    const store = demoStore({ now: NOW, contexts: ['dev'], undiscovered: true });
    const clock = { now: NOW };
    const view = new FleetView(appOn(store, ['dev'], clock));
    view.onChange(changed('dev'));
    expect(cell(view.fleetRows()[0], 'WORKLOADS')).toBe('?'); // never read: unknown, never '-'
    // discovered 50 ms later; the workloads are in their first list
    clock.now += 50;
    store.discover('dev');
    store.setPhase('dev', 'deployments.apps', { phase: 'syncing' });
    store.setContext('dev', 'ready', { syncing: 1 });
    view.onChange(changed('dev'));
    const row = view.fleetRows()[0];
    expect(cell(row, 'WORKLOADS')).toBe('?');
    expect(cell(row, 'PROBLEMS')).toMatch(/\+$/);
  });
});
