// Table columns per kind, as data: what `kubectl get` prints for the built-in kinds (STATUS
// computed as kubectl computes it), READY/SUSPENDED/REVISION/MESSAGE for Flux kinds, a CRD's
// additionalPrinterColumns (simple JSONPaths, dates as ages), and NAME/HEALTH/AGE for
// anything else. The table view adds CONTEXT and NAMESPACE itself (contextColumn,
// namespaceColumn) since they depend on what is selected, not on the kind.
import { arr, isRecord, lookup, num, rec, str, strMap } from './access.js';
import { age, boolCell, humanDuration, oneLine, parseTime } from './format.js';
import { fluxSummary, isFluxGroup } from './flux.js';
import { health, type HealthStatus } from './health.js';
import { jsonPathValues } from './jsonpath.js';
import { kindEntry } from './kinds.js';
import { podStatusText } from './health/pod-status.js';
import { componentHealthy } from './health/rules.js';
import { SECRET_DATA_COUNT, type KubeObject, type PrinterColumn, type ResourceType } from './types.js';
import { metricCellsFor, metricSortValue, metricText, type MetricsSnapshot } from './metrics.js';

export { jsonPathValues };

export type CellColor = 'ok' | 'warn' | 'error' | 'muted';

/** What a cell knows beyond its object: the row's context, its context's metrics. */
export interface RowInfo {
  context?: string;
  /** the objects that sharpen a row's verdict (a Certificate's CertificateRequests and issuer, a
   * workload's pods) and the related kinds read whole, as the Problems view passes them to health */
  related?: (obj: KubeObject) => { related?: KubeObject[]; listed?: readonly string[] } | undefined;
  /** metrics.k8s.io as last read for the row's context (metrics columns only) */
  metrics?: MetricsSnapshot;
}

export interface Column {
  id: string;
  header: string;
  /** preferred width in cells; the table may shrink or grow it */
  width: number;
  align: 'left' | 'right';
  value(obj: KubeObject, now: number, row?: RowInfo): string;
  /** a sort key when the text does not sort right (numbers, ages) */
  sortValue?(obj: KubeObject, now: number, row?: RowInfo): number | string;
  /** the theme colour of the cell, when it carries a status */
  statusColor?(obj: KubeObject, now: number, row?: RowInfo): CellColor | undefined;
  /** kubectl's printer-column priority: > 0 only in a wide view */
  priority?: number;
  /**
   * Narrow terminals (a table wider than the screen). `keep`: identity (CONTEXT, NAMESPACE,
   * NAME, an event's OBJECT, KIND in a table of several kinds) and short status cells (STATUS,
   * READY, HEALTH, TYPE, SUSPENDED: every cell with a status colour): never
   * dropped, shrunk only once every other column is at its narrowest. `drop`: dropped when the
   * others need the room, the highest first (IP and NODE before metrics, before AGE, before
   * RESTARTS); a dropped column's value is still read with `w`. Neither: never dropped,
   * shrunk like any other column (free text such as MESSAGE and REASON gives its width first).
   * Declared here, once per column, for every table built from these columns.
   */
  keep?: boolean;
  drop?: number;
  /** the text changes while the object does not: a time relative to `now` (an age), or
   * data read beside the object (metrics). The filter does not search it (a row's search
   * text is built once per object); clock-driven cells are redrawn every second. */
  volatile?: 'clock' | 'data';
}

type Spec = Omit<Column, 'width' | 'align'> & { width?: number; align?: 'left' | 'right' };

function col(spec: Spec): Column {
  return { width: 10, align: 'left', ...spec };
}

/** The text of a cell, one line; never throws (a broken cell is empty). */
export function cellText(column: Column, obj: KubeObject, now: number, row?: RowInfo): string {
  try {
    return oneLine(column.value(obj, now, row));
  } catch {
    return '';
  }
}

export function cellSortValue(column: Column, obj: KubeObject, now: number, row?: RowInfo): number | string {
  try {
    return column.sortValue ? column.sortValue(obj, now, row) : cellText(column, obj, now, row);
  } catch {
    return '';
  }
}

export function cellColor(column: Column, obj: KubeObject, now: number, row?: RowInfo): CellColor | undefined {
  try {
    return column.statusColor?.(obj, now, row);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Shared columns

const NONE = '<none>';

function createdMs(o: unknown): number | undefined {
  return parseTime(str(o, 'metadata', 'creationTimestamp'));
}

export const nameColumn = col({ id: 'name', header: 'NAME', width: 40, keep: true, value: (o) => str(o, 'metadata', 'name') ?? '' });

/** Drop ranks at narrow widths (Column.drop): where a column sits among the others. */
const DROP = { ip: 6, node: 5, metrics: 4, age: 3, detail: 2, count: 1 } as const;

export const ageColumn = col({
  id: 'age',
  header: 'AGE',
  width: 7,
  align: 'right',
  volatile: 'clock',
  drop: DROP.age,
  value: (o, now) => age(str(o, 'metadata', 'creationTimestamp'), now),
  sortValue: (o, now) => {
    const t = createdMs(o);
    return t === undefined ? Number.MAX_SAFE_INTEGER : now - t;
  },
});

export function contextColumn(): Column {
  return col({ id: 'context', header: 'CONTEXT', width: 16, keep: true, value: (_o, _now, row) => row?.context ?? '' });
}

export function namespaceColumn(): Column {
  return col({ id: 'namespace', header: 'NAMESPACE', width: 16, keep: true, value: (o) => str(o, 'metadata', 'namespace') ?? '' });
}

const HEALTH_COLORS: Record<HealthStatus, CellColor> = {
  Current: 'ok',
  InProgress: 'warn',
  Failed: 'error',
  Terminating: 'warn',
  NotFound: 'error',
  Unknown: 'muted',
  Suspended: 'muted',
};

/** fleetdeck's verdict for any kind (see health.ts). */
export function healthColumn(resource?: Pick<ResourceType, 'group' | 'kind'>): Column {
  const ref = resource ? { group: resource.group, kind: resource.kind } : undefined;
  return col({
    id: 'health',
    header: 'HEALTH',
    width: 11,
    keep: true,
    // the same verdict as Problems: with the related objects (a missing ClusterIssuer is Failed here too)
    value: (o, now, row) => health(o, ref, { now, ...row?.related?.(o) }).status,
    statusColor: (o, now, row) => HEALTH_COLORS[health(o, ref, { now, ...row?.related?.(o) }).status],
  });
}

export function reasonColumn(resource?: Pick<ResourceType, 'group' | 'kind'>): Column {
  const ref = resource ? { group: resource.group, kind: resource.kind } : undefined;
  return col({ id: 'reason', header: 'REASON', width: 50, value: (o, now, row) => health(o, ref, { now, ...row?.related?.(o) }).reason, priority: 1 });
}

function ratio(a: number, b: number): string {
  return `${a}/${b}`;
}

function ratioColor(a: number, b: number): CellColor {
  return a >= b ? 'ok' : 'warn';
}

function n(o: unknown, ...path: string[]): number {
  return num(o, ...path) ?? 0;
}

function intColumn(id: string, header: string, read: (o: KubeObject) => number, drop: number = DROP.count): Column {
  return col({ id, header, width: header.length + 1, align: 'right', drop, value: (o) => String(read(o)), sortValue: (o) => read(o) });
}

// ---------------------------------------------------------------------------------------
// Pods

const POD_ERROR = /BackOff|Err|Error|Failed|OOMKilled|Evicted|Invalid|ContainerStatusUnknown|Unknown|Signal|ExitCode|DeadlineExceeded|NodeLost|UnexpectedAdmission/;
const POD_OK = new Set(['Running']);
const POD_DONE = new Set(['Completed', 'Succeeded']);

export function podStatusColor(status: string, ready: number, total: number): CellColor {
  if (POD_DONE.has(status)) return 'muted';
  if (POD_OK.has(status)) return ready >= total ? 'ok' : 'warn';
  if (POD_ERROR.test(status)) return 'error';
  return 'warn';
}

function restartsText(o: unknown, now: number): string {
  const p = podStatusText(o);
  if (p.restarts > 0 && p.lastRestartAt !== undefined) return `${p.restarts} (${humanDuration(now - p.lastRestartAt)} ago)`;
  return String(p.restarts);
}

export const podColumns: Column[] = [
  nameColumn,
  col({
    id: 'ready',
    header: 'READY',
    width: 7,
    keep: true,
    value: (o) => {
      const p = podStatusText(o);
      return ratio(p.ready, p.total);
    },
    sortValue: (o) => {
      const p = podStatusText(o);
      return p.total ? p.ready / p.total : 0;
    },
    statusColor: (o) => {
      const p = podStatusText(o);
      return ratioColor(p.ready, p.total);
    },
  }),
  col({
    id: 'status',
    header: 'STATUS',
    width: 18,
    keep: true,
    value: (o) => podStatusText(o).status,
    statusColor: (o) => {
      const p = podStatusText(o);
      return podStatusColor(p.status, p.ready, p.total);
    },
  }),
  col({ id: 'restarts', header: 'RESTARTS', width: 14, align: 'right', drop: DROP.count, value: restartsText, sortValue: (o) => podStatusText(o).restarts }),
  ageColumn,
  col({ id: 'ip', header: 'IP', width: 15, drop: DROP.ip, value: (o) => str(o, 'status', 'podIP') ?? NONE }),
  col({ id: 'node', header: 'NODE', width: 20, drop: DROP.node, value: (o) => str(o, 'spec', 'nodeName') ?? NONE }),
];

// ---------------------------------------------------------------------------------------
// Workloads

const replicas = (o: unknown): number => num(o, 'spec', 'replicas') ?? 1;

/** READY of Deployments and StatefulSets: ready/desired replicas. */
const readyReplicasColumn = col({
  id: 'ready',
  header: 'READY',
  width: 7,
  keep: true,
  value: (o) => ratio(n(o, 'status', 'readyReplicas'), replicas(o)),
  sortValue: (o) => n(o, 'status', 'readyReplicas') - replicas(o),
  statusColor: (o) => ratioColor(n(o, 'status', 'readyReplicas'), replicas(o)),
});

// Workloads: kubectl's columns, then fleetdeck's verdict (HEALTH; REASON in wide): READY 3/3
// alone hides a rollout that failed behind pods still serving (ProgressDeadlineExceeded)
const APPS = (kind: string): Pick<ResourceType, 'group' | 'kind'> => ({ group: 'apps', kind });

export const deploymentColumns: Column[] = [
  nameColumn,
  readyReplicasColumn,
  intColumn('up-to-date', 'UP-TO-DATE', (o) => n(o, 'status', 'updatedReplicas')),
  intColumn('available', 'AVAILABLE', (o) => n(o, 'status', 'availableReplicas')),
  healthColumn(APPS('Deployment')),
  ageColumn,
  reasonColumn(APPS('Deployment')),
];

/** Argo Rollouts (argoproj.io Rollout): as `kubectl argo rollouts list rollouts` shows them. */
export const argoRolloutColumns: Column[] = [
  nameColumn,
  readyReplicasColumn,
  intColumn('up-to-date', 'UP-TO-DATE', (o) => n(o, 'status', 'updatedReplicas')),
  intColumn('available', 'AVAILABLE', (o) => n(o, 'status', 'availableReplicas')),
  healthColumn({ group: 'argoproj.io', kind: 'Rollout' }),
  ageColumn,
];

export const replicaSetColumns: Column[] = [
  nameColumn,
  intColumn('desired', 'DESIRED', (o) => replicas(o), DROP.detail),
  intColumn('current', 'CURRENT', (o) => n(o, 'status', 'replicas'), DROP.detail),
  { ...intColumn('ready', 'READY', (o) => n(o, 'status', 'readyReplicas')), drop: undefined, keep: true },
  ageColumn,
];

export const statefulSetColumns: Column[] = [
  nameColumn,
  readyReplicasColumn,
  healthColumn(APPS('StatefulSet')),
  ageColumn,
  reasonColumn(APPS('StatefulSet')),
];

function nodeSelector(o: unknown): string {
  const sel = strMap(o, 'spec', 'template', 'spec', 'nodeSelector');
  const parts = Object.entries(sel).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : NONE;
}

export const daemonSetColumns: Column[] = [
  nameColumn,
  intColumn('desired', 'DESIRED', (o) => n(o, 'status', 'desiredNumberScheduled'), DROP.detail),
  intColumn('current', 'CURRENT', (o) => n(o, 'status', 'currentNumberScheduled'), DROP.detail),
  col({
    id: 'ready',
    header: 'READY',
    width: 6,
    keep: true,
    align: 'right',
    value: (o) => String(n(o, 'status', 'numberReady')),
    sortValue: (o) => n(o, 'status', 'numberReady'),
    statusColor: (o) => ratioColor(n(o, 'status', 'numberReady'), n(o, 'status', 'desiredNumberScheduled')),
  }),
  intColumn('up-to-date', 'UP-TO-DATE', (o) => n(o, 'status', 'updatedNumberScheduled')),
  intColumn('available', 'AVAILABLE', (o) => n(o, 'status', 'numberAvailable')),
  col({ id: 'node-selector', header: 'NODE SELECTOR', width: 20, drop: DROP.node, value: nodeSelector }),
  healthColumn(APPS('DaemonSet')),
  ageColumn,
  reasonColumn(APPS('DaemonSet')),
];

function jobStatus(o: unknown): string {
  const conds = arr(o, 'status', 'conditions');
  const isTrue = (t: string): boolean => conds.some((c) => str(c, 'type') === t && str(c, 'status') === 'True');
  if (isTrue('Complete')) return 'Complete';
  if (isTrue('Failed')) return 'Failed';
  if (isTrue('FailureTarget')) return 'FailureTarget';
  if (isTrue('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (isTrue('Suspended')) return 'Suspended';
  if (str(o, 'metadata', 'deletionTimestamp')) return 'Terminating';
  return 'Running';
}

const JOB_COLORS: Record<string, CellColor> = { Complete: 'muted', Failed: 'error', FailureTarget: 'error', Suspended: 'muted', Running: 'warn', Terminating: 'warn' };

function jobDurationMs(o: unknown, now: number): number | undefined {
  const start = parseTime(str(o, 'status', 'startTime'));
  if (start === undefined) return undefined;
  return (parseTime(str(o, 'status', 'completionTime')) ?? now) - start;
}

export const jobColumns: Column[] = [
  nameColumn,
  col({ id: 'status', header: 'STATUS', width: 10, keep: true, value: jobStatus, statusColor: (o) => lookup(JOB_COLORS, jobStatus(o)) }),
  col({
    id: 'completions',
    header: 'COMPLETIONS',
    width: 11,
    drop: DROP.count,
    value: (o) => {
      const completions = num(o, 'spec', 'completions');
      const succeeded = n(o, 'status', 'succeeded');
      // kubectl: no completions means "any one pod", shown as succeeded/1 (or /parallelism when > 1)
      if (completions !== undefined) return ratio(succeeded, completions);
      const parallelism = num(o, 'spec', 'parallelism') ?? 1;
      return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    },
  }),
  col({
    id: 'duration',
    header: 'DURATION',
    width: 8,
    align: 'right',
    drop: DROP.detail,
    volatile: 'clock',
    value: (o, now) => {
      const d = jobDurationMs(o, now);
      return d === undefined ? '' : humanDuration(d);
    },
    sortValue: (o, now) => jobDurationMs(o, now) ?? -1,
  }),
  ageColumn,
];

export const cronJobColumns: Column[] = [
  nameColumn,
  col({ id: 'schedule', header: 'SCHEDULE', width: 14, drop: DROP.detail, value: (o) => str(o, 'spec', 'schedule') ?? '' }),
  col({ id: 'timezone', header: 'TIMEZONE', width: 10, drop: DROP.node, value: (o) => str(o, 'spec', 'timeZone') ?? NONE }),
  col({
    id: 'suspend',
    header: 'SUSPEND',
    width: 7,
    keep: true,
    value: (o) => boolCell(at(o, 'spec', 'suspend') === true),
    statusColor: (o) => (at(o, 'spec', 'suspend') === true ? 'warn' : undefined),
  }),
  intColumn('active', 'ACTIVE', (o) => arr(o, 'status', 'active').length),
  col({
    id: 'last-schedule',
    header: 'LAST SCHEDULE',
    width: 13,
    align: 'right',
    drop: DROP.detail,
    volatile: 'clock',
    value: (o, now) => (str(o, 'status', 'lastScheduleTime') ? age(str(o, 'status', 'lastScheduleTime'), now) : NONE),
  }),
  ageColumn,
];

function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

// ---------------------------------------------------------------------------------------
// Services, config, namespaces, nodes, storage, events

function externalIp(o: unknown): string {
  const type = str(o, 'spec', 'type') ?? 'ClusterIP';
  const external = arr(o, 'spec', 'externalIPs').filter((x): x is string => typeof x === 'string');
  if (type === 'ExternalName') return str(o, 'spec', 'externalName') ?? NONE;
  if (type === 'LoadBalancer') {
    const ingress = arr(o, 'status', 'loadBalancer', 'ingress')
      .map((i) => str(i, 'ip') ?? str(i, 'hostname'))
      .filter((x): x is string => !!x);
    const all = [...ingress, ...external];
    return all.length ? all.join(',') : '<pending>';
  }
  return external.length ? external.join(',') : NONE;
}

function ports(o: unknown): string {
  const out = arr(o, 'spec', 'ports').map((p) => {
    const port = num(p, 'port');
    const nodePort = num(p, 'nodePort');
    const proto = str(p, 'protocol') ?? 'TCP';
    return `${port ?? ''}${nodePort ? `:${nodePort}` : ''}/${proto}`;
  });
  return out.length ? out.join(',') : NONE;
}

export const serviceColumns: Column[] = [
  nameColumn,
  col({ id: 'type', header: 'TYPE', width: 12, drop: DROP.detail, value: (o) => str(o, 'spec', 'type') ?? 'ClusterIP' }),
  col({ id: 'cluster-ip', header: 'CLUSTER-IP', width: 15, drop: DROP.ip, value: (o) => str(o, 'spec', 'clusterIP') ?? NONE }),
  col({
    id: 'external-ip',
    header: 'EXTERNAL-IP',
    width: 15,
    // status: a LoadBalancer's <pending> is the only sign the table gives of it not being served
    keep: true,
    value: externalIp,
    statusColor: (o) => (externalIp(o) === '<pending>' ? 'warn' : undefined),
  }),
  col({ id: 'ports', header: 'PORT(S)', width: 20, drop: DROP.detail, value: ports }),
  ageColumn,
];

function dataCount(o: unknown): number {
  return Object.keys(rec(o, 'data') ?? {}).length + Object.keys(rec(o, 'binaryData') ?? {}).length;
}

export const configMapColumns: Column[] = [nameColumn, intColumn('data', 'DATA', dataCount), ageColumn];

export const secretColumns: Column[] = [
  nameColumn,
  col({ id: 'type', header: 'TYPE', width: 30, drop: DROP.detail, value: (o) => str(o, 'type') ?? 'Opaque' }),
  // a cached Secret has no data, only its key count (SECRET_DATA_COUNT); a fetched one has data
  intColumn('data', 'DATA', (o) => (rec(o, 'data') ? Object.keys(rec(o, 'data')!).length : (num(o, SECRET_DATA_COUNT) ?? 0))),
  ageColumn,
];

/** kubectl's componentstatuses columns: STATUS (Healthy/Unhealthy), MESSAGE, ERROR of the Healthy condition */
export const componentStatusColumns: Column[] = [
  nameColumn,
  col({
    id: 'status',
    header: 'STATUS',
    width: 10,
    keep: true,
    value: (o) => (componentHealthy(o)?.status === 'True' ? 'Healthy' : 'Unhealthy'),
    statusColor: (o) => (componentHealthy(o)?.status === 'True' ? 'ok' : 'error'),
  }),
  col({ id: 'message', header: 'MESSAGE', width: 30, value: (o) => oneLine(String(componentHealthy(o)?.message ?? '')) }),
  col({ id: 'error', header: 'ERROR', width: 20, value: (o) => oneLine(String(componentHealthy(o)?.error ?? '')) }),
];

export const namespaceColumns: Column[] = [
  nameColumn,
  col({
    id: 'status',
    header: 'STATUS',
    width: 12,
    keep: true,
    value: (o) => str(o, 'status', 'phase') ?? 'Active',
    statusColor: (o) => ((str(o, 'status', 'phase') ?? 'Active') === 'Active' ? 'ok' : 'warn'),
  }),
  ageColumn,
];

function nodeStatus(o: unknown): string {
  const ready = arr(o, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready');
  const s = str(ready, 'status');
  const base = s === 'True' ? 'Ready' : s === 'False' ? 'NotReady' : 'Unknown';
  return at(o, 'spec', 'unschedulable') === true ? `${base},SchedulingDisabled` : base;
}

function nodeRoles(o: unknown): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(strMap(o, 'metadata', 'labels'))) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : NONE;
}

export const nodeColumns: Column[] = [
  nameColumn,
  col({
    id: 'status',
    header: 'STATUS',
    width: 12,
    keep: true,
    value: nodeStatus,
    statusColor: (o) => (nodeStatus(o).startsWith('Ready') ? (nodeStatus(o) === 'Ready' ? 'ok' : 'warn') : 'error'),
  }),
  col({ id: 'roles', header: 'ROLES', width: 14, drop: DROP.detail, value: nodeRoles }),
  ageColumn,
  col({ id: 'version', header: 'VERSION', width: 10, drop: DROP.node, value: (o) => str(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '' }),
];

const PVC_COLORS: Record<string, CellColor> = { Bound: 'ok', Lost: 'error' };

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

export const pvcColumns: Column[] = [
  nameColumn,
  col({
    id: 'status',
    header: 'STATUS',
    width: 8,
    keep: true,
    value: (o) => str(o, 'status', 'phase') ?? 'Pending',
    statusColor: (o) => lookup(PVC_COLORS, str(o, 'status', 'phase')) ?? 'warn',
  }),
  col({ id: 'volume', header: 'VOLUME', width: 20, drop: DROP.node, value: (o) => str(o, 'spec', 'volumeName') ?? '' }),
  col({ id: 'capacity', header: 'CAPACITY', width: 8, drop: DROP.count, value: (o) => str(o, 'status', 'capacity', 'storage') ?? '' }),
  col({
    id: 'access-modes',
    header: 'ACCESS MODES',
    width: 12,
    drop: DROP.detail,
    value: (o) =>
      arr(o, 'status', 'accessModes')
        .map((m) => (typeof m === 'string' ? (lookup(ACCESS_MODES, m) ?? m) : ''))
        .filter(Boolean)
        .join(','),
  }),
  col({ id: 'storageclass', header: 'STORAGECLASS', width: 12, drop: DROP.node, value: (o) => str(o, 'spec', 'storageClassName') ?? '' }),
  ageColumn,
];

/** When an Event was last seen (lastTimestamp, series, eventTime, creation), ms. */
export function eventLastSeen(o: unknown): number | undefined {
  return (
    parseTime(str(o, 'lastTimestamp')) ??
    parseTime(str(o, 'series', 'lastObservedTime')) ??
    parseTime(str(o, 'eventTime')) ??
    parseTime(str(o, 'deprecatedLastTimestamp')) ??
    parseTime(str(o, 'metadata', 'creationTimestamp'))
  );
}

function eventObject(o: unknown): string {
  const ref = rec(o, 'involvedObject') ?? rec(o, 'regarding');
  const kind = str(ref, 'kind') ?? '';
  return `${kind.toLowerCase()}/${str(ref, 'name') ?? ''}`;
}

export const eventColumns: Column[] = [
  col({
    id: 'last-seen',
    header: 'LAST SEEN',
    width: 9,
    align: 'right',
    drop: DROP.age,
    volatile: 'clock',
    value: (o, now) => {
      const t = eventLastSeen(o);
      return t === undefined ? '<unknown>' : humanDuration(now - t);
    },
    sortValue: (o, now) => {
      const t = eventLastSeen(o);
      return t === undefined ? Number.MAX_SAFE_INTEGER : now - t;
    },
  }),
  col({
    id: 'type',
    header: 'TYPE',
    width: 8,
    keep: true,
    value: (o) => str(o, 'type') ?? '',
    statusColor: (o) => (str(o, 'type') === 'Warning' ? 'warn' : undefined),
  }),
  col({ id: 'reason', header: 'REASON', width: 20, value: (o) => str(o, 'reason') ?? '' }),
  col({ id: 'object', header: 'OBJECT', width: 30, keep: true, value: eventObject }),
  col({ id: 'message', header: 'MESSAGE', width: 60, value: (o) => str(o, 'message') ?? str(o, 'note') ?? '' }),
];

export const crdColumns: Column[] = [
  nameColumn,
  col({ id: 'created-at', header: 'CREATED AT', width: 20, drop: DROP.age, value: (o) => str(o, 'metadata', 'creationTimestamp') ?? '' }),
];

// ---------------------------------------------------------------------------------------
// Flux

const READY_COLORS: Record<string, CellColor> = { True: 'ok', False: 'error', Unknown: 'warn' };

export function fluxColumns(kind: string): Column[] {
  return [
    nameColumn,
    col({
      id: 'ready',
      header: 'READY',
      width: 7,
      keep: true,
      value: (o, now) => fluxSummary(o, kind, now).ready,
      statusColor: (o, now) => lookup(READY_COLORS, fluxSummary(o, kind, now).ready),
    }),
    // status, as `flux get` always shows it: a suspended object reads READY True
    col({
      id: 'suspended',
      header: 'SUSPENDED',
      width: 9,
      keep: true,
      value: (o) => boolCell(at(o, 'spec', 'suspend') === true),
      statusColor: (o) => (at(o, 'spec', 'suspend') === true ? 'warn' : undefined),
    }),
    col({ id: 'revision', header: 'REVISION', width: 24, drop: DROP.detail, value: (o, now) => fluxSummary(o, kind, now).revision }),
    ageColumn,
    col({ id: 'message', header: 'MESSAGE', width: 60, value: (o, now) => fluxSummary(o, kind, now).message }),
  ];
}

// ---------------------------------------------------------------------------------------
// CRD printer columns

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/** Printer columns that say how the object is doing in a word (kept at narrow widths, shrunk last). */
const PRINTER_STATUS = /^(ready|available|reconciled|phase|state|health|sync status|health status)$/i;
/**
 * Printer columns of free text about a problem: never dropped, they give their width first
 * (cert-manager's Status is the Ready condition's message, CloudNativePG's a sentence).
 */
const PRINTER_PROBLEM_TEXT = /^(status|message|reason|status message|error)$/i;

/** A printer column's place at narrow widths (Column.keep/drop), from its name, type and priority. */
function printerNarrow(pc: PrinterColumn): Pick<Column, 'keep' | 'drop'> {
  if (PRINTER_STATUS.test(pc.name)) return { keep: true };
  if (PRINTER_PROBLEM_TEXT.test(pc.name)) return {};
  if (pc.type === 'date') return { drop: DROP.age };
  return { drop: (pc.priority ?? 0) > 0 ? DROP.node : DROP.detail };
}

function printerColumn(pc: PrinterColumn): Column {
  const isDate = pc.type === 'date';
  const numeric = pc.type === 'integer' || pc.type === 'number';
  const header = pc.name.toUpperCase();
  return col({
    id: `printer:${pc.name}`,
    header,
    width: Math.max(header.length, isDate ? 7 : numeric ? 5 : 12),
    align: numeric || isDate ? 'right' : 'left',
    priority: pc.priority ?? 0,
    ...printerNarrow(pc),
    volatile: isDate ? 'clock' : undefined,
    value: (o, now) => {
      const values = jsonPathValues(o, pc.jsonPath);
      if (values.length === 0) return '';
      if (isDate) return age(values[0], now);
      return values.map(scalarText).join(',');
    },
    sortValue: (o, now) => {
      const first = jsonPathValues(o, pc.jsonPath)[0];
      if (isDate) {
        const t = parseTime(first);
        return t === undefined ? Number.MAX_SAFE_INTEGER : now - t;
      }
      if (numeric) return typeof first === 'number' ? first : Number.NEGATIVE_INFINITY;
      return scalarText(first ?? '');
    },
    statusColor: pc.name === 'Ready' || pc.name === 'Available' || pc.name === 'Reconciled'
      ? (o) => lookup(READY_COLORS, scalarText(jsonPathValues(o, pc.jsonPath)[0]))
      : undefined,
  });
}

// ---------------------------------------------------------------------------------------
// The views that build their own rows (Fleet, Problems, Flux): what their cells say is the
// view's, where each column goes at narrow widths is declared here with every other table's

/** A column's place at narrow widths (Column.keep/drop), for a table whose values a view computes. */
export type NarrowPlace = Pick<Column, 'keep' | 'drop'>;

/**
 * By header. Fleet: the context and every column that counts a problem stay (STATE, WORKLOADS,
 * FLUX, CRS, PROBLEMS); VERSION, TREND, LATENCY, NODES, PODS R/P/F, PODS FAILING (its pods
 * count in PROBLEMS too) give way in that order; LAST ERROR (free text) gives its width first.
 * Problems and Flux mix kinds, so KIND is identity there (`podinfo` is a Deployment and a
 * HelmRelease). Problems: identity and STATUS stay; SINCE goes; REASON gives its width first.
 * Flux: identity, READY and SUSPENDED (a suspended object reads READY True) stay; DEPENDS ON,
 * SOURCE, LAST RECONCILE, REVISION go in that order; MESSAGE gives its width first. A header
 * missing here is a type error in the view.
 */
export const VIEW_COLUMNS = {
  fleet: {
    CONTEXT: { keep: true }, STATE: { keep: true }, LATENCY: { drop: 4 }, VERSION: { drop: 6 }, NODES: { drop: 3 }, 'PODS R/P/F': { drop: 2 },
    'PODS FAILING': { drop: 1 }, WORKLOADS: { keep: true }, 'FLUX OK/FAIL/SUSP': { keep: true }, CRS: { keep: true }, PROBLEMS: { keep: true }, TREND: { drop: 5 },
    'LAST ERROR': {},
  },
  problems: {
    CONTEXT: { keep: true }, KIND: { keep: true }, NAMESPACE: { keep: true }, NAME: { keep: true }, STATUS: { keep: true }, SINCE: { drop: 1 }, REASON: {},
  },
  flux: {
    KIND: { keep: true }, CONTEXT: { keep: true }, 'NAMESPACE/NAME': { keep: true }, READY: { keep: true }, SUSPENDED: { keep: true }, REVISION: { drop: 1 },
    'LAST RECONCILE': { drop: 2 }, SOURCE: { drop: 3 }, 'DEPENDS ON': { drop: 4 }, MESSAGE: {},
  },
} as const satisfies Record<string, Record<string, NarrowPlace>>;

/** A view's column header with its declared place at narrow widths (VIEW_COLUMNS). */
export function viewColumn<V extends keyof typeof VIEW_COLUMNS>(view: V, header: keyof (typeof VIEW_COLUMNS)[V] & string): { header: string } & NarrowPlace {
  const place: NarrowPlace = (VIEW_COLUMNS[view] as Record<string, NarrowPlace>)[header];
  return { header, ...place };
}

// ---------------------------------------------------------------------------------------
// The table

/** The columns of a kind, most important first (priority > 0: wide view only). */
export function columnsFor(resource: Pick<ResourceType, 'group' | 'kind'> & Partial<ResourceType>): Column[] {
  // the kind registry (src/model/kinds.ts) names a kind's columns; Flux kinds share a set
  const declared = kindEntry(resource.group, resource.kind)?.columns?.();
  if (declared) return declared;
  if (isFluxGroup(resource.group)) return fluxColumns(resource.kind);
  const printer = (resource.printerColumns ?? []).filter((pc) => isRecord(pc) && typeof pc.name === 'string' && typeof pc.jsonPath === 'string');
  const ref = { group: resource.group, kind: resource.kind };
  if (printer.length) return [nameColumn, ...printer.map(printerColumn), healthColumn(ref)];
  return [nameColumn, healthColumn(ref), ageColumn, reasonColumn(ref)];
}

/**
 * CPU/MEM columns of a kind from metrics.k8s.io (src/model/metrics.ts): pods, nodes and
 * workloads; none for other kinds. The request/limit shares of pods are wide-only.
 */
export function metricsColumns(kind: string): Column[] {
  return metricCellsFor(kind).map(({ cell, header, wide }) =>
    col({
      id: `metrics:${cell}`,
      header,
      width: Math.max(header.length, 7),
      align: 'right',
      priority: wide ? 1 : 0,
      drop: DROP.metrics,
      volatile: 'data',
      value: (o, _now, row) => metricText(row?.metrics, kind, o, cell),
      sortValue: (o, _now, row) => metricSortValue(row?.metrics, kind, o, cell),
      statusColor: (o, _now, row) => {
        const text = metricText(row?.metrics, kind, o, cell);
        if (text === 'n/a' || text === '…') return 'muted';
        // a share at or above 90% of what was requested, limited or allocatable
        return text.endsWith('%') && Number(text.slice(0, -1)) >= 90 ? 'warn' : undefined;
      },
    }),
  );
}

/** Columns shown at a given width class: all for wide, priority 0 only otherwise. */
export function visibleColumns(columns: Column[], wide: boolean): Column[] {
  return wide ? columns : columns.filter((c) => !c.priority);
}
