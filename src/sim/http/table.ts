// Server-side printing (Accept: ...;as=Table): the meta.k8s.io/v1 Table kubectl asks for.
// Built-in kinds get the columns kubectl shows for them, from the table below; custom
// resources get their CRD's printer columns.
import { arr, num, rec, str, strMap } from '../../model/access.js';
import { humanDuration } from '../../model/format.js';
import { jsonPathValues } from '../../model/jsonpath.js';
import type { KubeObject } from '../../model/types.js';
import { resourceKey } from '../../model/types.js';
import type { SimResource } from '../store.js';

type Cell = string | number | boolean | null;

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  description?: string;
  cell: (o: KubeObject, now: number) => Cell;
}

function since(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

const none = (s: string | undefined): string => (s === undefined || s === '' ? '<none>' : s);
const join = (xs: unknown[]): string => xs.filter((x) => typeof x === 'string' && x !== '').join(',');
const n = (o: unknown, ...p: string[]): number => num(o, ...p) ?? 0;

const nameCol: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (o) => o.metadata.name,
};
const ageCol: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) => since(o.metadata.creationTimestamp, now),
};

const containers = (o: unknown, ...p: string[]): unknown[] => arr(o, ...p, 'containers');
const containerNames = (...p: string[]): Column => ({
  name: 'Containers',
  type: 'string',
  priority: 1,
  cell: (o) => join(containers(o, ...p).map((c) => str(c, 'name'))),
});
const containerImages = (...p: string[]): Column => ({
  name: 'Images',
  type: 'string',
  priority: 1,
  cell: (o) => join(containers(o, ...p).map((c) => str(c, 'image'))),
});
const selectorCol: Column = {
  name: 'Selector',
  type: 'string',
  priority: 1,
  cell: (o) => {
    const sel = rec(o, 'spec', 'selector');
    const labels = strMap(sel, 'matchLabels');
    const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    for (const e of arr(sel, 'matchExpressions')) {
      parts.push(`${str(e, 'key')} ${String(str(e, 'operator')).toLowerCase()} (${arr(e, 'values').join(',')})`);
    }
    return none(parts.join(','));
  },
};

/** kubectl's pod STATUS: the pod's reason, else the most telling container state. */
export function podStatus(pod: unknown): string {
  let reason = str(pod, 'status', 'reason') ?? str(pod, 'status', 'phase') ?? 'Unknown';
  const inits = arr(pod, 'spec', 'initContainers').length;
  let initializing = false;
  arr(pod, 'status', 'initContainerStatuses').forEach((c, i) => {
    if (initializing) return;
    const term = rec(c, 'state', 'terminated');
    if (term && num(term, 'exitCode') === 0) return;
    const waiting = str(c, 'state', 'waiting', 'reason');
    if (term) reason = `Init:${str(term, 'reason') ?? `ExitCode:${n(term, 'exitCode')}`}`;
    else if (waiting && waiting !== 'PodInitializing') reason = `Init:${waiting}`;
    else reason = `Init:${i}/${inits}`;
    initializing = true;
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...arr(pod, 'status', 'containerStatuses')].reverse()) {
      const waiting = str(c, 'state', 'waiting', 'reason');
      const term = rec(c, 'state', 'terminated');
      if (waiting) reason = waiting;
      else if (term) reason = str(term, 'reason') ?? `ExitCode:${n(term, 'exitCode')}`;
      else if (rec(c, 'state', 'running') && c && (c as { ready?: boolean }).ready) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (str(pod, 'metadata', 'deletionTimestamp')) reason = 'Terminating';
  return reason;
}

function podRestarts(pod: unknown, now: number): string {
  let restarts = 0;
  let last: number | undefined;
  for (const c of arr(pod, 'status', 'containerStatuses')) {
    restarts += n(c, 'restartCount');
    const finished = Date.parse(str(c, 'lastState', 'terminated', 'finishedAt') ?? '');
    if (!Number.isNaN(finished) && (last === undefined || finished > last)) last = finished;
  }
  return restarts > 0 && last !== undefined ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

const conditionStatus = (o: unknown, type: string): string | undefined =>
  str(arr(o, 'status', 'conditions').find((c) => str(c, 'type') === type), 'status');

const builtinColumns: Record<string, Column[]> = {
  pods: [
    nameCol,
    {
      name: 'Ready',
      type: 'string',
      description: 'The aggregate readiness state of this pod for accepting traffic.',
      cell: (o) => {
        const cs = arr(o, 'status', 'containerStatuses');
        return `${cs.filter((c) => (c as { ready?: boolean }).ready === true).length}/${containers(o, 'spec').length}`;
      },
    },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (o) => podStatus(o) },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', cell: podRestarts },
    ageCol,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => none(str(o, 'status', 'podIP')) },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => none(str(o, 'spec', 'nodeName')) },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: (o) => none(str(o, 'status', 'nominatedNodeName')) },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  'deployments.apps': [
    nameCol,
    { name: 'Ready', type: 'string', cell: (o) => `${n(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas') ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => n(o, 'status', 'updatedReplicas') },
    { name: 'Available', type: 'integer', cell: (o) => n(o, 'status', 'availableReplicas') },
    ageCol,
    containerNames('spec', 'template', 'spec'),
    containerImages('spec', 'template', 'spec'),
    selectorCol,
  ],
  'replicasets.apps': [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => num(o, 'spec', 'replicas') ?? 1 },
    { name: 'Current', type: 'integer', cell: (o) => n(o, 'status', 'replicas') },
    { name: 'Ready', type: 'integer', cell: (o) => n(o, 'status', 'readyReplicas') },
    ageCol,
    containerNames('spec', 'template', 'spec'),
    containerImages('spec', 'template', 'spec'),
    selectorCol,
  ],
  'statefulsets.apps': [
    nameCol,
    { name: 'Ready', type: 'string', cell: (o) => `${n(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas') ?? 1}` },
    ageCol,
    containerNames('spec', 'template', 'spec'),
    containerImages('spec', 'template', 'spec'),
  ],
  'daemonsets.apps': [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => n(o, 'status', 'desiredNumberScheduled') },
    { name: 'Current', type: 'integer', cell: (o) => n(o, 'status', 'currentNumberScheduled') },
    { name: 'Ready', type: 'integer', cell: (o) => n(o, 'status', 'numberReady') },
    { name: 'Up-to-date', type: 'integer', cell: (o) => n(o, 'status', 'updatedNumberScheduled') },
    { name: 'Available', type: 'integer', cell: (o) => n(o, 'status', 'numberAvailable') },
    {
      name: 'Node Selector',
      type: 'string',
      cell: (o) => none(Object.entries(strMap(o, 'spec', 'template', 'spec', 'nodeSelector')).map(([k, v]) => `${k}=${v}`).join(',')),
    },
    ageCol,
    containerNames('spec', 'template', 'spec'),
    containerImages('spec', 'template', 'spec'),
    selectorCol,
  ],
  'controllerrevisions.apps': [
    nameCol,
    {
      name: 'Controller',
      type: 'string',
      cell: (o) => {
        const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
        return owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : '<none>';
      },
    },
    { name: 'Revision', type: 'integer', cell: (o) => n(o, 'revision') },
    ageCol,
  ],
  services: [
    nameCol,
    { name: 'Type', type: 'string', cell: (o) => str(o, 'spec', 'type') ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => none(str(o, 'spec', 'clusterIP')) },
    {
      name: 'External-IP',
      type: 'string',
      cell: (o) => {
        const ips = arr(o, 'status', 'loadBalancer', 'ingress').map((i) => str(i, 'ip') ?? str(i, 'hostname'));
        if (ips.length) return join(ips);
        return str(o, 'spec', 'type') === 'LoadBalancer' ? '<pending>' : '<none>';
      },
    },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (o) =>
        none(
          arr(o, 'spec', 'ports')
            .map((p) => `${n(p, 'port')}${num(p, 'nodePort') ? `:${n(p, 'nodePort')}` : ''}/${str(p, 'protocol') ?? 'TCP'}`)
            .join(','),
        ),
    },
    ageCol,
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cell: (o) => none(Object.entries(strMap(o, 'spec', 'selector')).map(([k, v]) => `${k}=${v}`).join(',')),
    },
  ],
  configmaps: [
    nameCol,
    { name: 'Data', type: 'integer', cell: (o) => Object.keys(rec(o, 'data') ?? {}).length + Object.keys(rec(o, 'binaryData') ?? {}).length },
    ageCol,
  ],
  secrets: [
    nameCol,
    { name: 'Type', type: 'string', cell: (o) => str(o, 'type') ?? 'Opaque' },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys(rec(o, 'data') ?? {}).length },
    ageCol,
  ],
  namespaces: [nameCol, { name: 'Status', type: 'string', cell: (o) => str(o, 'status', 'phase') ?? 'Active' }, ageCol],
  nodes: [
    nameCol,
    {
      name: 'Status',
      type: 'string',
      cell: (o) => {
        const ready = conditionStatus(o, 'Ready') === 'True' ? 'Ready' : 'NotReady';
        return (o.spec as { unschedulable?: boolean } | undefined)?.unschedulable ? `${ready},SchedulingDisabled` : ready;
      },
    },
    {
      name: 'Roles',
      type: 'string',
      cell: (o) =>
        none(
          Object.keys(o.metadata.labels ?? {})
            .filter((k) => k.startsWith('node-role.kubernetes.io/'))
            .map((k) => k.slice('node-role.kubernetes.io/'.length))
            .join(','),
        ),
    },
    ageCol,
    { name: 'Version', type: 'string', cell: (o) => str(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '' },
    {
      name: 'Internal-IP',
      type: 'string',
      priority: 1,
      cell: (o) => none(str(arr(o, 'status', 'addresses').find((a) => str(a, 'type') === 'InternalIP'), 'address')),
    },
    {
      name: 'External-IP',
      type: 'string',
      priority: 1,
      cell: (o) => none(str(arr(o, 'status', 'addresses').find((a) => str(a, 'type') === 'ExternalIP'), 'address')),
    },
    { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => str(o, 'status', 'nodeInfo', 'osImage') ?? '<unknown>' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cell: (o) => str(o, 'status', 'nodeInfo', 'kernelVersion') ?? '<unknown>' },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      cell: (o) => str(o, 'status', 'nodeInfo', 'containerRuntimeVersion') ?? '<unknown>',
    },
  ],
  events: [
    {
      name: 'Last Seen',
      type: 'string',
      cell: (o, now) => since(str(o, 'lastTimestamp') ?? str(o, 'eventTime') ?? o.metadata.creationTimestamp, now),
    },
    { name: 'Type', type: 'string', cell: (o) => str(o, 'type') ?? '' },
    { name: 'Reason', type: 'string', cell: (o) => str(o, 'reason') ?? '' },
    {
      name: 'Object',
      type: 'string',
      cell: (o) => `${String(str(o, 'involvedObject', 'kind')).toLowerCase()}/${str(o, 'involvedObject', 'name') ?? ''}`,
    },
    { name: 'Message', type: 'string', cell: (o) => str(o, 'message') ?? '' },
    { ...nameCol, priority: 1 },
  ],
  persistentvolumeclaims: [
    nameCol,
    { name: 'Status', type: 'string', cell: (o) => str(o, 'status', 'phase') ?? 'Pending' },
    { name: 'Volume', type: 'string', cell: (o) => str(o, 'spec', 'volumeName') ?? '' },
    { name: 'Capacity', type: 'string', cell: (o) => str(o, 'status', 'capacity', 'storage') ?? '' },
    {
      name: 'Access Modes',
      type: 'string',
      cell: (o) => {
        const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
        return arr(o, 'status', 'accessModes').map((m) => short[String(m)] ?? String(m)).join(',');
      },
    },
    { name: 'StorageClass', type: 'string', cell: (o) => none(str(o, 'spec', 'storageClassName')) },
    { name: 'VolumeAttributesClass', type: 'string', cell: (o) => none(str(o, 'spec', 'volumeAttributesClassName')) },
    ageCol,
    { name: 'VolumeMode', type: 'string', priority: 1, cell: (o) => str(o, 'spec', 'volumeMode') ?? 'Filesystem' },
  ],
  'jobs.batch': [
    nameCol,
    {
      name: 'Status',
      type: 'string',
      cell: (o) => {
        for (const [type, label] of [['Failed', 'Failed'], ['Complete', 'Complete'], ['Suspended', 'Suspended']] as const) {
          if (conditionStatus(o, type) === 'True') return label;
        }
        return 'Running';
      },
    },
    { name: 'Completions', type: 'string', cell: (o) => `${n(o, 'status', 'succeeded')}/${num(o, 'spec', 'completions') ?? 1}` },
    {
      name: 'Duration',
      type: 'string',
      cell: (o, now) => {
        const start = Date.parse(str(o, 'status', 'startTime') ?? '');
        if (Number.isNaN(start)) return '';
        const end = Date.parse(str(o, 'status', 'completionTime') ?? '');
        return humanDuration((Number.isNaN(end) ? now : end) - start);
      },
    },
    ageCol,
    containerNames('spec', 'template', 'spec'),
    containerImages('spec', 'template', 'spec'),
    selectorCol,
  ],
  'cronjobs.batch': [
    nameCol,
    { name: 'Schedule', type: 'string', cell: (o) => str(o, 'spec', 'schedule') ?? '' },
    { name: 'Timezone', type: 'string', cell: (o) => none(str(o, 'spec', 'timeZone')) },
    { name: 'Suspend', type: 'boolean', cell: (o) => (o.spec as { suspend?: boolean } | undefined)?.suspend === true },
    { name: 'Active', type: 'integer', cell: (o) => arr(o, 'status', 'active').length },
    { name: 'Last Schedule', type: 'string', cell: (o, now) => (str(o, 'status', 'lastScheduleTime') ? since(str(o, 'status', 'lastScheduleTime'), now) : '<none>') },
    ageCol,
  ],
  'customresourcedefinitions.apiextensions.k8s.io': [
    nameCol,
    { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp ?? null },
  ],
};

function crdCell(o: KubeObject, type: string, path: string, now: number): Cell {
  const v = jsonPathValues(o, path)[0];
  if (v === undefined || v === null) return null;
  if (type === 'date') return typeof v === 'string' ? since(v, now) : null;
  if (type === 'integer' || type === 'number') return typeof v === 'number' ? v : null;
  if (type === 'boolean') return typeof v === 'boolean' ? v : null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The columns of a resource: built-in table, CRD printer columns, or Name + Age. */
export function columnsFor(r: SimResource): Column[] {
  const builtin = builtinColumns[resourceKey(r)];
  if (builtin) return builtin;
  const pcs = r.printerColumns ?? [];
  const cols: Column[] = [nameCol];
  for (const pc of pcs) {
    const type = pc.type === 'date' ? 'date' : pc.type;
    cols.push({
      name: pc.name,
      type,
      ...(pc.format ? { format: pc.format } : {}),
      priority: pc.priority ?? 0,
      description: pc.description ?? '',
      cell: (o, now) => crdCell(o, type, pc.jsonPath, now),
    });
  }
  // apiextensions adds Age only to a CRD without printer columns (measured on kube-apiserver v1.36)
  if (pcs.length === 0) cols.push(ageCol);
  return cols;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function columnDefinitions(r: SimResource): Record<string, unknown>[] {
  return columnsFor(r).map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
  }));
}

export function tableRow(r: SimResource, o: KubeObject, include: IncludeObject, now = Date.now()): Record<string, unknown> {
  const cells = columnsFor(r).map((c) => c.cell(o, now));
  const object =
    include === 'None'
      ? undefined
      : include === 'Object'
        ? o
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  return object === undefined ? { cells } : { cells, object };
}

export function table(
  r: SimResource,
  objects: KubeObject[],
  include: IncludeObject,
  meta: Record<string, unknown>,
  withColumns = true,
): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(r) : [],
    rows: objects.map((o) => tableRow(r, o, include, now)),
  };
}
