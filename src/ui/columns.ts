// Table rows and columns for any kind. Per-kind columns are data (KIND_COLUMNS); CRDs use
// their additionalPrinterColumns; CONTEXT and NAMESPACE are added by the scope.
import type { Role } from '../config/theme.js';
import { arr, at, isRecord, num, str, strMap } from '../model/access.js';
import { age } from '../model/format.js';
import { podStatusText } from '../model/health/pod-status.js';
import type { KubeObject, PrinterColumn, ResourceType } from '../model/types.js';
import type { Column } from './widgets/table.js';

export interface Row {
  context: string;
  resource: string;
  obj: KubeObject;
  /** `ctx/ns/name`: identity across updates and the filter's search key */
  key: string;
  labels?: Record<string, string>;
}

export function rowOf(context: string, resource: string, obj: KubeObject): Row {
  const ns = obj.metadata.namespace ?? '';
  return { context, resource, obj, key: `${context}/${ns}/${obj.metadata.name}`, labels: obj.metadata.labels };
}

const OK = /^(Running|Succeeded|Completed|True|Ready|Active|Bound|Available|Healthy|Synced|Cluster in healthy state|Normal)$/i;
const BAD = /(Err|Fail|BackOff|Crash|OOM|Evicted|False|Invalid|Unhealthy|Degraded|Lost|Warning|Unknown)/i;
const WORKING = /(Pending|Creating|Init|Terminating|Progressing|Reconciling|Waiting|Syncing)/i;

/** Colour of a status-like cell. */
export function statusRole(value: string): Role | undefined {
  if (OK.test(value)) return 'status.ok';
  if (BAD.test(value)) return 'status.error';
  if (WORKING.test(value)) return 'status.warn';
  return undefined;
}

/** kubectl's `x/y` cells are fine when x equals y. */
function ratioRole(value: string): Role | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) return undefined;
  return m[1] === m[2] ? 'status.ok' : 'status.warn';
}

type KindColumn = Omit<Column<Row>, 'value'> & { value(obj: KubeObject, now: number): string };

const dash = (v: string | number | undefined): string => (v === undefined || v === '' ? '<none>' : String(v));

const KIND_COLUMNS: Record<string, KindColumn[]> = {
  pods: [
    { header: 'READY', value: (o) => { const p = podStatusText(o); return `${p.ready}/${p.total}`; }, role: (_r, v) => ratioRole(v) },
    { header: 'STATUS', value: (o) => podStatusText(o).status, role: (_r, v) => statusRole(v) },
    { header: 'RESTARTS', align: 'right', value: (o) => String(podStatusText(o).restarts), role: (_r, v) => (v !== '0' ? 'status.warn' : undefined) },
    { header: 'IP', value: (o) => dash(str(o, 'status', 'podIP')) },
    { header: 'NODE', value: (o) => dash(str(o, 'spec', 'nodeName')) },
  ],
  'deployments.apps': [
    { header: 'READY', value: (o) => `${num(o, 'status', 'readyReplicas') ?? 0}/${num(o, 'spec', 'replicas') ?? 1}`, role: (_r, v) => ratioRole(v) },
    { header: 'UP-TO-DATE', align: 'right', value: (o) => String(num(o, 'status', 'updatedReplicas') ?? 0) },
    { header: 'AVAILABLE', align: 'right', value: (o) => String(num(o, 'status', 'availableReplicas') ?? 0) },
  ],
  events: [
    { header: 'TYPE', value: (o) => dash(str(o, 'type')), role: (_r, v) => (v === 'Warning' ? 'status.warn' : undefined) },
    { header: 'REASON', value: (o) => dash(str(o, 'reason')) },
    { header: 'OBJECT', value: (o) => `${(str(o, 'involvedObject', 'kind') ?? '').toLowerCase()}/${str(o, 'involvedObject', 'name') ?? ''}` },
    { header: 'MESSAGE', maxWidth: 80, value: (o) => (str(o, 'message') ?? '').replace(/\s+/g, ' ') },
  ],
  namespaces: [{ header: 'STATUS', value: (o) => str(o, 'status', 'phase') ?? 'Active', role: (_r, v) => statusRole(v) }],
  secrets: [
    { header: 'TYPE', value: (o) => dash(str(o, 'type')) },
    { header: 'DATA', align: 'right', value: (o) => String(Object.keys(strMap(o, 'data')).length) },
  ],
};

/** Enough JSONPath for printer columns: `.a.b`, `[0]`, `[?(@.type=="Ready")]`. */
export function evalJsonPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_]+)\s*==\s*["']([^"']*)["']\)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) cur = at(cur, m[1]);
    else if (m[2] !== undefined) cur = at(cur, Number(m[2]));
    else cur = arr(cur).find((x) => isRecord(x) && x[m![3]] === m![4]);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function printerColumn(pc: PrinterColumn): KindColumn {
  const header = pc.name.toUpperCase();
  if (pc.type === 'date') return { header, value: (o, now) => age(evalJsonPath(o, pc.jsonPath), now) };
  return {
    header,
    maxWidth: 50,
    align: pc.type === 'integer' || pc.type === 'number' ? 'right' : 'left',
    value: (o) => {
      const v = evalJsonPath(o, pc.jsonPath);
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    },
    role: (_r, v) => statusRole(v),
  };
}

const GENERIC_STATUS: KindColumn = {
  header: 'STATUS',
  value: (o) => str(o, 'status', 'phase') ?? (arr(o, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready') ? `Ready=${str(evalJsonPath(o, '.status.conditions[?(@.type=="Ready")]'), 'status')}` : ''),
  role: (_r, v) => statusRole(v.replace(/^Ready=/, '')),
};

export interface Scope {
  /** more than one context selected: show CONTEXT */
  multiContext: boolean;
  /** all namespaces: show NAMESPACE */
  allNamespaces: boolean;
}

/** The columns of a resource type's table in a scope; `now` is read per frame for ages. */
export function tableColumns(rt: ResourceType, scope: Scope, now: () => number): Column<Row>[] {
  const key = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
  const kind = KIND_COLUMNS[key] ?? (rt.printerColumns?.length ? rt.printerColumns.filter((p) => !p.priority).map(printerColumn) : [GENERIC_STATUS]);
  const cols: Column<Row>[] = [];
  if (scope.multiContext) cols.push({ header: 'CONTEXT', maxWidth: 24, value: (r) => r.context, role: () => 'table.context' });
  if (scope.allNamespaces && rt.namespaced) cols.push({ header: 'NAMESPACE', maxWidth: 24, value: (r) => r.obj.metadata.namespace ?? '' });
  cols.push({ header: 'NAME', maxWidth: 50, value: (r) => r.obj.metadata.name });
  for (const k of kind) cols.push({ ...k, value: (r) => k.value(r.obj, now()) });
  if (!kind.some((k) => k.header === 'AGE')) cols.push({ header: 'AGE', width: 6, value: (r) => age(r.obj.metadata.creationTimestamp, now()) });
  return cols;
}
