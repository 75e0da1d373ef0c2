// kubectl as an independent client of the simulated API server.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { testCluster, waitFor, type TestCluster } from './helpers/sim.js';

const run = promisify(execFile);

let fleet: SimFleet;
let main: TestCluster;
let restricted: TestCluster;

async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', fleet.kubeconfigPath, ...args], { timeout: 20_000 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
  }
}

beforeAll(async () => {
  main = testCluster('dev');
  restricted = testCluster('locked', { denyResources: ['secrets'], denyNamespaces: ['secret-ns'] });
  fleet = await startSimFleet({ clusters: [main.cluster, restricted.cluster] });
});
afterAll(async () => {
  await fleet?.stop();
});

describe('kubectl against the simulated fleet', () => {
  it('lists pods across namespaces with the server-side columns', async () => {
    const r = await kubectl('get', 'pods', '-A');
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(r.stdout).toMatch(/shop\s+api-1\s+2\/2\s+Running\s+0\s+\d+s/);
    expect(r.stdout).toMatch(/shop\s+pending-1\s+0\/1\s+ContainerCreating/);
    expect(r.stdout).toMatch(/default\s+crashy-1\s+0\/1\s+CrashLoopBackOff\s+4 \(\d+s ago\)/);
  });

  it('shows wide columns and selects by label and field', async () => {
    const wide = await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide', '-l', 'app in (web)', '--field-selector', 'metadata.name!=web-2');
    expect(wide.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(wide.stdout).toMatch(/web-1\s+1\/1\s+Running\s+0\s+\S+\s+10\.0\.0\.1\s+node-1/);
    expect(wide.stdout).not.toMatch(/web-2|api-1/);
    const bad = await kubectl('get', 'pods', '-n', 'shop', '--field-selector', 'spec.foo=bar');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('field label not supported: spec.foo');
  });

  it('lists the Flux and operator kinds in api-resources', async () => {
    const r = await kubectl('api-resources');
    expect(r.stderr).toBe('');
    for (const kind of ['Kustomization', 'HelmRelease', 'GitRepository', 'OCIRepository', 'Certificate', 'Prometheus', 'Kafka', 'Application']) {
      expect(r.stdout).toMatch(new RegExp(`\\s${kind}\\n`));
    }
    expect(r.stdout).toMatch(/kustomizations\s+ks\s+kustomize\.toolkit\.fluxcd\.io\/v1\s+true\s+Kustomization/);
  });

  it('prints a custom resource with its CRD printer columns', async () => {
    const r = await kubectl('get', 'kustomizations', '-n', 'flux-system');
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+AGE\s+READY\s+STATUS$/);
    expect(r.stdout).toMatch(/apps\s+\d+s\s+True\s+Applied revision: main@sha1:abc/);
  });

  it('patches a Kustomization with --type=merge and refuses strategic merge on it', async () => {
    const r = await kubectl('patch', 'kustomization', 'apps', '-n', 'flux-system', '--type=merge', '-p', '{"spec":{"suspend":true}}');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('kustomization.kustomize.toolkit.fluxcd.io/apps patched');
    expect(main.cluster.store.get('kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', 'apps')?.spec).toMatchObject({ suspend: true });
    const sm = await kubectl('patch', 'kustomization', 'apps', '-n', 'flux-system', '-p', '{"spec":{"suspend":false}}');
    expect(sm.code).not.toBe(0);
    expect(sm.stderr).toMatch(/unknown format|UnsupportedMediaType|415/);
  });

  it('scales, labels, annotates and restarts a deployment', async () => {
    const key = 'deployments.apps';
    expect((await kubectl('scale', 'deployment/web', '-n', 'shop', '--replicas=5')).stdout).toContain('deployment.apps/web scaled');
    expect(main.cluster.store.get(key, 'shop', 'web')?.spec).toMatchObject({ replicas: 5 });
    expect((await kubectl('label', 'deployment/web', '-n', 'shop', 'team=blue')).stdout).toContain('labeled');
    expect((await kubectl('annotate', 'deployment/web', '-n', 'shop', 'note=hi')).stdout).toContain('annotated');
    const r = await kubectl('rollout', 'restart', 'deployment/web', '-n', 'shop');
    expect(r.stdout).toContain('restarted');
    const d = main.cluster.store.get(key, 'shop', 'web')!;
    expect(d.metadata.labels).toMatchObject({ team: 'blue' });
    expect(d.metadata.annotations).toMatchObject({ note: 'hi' });
    const tpl = (d.spec as { template: { metadata: { annotations: Record<string, string> }; spec: { containers: unknown[] } } }).template;
    expect(tpl.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    expect(tpl.spec.containers).toHaveLength(1);
    expect(d.metadata.generation).toBe(3);
  });

  it('shows rollout history and undoes to the previous revision (ReplicaSets written by the test)', async () => {
    const store = main.cluster.store;
    const tpl = (image: string, hash?: string): Record<string, unknown> => ({
      metadata: { labels: { app: 'hist', ...(hash ? { 'pod-template-hash': hash } : {}) } },
      spec: { containers: [{ name: 'app', image }] },
    });
    const d = store.create('deployments.apps', {
      metadata: { name: 'hist', namespace: 'shop', annotations: { 'deployment.kubernetes.io/revision': '2' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'hist' } }, template: tpl('app:2') },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hist', uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true };
    for (const [rev, hash, image] of [['1', 'aaa', 'app:1'], ['2', 'bbb', 'app:2']]) {
      store.create('replicasets.apps', {
        metadata: {
          name: `hist-${hash}`,
          namespace: 'shop',
          labels: { app: 'hist', 'pod-template-hash': hash },
          annotations: { 'deployment.kubernetes.io/revision': rev },
          ownerReferences: [owner],
        },
        spec: { replicas: rev === '2' ? 1 : 0, selector: { matchLabels: { app: 'hist', 'pod-template-hash': hash } }, template: tpl(image, hash) },
      });
    }
    const history = await kubectl('rollout', 'history', 'deployment/hist', '-n', 'shop');
    expect(history.stderr).toBe('');
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await kubectl('rollout', 'undo', 'deployment/hist', '-n', 'shop');
    expect(undo.stderr).toBe('');
    expect(undo.stdout).toContain('deployment.apps/hist rolled back');
    const after = store.get('deployments.apps', 'shop', 'hist')!;
    expect((after.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image).toBe('app:1');
    expect(after.metadata.generation).toBe(2);
  });

  it('sees a change with get -w', async () => {
    const child = spawn('kubectl', ['--kubeconfig', fleet.kubeconfigPath, 'get', 'pods', '-n', 'shop', '-w']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('web-2'), 'initial listing');
      main.cluster.store.mutate('pods', 'shop', 'web-2', (p) => {
        (p.status as { phase: string; reason?: string }).reason = 'Evicted';
      }, { subresource: 'status' });
      await waitFor(() => /web-2\s+1\/1\s+Evicted/.test(out), 'the watched change');
      expect(out.match(/^NAME\s+READY/gm)).toHaveLength(1);
    } finally {
      child.kill();
    }
  });

  it('follows logs with --tail', async () => {
    const ref = { namespace: 'shop', pod: 'web-1', container: 'web' };
    for (let i = 1; i <= 8; i++) main.logs.write(ref, `line ${i}`);
    const child = spawn('kubectl', ['--kubeconfig', fleet.kubeconfigPath, 'logs', '-f', '--tail=5', '-n', 'shop', 'web-1']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('line 8'), 'the tail');
      await waitFor(() => main.logs.subscribers(ref) > 0, 'the follower');
      main.logs.write(ref, 'line 9');
      await waitFor(() => out.includes('line 9'), 'a followed line');
      expect(out.trim().split('\n')).toEqual(['line 4', 'line 5', 'line 6', 'line 7', 'line 8', 'line 9']);
    } finally {
      child.kill();
    }
  });

  it('reports the kubelet errors for logs', async () => {
    const multi = await kubectl('logs', '-n', 'shop', 'api-1');
    // kubectl picks the first container itself; asking a wrong one gets the API's 400
    expect(multi.code).toBe(0);
    const wrong = await kubectl('logs', '-n', 'shop', 'api-1', '-c', 'nope');
    expect(wrong.stderr).toContain('container nope is not valid for pod api-1');
    const waiting = await kubectl('logs', '-n', 'shop', 'pending-1');
    expect(waiting.stderr).toContain('container "app" in pod "pending-1" is waiting to start: ContainerCreating');
  });

  it('deletes a pod and waits for it to go', async () => {
    const r = await kubectl('delete', 'pod', 'web-2', '-n', 'shop');
    expect(r.stdout).toContain('pod "web-2" deleted');
    expect(main.cluster.store.get('pods', 'shop', 'web-2')).toBeUndefined();
  });

  it('is forbidden where the context user is denied', async () => {
    const secrets = await kubectl('--context', 'locked', 'get', 'secrets', '-n', 'shop');
    expect(secrets.stderr).toContain('secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "shop"');
    const all = await kubectl('--context', 'locked', 'get', 'pods', '-A');
    expect(all.stderr).toContain('pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope');
    const ok = await kubectl('--context', 'locked', 'get', 'pods', '-n', 'shop');
    expect(ok.stdout).toContain('web-1');
    const one = await kubectl('--context', 'locked', 'get', 'pod', 'hidden-1', '-n', 'secret-ns');
    expect(one.stderr).toContain('pods "hidden-1" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "secret-ns"');
  });
});
