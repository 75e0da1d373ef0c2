// Edit on every selected backend (the sim and the real control plane), below the UI: the
// executor's edit plan (the diff is the plan; a PUT carrying the resourceVersion that was
// read), applied; and the conflict path — the object changed between read and apply, the
// server answers 409, nothing of the edit is written, the outcome is recognised as a conflict
// (what makes the TUI offer a re-edit, src/ui/triage.ts) and a re-edit on the current version
// applies. Audited. kubectl is the independent reader.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createAuditLog, defaultAuditPath } from '../../src/actions/audit.js';
import { createExecutor, type Executor } from '../../src/actions/executor.js';
import { editConflict } from '../../src/actions/triage.js';
import type { Lookup, Target } from '../../src/actions/types.js';
import { ContextClient, request } from '../../src/kube/client.js';
import { discover } from '../../src/kube/discovery.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { backends, type BackendEnv } from './backends.js';

type ConfigMap = KubeObject & { data?: Record<string, string> };

for (const backend of backends) {
  describe(`edit on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let client: ContextClient;
    let types: ResourceType[];
    let stateHome: string;
    let auditPath: string;
    const ns = `fd-edit-${randomBytes(3).toString('hex')}`;
    const path = (name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;

    const kubectlGet = async (name: string): Promise<ConfigMap> => {
      const r = await env.kubectl(['get', '-n', ns, `configmap/${name}`, '-o', 'json']);
      if (r.code !== 0) throw new Error(`kubectl get configmap/${name}: ${r.stderr}`);
      return JSON.parse(r.stdout) as ConfigMap;
    };
    /** What the TUI reads before it opens $EDITOR: the object as the API serves it now. */
    const read = async (name: string): Promise<ConfigMap> => {
      const r = await request(client, { method: 'GET', path: path(name) });
      expect(r.status).toBe(200);
      return r.body as ConfigMap;
    };
    const target = (object: ConfigMap): Target => ({ context: env.adminContext, resource: 'configmaps', kind: 'ConfigMap', namespace: ns, name: object.metadata.name, object });
    /** What the user saves in the editor: the object read, with one value changed. */
    const edit = (o: ConfigMap, color: string): ConfigMap => ({ ...o, data: { ...o.data, color } });

    function executor(): Executor {
      const lookup: Lookup = { resources: () => types, get: () => undefined, list: () => [] };
      return createExecutor({
        send: (_ctx, req) => request(client, req),
        read: async (_ctx, p) => (await request(client, { method: 'GET', path: p })).body as KubeObject,
        readonly: false,
        protectedPattern: /^$/,
        lookup,
        audit: createAuditLog({ path: auditPath }),
      });
    }

    beforeAll(async () => {
      env = await backend.setup();
      client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext));
      types = await discover(client);
      stateHome = await mkdtemp(join(tmpdir(), 'fleetdeck-edit-state-'));
      auditPath = defaultAuditPath({ XDG_STATE_HOME: stateHome });
      const objects = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { color: 'red', size: 'm' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raced', namespace: ns }, data: { color: 'red', size: 'm' } },
      ];
      const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
      if (r.code !== 0) throw new Error(r.stderr);
    }, 120_000);

    afterAll(async () => {
      await client?.close();
      if (env) await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
      await backend.teardown();
      if (stateHome) await rm(stateHome, { recursive: true, force: true });
    });

    it('the diff is the plan; the PUT carries the resourceVersion read and is applied', async () => {
      const original = await read('settings');
      const rv = original.metadata.resourceVersion!;
      const ex = executor();
      const plan = ex.plan('edit', [target(original)], { edit: { original, edited: edit(original, 'blue') } });
      const [t] = plan.targets;
      expect(t.refused).toBeUndefined();
      expect(t.requests).toHaveLength(1);
      expect(t.requests[0]).toMatchObject({ method: 'PUT', path: path('settings') });
      expect((t.requests[0].body as KubeObject).metadata.resourceVersion).toBe(rv);
      const diff = t.notes.join('\n');
      expect(diff).toMatch(/^-\s+color: red$/m);
      expect(diff).toMatch(/^\+\s+color: blue$/m);
      expect(diff).not.toMatch(/^[-+]\s+size:/m);
      const [o] = await ex.execute(plan);
      expect(o.status).toBe('succeeded');
      expect(editConflict(o)).toBe(false);
      const after = await kubectlGet('settings');
      expect(after.data).toEqual({ color: 'blue', size: 'm' });
      expect(after.metadata.resourceVersion).not.toBe(rv);
      // no change: kubectl edit's words, nothing sent
      const same = await read('settings');
      expect(ex.plan('edit', [target(same)], { edit: { original: same, edited: same } }).targets[0].refused).toBe('Edit cancelled, no changes made.');
      const audit = await readFile(auditPath, 'utf8');
      expect(audit).toContain('settings');
    }, 120_000);

    it('changed between read and apply: 409, nothing of the edit written, a conflict; a re-edit on the current version applies', async () => {
      const original = await read('raced');
      // someone else changes it while the editor is open
      const other = await env.kubectl(['patch', '-n', ns, 'configmap/raced', '--type=merge', '-p', '{"data":{"size":"xl"}}']);
      expect(other.code, other.stderr).toBe(0);
      const ex = executor();
      const [o] = await ex.execute(ex.plan('edit', [target(original)], { edit: { original, edited: edit(original, 'green') } }));
      expect(o.status).toBe('failed');
      expect(o.requests.map((r) => r.status)).toEqual([409]);
      expect(o.message).toMatch(/has been modified|conflict/i);
      expect(editConflict(o)).toBe(true);
      expect((await kubectlGet('raced')).data).toEqual({ color: 'red', size: 'xl' });
      // the re-edit the TUI offers: read again, the same change on the current version
      const current = await read('raced');
      const [again] = await ex.execute(ex.plan('edit', [target(current)], { edit: { original: current, edited: edit(current, 'green') } }));
      expect(again.status).toBe('succeeded');
      expect((await kubectlGet('raced')).data).toEqual({ color: 'green', size: 'xl' });
    }, 120_000);
  });
}
