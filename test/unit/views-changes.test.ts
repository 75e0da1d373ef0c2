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
