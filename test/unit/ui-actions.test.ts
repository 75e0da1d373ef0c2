import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/model/types.js';
import { sharedKeyEntries, verbEntries } from '../../src/ui/views/help.js';
import { loadKeymap } from '../../src/config/keymap.js';
import type { FakeStore } from '../helpers/fake-store.js';
import { demoStore } from '../helpers/fake-store.js';
import { NOW, start, stopAll, type Rig } from '../helpers/ui-rig.js';
import { waitUntil } from '../helpers/wait.js';

afterEach(stopAll);

const KS = 'kustomizations.kustomize.toolkit.fluxcd.io';
const KS_PATH = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps';

/** Selects the Flux view's row of a context's Kustomization by filtering to it. */
async function selectKs(r: Rig, context: string): Promise<void> {
  r.keys(`/'${context}/flux-system/Kustomization\r`);
  await r.waitFor(/\[1\/6\]/);
}

/** Plays flux's kustomize-controller: handles a requested reconcile with the given Ready. */
function handleReconcile(store: FakeStore, context: string, ready: { status: string; reason: string; message: string }): boolean {
  const o = store.get(context, KS, 'flux-system', 'apps') as KubeObject;
  const token = o.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
  if (!token) return false;
  store.put(context, KS, { ...o, status: { ...(o.status as object), lastHandledReconcileAt: token, conditions: [{ type: 'Ready', ...ready }] } });
  return true;
}

/** The demo store with dev's default/web applied by the Kustomization flux-system/apps (its labels). */
function fluxAppliedWeb(): FakeStore {
  const store = demoStore({ now: NOW });
  const dep = store.get('dev', 'deployments.apps', 'default', 'web')!;
  const labels = { ...dep.metadata.labels, 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
  store.put('dev', 'deployments.apps', { ...dep, metadata: { ...dep.metadata, labels } });
  return store;
}

const until = (pred: () => boolean): Promise<true> => waitUntil('the condition', pred, { timeoutMs: 3000, intervalMs: 10 });

describe('flux view', () => {
  it('lists every Flux kind across contexts, failing first, with revision, interval, source', async () => {
    const o = demoStore({ now: NOW });
    const ks = o.get('staging', KS, 'flux-system', 'apps')!;
    o.put('staging', KS, { ...ks, spec: { ...(ks.spec as object), dependsOn: [{ name: 'infra' }] } });
    const r = start({ startCommand: 'flux', store: o, cols: 160 });
    const t = await r.waitFor('kustomize build failed');
    expect(t).toMatch(/KIND\s+CONTEXT\s+NAMESPACE\/NAME\s+READY\S*\s+SUSPENDED\s+REVISION\s+LAST RECONCILE\s+SOURCE\s+DEPENDS ON\s+MESSAGE/);
    expect(t).toMatch(/git\/fleet\s+infra\s+kustomize build failed/);
    const rows = t.split('\n').filter((l) => /^(Kustomization|GitRepository)\s/.test(l));
    expect(rows.length).toBe(6);
    expect(rows[0]).toMatch(/^Kustomization\s+staging\s+flux-system\/apps\s+False\s+False/);
    expect(t).toMatch(/GitRepository\s+dev\s+flux-system\/fleet\s+True\s+False\s+main@sha1:abc12345/);
    expect(t).toMatch(/\/10m\s+git\/fleet/);
  });

  it('at 80 columns the optional columns give way to the message', async () => {
    const r = start({ startCommand: 'flux', cols: 80, rows: 24 });
    const t = await r.waitFor('kustomize');
    expect(t).not.toContain('SOURCE');
    expect(t).toMatch(/MESSAGE/);
    r.keys('\x17');
    await r.waitFor(/REVISION\s+LAST RECONCILE\s+SOU/);
  });

  it('the footer offers the actions on the selection before the sort keys (reconcile and suspend were crowded out at 160 columns)', async () => {
    const r = start({ startCommand: 'flux', cols: 160 });
    const t = await r.waitFor('kustomize build failed');
    const footer = t.split('\n').slice(-2)[0];
    expect(footer).toMatch(/ reconcile /);
    expect(footer).toMatch(/ suspend\/resume /);
    expect(footer.indexOf(' reconcile ')).toBeLessThan(footer.indexOf(' sort ') < 0 ? Infinity : footer.indexOf(' sort '));
  });

  // one key, one meaning per kind: `l` was the events here and the inventory's pods in :ks
  it('l on a Kustomization tails its inventory\'s pods, as in :ks; e shows its events', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    r.store.put('staging', 'events', {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'apps.1', namespace: 'flux-system', uid: 'ev1' }, type: 'Warning', reason: 'BuildFailed',
      message: 'kustomization path not found', involvedObject: { kind: 'Kustomization', name: 'apps', namespace: 'flux-system', uid: r.store.get('staging', KS, 'flux-system', 'apps')!.metadata.uid },
    });
    r.keys('l');
    let t = await r.waitFor(/^ logs kustomization\/apps \[/m);
    expect(t).not.toContain('kustomization path not found');
    r.keys('\x1b');
    await r.waitFor('kustomize build failed');
    r.keys('e');
    t = await r.waitFor('kustomization path not found');
    expect(t).toMatch(/^ events kustomization\/apps \[1\]/m);
    // the same key in :ks
    r.keys(':ks staging\r');
    await r.waitFor(/^ kustomizations \[/m);
    r.keys('l');
    await r.waitFor(/^ logs kustomization\/apps \[/m);
  });

  it('l on a Flux kind without pods says why, as it does in any table; the footer offers it only where it runs', async () => {
    const r = start({ startCommand: 'flux', cols: 200 });
    await r.waitFor('kustomize build failed');
    r.keys("/'dev/flux-system/GitRepository\r");
    let t = await r.waitFor(/\[1\/6\]/);
    expect(t.split('\n').slice(-2)[0]).not.toMatch(/<l> logs/);
    r.keys('l');
    t = await r.waitFor('logs: GitRepository has no pods');
    expect(t).not.toMatch(/^ events /m);
  });

  it('shift-f on a Kustomization says why force upgrade (its Flux key) does not apply, not port-forward; on a HelmRelease it forces', async () => {
    const r = start({ startCommand: 'flux', cols: 200 });
    await r.waitFor('kustomize build failed');
    let t = await r.waitFor(/\bKustomization\b/);
    expect(t.split('\n').slice(-2)[0]).not.toMatch(/<shift-f>/);
    r.keys('F');
    t = await r.waitFor('force upgrade: Kustomization is not a HelmRelease');
    expect(t).not.toContain('port-forward');
    r.store.put('dev', 'helmreleases.helm.toolkit.fluxcd.io', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo', namespace: 'shop', uid: 'hr1' },
      spec: { interval: '5m', chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded' }] },
    });
    r.keys("/'dev/shop/HelmRelease\r");
    t = await r.waitFor(/\[1\/7\]/);
    expect(t.split('\n').slice(-2)[0]).toMatch(/<shift-f> force upgrade/);
    r.keys('F');
    await r.waitFor('confirm force');
  });

  it('a key none of whose commands applies speaks for the kind\'s own: s on a DaemonSet is scale\'s refusal, on a Secret the shell\'s', async () => {
    const store = demoStore({ now: NOW });
    store.put('dev', 'daemonsets.apps', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default', uid: 'ds1' }, spec: { selector: { matchLabels: { app: 'agent' } } }, status: {} });
    const r = start({ store, startCommand: 'ds dev default', cols: 200 });
    await r.waitFor('agent');
    r.keys('s');
    let t = await r.waitFor('scale: DaemonSet has no /scale subresource');
    expect(t).not.toContain('shell:');
    r.keys(':secrets dev shop\r');
    await r.waitFor('db-creds');
    r.keys('s');
    t = await r.waitFor('shell: Secret is not a pod');
    expect(t).not.toContain('scale:');
  });
});

describe('actions from the TUI', () => {
  it('suspends on a non-protected context after y; the plan shows the exact request; audit recorded', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    await selectKs(r, 'dev');
    r.keys('T');
    let t = await r.waitFor('confirm suspend');
    expect(t).toContain(`PATCH ${KS_PATH}`);
    expect(t).toContain('Content-Type: application/merge-patch+json');
    expect(t).toContain('"suspend": true');
    expect(t).toContain('dev / flux-system / Kustomization apps');
    expect(r.store.requests.filter((q) => q.req.method === 'PATCH')).toEqual([]);
    r.keys('y');
    t = await r.waitFor(/Kustomization\s+dev\s+flux-system\/apps\s+True\s+True/);
    expect(t).toContain('succeeded: suspended');
    // one action, one outcome line: not "(×2)" (the executor's line and the summary were the same text)
    await new Promise((res) => setTimeout(res, 150));
    expect(await r.text()).not.toContain('(×');
    expect(r.audit.map((a) => [a.context, a.action, a.request.method, a.result.status])).toEqual([['dev', 'suspend', 'PATCH', 200]]);
    // the same key resumes a suspended object
    r.keys('T');
    t = await r.waitFor('confirm resume');
    expect(t).toContain('"suspend": null');
    r.keys('\r');
    await r.waitFor(/Kustomization\s+dev\s+flux-system\/apps\s+True\s+False/);
  });

  it('esc cancels: nothing is sent', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    await selectKs(r, 'dev');
    r.keys('T');
    await r.waitFor('confirm suspend');
    r.keys('\x1b');
    await r.waitFor('Suspend cancelled');
    expect(r.store.requests.filter((q) => q.req.method !== 'GET')).toEqual([]);
  });

  it('a protected context refuses until the name is typed; reconcile with source follows to the Ready message', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    await selectKs(r, 'prod-eu');
    r.keys('R');
    let t = await r.waitFor('confirm reconcile');
    expect(t).toContain('type "apps" to confirm');
    r.keys('\t');
    t = await r.waitFor('with source: on');
    expect(t).toContain('/gitrepositories/fleet');
    r.keys('y\r');
    await r.waitFor('type "apps" to confirm, esc to cancel');
    expect(r.store.requests.filter((q) => q.req.method === 'PATCH')).toEqual([]);
    // the field edits as a shell's line does: ctrl-w drops a word, ctrl-u the line (the y is in it)
    r.keys('not apps');
    await r.waitFor('to confirm: ynot apps▏');
    r.keys('\x17');
    await r.waitFor('to confirm: ynot ▏');
    r.keys('\x15');
    await r.waitFor(/to confirm: ▏/);
    r.keys('apps\r');
    // play both controllers: the source first, then the Kustomization
    await until(() => {
      const g = r.store.get('prod-eu', 'gitrepositories.source.toolkit.fluxcd.io', 'flux-system', 'fleet')!;
      const token = g.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
      if (!token) return false;
      r.store.put('prod-eu', 'gitrepositories.source.toolkit.fluxcd.io', { ...g, status: { ...(g.status as object), lastHandledReconcileAt: token, conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact' }] } });
      return true;
    });
    await until(() => handleReconcile(r.store, 'prod-eu', { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:def45678' }));
    t = await r.waitFor('succeeded: Applied revision: main@sha1:def45678');
    expect(r.audit.map((a) => `${a.context} ${a.object.kind}`)).toEqual(['prod-eu GitRepository', 'prod-eu Kustomization']);
    r.keys(':outcomes\r');
    t = await r.waitFor('outcomes');
    expect(t).toMatch(/✓ prod-eu \/ flux-system \/ Kustomization apps: succeeded/);
    expect(t).toContain(`PATCH ${KS_PATH} → 200`);
  });

  it('a failed reconcile reports the Ready reason', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    await selectKs(r, 'dev');
    r.keys('R');
    await r.waitFor('confirm reconcile');
    r.keys('y');
    await until(() => handleReconcile(r.store, 'dev', { status: 'False', reason: 'BuildFailed', message: 'path ./apps not found' }));
    await r.waitFor('failed: BuildFailed: path ./apps not found');
  });

  it('bulk: marked rows on two contexts make one plan and report both', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    for (const c of ['dev', 'staging']) {
      await selectKs(r, c);
      r.keys(' ');
      await r.waitFor(/marked/);
    }
    r.keys('\x1b');
    await r.waitFor('[6] 2 marked');
    r.keys('T');
    const t = await r.waitFor('Suspend: 2 of 2 targets');
    expect(t).toContain('dev / flux-system / Kustomization apps');
    expect(t).toContain('staging / flux-system / Kustomization apps');
    r.keys('y');
    await r.waitFor('Suspend: 2 succeeded');
    expect(r.audit.map((a) => a.context).sort()).toEqual(['dev', 'staging']);
  });

  it('a server refusal is shown as failed with the API message', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    r.store.failWrites = { status: 403, message: 'kustomizations "apps" is forbidden: User "dev" cannot patch' };
    await selectKs(r, 'dev');
    r.keys('T');
    await r.waitFor('confirm suspend');
    r.keys('y');
    await r.waitFor('failed: kustomizations "apps" is forbidden');
  });

  it('readonly: the executor refuses and the UI says so; nothing is sent', async () => {
    const r = start({ startCommand: 'flux', readonly: true });
    await r.waitFor('kustomize build failed');
    r.keys('T');
    await r.waitFor('read-only mode: Suspend is not allowed');
    expect(r.store.requests.filter((q) => q.req.method !== 'GET')).toEqual([]);
  });

  it('reconcile on a suspended object offers resume-and-reconcile', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    const o = r.store.get('dev', KS, 'flux-system', 'apps')!;
    r.store.put('dev', KS, { ...o, spec: { ...(o.spec as object), suspend: true } });
    await selectKs(r, 'dev');
    r.keys('R');
    const t = await r.waitFor('confirm resume and reconcile');
    expect(t).toContain('is suspended: Flux ignores reconcile requests on suspended objects');
    expect(t).toContain('"suspend": null');
    expect(t).toContain('reconcile.fluxcd.io/requestedAt');
  });

  it('scale asks for the count, then confirms the scale request', async () => {
    const r = start({ startCommand: 'deploy dev' });
    await r.waitFor('UP-TO-DATE');
    r.keys('s');
    await r.waitFor('to replicas:');
    r.keys('3\r');
    const t = await r.waitFor('confirm scale');
    expect(t).toContain('/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(t).toContain('"replicas": 3');
    r.keys('y');
    await r.waitFor('succeeded: scaled');
    expect((r.store.get('dev', 'deployments.apps', 'default', 'web')!.spec as { replicas: number }).replicas).toBe(3);
  });
  it('a Flux-applied workload: tab plans its Kustomization\'s suspend first, then the action', async () => {
    const r = start({ startCommand: 'deploy dev default', store: fluxAppliedWeb() });
    await r.waitFor('UP-TO-DATE');
    r.keys('s');
    await r.waitFor('to replicas:');
    r.keys('1\r');
    let t = await r.waitFor('suspend Flux owner first: off');
    expect(t).toContain('applies this Deployment from its source');
    r.keys('\t');
    t = await r.waitFor('suspend Flux owner first: on');
    expect(t).toContain(KS_PATH);
    r.keys('y');
    await r.waitFor('succeeded');
    const patches = r.store.requests.filter((q) => q.req.method === 'PATCH').map((q) => q.req.path);
    expect(patches).toEqual([KS_PATH, '/apis/apps/v1/namespaces/default/deployments/web/scale']);
    expect((r.store.get('dev', KS, 'flux-system', 'apps')!.spec as { suspend?: boolean }).suspend).toBe(true);
  });
});

describe('a restart under Flux', () => {
  it('says the restart stands and offers no suspend of the owner first (tab)', async () => {
    const r = start({ startCommand: 'deploy dev default', store: fluxAppliedWeb() });
    await r.waitFor('UP-TO-DATE');
    r.keys('r');
    const t = await r.waitFor('confirm rollout restart');
    expect(t).toContain('the restart stands');
    expect(t).not.toContain('suspend Flux owner first');
  });
});

describe('keys typed ahead never act unseen', () => {
  // a tester typed `/ready` in a tree (no filter there): `/` was refused and `r` opened a
  // restart whose `y` confirmed it; `r y` in one burst opened YAML under the coming dialog
  it('/ in a view without a filter takes the line: the letters after it run nothing', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys('t');
    await r.waitFor('tree');
    r.keys('/ready');
    const t = await r.waitFor('/ready');
    expect(t).not.toContain('confirm');
    r.keys('\r');
    await r.waitFor((s) => !s.includes('/ready'));
    expect(await r.text()).not.toContain('confirm');
    expect(r.store.requests.filter((q) => q.req.method !== 'GET')).toEqual([]);
  });

  it('keys typed while a plan is read are not run: the dialog opens over the view the action came from; esc cancels it', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys('ry');
    let t = await r.waitFor('confirm rollout restart');
    expect(t).not.toMatch(/yaml deployment/);
    expect(t).toContain("typed before this showed, not run: y");
    expect(r.store.requests.filter((q) => q.req.method === 'PATCH')).toEqual([]);
    r.keys('\x1b');
    await r.waitFor('cancelled');
    // esc while the plan is read cancels it: no dialog follows
    r.keys('r\x1b');
    t = await r.waitFor('cancelled');
    await new Promise((res) => setTimeout(res, 100));
    expect(await r.text()).not.toContain('confirm rollout restart');
    expect(r.store.requests.filter((q) => q.req.method === 'PATCH')).toEqual([]);
  });
});

describe('a typed confirmation of a name in another script', () => {
  // the dialog took only ASCII: an object named 日本-cm on a protected context could not be confirmed
  it('takes the name typed in any script; a control in a name is typed as the escape shown', async () => {
    const store = demoStore({ now: NOW });
    for (const name of ['日本-cm', 'hx-\x1b[6n']) {
      store.put('prod-eu', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', uid: `cm-${name}`, creationTimestamp: '2026-11-20T09:00:00Z', finalizers: ['example.com/x'] }, data: {} });
    }
    const r = start({ store, startCommand: 'configmaps', contexts: ['prod-eu'] });
    for (const [filter, typed] of [['日本', '日本-cm'], ['hx-', 'hx-\\e[6n']] as const) {
      r.keys(`/${filter}\r`);
      await r.waitFor(/configmaps \[1\/2\]/);
      r.keys('\x0b');
      await r.waitFor(`type "${typed}" to confirm:`);
      r.keys(typed);
      await r.waitFor(`to confirm: ${typed}▏`);
      r.keys('\r');
      await until(() => store.requests.filter((q) => q.req.method === 'PATCH').length === (filter === '日本' ? 1 : 2));
      await r.waitFor(/^ configmaps/m);
      r.keys('\x1b');
      await new Promise((res) => setTimeout(res, 60));
    }
    expect(store.requests.filter((q) => q.req.method === 'PATCH').map((q) => q.req.path)).toEqual([
      `/api/v1/namespaces/shop/configmaps/${encodeURIComponent('日本-cm')}`,
      `/api/v1/namespaces/shop/configmaps/${encodeURIComponent('hx-\x1b[6n')}`,
    ]);
  });
});

describe(':shell and :port-forward on a workload', () => {
  // the TUI refused them ("not a pod") while `fleetdeck exec deploy/web` picks a pod as kubectl
  // does; the palette words now pick the same pod (src/fleet/attach.ts), the keys stay as they are
  it(':shell on prod-eu\'s Deployment: the plan is on its most active pod (the crash-looping one passed over) and says why', async () => {
    const r = start({ startCommand: 'deploy prod-eu shop', protectedPattern: /prod/, cols: 240 });
    await r.waitFor('UP-TO-DATE');
    r.keys(':shell\r');
    const t = await r.waitFor('Exec: 1 of 1 target');
    expect(t).toContain('/api/v1/namespaces/shop/pods/web-7d9f8-xxxx1/exec');
    expect(t.replace(/\s+/g, ' ')).toContain("pod shop/web-7d9f8-xxxx1 is the one Deployment shop/web lands on: its most active pod");
    r.keys('\x1b');
    await r.waitFor('cancelled');
    expect(r.audit).toEqual([]);
  });

  it(':shell on a Deployment of a context not protected goes through the executor on the picked pod (audited)', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys(':shell\r');
    // the fake store opens no WebSocket: the session fails, the executor has planned and audited it
    await until(() => r.audit.length === 1);
    expect(r.audit.map((a) => [a.context, a.action, a.object.kind, a.object.name])).toEqual([['dev', 'exec', 'Pod', 'web-7d9f8-xxxx0']]);
    expect(r.audit[0].request.path).toMatch(/^\/api\/v1\/namespaces\/default\/pods\/web-7d9f8-xxxx0\/exec\?/);
  });

  it(':port-forward on a Deployment asks the ports for its pod, and the plan names it', async () => {
    const r = start({ startCommand: 'deploy prod-eu shop', protectedPattern: /prod/, cols: 240 });
    await r.waitFor('UP-TO-DATE');
    r.keys(':port-forward\r');
    await r.waitFor('forward [LOCAL:]REMOTE for web-7d9f8-xxxx1');
    r.keys('8080:80\r');
    const t = await r.waitFor('Port-forward: 1 of 1 target');
    expect(t).toContain('/api/v1/namespaces/shop/pods/web-7d9f8-xxxx1/portforward');
    expect(t.replace(/\s+/g, ' ')).toContain('pod shop/web-7d9f8-xxxx1 is the one Deployment shop/web lands on');
    r.keys('\x1b');
    await r.waitFor('cancelled');
  });

  it('no running pod over pods not read whole says what was not read, never only "no running pod"', async () => {
    const store = demoStore({ now: NOW });
    for (const p of store.list('dev', 'pods', 'default')) store.remove('dev', 'pods', 'default', p.metadata.name);
    store.setPhase('dev', 'pods', { phase: 'forbidden', reason: 'pods is forbidden' });
    const r = start({ store, startCommand: 'deploy dev default', cols: 200 });
    await r.waitFor('UP-TO-DATE');
    r.keys(':shell\r');
    const t = await r.waitFor('shell: Deployment web: no running pod');
    expect(t).toMatch(/not read whole: .*forbidden/);
    expect(r.audit).toEqual([]);
  });

  it('help lists each key bound to several commands with where each runs', async () => {
    expect(sharedKeyEntries(loadKeymap('default', { configDir: null }))).toEqual(expect.arrayContaining([
      ['shift-f', 'port-forward (pods) · force upgrade (HelmReleases)'],
      ['s', 'shell (pods) · scale (kinds with /scale) · pause (log view)'],
    ]));
    const r = start({ startCommand: 'help', cols: 160, rows: 200 });
    const t = await r.waitFor('Keys with several commands');
    expect(t).toMatch(/^ {2}shift-f +port-forward \(pods\) · force upgrade \(HelmReleases\) *$/m);
  });

  it('help says so: :shell and :port-forward on a workload, its most active pod', () => {
    const lines = verbEntries().filter(([w]) => /:shell|:port-forward/.test(w)).map(([, what]) => what);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/on a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job: its most active pod, as kubectl picks it/);
  });

  it('the keys stay: s on a Deployment is scale; :shell on a kind without pods says why', async () => {
    const r = start({ startCommand: 'deploy dev default', cols: 200 });
    await r.waitFor('UP-TO-DATE');
    r.keys('s');
    await r.waitFor('to replicas:');
    r.keys('\x1b');
    r.keys(':secrets dev shop\r');
    await r.waitFor('db-creds');
    r.keys(':shell\r');
    const t = await r.waitFor('shell: Secret');
    expect(t).toContain('shell: Secret is not a pod');
    expect(t).toContain('has no pod selector');
    expect(r.audit).toEqual([]);
  });
});

describe('the footer of a dialog offers its own keys, as it declares them, and nothing else', () => {
  const footer = (t: string): string => t.split('\n').slice(-2)[0].trim();

  it('a y/n confirm: confirm, cancel, wrap; not the keymap\'s :, ?, q', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys('r');
    const t = await r.waitFor('confirm rollout restart');
    expect(footer(t)).toBe('<y>/<enter> confirm <esc>/<n> cancel <w> wrap lines');
    // the answer line in the dialog says the same keys
    expect(t).toContain('<y>/<enter> confirm  <esc>/<n> cancel  <w> wrap lines');
  });

  it('a typed confirmation (protected context): the name to type, enter, esc and the tab option', async () => {
    const r = start({ startCommand: 'flux' });
    await r.waitFor('kustomize build failed');
    await selectKs(r, 'prod-eu');
    r.keys('R');
    let t = await r.waitFor('confirm reconcile');
    expect(footer(t)).toBe('type "apps" · <enter> confirm <esc> cancel <tab> with source: off');
    r.keys('q?:');
    t = await r.waitFor('to confirm: q?:▏');
    expect(footer(t)).toMatch(/^type "apps" · <enter> confirm/);
  });

  it('the replica count prompt: type the answer, enter, esc', async () => {
    const r = start({ startCommand: 'deploy dev' });
    await r.waitFor('UP-TO-DATE');
    r.keys('s');
    const t = await r.waitFor('to replicas:');
    expect(footer(t)).toBe('type the answer · <enter> ok <esc> cancel');
  });

  // at 80x24 a reconcile with its source hid the Kustomization's PATCH below the fold, with
  // nothing to say there was more: every mutation's plan must be readable whole
  it('a plan taller than the screen: the header says where, the footer offers the keys that show the rest', async () => {
    const r = start({ startCommand: 'flux', cols: 100, rows: 16 });
    await r.waitFor('kustomize build failed');
    await selectKs(r, 'dev');
    r.keys('R');
    await r.waitFor('confirm reconcile');
    r.keys('\t');
    let t = await r.waitFor((x) => /\[1-\d+\/\d+\]/.test(x.split('\n')[1]));
    expect(footer(t)).toMatch(/^<y>\/<enter> confirm <esc>\/<n> cancel <down>\/<up> more <tab> with source: on/);
    const [, shown, total] = /\[1-(\d+)\/(\d+)\]/.exec(t.split('\n')[1])!;
    expect(Number(total)).toBeGreaterThan(Number(shown));
    // the Kustomization's own PATCH (after its source's) is below the fold
    expect(t).not.toMatch(/PATCH \/apis\/kustomize\.toolkit\.fluxcd\.io/);
    r.keys('\x1b[6~');
    r.keys('\x1b[6~');
    t = await r.waitFor((x) => /\[\d+-(\d+)\/\1\]/.test(x.split('\n')[1]));
    expect(t).toMatch(/PATCH \/apis\/kustomize\.toolkit\.fluxcd\.io/);
    r.keys('\x1b');
    await r.waitFor('cancelled');
  });
});
