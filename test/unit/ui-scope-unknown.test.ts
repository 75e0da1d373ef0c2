// Rule 1 over the fleet views (a tester's findings): a namespace scope with a typo is said
// "namespace chekout not found in prod-eu" by Problems, Pulses and the Fleet view as the
// tables say it (never "no problems" or plain 0s); a context never reached shows `?` in the
// Fleet view, not `-`; an unreachable context's last latency is not shown as current; and the
// title does not count a context whose cluster is unknown as a cluster.
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { openScreen } from '../../src/ui/shell.js';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import type { AppContext } from '../../src/ui/view.js';
import { FleetView, fleetColumns, type FleetRow } from '../../src/ui/views/fleet.js';
import { ProblemsView } from '../../src/ui/views/problems.js';
import { PulsesView } from '../../src/ui/views/pulses.js';
import { demoStore, type FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

function appOn(store: FakeStore, contexts: string[], namespace?: string): AppContext {
  const app = {
    act: () => undefined, openTree: () => false, outcomes: () => [],
    store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
    contexts: () => contexts, namespace: () => namespace,
    setContexts: () => undefined, setNamespace: () => undefined,
    push: () => undefined, pop: () => undefined, message: () => undefined, render: () => undefined, now: () => NOW, command: () => undefined,
  };
  return app as unknown as AppContext;
}

const plain = (lines: string[]): string[] => lines.map((l) => l.replace(/\{[^{}]*\}/g, ''));
const cell = (row: FleetRow, header: string): string => fleetColumns().find((c) => c.header === header)!.value(row);
const closers: { close(): void }[] = [];
afterEach(() => {
  for (const v of closers.splice(0)) v.close();
});
function open<T extends { close(): void }>(v: T): T {
  closers.push(v);
  return v;
}

describe('a namespace scope no context has (a typo)', () => {
  it('Problems says the namespace is not found, never "no problems" or [0]', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    const view = open(new ProblemsView(appOn(store, ['prod-eu'], 'chekout')));
    expect(view.status()).toBe('[namespace chekout not found in prod-eu]');
    const text = plain(view.render(120, 10)).join('\n');
    expect(text).not.toMatch(/no problems/);
    expect(text).toContain('namespace chekout not found in prod-eu');
  });

  it('Problems over two contexts, one without the namespace: counts the other, names the one without', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    store.remove('prod-eu', 'namespaces', undefined, 'shop');
    const view = open(new ProblemsView(appOn(store, ['dev', 'prod-eu'], 'shop')));
    expect(view.status()).toMatch(/^\[\d+/);
    expect(plain(view.render(160, 20)).join('\n')).toContain('namespace shop not found in prod-eu');
  });

  it('Pulses says it in the context\'s label, never events/s 0 problems 0 restarts 0', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    const view = open(new PulsesView(appOn(store, ['prod-eu'], 'nope')));
    const text = plain(view.render(80, 20)).join('\n');
    expect(text).toMatch(/^ prod-eu\s+namespace nope not found in prod-eu/m);
    expect(text).not.toMatch(/problems 0/);
    expect(view.sparkTitle('prod-eu', 'problems')).toBe('problems: no ns');
  });

  it('Pulses\' roomy layout draws no flat 0 for it: the line chart of the context without the namespace is off, the other\'s is drawn', async () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    store.remove('prod-eu', 'namespaces', undefined, 'shop');
    const view = open(new PulsesView(appOn(store, ['dev', 'prod-eu'], 'shop')));
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 200, rows: 50 });
    output.resume();
    const screen = open(Object.assign(openScreen({ input, output, terminal: 'xterm-256color', env: { LANG: 'en_US.UTF-8', TERM: 'xterm-256color' } }), { close: () => screen.destroy() }));
    const body = blessed.box({ parent: screen, top: 0, left: 0, width: 200, height: 50 });
    // contrib's widgets load on first use
    for (let i = 0; i < 200 && !body.children.length; i++) {
      view.mount(body, 200, 50);
      await new Promise((r) => setTimeout(r, 5));
    }
    const charts = (body.children as (blessed.Widgets.BoxElement & { type: string })[]).filter((w) => w.type === 'line');
    expect(charts.map((c) => [c.top, c.hidden])).toEqual([[1, false], [26, true]]);
    expect(plain(view.render(200, 50))[25]).toMatch(/^ prod-eu\s+namespace shop not found in prod-eu/);
  });

  it('the Fleet view says it under the table and its namespaced counts are not 0s', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    const view = open(new FleetView(appOn(store, ['dev', 'prod-eu'], 'chekout')));
    const rows = view.fleetRows();
    for (const r of rows) {
      expect(cell(r, 'PROBLEMS')).toBe('no ns');
      expect(cell(r, 'PODS FAILING')).toBe('no ns');
    }
    expect(plain(view.render(220, 10)).at(-1)).toBe('namespace chekout not found in dev, prod-eu');
    // a namespace that is there: counts, no notice
    const shop = open(new FleetView(appOn(store, ['dev', 'prod-eu'], 'shop')));
    expect(cell(shop.fleetRows()[0], 'PROBLEMS')).toMatch(/^\d+$/);
    expect(plain(shop.render(220, 10)).some((l) => l.includes('not found'))).toBe(false);
  });
});

describe('Fleet rows of contexts that could not be asked', () => {
  it('a context never reached shows ? in every count cell, not -', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'dead'] });
    store.setContext('dead', 'unreachable', { discovered: false, latencyMs: undefined, serverVersion: undefined, lastError: 'connect ECONNREFUSED 127.0.0.1:1' });
    const view = open(new FleetView(appOn(store, ['dev', 'dead'])));
    const dead = view.fleetRows().find((r) => r.status.name === 'dead')!;
    for (const h of ['LATENCY', 'VERSION', 'NODES', 'PODS R/P/F', 'PODS FAILING', 'WORKLOADS', 'FLUX OK/FAIL/SUSP', 'CRS', 'PROBLEMS']) expect([h, cell(dead, h)]).toEqual([h, '?']);
  });

  it('a context that became unreachable does not show its last latency as current', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu'] });
    const view = open(new FleetView(appOn(store, ['dev', 'prod-eu'])));
    expect(cell(view.fleetRows().find((r) => r.status.name === 'prod-eu')!, 'LATENCY')).toBe('3ms');
    store.setContext('prod-eu', 'unreachable', { lastError: 'connect ECONNREFUSED' });
    view.onChange({ resources: new Set(), contexts: new Set(['prod-eu']) });
    expect(cell(view.fleetRows().find((r) => r.status.name === 'prod-eu')!, 'LATENCY')).toBe('?');
  });

  it('the title does not count a context whose cluster is unknown as a cluster', () => {
    const store = demoStore({ now: NOW, contexts: ['dev', 'dev-admin', 'prod-eu', 'dead'] });
    store.setContext('dev', 'ready', { server: 'https://dev.example.com', kubeSystemUid: 'dev-ks' });
    store.setContext('dev-admin', 'ready', { server: 'https://dev.example.com', kubeSystemUid: 'dev-ks' });
    store.setContext('prod-eu', 'ready', { server: 'https://eu.example.com', kubeSystemUid: 'eu-ks' });
    store.setContext('dead', 'unreachable', { server: 'https://127.0.0.1:1', discovered: false });
    const view = open(new FleetView(appOn(store, ['dev', 'dev-admin', 'prod-eu', 'dead'])));
    expect(view.status()).toBe('[4 contexts · 2+ clusters (1 not known)]');
  });
});
