// What the caches keep of an object: everything a view reads, minus the bulk nobody reads
// in a table (managedFields, the last-applied copy of the whole object), minus Secret
// payloads, which are fetched on demand so they never sit in memory or in a dump, and for
// pods (the bulk of a fleet: 10k per cluster is common) only the spec and container status
// fields the columns, health, trees, logs, exec/port-forward and metrics read. The views
// that show an object whole (YAML, describe, edit) GET it from the API. Repeated strings
// (namespaces, labels, images, node names, owner references, condition types, times) are
// interned, so 10k pods of one Deployment share one copy of each.
import { SECRET_DATA_COUNT, type KubeObject } from '../model/types.js';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/** A copy of `o` without `key`: a fresh object keeps V8's fast properties, where `delete`
 * would turn a cached object into a slower, larger dictionary-mode one. */
function without<T extends object>(o: T, key: string): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (k !== key) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of `o` with only the keys `keep` accepts, in its own key order (anything not an object unchanged). */
function pick(o: unknown, keep: (k: string, v: unknown) => boolean): unknown {
  if (!isObject(o)) return o;
  const out: Record<string, unknown> = {};
  for (const k in o) if (keep(k, o[k])) out[k] = o[k];
  return out;
}

/** Each object of an array through `pick` (anything not an array unchanged). */
function pickEach(list: unknown, keep: (k: string, v: unknown) => boolean): unknown {
  return Array.isArray(list) ? list.map((x) => pick(x, keep)) : list;
}

const keys = (names: string[]): ((k: string) => boolean) => {
  const set = new Set(names);
  return (k) => set.has(k);
};

// What of a pod's spec is read from the cache: NODE (nodeName), the scheduler's nomination,
// containers for READY's total, logs' and exec's container lists, port-forward's ports, the
// metrics columns' requests/limits, sidecar init containers (restartPolicy), images (compare,
// changes), finalizers (Terminating). Volumes, env, probes, mounts, tolerations, affinity and
// the rest are not: the YAML and describe views GET the pod.
const POD_SPEC = keys(['nodeName', 'nominatedNodeName', 'containers', 'initContainers', 'ephemeralContainers', 'restartPolicy', 'priorityClassName', 'finalizers']);
const POD_CONTAINER = keys(['name', 'image', 'ports', 'resources', 'restartPolicy']);
const POD_CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
// Of its status: the phase, reason and message (STATUS, health), the conditions health and
// STATUS read (Ready, PodScheduled, Initialized, see readCondition; Reconciling and Stalled as for any kind), IP
// and the container statuses. startTime, hostIP(s), podIPs and qosClass are unread.
const POD_STATUS = keys(['phase', 'reason', 'message', 'conditions', 'podIP', 'nominatedNodeName', 'observedGeneration', 'containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']);
const POD_CONDITIONS = new Set(['Ready', 'PodScheduled', 'Initialized', 'Reconciling', 'Stalled']);

/** Whether a condition of this pod status is read: PodScheduled only while the pod is Pending
 * (why it waits, and since when), Initialized only while init containers run or failed (a
 * True one then decides STATUS); any of them when it is not True. */
function readCondition(c: Record<string, unknown>, status: Record<string, unknown>): boolean {
  const type = c.type as string;
  if (!POD_CONDITIONS.has(type)) return false;
  if (c.status !== 'True') return true;
  if (type === 'PodScheduled') return status.phase === 'Pending';
  if (type === 'Initialized') return Array.isArray(status.initContainerStatuses) && status.initContainerStatuses.length > 0;
  return true;
}
// Of a container status, what READY, STATUS, RESTARTS, health and exec read: its name, state,
// lastState (when it holds one: an empty one reads as none), ready, restartCount, and started
// for init containers (a started sidecar counts as ready). imageID, containerID and image are
// unread; so is the time a running container started.
const CONTAINER_STATUS_KEYS = new Set(['name', 'ready', 'restartCount', 'state', 'lastState']);
const CONTAINER_STATUS = (k: string, v: unknown): boolean => CONTAINER_STATUS_KEYS.has(k) && !(k === 'lastState' && isObject(v) && Object.keys(v).length === 0);
const INIT_CONTAINER_STATUS = (k: string, v: unknown): boolean => k === 'started' || CONTAINER_STATUS(k, v);
/** What every running container's state reads as once its start time is dropped: one shared copy. */
const RUNNING: Readonly<Record<string, unknown>> = Object.freeze({ running: Object.freeze({}) });

function containerStatuses(list: unknown, keep: (k: string, v: unknown) => boolean): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((c) => {
    const out = pick(c, keep);
    if (isObject(out) && isObject(out.state) && isObject(out.state.running)) {
      let only = true;
      for (const k in out.state) if (k !== 'running') only = false;
      if (only) out.state = RUNNING;
    }
    return out;
  });
}

/** The pod as cached: a fresh object (its root sized for exactly the keys it holds). */
function projectPod(o: KubeObject): KubeObject {
  let spec = o.spec;
  if (isObject(spec)) {
    const s = pick(spec, POD_SPEC) as Record<string, unknown>;
    for (const k of POD_CONTAINER_LISTS) if (s[k] !== undefined) s[k] = pickEach(s[k], POD_CONTAINER);
    spec = s;
  }
  let status = o.status;
  if (isObject(status)) {
    const st = pick(status, POD_STATUS) as Record<string, unknown>;
    if (st.containerStatuses !== undefined) st.containerStatuses = containerStatuses(st.containerStatuses, CONTAINER_STATUS);
    if (st.initContainerStatuses !== undefined) st.initContainerStatuses = containerStatuses(st.initContainerStatuses, INIT_CONTAINER_STATUS);
    if (st.ephemeralContainerStatuses !== undefined) st.ephemeralContainerStatuses = containerStatuses(st.ephemeralContainerStatuses, CONTAINER_STATUS);
    const conditions = st.conditions;
    if (Array.isArray(conditions)) st.conditions = conditions.filter((c) => !isObject(c) || readCondition(c, st));
    status = st;
  }
  const out: KubeObject = { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec, status };
  shareWithSiblings(out);
  return out;
}

// --- sharing with the sibling pods -------------------------------------------------------

/** Deep equality of JSON values. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!same(x[k], y[k])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

interface SiblingParts {
  ownerReferences?: unknown;
  labels?: unknown;
  containers?: unknown;
  initContainers?: unknown;
  conditions?: unknown;
  containerStatuses?: unknown;
}

/** The parts the last pod of each controller (by its uid) was cached with; dropped and started
 * again past SIBLINGS_MAX owners (it only decides what is shared). */
const SIBLINGS_MAX = 100_000;
let siblings = new Map<string, SiblingParts>();

/**
 * The pods of one ReplicaSet, StatefulSet, DaemonSet or Job are stamped from one template:
 * their owner references, usually their labels and their containers are equal, and once
 * projected (no container ids, no start times) so are the container statuses of its healthy
 * pods; conditions are equal when the pods changed state in the same second. A pod whose part
 * equals the part its controller's last pod was cached with takes that one instead of its own
 * copy (cached objects are never changed in place: a change replaces the object).
 */
function shareWithSiblings(o: KubeObject): void {
  const owners = o.metadata.ownerReferences;
  if (!Array.isArray(owners)) return;
  const uid = owners.find((r) => isObject(r) && r.controller === true)?.uid;
  if (typeof uid !== 'string') return;
  let parts = siblings.get(uid);
  if (!parts) {
    if (siblings.size >= SIBLINGS_MAX) siblings = new Map();
    siblings.set(uid, (parts = {}));
  }
  const share = (held: unknown, own: unknown, set: (v: unknown) => void, remember: (v: unknown) => void): void => {
    if (own === undefined) return;
    if (held !== undefined && same(held, own)) set(held);
    else remember(own);
  };
  const m = o.metadata;
  share(parts.ownerReferences, m.ownerReferences, (v) => (m.ownerReferences = v as typeof m.ownerReferences), (v) => (parts.ownerReferences = v));
  share(parts.labels, m.labels, (v) => (m.labels = v as typeof m.labels), (v) => (parts.labels = v));
  const spec = o.spec;
  if (isObject(spec)) {
    share(parts.containers, spec.containers, (v) => (spec.containers = v), (v) => (parts.containers = v));
    share(parts.initContainers, spec.initContainers, (v) => (spec.initContainers = v), (v) => (parts.initContainers = v));
  }
  const status = o.status;
  if (isObject(status)) {
    share(parts.conditions, status.conditions, (v) => (status.conditions = v), (v) => (parts.conditions = v));
    share(parts.containerStatuses, status.containerStatuses, (v) => (status.containerStatuses = v), (v) => (parts.containerStatuses = v));
  }
}

// --- interning ---------------------------------------------------------------------------

/** Strings longer than this are not interned (messages, scripts, JSON in annotations). */
const INTERN_MAX = 128;
/** The table is dropped and started again past this many strings (it holds no object, only
 * strings; what was interned stays shared). */
const INTERN_TABLE_MAX = 200_000;
let table = new Map<string, string>();

/** The one copy of `s` the caches share. */
export function intern(s: string): string {
  const hit = table.get(s);
  if (hit !== undefined) return hit;
  if (table.size >= INTERN_TABLE_MAX) table = new Map();
  table.set(s, s);
  return s;
}

// Values unique to one object are not worth a table entry: the object's own name, uid and
// resourceVersion, and pod IPs.
const UNIQUE_IN_METADATA = new Set(['name', 'uid', 'resourceVersion']);
const UNIQUE = new Set(['podIP', 'ip']);

/** Replaces the strings of a parsed value by their interned copies, in place. */
function internAll(v: Record<string, unknown> | unknown[], skip: ReadonlySet<string>): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'string') {
        if (x.length <= INTERN_MAX) v[i] = intern(x);
      } else if (x !== null && typeof x === 'object') internAll(x as Record<string, unknown>, UNIQUE);
    }
    return;
  }
  for (const k in v) {
    const x = v[k];
    if (typeof x === 'string') {
      if (x.length <= INTERN_MAX && !skip.has(k)) v[k] = intern(x);
    } else if (x !== null && typeof x === 'object') internAll(x as Record<string, unknown>, k === 'metadata' && skip !== UNIQUE_IN_METADATA ? UNIQUE_IN_METADATA : UNIQUE);
  }
}

/** Strips the object (it was just parsed and belongs to the cache) and returns what the cache
 * keeps: the object itself (its metadata may be replaced by a stripped copy), or for a pod a
 * fresh object with only what is read. */
export function project(o: KubeObject, resourceKey: string): KubeObject {
  let m = o.metadata;
  if (m) {
    if (m.managedFields !== undefined) m = without(m, 'managedFields');
    const annotations = m.annotations;
    if (annotations && annotations[lastApplied] !== undefined) {
      if (m === o.metadata) m = { ...m };
      m.annotations = without(annotations, lastApplied);
    }
    if (m !== o.metadata) o.metadata = m;
  }
  if (resourceKey === 'secrets') {
    // the count of keys stays (the DATA column, as kubectl prints it); never a value
    const count = o.data && typeof o.data === 'object' ? Object.keys(o.data).length : 0;
    delete o.data;
    delete o.stringData;
    o[SECRET_DATA_COUNT] = count;
  }
  const out = resourceKey === 'pods' ? projectPod(o) : o;
  internAll(out as Record<string, unknown>, UNIQUE);
  return out;
}

const MANAGED = '"managedFields":[';

/** Index just past the string starting at s[i] (a quote), or -1. */
function skipString(s: string, i: number): number {
  for (;;) {
    const q = s.indexOf('"', i + 1);
    if (q < 0) return -1;
    let b = q - 1;
    while (s.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q;
  }
}

/** True when the last string before `i` is the key `name` directly followed by `:` at i-1. */
function keyBefore(s: string, strStart: number, strEnd: number, i: number, name: string): boolean {
  return strEnd === strStart + name.length + 2 && i === strEnd + 1 && s.charCodeAt(strEnd) === 58 && s.startsWith(name, strStart + 1);
}

/**
 * [start, end) of `"managedFields":[...]` when it is the key of the watch event's
 * object.metadata (compact JSON, as API servers write it), else undefined. The text before
 * it is scanned for that path, so a field of the same name elsewhere is never touched.
 */
function managedFieldsSpan(s: string): [number, number] | undefined {
  const at = s.indexOf(MANAGED);
  if (at < 0) return undefined;
  let depth = 0;
  // whether the open depth-2 object is the event's "object", the depth-3 one its "metadata"
  let inObject = false;
  let inMetadata = false;
  let strStart = -1;
  let strEnd = -1;
  let i = 0;
  while (i < at) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      const e = skipString(s, i);
      if (e < 0) return undefined;
      strStart = i;
      strEnd = e;
      i = e;
      continue;
    }
    if (c === 123 || c === 91) {
      depth++;
      if (depth === 2) inObject = c === 123 && keyBefore(s, strStart, strEnd, i, 'object');
      else if (depth === 3) inMetadata = inObject && c === 123 && keyBefore(s, strStart, strEnd, i, 'metadata');
    } else if (c === 125 || c === 93) {
      depth--;
    }
    i++;
  }
  if (i !== at || depth !== 3 || !inMetadata) return undefined;
  // the array's end: brackets outside strings
  let d = 0;
  i = at + MANAGED.length - 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      i = skipString(s, i);
      if (i < 0) return undefined;
      continue;
    }
    if (c === 123 || c === 91) d++;
    else if ((c === 125 || c === 93) && --d === 0) return [at, i + 1];
    i++;
  }
  return undefined;
}

/**
 * JSON.parse of one watch event line, with object.metadata.managedFields cut out of the text
 * first: on a real API server it is often the larger half of an object, and never parsing
 * it saves its parse time and its garbage on the hottest path.
 */
export function parseWatchLine(line: string): unknown {
  const span = managedFieldsSpan(line);
  if (span) {
    const [a, b] = span;
    if (line.charCodeAt(a - 1) === 44) line = line.slice(0, a - 1) + line.slice(b);
    else if (line.charCodeAt(b) === 44) line = line.slice(0, a) + line.slice(b + 1);
    else line = line.slice(0, a) + line.slice(b);
  }
  return JSON.parse(line);
}
