// The notice row under a resource table names every context in scope whose rows it cannot
// list: a kind forbidden or syncing in a discovered context, and also a context never
// discovered (unreachable from the start), which has no types and so no rows — missing, not
// absent (rule 1: unknown is never shown as fine). A tester's repro: `:pods` over a fleet with
// one context pointing at a server that never answers showed `pods [100]` and no notice.
import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import type { AppContext } from '../../src/ui/view.js';
import { ResourceTableView } from '../../src/ui/views/resource-table.js';
import { FakeStore } from '../helpers/fake-store.js';

function setup(contexts: string[], namespace?: string) {
  const store = new FakeStore(contexts);
  const app = {
    store, contexts: () => contexts, namespace: () => namespace, now: () => Date.UTC(2026, 0, 2),
    message: () => undefined, render: () => undefined, theme: loadTheme('default', { configDir: null }),
  } as unknown as AppContext;
  return { store, app };
}

const plain = (lines: string[]): string[] => lines.map((l) => l.replace(/\{[^{}]*\}/g, ''));

describe('resource table notice', () => {
  it('names a context in scope that was never discovered', () => {
    const { store, app } = setup(['dev', 'gone']);
    store.setContext('gone', 'unreachable', { discovered: false, lastError: 'dial tcp 127.0.0.1:1: connect: connection refused' });
    const view = new ResourceTableView(app, { query: 'pods' });
    const lines = plain(view.render(160, 20));
    expect(lines.at(-1)).toMatch(/^not whole: pods in gone: .*unreachable/);
    view.close();
  });

  it('the title count carries + while the rows are not whole: [0+] waiting for discovery, [N+] beside an unreachable context', () => {
    const { store, app } = setup(['dev', 'gone']);
    store.setContext('gone', 'unreachable', { discovered: false, lastError: 'dial tcp 127.0.0.1:1: connect: connection refused' });
    const view = new ResourceTableView(app, { query: 'pods' });
    view.render(160, 20);
    expect(view.status()).toMatch(/^\[\d+\+\]/);
    view.close();
    // only a context never discovered in scope: no rows yet, and not "0"
    const only = new ResourceTableView(app, { query: 'pods', contexts: ['gone'] });
    expect(plain(only.render(160, 20))[0]).toMatch(/waiting for discovery of gone/);
    expect(only.status()).toBe('[0+]');
    only.close();
    // a kind still syncing in a discovered context
    store.setPhase('dev', 'pods', { phase: 'syncing' });
    const syncing = new ResourceTableView(app, { query: 'pods', contexts: ['dev'] });
    syncing.render(160, 20);
    expect(syncing.status()).toMatch(/^\[\d+\+\]/);
    syncing.close();
  });

  it('says nothing when every context in scope is discovered and its list synced', () => {
    const { app } = setup(['dev', 'prod']);
    const view = new ResourceTableView(app, { query: 'pods' });
    expect(plain(view.render(160, 20)).some((l) => l.startsWith('not whole'))).toBe(false);
    expect(view.status()).toMatch(/^\[\d+\]/);
    view.close();
  });

  it('a namespace scope no context has (a typo) is said once the Namespaces are known whole, not shown as an empty list', () => {
    const { store, app } = setup(['dev', 'prod'], 'chekout');
    store.put('dev', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'checkout', uid: 'ns-1' } });
    const watchNamespaces = store.watch({ contexts: ['dev', 'prod'], resource: 'namespaces' });
    const view = new ResourceTableView(app, { query: 'pods' });
    expect(plain(view.render(160, 20)).at(-1)).toBe('namespace chekout not found in dev, prod');
    // a context whose Namespaces are not whole yet is not named
    store.setPhase('prod', 'namespaces', { phase: 'syncing' });
    expect(plain(view.render(160, 20)).at(-1)).toBe('namespace chekout not found in dev');
    view.close();
    watchNamespaces.close();
  });

  it('a namespace one context has: only the others are named', () => {
    const { store, app } = setup(['dev', 'prod'], 'checkout');
    store.put('dev', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'checkout', uid: 'ns-1' } });
    const watchNamespaces = store.watch({ contexts: ['dev', 'prod'], resource: 'namespaces' });
    const view = new ResourceTableView(app, { query: 'pods' });
    expect(plain(view.render(160, 20)).at(-1)).toBe('namespace checkout not found in prod');
    view.close();
    watchNamespaces.close();
  });
});
