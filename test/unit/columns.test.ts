import { describe, expect, it } from 'vitest';
import { cellColor, cellSortValue, cellText, columnsFor, contextColumn, jsonPathValues, namespaceColumn, visibleColumns, type Column } from '../../src/model/columns.js';
import { KINDS, shortKindOf } from '../../src/model/kinds.js';
import { builtinResources, crdResources } from '../../src/sim/resources.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const MIN = 60_000;

function rt(group: string, kind: string, printerColumns?: ResourceType['printerColumns']): ResourceType {
  return { group, version: 'v1', resource: `${kind.toLowerCase()}s`, kind, singular: kind.toLowerCase(), namespaced: true, verbs: [], shortNames: [], categories: [], ...(printerColumns ? { printerColumns } : {}) };
}

function row(columns: Column[], o: KubeObject): Record<string, string> {
  return Object.fromEntries(columns.map((c) => [c.header, cellText(c, o, NOW)]));
}

const meta = (name: string): KubeObject['metadata'] => ({ name, namespace: 'shop', creationTimestamp: ago(3 * MIN + 12_000) });

function pod(status: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { metadata: meta('web-1'), spec: { nodeName: 'node-1', containers: [{ name: 'app' }, { name: 'proxy' }] }, status: { podIP: '10.0.0.7', ...status }, ...extra };
}

const running = (name: string, ready: boolean, restarts = 0): Record<string, unknown> => ({ name, ready, restartCount: restarts, state: { running: { startedAt: ago(MIN) } } });

describe('pod columns (kubectl get pods)', () => {
  const cols = columnsFor(rt('', 'Pod'));

  it('has kubectl headers', () => {
    expect(cols.map((c) => c.header)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
  });

  it.each([
    ['running', { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running('app', true), running('proxy', true)] }, { READY: '2/2', STATUS: 'Running', RESTARTS: '0' }, 'ok'],
    [
      'crash loop, with the last restart age',
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * MIN) } } },
          running('proxy', true),
        ],
      },
      { READY: '1/2', STATUS: 'CrashLoopBackOff', RESTARTS: '7 (2m ago)' },
      'error',
    ],
    ['creating', { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] }, { READY: '0/2', STATUS: 'ContainerCreating' }, 'warn'],
    ['completed', { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { STATUS: 'Completed' }, 'muted'],
    ['oom killed', { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 1, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }, { STATUS: 'OOMKilled' }, 'error'],
    ['exit code without reason', { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, state: { terminated: { exitCode: 2 } } }] }, { STATUS: 'ExitCode:2' }, 'error'],
    ['evicted', { phase: 'Failed', reason: 'Evicted' }, { STATUS: 'Evicted' }, 'error'],
    [
      'init container running',
      { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', ready: false, state: { running: {} } }], containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } }] },
      { STATUS: 'Init:0/1' },
      'warn',
    ],
    ['init container crash looping', { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, { STATUS: 'Init:CrashLoopBackOff', RESTARTS: '3' }, 'error'],
    ['no status', {}, { READY: '0/2', STATUS: 'Unknown', IP: '10.0.0.7' }, 'error'],
  ])('%s', (_name, status, want, color) => {
    const initSpec = (status as Record<string, unknown>).initContainerStatuses ? { initContainers: [{ name: 'migrate' }] } : {};
    const o = pod(status, { spec: { nodeName: 'node-1', containers: [{ name: 'app' }, { name: 'proxy' }], ...initSpec } });
    expect(row(cols, o)).toMatchObject({ NAME: 'web-1', AGE: '3m12s', NODE: 'node-1', ...want });
    expect(cellColor(cols[2], o, NOW)).toBe(color);
  });

  it('shows Terminating once deletion started', () => {
    const o = pod({ phase: 'Running', containerStatuses: [running('app', true)] }, { metadata: { ...meta('web-1'), deletionTimestamp: ago(MIN) } });
    expect(cellText(cols[2], o, NOW)).toBe('Terminating');
  });

  it('sorts RESTARTS and AGE numerically', () => {
    const restarts = cols[3];
    expect(cellSortValue(restarts, pod({ containerStatuses: [{ name: 'app', restartCount: 12 }] }), NOW)).toBe(12);
    expect(cellSortValue(cols[4], pod({}), NOW)).toBe(3 * MIN + 12_000);
  });
});

describe('built-in kinds', () => {
  it('deployments', () => {
    const o: KubeObject = { metadata: meta('checkout'), spec: { replicas: 5 }, status: { readyReplicas: 2, updatedReplicas: 5, availableReplicas: 2 } };
    const cols = columnsFor(rt('apps', 'Deployment'));
    expect(row(cols, o)).toMatchObject({ NAME: 'checkout', READY: '2/5', 'UP-TO-DATE': '5', AVAILABLE: '2', HEALTH: 'InProgress', AGE: '3m12s' });
    expect(cellColor(cols[1], o, NOW)).toBe('warn');
    // READY 3/3 with the rollout past its deadline: the verdict says Failed (kubectl's columns cannot)
    const stuck: KubeObject = {
      metadata: { ...meta('cart-api'), generation: 4 },
      spec: { replicas: 3 },
      status: { observedGeneration: 4, replicas: 4, readyReplicas: 3, updatedReplicas: 1, availableReplicas: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "cart-api-6d" has timed out progressing.' }] },
    };
    expect(row(cols, stuck)).toMatchObject({ READY: '3/3', HEALTH: 'Failed' });
    expect(row(cols, stuck).REASON).toMatch(/ProgressDeadlineExceeded|timed out progressing/);
  });

  it('services', () => {
    const cols = columnsFor(rt('', 'Service'));
    const lb: KubeObject = { metadata: meta('edge'), spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }, status: { loadBalancer: {} } };
    expect(row(cols, lb)).toEqual({ NAME: 'edge', TYPE: 'LoadBalancer', 'CLUSTER-IP': '10.96.0.10', 'EXTERNAL-IP': '<pending>', 'PORT(S)': '443:31443/TCP,53/UDP', AGE: '3m12s' });
    const cip: KubeObject = { metadata: meta('web'), spec: { clusterIP: '10.96.0.11', ports: [{ port: 80 }] } };
    expect(row(cols, cip)).toMatchObject({ TYPE: 'ClusterIP', 'EXTERNAL-IP': '<none>', 'PORT(S)': '80/TCP' });
  });

  it('configmaps, secrets, namespaces, nodes, pvcs', () => {
    expect(row(columnsFor(rt('', 'ConfigMap')), { metadata: meta('c'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })).toMatchObject({ DATA: '3' });
    expect(row(columnsFor(rt('', 'Secret')), { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } })).toMatchObject({ TYPE: 'kubernetes.io/tls', DATA: '2' });
    expect(row(columnsFor(rt('', 'Namespace')), { metadata: meta('legacy'), status: { phase: 'Terminating' } })).toMatchObject({ STATUS: 'Terminating' });
    const node: KubeObject = {
      metadata: { ...meta('cp-1'), labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.31.2' } },
    };
    expect(row(columnsFor(rt('', 'Node')), node)).toEqual({ NAME: 'cp-1', STATUS: 'Ready,SchedulingDisabled', ROLES: 'control-plane', AGE: '3m12s', VERSION: 'v1.31.2' });
    const pvc: KubeObject = { metadata: meta('data'), spec: { volumeName: 'pvc-123', storageClassName: 'ssd' }, status: { phase: 'Bound', capacity: { storage: '20Gi' }, accessModes: ['ReadWriteOnce'] } };
    expect(row(columnsFor(rt('', 'PersistentVolumeClaim')), pvc)).toEqual({ NAME: 'data', STATUS: 'Bound', VOLUME: 'pvc-123', CAPACITY: '20Gi', 'ACCESS MODES': 'RWO', STORAGECLASS: 'ssd', AGE: '3m12s' });
  });

  it('jobs and cronjobs', () => {
    const job: KubeObject = { metadata: meta('migrate'), spec: { completions: 1 }, status: { succeeded: 1, startTime: ago(3 * MIN), completionTime: ago(2 * MIN), conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(row(columnsFor(rt('batch', 'Job')), job)).toEqual({ NAME: 'migrate', STATUS: 'Complete', COMPLETIONS: '1/1', DURATION: '60s', AGE: '3m12s' });
    const cj: KubeObject = { metadata: meta('backup'), spec: { schedule: '0 3 * * *', suspend: true }, status: { lastScheduleTime: ago(9 * 60 * MIN), active: [{ name: 'backup-1' }] } };
    expect(row(columnsFor(rt('batch', 'CronJob')), cj)).toEqual({ NAME: 'backup', SCHEDULE: '0 3 * * *', TIMEZONE: '<none>', SUSPEND: 'True', ACTIVE: '1', 'LAST SCHEDULE': '9h', AGE: '3m12s' });
  });

  it('events', () => {
    const ev: KubeObject = { metadata: meta('web-1.17c'), type: 'Warning', reason: 'BackOff', involvedObject: { kind: 'Pod', name: 'web-1' }, message: 'Back-off restarting failed container app', lastTimestamp: ago(30_000) };
    expect(row(columnsFor(rt('', 'Event')), ev)).toEqual({ 'LAST SEEN': '30s', TYPE: 'Warning', REASON: 'BackOff', OBJECT: 'pod/web-1', MESSAGE: 'Back-off restarting failed container app' });
  });
});

describe('Flux kinds', () => {
  it('READY SUSPENDED REVISION MESSAGE', () => {
    const o: KubeObject = {
      metadata: meta('apps'),
      spec: { suspend: true },
      status: { lastAppliedRevision: `main@sha1:${'ab12'.repeat(10)}`, conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed' }] },
    };
    const cols = columnsFor(rt('kustomize.toolkit.fluxcd.io', 'Kustomization'));
    expect(row(cols, o)).toEqual({ NAME: 'apps', READY: 'False', SUSPENDED: 'True', REVISION: 'main@sha1:ab12ab12', AGE: '3m12s', MESSAGE: 'kustomize build failed' });
    expect(cellColor(cols[1], o, NOW)).toBe('error');
  });
});

describe('true/false cells', () => {
  // `:ks` said false/true where `:flux` said False/True; flux get and kubectl (printBool) print False/True
  it('read False/True in every Flux kind\'s SUSPENDED and a CronJob\'s SUSPEND, as flux get and kubectl print them', () => {
    const flux = [['kustomize.toolkit.fluxcd.io', 'Kustomization'], ['helm.toolkit.fluxcd.io', 'HelmRelease'], ['source.toolkit.fluxcd.io', 'GitRepository'], ['source.toolkit.fluxcd.io', 'OCIRepository']];
    for (const [group, kind] of flux) {
      const cols = columnsFor(rt(group, kind));
      for (const suspend of [true, false, undefined]) {
        const o: KubeObject = { metadata: meta('apps'), spec: { suspend } };
        expect(row(cols, o).SUSPENDED, `${kind} suspend ${suspend}`).toBe(suspend ? 'True' : 'False');
      }
    }
    const cj: KubeObject = { metadata: meta('backup'), spec: { schedule: '0 3 * * *', suspend: false } };
    expect(row(columnsFor(rt('batch', 'CronJob')), cj).SUSPEND).toBe('False');
  });
});

describe('short names for narrow KIND columns', () => {
  it('are kubectl\'s: the Flux CRDs\' shortNames (hr, ks, gitrepo, helmrepo, hc, ocirepo) and the built-ins\' (deploy, sts, po)', () => {
    const flux = (kind: string, group: string) => shortKindOf({ group: `${group}.toolkit.fluxcd.io`, kind });
    expect([flux('HelmRelease', 'helm'), flux('Kustomization', 'kustomize'), flux('GitRepository', 'source'), flux('HelmRepository', 'source'), flux('HelmChart', 'source'), flux('OCIRepository', 'source')])
      .toEqual(['hr', 'ks', 'gitrepo', 'helmrepo', 'hc', 'ocirepo']);
    expect([shortKindOf({ group: 'apps', kind: 'Deployment' }), shortKindOf({ group: 'apps', kind: 'StatefulSet' }), shortKindOf({ group: '', kind: 'Pod' })]).toEqual(['deploy', 'sts', 'po']);
    // Bucket's CRD declares none: kubectl has none, neither do we
    expect(flux('Bucket', 'source')).toBeUndefined();
  });

  it('a kind the registry does not name takes discovery\'s first shortName; the registry wins over discovery', () => {
    expect(shortKindOf({ group: 'example.com', kind: 'Widget', shortNames: ['wd', 'wdg'] })).toBe('wd');
    expect(shortKindOf({ group: 'example.com', kind: 'Widget' })).toBeUndefined();
    expect(shortKindOf({ group: 'apps', kind: 'Deployment', shortNames: ['dp'] })).toBe('deploy');
  });

  it('the simulated API serves the registry\'s short names as its first shortNames', () => {
    for (const r of [...builtinResources(), ...crdResources()]) {
      const declared = KINDS.find((e) => e.group === r.group && e.kind === r.kind)?.short;
      if (declared !== undefined) expect(r.shortNames[0], `${r.group}/${r.kind}`).toBe(declared);
    }
  });
});

describe('CRD printer columns', () => {
  const cnpg = rt('postgresql.cnpg.io', 'Cluster', [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Instances', type: 'integer', jsonPath: '.status.instances' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyInstances' },
    { name: 'Status', type: 'string', jsonPath: '.status.phase' },
    { name: 'Primary', type: 'string', jsonPath: '.status.currentPrimary' },
  ]);

  it('evaluates JSONPaths, dates as ages, and appends HEALTH', () => {
    const o: KubeObject = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('orders-db'), status: { instances: 3, readyInstances: 2, phase: 'Waiting for the instances to become active', currentPrimary: 'orders-db-1' } };
    const cols = columnsFor(cnpg);
    expect(row(cols, o)).toEqual({ NAME: 'orders-db', AGE: '3m12s', INSTANCES: '3', READY: '2', STATUS: 'Waiting for the instances to become active', PRIMARY: 'orders-db-1', HEALTH: 'Failed' });
    expect(cellColor(cols[cols.length - 1], o, NOW)).toBe('error');
    expect(cellSortValue(cols[2], o, NOW)).toBe(3);
  });

  it('filters conditions, hides priority columns unless wide', () => {
    const cert = rt('cert-manager.io', 'Certificate', [
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
      { name: 'Status', type: 'string', jsonPath: ".status.conditions[?(@.type == 'Ready')].message", priority: 1 },
    ]);
    const o: KubeObject = { metadata: meta('tls'), spec: { secretName: 'tls' }, status: { conditions: [{ type: 'Issuing', status: 'True' }, { type: 'Ready', status: 'False', message: 'Issuing certificate' }] } };
    const cols = columnsFor(cert);
    expect(row(cols, o)).toMatchObject({ READY: 'False', SECRET: 'tls', STATUS: 'Issuing certificate' });
    expect(visibleColumns(cols, false).map((c) => c.header)).toEqual(['NAME', 'READY', 'SECRET', 'HEALTH']);
    expect(cellColor(cols[1], o, NOW)).toBe('error');
  });

  it.each([
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['.status.conditions[*].type', ['Ready', 'Synced']],
    ['.status.conditions[1].status', ['False']],
    ["{.metadata.labels['app.kubernetes.io/name']}", ['shop']],
    ['.status.conditions[?(@.type!="Ready")].type', ['Synced']],
    ['.spec.missing', []],
    ['.status..bad', []],
  ])('jsonPathValues %s', (path, want) => {
    const o = { metadata: { labels: { 'app.kubernetes.io/name': 'shop' } }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] } };
    expect(jsonPathValues(o, path)).toEqual(want);
  });

  it('falls back to NAME HEALTH AGE for kinds without printer columns', () => {
    const cols = columnsFor(rt('example.com', 'Widget'));
    expect(visibleColumns(cols, false).map((c) => c.header)).toEqual(['NAME', 'HEALTH', 'AGE']);
    const o: KubeObject = { metadata: meta('w'), status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Broken', message: 'gear missing' }] } };
    expect(row(cols, o)).toEqual({ NAME: 'w', HEALTH: 'Failed', AGE: '3m12s', REASON: 'Ready=False Broken: gear missing' });
  });
});

describe('context and namespace columns', () => {
  it('read the row context and the object namespace', () => {
    const o: KubeObject = { metadata: meta('x') };
    expect(cellText(contextColumn(), o, NOW, { context: 'prod-eu' })).toBe('prod-eu');
    expect(cellText(namespaceColumn(), o, NOW)).toBe('shop');
  });
});

describe('narrow widths (keep/drop), declared with the columns', () => {
  // a status cell that narrowing drops reads as fine: SUSPENDED went at 80 columns and a
  // suspended Kustomization read "True  Applied revision…"
  it('every column that carries a status colour is kept, in every kind\'s table', () => {
    const printer = rt('example.com', 'Widget', ['Ready', 'Available', 'Reconciled', 'Status', 'Phase'].map((name) => ({ name, type: 'string', jsonPath: '.status.x' })));
    const tables = [...KINDS.map((k) => rt(k.group, k.kind)), printer];
    const dropped = tables.flatMap((t) => columnsFor(t).filter((c) => c.statusColor && !c.keep).map((c) => `${t.kind} ${c.header}`));
    expect(dropped).toEqual([]);
  });

  it('a Flux kind keeps SUSPENDED, as flux get always shows it', () => {
    const cols = columnsFor(rt('kustomize.toolkit.fluxcd.io', 'Kustomization'));
    const suspended = cols.find((c) => c.header === 'SUSPENDED')!;
    expect([suspended.keep, suspended.drop]).toEqual([true, undefined]);
  });
});
