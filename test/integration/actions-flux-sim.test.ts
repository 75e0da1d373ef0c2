// The Flux actions end to end: the executor sends through the real cluster door (src/kube)
// over HTTPS to the simulated fleet, whose Flux controllers handle the requests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/actions/audit.js';
import { createExecutor, type Executor } from '../../src/actions/executor.js';
import type { Lookup, Target } from '../../src/actions/types.js';
import { ContextClient, request } from '../../src/kube/client.js';
import { discover } from '../../src/kube/discovery.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { condition, str } from '../../src/model/access.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { buildCluster } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { waitFor } from './helpers/sim.js';

const CONTEXTS = ['dev-1', 'prod-eu'];
const REPO = 'https://git.example.com/fleet.git';
const KS = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations';
const GIT = '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories';

let fleet: SimFleet;
let dir: string;
let auditPath: string;
const clients = new Map<string, ContextClient>();
const discovered = new Map<string, ResourceType[]>();
let executor: Executor;

const get = async (context: string, path: string) => (await request(clients.get(context)!, { method: 'GET', path })).body as KubeObject;

function seed(name: string) {
  const cluster = buildCluster({
    name,
    flux: {
      git: {
        [REPO]: {
          branch: 'main',
          commit: 'c1',
          paths: {
            apps: { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data: { a: '1' } }] },
            infra: { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'infra-config', namespace: 'default' }, data: { b: '2' } }] },
          },
        },
      },
      charts: {},
    },
  });
  for (const ns of ['default', 'flux-system']) cluster.store.create('namespaces', { metadata: { name: ns } });
  cluster.store.create('gitrepositories.source.toolkit.fluxcd.io', {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: 'flux-system' },
    spec: { interval: '10m', url: REPO, ref: { branch: 'main' } },
  });
  for (const ks of ['apps', 'infra']) {
    cluster.store.create('kustomizations.kustomize.toolkit.fluxcd.io', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: ks, namespace: 'flux-system' },
      spec: { interval: '10m', path: `./${ks}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
    });
  }
  return cluster;
}

async function target(context: string, name: string): Promise<Target> {
  const object = await get(context, `${KS}/${name}`);
  return { context, resource: 'kustomizations.kustomize.toolkit.fluxcd.io', kind: 'Kustomization', namespace: 'flux-system', name, object };
}

beforeAll(async () => {
  fleet = await startSimFleet({ clusters: CONTEXTS.map(seed) });
  const merged = loadKubeconfig({ kubeconfig: fleet.kubeconfigPath });
  for (const name of CONTEXTS) {
    const client = new ContextClient(contextConfig(merged, name));
    clients.set(name, client);
    discovered.set(name, await discover(client));
  }
  dir = await mkdtemp(join(tmpdir(), 'fleetdeck-actions-'));
  auditPath = join(dir, 'fleetdeck', 'audit.log');
  const lookup: Lookup = {
    resources: (context) => discovered.get(context) ?? [],
    get: () => undefined,
    list: () => [],
  };
  executor = createExecutor({
    send: (context, req) => request(clients.get(context)!, req),
    read: get,
    readonly: false,
    lookup,
    audit: createAuditLog({ path: auditPath }),
    followTimeoutMs: 20_000,
    pollIntervalMs: 100,
  });
  for (const context of CONTEXTS) {
    await waitFor(async () => condition(await get(context, `${KS}/apps`), 'Ready')?.status === 'True', `${context} apps Ready`, 20_000);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await fleet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Flux actions against the simulated fleet', () => {
  it('suspends a Kustomization: spec.suspend is true on the server', async () => {
    const plan = executor.plan('suspend', [await target('dev-1', 'infra')]);
    expect(plan.protected).toBe(false);
    const [o] = await executor.execute(plan);
    expect(o).toMatchObject({ status: 'succeeded', message: 'suspended' });
    expect((await get('dev-1', `${KS}/infra`)).spec).toMatchObject({ suspend: true });
    // and reconcile on it is now refused, with resume-and-reconcile offered
    const again = executor.plan('reconcile', [await target('dev-1', 'infra')]);
    expect(again.targets[0]).toMatchObject({ alternative: 'resume-and-reconcile' });
  });

  it('reconciles another with its source: both handle the token, Ready reported', async () => {
    const plan = executor.plan('reconcile', [await target('dev-1', 'apps')], { withSource: true });
    const token = plan.targets[0].requests[0].wait?.token;
    expect(plan.targets[0].requests.map((r) => r.path)).toEqual([`${GIT}/fleet`, `${KS}/apps`]);
    const [o] = await executor.execute(plan);
    expect(o.status).toBe('succeeded');
    expect(o.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
    expect(str(await get('dev-1', `${GIT}/fleet`), 'status', 'lastHandledReconcileAt')).toBe(token);
    expect(str(await get('dev-1', `${KS}/apps`), 'status', 'lastHandledReconcileAt')).toBe(token);
  });

  it('a protected context refuses until the name is typed; a bulk suspend across two contexts reports both', async () => {
    const one = executor.plan('reconcile', [await target('prod-eu', 'apps')]);
    expect(one).toMatchObject({ protected: true, confirmText: 'apps' });
    expect((await executor.execute(one, { typed: 'yes' }))[0].status).toBe('skipped');
    expect(str(await get('prod-eu', `${KS}/apps`), 'metadata', 'annotations', 'reconcile.fluxcd.io/requestedAt')).toBeUndefined();

    const bulk = executor.plan('suspend', [await target('dev-1', 'apps'), await target('prod-eu', 'apps')]);
    expect(bulk.confirmText).toBe('2');
    const outcomes = await executor.execute(bulk, { typed: '2' });
    expect(outcomes.map((o) => [o.target.context, o.status])).toEqual([
      ['dev-1', 'succeeded'],
      ['prod-eu', 'succeeded'],
    ]);
    for (const c of CONTEXTS) expect((await get(c, `${KS}/apps`)).spec).toMatchObject({ suspend: true });
  });

  it('wrote one audit line per request sent, without the bearer token', async () => {
    const text = await readFile(auditPath, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { context: string; action: string; request: { method: string; path: string }; result: { status?: number } });
    // a bulk action's contexts run at once, so lines of different contexts are in the order
    // their answers came; within a context, in the order sent
    const of = (context: string) => lines.filter((l) => l.context === context).map((l) => [l.action, l.request.method, l.request.path, l.result.status]);
    expect(lines).toHaveLength(5);
    expect(of('dev-1')).toEqual([
      ['suspend', 'PATCH', `${KS}/infra`, 200],
      ['reconcile', 'PATCH', `${GIT}/fleet`, 200],
      ['reconcile', 'PATCH', `${KS}/apps`, 200],
      ['suspend', 'PATCH', `${KS}/apps`, 200],
    ]);
    expect(of('prod-eu')).toEqual([['suspend', 'PATCH', `${KS}/apps`, 200]]);
    for (const c of fleet.contexts) expect(text).not.toContain(c.cluster.token);
    expect(text).not.toMatch(/authorization|bearer/i);
  });
});
