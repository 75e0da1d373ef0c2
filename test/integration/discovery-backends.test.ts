// Issue 20, case 4: a kind served only at a non-preferred version of its API group (a Flux
// OCIRepository at source.toolkit.fluxcd.io/v1beta2 while the group prefers v1) must be
// discovered, listed and watched like any other. Two CRDs of one group, created through
// the API on each backend: Widget at v1 (so the group prefers v1) and Gadget at v1beta1 only.
// And issue 22: aggregated discovery (two documents) gives exactly what the per-group-version
// requests give, and the disk cache is revalidated by ETag: 304 while nothing changed, the new
// document once a CRD appears.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextClient, type KubeRequest } from '../../src/kube/client.js';
import { discover, type DiscoveryStats } from '../../src/kube/discovery.js';
import { diskDiscoveryCache } from '../../src/kube/discovery-cache.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import type { ResourceType } from '../../src/model/types.js';
import { capabilitiesOf } from '../../src/model/kinds.js';
import type { Fleet } from '../../src/fleet/store.js';
import { fleetOnBackend } from './helpers/backend-fleet.js';
import { backends, type BackendEnv } from './backends.js';
import { waitFor } from './helpers/sim.js';

const GROUP = 'case4.fleetdeck.test';

function crd(plural: string, kind: string, version: string): string {
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP, scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [{
        name: version, served: true, storage: true, subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      }],
    },
  });
}

/** A discovery result in a comparable form: one line per kind, sorted. */
function shape(types: ResourceType[]): string[] {
  return types
    .map((t) => [t.group, t.version, t.resource, t.kind, t.singular, t.namespaced, [...t.verbs].sort().join(','), [...t.shortNames].sort().join(','), [...t.categories].sort().join(','), [...(t.subresourceNames ?? [])].sort().join(',')].join(' '))
    .sort();
}

for (const backend of backends) {
  describe(`discovery over every served version on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let store: Fleet;
    fleetOnBackend(backend, (e, s) => {
      env = e;
      store = s;
    });
    // CRDs stay on the shared control plane otherwise: a later file's restricted user (no grant
    // on these kinds) would rightly find its namespace not readable whole (seen in test:cluster)
    afterAll(async () => {
      if (env) await env.kubectl(['delete', 'crd', `widgets.${GROUP}`, `gadgets.${GROUP}`, '--ignore-not-found']);
    });

    it('finds a kind served only at a non-preferred version, and lists and watches it there', async () => {
      for (const [plural, kind, version] of [['widgets', 'Widget', 'v1'], ['gadgets', 'Gadget', 'v1beta1']]) {
        const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: crd(plural, kind, version) });
        expect(r.code, r.stderr).toBe(0);
      }
      // the situation: the group prefers v1, and v1 does not serve gadgets
      await waitFor(async () => (await env.kubectl(['get', '--raw', `/apis/${GROUP}/v1beta1`])).code === 0, 'v1beta1 served', 30_000);
      const group = JSON.parse((await env.kubectl(['get', '--raw', `/apis/${GROUP}`])).stdout) as { preferredVersion: { version: string } };
      expect(group.preferredVersion.version).toBe('v1');
      const v1 = JSON.parse((await env.kubectl(['get', '--raw', `/apis/${GROUP}/v1`])).stdout) as { resources: { name: string }[] };
      expect(v1.resources.map((r) => r.name)).not.toContain('gadgets');

      const obj = { apiVersion: `${GROUP}/v1beta1`, kind: 'Gadget', metadata: { name: 'g1', namespace: env.namespace }, spec: { size: 3 } };
      const made = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: JSON.stringify(obj) });
      expect(made.code, made.stderr).toBe(0);

      // the store rediscovers when CRDs change: both kinds, each at the version serving it
      await waitFor(() => store.resolve(env.adminContext, 'gadgets') !== undefined, 'gadgets discovered', 30_000);
      expect(store.resolve(env.adminContext, 'gadgets')).toMatchObject({ group: GROUP, version: 'v1beta1', kind: 'Gadget' });
      expect(store.resolve(env.adminContext, 'widgets')).toMatchObject({ group: GROUP, version: 'v1' });
      const sub = store.watch({ contexts: [env.adminContext], resource: `gadgets.${GROUP}` });
      await waitFor(() => store.get(env.adminContext, `gadgets.${GROUP}`, env.namespace, 'g1') !== undefined, 'gadget listed', 15_000);
      expect(store.reflectors().find((r) => r.context === env.adminContext && r.resource === `gadgets.${GROUP}`)?.phase).toBe('synced');
      sub.close();
    }, 90_000);

    it("a CR whose CRD serves /scale can be scaled: discovery's subresources reach the command table (issue 15)", async () => {
      await waitFor(() => store.resolve(env.adminContext, 'clusters.postgresql.cnpg.io') !== undefined, 'the CNPG Cluster kind', 30_000);
      const served = store.resources(env.adminContext);
      const cnpg = store.resolve(env.adminContext, 'clusters.postgresql.cnpg.io')!;
      expect(cnpg.subresourceNames).toContain('scale');
      expect(capabilitiesOf(cnpg, served).has('scale')).toBe(true);
      expect(capabilitiesOf(store.resolve(env.adminContext, 'deployments')!, served).has('scale')).toBe(true);
      // a kind without /scale (Certificates serve /status only) is not offered scale
      expect(capabilitiesOf(store.resolve(env.adminContext, 'certificates.cert-manager.io')!, served).has('scale')).toBe(false);
    }, 60_000);

    it('aggregated discovery equals the per-group-version requests; the disk cache answers 304 until a CRD changes', async () => {
      const client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext));
      // the same client made to ask for the plain documents only (an older server's answers)
      const plain = new Proxy(client, {
        get: (target, prop, recv) => (prop === 'request' ? (req: KubeRequest) => target.request({ ...req, accept: 'application/json' }) : Reflect.get(target, prop, recv)),
      });
      const dir = await mkdtemp(join(tmpdir(), 'fleetdeck-discovery-'));
      try {
        const cache = diskDiscoveryCache(dir);
        const first: DiscoveryStats = { mode: 'legacy', requests: 0, notModified: 0 };
        const aggregated = await discover(client, { cache, server: client.server, stats: first });
        expect(first).toEqual({ mode: 'aggregated', requests: 2, notModified: 0 });
        const legacyStats: DiscoveryStats = { mode: 'aggregated', requests: 0, notModified: 0 };
        const legacy = await discover(plain, { stats: legacyStats });
        expect(legacyStats.mode).toBe('legacy');
        expect(legacyStats.requests).toBeGreaterThan(10);
        expect(shape(aggregated)).toEqual(shape(legacy));
        expect(aggregated.find((t) => t.resource === 'deployments' && t.group === 'apps')).toMatchObject({ version: 'v1', namespaced: true, subresourceNames: expect.arrayContaining(['scale', 'status']) });

        const again: DiscoveryStats = { mode: 'legacy', requests: 0, notModified: 0 };
        expect(shape(await discover(client, { cache, server: client.server, stats: again }))).toEqual(shape(aggregated));
        expect(again).toEqual({ mode: 'aggregated', requests: 2, notModified: 2 });

        // a new kind: /apis changes (a new ETag), /api does not
        const group = `etag${Date.now()}.fleetdeck.test`;
        const def = JSON.parse(crd('sprockets', 'Sprocket', 'v1').replaceAll(GROUP, group)) as Record<string, unknown>;
        const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: JSON.stringify(def) });
        expect(r.code, r.stderr).toBe(0);
        const after = await waitFor(async () => {
          const stats: DiscoveryStats = { mode: 'legacy', requests: 0, notModified: 0 };
          const types = await discover(client, { cache, server: client.server, stats });
          return types.some((t) => t.group === group && t.resource === 'sprockets') && stats;
        }, 'the new kind through the cache', 30_000);
        expect(after.notModified).toBe(1);
        const cached: DiscoveryStats = { mode: 'legacy', requests: 0, notModified: 0 };
        expect((await discover(client, { cache, server: client.server, stats: cached })).some((t) => t.group === group)).toBe(true);
        expect(cached.notModified).toBe(2);
        await env.kubectl(['delete', 'crd', `sprockets.${group}`]); // waited for: see afterAll
      } finally {
        await rm(dir, { recursive: true, force: true });
        await client.close();
      }
    }, 90_000);
  });
}
