// Issue 20, case 4: a kind served only at a non-preferred version of its API group (a Flux
// OCIRepository at source.toolkit.fluxcd.io/v1beta2 while the group prefers v1) must be
// discovered, listed and watched like any other. Two CRDs of one group, created through
// the API on each backend: Widget at v1 (so the group prefers v1) and Gadget at v1beta1 only.
import { describe, expect, it } from 'vitest';
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

for (const backend of backends) {
  describe(`discovery over every served version on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let store: Fleet;
    fleetOnBackend(backend, (e, s) => {
      env = e;
      store = s;
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
  });
}
