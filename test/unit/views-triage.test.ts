// The Problems, Fleet and Tree views over the in-memory store: rows derived from the model,
// live after a change batch, navigation and the views they open.
import { describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import type { AppContext, View } from '../../src/ui/view.js';
import { FleetView, sparkline } from '../../src/ui/views/fleet.js';
import { ProblemsView } from '../../src/ui/views/problems.js';
import { TreeView } from '../../src/ui/views/tree.js';
import { CompareView, TraceView } from '../../src/ui/views/triage.js';
import { snapshotUnserved } from '../../src/cli/triage-common.js';
import { runOnView } from '../../src/ui/objects.js';
import { demoStore, FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

function appOn(store: FakeStore, contexts = ['dev', 'staging', 'prod-eu']): AppContext & { pushed: View[]; selection: string[]; acted: unknown[][] } {
  const pushed: View[] = [];
  const acted: unknown[][] = [];
  const app = {
    acted, act: (...a: unknown[]) => acted.push(a), openTree: () => false, outcomes: () => [],
    store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
    pushed, selection: contexts,
    contexts: () => app.selection, namespace: () => undefined,
    setContexts: (names: string[]) => { app.selection = names; }, setNamespace: () => undefined,
    push: (v: View) => pushed.push(v), pop: () => undefined, message: () => undefined, render: () => undefined, now: () => NOW, command: () => undefined,
  };
  return app as typeof app & AppContext;
}

const nextBatch = (store: FakeStore, view: View): Promise<void> =>
  new Promise((resolve) => {
    const off = store.onChange((b) => {
      view.onChange?.(b);
      off();
      resolve();
    });
  });

const plain = (lines: string[]): string[] => lines.map((l) => l.replace(/\{[^}]*\}/g, ''));

describe('ProblemsView', () => {
  it('lists what is not Current, most severe first, with the shell columns; live after a batch', async () => {
    const store = demoStore({ now: NOW });
    const app = appOn(store);
    const view = new ProblemsView(app);
    const rows = view.allRows();
    expect(rows.map((r) => `${r.problem.context} ${r.problem.kind} ${r.problem.name} ${r.problem.verdict.status}`)).toEqual([
      // both Failed: the longer-standing first
      'staging Kustomization apps Failed',
      'prod-eu Pod web-7d9f8-xxxx0 Failed',
    ]);
    const lines = plain(view.render(120, 10));
    expect(lines[0]).toMatch(/^CONTEXT\s+KIND\s+NAMESPACE\s+NAME\s+STATUS\s+SINCE\s+REASON/);
    expect(lines[1]).toContain('BuildFailed: kustomize build failed');

    const changed = nextBatch(store, view);
    store.put('dev', 'persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop', uid: 'pvc-1', creationTimestamp: '2026-11-20T09:00:00Z' }, spec: {}, status: { phase: 'Pending' } });
    await changed;
    expect(view.allRows().map((r) => r.problem.name)).toContain('data');
    expect(view.status()).toBe('[3, 2 failed]');
  });

  it('enter opens describe, t the tree of the object', () => {
    const app = appOn(demoStore({ now: NOW }));
    const view = new ProblemsView(app);
    view.render(120, 10);
    expect(view.selected()?.problem.name).toBe('apps');
    view.handle('open');
    expect(app.pushed.at(-1)?.title()).toBe('describe kustomization/apps');
    // object commands run on the view's selection, as the shell runs a key
    expect(runOnView(app, view, 'tree')).toEqual({ ran: true });
    expect(app.pushed.at(-1)?.title()).toBe('tree kustomization/apps');
  });

  it('shows the selected problem\'s whole reason under the table, even on a narrow screen', () => {
    const view = new ProblemsView(appOn(demoStore({ now: NOW })));
    const lines = plain(view.render(60, 12));
    expect(lines).toHaveLength(12);
    const rule = lines.findIndex((l) => /^─+$/.test(l));
    expect(rule).toBeGreaterThan(2);
    expect(lines[1]).toContain('staging');
    const detail = lines.slice(rule + 1).join('');
    expect(detail).toContain('staging Kustomization flux-system/apps: Ready=False BuildFailed: kustomize build failed');
    expect(plain(view.render(60, 6)).some((l) => l.startsWith('─'))).toBe(false);
  });
});

describe('knowledge state in the Problems view (issue 20 cases 1, 7)', () => {
  it('the title marks the count as a lower bound while kinds sync or are forbidden, and a notice names them', async () => {
    const store = demoStore({ now: NOW });
    const app = appOn(store);
    const view = new ProblemsView(app);
    expect(view.status()).toBe('[2, 2 failed]');
    const changed = nextBatch(store, view);
    store.setPhase('staging', 'deployments.apps', { phase: 'syncing' });
    store.setPhase('prod-eu', 'pods', { phase: 'syncing' });
    store.setPhase('dev', 'kustomizations.kustomize.toolkit.fluxcd.io', { phase: 'forbidden', reason: 'kustomizations is forbidden' });
    await changed;
    expect(view.status()).toBe('[2+, 2 failed · 2 kinds syncing · 1 kind forbidden]');
    const lines = plain(view.render(200, 12));
    expect(lines.find((l) => l.startsWith('not whole: '))).toBe('not whole: staging: deployments.apps not synced yet · prod-eu: pods not synced yet · dev: kustomizations.kustomize.toolkit.fluxcd.io forbidden');
    // nothing listed over an incomplete set is not "no problems"
    const empty = new ProblemsView(appOn(store, ['dev']));
    expect(plain(empty.render(200, 10))[0]).toBe('no problems in what could be read so far (not a verdict: see below)');
  });

  it('SINCE, the reason and stuck advance with the clock on the visible rows, with no change batch', () => {
    const store = demoStore({ now: NOW });
    store.put('staging', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', uid: 'ns-legacy', creationTimestamp: '2026-11-01T00:00:00Z', deletionTimestamp: new Date(NOW - 290_000).toISOString(), finalizers: ['kubernetes'] }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
    let now = NOW;
    const app = appOn(store);
    app.now = () => now;
    const view = new ProblemsView(app);
    const row = () => plain(view.render(200, 12)).find((l) => l.includes('legacy'))!;
    expect(row()).toMatch(/\sTerminating\s+4m50s\s/);
    now += 3000;
    expect(row()).toMatch(/\sTerminating\s+4m53s\s/);
    now += 12_000;
    // past STUCK_AFTER_MS: stuck, as `status` prints it, and moved up the list
    expect(row()).toMatch(/\sTerminating \(stuck\)\s+5m5s\s/);
    expect(view.allRows().findIndex((r) => r.object.metadata.name === 'legacy')).toBe(2);
  });
});

describe('FleetView', () => {
  it('a row per context with counts; a dead context is red with its error; enter narrows the scope', async () => {
    const store = demoStore({ now: NOW });
    const app = appOn(store);
    const view = new FleetView(app);
    const rows = view.fleetRows();
    expect(rows.map((r) => [r.status.name, r.problems, r.failed, r.summary?.flux.failed, r.summary?.pods.failed, r.summary?.pods.failing])).toEqual([
      ['dev', 0, 0, 0, 0, 0], ['staging', 1, 1, 1, 0, 0], ['prod-eu', 1, 1, 0, 0, 1],
    ]);
    const changed = nextBatch(store, view);
    store.setContext('staging', 'unreachable', { lastError: 'dial tcp 10.0.0.1:6443: connect: connection refused' });
    await changed;
    const lines = view.render(200, 10);
    const staging = lines.find((l) => l.includes('staging'))!;
    expect(staging).toContain('connection refused');
    expect(staging).toContain(`{${app.theme.styles['status.error'].fg}-fg}unreachable`);
    view.handle('down');
    view.handle('open');
    expect(app.selection).toEqual(['staging']);
  });

  it('a count whose kinds are not synced or forbidden is "?", never "0 bad"; PROBLEMS a lower bound (issue 20 case 1)', async () => {
    const store = demoStore({ now: NOW });
    const view = new FleetView(appOn(store));
    view.fleetRows();
    const changed = nextBatch(store, view);
    store.setPhase('dev', 'deployments.apps', { phase: 'syncing' });
    store.setPhase('dev', 'kustomizations.kustomize.toolkit.fluxcd.io', { phase: 'synced', namespaces: ['apps', 'kube-system'], forbiddenNamespaces: ['kube-system'], namespacesListed: true });
    await changed;
    const lines = plain(view.render(220, 10));
    const header = lines[0];
    const dev = lines.find((l) => l.includes('dev'))!;
    const cell = (name: string, line: string) => line.slice(header.indexOf(name), header.indexOf(name) + name.length + 2).trim();
    expect(cell('WORKLOADS', dev)).toBe('?');
    expect(dev).toMatch(/\s\?\s+\S*\s*\d+ bad\s+0\+\s/);
    const prod = lines.find((l) => l.includes('prod-eu'))!;
    expect(prod).toMatch(/\d+ bad/);
    expect(prod).not.toContain('?');
  });

  it('sparkline: single-width blocks scaled to the maximum', () => {
    expect(sparkline([0, 1, 2, 4])).toBe('▁▃▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline(Array.from({ length: 20 }, (_, i) => i)).length).toBe(12);
  });
});

describe('TreeView', () => {
  it('rooted at the top owner, toggles, jumps to the parent, opens yaml of a node', async () => {
    const store = demoStore({ now: NOW });
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7d9f8', namespace: 'shop', uid: 'rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: store.get('prod-eu', 'deployments.apps', 'shop', 'web')!.metadata.uid!, controller: true }] }, spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 2 } };
    store.put('prod-eu', 'replicasets.apps', rs);
    const app = appOn(store, ['prod-eu']);
    const pod = store.get('prod-eu', 'pods', 'shop', 'web-7d9f8-xxxx0')!;
    const view = TreeView.forObject(app, 'prod-eu', 'pods', pod);
    const labels = () => view.rows().map((l) => `${l.row.prefix}${l.row.label}`);
    // every node names its namespace (as `fleetdeck tree` prints it): the fake store's pods in
    // "default" name the same owner uid and are told apart from shop's
    expect(labels()).toEqual([
      'Deployment/shop/web', '└─ ReplicaSet/shop/web-7d9f8', '   ├─ Pod/default/web-7d9f8-xxxx0', '   ├─ Pod/default/web-7d9f8-xxxx1', '   ├─ Pod/shop/web-7d9f8-xxxx0', '   └─ Pod/shop/web-7d9f8-xxxx1',
    ]);
    const text = plain(view.render(120, 10));
    expect(text[4]).toMatch(/^✗ .*Pod\/shop\/web-7d9f8-xxxx0 {2}Failed Containers in CrashLoop state: web/);
    expect(text[5]).toMatch(/^✓ .*Pod\/shop\/web-7d9f8-xxxx1 {2}Current Pod is Ready/);

    for (let i = 0; i < 4; i++) view.handle('down');
    view.parent();
    expect(view.selected()?.ref.object.metadata.name).toBe('web-7d9f8');
    view.handle('open');
    expect(labels()).toEqual(['Deployment/shop/web', '└─ ReplicaSet/shop/web-7d9f8']);
    expect(plain(view.render(120, 10))[1]).toMatch(/^✗ \+└─ ReplicaSet\/shop\/web-7d9f8 {2}Failed 1\/2 available, 1 pod CrashLoopBackOff/);
    expect(runOnView(app, view, 'yaml')).toEqual({ ran: true });
    expect(app.pushed.at(-1)?.title()).toMatch(/replicaset\/web-7d9f8|web-7d9f8/);
    expect(runOnView(app, view, 'workload.delete')).toEqual({ ran: true });
    expect(app.acted.at(-1)?.[0]).toBe('delete');
    expect(app.acted.at(-1)?.[1]).toMatchObject([{ context: 'prod-eu', resource: 'replicasets.apps', kind: 'ReplicaSet', name: 'web-7d9f8' }]);

    const changed = nextBatch(store, view);
    store.remove('prod-eu', 'pods', 'shop', 'web-7d9f8-xxxx1');
    await changed;
    view.handle('open');
    expect(labels()).toEqual(['Deployment/shop/web', '└─ ReplicaSet/shop/web-7d9f8', '   ├─ Pod/default/web-7d9f8-xxxx0', '   ├─ Pod/default/web-7d9f8-xxxx1', '   └─ Pod/shop/web-7d9f8-xxxx0']);
  });

  it('two contexts reaching one cluster: the tree is shown once, under the first', () => {
    const store = new FakeStore(['a', 'b', 'c']);
    for (const c of ['a', 'b']) store.setContext(c, 'ready', { server: 'https://one:6443', kubeSystemUid: 'ks-1' });
    store.setContext('c', 'ready', { server: 'https://two:6443', kubeSystemUid: 'ks-2' });
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'dep-1' }, spec: { replicas: 0 }, status: {} };
    for (const c of ['a', 'b']) store.put(c, 'deployments.apps', dep);
    store.put('c', 'deployments.apps', { ...dep, metadata: { ...dep.metadata, uid: 'dep-2' } });
    const view = TreeView.xray(appOn(store, ['a', 'b', 'c']), 'deploy') as TreeView;
    expect(view.rows().map((l) => `${l.context} ${l.row.label}`)).toEqual(['a Deployment/shop/web', 'c Deployment/shop/web']);
  });

  it(':xray lists every root of a kind across the selected contexts', () => {
    const app = appOn(demoStore({ now: NOW }));
    const view = TreeView.xray(app, 'ks');
    expect(typeof view).not.toBe('string');
    expect((view as TreeView).rows().map((l) => `${l.context} ${l.row.label}`)).toEqual(['dev Kustomization/flux-system/apps', 'staging Kustomization/flux-system/apps', 'prod-eu Kustomization/flux-system/apps']);
    expect(TreeView.xray(app, 'widgets')).toBe('no selected context serves the kind "widgets"');
  });
});

describe('a kind no selected context resolves', () => {
  // `:xray deploy dead` said "no selected context serves" of a server nobody reached, and
  // `:trace deploy/web dead` waited "for the selected contexts to serve" forever
  it('says unknown, with why, of the contexts that could not be read, as the commands do; "no context serves" only when every one was discovered', () => {
    const store = new FakeStore(['dev', 'dead'], { undiscovered: true });
    store.discover('dev');
    store.setContext('dead', 'unreachable', { lastError: 'connect ECONNREFUSED 127.0.0.1:1' });
    const down = 'context dead is unreachable: connect ECONNREFUSED 127.0.0.1:1';
    expect(TreeView.xray(appOn(store, ['dead']), 'deploy')).toBe(`no context is reachable: ${down}`);
    expect(plain(new TraceView(appOn(store, ['dead']), { query: 'deploy', name: 'web' }).render(200, 10))[0]).toBe(`no context is reachable: ${down}`);
    expect(plain(new CompareView(appOn(store, ['dead']), { query: 'deploy', name: 'web' }).render(200, 10))[0]).toBe(`no context is reachable: ${down}`);
    expect(TreeView.xray(appOn(store, ['dev', 'dead']), 'widgets')).toBe(`dev does not serve the kind "widgets"; unknown: ${down}`);
    store.setContext('dead', 'connecting');
    // still connecting: the view opens and says what it waits for (a start command runs before discovery)
    const waiting = TreeView.xray(appOn(store, ['dev', 'dead']), 'widgets');
    expect(typeof waiting).not.toBe('string');
    expect(plain((waiting as TreeView).render(200, 10))[0]).toBe('"widgets": waiting for discovery of dead');
    expect(snapshotUnserved('widgets', { reachable: ['dev'], unreachable: [{ name: 'dead', state: 'unreachable', lastError: 'connect ECONNREFUSED 127.0.0.1:1' }] })).toBe(`dev does not serve the kind "widgets"; unknown: ${down}`);
  });
});

describe('TraceView of an object found nowhere', () => {
  it('says "not found" only of the contexts read whole, and unknown where nothing could be read', () => {
    const store = demoStore({ now: NOW });
    const both = new TraceView(appOn(store, ['dev', 'staging']), { query: 'deployments.apps', namespace: 'shop', name: 'nope' });
    store.setPhase('staging', 'deployments.apps', { phase: 'forbidden', reason: 'deployments.apps is forbidden' });
    expect(plain(both.render(200, 10))[0]).toBe('Deployment/nope not found in namespace shop of dev; unknown in staging (forbidden to list)');
    const none = new TraceView(appOn(store, ['staging']), { query: 'deployments.apps', namespace: 'shop', name: 'nope' });
    expect(plain(none.render(200, 10))[0]).toBe('Deployment/nope in namespace shop: unknown, no context could be read (staging: forbidden to list)');
  });
});
