import { afterEach, describe, expect, it } from 'vitest';
import { start, stopAll } from '../helpers/ui-rig.js';

afterEach(stopAll);

describe('the other views in the shell', () => {
  it('opens on the fleet view by default; 1 problems, 2 flux, 0 back home', async () => {
    const r = start({ startCommand: '' });
    let t = await r.waitFor(/fleet/);
    expect(t).toMatch(/CONTEXT\s+STATE/);
    expect(t).toMatch(/prod-eu\s+ready/);
    r.keys('1');
    t = await r.waitFor('CrashLoop');
    expect(t).toMatch(/problems \[2, 2 failed\]/);
    r.keys('2');
    await r.waitFor('kustomize build failed');
    r.keys('0');
    await r.waitFor(/CONTEXT\s+STATE/);
  });

  it('the namespace scope narrows Problems and Fleet counts; a cluster-scoped fault is in no namespace', async () => {
    const r = start({ startCommand: 'problems' });
    r.store.put('dev', 'clusterissuers.cert-manager.io', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le-broken', uid: 'ci-1' },
      spec: { acme: {} }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ErrRegisterACMEAccount', message: 'acme account rejected' }] } });
    let t = await r.waitFor('le-broken');
    expect(t).toMatch(/problems \[3, 3 failed\]/);
    expect(t).toContain('kustomize build failed');
    r.keys(':ns shop\r');
    t = await r.waitFor(/problems \[1, 1 failed\]/);
    expect(t).toContain('CrashLoop');
    expect(t).not.toContain('le-broken');
    expect(t).not.toContain('kustomize build failed');
    expect(t).toContain('ns:shop');
    r.keys('0');
    t = await r.waitFor(/CONTEXT\s+STATE/);
    // one problem in shop, in prod-eu only: the fleet's counts are the namespace's too
    // one problem in shop, in prod-eu only: the fleet's counts are the namespace's too
    const problemsOf = (ctx: string) => t.split('\n').find((l) => l.startsWith(`*${ctx} `))?.trim().split(/\s{2,}/).at(-2);
    expect(['dev', 'staging', 'prod-eu'].map(problemsOf)).toEqual(['0', '0', '1']);
    r.keys(':ns all\r');
    await r.waitFor(/ns:all/);
    r.keys('1');
    await r.waitFor(/problems \[3, 3 failed\]/);
  });

  it('t opens the tree of a row, :xray a kind; esc returns', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys('t');
    await r.waitFor('tree deployment/web');
    r.keys('\x1b');
    await r.waitFor('UP-TO-DATE');
    r.keys(':xray deploy\r');
    await r.waitFor('xray deploy');
  });

  // on an RBAC-limited context `xray deploy [53]` claimed a whole count where `:deploy` said `[N+]`
  it(':xray over kinds not read whole: the count is a lower bound and a line says what was not seen, as a table\'s', async () => {
    const r = start({ startCommand: 'xray deploy', cols: 160 });
    let t = await r.waitFor('Deployment/shop/web');
    const count = /^ xray deploy \[(\d+)\]/m.exec(t)?.[1];
    expect(count).toBeDefined();
    expect(t).not.toContain('not whole');
    r.store.setPhase('staging', 'deployments.apps', { phase: 'synced', namespaces: ['default', 'shop'], forbiddenNamespaces: ['kube-system'], namespacesListed: true });
    t = await r.waitFor(`xray deploy [${count}+]`);
    expect(t).toMatch(/^not whole: staging: deployments\.apps forbidden in kube-system/m);
    r.store.setPhase('prod-eu', 'replicasets.apps', { phase: 'syncing' });
    t = await r.waitFor('prod-eu: replicasets.apps not synced yet');
    r.store.setPhase('staging', 'deployments.apps', undefined);
    r.store.setPhase('prod-eu', 'replicasets.apps', undefined);
    t = await r.waitFor(`xray deploy [${count}]`);
    expect(t).not.toContain('not whole');
  });

  it('an object\'s tree (t) marks its count too while a kind below it is not read whole', async () => {
    const r = start({ startCommand: 'deploy dev default', cols: 160 });
    await r.waitFor('UP-TO-DATE');
    r.keys('t');
    let t = await r.waitFor(/^ tree deployment\/web \[\d+\]/m);
    r.store.setPhase('dev', 'pods', { phase: 'forbidden', reason: 'pods is forbidden' });
    t = await r.waitFor(/^ tree deployment\/web \[\d+\+\]/m);
    expect(t).toMatch(/^not whole: dev: pods forbidden/m);
  });

  it('l opens the merged logs of the row, h its rollout history', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys('l');
    await r.waitFor('deployment/web');
    r.keys('\x1b');
    await r.waitFor('UP-TO-DATE');
    r.keys('h');
    await r.waitFor(/history|REVISION/i);
  });

  it('rollback from a table row: the plan is made after the history is watched; a refusal is shown', async () => {
    const r = start({ startCommand: 'deploy dev default' });
    await r.waitFor('UP-TO-DATE');
    r.keys('B');
    await r.waitFor('no rollout history found for deployment "web"');
    expect(r.store.watched.some((w) => w.resource === 'replicasets.apps' && w.namespace === 'default')).toBe(true);
    expect(r.store.requests.filter((q) => q.req.method !== 'GET')).toEqual([]);
  });
});
