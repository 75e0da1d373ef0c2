// Rollback fidelity: fleetdeck's rollback (planRollback through the action catalog and the
// executor, sent over src/kube's client) against `kubectl rollout undo` on a twin object with
// the same history, for a Deployment, a StatefulSet and a DaemonSet, on every selected
// backend. The twins differ only in their name and `app` label, so their pod templates and
// annotations must come out equal after each rollback; refusals must read as kubectl's.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActionCommand } from '../../src/cli/actions.js';
import { createExecutor, type Executor } from '../../src/actions/executor.js';
import type { KubeObject } from '../../src/model/types.js';
import type { Lookup, Target } from '../../src/actions/types.js';
import { ContextClient, request } from '../../src/kube/client.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { num, rec, str, strMap } from '../../src/model/access.js';
import { rolloutHistory, REVISION } from '../../src/model/rollout.js';
import { waitUntil as poll, type Truthy } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

type Kind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

const PLURAL: Record<Kind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
const RELATED: Record<Kind, string> = { Deployment: 'replicasets', StatefulSet: 'controllerrevisions', DaemonSet: 'controllerrevisions' };

/** Revision n's pod template changes: image, an env var, a template annotation, the change-cause. */
const STEPS = [
  { image: 'nginx:1.25', env: 'one', cause: 'create at 1.25' },
  { image: 'nginx:1.26', env: 'two', cause: 'kubectl set image web=nginx:1.26' },
  { image: 'nginx:1.27', env: 'three', cause: 'kubectl set env STAGE=three' },
];

const until = <T>(what: string, probe: () => Promise<T>): Promise<Truthy<T>> =>
  poll(what, probe, { timeoutMs: 30_000, intervalMs: 100, retryErrors: true });

function manifest(kind: Kind, name: string, namespace: string): KubeObject {
  const step = STEPS[0];
  const template = {
    metadata: { labels: { app: name, tier: 'fidelity' }, annotations: { 'example.com/step': '1' } },
    spec: { containers: [{ name: 'web', image: step.image, env: [{ name: 'STAGE', value: step.env }] }] },
  };
  const spec: Record<string, unknown> = { selector: { matchLabels: { app: name } }, template };
  if (kind !== 'DaemonSet') spec.replicas = 1;
  if (kind === 'StatefulSet') spec.serviceName = name;
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, labels: { app: name }, annotations: { 'kubernetes.io/change-cause': step.cause } },
    spec,
  };
}

/** The twin-independent part: the `app` label (the only name-derived field) normalised. */
function comparable(o: KubeObject): { template: unknown; annotations: Record<string, string> } {
  const template = structuredClone(rec(o, 'spec', 'template')) as { metadata?: { labels?: Record<string, string> } };
  if (template.metadata?.labels?.app) template.metadata.labels.app = 'APP';
  return { template, annotations: strMap(o, 'metadata', 'annotations') };
}

for (const backend of backends) {
  describe(`rollback fidelity with kubectl on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let client: ContextClient;
    let executor: Executor;
    // the lookup serves a snapshot taken right before each plan, as the store would
    let snapshot: KubeObject[] = [];

    const base = (kind: Kind) => `/apis/apps/v1/namespaces/${env.namespace}/${PLURAL[kind]}`;
    const get = async (path: string) => (await request(client, { path })).body as KubeObject;
    const getObj = (kind: Kind, name: string) => get(`${base(kind)}/${name}`);
    const listRelated = async (kind: Kind) =>
      ((await get(`/apis/apps/v1/namespaces/${env.namespace}/${RELATED[kind]}`)) as unknown as { items: KubeObject[] }).items.map((o) => ({
        ...o,
        kind: kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision',
      }));

    beforeAll(async () => {
      env = await backend.setup();
      client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext));
      const lookup: Lookup = { resources: () => [], get: () => undefined, list: () => snapshot };
      executor = createExecutor({ send: (_context, req) => request(client, req), read: (_context, path) => get(path), readonly: false, lookup });
    });
    afterAll(async () => {
      await client?.close();
      await backend.teardown();
    });

    /** The controller recorded the object's current template as its newest revision. */
    async function settled(kind: Kind, name: string): Promise<{ obj: KubeObject; revision: number }> {
      return until(`${kind} ${name} to record its current revision`, async () => {
        const obj = await getObj(kind, name);
        if ((num(obj, 'status', 'observedGeneration') ?? 0) < (obj.metadata.generation ?? 1)) return false;
        const history = rolloutHistory(obj, { related: await listRelated(kind) });
        const current = history.find((r) => r.current);
        const newest = Math.max(0, ...history.map((r) => r.revision));
        if (!current || current.revision !== newest) return false;
        if (kind === 'Deployment' && strMap(obj, 'metadata', 'annotations')[REVISION] !== String(current.revision)) return false;
        return { obj, revision: current.revision };
      });
    }

    async function patch(kind: Kind, name: string, n: number): Promise<void> {
      const step = STEPS[n - 1];
      await request(client, {
        method: 'PATCH',
        path: `${base(kind)}/${name}`,
        contentType: 'application/strategic-merge-patch+json',
        body: {
          metadata: { annotations: { 'kubernetes.io/change-cause': step.cause } },
          spec: { template: { metadata: { annotations: { 'example.com/step': String(n) } }, spec: { containers: [{ name: 'web', image: step.image, env: [{ name: 'STAGE', value: step.env }] }] } } },
        },
      });
    }

    /** Twins `<prefix>-fd` (fleetdeck) and `<prefix>-kc` (kubectl), each taken through revisions 1..3. */
    async function twins(kind: Kind, revisions = STEPS.length): Promise<{ fd: string; kc: string }> {
      const prefix = `fid-${kind.toLowerCase().slice(0, 3)}-${randomBytes(3).toString('hex')}`;
      const names = { fd: `${prefix}-fd`, kc: `${prefix}-kc` };
      for (const name of Object.values(names)) {
        await request(client, { method: 'POST', path: base(kind), body: manifest(kind, name, env.namespace) });
        expect((await settled(kind, name)).revision).toBe(1);
        for (let n = 2; n <= revisions; n++) {
          await patch(kind, name, n);
          expect((await settled(kind, name)).revision).toBe(n);
        }
      }
      return names;
    }

    function target(kind: Kind, obj: KubeObject): Target {
      return { context: env.adminContext, resource: `${PLURAL[kind]}.apps`, kind, namespace: env.namespace, name: obj.metadata.name, object: obj };
    }

    async function planFor(kind: Kind, name: string, toRevision?: number) {
      snapshot = await listRelated(kind);
      return executor.plan('rollback', [target(kind, await getObj(kind, name))], toRevision ? { toRevision } : {});
    }

    async function fleetdeckUndo(kind: Kind, name: string, toRevision?: number): Promise<void> {
      const plan = await planFor(kind, name, toRevision);
      expect(plan.targets[0].refused).toBeUndefined();
      const [outcome] = await executor.execute(plan);
      expect(outcome).toMatchObject({ status: 'succeeded', message: 'rolled back' });
    }

    async function kubectlUndo(kind: Kind, name: string, toRevision?: number) {
      return env.kubectl(['rollout', 'undo', '-n', env.namespace, `${kind.toLowerCase()}/${name}`, ...(toRevision ? [`--to-revision=${toRevision}`] : [])]);
    }

    /** Both twins rolled back the same way: equal templates, annotations and revision lists. */
    async function undoBoth(kind: Kind, t: { fd: string; kc: string }, toRevision?: number) {
      await fleetdeckUndo(kind, t.fd, toRevision);
      const r = await kubectlUndo(kind, t.kc, toRevision);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('rolled back');
      const [fd, kc] = [await settled(kind, t.fd), await settled(kind, t.kc)];
      expect(fd.revision).toBe(kc.revision);
      expect(comparable(fd.obj)).toEqual(comparable(kc.obj));
      const revs = async (o: KubeObject) =>
        rolloutHistory(o, { related: await listRelated(kind) }).map((h) => ({ revision: h.revision, changeCause: h.changeCause, images: h.images, current: h.current }));
      expect(await revs(fd.obj)).toEqual(await revs(kc.obj));
      return fd.obj;
    }

    const image = (o: KubeObject) => str(o, 'spec', 'template', 'spec', 'containers', 0, 'image');

    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
      it(`${kind}: undo to the previous revision, then --to-revision=1, then previous again, as kubectl does`, async () => {
        const t = await twins(kind);
        // 3 → previous (2): the revision-2 template, recorded as revision 4
        const afterPrevious = await undoBoth(kind, t);
        expect(image(afterPrevious)).toBe('nginx:1.26');
        // a chosen revision: 1
        const afterChosen = await undoBoth(kind, t, 1);
        expect(image(afterChosen)).toBe('nginx:1.25');
        // previous again: now the revision-2 template's newest number (4)
        const again = await undoBoth(kind, t);
        expect(image(again)).toBe('nginx:1.26');
        if (kind === 'Deployment') expect(strMap(again, 'metadata', 'annotations')['kubernetes.io/change-cause']).toBe(STEPS[1].cause);
      }, 120_000);
    }

    it('a rollback to the running template is skipped with kubectl\'s words', async () => {
      const t = await twins('Deployment', 2);
      // revision 2 is running: --to-revision=2 matches it
      const plan = await planFor('Deployment', t.fd, 2);
      const r = await kubectlUndo('Deployment', t.kc, 2);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(plan.targets[0].refused).toBeUndefined();
      expect(r.stdout.trim()).toBe(`deployment.apps/${t.kc} ${plan.targets[0].noop}`);
      // the shell command: the same words, nothing sent, and kubectl's exit code
      let out = '';
      let err = '';
      const before = await getObj('Deployment', t.fd);
      const code = await runActionCommand(
        'rollback',
        { target: `deploy/${t.fd}`, namespace: env.namespace, toRevision: 2, yes: true, protectedOk: true },
        {
          executor,
          contexts: [env.adminContext],
          find: async (_c, _k, _ns, name) => ({ found: true, target: target('Deployment', await getObj('Deployment', name)) }),
          stdout: { write: (s: string) => (out += s) },
          stderr: { write: (s: string) => (err += s) },
        },
      );
      expect(err).toBe('');
      expect(code).toBe(r.code);
      expect(out).toContain(`succeeded: ${r.stdout.trim().replace(`deployment.apps/${t.kc} `, '')}`);
      expect((await getObj('Deployment', t.fd)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    }, 60_000);

    it('refuses a paused Deployment with kubectl\'s message, and an unknown revision likewise', async () => {
      const t = await twins('Deployment', 2);
      for (const name of [t.fd, t.kc]) expect((await env.kubectl(['rollout', 'pause', '-n', env.namespace, `deployment/${name}`])).stderr).toBe('');
      const paused = await planFor('Deployment', t.fd);
      const r = await kubectlUndo('Deployment', t.kc);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim()).toBe(`error: ${paused.targets[0].refused}`);
      const unknown = await planFor('Deployment', t.fd, 9);
      const u = await kubectlUndo('Deployment', t.kc, 9);
      expect(u.stderr.trim()).toBe(`error: ${unknown.targets[0].refused}`);
      // nothing was sent to either: both still run revision 2
      expect(image(await getObj('Deployment', t.fd))).toBe('nginx:1.26');
      expect(image(await getObj('Deployment', t.kc))).toBe('nginx:1.26');
    }, 60_000);

    it('refuses a DaemonSet with a single revision as kubectl does', async () => {
      const t = await twins('DaemonSet', 1);
      const plan = await planFor('DaemonSet', t.fd);
      const r = await kubectlUndo('DaemonSet', t.kc);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim()).toBe(`error: ${plan.targets[0].refused}`);
    }, 60_000);
  });
}
