import { describe, expect, it } from 'vitest';
import type { ReflectorStatus } from '../../src/fleet/types.js';
import { ObjectIndex } from '../../src/fleet/indexers.js';
import { indexFromStore } from '../../src/fleet/tree-index.js';
import { traceObject } from '../../src/model/trace.js';
import { matchLabels, type LabelSelector } from '../../src/model/selector.js';
import {
  buildTree,
  flattenTree,
  indexFromObjects,
  kindsForTree,
  ownersOf,
  topOwner,
  topOwners,
  treeToJson,
  treeToText,
  type NodeVerdict,
  type ObjRef,
  type TreeNode,
} from '../../src/model/tree.js';
import type { KubeObject, OwnerReference, ResourceType } from '../../src/model/types.js';

// Tree tests judge structure, not health rules: a stand-in verdict read from a test field.
const healthOf = (ref: ObjRef): NodeVerdict => {
  const f = (ref.object as { fake?: NodeVerdict }).fake;
  return f ?? { status: 'Current' };
};

const RES: Record<string, string> = {
  Deployment: 'deployments.apps',
  ReplicaSet: 'replicasets.apps',
  StatefulSet: 'statefulsets.apps',
  DaemonSet: 'daemonsets.apps',
  ControllerRevision: 'controllerrevisions.apps',
  Pod: 'pods',
  Service: 'services',
  ConfigMap: 'configmaps',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  Namespace: 'namespaces',
  CronJob: 'cronjobs.batch',
  Job: 'jobs.batch',
  Kustomization: 'kustomizations.kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helmreleases.helm.toolkit.fluxcd.io',
  HelmChart: 'helmcharts.source.toolkit.fluxcd.io',
  Cluster: 'clusters.postgresql.cnpg.io',
};
const API: Record<string, string> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ControllerRevision: 'apps/v1',
  Pod: 'v1', Service: 'v1', ConfigMap: 'v1', PersistentVolumeClaim: 'v1', Namespace: 'v1',
  CronJob: 'batch/v1', Job: 'batch/v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1', HelmRelease: 'helm.toolkit.fluxcd.io/v2',
  HelmChart: 'source.toolkit.fluxcd.io/v1', Cluster: 'postgresql.cnpg.io/v1',
};

function obj(kind: string, ns: string, name: string, extra: Partial<KubeObject> & { owner?: KubeObject | KubeObject[]; labels?: Record<string, string> } = {}): KubeObject {
  const { owner, labels, ...rest } = extra;
  const owners = owner === undefined ? [] : Array.isArray(owner) ? owner : [owner];
  const ownerReferences: OwnerReference[] = owners.map((o) => ({
    apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name, uid: o.metadata.uid ?? '', controller: true,
  }));
  return {
    apiVersion: API[kind],
    kind,
    ...rest,
    metadata: {
      name,
      ...(ns ? { namespace: ns } : {}),
      uid: `uid-${kind}-${ns}-${name}`,
      ...(labels ? { labels } : {}),
      ...(ownerReferences.length ? { ownerReferences } : {}),
    },
  };
}

const refs = (objs: KubeObject[]): ObjRef[] => objs.map((o) => ({ resource: RES[o.kind ?? ''] ?? 'unknown', object: o }));
const ref = (o: KubeObject): ObjRef => ({ resource: RES[o.kind ?? ''], object: o });
const failing = (reason: string): NodeVerdict => ({ status: 'Failed', reason, message: `${reason} happened` });

function shape(n: TreeNode): string[] {
  return flattenTree(n).map((r) => `${r.prefix}${r.label}`);
}

describe('owner trees', () => {
  const dep = obj('Deployment', 'shop', 'web');
  const rsOld = obj('ReplicaSet', 'shop', 'web-6d4cf56db6', { owner: dep });
  const rsNew = obj('ReplicaSet', 'shop', 'web-7f9b8c5d4', { owner: dep });
  const p1 = obj('Pod', 'shop', 'web-7f9b8c5d4-abcde', { owner: rsNew });
  const p2 = obj('Pod', 'shop', 'web-7f9b8c5d4-fghij', { owner: rsNew, fake: failing('CrashLoopBackOff') } as Partial<KubeObject>);
  const index = indexFromObjects(refs([dep, rsOld, rsNew, p1, p2]));

  it('Deployment → ReplicaSets → Pods, with drawing prefixes and rolled-up failure', () => {
    const t = buildTree(ref(dep), index, { healthOf });
    expect(shape(t)).toEqual([
      'Deployment/web',
      '├─ ReplicaSet/web-6d4cf56db6',
      '└─ ReplicaSet/web-7f9b8c5d4',
      '   ├─ Pod/web-7f9b8c5d4-abcde',
      '   └─ Pod/web-7f9b8c5d4-fghij',
    ]);
    expect(t.verdict.status).toBe('Current');
    expect(t.rolledUp).toMatchObject({ status: 'Failed', reason: 'CrashLoopBackOff', failing: 1 });
    expect(t.children[1].via).toBe('owner');
  });

  it('owners upward and the top owner from a pod', () => {
    expect(ownersOf(ref(p1), index).map((o) => o.ref?.object.metadata.name)).toEqual(['web-7f9b8c5d4']);
    expect(topOwner(ref(p1), index).object).toBe(dep);
  });

  it('lists the controller owner first', () => {
    const other = obj('ConfigMap', 'shop', 'cm');
    const pod = obj('Pod', 'shop', 'x');
    pod.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: other.metadata.uid ?? '' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsNew.metadata.name, uid: rsNew.metadata.uid ?? '', controller: true },
    ];
    const idx = indexFromObjects(refs([other, pod, rsNew, dep]));
    expect(ownersOf(ref(pod), idx).map((o) => o.reference.kind)).toEqual(['ReplicaSet', 'ConfigMap']);
    expect(topOwner(ref(pod), idx).object).toBe(dep);
  });

  it('collapsed nodes hide their children but keep the rolled-up state', () => {
    const t = buildTree(ref(dep), index, { healthOf });
    const rows = flattenTree(t, new Set([rsNew.metadata.uid ?? '']));
    expect(rows.map((r) => r.label)).toEqual(['Deployment/web', 'ReplicaSet/web-6d4cf56db6', 'ReplicaSet/web-7f9b8c5d4']);
    expect(rows[2]).toMatchObject({ hasChildren: true, open: false });
    expect(rows[2].node.rolledUp.status).toBe('Failed');
  });

  it('StatefulSet → Pods + ControllerRevisions, each with its PVC', () => {
    const sts = obj('StatefulSet', 'db', 'pg');
    const cr1 = obj('ControllerRevision', 'db', 'pg-5b9d7c6f8', { owner: sts });
    const pods = [0, 1].map((i) => obj('Pod', 'db', `pg-${i}`, { owner: sts }));
    const pvc = obj('PersistentVolumeClaim', 'db', 'data-pg-0', { owner: pods[0] });
    const t = buildTree(ref(sts), indexFromObjects(refs([sts, cr1, ...pods, pvc])), { healthOf });
    expect(shape(t)).toEqual([
      'StatefulSet/pg',
      '├─ ControllerRevision/pg-5b9d7c6f8',
      '├─ Pod/pg-0',
      '│  └─ PersistentVolumeClaim/data-pg-0',
      '└─ Pod/pg-1',
    ]);
  });

  it('CronJob → Job → Pod', () => {
    const cj = obj('CronJob', 'ops', 'backup');
    const job = obj('Job', 'ops', 'backup-2890', { owner: cj, fake: failing('BackoffLimitExceeded') } as Partial<KubeObject>);
    const pod = obj('Pod', 'ops', 'backup-2890-x1', { owner: job });
    const idx = indexFromObjects(refs([cj, job, pod]));
    const t = buildTree(ref(cj), idx, { healthOf });
    expect(shape(t)).toEqual(['CronJob/backup', '└─ Job/backup-2890', '   └─ Pod/backup-2890-x1']);
    expect(t.rolledUp).toMatchObject({ status: 'Failed', reason: 'BackoffLimitExceeded', failing: 1 });
    expect(topOwner(ref(pod), idx).object).toBe(cj);
  });

  it('an operator CR (CNPG Cluster) owning Pods and PVCs', () => {
    const cl = obj('Cluster', 'db', 'main', { fake: { status: 'InProgress', reason: 'Failing over' } } as Partial<KubeObject>);
    const kids = [
      obj('Pod', 'db', 'main-1', { owner: cl }),
      obj('Pod', 'db', 'main-2', { owner: cl, fake: { status: 'InProgress', reason: 'ContainersNotReady' } } as Partial<KubeObject>),
      obj('PersistentVolumeClaim', 'db', 'main-1', { owner: cl }),
      obj('PersistentVolumeClaim', 'db', 'main-2', { owner: cl }),
    ];
    const t = buildTree(ref(cl), indexFromObjects(refs([cl, ...kids])), { healthOf });
    expect(t.kind).toBe('Cluster');
    expect(t.children.map((c) => `${c.kind}/${c.name}`)).toEqual([
      'Pod/main-1', 'Pod/main-2', 'PersistentVolumeClaim/main-1', 'PersistentVolumeClaim/main-2',
    ]);
    expect(t.rolledUp.status).toBe('InProgress');
  });
});

describe('with the health model (default healthOf)', () => {
  it('pods below a ReplicaSet sharpen the Deployment\'s reason; the crash-looping pod is Failed', () => {
    const dep = obj('Deployment', 'shop', 'web', {
      metadata: { name: 'web', generation: 2 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }],
      },
    } as Partial<KubeObject>);
    dep.metadata = { ...dep.metadata, uid: 'uid-Deployment-shop-web' };
    const rs = obj('ReplicaSet', 'shop', 'web-1', { owner: dep });
    const crashing = obj('Pod', 'shop', 'web-1-a', {
      owner: rs,
      status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    } as Partial<KubeObject>);
    const fine = obj('Pod', 'shop', 'web-1-b', {
      owner: rs,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] },
    } as Partial<KubeObject>);
    const t = buildTree(ref(dep), indexFromObjects(refs([dep, rs, crashing, fine])));
    expect(t.verdict.status).toBe('Failed');
    expect(t.verdict.reason).toContain('CrashLoopBackOff');
    const pods = t.children[0].children;
    expect(pods.map((p) => p.verdict.status)).toEqual(['Failed', 'Current']);
    // the ReplicaSet, 1/2 ready with a crash-looping pod, is Failed too
    expect(t.children[0].verdict.status).toBe('Failed');
    expect(t.rolledUp.failing).toBe(2);
  });
});

describe('unsafe graphs', () => {
  it('a dangling owner reference: owners report it unresolved, the top owner stops below it', () => {
    const pod = obj('Pod', 'shop', 'orphan');
    pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'uid-gone', controller: true }];
    const idx = indexFromObjects(refs([pod]));
    const owners = ownersOf(ref(pod), idx);
    expect(owners).toHaveLength(1);
    expect(owners[0].ref).toBeUndefined();
    expect(owners[0].reference.name).toBe('gone');
    expect(topOwner(ref(pod), idx).object).toBe(pod);
    expect(shape(buildTree(ref(pod), idx, { healthOf }))).toEqual(['Pod/orphan']);
  });

  it('a cycle a → b → a terminates, the repeat marked', () => {
    const a = obj('ConfigMap', 'x', 'a');
    const b = obj('ConfigMap', 'x', 'b', { owner: a });
    a.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: b.metadata.uid ?? '', controller: true }];
    const idx = indexFromObjects(refs([a, b]));
    const t = buildTree(ref(a), idx, { healthOf });
    expect(shape(t)).toEqual(['ConfigMap/a', '└─ ConfigMap/b', '   └─ ConfigMap/a']);
    expect(t.children[0].children[0].repeat).toBe(true);
    expect(treeToText(t)).toContain('(shown above)');
    expect([a, b]).toContain(topOwner(ref(a), idx).object);
  });

  it('a cross-namespace child shows its namespace', () => {
    const ns = obj('Namespace', '', 'team');
    const cm = obj('ConfigMap', 'team', 'settings', { owner: ns });
    const t = buildTree(ref(ns), indexFromObjects(refs([ns, cm])), { healthOf });
    expect(shape(t)).toEqual(['Namespace/team', '└─ ConfigMap/team/settings']);
  });

  it('a ReplicaSet with 500 pods is one group node until expanded', () => {
    const rs = obj('ReplicaSet', 'big', 'fan');
    const pods = Array.from({ length: 500 }, (_, i) =>
      obj('Pod', 'big', `fan-${i}`, { owner: rs, ...(i % 200 === 7 ? { fake: failing('CrashLoopBackOff') } : {}) } as Partial<KubeObject>));
    const idx = indexFromObjects(refs([rs, ...pods]));
    const t = buildTree(ref(rs), idx, { healthOf });
    expect(t.children).toHaveLength(1);
    const g = t.children[0];
    expect(g.group).toEqual({ count: 500, kind: 'Pod', failing: 3 });
    expect(g.name).toBe('500 Pods (3 failing)');
    expect(t.rolledUp).toMatchObject({ status: 'Failed', failing: 3 });
    expect(flattenTree(t).map((r) => r.prefix + r.label)).toEqual(['ReplicaSet/fan', '└─ 500 Pods (3 failing)']);
    const open = buildTree(ref(rs), idx, { healthOf, expanded: new Set([g.id]) });
    expect(open.children).toHaveLength(500);
    expect(flattenTree(open)).toHaveLength(501);
  });
});

describe('Flux trees', () => {
  const ks = obj('Kustomization', 'flux-system', 'apps', {
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      dependsOn: [{ name: 'infra' }, { name: 'crds', namespace: 'kube-system' }],
    },
    status: {
      inventory: {
        entries: [
          { id: 'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' },
          { id: '_shop__Namespace', v: 'v1' },
          { id: 'shop_web__Service', v: 'v1' },
          { id: 'shop_web_apps_Deployment', v: 'v1' },
          { id: 'shop_web-config__ConfigMap', v: 'v1' },
          { id: 'shop_redis_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' },
        ],
      },
    },
    fake: failing('HealthCheckFailed'),
  } as Partial<KubeObject>);
  const ksLabels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
  const hrLabels = { 'helm.toolkit.fluxcd.io/name': 'redis', 'helm.toolkit.fluxcd.io/namespace': 'shop' };
  const nsObj = obj('Namespace', '', 'shop', { labels: ksLabels });
  const svc = obj('Service', 'shop', 'web', { labels: ksLabels });
  const dep = obj('Deployment', 'shop', 'web', { labels: ksLabels, fake: failing('ProgressDeadlineExceeded') } as Partial<KubeObject>);
  const rs = obj('ReplicaSet', 'shop', 'web-1', { owner: dep });
  const hr = obj('HelmRelease', 'shop', 'redis', {
    labels: ksLabels,
    spec: { chart: { spec: { chart: 'redis', sourceRef: { kind: 'HelmRepository', name: 'bitnami', namespace: 'flux-system' } } } },
  });
  const sts = obj('StatefulSet', 'shop', 'redis-master', { labels: hrLabels });
  const stsPod = obj('Pod', 'shop', 'redis-master-0', { owner: sts, labels: hrLabels });
  const hrSvc = obj('Service', 'shop', 'redis', { labels: hrLabels });
  const chart = obj('HelmChart', 'flux-system', 'shop-redis', { labels: hrLabels });
  const all = [ks, nsObj, svc, dep, rs, hr, sts, stsPod, hrSvc, chart];
  const index = indexFromObjects(refs(all));

  it('expands the inventory (itself skipped, missing shown), the nested HelmRelease by labels, and Flux info', () => {
    const t = buildTree(ref(ks), index, { healthOf });
    expect(shape(t)).toEqual([
      'Kustomization/apps',
      '├─ Namespace/shop',
      '├─ Service/shop/web',
      '├─ Deployment/shop/web',
      '│  └─ ReplicaSet/web-1',
      '├─ ConfigMap/shop/web-config',
      '└─ HelmRelease/shop/redis',
      '   ├─ StatefulSet/redis-master',
      '   │  └─ Pod/redis-master-0',
      '   ├─ Service/redis',
      '   └─ HelmChart/flux-system/shop-redis',
    ]);
    expect(t.info).toEqual({ source: 'GitRepository/flux-system/fleet', dependsOn: ['flux-system/infra', 'kube-system/crds'] });
    const missing = t.children[3];
    expect(missing.missing).toEqual({ namespace: 'shop', name: 'web-config', group: '', kind: 'ConfigMap' });
    expect(missing.verdict.status).toBe('NotFound');
    expect(t.children.map((c) => c.via)).toEqual(['inventory', 'inventory', 'inventory', 'inventory', 'inventory']);
    const hrNode = t.children[4];
    expect(hrNode.info).toEqual({ source: 'HelmRepository/flux-system/bitnami' });
    expect(hrNode.children.map((c) => c.via)).toEqual(['helm-label', 'helm-label', 'helm-label']);
    expect(t.rolledUp.status).toBe('Failed');
  });

  it('an inventory entry whose kind is not listed (yet, or forbidden) is Unknown, not NotFound', () => {
    const unlistedIndex = { ...index, unlisted: (group: string, kind: string) => (group === '' && kind === 'ConfigMap' ? 'forbidden to list' : undefined) };
    const t = buildTree(ref(ks), unlistedIndex, { healthOf });
    const entry = t.children[3];
    expect(entry.missing).toMatchObject({ kind: 'ConfigMap', name: 'web-config' });
    expect(entry.verdict).toMatchObject({ status: 'Unknown', reason: 'Forbidden' });
    expect(entry.verdict.message).toContain('its kind is forbidden to list');
    const syncing = buildTree(ref(ks), { ...index, unlisted: (g: string, k: string) => (g === '' && k === 'ConfigMap' ? 'not listed yet' : undefined) }, { healthOf });
    expect(syncing.children[3].verdict).toMatchObject({ status: 'Unknown', reason: 'NotListed' });
  });

  it('a HelmRelease with an inventory (Flux 2.8+) lists each object once', () => {
    const hr2 = { ...hr, status: { inventory: { entries: [{ id: 'shop_redis-master_apps_StatefulSet', v: 'v1' }, { id: 'shop_redis__Service', v: 'v1' }] } } };
    const idx = indexFromObjects(refs([hr2, sts, stsPod, hrSvc, chart]));
    const t = buildTree(ref(hr2), idx, { healthOf });
    expect(shape(t)).toEqual([
      'HelmRelease/redis',
      '├─ StatefulSet/redis-master',
      '│  └─ Pod/redis-master-0',
      '├─ Service/redis',
      '└─ HelmChart/flux-system/shop-redis',
    ]);
    expect(t.children.map((c) => c.via)).toEqual(['inventory', 'inventory', 'helm-label']);
  });

  it('the top owner of a Helm-managed pod is the Kustomization that applied its HelmRelease', () => {
    expect(topOwner(ref(stsPod), index).object).toBe(ks);
    expect(topOwner(ref(stsPod), index, { flux: false }).object).toBe(sts);
  });

  it('renders as text with health, reasons and Flux info', () => {
    const t = buildTree(ref(ks), index, { healthOf });
    const lines = treeToText(t).split('\n');
    expect(lines[0]).toBe('Kustomization/apps  Failed HealthCheckFailed: HealthCheckFailed happened  [source GitRepository/flux-system/fleet; dependsOn flux-system/infra,kube-system/crds]');
    expect(lines[3]).toBe('├─ Deployment/shop/web  Failed ProgressDeadlineExceeded: ProgressDeadlineExceeded happened');
    expect(lines[5]).toBe('├─ ConfigMap/shop/web-config  NotFound: ConfigMap shop/web-config is in the inventory but not in the cluster');
  });

  it('renders as JSON without object bodies', () => {
    const j = treeToJson(buildTree(ref(ks), index, { healthOf }));
    expect(j).toMatchObject({ kind: 'Kustomization', name: 'apps', status: 'Failed', reason: 'HealthCheckFailed', rolledUp: { status: 'Failed', failing: 1 } });
    expect(j.children[3]).toMatchObject({ kind: 'ConfigMap', missing: true, status: 'NotFound' });
    expect(JSON.stringify(j)).not.toContain('"spec"');
  });

  it('a health function that throws gives an Unknown node, not a crash', () => {
    const t = buildTree(ref(dep), index, { healthOf: () => { throw new Error('boom'); } });
    expect(t.verdict).toEqual({ status: 'Unknown', reason: 'HealthError', message: 'boom' });
  });
});

describe('kindsForTree', () => {
  const rt = (group: string, resource: string, kind: string, verbs = ['list', 'watch']): ResourceType => ({
    group, version: 'v1', resource, kind, singular: kind.toLowerCase(), namespaced: true, verbs, shortNames: [], categories: [],
  });
  const served = [
    rt('', 'pods', 'Pod'), rt('apps', 'replicasets', 'ReplicaSet'), rt('apps', 'controllerrevisions', 'ControllerRevision'),
    rt('batch', 'jobs', 'Job'), rt('', 'persistentvolumeclaims', 'PersistentVolumeClaim'), rt('', 'pods/log', 'Pod', ['get']),
    rt('apps', 'deployments', 'Deployment'), rt('', 'serviceaccounts', 'ServiceAccount'), rt('example.com', 'widgets', 'Widget'),
    rt('kustomize.toolkit.fluxcd.io', 'kustomizations', 'Kustomization'),
    rt('', 'secrets', 'Secret', ['get']),
  ];

  it('issue 20 case 5: every listable, watchable kind served (kubectl-tree lists them all), one version each, Events left out', () => {
    const withEvents = [...served, rt('', 'events', 'Event'), rt('events.k8s.io', 'events', 'Event'), rt('', 'namespaces', 'Namespace'), { ...rt('apps', 'deployments', 'Deployment'), version: 'v1beta2' }];
    expect(kindsForTree(withEvents).sort()).toEqual([
      'controllerrevisions.apps', 'deployments.apps', 'jobs.batch', 'kustomizations.kustomize.toolkit.fluxcd.io', 'namespaces',
      'persistentvolumeclaims', 'pods', 'replicasets.apps', 'serviceaccounts', 'widgets.example.com',
    ]);
  });
});

describe('issue 20 case 5: edges from every ownerReference', () => {
  const nonController = (o: KubeObject, owner: KubeObject): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, ownerReferences: [...(o.metadata.ownerReferences ?? []), { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name, uid: owner.metadata.uid ?? '' }] },
  });
  const cr = obj('Cluster', 'db', 'main');
  const sts = nonController(obj('StatefulSet', 'db', 'main', { owner: [] }), cr);
  const pod = nonController(obj('Pod', 'db', 'main-0', { owner: sts }), cr);
  const idx = indexFromObjects(refs([cr, sts, pod]));

  it('a pod with two owners has both as tops; each tree holds it, and the second owner\'s tree holds the StatefulSet it owns', () => {
    const lone = obj('Deployment', 'db', 'other');
    const lonePod = nonController(obj('Pod', 'db', 'other-1', { owner: lone }), cr);
    const idx2 = indexFromObjects(refs([cr, sts, pod, lone, lonePod]));
    expect(topOwners(ref(lonePod), idx2).map((t) => `${t.object.kind}/${t.object.metadata.name}`)).toEqual(['Deployment/other', 'Cluster/main']);
    const tree = buildTree(ref(cr), idx, { healthOf });
    expect(tree.children.map((c) => `${c.kind}/${c.name}`).sort()).toEqual(['Pod/main-0', 'StatefulSet/main']);
    expect(tree.children.find((c) => c.kind === 'StatefulSet')!.children.map((c) => `${c.kind}/${c.name}`)).toEqual(['Pod/main-0']);
  });

  it('a cluster-scoped owner of a cluster-scoped object (a Namespace owned by a CR)', () => {
    const owner: KubeObject = { apiVersion: 'tenancy.example.com/v1', kind: 'Tenant', metadata: { name: 't1', uid: 'uid-t1' } };
    const ns = nonController(obj('Namespace', '', 'team-a'), owner);
    const i = indexFromObjects([{ resource: 'tenants.tenancy.example.com', object: owner }, ...refs([ns])]);
    expect(buildTree({ resource: 'tenants.tenancy.example.com', object: owner }, i, { healthOf }).children.map((c) => `${c.kind}/${c.name}`)).toEqual(['Namespace/team-a']);
    expect(topOwners(ref(ns), i).map((t) => t.object.metadata.name)).toEqual(['t1']);
  });
});

describe('indexFromStore', () => {
  it('answers through the fleet store of one context: uid, owners, discovery-resolved finds and labels', () => {
    const rt = (group: string, resource: string, kind: string, namespaced = true): ResourceType => ({
      group, version: 'v1', resource, kind, singular: kind.toLowerCase(), namespaced, verbs: ['list', 'watch'], shortNames: [], categories: [],
    });
    const resources = [rt('', 'pods', 'Pod'), rt('apps', 'deployments', 'Deployment'), rt('', 'namespaces', 'Namespace', false), rt('helm.toolkit.fluxcd.io', 'helmreleases', 'HelmRelease')];
    const hr = obj('HelmRelease', 'shop', 'redis');
    const labels = { 'helm.toolkit.fluxcd.io/name': 'redis', 'helm.toolkit.fluxcd.io/namespace': 'shop' };
    const dep = obj('Deployment', 'shop', 'redis', { labels });
    const pod = obj('Pod', 'shop', 'redis-0', { owner: dep, labels });
    const ns = obj('Namespace', '', 'shop');
    const byKey: Record<string, KubeObject[]> = { pods: [pod], 'deployments.apps': [dep], namespaces: [ns], 'helmreleases.helm.toolkit.fluxcd.io': [hr] };
    const all = Object.entries(byKey).flatMap(([resource, os]) => os.map((object) => ({ context: 'c1', resource, object })));
    const store = {
      resources: (c: string) => (c === 'c1' ? resources : []),
      list: (c: string, r: string) => (c === 'c1' ? byKey[r] ?? [] : []),
      get: (c: string, r: string, n: string | undefined, name: string) =>
        (byKey[r] ?? []).find((o) => c === 'c1' && o.metadata.name === name && (o.metadata.namespace ?? undefined) === n),
      byUid: (c: string, uid: string) => all.find((x) => c === 'c1' && x.object.metadata.uid === uid),
      ownedBy: (c: string, uid: string) => all.filter((x) => c === 'c1' && x.object.metadata.ownerReferences?.some((o) => o.uid === uid)),
      selected: (c: string, sel: LabelSelector) => all.filter((x) => c === 'c1' && matchLabels(sel, x.object.metadata.labels)),
      appliedBy: () => [],
    };
    const idx = indexFromStore(store, 'c1', ['pods', 'deployments.apps']);
    expect(idx.find('', 'Namespace', 'ignored', 'shop')?.object).toBe(ns);
    expect(idx.find('apps', 'Deployment', 'shop', 'redis')?.resource).toBe('deployments.apps');
    expect(idx.find('apps', 'StatefulSet', 'shop', 'redis')).toBeUndefined();
    const t = buildTree({ resource: 'helmreleases.helm.toolkit.fluxcd.io', object: hr }, idx, { healthOf });
    expect(shape(t)).toEqual(['HelmRelease/redis', '└─ Deployment/redis', '   └─ Pod/redis-0']);
    expect(topOwner({ resource: 'pods', object: pod }, idx).object).toBe(hr);
  });
  it("over the store's indexes (ObjectIndex): Helm-labelled children by label, a trace's inventory fallback by inventory entry", () => {
    const rt = (group: string, resource: string, kind: string): ResourceType => ({
      group, version: 'v1', resource, kind, singular: kind.toLowerCase(), namespaced: true, verbs: ['list', 'watch'], shortNames: [], categories: [],
    });
    const resources = [rt('', 'pods', 'Pod'), rt('apps', 'deployments', 'Deployment'), rt('', 'configmaps', 'ConfigMap'), rt('helm.toolkit.fluxcd.io', 'helmreleases', 'HelmRelease'), rt('kustomize.toolkit.fluxcd.io', 'kustomizations', 'Kustomization')];
    const ix = new ObjectIndex('c1');
    const hr = obj('HelmRelease', 'shop', 'redis');
    const labels = { 'helm.toolkit.fluxcd.io/name': 'redis', 'helm.toolkit.fluxcd.io/namespace': 'shop' };
    const dep = obj('Deployment', 'shop', 'redis', { labels });
    const pod = obj('Pod', 'shop', 'redis-0', { owner: dep, labels });
    // a ConfigMap carrying the labels, of a kind the tree does not search
    const cm = obj('ConfigMap', 'shop', 'redis', { labels });
    const unlabelled = obj('Deployment', 'shop', 'api');
    const ks = obj('Kustomization', 'flux-system', 'apps', { status: { inventory: { entries: [{ id: 'shop_api_apps_Deployment', v: 'v1' }] } } });
    for (const o of [hr, dep, pod, cm, unlabelled, ks]) ix.add(RES[o.kind!], o);
    const store = {
      resources: () => resources,
      get: (_c: string, r: string, n: string | undefined, name: string) => [hr, dep, pod, cm, unlabelled, ks].find((o) => RES[o.kind!] === r && o.metadata.name === name && o.metadata.namespace === n),
      byUid: (_c: string, uid: string) => ix.byUid(uid),
      ownedBy: (_c: string, uid: string) => ix.ownedBy(uid),
      selected: (_c: string, sel: LabelSelector, ns?: string) => ix.selected(sel, ns),
      appliedBy: (_c: string, g: string, k: string, ns: string | undefined, n: string) => ix.appliedBy(g, k, ns, n),
    };
    const idx = indexFromStore(store, 'c1', ['pods', 'deployments.apps']);
    expect(shape(buildTree(ref(hr), idx, { healthOf }))).toEqual(['HelmRelease/redis', '└─ Deployment/redis', '   └─ Pod/redis-0']);
    const t = traceObject(ref(unlabelled), idx, Date.parse('2026-01-01T00:00:00Z'));
    expect(t.managed).toBe('flux');
    expect(t.steps[1]).toMatchObject({ via: 'flux-inventory', kind: 'Kustomization', name: 'apps', presence: 'found' });
    // the inventory moves on without it: no longer managed
    ix.add(RES.Kustomization, { ...ks, status: { inventory: { entries: [] } } });
    expect(traceObject(ref(unlabelled), idx, Date.parse('2026-01-01T00:00:00Z')).managed).toBe('not-flux');
  });
  it('under a namespace-by-namespace fallback, an entry is listed only when its own namespace is', () => {
    const deployments: ResourceType = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singular: 'deployment', namespaced: true, verbs: ['list', 'watch'], shortNames: [], categories: [] };
    let status: ReflectorStatus = { context: 'c1', resource: 'deployments.apps', phase: 'syncing', objects: 3, lists: 1, namespaces: ['shop', 'monitoring'], forbiddenNamespaces: ['kube-system'] };
    const store = {
      resources: () => [deployments], get: () => undefined, byUid: () => undefined, ownedBy: () => [], selected: () => [], appliedBy: () => [],
      reflectors: () => [status],
    };
    const idx = indexFromStore(store, 'c1', []);
    // one namespace listed (lists: 1) while the others still sync: not "missing from the cluster"
    expect(idx.unlisted!('apps', 'Deployment', 'monitoring')).toBe('not listed yet');
    expect(idx.unlisted!('apps', 'Deployment', 'kube-system')).toBe('forbidden to list');
    status = { ...status, phase: 'synced' };
    expect(idx.unlisted!('apps', 'Deployment', 'monitoring')).toBeUndefined();
    // a namespace outside those this user may list (the namespace list itself was not whole)
    expect(idx.unlisted!('apps', 'Deployment', 'elsewhere')).toBe('forbidden to list');
    // forbidden in every namespace: the kind is forbidden
    status = { ...status, phase: 'forbidden', forbiddenNamespaces: undefined };
    expect(idx.unlisted!('apps', 'Deployment', 'shop')).toBe('forbidden to list');
  });
});
