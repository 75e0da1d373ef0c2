// Triage on every selected backend: `fleetdeck status` names real faults created in a fresh
// namespace (a PVC that never binds, a Kustomization whose build fails, a suspended one, a
// Deployment past its progress deadline) and exits 0 once they are gone; `fleetdeck tree`
// of a Deployment shows exactly the ReplicaSets and Pods kubectl sees below it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { runStatusCommand } from '../../src/cli/status.js';
import { runTreeCommand, type TreeCommandJson } from '../../src/cli/tree.js';
import type { StatusJson } from '../../src/model/fleet-summary.js';
import type { TreeJson } from '../../src/model/tree.js';
import type { KubeObject } from '../../src/model/types.js';
import { BROKEN_PATH, MISSING_RESOURCE } from '../controlplane/flux-fixtures.js';
import { missingResourceBuildError } from '../../src/sim/flux-logic.js';
import { UNMANAGED } from '../../src/sim/controllers/operators.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, normalizeFluxMessage, type BackendEnv } from './backends.js';
import { Sink } from '../helpers/sink.js';

/** Polls a probe (errors count as "not yet") until it answers, at most 30 s. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 100, retryErrors: true });

type Condition = { type: string; status: string; reason?: string; message?: string };
type Obj = KubeObject & { status?: { conditions?: Condition[]; readyReplicas?: number; phase?: string } };

const STORAGE_CLASS = 'fd-no-such-class';

for (const backend of backends) {
  describe(`status and tree on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    const ns = `fd-triage-${randomBytes(3).toString('hex')}`;

    const kubectl = async (args: string[], input?: string): Promise<string> => {
      const r = await env.kubectl(args, { input });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    // the sim serves no OpenAPI document, so client-side validation is off on both
    const apply = (objects: object[]) => kubectl(['apply', '--validate=false', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
    const getJson = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await kubectl(['get', '-n', ns, ...args, '-o', 'json'])) as T;
    const cond = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);
    const io = () => ({ stdout: new Sink(), stderr: new Sink(), env: {} });
    const selection = () => ({ kubeconfig: env.kubeconfigPath, context: [env.adminContext], namespace: ns, config: defaultAppConfig(), timeoutMs: 20_000 });

    async function status(namespaced = true): Promise<{ code: number; doc: StatusJson & { healthy: boolean }; err: string }> {
      const out = io();
      const { namespace, ...whole } = selection();
      const code = await runStatusCommand({ ...(namespaced ? { ...whole, namespace } : whole), output: 'json' }, out);
      return { code, doc: JSON.parse(out.stdout.text) as StatusJson & { healthy: boolean }, err: out.stderr.text };
    }

    beforeAll(async () => {
      env = await backend.setup();
      await kubectl(['create', 'namespace', ns]);
    }, 120_000);
    afterAll(async () => {
      if (env) {
        await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
        await env.kubectl(['delete', 'clusterissuer', ns, '--ignore-not-found', '--wait=false']);
      }
      await backend.teardown();
    });

    it('status: exits 1 naming each fault with its status and reason, and 0 once they are deleted', async () => {
      const deployment = (name: string) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
        spec: {
          replicas: 1,
          // its pod waits on the unbound claim, so the rollout cannot progress
          progressDeadlineSeconds: 2,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
          },
        },
      });
      const ks = (name: string, path: string, suspend: boolean) => ({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace: ns },
        spec: { interval: '10m', path, prune: true, suspend, sourceRef: { kind: 'GitRepository', name: 'repo' } },
      });
      await apply([
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', namespace: ns },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, resources: { requests: { storage: '1Gi' } } },
        },
        deployment('stuck'),
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'repo', namespace: ns },
          spec: { interval: '10m', url: env.flux.gitUrl, ref: { branch: 'main' } },
        },
        ks('broken', `./${BROKEN_PATH}`, false),
        ks('paused', './apps', true),
      ]);
      // a cluster-scoped fault (no controller ever makes it Ready): in no namespace, so not
      // one of this namespace's problems — it was, when a parallel file's ClusterIssuer leaked
      // into CI's -n report
      await apply([{ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: ns, annotations: { [UNMANAGED]: 'true' } }, spec: { selfSigned: {} } }]);
      const notReady = { type: 'Ready', status: 'False', reason: 'ErrInitIssuer', message: 'fd test: never ready', lastTransitionTime: new Date().toISOString() };
      await kubectl(['patch', 'clusterissuer', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [notReady] } })]);
      await until('the Deployment past its progress deadline', async () =>
        cond(await getJson(['deployment', 'stuck']), 'Progressing')?.reason === 'ProgressDeadlineExceeded');
      await until('the broken Kustomization Ready=False', async () => cond(await getJson(['kustomization', 'broken']), 'Ready')?.status === 'False');

      const bad = await status();
      expect(bad.err).toBe('');
      expect(bad.code).toBe(1);
      expect(bad.doc.healthy).toBe(false);
      expect(bad.doc.contexts.map((c) => [c.name, c.state])).toEqual([[env.adminContext, 'ready']]);
      expect(bad.doc.contexts[0].flux).toMatchObject({ failed: 1, suspended: 1 });
      const find = (kind: string, name: string) => bad.doc.problems.find((p) => p.kind === kind && p.name === name);
      const expected: { kind: string; name: string; status: string; reason: RegExp | string }[] = [
        { kind: 'PersistentVolumeClaim', name: 'data', status: 'InProgress', reason: new RegExp(`^PVC is not Bound\\. .*storageClass ${STORAGE_CLASS}, requests 1Gi`) },
        { kind: 'Kustomization', name: 'broken', status: 'Failed', reason: `Ready=False BuildFailed: ${missingResourceBuildError(BROKEN_PATH, MISSING_RESOURCE)}` },
        { kind: 'Kustomization', name: 'paused', status: 'Suspended', reason: 'Kustomization is suspended: Flux does not reconcile it' },
        { kind: 'Deployment', name: 'stuck', status: 'Failed', reason: /^Progress deadline exceeded: 0\/1 available.*timed out progressing/ },
      ];
      for (const f of expected) {
        const p = find(f.kind, f.name);
        expect(p, `${f.kind} ${f.name} in ${JSON.stringify(bad.doc.problems)}`).toBeDefined();
        expect(p).toMatchObject({ context: env.adminContext, namespace: ns, status: f.status });
        if (typeof f.reason === 'string') {
          // fleetdeck cuts a message at 400 characters (health.ts); the real controller's
          // random build dir changes where, so compare up to the cut
          const shown = normalizeFluxMessage(p!.reason);
          const cut = shown.endsWith('...') ? shown.slice(0, -3) : shown;
          expect(cut.length).toBeGreaterThanOrEqual(Math.min(f.reason.length, 350));
          expect(f.reason.startsWith(cut), `${shown}\n  is not a prefix of\n${f.reason}`).toBe(true);
        }
        else expect(p!.reason).toMatch(f.reason);
      }
      // -n keeps the report to this namespace; only the faults and what they hold back show
      for (const p of bad.doc.problems) {
        expect(p.namespace).toBe(ns);
        expect(['PersistentVolumeClaim', 'Kustomization', 'Deployment', 'ReplicaSet']).toContain(p.kind);
      }
      const whole = await status(false);
      expect(whole.doc.problems.find((p) => p.kind === 'ClusterIssuer' && p.name === ns), 'the ClusterIssuer is a problem of the whole cluster').toMatchObject({ namespace: '' });
      await kubectl(['delete', 'clusterissuer', ns]);

      await kubectl(['delete', '-n', ns, 'deployment/stuck', 'kustomization/broken', 'kustomization/paused', 'persistentvolumeclaim/data']);
      await until('the stuck ReplicaSet and its pod collected', async () => {
        const [rs, pods, pvc] = await Promise.all(['replicasets', 'pods', 'persistentvolumeclaims'].map((r) => getJson<{ items: Obj[] }>([r])));
        return rs.items.length + pods.items.length + pvc.items.length === 0;
      });
      const good = await status();
      expect(good.doc.problems).toEqual([]);
      expect(good.doc.healthy).toBe(true);
      expect(good.code).toBe(0);
    }, 120_000);

    it('tree: a Deployment shows exactly the ReplicaSets and Pods kubectl sees, by name, uid and owner', async () => {
      const name = 'web';
      await apply([{
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels: { app: name } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
      }]);
      const deploy = await until('2 ready replicas', async () => {
        const d = await getJson(['deployment', name]);
        return d.status?.readyReplicas === 2 && d;
      });
      const kube = await until('one ReplicaSet and 2 running pods', async () => {
        const rs = await getJson<{ items: Obj[] }>(['rs', '-l', `app=${name}`]);
        const pods = await getJson<{ items: Obj[] }>(['pods', '-l', `app=${name}`]);
        return rs.items.length === 1 && pods.items.length === 2 && pods.items.every((p) => p.status?.phase === 'Running') && { rs: rs.items, pods: pods.items };
      });

      const out = io();
      const code = await runTreeCommand(`deploy/${name}`, { ...selection(), output: 'json' }, out);
      expect(out.stderr.text).toBe('');
      expect(code).toBe(0);
      const doc = JSON.parse(out.stdout.text) as TreeCommandJson;
      expect(doc.notFound).toEqual([]);
      expect(doc.trees).toHaveLength(1);
      const { context, owners, tree } = doc.trees[0];
      expect(context).toBe(env.adminContext);
      expect(owners).toEqual([]);
      expect(tree).toMatchObject({ id: deploy.metadata.uid, kind: 'Deployment', namespace: ns, name, via: 'root', status: 'Current' });

      // both sides as (kind, name, uid, owner uid) rows, the owner taken from the tree's parent
      // on one side and from the controller ownerReference on the other
      const fromTree = (n: TreeJson, parent: string): string[] => [
        ...(n.via === 'root' ? [] : [`${n.kind} ${n.name} ${n.id} ${parent}`]),
        ...n.children.flatMap((c) => fromTree(c, n.id)),
      ];
      const controller = (o: KubeObject) => o.metadata.ownerReferences?.find((r) => r.controller)?.uid;
      const fromKubectl = [
        ...kube.rs.map((o) => `ReplicaSet ${o.metadata.name} ${o.metadata.uid} ${controller(o)}`),
        ...kube.pods.map((o) => `Pod ${o.metadata.name} ${o.metadata.uid} ${controller(o)}`),
      ];
      expect(fromTree(tree, '').sort()).toEqual(fromKubectl.sort());
      expect(controller(kube.rs[0])).toBe(deploy.metadata.uid);
      // nothing grouped or repeated: every node is a live object
      const flat = (n: TreeJson): TreeJson[] => [n, ...n.children.flatMap(flat)];
      for (const n of flat(tree)) {
        expect(n.via === 'root' || n.via === 'owner').toBe(true);
        expect(n.missing).toBeUndefined();
        expect(n.status).toBe('Current');
      }
    }, 90_000);
  });
}
