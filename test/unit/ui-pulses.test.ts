// The pulses view over an in-memory store: samples on its own clock while open (never per
// change batch), rates from Events and restarts, unknown shown as '?' and 'n/a', cluster text
// sanitized, and no timer, watch or metrics lease left once it is closed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import type { MetricsPoller } from '../../src/fleet/metrics.js';
import type { MetricsSnapshot } from '../../src/model/metrics.js';
import type { KubeObject } from '../../src/model/types.js';
import type { AppContext } from '../../src/ui/view.js';
import { canvasColour, PulsesView, SAMPLE_MS } from '../../src/ui/views/pulses.js';
import { FakeStore } from '../helpers/fake-store.js';

const theme = loadTheme('default', { configDir: null });
const plain = (rows: string[]): string => rows.map((r) => r.replace(/\{[^}]*\}/g, '')).join('\n');

const event = (name: string, count: number): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'shop', uid: `ev-${name}` }, count });
const pod = (restarts: number): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'pod-1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'app' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: restarts, state: { running: {} } }] },
});
const node = (): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n1' }, status: { allocatable: { cpu: '4', memory: '8Gi' }, conditions: [{ type: 'Ready', status: 'True' }] } });

function fakeMetrics(snap: () => MetricsSnapshot) {
  const m = {
    leases: 0,
    snapshot: () => snap(),
    error: () => undefined,
    lease(contexts: string[]) {
      m.leases += contexts.length;
      let done = false;
      return () => {
        if (!done) m.leases -= contexts.length;
        done = true;
      };
    },
    onChange: () => () => {},
    refresh: async () => {},
    close: () => {},
  };
  return m;
}

let clock = Date.parse('2026-01-01T00:10:00Z');
let view: PulsesView | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  view?.close();
  view = undefined;
  vi.useRealTimers();
});

function setup(contexts: string[], snap: () => MetricsSnapshot) {
  const store = new FakeStore(contexts);
  for (const c of contexts) {
    store.put(c, 'pods', pod(2));
    store.put(c, 'nodes', node());
    store.put(c, 'events', event('a', 1));
  }
  const metrics = fakeMetrics(snap);
  let renders = 0;
  const app = {
    store, theme, metrics: metrics as unknown as MetricsPoller, keymap: { name: 'default', bindings: {}, files: [] }, readonly: false,
    contexts: () => contexts, namespace: () => undefined,
    render: () => void renders++,
    now: () => clock,
  } as unknown as AppContext;
  return { store, metrics, app, renders: () => renders };
}

describe('PulsesView', () => {
  it('samples every SAMPLE_MS while open, not per batch; closing leaves no timer, watch or lease', () => {
    const t = setup(['east'], () => ({ state: 'served', at: clock, pods: new Map(), nodes: new Map([['n1', { cpu: 1, memory: 2 ** 30 }]]) }));
    view = new PulsesView(t.app);
    expect(vi.getTimerCount()).toBe(1);
    expect(t.metrics.leases).toBe(1);
    let text = plain(view.render(80, 20));
    // the first sample is the baseline: no rate, no new restarts yet; the totals are known
    expect(text).toMatch(/^ east\s+events\/s \?\s+problems \d+\s+restarts 2\s+CPU 25% of 4 cores\s+MEM 13% of 8\.0Gi/m);
    // changes arrive: they only mark the context, the label stays until the next sample
    t.store.put('east', 'events', event('a', 3));
    t.store.put('east', 'events', event('b', 1));
    t.store.put('east', 'pods', pod(5));
    view.onChange({ resources: new Set(['east\u0000events', 'east\u0000pods']), contexts: new Set() });
    expect(plain(view.render(80, 20))).toBe(text);
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    text = plain(view.render(80, 20));
    // 2 more of a, 1 new b over 2 s; 3 new restarts
    expect(text).toMatch(/events\/s 1\.5\s+problems \d+\s+restarts 5/);
    // a quiet interval: no change batch, the rate falls to 0 (known, not carried)
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    expect(plain(view.render(80, 20))).toMatch(/events\/s 0\s/);
    view.close();
    view = undefined;
    expect(vi.getTimerCount()).toBe(0);
    expect(t.metrics.leases).toBe(0);
    expect(t.store.watches).toEqual([]);
  });

  it('says n/a where metrics.k8s.io is not served and … before the first answer; each context its label', () => {
    let snap: MetricsSnapshot = { state: 'pending' };
    const t = setup(['east', 'west'], () => snap);
    view = new PulsesView(t.app);
    let text = plain(view.render(80, 20));
    expect(text).toMatch(/^ east\s.*CPU …\s+MEM …/m);
    expect(text).toMatch(/^ west\s.*CPU …\s+MEM …/m);
    snap = { state: 'unserved', reason: 'the server could not find the requested resource' };
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    text = plain(view.render(80, 20));
    expect(text).toMatch(/^ west\s.*CPU n\/a\s+MEM n\/a/m);
    // compact panels at 80 columns: a label line then three rows for the sparklines
    expect(view.render(80, 20).length).toBe(8);
  });

  it('a context that could not be asked says CPU ? MEM ?, never n/a ("not served")', () => {
    let snap: MetricsSnapshot = { state: 'unknown', reason: 'metrics: connect ECONNREFUSED 127.0.0.1:1' };
    const t = setup(['east', 'dead'], () => snap);
    view = new PulsesView(t.app);
    expect(plain(view.render(80, 20))).toMatch(/^ dead\s.*CPU \?\s+MEM \?/m);
    // an unreachable context: its last "not served" answer is not current either
    snap = { state: 'unserved', reason: 'the server could not find the requested resource' };
    t.store.setContext('dead', 'unreachable', { lastError: 'connect ECONNREFUSED 127.0.0.1:1' });
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    const text = plain(view.render(80, 20));
    expect(text).toMatch(/^ dead\s.*CPU \?\s+MEM \?/m);
    expect(text).toMatch(/^ east\s.*CPU n\/a\s+MEM n\/a/m);
  });

  it('a context reaching the cluster of one before it is marked with that name, as in the Fleet view', () => {
    const t = setup(['east', 'west'], () => ({ state: 'pending' }));
    for (const c of ['east', 'west']) t.store.setContext(c, 'ready', { server: 'https://one:6443', kubeSystemUid: 'ks-1' });
    view = new PulsesView(t.app);
    const text = plain(view.render(80, 20));
    expect(text).toMatch(/^ east\s+events/m);
    expect(text).toMatch(/^ west =east\s+events/m);
  });

  it("a context seen only in part (RBAC: pods forbidden in a namespace) shows its counts as lower bounds, N+, never as whole", () => {
    const t = setup(['east'], () => ({ state: 'pending' }));
    t.store.setPhase('east', 'pods', { phase: 'synced', namespaces: ['default', 'kube-system'], forbiddenNamespaces: ['kube-system'], namespacesListed: true });
    view = new PulsesView(t.app);
    expect(plain(view.render(80, 20))).toMatch(/^ east\s+events\/s \S+\s+problems \d+\+\s+restarts \d+\+/m);
    t.store.setPhase('east', 'pods', undefined);
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    expect(plain(view.render(80, 20))).toMatch(/^ east\s+events\/s \S+\s+problems \d+\s+restarts \d+\s/m);
  });

  it('each figure carries its own kinds\' completeness: events/s over Events forbidden in kube-system is 0+, restarts over whole pods plain, in the label and the sparkline titles', () => {
    const t = setup(['staging'], () => ({ state: 'pending' }));
    t.store.setPhase('staging', 'events', { phase: 'synced', namespaces: ['default', 'kube-system'], forbiddenNamespaces: ['kube-system'], namespacesListed: true });
    view = new PulsesView(t.app);
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    expect(plain(view.render(80, 20))).toMatch(/^ staging\s+events\/s 0\+\s+problems \d+\s+restarts 2\s/m);
    expect(view.sparkTitle('staging', 'events')).toBe('events/s 0+');
    expect(view.sparkTitle('staging', 'restarts')).toBe('restarted 0');
    // pods forbidden in a namespace: the new restarts are a lower bound too, and problems (pods are a status kind)
    t.store.setPhase('staging', 'pods', { phase: 'synced', namespaces: ['default', 'kube-system'], forbiddenNamespaces: ['kube-system'], namespacesListed: true });
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    expect(view.sparkTitle('staging', 'restarts')).toBe('restarted 0+');
    expect(view.sparkTitle('staging', 'problems')).toMatch(/^problems \d+\+$/);
  });

  it('CPU/MEM are unknown, not a share of part of the cluster, while the nodes are not listed whole', () => {
    const t = setup(['east'], () => ({ state: 'served', at: clock, pods: new Map(), nodes: new Map([['n1', { cpu: 1, memory: 2 ** 30 }]]) }));
    t.store.setPhase('east', 'nodes', { phase: 'syncing' });
    view = new PulsesView(t.app);
    expect(plain(view.render(80, 20))).toMatch(/CPU \? \(nodes not listed\)/);
    expect(view.sparkTitle('east', 'cpu')).toBe('CPU ? (nodes not listed)');
    t.store.setPhase('east', 'nodes', undefined);
    clock += SAMPLE_MS;
    vi.advanceTimersByTime(SAMPLE_MS);
    expect(plain(view.render(80, 20))).toMatch(/CPU 25% of 4 cores/);
  });

  it('shows a hostile context name escaped', () => {
    const t = setup(['evil\u001b]0;pwned\u0007'], () => ({ state: 'pending' }));
    view = new PulsesView(t.app);
    const rows = view.render(80, 20).join('\n');
    expect(rows).not.toMatch(/[\u001b\u0007]/);
    expect(rows).toContain('evil\\e]0;pwned\\a');
  });

  it('canvasColour: theme colours as the 8 names blessed-contrib draws with', () => {
    expect(canvasColour('brightred')).toBe('red');
    expect(canvasColour('cyan')).toBe('cyan');
    expect(canvasColour('default')).toBe('normal');
    expect(canvasColour(undefined)).toBe('normal');
    expect(canvasColour('#ff8000')).toEqual([255, 128, 0]);
  });
});
