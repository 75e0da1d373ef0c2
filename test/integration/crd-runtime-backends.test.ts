// A CustomResourceDefinition applied at runtime is served, under every served version, on
// every selected backend (kube-apiserver, and the sim as src/sim/crds.ts serves it): kubectl
// and client-node create, read, patch status and list its objects through both versions,
// discovery lists both, printer columns come from the CRD, and deleting the CRD stops serving it.
import { randomBytes } from 'node:crypto';
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  waitUntil(what, probe, { timeoutMs: 30_000, intervalMs: 100, retryErrors: true });

for (const backend of backends) {
  describe(`a CRD applied at runtime on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let custom: CustomObjectsApi;
    const id = randomBytes(3).toString('hex');
    const group = `fd${id}.example.com`;
    const plural = 'widgets';
    const ns = 'default';
    const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    const column = (name: string, jsonPath: string) => ({ name, type: 'string', jsonPath });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: [`wd${id}`], categories: ['fleetdeck-test'] },
        versions: [
          { name: 'v1', served: true, storage: true, schema, subresources: { status: {} }, additionalPrinterColumns: [column('Colour', '.spec.colour'), column('Phase', '.status.phase')] },
          { name: 'v1beta1', served: true, storage: false, schema, subresources: { status: {} }, additionalPrinterColumns: [column('Old Colour', '.spec.colour')] },
          { name: 'v1alpha1', served: false, storage: false, schema },
        ],
      },
    };

    beforeAll(async () => {
      env = await backend.setup();
      custom = env.kubeConfig(env.adminContext).makeApiClient(CustomObjectsApi);
      const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: stringify(crd) });
      if (r.code !== 0) throw new Error(r.stderr);
    }, 120_000);
    afterAll(async () => {
      if (env) await env.kubectl(['delete', 'crd', `${plural}.${group}`, '--ignore-not-found', '--wait=false']);
      await backend.teardown();
    });

    it('becomes Established and discovery lists both served versions, the storage one preferred', async () => {
      const w = await env.kubectl(['wait', '--for=condition=Established', '--timeout=30s', `crd/${plural}.${group}`]);
      expect(w.stderr).toBe('');
      expect(w.code).toBe(0);
      const g = JSON.parse((await env.kubectl(['get', '--raw', `/apis/${group}`])).stdout) as { versions: { version: string }[]; preferredVersion: { version: string } };
      expect(g.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
      expect(g.preferredVersion.version).toBe('v1');
      for (const v of ['v1', 'v1beta1']) {
        const list = JSON.parse((await env.kubectl(['get', '--raw', `/apis/${group}/${v}`])).stdout) as { resources: { name: string; kind: string; shortNames?: string[] }[] };
        expect(list.resources.map((r) => r.name).sort()).toEqual([plural, `${plural}/status`]);
        expect(list.resources.find((r) => r.name === plural)).toMatchObject({ kind: 'Widget', shortNames: [`wd${id}`] });
      }
      const alpha = await env.kubectl(['get', '--raw', `/apis/${group}/v1alpha1/namespaces/${ns}/${plural}`]);
      expect(alpha.code).not.toBe(0);
      expect(alpha.stderr).toMatch(/NotFound|not found/i);
    });

    it('serves objects through both versions: kubectl and client-node, status via /status, printer columns per version', async () => {
      await until('the v1beta1 resource served', async () => (await env.kubectl(['get', `${plural}.v1beta1.${group}`, '-n', ns])).code === 0);
      const created = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: stringify({ apiVersion: `${group}/v1beta1`, kind: 'Widget', metadata: { name: 'w1', namespace: ns }, spec: { colour: 'blue' } }) });
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const v1 = (await custom.getNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural, name: 'w1' })) as { apiVersion: string; spec: { colour: string } };
      expect(v1).toMatchObject({ apiVersion: `${group}/v1`, kind: 'Widget', spec: { colour: 'blue' } });
      const beta = (await custom.getNamespacedCustomObject({ group, version: 'v1beta1', namespace: ns, plural, name: 'w1' })) as { apiVersion: string };
      expect(beta.apiVersion).toBe(`${group}/v1beta1`);
      await custom.patchNamespacedCustomObjectStatus(
        { group, version: 'v1', namespace: ns, plural, name: 'w1', body: { status: { phase: 'Ready' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const list = (await custom.listNamespacedCustomObject({ group, version: 'v1beta1', namespace: ns, plural })) as { apiVersion: string; items: { metadata: { name: string }; status?: { phase?: string } }[] };
      expect(list.apiVersion).toBe(`${group}/v1beta1`);
      expect(list.items.map((i) => [i.metadata.name, i.status?.phase])).toEqual([['w1', 'Ready']]);
      const table = await env.kubectl(['get', `${plural}.v1.${group}`, '-n', ns]);
      // a CRD that names printer columns gets no Age column added
      expect(table.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'COLOUR', 'PHASE']);
      expect(table.stdout.split('\n')[1]).toMatch(/^w1\s+blue\s+Ready$/);
      const old = await env.kubectl(['get', `${plural}.v1beta1.${group}`, '-n', ns]);
      expect(old.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'OLD COLOUR']);
      const short = await env.kubectl(['get', `wd${id}`, '-n', ns, '-o', 'name']);
      expect(short.stdout.trim()).toBe(`widget.${group}/w1`);
    });

    it('stops serving the resource once the CRD is deleted', async () => {
      const d = await env.kubectl(['delete', 'crd', `${plural}.${group}`]);
      expect(d.code).toBe(0);
      const err = await until('the resource gone', async () => {
        try {
          await custom.listNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural });
          return false;
        } catch (e) {
          return e instanceof ApiException ? e : false;
        }
      });
      expect(err.code).toBe(404);
    });
  });
}
