// Issue 20 case 3 on every backend (sim and the real control plane's real RBAC): what a user
// may not see is never reported as fine. `fleetdeck status` as a user denied one namespace, and
// as a user bound in one namespace only, exits 1 and says "unknown" with the reason; its JSON
// carries per-context coverage. The store serves a namespace the kubeconfig does not name
// (`:pods team-a`) from a reflector of that namespace even while an all-namespaces fallback
// watches only the kubeconfig's namespace.
import { describe, expect, it } from 'vitest';
import { createFleetStore } from '../../src/fleet/store.js';
import { coverageOf } from '../../src/model/coverage.js';
import type { StatusJson } from '../../src/model/fleet-summary.js';
import type { Fleet } from '../../src/fleet/store.js';
import { fleetOnBackend } from './helpers/backend-fleet.js';
import { backends, type BackendEnv } from './backends.js';
import { waitFor } from './helpers/sim.js';
import { runStatus } from '../helpers/sink.js';

const status = runStatus;

for (const backend of backends) {
  describe(`knowledge state on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let store: Fleet;
    fleetOnBackend(backend, (e, s) => {
      env = e;
      store = s;
    });

    it('status as a user denied one namespace: exit 1, "unknown" naming it, counts null, coverage in the JSON', async () => {
      const json = await status({ kubeconfig: env.kubeconfigPath, context: [env.adminContext, env.restrictedContext], output: 'json' });
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.out) as StatusJson;
      expect(doc.healthy).toBe(false);
      const admin = doc.contexts.find((c) => c.name === env.adminContext)!;
      const restricted = doc.contexts.find((c) => c.name === env.restrictedContext)!;
      expect(admin.coverage).toEqual({ complete: true, syncing: [], forbidden: [], failed: [] });
      expect(restricted.coverage?.complete).toBe(false);
      // the real plane has more namespaces the user is not bound in (kube-public, ...): all named
      expect(restricted.coverage?.forbidden.find((f) => f.startsWith('pods in '))?.split(/, | in /)).toContain(env.forbiddenNamespace);
      // a count over a set the user cannot see whole is unknown, not a number
      expect(restricted.pods).toBeNull();
      expect(restricted.workloads).toBeNull();
      expect(admin.pods).not.toBeNull();

      const table = await status({ kubeconfig: env.kubeconfigPath, context: [env.restrictedContext], output: 'table' });
      expect(table.code).toBe(1);
      expect(table.out).toMatch(new RegExp(`^UNKNOWN \\(1 context not fully seen\\)$`, 'm'));
      expect(table.out).toMatch(new RegExp(`^${env.restrictedContext}: .*pods.* forbidden in .*\\b${env.forbiddenNamespace}\\b`, 'm'));
      expect(table.out).toMatch(/^(unknown|unhealthy): /m);
      expect(table.out).toMatch(/unknown: /);
      expect(table.out).not.toMatch(/^healthy/m);
      const row = table.out.split('\n').find((l) => l.startsWith(`${env.restrictedContext} `))!;
      expect(row.split(/\s{2,}/)[5]).toBe('?');
    }, 120_000);

    it('status -n on a namespace the user may read whole: coverage complete, the exit code is the problems\' alone', async () => {
      const r = await status({ kubeconfig: env.kubeconfigPath, context: [env.restrictedContext], namespace: env.namespace, output: 'json' });
      const doc = JSON.parse(r.out) as StatusJson;
      const ctx = doc.contexts[0];
      expect(ctx.coverage).toEqual({ complete: true, syncing: [], forbidden: [], failed: [] });
      expect(ctx.pods).not.toBeNull();
      expect(r.code).toBe(doc.problems.filter((p) => p.severity !== 'suspended').length ? 1 : 0);
    }, 120_000);

    it('a user bound in one namespace only: status is unknown (nodes forbidden, pods outside it); `:pods team-a` shows its pods', async () => {
      const only = await env.namespaceOnlyUser();
      for (const name of ['cov-1', 'cov-2']) {
        const r = await env.kubectl(['run', name, '--image=registry.invalid/app:1', '--labels=app=coverage', '-n', only.namespace]);
        expect(r.code, r.stderr).toBe(0);
      }
      const r = await status({ kubeconfig: only.kubeconfigPath, context: [only.context], output: 'json' });
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.out) as StatusJson;
      const ctx = doc.contexts[0];
      expect(ctx.state).toBe('ready');
      expect(ctx.coverage?.complete).toBe(false);
      expect(ctx.coverage?.forbidden).toContain('nodes');
      expect(ctx.nodes).toBeNull();
      expect(ctx.pods).toBeNull();
      const table = await status({ kubeconfig: only.kubeconfigPath, context: [only.context], output: 'table' });
      expect(table.out).toMatch(/unknown: /);
      expect(table.out).not.toMatch(/^healthy/m);

      // the TUI's order: the Fleet/Problems watch (all namespaces, the fallback sees only the
      // kubeconfig's namespace) first, then `:pods team-a`
      const own = createFleetStore({ kubeconfig: only.kubeconfigPath, contexts: [only.context], frameMs: 20, graceMs: 200 });
      try {
        await own.settled();
        const all = own.watch({ contexts: [only.context], resource: 'pods' });
        await waitFor(() => own.reflectors().find((x) => x.context === only.context && x.resource === 'pods' && x.namespace === undefined)?.namespaces !== undefined, 'the all-namespaces pods list fell back', 20_000);
        const one = own.watch({ contexts: [only.context], resource: 'pods', namespace: only.namespace });
        await waitFor(() => own.list(only.context, 'pods', only.namespace).length === 2, `${only.namespace}'s two pods`, 20_000);
        const kubectl = await env.kubectl(['get', 'pods', '-n', only.namespace, '-l', 'app=coverage', '-o', 'name']);
        expect(own.list(only.context, 'pods', only.namespace).map((p) => `pod/${p.metadata.name}`).sort()).toEqual(kubectl.stdout.trim().split('\n').sort());
        const cov = coverageOf(
          [{ context: only.context, resource: 'pods', namespace: only.namespace }, { context: only.context, resource: 'pods' }, { context: only.context, resource: 'secrets', namespace: only.namespace }],
          own.reflectors(), own.contexts(),
        );
        expect(cov[0].state).toBe('synced');
        expect(cov[1].state).toBe('forbidden');
        // the fallback could only try the kubeconfig's namespace (403 too): never "all pods"
        expect(cov[1].onlyNamespaces ?? []).not.toContain(only.namespace);
        // nothing watches secrets: not loaded, never "none"
        expect(cov[2].state).toBe('syncing');
        one.close();
        all.close();
      } finally {
        await own.close();
        for (const name of ['cov-1', 'cov-2']) await env.kubectl(['delete', 'pod', name, '-n', only.namespace, '--wait=false', '--grace-period=0', '--force']);
      }
    }, 180_000);

    it('a kind forbidden in every namespace (secrets for the restricted user) is forbidden, not empty', async () => {
      const sub = store.watch({ contexts: [env.adminContext, env.restrictedContext], resource: 'secrets' });
      await waitFor(() => store.reflectors().some((r) => r.context === env.restrictedContext && r.resource === 'secrets' && r.phase === 'forbidden'), 'secrets forbidden', 20_000);
      await waitFor(() => store.reflectors().some((r) => r.context === env.adminContext && r.resource === 'secrets' && r.phase === 'synced'), 'admin secrets synced', 20_000);
      const cov = coverageOf([{ context: env.adminContext, resource: 'secrets' }, { context: env.restrictedContext, resource: 'secrets' }], store.reflectors(), store.contexts());
      expect(cov.map((c) => c.state)).toEqual(['synced', 'forbidden']);
      sub.close();
    }, 60_000);
  });
}
