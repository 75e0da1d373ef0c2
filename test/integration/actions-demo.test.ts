// The Flux actions on the demo fleet (dev, staging, prod-eu) through the real cluster door:
// reconcile with source walks HelmRepository → HelmChart → HelmRelease and each handles the
// token; a bulk suspend spans two contexts; prod-eu is protected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, type Executor } from '../../src/actions/executor.js';
import type { Lookup, Target } from '../../src/actions/types.js';
import { ContextClient, request } from '../../src/kube/client.js';
import { discover } from '../../src/kube/discovery.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { condition, str } from '../../src/model/access.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { createScenario } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';

const KS = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations';
const HR = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/checkout/helmreleases/podinfo';
const SRC = '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system';

let fleet: SimFleet;
const clients = new Map<string, ContextClient>();
const discovered = new Map<string, ResourceType[]>();
let executor: Executor;

const get = async (context: string, path: string) => (await request(clients.get(context)!, { method: 'GET', path })).body as KubeObject;

async function target(context: string, path: string, resource: string): Promise<Target> {
  const object = await get(context, path);
  return { context, resource, kind: object.kind ?? '', namespace: object.metadata.namespace, name: object.metadata.name, object };
}

beforeAll(async () => {
  fleet = await startSimFleet({ clusters: createScenario('demo') });
  const merged = loadKubeconfig({ kubeconfig: fleet.kubeconfigPath });
  for (const c of fleet.contexts) {
    const client = new ContextClient(contextConfig(merged, c.name));
    clients.set(c.name, client);
    discovered.set(c.name, await discover(client));
  }
  const lookup: Lookup = { resources: (context) => discovered.get(context) ?? [], get: () => undefined, list: () => [] };
  executor = createExecutor({
    send: (context, req) => request(clients.get(context)!, req),
    read: get,
    readonly: false,
    lookup,
    followTimeoutMs: 20_000,
    pollIntervalMs: 100,
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await fleet?.stop();
});

describe('Flux actions on the demo fleet', () => {
  it('reconcile --with-source on a HelmRelease: repository, chart, release each handle the token; Ready reported', async () => {
    const hr = await target('dev', HR, 'helmreleases.helm.toolkit.fluxcd.io');
    const plan = executor.plan('reconcile', [hr], { withSource: true });
    const paths = plan.targets[0].requests.map((r) => r.path);
    expect(paths).toEqual([`${SRC}/helmrepositories/podinfo`, `${SRC}/helmcharts/checkout-podinfo`, HR]);
    const token = plan.targets[0].requests[0].wait?.token ?? '';
    const [o] = await executor.execute(plan);
    for (const p of paths) expect(str(await get('dev', p), 'status', 'lastHandledReconcileAt')).toBe(token);
    const ready = condition(await get('dev', HR), 'Ready');
    expect(o.status).toBe(ready?.status === 'True' ? 'succeeded' : 'failed');
    expect(o.message).toContain(ready?.message ?? '');
  });

  it('bulk suspend across dev and staging reports both; prod-eu needs the name typed', async () => {
    const ks = (c: string) => target(c, `${KS}/monitoring-stack`, 'kustomizations.kustomize.toolkit.fluxcd.io');
    const bulk = executor.plan('suspend', [await ks('dev'), await ks('staging')]);
    expect(bulk.protected).toBe(false);
    const outcomes = await executor.execute(bulk);
    expect(outcomes.map((o) => [o.target.context, o.status])).toEqual([
      ['dev', 'succeeded'],
      ['staging', 'succeeded'],
    ]);
    for (const c of ['dev', 'staging']) expect((await get(c, `${KS}/monitoring-stack`)).spec).toMatchObject({ suspend: true });

    const prod = executor.plan('suspend', [await ks('prod-eu')]);
    expect(prod).toMatchObject({ protected: true, confirmText: 'monitoring-stack' });
    expect((await executor.execute(prod, { typed: '1' }))[0].status).toBe('skipped');
    expect((await get('prod-eu', `${KS}/monitoring-stack`)).spec).not.toHaveProperty('suspend', true);
    expect((await executor.execute(prod, { typed: 'monitoring-stack' }))[0].status).toBe('succeeded');
    expect((await get('prod-eu', `${KS}/monitoring-stack`)).spec).toMatchObject({ suspend: true });
  });
});
