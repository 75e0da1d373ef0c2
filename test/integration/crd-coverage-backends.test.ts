// Issue 20: a CR of an operator fleetdeck has no rule for, with Ready=False, appears in Problems
// and `status` (the kind registry's generic entry). Which custom kinds are watched comes from
// discovery: every kind of a group outside Kubernetes' own whose CRD declares the status
// subresource (statusBearingCustom in src/model/kinds.ts). On every backend a brand-new CRD of
// a made-up group is applied at runtime, a CR created, Ready=False written through /status
// (kubectl patch --subresource=status): `status` names it with its reason and exits 1, and a
// Problems view opened BEFORE the CRD existed (a real store) picks the new kind up and lists it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import type { StatusJson } from '../../src/model/fleet-summary.js';
import type { AppContext } from '../../src/ui/view.js';
import { ProblemsView } from '../../src/ui/views/problems.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';
import { runStatus } from '../helpers/sink.js';

const status = runStatus;

for (const backend of backends) {
  describe(`an operator's CR with no rule of its own on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let store: Fleet;
    const id = randomBytes(3).toString('hex');
    const group = `fd${id}.example.fd`;
    const ns = `widgets-${id}`;
    const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    const crd = (plural: string, kind: string, status: boolean) => ({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${group}` },
      spec: { group, scope: 'Namespaced', names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` }, versions: [{ name: 'v1', served: true, storage: true, schema, ...(status ? { subresources: { status: {} } } : {}) }] },
    });

    beforeAll(async () => {
      env = await backend.setup();
      store = createFleetStore({ kubeconfig: env.kubeconfigPath, contexts: [env.adminContext], frameMs: 20, graceMs: 200 });
      await store.settled();
      expect((await env.kubectl(['create', 'namespace', ns])).stderr).toBe('');
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      if (env) {
        await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
        // waited for: a later file's restricted user has no grant on these kinds
        await env.kubectl(['delete', 'crd', `widgets.${group}`, `settings.${group}`]);
      }
      await backend.teardown();
    });

    it('applied at runtime, Ready=False through /status: `status` names it with its reason and exits 1; the open Problems view lists it', async () => {
      const app = {
        act: () => undefined, openTree: () => false, outcomes: () => [], store,
        theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
        contexts: () => [env.adminContext], namespace: () => ns, setContexts: () => undefined, setNamespace: () => undefined,
        push: () => undefined, pop: () => undefined, message: () => undefined, render: () => undefined, now: () => Date.now(), command: () => undefined,
      } as unknown as AppContext;
      const view = new ProblemsView(app);
      const off = store.onChange((b) => view.onChange(b));
      try {
        // Widgets declare the status subresource; Settings (configuration, no status) do not and are not watched
        const applied = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: `${stringify(crd('widgets', 'Widget', true))}---\n${stringify(crd('settings', 'Setting', false))}` });
        expect(applied.code, applied.stderr).toBe(0);
        await waitUntil('the CRDs established', async () => (await env.kubectl(['get', `widgets.${group}`, '-n', ns])).code === 0 && (await env.kubectl(['get', `settings.${group}`, '-n', ns])).code === 0, { timeoutMs: 60_000, intervalMs: 200 });
        const cr = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'gearbox', namespace: ns }, spec: { teeth: 12 } };
        expect((await env.kubectl(['create', '--validate=false', '-f', '-'], { input: stringify(cr) })).stderr).toBe('');
        const t = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const st = { conditions: [{ type: 'Ready', status: 'False', reason: 'GearSlipped', message: 'the gear slipped off its shaft', lastTransitionTime: t }] };
        const patched = await env.kubectl(['patch', '-n', ns, `widgets.${group}/gearbox`, '--type=merge', '--subresource=status', '-p', JSON.stringify({ status: st })]);
        expect(patched.code, patched.stderr).toBe(0);
        const setting = { apiVersion: `${group}/v1`, kind: 'Setting', metadata: { name: 'knob', namespace: ns }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Ignored' }] } };
        expect((await env.kubectl(['create', '--validate=false', '-f', '-'], { input: stringify(setting) })).stderr).toBe('');

        const r = await status({ kubeconfig: env.kubeconfigPath, context: [env.adminContext], namespace: ns, output: 'json' });
        expect(r.code).toBe(1);
        const doc = JSON.parse(r.out) as StatusJson;
        const widget = doc.problems.find((p) => p.kind === 'Widget');
        expect(widget, r.out).toMatchObject({ name: 'gearbox', namespace: ns, status: 'Failed', severity: 'failed' });
        expect(widget!.reason).toMatch(/GearSlipped.*the gear slipped off its shaft/);
        // counted among the context's custom resources
        expect(doc.contexts[0].crs).toMatchObject({ unhealthy: 1 });
        expect(doc.problems.find((p) => p.kind === 'Setting')).toBeUndefined();
        const table = await status({ kubeconfig: env.kubeconfigPath, context: [env.adminContext], namespace: ns, output: 'table' });
        expect(table.out).toMatch(new RegExp(`^failed\\s+${env.adminContext}\\s+Widget\\s+${ns}\\s+gearbox\\s+Failed\\s+\\S+\\s+.*GearSlipped`, 'm'));

        // the view was opened before the kind existed: discovery brings it, the watcher adds it
        await waitUntil('the Problems view lists the Widget', async () => view.allRows().some((x) => x.problem.kind === 'Widget' && x.problem.name === 'gearbox') || undefined, { timeoutMs: 60_000, intervalMs: 200 });
        const row = view.allRows().find((x) => x.problem.kind === 'Widget')!;
        expect(row.problem.verdict.status).toBe('Failed');
        expect(row.problem.verdict.reason).toMatch(/GearSlipped/);
      } finally {
        off();
        view.close();
      }
    }, 180_000);
  });
}
