// compare, trace and changes on every selected backend (the simulated fleet and the real
// control plane), on objects made in a fresh namespace with kubectl: a Deployment carrying the
// labels kustomize-controller puts on what it applies, its Kustomization and GitRepository
// (reconciled by the backend's Flux: the sim's, or the stand-in on the real plane), a
// Kustomization whose build fails. Checked against what kubectl reads back.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runChangesCommand, type ChangesJson } from '../../src/cli/changes.js';
import { runCompareCommand } from '../../src/cli/compare.js';
import { runTraceCommand, type TraceJson } from '../../src/cli/trace.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import type { KubeObject } from '../../src/model/types.js';
import { BROKEN_PATH } from '../controlplane/flux-fixtures.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';
import { Sink } from '../helpers/sink.js';

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) => waitUntil(what, probe, { timeoutMs: 60_000, intervalMs: 200, retryErrors: true });

type Obj = KubeObject & { status?: { conditions?: { type: string; status: string; reason?: string }[]; readyReplicas?: number; lastAttemptedRevision?: string; lastAppliedRevision?: string; artifact?: { revision?: string } } };

for (const backend of backends) {
  describe(`compare, trace and changes on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    const ns = `fd-fleetnative-${randomBytes(3).toString('hex')}`;
    const kubectl = async (args: string[], input?: string): Promise<string> => {
      const r = await env.kubectl(args, { input });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const apply = (objects: object[]) => kubectl(['apply', '--validate=false', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
    const getJson = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await kubectl(['get', '-n', ns, ...args, '-o', 'json'])) as T;
    const base = () => ({ kubeconfig: env.kubeconfigPath, config: defaultAppConfig(), timeoutMs: 30_000 });
    async function run(fn: (io: { stdout: Sink; stderr: Sink; env: NodeJS.ProcessEnv }) => Promise<number>) {
      const io = { stdout: new Sink(), stderr: new Sink(), env: {} };
      const code = await fn(io);
      return { code, out: io.stdout.text, err: io.stderr.text };
    }
    const fluxLabels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': ns };
    const deployment = (image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, labels: { app: 'web', ...fluxLabels } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
    });

    beforeAll(async () => {
      env = await backend.setup();
      await kubectl(['create', 'namespace', ns]);
      await apply([
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'repo', namespace: ns }, spec: { interval: '10m', url: env.flux.gitUrl, ref: { branch: 'main' } } },
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: ns }, spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } } },
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'broken', namespace: ns }, spec: { interval: '10m', path: `./${BROKEN_PATH}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } } },
        deployment('nginx:1.27.2'),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { LOG_LEVEL: 'info' } },
      ]);
      // in the namespace both users may read (the restricted one: everything but Secrets)
      await apply([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${ns}-shared`, namespace: env.namespace }, data: { LOG_LEVEL: 'info' } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${ns}-token`, namespace: env.namespace }, stringData: { token: 'x' } },
      ]);
      await until('the apps Kustomization Ready', async () => (await getJson(['kustomization', 'apps'])).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
      await until('the broken Kustomization Ready=False', async () => (await getJson(['kustomization', 'broken'])).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False');
      await until('a pod of web', async () => (await getJson<{ items: Obj[] }>(['pods', '-l', 'app=web'])).items.length > 0);
    }, 180_000);
    afterAll(async () => {
      if (env) await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
      if (env) await env.kubectl(['delete', '-n', env.namespace, `configmap/${ns}-shared`, `secret/${ns}-token`, '--ignore-not-found']);
      await backend.teardown();
    });

    it('trace: a pod of the Flux-labelled Deployment → ReplicaSet → Deployment → Kustomization → GitRepository, revisions as kubectl reads them', async () => {
      const pod = (await getJson<{ items: Obj[] }>(['pods', '-l', 'app=web'])).items[0];
      const r = await run((io) => runTraceCommand(`pod/${pod.metadata.name}`, { ...base(), context: [env.adminContext], namespace: ns, output: 'json' }, io));
      expect(r.code, r.err).toBe(0);
      const t = (JSON.parse(r.out) as TraceJson).traces[0];
      expect(t.managed).toBe('flux');
      expect(t.steps.map((s) => `${s.kind}/${s.name}`)).toEqual([
        `Pod/${pod.metadata.name}`,
        `ReplicaSet/${pod.metadata.ownerReferences![0].name}`,
        'Deployment/web',
        'Kustomization/apps',
        'GitRepository/repo',
      ]);
      const ks = await getJson(['kustomization', 'apps']);
      const git = await getJson(['gitrepository', 'repo']);
      expect(t.steps[3]).toMatchObject({ via: 'flux-label', appliedRevision: ks.status?.lastAppliedRevision, ready: { status: 'True' } });
      expect(t.steps[4]).toMatchObject({ url: env.flux.gitUrl, reference: 'branch main', appliedRevision: git.status?.artifact?.revision });
      expect(git.status?.artifact?.revision).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    });

    it('trace: a Secret the restricted user may not list is unknown in its context, never "not found"', async () => {
      const s = await run((io) => runTraceCommand(`secret/${ns}-token`, { ...base(), context: [env.adminContext, env.restrictedContext], namespace: env.namespace, output: 'json' }, io));
      const sdoc = JSON.parse(s.out) as TraceJson;
      expect(sdoc.traces.map((t) => t.context)).toEqual([env.adminContext]);
      expect(sdoc.traces[0].managed).toBe('not-flux');
      expect(sdoc.unknown.map((u) => u.context)).toEqual([env.restrictedContext]);
      expect(sdoc.notFound).toEqual([]);
    });

    it('compare: the same object seen by two users of one cluster is equal (exit 0); a Secret the restricted user may not list is unknown, not missing (exit 2)', async () => {
      const same = await run((io) => runCompareCommand(`cm/${ns}-shared`, { ...base(), context: [env.adminContext, env.restrictedContext], namespace: env.namespace, output: 'json' }, io));
      const doc = JSON.parse(same.out) as { verdict: string; fields: unknown[]; contexts: { presence: string }[] };
      expect(doc.contexts.map((c) => c.presence)).toEqual(['found', 'found']);
      expect(doc.verdict).toBe('equal');
      expect(same.code).toBe(0);
      const flux = await run((io) => runCompareCommand('deploy/web', { ...base(), context: [env.adminContext], namespace: ns, output: 'json' }, io));
      const fdoc = JSON.parse(flux.out) as { facts: { field: string; values: Record<string, string | null> }[] };
      expect(fdoc.facts.find((f) => f.field === 'image web')!.values).toEqual({ [env.adminContext]: 'nginx:1.27.2' });
      expect(fdoc.facts.find((f) => f.field === 'flux owner')!.values[env.adminContext]).toBe(`Kustomization/${ns}/apps`);
      const secret = await run((io) => runCompareCommand(`secret/${ns}-token`, { ...base(), context: [env.adminContext, env.restrictedContext], namespace: env.namespace, output: 'json' }, io));
      const sdoc = JSON.parse(secret.out) as { verdict: string; contexts: { context: string; presence: string; reason?: string }[] };
      expect(sdoc.contexts).toEqual([{ context: env.adminContext, presence: 'found' }, { context: env.restrictedContext, presence: 'unknown', reason: expect.stringMatching(/forbidden/) }]);
      expect(sdoc.verdict).toBe('incomplete');
      expect(secret.code).toBe(2);
      const missing = await run((io) => runCompareCommand('cm/not-there', { ...base(), context: [env.adminContext], namespace: ns, output: 'json' }, io));
      expect(missing.code).toBe(1);
      expect(JSON.parse(missing.out).contexts).toEqual([{ context: env.adminContext, presence: 'missing' }]);
    });

    it("changes: a rollout's image change and the failing Kustomization's revision, newest first", async () => {
      const before = await getJson<{ items: Obj[] }>(['replicasets', '-l', 'app=web']);
      await apply([deployment('nginx:1.27.3')]);
      await until('a second ReplicaSet for web', async () => (await getJson<{ items: Obj[] }>(['replicasets', '-l', 'app=web'])).items.length > before.items.length);
      const r = await run((io) => runChangesCommand({ ...base(), context: [env.adminContext], namespace: ns, since: '15m', output: 'json' }, io));
      expect(r.code, r.err).toBe(0);
      const doc = JSON.parse(r.out) as ChangesJson;
      const rollout = doc.changes.find((c) => c.kind === 'Deployment' && c.name === 'web' && c.change === 'rollout');
      expect(rollout, JSON.stringify(doc.changes)).toMatchObject({ context: env.adminContext, namespace: ns, from: 'nginx:1.27.2', to: 'nginx:1.27.3', what: 'revision 1 → 2: image web: nginx:1.27.2 → nginx:1.27.3' });
      const broken = await getJson(['kustomization', 'broken']);
      const failed = doc.changes.find((c) => c.kind === 'Kustomization' && c.name === 'broken' && c.change === 'flux-failed');
      expect(failed).toBeDefined();
      expect(failed!.to).toBe(broken.status?.lastAttemptedRevision);
      expect(failed!.what).toContain('BuildFailed');
      expect(doc.changes.some((c) => c.kind === 'Deployment' && c.name === 'web' && c.change === 'created')).toBe(true);
      const times = doc.changes.map((c) => Date.parse(c.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      for (const c of doc.changes) expect(c.namespace).toBe(ns);
    });
  });
}
