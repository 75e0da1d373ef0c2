import { describe, expect, it } from 'vitest';
import type { ActionOptions, Outcome, Target } from '../../src/actions/types.js';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { rolloutHistory } from '../../src/model/rollout.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import type { AppContext, View } from '../../src/ui/view.js';
import {
  followState, helmRows, historyView, revisionDiff, revisionRows, rollbackOutcome, toggleMark, type HistoryRow,
} from '../../src/ui/views/history.js';
import { builtinResources, crdResources } from '../../src/sim/resources.js';
import { FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const CTX = 'dev';

const rtOf = (kind: string): ResourceType => [...builtinResources(), ...crdResources()].find((r) => r.kind === kind)!;

function template(image: string, hash?: string) {
  return {
    metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: { containers: [{ name: 'web', image }] },
  };
}

function deployment(image: string, status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'dep', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '3' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template(image) },
    status: { observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, ...status },
  };
}

function rs(rev: number, image: string, hash: string, created: string, ready = 0, cause?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`, namespace: 'shop', uid: `rs-${hash}`, creationTimestamp: created,
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(rev), ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'dep', controller: true }],
    },
    spec: { replicas: ready, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: template(image, hash) },
    status: { replicas: ready, readyReplicas: ready },
  };
}

const RSS = [
  rs(1, 'web:1', 'a1', '2025-03-01T09:00:00Z', 0, 'create'),
  rs(2, 'web:2', 'b2', '2025-03-01T10:00:00Z'),
  rs(3, 'web:3', 'c3', '2025-03-01T11:00:00Z', 2, 'set image web:3'),
];

const rowsOf = (d: KubeObject) => revisionRows(rolloutHistory(d, { related: RSS, now: NOW }), NOW);
// blessed tags out, escaped braces back
const plain = (lines: string[]) => lines.map((l) => l.replace(/\{\/?[#\w-]*\}/g, (t) => (t === '{open}' ? '{' : t === '{close}' ? '}' : ''))).join('\n');

describe('history rows', () => {
  it('lists revisions newest first with age, change-cause, images, pods and the running one marked', () => {
    const rows = rowsOf(deployment('web:3'));
    expect(rows.map((r) => [r.revision, r.current, r.age, r.changeCause, r.images, r.pods])).toEqual([
      [3, true, '60m', 'set image web:3', 'web:3', '2/2'],
      [2, false, '120m', '<none>', 'web:2', '0/0'],
      [1, false, '3h', 'create', 'web:1', '0/0'],
    ]);
  });

  it('diffs two revisions\' pod templates older → newer, without the hash label; unknown revisions give undefined', () => {
    const rows = rowsOf(deployment('web:3'));
    const d = revisionDiff(rows, 3, 1)!;
    expect(d).toContain('--- revision 1\n+++ revision 3');
    expect(d).toContain('-    - image: web:1\n+    - image: web:3');
    expect(d).not.toContain('pod-template-hash');
    expect(revisionDiff(rows, 2, 2)).toBe('');
    expect(revisionDiff(rows, 1, 9)).toBeUndefined();
  });

  it('keeps at most two marks, dropping the oldest; marking again unmarks', () => {
    expect(toggleMark([], 3)).toEqual([3]);
    expect(toggleMark([3, 1], 2)).toEqual([1, 2]);
    expect(toggleMark([3, 1], 3)).toEqual([1]);
  });

  it('shows a HelmRelease\'s status.history newest first, the first one current', () => {
    const hr = {
      status: {
        history: [
          { version: 4, status: 'failed', chartName: 'podinfo', chartVersion: '6.5.1', appVersion: '6.5.1', lastDeployed: '2025-03-01T11:30:00Z', digest: 'sha256:0123456789abcdef0123' },
          { version: 3, status: 'superseded', chartName: 'podinfo', chartVersion: '6.5.0', lastDeployed: '2025-03-01T10:00:00Z' },
        ],
      },
    };
    expect(helmRows(hr, NOW)).toEqual([
      { version: 4, current: true, status: 'failed', chart: 'podinfo@6.5.1', appVersion: '6.5.1', deployed: '30m', digest: '0123456789ab' },
      { version: 3, current: false, status: 'superseded', chart: 'podinfo@6.5.0', appVersion: '', deployed: '120m', digest: '' },
    ]);
    expect(helmRows({}, NOW)).toEqual([]);
  });

  it('follows a rollback: rolling until the target template runs healthy, stalled on Failed', () => {
    const before = rowsOf(deployment('web:3'));
    const target = before.find((r) => r.revision === 2)!.template;
    expect(followState(2, { status: 'InProgress', reason: '1 of 2 updated' }, before, target)).toEqual({ phase: 'rolling', revision: 2, message: 'rolling back to revision 2: 1 of 2 updated' });
    // the old ReplicaSet came back as the running one
    const after: HistoryRow[] = before.map((r) => ({ ...r, current: r.revision === 2 }));
    expect(followState(2, { status: 'InProgress', reason: 'waiting' }, after, target).phase).toBe('rolling');
    expect(followState(2, { status: 'Current', reason: 'ok' }, after, target)).toEqual({ phase: 'complete', revision: 2, message: 'rollback to revision 2 complete' });
    expect(followState(2, { status: 'Current', reason: 'ok' }, before, target).phase).toBe('rolling');
    expect(followState(2, { status: 'Failed', reason: 'Progress deadline exceeded' }, after, target)).toEqual({
      phase: 'stalled', revision: 2, message: 'rollback to revision 2 stalled: Progress deadline exceeded',
    });
  });

  it('finds the outcome of this target after the rollback started, not an earlier one or another object\'s', () => {
    const t = { context: CTX, kind: 'Deployment', namespace: 'shop', name: 'web' };
    const out = (name: string, status: Outcome['status']): Outcome => ({
      target: { ...t, name, resource: 'deployments.apps', object: deployment('x') }, status, message: '', requests: [], startedAt: '', finishedAt: '',
    });
    const outcomes = [out('web', 'failed'), out('api', 'succeeded'), out('web', 'succeeded')];
    expect(rollbackOutcome(outcomes, 1, t)?.status).toBe('succeeded');
    expect(rollbackOutcome(outcomes, 3, t)).toBeUndefined();
  });
});

interface Rig {
  app: AppContext;
  store: FakeStore;
  pushed: View[];
  acts: { id: string; targets: Target[]; options?: ActionOptions }[];
  outcomes: Outcome[];
  messages: string[];
}

function rig(): Rig {
  const store = new FakeStore([CTX]);
  const r: Rig = { app: undefined as unknown as AppContext, store, pushed: [], acts: [], outcomes: [], messages: [] };
  r.app = {
    store,
    theme: loadTheme(undefined, { configDir: null }),
    keymap: loadKeymap(undefined, { configDir: null }),
    readonly: false,
    contexts: () => [CTX],
    namespace: () => undefined,
    setContexts: () => {},
    setNamespace: () => {},
    push: (v) => void r.pushed.push(v),
    pop: () => {},
    message: (text) => void r.messages.push(text),
    render: () => {},
    now: () => NOW,
    command: () => {},
    act: (id, targets, options) => void r.acts.push({ id, targets, options }),
    openTree: () => false,
    outcomes: () => r.outcomes,
  };
  return r;
}

function deploymentView(r: Rig, d = deployment('web:3')): View {
  r.store.put(CTX, 'deployments.apps', d);
  for (const x of RSS) r.store.put(CTX, 'replicasets.apps', x);
  const v = historyView(r.app, { context: CTX, rt: rtOf('Deployment'), object: d });
  if (typeof v === 'string') throw new Error(v);
  return v;
}

describe('the history view', () => {
  it('renders the revisions from the store, the running one starred, and watches what it reads', () => {
    const r = rig();
    const v = deploymentView(r);
    expect(v.title()).toBe('history deployment/web');
    const text = plain(v.render(100, 10));
    expect(text).toMatch(/REVISION\s+AGE\s+PODS\s+IMAGES\s+CHANGE-CAUSE/);
    expect(text).toMatch(/\*\s+3\s+60m\s+2\/2\s+web:3\s+set image web:3/);
    expect(text).toMatch(/\s+1\s+3h\s+0\/0\s+web:1\s+create/);
    expect(r.store.watches.map((w) => w.resource).sort()).toEqual(['deployments.apps', 'replicasets.apps']);
    expect(v.status?.()).toBe('[3 revisions]');
  });

  // the count read `[3 revisions]` whether or not the ReplicaSets it counts were listed whole
  it('revisions read from ReplicaSets not listed whole: the count is a lower bound and a line says why', () => {
    const r = rig();
    const v = deploymentView(r);
    expect(plain(v.render(100, 10))).not.toContain('not whole');
    r.store.setPhase(CTX, 'replicasets.apps', { phase: 'forbidden', reason: 'replicasets.apps is forbidden' });
    expect(v.status?.()).toBe('[3+ revisions]');
    const lines = plain(v.render(100, 10)).split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[9]).toBe('not whole: replicasets in dev/shop: forbidden');
    r.store.setPhase(CTX, 'replicasets.apps', { phase: 'syncing' });
    expect(v.status?.()).toBe('[3+ revisions]');
    expect(plain(v.render(100, 10))).toContain('not whole: replicasets in dev/shop: not loaded yet');
    r.store.setPhase(CTX, 'replicasets.apps', undefined);
    expect(v.status?.()).toBe('[3 revisions]');
  });

  it('shows the diff of two marked revisions under the table, and opens a diff view on enter', () => {
    const r = rig();
    const v = deploymentView(r);
    v.handle('mark'); // revision 3
    v.handle('down');
    v.handle('down');
    v.handle('mark'); // revision 1
    expect(v.status?.()).toBe('[3 revisions, marked 3 1]');
    const text = plain(v.render(100, 20));
    expect(text).toContain('--- revision 1');
    expect(text).toContain('+    - image: web:3');
    v.handle('open');
    expect(r.pushed).toHaveLength(1);
    expect(r.pushed[0].title()).toBe('diff deployment/web 1..3');
    expect(plain(r.pushed[0].render(100, 20))).toContain('-    - image: web:1');
  });

  it('enter with nothing marked diffs the selected revision against the running one', () => {
    const r = rig();
    const v = deploymentView(r);
    v.handle('down'); // revision 2
    v.handle('open');
    expect(r.pushed[0].title()).toBe('diff deployment/web 2..3');
  });

  it('rolls back to the selected revision through the shell\'s action, then follows the rollout to completion', () => {
    const r = rig();
    const v = deploymentView(r);
    v.handle('workload.rollback'); // the running one: nothing to do
    expect(r.acts).toHaveLength(0);
    expect(r.messages).toEqual(['revision 3 is the one running']);
    v.handle('down'); // revision 2
    v.handle('workload.rollback');
    expect(r.acts).toHaveLength(1);
    expect(r.acts[0]).toMatchObject({ id: 'rollback', options: { toRevision: 2 } });
    expect(r.acts[0].targets[0]).toMatchObject({ context: CTX, resource: 'deployments.apps', kind: 'Deployment', namespace: 'shop', name: 'web' });
    // the dialog has not run yet: no follow line
    expect(plain(v.render(100, 10))).not.toContain('rolling back');
    r.outcomes.push({ target: r.acts[0].targets[0], status: 'succeeded', message: 'rolled back', requests: [], startedAt: '', finishedAt: '' });
    // the controller has not caught up: still revision 3's template, rollout in progress
    r.store.put(CTX, 'deployments.apps', deployment('web:2', { updatedReplicas: 0 }));
    expect(plain(v.render(100, 10)).split('\n')[0]).toMatch(/^rolling back to revision 2: /);
    // the old ReplicaSet is the running one again and the Deployment is available
    r.store.put(CTX, 'replicasets.apps', rs(4, 'web:2', 'b2', '2025-03-01T10:00:00Z', 2));
    r.store.put(CTX, 'replicasets.apps', rs(3, 'web:3', 'c3', '2025-03-01T11:00:00Z', 0));
    r.store.put(CTX, 'deployments.apps', deployment('web:2'));
    const done = plain(v.render(100, 10));
    expect(done.split('\n')[0]).toBe('rollback to revision 2 complete');
    expect(done).toMatch(/\*\s+4\s+120m\s+2\/2\s+web:2/);
  });

  it('a cancelled or refused rollback shows no follow line', () => {
    const r = rig();
    const v = deploymentView(r);
    v.handle('down');
    v.handle('workload.rollback');
    r.outcomes.push({ target: r.acts[0].targets[0], status: 'skipped', message: 'protected context', requests: [], startedAt: '', finishedAt: '' });
    expect(plain(v.render(100, 10)).split('\n')[0]).toMatch(/REVISION/);
  });

  it('a StatefulSet\'s revisions come from ControllerRevisions with pods counted per revision', () => {
    const r = rig();
    const sts: KubeObject = {
      apiVersion: 'apps/v1', kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', uid: 'sts' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'db' } }, template: template('db:2') },
      status: { updateRevision: 'db-2' },
    };
    const cr = (rev: number, image: string): KubeObject => ({
      apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: rev,
      metadata: { name: `db-${rev}`, namespace: 'shop', creationTimestamp: '2025-03-01T11:00:00Z', labels: { app: 'db' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts', controller: true }] },
      data: { spec: { template: { ...template(image), $patch: 'replace' } } },
    });
    r.store.put(CTX, 'statefulsets.apps', sts);
    r.store.put(CTX, 'controllerrevisions.apps', cr(1, 'db:1'));
    r.store.put(CTX, 'controllerrevisions.apps', cr(2, 'db:2'));
    r.store.put(CTX, 'pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'db-0', namespace: 'shop', labels: { app: 'db', 'controller-revision-hash': 'db-2' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts', controller: true }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const v = historyView(r.app, { context: CTX, rt: rtOf('StatefulSet'), object: sts }) as View;
    const text = plain(v.render(100, 10));
    expect(text).toMatch(/\*\s+2\s+60m\s+1\/1\s+db:2/);
    expect(text).toMatch(/\s+1\s+60m\s+0\/0\s+db:1/);
    expect(r.store.watches.map((w) => w.resource).sort()).toEqual(['controllerrevisions.apps', 'pods', 'statefulsets.apps']);
  });

  it('a HelmRelease shows its history and no rollback; other kinds have no history view', () => {
    const r = rig();
    const hr: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo', namespace: 'apps' },
      status: { history: [{ version: 2, status: 'deployed', chartName: 'podinfo', chartVersion: '6.5.0', lastDeployed: '2025-03-01T11:00:00Z' }] },
    };
    r.store.put(CTX, 'helmreleases.helm.toolkit.fluxcd.io', hr);
    const v = historyView(r.app, { context: CTX, rt: rtOf('HelmRelease'), object: hr }) as View;
    expect(v.actions).not.toContain('workload.rollback');
    const text = plain(v.render(100, 10));
    expect(text).toMatch(/\*\s+2\s+deployed\s+podinfo@6\.5\.0/);
    expect(text).toContain('Flux has no rollback');
    expect(historyView(r.app, { context: CTX, rt: rtOf('Pod'), object: { metadata: { name: 'p' } } })).toBe(
      'Pod has no rollout history (Deployment, StatefulSet, DaemonSet and HelmRelease do)',
    );
  });
});
