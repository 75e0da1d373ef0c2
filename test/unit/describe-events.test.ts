// Issue 20 case 2: describe's Events section over a list that is not whole says so — "events
// not loaded yet" while the events of the object's namespace sync, the RBAC refusal when they
// are forbidden, the failure when their list failed — and `<none>` only over a synced list.
import { describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import type { AppContext } from '../../src/ui/view.js';
import { DescribeView, layoutFields } from '../../src/ui/views/describe.js';
import { demoStore, type FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

function appOn(store: FakeStore): AppContext {
  return {
    act: () => undefined, openTree: () => false, outcomes: () => [], store,
    theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
    contexts: () => ['prod-eu'], namespace: () => undefined, setContexts: () => undefined, setNamespace: () => undefined,
    push: () => undefined, pop: () => undefined, message: () => undefined, render: () => undefined, now: () => NOW, command: () => undefined,
  } as unknown as AppContext;
}

/** The lines of the Events section (up to the end of the text). */
function eventsSection(view: DescribeView): string[] {
  const lines = view.render(200, 400).map((l) => l.replace(/\{[^}]*\}/g, '').trimEnd());
  const at = lines.findIndex((l) => l === 'Events:');
  expect(at, lines.join('\n')).toBeGreaterThan(0);
  return lines.slice(at + 1).filter((l) => l !== '');
}

describe("describe's Events section (issue 20 case 2)", () => {
  // a healthy pod with no events in the demo store (the crash-looping one, xxxx0, has a BackOff)
  const podOf = (store: FakeStore, name = 'web-7d9f8-xxxx1') => store.list('prod-eu', 'pods', 'shop').find((p) => p.metadata.name === name)!;

  it('while the events of its namespace sync: "events not loaded yet", never <none>; once synced and empty: <none>', () => {
    const store = demoStore({ now: NOW });
    store.setPhase('prod-eu', 'events', { phase: 'syncing' });
    const rt = store.resolve('prod-eu', 'pods')!;
    const view = new DescribeView(appOn(store), 'prod-eu', rt, podOf(store));
    // the view watches the object's events itself (nothing else may be watching them)
    expect(store.watches.some((w) => w.resource === 'events' && w.namespace === 'shop' && w.contexts.includes('prod-eu'))).toBe(true);
    expect(eventsSection(view)).toEqual(['  (events not loaded yet)']);
    store.setPhase('prod-eu', 'events', undefined);
    expect(eventsSection(view)).toEqual(['  <none>']);
    view.close();
  });

  it('forbidden or failed: the reason, never <none>', () => {
    const store = demoStore({ now: NOW });
    const rt = store.resolve('prod-eu', 'pods')!;
    store.setPhase('prod-eu', 'events', { phase: 'forbidden', reason: 'events is forbidden: User "dev" cannot list resource "events"' });
    const view = new DescribeView(appOn(store), 'prod-eu', rt, podOf(store));
    const forbidden = eventsSection(view);
    expect(forbidden).toHaveLength(1);
    expect(forbidden[0]).toMatch(/^ {2}\(events .*forbidden/);
    store.setPhase('prod-eu', 'events', { phase: 'retrying', reason: 'connection reset by peer' });
    const failed = eventsSection(view);
    expect(failed[0]).toMatch(/^ {2}\(events .*connection reset by peer/);
    expect([...forbidden, ...failed]).not.toContain('  <none>');
    view.close();
  });

  it("the crash-looping pod's BackOff is listed, not <none>", () => {
    const store = demoStore({ now: NOW });
    const view = new DescribeView(appOn(store), 'prod-eu', store.resolve('prod-eu', 'pods')!, podOf(store, 'web-7d9f8-xxxx0'));
    const ev = eventsSection(view).join('\n');
    expect(ev).toMatch(/Warning\s+BackOff/);
    expect(ev).not.toContain('<none>');
    view.close();
  });
});

// describe's key/value columns: every value of a run of fields starts in one column. A label
// longer than 12 (`Controlled By:`) put its value two columns right of the others, and a spec
// key in a wide script was measured in UTF-16 units.
describe('describe fields', () => {
  const strip = (l: string): string => l.replace(/\{[^}]*\}/g, '');
  const valueAt = (l: string): number => strip(l).search(/(?<=:\s+|^\s+)[^\s:]/u);

  it('keeps each run of fields at one value column, measured in terminal columns', () => {
    const store = demoStore({ now: NOW });
    const pod = store.list('prod-eu', 'pods', 'shop')[0];
    const rt = store.resolve('prod-eu', 'pods')!;
    const lines = new DescribeView(appOn(store), 'prod-eu', rt, { ...pod, metadata: { ...pod.metadata, labels: { a: '1', b: '2' } } }).render(200, 60);
    const top = lines.slice(0, lines.findIndex((l) => /^\S.*:\s*$/.test(strip(l))));
    expect(top.some((l) => strip(l).startsWith('Controlled By:'))).toBe(true);
    expect(new Set(top.map(valueAt))).toEqual(new Set([16]));
  });

  it('measures a wide label by its terminal width', () => {
    const lines = layoutFields([{ indent: 2, label: '日本語:', value: 'x' }, { indent: 2, label: 'replicas:', value: 'y' }], (l, w) => l + ' '.repeat(w - [...l].reduce((n, c) => n + (c.charCodeAt(0) > 0x2000 ? 2 : 1), 0)));
    expect(lines).toEqual(['  日本語:     x', '  replicas:   y']);
  });
});

describe('describe events at 80 columns', () => {
  it('a long reason is cut to a quarter of the screen so the message stays on it; whole when wrapped', () => {
    const store = demoStore({ now: NOW });
    const pod = store.list('prod-eu', 'pods', 'shop').find((p) => store.list('prod-eu', 'events', 'shop').some((e) => (e.involvedObject as { uid?: string }).uid === p.metadata.uid))!;
    const ev = store.list('prod-eu', 'events', 'shop')[0];
    store.put('prod-eu', 'events', { ...ev, reason: `Hostile${'long-'.repeat(40)}`, message: 'the message' });
    const view = new DescribeView(appOn(store), 'prod-eu', store.resolve('prod-eu', 'pods')!, pod);
    const row = view.render(80, 60).find((l) => l.includes('Hostile'))!;
    expect(row).toContain('the message');
    expect(row).toContain('…');
    view.handle('wrap');
    expect(view.render(80, 60).join('')).toContain('long-'.repeat(10));
  });
});

describe('a text view says where its window is', () => {
  it('`[first-last/total]` rows while the text is taller than the screen, nothing once it all shows', () => {
    const store = demoStore({ now: NOW });
    const rt = store.resolve('prod-eu', 'pods')!;
    const view = new DescribeView(appOn(store), 'prod-eu', rt, store.list('prod-eu', 'pods', 'shop')[0]);
    const total = view.render(200, 400).length;
    expect(view.status()).toBe('');
    view.render(200, 10);
    expect(view.status()).toBe(`[1-10/${total}]`);
    view.handle('page-down');
    view.render(200, 10);
    expect(view.status()).toBe(`[10-19/${total}]`);
    // the end key moves past the text before the next frame clamps it: the header (drawn first) still says the last rows
    view.handle('bottom');
    expect(view.status()).toBe(`[${total - 9}-${total}/${total}]`);
    view.close();
  });
});
