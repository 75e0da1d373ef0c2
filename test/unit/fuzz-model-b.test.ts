// Random, truncated and mistyped objects through trees, rollout history, rollback planning
// and request builders: none of them may throw, and their answers keep their shapes.
import { describe, expect, it } from 'vitest';
import { templateDiff } from '../../src/model/diff.js';
import {
  deletePlan, fluxManaged, objectPath, reconcilePlan, restartPlan, resumePlan, scalePlan, suspendOwnerFirst, suspendPlan,
  type PathType,
} from '../../src/model/patches.js';
import { helmReleaseHistory, planRollback, rolloutHistory } from '../../src/model/rollout.js';
import { buildTree, flattenTree, indexFromObjects, kindsForTree, ownersOf, topOwner, treeToJson, treeToText, type ObjRef } from '../../src/model/tree.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { mulberry32 } from '../../src/model/prng.js';

const UIDS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
const KINDS = ['Deployment', 'ReplicaSet', 'Pod', 'StatefulSet', 'DaemonSet', 'ControllerRevision', 'Kustomization', 'HelmRelease', 'Job', 'CronJob', 'Cluster', '__proto__', 'constructor', ''];
const API: Record<string, string> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ControllerRevision: 'apps/v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1', HelmRelease: 'helm.toolkit.fluxcd.io/v2', Job: 'batch/v1', CronJob: 'batch/v1',
  Cluster: 'postgresql.cnpg.io/v1',
};

function baseObject(rnd: () => number, i: number): Record<string, unknown> {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const kind = pick(KINDS);
  const template = {
    metadata: { labels: { app: 'web', 'pod-template-hash': `h${i}` }, annotations: { a: 'b' } },
    spec: { containers: [{ name: 'c', image: `img:${Math.floor(rnd() * 4)}` }], initContainers: [{ name: 'i', image: 'init:1' }] },
  };
  return {
    apiVersion: Object.hasOwn(API, kind) ? API[kind] : 'v1',
    kind,
    metadata: {
      name: `obj-${i}`,
      namespace: pick(['shop', 'flux-system', '', 'other']),
      uid: pick(UIDS),
      creationTimestamp: pick(['2025-03-01T10:00:00Z', 'not a time', '']),
      labels: {
        app: 'web',
        'helm.toolkit.fluxcd.io/name': 'obj-1', 'helm.toolkit.fluxcd.io/namespace': 'shop',
        'kustomize.toolkit.fluxcd.io/name': 'obj-2', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        'controller-revision-hash': `obj-${i}`,
      },
      annotations: { 'deployment.kubernetes.io/revision': pick(['1', '2', '3', 'x', '-1', '+4', '']), 'kubernetes.io/change-cause': 'c' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: pick(KINDS), name: 'o', uid: pick(UIDS), controller: rnd() < 0.7 },
        { apiVersion: 'v1', kind: 'X', name: 'y', uid: pick(UIDS) },
      ],
      finalizers: ['a', 'b'],
    },
    spec: {
      paused: rnd() < 0.2,
      suspend: rnd() < 0.2,
      replicas: 3,
      selector: pick([{ matchLabels: { app: 'web' } }, { matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, {}, 'nope']),
      template,
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      chart: { spec: { sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      dependsOn: [{ name: 'infra' }, { namespace: 'x' }, 7],
    },
    status: {
      inventory: { entries: [{ id: 'shop_obj-3_apps_Deployment' }, { id: 'shop_obj-4__Pod' }, { id: 'garbage' }, { id: 7 }, 'x'] },
      history: [{ version: 2, status: 'deployed', chartName: 'c', chartVersion: '1' }, null],
      updateRevision: `obj-${Math.floor(rnd() * 8)}`,
      replicas: 2,
      conditions: [{ type: 'Ready', status: pick(['True', 'False', 'Unknown']) }, 'junk'],
    },
    data: { spec: { template: { ...template, $patch: 'replace' } } },
    revision: pick([1, 2, 3, '4', null]),
  };
}

const JUNK: unknown[] = [null, undefined, 0, -1, 1.5, NaN, '', 'str', true, [], [1, 'a', null], {}, { x: { y: [] } }];

/** Replaces nodes with junk, drops keys and truncates arrays, each at `rate` per node. */
function mutate(rnd: () => number, o: unknown, rate: number, depth = 0): unknown {
  if (rnd() < rate) return JUNK[Math.floor(rnd() * JUNK.length)];
  if (Array.isArray(o)) {
    const cut = rnd() < rate * 2 ? o.slice(0, Math.floor(rnd() * (o.length + 1))) : o;
    return cut.map((v) => mutate(rnd, v, rate, depth + 1));
  }
  if (typeof o === 'object' && o !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (rnd() < rate) continue;
      out[k] = depth > 8 ? v : mutate(rnd, v, rate, depth + 1);
    }
    return out;
  }
  return o;
}

/** A workload and its ReplicaSets or ControllerRevisions, well-formed before mutation. */
function family(rnd: () => number): Record<string, unknown>[] {
  const kind = ['Deployment', 'StatefulSet', 'DaemonSet'][Math.floor(rnd() * 3)];
  const tmpl = (n: number) => ({ metadata: { labels: { app: 'fam' } }, spec: { containers: [{ name: 'c', image: `fam:${n}` }] } });
  const current = Math.floor(rnd() * 4);
  const workload = {
    apiVersion: 'apps/v1', kind,
    metadata: { name: 'fam', namespace: 'shop', uid: 'fam-uid', annotations: { 'deployment.kubernetes.io/revision': '4' } },
    spec: { selector: { matchLabels: { app: 'fam' } }, template: tmpl(current), ...(rnd() < 0.2 ? { paused: true } : {}) },
  };
  const owner = [{ apiVersion: 'apps/v1', kind, name: 'fam', uid: 'fam-uid', controller: true }];
  const related = [0, 1, 2, 3].map((n) => kind === 'Deployment'
    ? {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `fam-${n}`, namespace: 'shop', uid: `fam-rs-${n}`, labels: { app: 'fam', 'pod-template-hash': `x${n}` }, annotations: { 'deployment.kubernetes.io/revision': String(n + 1) }, ownerReferences: owner },
      spec: { template: { ...tmpl(n), metadata: { labels: { app: 'fam', 'pod-template-hash': `x${n}` } } } },
    }
    : {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: { name: `fam-${n}`, namespace: 'shop', uid: `fam-cr-${n}`, labels: { app: 'fam' }, ownerReferences: owner },
      data: { spec: { template: { ...tmpl(n), $patch: 'replace' } } },
      revision: n + 1,
    });
  return [workload, ...related];
}

const RTS: ResourceType[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', namespaced: true, verbs: ['list', 'watch'], shortNames: [], categories: [] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singular: 'deployment', namespaced: true, verbs: ['list', 'watch'], shortNames: [], categories: [] },
];
const PATH: PathType = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };

describe('fuzz: model B never throws', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i', (seed) => {
    const rnd = mulberry32(seed);
    // the fuzz must also reach the paths that produce results, not only the refusals
    const reached = { rollbackOk: 0, rollbackRefused: 0, treeWithChildren: 0, history: 0 };
    for (let round = 0; round < 30; round++) {
      const rate = [0.01, 0.04, 0.1][round % 3];
      const objs = [
        ...family(rnd),
        ...Array.from({ length: 3 + Math.floor(rnd() * 8) }, (_, i) => baseObject(rnd, i)),
      ].map((o) => mutate(rnd, o, rate) as KubeObject);
      const refs: ObjRef[] = objs.map((object) => ({ resource: typeof object?.kind === 'string' ? object.kind.toLowerCase() : 'junk', object }));
      const index = indexFromObjects(refs);
      for (const r of refs) {
        const stub = buildTree(r, index, { healthOf: () => ({ status: rnd() < 0.3 ? 'Failed' : 'Current' }), groupThreshold: 1 });
        const real = buildTree(r, index, { expanded: new Set([`${stub.id}/group:Pod`]) });
        if (real.children.length) reached.treeWithChildren++;
        for (const t of [stub, real]) {
          const rows = flattenTree(t, new Set([t.id]));
          expect(rows.length).toBeGreaterThanOrEqual(1);
          expect(typeof treeToText(t)).toBe('string');
          expect(JSON.parse(JSON.stringify(treeToJson(t))).id).toBe(t.id);
        }
        expect(topOwner(r, index)).toBeDefined();
        expect(Array.isArray(ownersOf(r, index))).toBe(true);
        const o = r.object;
        reached.history += rolloutHistory(o, { related: objs, pods: objs, now: 0 }).length;
        for (const toRevision of [0, 1, 2, 3, -1, 1.5]) {
          const p = planRollback(o, objs, { toRevision });
          expect(typeof p.ok).toBe('boolean');
          expect(p.ok ? typeof p.summary : typeof p.error).toBe('string');
          if (p.ok) reached.rollbackOk++;
          else reached.rollbackRefused++;
        }
        expect(Array.isArray(helmReleaseHistory(o))).toBe(true);
        const now = new Date(0);
        const plans = [
          restartPlan(o, now), restartPlan(o, now, { offsetMinutes: 90 }), scalePlan(o, PATH, 2), deletePlan(o, PATH, 'Foreground'),
          suspendPlan(o, PATH), resumePlan(o, PATH), reconcilePlan(o, PATH, 't', { force: true, reset: true }),
          suspendOwnerFirst(scalePlan(o, PATH, 1), o, PATH),
        ];
        for (const p of plans) {
          expect(typeof p.ok).toBe('boolean');
          if (p.ok) for (const req of p.requests) expect(req.path.startsWith('/api')).toBe(true);
        }
        fluxManaged(o);
        objectPath(PATH, undefined, '');
      }
      expect(Array.isArray(kindsForTree(RTS, objs))).toBe(true);
      expect(typeof templateDiff(objs[0], objs[1])).toBe('string');
    }
    for (const n of Object.values(reached)) expect(n).toBeGreaterThan(0);
  });
});
