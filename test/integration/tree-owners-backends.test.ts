// Issue 20 case 5 on both backends: tree edges from every ownerReference. An operator's CR
// (cert-manager's Issuer, served on both) owns a StatefulSet without being its controller and
// is the second owner of the StatefulSet's pod; a cluster-scoped CR (ClusterIssuer) owns a
// Namespace. `fleetdeck tree` of each owner shows what it owns; the pod's tree names both owners.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runTreeCommand, type TreeCommandJson } from '../../src/cli/tree.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import type { TreeJson } from '../../src/model/tree.js';
import type { KubeObject } from '../../src/model/types.js';
import { UNMANAGED } from '../../src/sim/controllers/operators.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';
import { Sink } from '../helpers/sink.js';

for (const backend of backends) {
  describe(`tree edges from every ownerReference on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    const id = randomBytes(3).toString('hex');
    const ns = `fd-own-${id}`;
    const owned = `fd-owned-${id}`;
    const ci = `fd-ci-${id}`;
    const kubectl = async (args: string[], input?: string): Promise<string> => {
      const r = await env.kubectl(args, { input });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const create = async (o: object): Promise<KubeObject> => JSON.parse(await kubectl(['create', '--validate=false', '-o', 'json', '-f', '-'], stringify(o))) as KubeObject;
    const ref = (o: KubeObject) => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name, uid: o.metadata.uid! });
    const tree = async (target: string, namespace?: string): Promise<TreeCommandJson> => {
      const stdout = new Sink();
      const stderr = new Sink();
      const code = await runTreeCommand(target, { kubeconfig: env.kubeconfigPath, context: [env.adminContext], namespace, output: 'json', config: defaultAppConfig(), timeoutMs: 60_000 }, { stdout, stderr, env: {} });
      expect(code, stderr.text).toBe(0);
      return JSON.parse(stdout.text) as TreeCommandJson;
    };
    const names = (n: TreeJson) => n.children.map((c) => `${c.kind}/${c.name}`).sort();

    beforeAll(async () => {
      env = await backend.setup();
      await kubectl(['create', 'namespace', ns]);
      const issuer = await create({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'operator', namespace: ns, annotations: { [UNMANAGED]: 'true' } }, spec: { selfSigned: {} } });
      await create({
        apiVersion: 'apps/v1', kind: 'StatefulSet',
        metadata: { name: 'db', namespace: ns, ownerReferences: [ref(issuer)] },
        spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } },
      });
      await waitUntil('pod db-0', async () => (await env.kubectl(['get', '-n', ns, 'pod/db-0', '-o', 'name'])).code === 0, { timeoutMs: 60_000, intervalMs: 200 });
      // the pod's second owner: the Issuer, beside its controller the StatefulSet
      await kubectl(['patch', '-n', ns, 'pod/db-0', '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/metadata/ownerReferences/-', value: ref(issuer) }])]);
      const clusterIssuer = await create({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: ci, annotations: { [UNMANAGED]: 'true' } }, spec: { selfSigned: {} } });
      await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: owned, ownerReferences: [ref(clusterIssuer)] } });
    }, 180_000);

    afterAll(async () => {
      if (env) {
        await env.kubectl(['delete', 'namespace', ns, owned, '--wait=false']);
        await env.kubectl(['delete', 'clusterissuer', ci, '--wait=false']);
      }
      await backend.teardown();
    });

    it('the second owner\'s tree holds the StatefulSet it owns and the pod; the pod names both owners', async () => {
      const doc = await tree('issuer/operator', ns);
      const root = doc.trees[0].tree;
      expect(names(root)).toEqual(['Pod/db-0', 'StatefulSet/db']);
      expect(root.children.find((c) => c.kind === 'StatefulSet')!.children.map((c) => `${c.kind}/${c.name}`)).toContain('Pod/db-0');
      const pod = await tree('pod/db-0', ns);
      expect(pod.trees[0].owners.map((o) => `${o.kind}/${o.name}`)).toEqual(['StatefulSet/db', 'Issuer/operator']);
      expect(pod.trees[0].alsoOwnedBy.map((o) => `${o.kind}/${o.name}`)).toEqual(['Issuer/operator']);
    }, 120_000);

    it('a cluster-scoped owner of a cluster-scoped object: the ClusterIssuer\'s tree holds the Namespace', async () => {
      const doc = await tree(`clusterissuer/${ci}`);
      expect(names(doc.trees[0].tree)).toEqual([`Namespace/${owned}`]);
    }, 120_000);
  });
}
