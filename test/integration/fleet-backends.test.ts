// The fleet store and request executor on every selected backend (sim, real control plane):
// sync, discovery, writes seen through watches and equal to kubectl's view, a forbidden kind
// in the restricted context only, API errors with the server's Status.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/fleet/store.js';
import { columnsFor } from '../../src/model/columns.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { fleetOnBackend } from './helpers/backend-fleet.js';
import { backends, type BackendEnv } from './backends.js';
import { waitFor } from './helpers/sim.js';

for (const backend of backends) {
  describe(`fleet store on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let store: Fleet;
    const phase = (ctx: string, resource: string): string | undefined =>
      store.reflectors().find((r) => r.context === ctx && r.resource === resource)?.phase;

    fleetOnBackend(backend, (e, s) => {
      env = e;
      store = s;
    });

    it('warms and discovers both contexts', () => {
      for (const s of store.contexts()) {
        expect(s.state).toBe('ready');
        expect(s.serverVersion).toBe(env.serverVersion);
        expect(s.discovered).toBe(true);
      }
      expect(store.resolve(env.adminContext, 'po')?.kind).toBe('Pod');
      expect(store.resolve(env.adminContext, 'deploy')).toMatchObject({ group: 'apps', resource: 'deployments', namespaced: true });
      expect(store.resolve(env.adminContext, 'Deployment.apps')?.resource).toBe('deployments');
      expect(store.resolve(env.adminContext, 'no')).toMatchObject({ resource: 'nodes', namespaced: false });
      expect(store.resources(env.adminContext).some((r) => r.resource.includes('/'))).toBe(false);
    });

    it('sees writes through its watches, equal to what kubectl reads', async () => {
      const sub = store.watch({ contexts: [env.adminContext], resource: 'cm', namespace: env.namespace });
      await waitFor(() => phase(env.adminContext, 'configmaps') === 'synced', 'configmaps synced', 10_000);
      const names = Array.from({ length: 5 }, () => `fd-${randomBytes(3).toString('hex')}`);
      for (const n of names) expect((await env.kubectl(['create', 'configmap', n, '-n', env.namespace, `--from-literal=k=${n}`])).code).toBe(0);
      expect((await env.kubectl(['delete', 'configmap', names[0], '-n', env.namespace])).code).toBe(0);
      const read = async () => JSON.parse((await env.kubectl(['get', 'configmaps', '-n', env.namespace, '-o', 'json'])).stdout) as { items: { metadata: { name: string; uid: string; resourceVersion: string }; data?: unknown }[] };
      await waitFor(async () => {
        const truth = (await read()).items;
        const cache = store.list(env.adminContext, 'configmaps', env.namespace);
        if (truth.length !== cache.length) return false;
        const byName = new Map(cache.map((o) => [o.metadata.name, o]));
        return truth.every((t) => {
          const c = byName.get(t.metadata.name);
          return c?.metadata.uid === t.metadata.uid && c.metadata.resourceVersion === t.metadata.resourceVersion && JSON.stringify(c.data) === JSON.stringify(t.data);
        });
      }, 'cache equal to kubectl', 10_000);
      expect(store.get(env.adminContext, 'configmaps', env.namespace, names[1])?.data).toEqual({ k: names[1] });
      expect(store.get(env.adminContext, 'configmaps', env.namespace, names[0])).toBeUndefined();
      sub.close();
    });

    it('shows secrets forbidden for the restricted context only', async () => {
      const sub = store.watch({ contexts: [env.adminContext, env.restrictedContext], resource: 'secrets', namespace: env.namespace });
      await waitFor(() => phase(env.restrictedContext, 'secrets') === 'forbidden', 'restricted secrets forbidden', 10_000);
      await waitFor(() => phase(env.adminContext, 'secrets') === 'synced', 'admin secrets synced', 10_000);
      const st = Object.fromEntries(store.contexts().map((c) => [c.name, c]));
      expect(st[env.restrictedContext].forbidden).toEqual(['secrets']);
      expect(st[env.adminContext].forbidden).toBeUndefined();
      // Secret payloads never sit in the cache
      for (const s of store.list(env.adminContext, 'secrets', env.namespace)) expect(s.data).toBeUndefined();
      // issue 20 case 6: but their key count does, as kubectl's DATA column shows it
      const name = `fd-two-${randomBytes(3).toString('hex')}`;
      expect((await env.kubectl(['create', 'secret', 'generic', name, '-n', env.namespace, '--from-literal=username=u', '--from-literal=password=p'])).code).toBe(0);
      await waitFor(() => store.get(env.adminContext, 'secrets', env.namespace, name) !== undefined, 'secret seen', 10_000);
      const cached = store.get(env.adminContext, 'secrets', env.namespace, name)!;
      expect(cached.data).toBeUndefined();
      const kubectlData = (await env.kubectl(['get', 'secret', name, '-n', env.namespace, '--no-headers'])).stdout.trim().split(/\s+/)[2];
      expect(kubectlData).toBe('2');
      expect(columnsFor(store.resolve(env.adminContext, 'secrets')!).find((c) => c.id === 'data')!.value(cached, Date.now())).toBe(kubectlData);
      sub.close();
    });

    it('executes requests and reports API errors with the Status message', async () => {
      const ok = await store.request(env.adminContext, { path: `/api/v1/namespaces/${env.namespace}` });
      expect(ok.status).toBe(200);
      expect((ok.body as { metadata: { name: string } }).metadata.name).toBe(env.namespace);
      const missing = await store.request(env.adminContext, { path: `/api/v1/namespaces/${env.namespace}/configmaps/does-not-exist` }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(KubeApiError);
      expect(missing).toMatchObject({ code: 404, reason: 'NotFound' });
      expect((missing as KubeApiError).message).toMatch(/does-not-exist/);
      const denied = await store.request(env.restrictedContext, { path: `/api/v1/namespaces/${env.namespace}/secrets` }).catch((e: unknown) => e);
      expect(denied).toMatchObject({ code: 403, reason: 'Forbidden' });
      expect((denied as Error).message).toMatch(/secrets/);
      const name = `fd-${randomBytes(3).toString('hex')}`;
      const created = await store.request(env.adminContext, {
        method: 'POST',
        path: `/api/v1/namespaces/${env.namespace}/configmaps`,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } },
      });
      expect(created.status).toBe(201);
      const patched = await store.request(env.adminContext, {
        method: 'PATCH',
        path: `/api/v1/namespaces/${env.namespace}/configmaps/${name}`,
        body: { data: { a: '2' } },
        contentType: 'application/merge-patch+json',
      });
      expect((patched.body as { data: Record<string, string> }).data).toEqual({ a: '2' });
    });
  });
}
