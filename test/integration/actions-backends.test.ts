// The Flux actions on every selected backend (the real control plane's Flux stand-in, or the
// sim's Flux controllers): the exact requests the executor sends for suspend, resume and
// reconcile with source, the objects as kubectl then reads them, the typed confirmation on a
// protected context, read-only mode sending nothing, and audit lines free of credentials —
// through the executor over src/kube's client, and through `fleetdeck reconcile` (runShellAction).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createAuditLog, defaultAuditPath } from '../../src/actions/audit.js';
import { createExecutor, type Executor, type ExecutorDeps } from '../../src/actions/executor.js';
import { runShellAction } from '../../src/cli/actions-fleet.js';
import type { ApiRequest, Lookup, Target } from '../../src/actions/types.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { ContextClient, request } from '../../src/kube/client.js';
import { discover } from '../../src/kube/discovery.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

/** Polls a probe (errors count as "not yet") until it answers, at most 30 s. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 100, retryErrors: true });

type Condition = { type: string; status: string; reason?: string; message?: string };
type FluxObject = KubeObject & { spec?: Record<string, unknown>; status?: { conditions?: Condition[]; lastHandledReconcileAt?: string } };

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
const MERGE_PATCH = 'application/merge-patch+json';
const KS_RESOURCE = 'kustomizations.kustomize.toolkit.fluxcd.io';
const GIT_RESOURCE = 'gitrepositories.source.toolkit.fluxcd.io';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const backend of backends) {
  describe(`Flux actions on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let client: ContextClient;
    let types: ResourceType[];
    let stateHome: string;
    let auditPath: string;
    const ns = `fd-act-${randomBytes(3).toString('hex')}`;
    const ksPath = (name: string) => `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${ns}/kustomizations/${name}`;
    const gitPath = (name: string) => `/apis/source.toolkit.fluxcd.io/v1/namespaces/${ns}/gitrepositories/${name}`;
    /** every request an executor handed to the cluster door, in order */
    let sent: { context: string; req: ApiRequest }[] = [];

    const kubectlGet = async (resource: string, name: string): Promise<FluxObject> => {
      const r = await env.kubectl(['get', '-n', ns, `${resource}/${name}`, '-o', 'json']);
      if (r.code !== 0) throw new Error(`kubectl get ${resource}/${name}: ${r.stderr}`);
      return JSON.parse(r.stdout) as FluxObject;
    };
    const ready = (o: FluxObject) => o.status?.conditions?.find((c) => c.type === 'Ready');

    /** The store's view for plans: discovery, and the objects read fresh when the test plans. */
    const seen = new Map<string, KubeObject>();
    const lookup: Lookup = {
      resources: () => types,
      get: (_ctx, resource, namespace, name) => seen.get(`${resource}/${namespace ?? ''}/${name}`),
      list: () => [],
    };
    async function target(name: string): Promise<Target> {
      const object = await kubectlGet(KS_RESOURCE, name);
      seen.set(`${KS_RESOURCE}/${ns}/${name}`, object);
      seen.set(`${GIT_RESOURCE}/${ns}/repo`, await kubectlGet(GIT_RESOURCE, 'repo'));
      return { context: env.adminContext, resource: KS_RESOURCE, kind: 'Kustomization', namespace: ns, name, object };
    }

    function executor(deps: Partial<ExecutorDeps> = {}): Executor {
      return createExecutor({
        send: (context, req) => {
          sent.push({ context, req });
          return request(client, req);
        },
        read: async (_ctx, path) => (await request(client, { method: 'GET', path })).body as KubeObject,
        readonly: false,
        // the admin context is not protected unless a test says so
        protectedPattern: /^$/,
        lookup,
        audit: createAuditLog({ path: auditPath }),
        followTimeoutMs: 20_000,
        pollIntervalMs: 100,
        ...deps,
      });
    }

    beforeAll(async () => {
      env = await backend.setup();
      client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext));
      types = await discover(client);
      stateHome = await mkdtemp(join(tmpdir(), 'fleetdeck-actions-state-'));
      auditPath = defaultAuditPath({ XDG_STATE_HOME: stateHome });
      const ks = (name: string) => ({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace: ns },
        spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } },
      });
      const objects = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'repo', namespace: ns },
          spec: { interval: '10m', url: env.flux.gitUrl, ref: { branch: 'main' } },
        },
        ks('apps'),
        ks('guarded'),
        ks('scripted'),
        ks('owner'),
        // applied by Kustomization 'owner' as its labels say (Flux sets no ownerReferences)
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns, labels: { 'kustomize.toolkit.fluxcd.io/name': 'owner', 'kustomize.toolkit.fluxcd.io/namespace': ns } },
          spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
        },
      ];
      // the sim serves no OpenAPI document, so client-side validation is off on both
      const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
      if (r.code !== 0) throw new Error(r.stderr);
      for (const name of ['apps', 'guarded', 'scripted']) {
        await until(`${name} Ready=True`, async () => ready(await kubectlGet(KS_RESOURCE, name))?.status === 'True');
      }
    }, 120_000);

    afterAll(async () => {
      await client?.close();
      if (env) await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
      await backend.teardown();
      if (stateHome) await rm(stateHome, { recursive: true, force: true });
    });

    it('suspend then resume: exactly one merge patch each; spec.suspend true, then absent', async () => {
      sent = [];
      const ex = executor();
      const suspend = ex.plan('suspend', [await target('apps')]);
      expect(suspend.protected).toBe(false);
      const [s] = await ex.execute(suspend);
      expect(s).toMatchObject({ status: 'succeeded', message: 'suspended' });
      expect((await kubectlGet(KS_RESOURCE, 'apps')).spec?.suspend).toBe(true);
      // Flux ignores reconcile requests on suspended objects: refused, resume-and-reconcile offered
      const refused = ex.plan('reconcile', [await target('apps')]);
      expect(refused.targets[0]).toMatchObject({ requests: [], alternative: 'resume-and-reconcile' });

      const [r] = await ex.execute(ex.plan('resume', [await target('apps')]));
      expect(r).toMatchObject({ status: 'succeeded', message: 'resumed' });
      expect(sent).toEqual([
        { context: env.adminContext, req: { method: 'PATCH', path: ksPath('apps'), contentType: MERGE_PATCH, body: { spec: { suspend: true } } } },
        { context: env.adminContext, req: { method: 'PATCH', path: ksPath('apps'), contentType: MERGE_PATCH, body: { spec: { suspend: null } } } },
      ]);
      const resumed = await kubectlGet(KS_RESOURCE, 'apps');
      expect(resumed.spec).not.toHaveProperty('suspend');
      expect(s.requests.map((q) => q.status)).toEqual([200]);
    });

    it('issue 20 case 8: scale --suspend-owner with the Flux owner in no cache: read with a GET, suspended first, then the Deployment scaled', async () => {
      const shellState = await mkdtemp(join(tmpdir(), 'fleetdeck-shell-state-'));
      try {
        const out = { text: '', write(s: string) { this.text += s; } };
        const err = { text: '', write(s: string) { this.text += s; } };
        // the shell command watches the Deployment's kind only: the Kustomization is not in its cache
        const code = await runShellAction('scale', {
          target: 'deploy/web', namespace: ns, replicas: 2, suspendOwner: true, yes: true,
          kubeconfig: env.kubeconfigPath, context: [env.adminContext], config: { ...defaultAppConfig(), protected: /^$/ }, timeoutSeconds: 20,
        }, { stdout: out, stderr: err, env: { XDG_STATE_HOME: shellState } });
        expect(err.text).toBe('');
        expect(out.text).not.toMatch(/not in the cache|cannot be suspended/);
        expect(code).toBe(0);
        expect(out.text.indexOf(`PATCH ${ksPath('owner')}`)).toBeGreaterThan(-1);
        expect(out.text.indexOf(`PATCH ${ksPath('owner')}`)).toBeLessThan(out.text.indexOf(`/namespaces/${ns}/deployments/web/scale`));
        expect((await kubectlGet(KS_RESOURCE, 'owner')).spec?.suspend).toBe(true);
        expect((await kubectlGet('deployments.apps', 'web')).spec?.replicas).toBe(2);

        // an owner the cluster does not have: the executor's GET says so, and nothing is sent
        sent = [];
        const ex = executor({ lookup: { resources: () => types, get: () => undefined, list: () => [] } });
        const web = (await kubectlGet('deployments.apps', 'web')) as KubeObject;
        web.metadata.labels = { ...web.metadata.labels, 'kustomize.toolkit.fluxcd.io/name': 'gone' };
        const t: Target = { context: env.adminContext, resource: 'deployments.apps', kind: 'Deployment', namespace: ns, name: 'web', object: web };
        const read = await ex.readMissing('restart', [t], { suspendOwner: true });
        expect(sent.map((x) => `${x.req.method} ${x.req.path}`)).toEqual([`GET ${ksPath('gone')}`]);
        const plan = ex.plan('restart', [t], { suspendOwner: true }, read);
        expect(plan.targets[0].refused).toBe(`its Flux owner Kustomization ${ns}/gone cannot be suspended first: it does not exist (GET ${ksPath('gone')}: HTTP 404)`);
      } finally {
        await rm(shellState, { recursive: true, force: true });
      }
    });

    it('reconcile with source: the source, then the Kustomization, annotated with one token; both handle it; Ready reported', async () => {
      sent = [];
      const ex = executor();
      const plan = ex.plan('reconcile', [await target('apps')], { withSource: true });
      const token = plan.targets[0].requests[0].wait?.token;
      expect(token).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const annotate = { metadata: { annotations: { [REQUESTED_AT]: token } } };
      expect(plan.targets[0].requests).toEqual([
        { method: 'PATCH', path: gitPath('repo'), contentType: MERGE_PATCH, body: annotate, object: { kind: 'GitRepository', namespace: ns, name: 'repo' }, wait: { token } },
        { method: 'PATCH', path: ksPath('apps'), contentType: MERGE_PATCH, body: annotate, object: { kind: 'Kustomization', namespace: ns, name: 'apps' }, wait: { token } },
      ]);
      const [o] = await ex.execute(plan);
      expect(sent).toEqual([
        { context: env.adminContext, req: { method: 'PATCH', path: gitPath('repo'), contentType: MERGE_PATCH, body: annotate } },
        { context: env.adminContext, req: { method: 'PATCH', path: ksPath('apps'), contentType: MERGE_PATCH, body: annotate } },
      ]);
      const [git, ks] = await Promise.all([kubectlGet(GIT_RESOURCE, 'repo'), kubectlGet(KS_RESOURCE, 'apps')]);
      for (const obj of [git, ks]) {
        expect(obj.metadata.annotations?.[REQUESTED_AT]).toBe(token);
        expect(obj.status?.lastHandledReconcileAt).toBe(token);
      }
      expect(ready(ks)).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' });
      expect(o.status).toBe('succeeded');
      expect(o.message).toBe(ready(ks)?.message);
      expect(o.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
    });

    it('a protected context refuses until the object name is typed', async () => {
      sent = [];
      const ex = executor({ protectedPattern: new RegExp(`^${escape(env.adminContext)}$`) });
      const plan = ex.plan('suspend', [await target('guarded')]);
      expect(plan).toMatchObject({ protected: true, confirmText: 'guarded' });
      for (const typed of [undefined, '', 'yes', 'Guarded', '1']) {
        const [o] = await ex.execute(plan, { typed });
        expect(o).toMatchObject({ status: 'skipped', message: 'protected context: type "guarded" to confirm', requests: [] });
      }
      expect(sent).toEqual([]);
      expect((await kubectlGet(KS_RESOURCE, 'guarded')).spec?.suspend).toBeUndefined();
      const [o] = await ex.execute(plan, { typed: 'guarded' });
      expect(o.status).toBe('succeeded');
      expect(sent.map((s) => [s.req.method, s.req.path])).toEqual([['PATCH', ksPath('guarded')]]);
      expect((await kubectlGet(KS_RESOURCE, 'guarded')).spec?.suspend).toBe(true);
    });

    it('read-only sends nothing: its plans are refused and a writable plan executed through it is skipped', async () => {
      sent = [];
      const ro = executor({ readonly: true });
      const before = await kubectlGet(KS_RESOURCE, 'scripted');
      for (const action of ['suspend', 'resume', 'reconcile', 'resume-and-reconcile']) {
        const plan = ro.plan(action, [await target('scripted')], { withSource: true });
        expect(plan.targets[0].refused).toMatch(/^read-only mode: .* is not allowed$/);
        expect(plan.targets[0].requests).toEqual([]);
        expect((await ro.execute(plan))[0].status).toBe('skipped');
        // a plan made by a writable executor carries requests; the read-only one still sends none
        const writable = executor().plan(action === 'resume' ? 'suspend' : action, [await target('scripted')], { withSource: true });
        expect(writable.targets[0].requests.length).toBeGreaterThan(0);
        const [o] = await ro.execute(writable);
        expect(o).toMatchObject({ status: 'skipped', requests: [] });
        expect(o.message).toMatch(/^read-only mode/);
      }
      expect(sent).toEqual([]);
      const after = await kubectlGet(KS_RESOURCE, 'scripted');
      expect(after.spec).toEqual(before.spec);
      expect(after.metadata.annotations?.[REQUESTED_AT]).toBe(before.metadata.annotations?.[REQUESTED_AT]);
    });

    it('`fleetdeck reconcile --with-source`: typed confirmation on a protected context, then done; audit under $XDG_STATE_HOME', async () => {
      const shellState = await mkdtemp(join(tmpdir(), 'fleetdeck-shell-state-'));
      const shellAudit = defaultAuditPath({ XDG_STATE_HOME: shellState });
      try {
        const run = async (answer: string) => {
          const out = { text: '', write(s: string) { this.text += s; } };
          const err = { text: '', write(s: string) { this.text += s; } };
          const questions: string[] = [];
          const code = await runShellAction('reconcile', {
            target: 'ks/scripted',
            namespace: ns,
            withSource: true,
            yes: true,
            kubeconfig: env.kubeconfigPath,
            context: [env.adminContext],
            config: { ...defaultAppConfig(), protected: new RegExp(`^${escape(env.adminContext)}$`) },
            timeoutSeconds: 20,
          }, { stdout: out, stderr: err, env: { XDG_STATE_HOME: shellState }, ask: async (q) => (questions.push(q), answer) });
          return { code, out: out.text, err: err.text, questions };
        };
        // --yes without --protected-ok still asks for the name on a protected context
        const wrong = await run('yes');
        expect(wrong.questions).toEqual(['\nType "scripted" to confirm: ']);
        expect(wrong.code).toBe(1);
        expect(wrong.out).toContain('skipped: protected context: type "scripted" to confirm');
        await expect(readFile(shellAudit, 'utf8')).rejects.toThrow(/ENOENT/);
        expect((await kubectlGet(KS_RESOURCE, 'scripted')).metadata.annotations?.[REQUESTED_AT]).toBeUndefined();

        const ok = await run('scripted');
        expect(ok.err).toBe('');
        expect(ok.code).toBe(0);
        expect(ok.out).toContain(`PATCH ${gitPath('repo')}`);
        expect(ok.out).toContain(`PATCH ${ksPath('scripted')}`);
        const ks = await kubectlGet(KS_RESOURCE, 'scripted');
        const token = ks.metadata.annotations?.[REQUESTED_AT];
        expect(token).toBeDefined();
        expect(ks.status?.lastHandledReconcileAt).toBe(token);
        expect(ok.out).toContain(`succeeded: ${ready(ks)?.message}`);
        // the flux CLI's closing lines: the source's fetched revision, then the applied one
        const git = await kubectlGet('gitrepositories.source.toolkit.fluxcd.io', 'repo');
        const fetched = (git.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;
        expect(fetched).toBeTruthy();
        expect(ok.out).toContain(`\n  ✔ fetched revision ${fetched}\n  ✔ applied revision ${String((ks.status as { lastAppliedRevision?: string }).lastAppliedRevision)}`);
        const lines = (await readFile(shellAudit, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { context: string; action: string; request: ApiRequest; result: { status?: number } });
        expect(lines.map((l) => [l.context, l.action, l.request.method, l.request.path, l.result.status])).toEqual([
          [env.adminContext, 'reconcile', 'PATCH', gitPath('repo'), 200],
          [env.adminContext, 'reconcile', 'PATCH', ksPath('scripted'), 200],
        ]);
        for (const l of lines) expect(l.request.body).toEqual({ metadata: { annotations: { [REQUESTED_AT]: token } } });
      } finally {
        await rm(shellState, { recursive: true, force: true });
      }
    });

    it('audit lines: one per request sent, with the request and result, and no credential of the kubeconfig', async () => {
      const text = await readFile(auditPath, 'utf8');
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { action: string; request: ApiRequest; result: { status?: number } });
      expect(lines.map((l) => [l.action, l.request.method, l.request.path, l.result.status])).toEqual([
        ['suspend', 'PATCH', ksPath('apps'), 200],
        ['resume', 'PATCH', ksPath('apps'), 200],
        ['reconcile', 'PATCH', gitPath('repo'), 200],
        ['reconcile', 'PATCH', ksPath('apps'), 200],
        ['suspend', 'PATCH', ksPath('guarded'), 200],
      ]);
      for (const l of lines) {
        expect(Object.keys(l)).toEqual(['time', 'user', 'context', 'action', 'object', 'request', 'result']);
        expect(l.context).toBe(env.adminContext);
      }
      // every credential the kubeconfig holds, raw and decoded: tokens, client keys (PEM), certificates
      const kubeconfig = parse(await readFile(env.kubeconfigPath, 'utf8')) as { users: { user: Record<string, unknown> }[] };
      const secrets: string[] = [];
      for (const { user } of kubeconfig.users) {
        for (const field of ['token', 'password', 'client-key-data', 'client-certificate-data']) {
          const v = user[field];
          if (typeof v !== 'string') continue;
          secrets.push(v);
          if (field.endsWith('-data')) {
            const pem = Buffer.from(v, 'base64').toString('utf8');
            // each base64 line of the PEM body: a fragment of the key is as bad as all of it
            secrets.push(...pem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')));
          }
        }
      }
      expect(secrets.length).toBeGreaterThan(0);
      if (backend.name === 'cluster') expect(kubeconfig.users.some((u) => typeof u.user['client-key-data'] === 'string')).toBe(true);
      for (const s of secrets) expect(text.includes(s), `audit log holds a kubeconfig credential (${s.slice(0, 8)}…)`).toBe(false);
      expect(text).not.toMatch(/PRIVATE KEY|CERTIFICATE|Authorization|Bearer/i);
    });
  });
}
