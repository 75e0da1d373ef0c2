// Workloads through real clients (kubectl, @kubernetes/client-node), on every selected
// backend: /version, Deployment → ReplicaSet → Running pods, pod logs, rollout undo.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendEnv } from './backends.js';
import { waitUntil as poll, type Truthy } from '../helpers/wait.js';

const until = <T>(what: string, probe: () => Promise<T>): Promise<Truthy<T>> => poll(what, probe, { timeoutMs: 30_000, intervalMs: 100 });

const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

for (const backend of backends) {
  describe(`workloads on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let core: CoreV1Api;
    let apps: AppsV1Api;

    beforeAll(async () => {
      env = await backend.setup();
      const kc = env.kubeConfig(env.adminContext);
      core = kc.makeApiClient(CoreV1Api);
      apps = kc.makeApiClient(AppsV1Api);
    });
    afterAll(() => backend.teardown());

    async function runningPods(name: string) {
      const rs = await until(`a ReplicaSet of ${name}`, async () => {
        const list = await apps.listNamespacedReplicaSet({ namespace: env.namespace, labelSelector: `app=${name}` });
        return list.items.find((r) => r.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name));
      });
      const pods = await until(`Running pods of ${rs.metadata?.name}`, async () => {
        const list = await core.listNamespacedPod({ namespace: env.namespace, labelSelector: `app=${name}` });
        const mine = list.items.filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === rs.metadata?.name));
        return mine.length === 2 && mine.every((p) => p.status?.phase === 'Running') && mine;
      });
      return { rs, pods };
    }

    it('reports the server version at /version', async () => {
      const v = await env.kubeConfig(env.adminContext).makeApiClient(VersionApi).getCode();
      expect(v.gitVersion).toBe(env.serverVersion);
      const r = await env.kubectl(['version', '-o', 'json']);
      expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe(env.serverVersion);
    });

    it('runs a Deployment created with kubectl: ReplicaSet, Running pods on nodes', async () => {
      const name = unique('web');
      const r = await env.kubectl(['create', 'deployment', name, '--image=nginx:1.27', '--replicas=2', '-n', env.namespace]);
      expect(r.stderr).toBe('');
      const { rs, pods } = await runningPods(name);
      expect(rs.spec?.replicas).toBe(2);
      for (const p of pods) {
        expect(p.spec?.nodeName).toBeTruthy();
        expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
      }
      const table = await env.kubectl(['get', 'pods', '-n', env.namespace, '-l', `app=${name}`]);
      expect(table.stdout).toMatch(new RegExp(`${name}-[a-z0-9]+-[a-z0-9]+\\s+1/1\\s+Running`));
    });

    it('serves pod logs through the apiserver to kubectl logs', async () => {
      const name = unique('logs');
      await env.kubectl(['create', 'deployment', name, '--image=busybox:1.36', '--replicas=2', '-n', env.namespace]);
      const { pods } = await runningPods(name);
      const pod = pods[0].metadata!.name!;
      const line = `hello from ${pod} ${Date.now()}`;
      await env.writeLog({ namespace: env.namespace, pod, container: 'busybox' }, line);
      const r = await env.kubectl(['logs', '-n', env.namespace, pod, '-c', 'busybox']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')).toContain(line);
    });

    it('undoes a rollout with kubectl rollout undo', async () => {
      const name = unique('undo');
      await env.kubectl(['create', 'deployment', name, '--image=nginx:1.26', '--replicas=2', '-n', env.namespace]);
      await runningPods(name);
      const set = await env.kubectl(['set', 'image', '-n', env.namespace, `deployment/${name}`, 'nginx=nginx:1.27']);
      expect(set.stderr).toBe('');
      const image = async () => (await apps.readNamespacedDeployment({ name, namespace: env.namespace })).spec?.template.spec?.containers[0].image;
      await until('two ReplicaSets after set image', async () => {
        const list = await apps.listNamespacedReplicaSet({ namespace: env.namespace, labelSelector: `app=${name}` });
        return list.items.length === 2;
      });
      const undo = await env.kubectl(['rollout', 'undo', '-n', env.namespace, `deployment/${name}`]);
      expect(undo.stderr).toBe('');
      expect(undo.stdout).toContain('rolled back');
      expect(await image()).toBe('nginx:1.26');
      const revision = await until('revision 3 after undo', async () => {
        const d = await apps.readNamespacedDeployment({ name, namespace: env.namespace });
        const rev = d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
        return rev === '3' && rev;
      });
      expect(revision).toBe('3');
    });
  });
}
