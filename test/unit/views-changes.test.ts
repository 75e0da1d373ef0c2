// The changes view recomputes at most once a second; a batch that lands inside that bound is
// drawn when the bound ends, not at the next event (it stayed stale until something else
// happened: the e2e "not read: staging …" line never came on a quiet fleet).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import type { AppContext, View } from '../../src/ui/view.js';
import { ChangesView } from '../../src/ui/views/triage.js';
import { demoStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');
const plain = (lines: string[]): string => lines.map((l) => l.replace(/\{[^}]*\}/g, '')).join('\n');

afterEach(() => {
  vi.useRealTimers();
});

describe('ChangesView', () => {
  it('a batch inside the once-a-second bound is drawn when the bound ends', async () => {
    vi.useFakeTimers();
    let now = NOW;
    let renders = 0;
    const store = demoStore({ now: NOW });
    const app = {
      act: () => undefined, openTree: () => false, outcomes: () => [],
      store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
      contexts: () => ['dev', 'staging', 'prod-eu'], namespace: () => undefined, setContexts: () => undefined, setNamespace: () => undefined,
      push: (_v: View) => undefined, pop: () => undefined, message: () => undefined, render: () => void renders++, now: () => now, command: () => undefined,
    } as unknown as AppContext;
    const view = new ChangesView(app);
    expect(plain(view.render(160, 20))).not.toContain('cart-v2');

    // a deployment created 200 ms after the first draw: inside the bound
    now += 200;
    const changed = new Promise<void>((resolve) => {
      const off = store.onChange((b) => {
        view.onChange(b);
        off();
        resolve();
      });
    });
    store.put('dev', 'deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart-v2', namespace: 'shop', uid: 'cart-v2', creationTimestamp: new Date(now).toISOString() }, spec: {}, status: {} });
    await vi.runOnlyPendingTimersAsync();
    await changed;
    renders = 0;
    view.render(160, 20);
    expect(renders).toBe(0);
    // the bound ends: the view asks for a frame by itself, and that frame has the row
    now += 800;
    await vi.advanceTimersByTimeAsync(800);
    expect(renders).toBe(1);
    expect(plain(view.render(160, 20))).toContain('cart-v2');
    view.close();
  });
});

describe('the changes view filters as every table does (src/model/filter.ts)', () => {
  const store = demoStore({ now: NOW });
  const deploy = (name: string, labels: Record<string, string>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', uid: name, labels, creationTimestamp: new Date(NOW - 300_000).toISOString() }, spec: {}, status: {} });
  store.put('dev', 'deployments.apps', deploy('cart-v2', { app: 'cart' }));
  store.put('staging', 'deployments.apps', deploy('api-v3', { app: 'api' }));
  const app = {
    act: () => undefined, openTree: () => false, outcomes: () => [],
    store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
    contexts: () => ['dev', 'staging', 'prod-eu'], namespace: () => undefined, setContexts: () => undefined, setNamespace: () => undefined,
    push: () => undefined, pop: () => undefined, message: () => undefined, render: () => undefined, now: () => NOW, command: () => undefined,
  } as unknown as AppContext;
  const objects = (line: string): string[] => {
    const view = new ChangesView(app);
    view.filter.set(line);
    const shown = plain(view.render(200, 30)).split('\n').filter((l) => /\s(created|warning)\s/.test(l)).map((l) => l.split(/\s+/)[4]);
    view.close();
    return shown;
  };
  const all = ['Deployment/shop/cart-v2', 'Deployment/shop/api-v3', 'Pod/shop/web-7d9f8-xxxx0'];

  it('words, inverse, phrases and fuzzy over the columns as drawn (CONTEXT, OBJECT, CHANGE, WHAT)', () => {
    expect(objects('').sort()).toEqual([...all].sort());
    expect(objects('created').sort()).toEqual(all.slice(0, 2).sort());
    expect(objects('!created')).toEqual(['Pod/shop/web-7d9f8-xxxx0']);
    expect(objects('!dev').sort()).toEqual(all.slice(1).sort());
    expect(objects('!warning').sort()).toEqual(all.slice(0, 2).sort());
    expect(objects('prod-eu')).toEqual(['Pod/shop/web-7d9f8-xxxx0']);
    expect(objects('Pod/shop')).toEqual(['Pod/shop/web-7d9f8-xxxx0']);
    expect(objects('cart created')).toEqual(['Deployment/shop/cart-v2']);
    expect(objects('"Deployment/shop/api"')).toEqual(['Deployment/shop/api-v3']);
    expect(objects('~crtv2')).toEqual(['Deployment/shop/cart-v2']);
  });

  it('-l reads the labels of the object the row names, while the store holds it', () => {
    expect(objects('-l app in (cart, api)').sort()).toEqual(all.slice(0, 2).sort());
    expect(objects('-l app=cart')).toEqual(['Deployment/shop/cart-v2']);
  });

  // the count read `[3]` while the "not read" line said some kinds' changes are not shown
  it('a kind not read whole: the count is a lower bound, as the "not read" line says', () => {
    const view = new ChangesView(app);
    expect(view.status()).toBe('[3]');
    view.close();
    store.setPhase('staging', 'events', { phase: 'forbidden', reason: 'events is forbidden' });
    try {
      const again = new ChangesView(app);
      expect(again.status()).toBe('[3+]');
      expect(plain(again.render(200, 30))).toContain('not read: staging: events forbidden');
      again.close();
    } finally {
      store.setPhase('staging', 'events', undefined);
    }
  });

  it('an invalid filter keeps no row and says why', () => {
    const view = new ChangesView(app);
    view.filter.set('-l =');
    const screen = plain(view.render(200, 30));
    expect(view.status()).toBe('[0]');
    expect(view.filter.error()).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(screen).toContain("invalid filter /-l =: found '=', expected: !, identifier, or 'end of string'");
    view.filter.set('-l app');
    view.render(200, 30);
    expect(view.filter.error()).toBeUndefined();
    view.close();
  });
});
