// Changes: a fleet-wide timeline of what changed, newest first, built from what the API
// keeps on the objects themselves plus what the watches saw while fleetdeck ran:
// - rollouts: a Deployment's ReplicaSets (revision annotation, creationTimestamp, pod
//   template) and a StatefulSet's/DaemonSet's ControllerRevisions, with the image change
//   from the previous revision; a re-used ReplicaSet (revision-history annotation) is a
//   rollback, timed by the Deployment's Progressing condition naming it;
// - Flux: a Kustomization's status.history (Flux 2.7+: revision, firstReconciled, status),
//   else its Ready condition's lastTransitionTime; Ready=False is a failed revision
//   (lastAttemptedRevision); a source's artifact (revision, lastUpdateTime); a HelmRelease's
//   status.history (install, upgrade, failed, rollback, each with chart versions);
// - creations (creationTimestamp) and deletions requested (deletionTimestamp) of the kinds
//   given, Warning events grouped by object and reason (count summed, newest time), HPA
//   rescale events;
// - from the watches (observeChange): deletions and scale changes, which the API does not record.
// Pure: the caller passes the objects, the observed rows and the clock.
import { arr, condition, isRecord, num, rec, str, strMap } from './access.js';
import { parseTime } from './format.js';
import { groupOf, kindOf, ownerRefs, type ObjRef } from './tree.js';
import { mergeSameCluster, type SameCluster } from './same-cluster.js';

export type ChangeType =
  | 'rollout'
  | 'rollback'
  | 'scale'
  | 'flux-applied'
  | 'flux-failed'
  | 'source-revision'
  | 'helm-install'
  | 'helm-upgrade'
  | 'helm-rollback'
  | 'helm-failed'
  | 'created'
  | 'deleting'
  | 'deleted'
  | 'warning';

export interface ChangeRow {
  context: string;
  kind: string;
  namespace: string;
  name: string;
  change: ChangeType;
  /** one line: 'image cart-api: ghcr.io/acme/cart-api:1.5.0 → ghcr.io/acme/cart-api:1.6.0-bad' */
  what: string;
  from?: string;
  to?: string;
  /** ISO time of the change */
  at: string;
  /** epoch ms of `at` */
  atMs: number;
  /** Warning events: how many times it happened in the window's group */
  count?: number;
  /** where the row comes from: the object's own record ('status.history', 'ReplicaSet x', 'events', ...) or 'watch' */
  evidence: string;
  /** the same change seen through several contexts of one cluster (changesOnce): all of them, `context` first */
  contexts?: string[];
}

/**
 * Rows seen through several contexts that reach one cluster (same-cluster.ts), once: the same
 * object, change, text and second are one row naming every context that saw it (`contexts`,
 * in the selection's `order`). Rows stay in their order; other clusters are never merged.
 */
export function changesOnce(rows: readonly ChangeRow[], same: ReadonlyMap<string, SameCluster>, order: readonly string[]): ChangeRow[] {
  if (same.size === 0) return [...rows];
  const merged = mergeSameCluster(rows, same, (r) => `${r.kind}\u0000${r.namespace}\u0000${r.name}\u0000${r.change}\u0000${r.what}\u0000${Math.round(r.atMs / 1000)}`, order);
  return merged.map((m) => {
    const { contexts, ...row } = m;
    return contexts.length > 1 ? { ...row, context: contexts[0], contexts } : row;
  });
}

/** One context's objects, as listed (kinds carried by the objects or their ObjRef). */
export interface ChangesInput {
  context: string;
  objects: ObjRef[];
  /** core/v1 Events (or events.k8s.io) of the context */
  events: KubeEventLike[];
}

export type KubeEventLike = { [key: string]: unknown };

export interface ChangesFilter {
  /** epoch ms: rows at or after this */
  since: number;
  contexts?: string[];
  namespace?: string;
  /** kinds (case-insensitive, e.g. 'Deployment', 'kustomization') */
  kinds?: string[];
}

/** Kinds whose creation is not a change worth a row: their creation is a rollout, a pod churn or bookkeeping. */
export const NOT_CREATION_ROWS: ReadonlySet<string> = new Set(['ReplicaSet', 'ControllerRevision', 'Pod', 'Event', 'EndpointSlice', 'Endpoints', 'Lease', 'Job', 'HelmChart']);

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket']);

function nsOf(o: unknown): string {
  return str(o, 'metadata', 'namespace') ?? '';
}
function nameOf(o: unknown): string {
  return str(o, 'metadata', 'name') ?? '';
}

function row(context: string, ref: { kind: string; namespace: string; name: string }, change: ChangeType, what: string, at: string | undefined, evidence: string, extra: Partial<ChangeRow> = {}): ChangeRow | undefined {
  const atMs = parseTime(at);
  if (at === undefined || atMs === undefined) return undefined;
  return { context, kind: ref.kind, namespace: ref.namespace, name: ref.name, change, what, at, atMs, evidence, ...extra };
}

function images(template: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of [...arr(template, 'spec', 'initContainers'), ...arr(template, 'spec', 'containers')]) {
    const n = str(c, 'name');
    const i = str(c, 'image');
    if (n && i) out.set(n, i);
  }
  return out;
}

/** 'image web: a → b; image sidecar added (c)'; '' when the images are the same. */
export function imageChange(before: unknown, after: unknown): { text: string; from?: string; to?: string } {
  const a = images(before);
  const b = images(after);
  const parts: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  for (const [n, img] of b) {
    const old = a.get(n);
    if (old === undefined) parts.push(`container ${n} added (${img})`);
    else if (old !== img) {
      parts.push(`image ${n}: ${old} → ${img}`);
      from ??= old;
      to ??= img;
    }
  }
  for (const [n, img] of a) if (!b.has(n)) parts.push(`container ${n} removed (${img})`);
  return { text: parts.join('; '), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function isControlledBy(o: unknown, uid: string | undefined): boolean {
  return uid !== undefined && ownerRefs(o).some((r) => r.uid === uid && r.controller === true);
}

interface Rev {
  revision: number;
  name: string;
  created?: string;
  template: unknown;
  history: string[];
}

function deploymentRevisions(d: ObjRef, replicaSets: ObjRef[]): Rev[] {
  const uid = str(d.object, 'metadata', 'uid');
  const out: Rev[] = [];
  for (const rs of replicaSets) {
    if (!isControlledBy(rs.object, uid)) continue;
    const ann = strMap(rs.object, 'metadata', 'annotations');
    const r = Number.parseInt(ann[REVISION] ?? '', 10);
    if (!Number.isFinite(r)) continue;
    out.push({ revision: r, name: nameOf(rs.object), created: str(rs.object, 'metadata', 'creationTimestamp'), template: rec(rs.object, 'spec', 'template'), history: (ann[REVISION_HISTORY] ?? '').split(',').filter(Boolean) });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

function controllerRevisions(w: ObjRef, crs: ObjRef[]): Rev[] {
  const uid = str(w.object, 'metadata', 'uid');
  return crs
    .filter((cr) => isControlledBy(cr.object, uid))
    .map((cr) => ({ revision: num(cr.object, 'revision') ?? 0, name: nameOf(cr.object), created: str(cr.object, 'metadata', 'creationTimestamp'), template: rec(cr.object, 'data', 'spec', 'template'), history: [] }))
    .sort((a, b) => a.revision - b.revision);
}

function rolloutRows(context: string, w: ObjRef, revs: Rev[], kindOfRev: string): ChangeRow[] {
  const out: ChangeRow[] = [];
  const ref = { kind: kindOf(w), namespace: nsOf(w.object), name: nameOf(w.object) };
  const progressing = condition(w.object, 'Progressing') as (ReturnType<typeof condition> & { lastUpdateTime?: string }) | undefined;
  for (let i = 0; i < revs.length; i++) {
    const r = revs[i];
    const prev = revs[i - 1];
    if (r.history.length > 0) {
      // a ReplicaSet brought back by a rollback: the Deployment controller gave it a new revision
      const namesIt = typeof progressing?.message === 'string' && progressing.message.includes(`"${r.name}"`);
      const at = namesIt ? (progressing?.lastUpdateTime ?? progressing?.lastTransitionTime) : undefined;
      const c = prev ? imageChange(prev.template, r.template) : { text: '' };
      const x = row(context, ref, 'rollback', `back to the template of revision ${r.history.join(',')} (now revision ${r.revision}, ${kindOfRev} ${r.name})${c.text ? `: ${c.text}` : ''}`, at, `${kindOfRev} ${r.name} revision-history, Progressing condition`, { ...(c.from ? { from: c.from } : {}), ...(c.to ? { to: c.to } : {}) });
      if (x) out.push(x);
      continue;
    }
    if (!prev) continue; // the first revision is the workload's creation
    const c = imageChange(prev.template, r.template);
    const x = row(context, ref, 'rollout', `revision ${prev.revision} → ${r.revision}${c.text ? `: ${c.text}` : ': pod template changed'}`, r.created, `${kindOfRev} ${r.name}`, { ...(c.from ? { from: c.from } : {}), ...(c.to ? { to: c.to } : {}) });
    if (x) out.push(x);
  }
  return out;
}

function kustomizationRows(context: string, ks: ObjRef): ChangeRow[] {
  const o = ks.object;
  const ref = { kind: 'Kustomization', namespace: nsOf(o), name: nameOf(o) };
  const out: ChangeRow[] = [];
  const history = arr(o, 'status', 'history').filter(isRecord);
  history.forEach((h, i) => {
    const rev = str(h, 'metadata', 'revision');
    const older = str(history[i + 1], 'metadata', 'revision');
    const ok = (str(h, 'lastReconciledStatus') ?? '').endsWith('Succeeded');
    const what = ok ? `applied revision ${rev ?? '?'}${older && older !== rev ? ` (was ${older})` : ''}` : `revision ${rev ?? '?'}: ${str(h, 'lastReconciledStatus') ?? 'not applied'}`;
    const x = row(context, ref, ok ? 'flux-applied' : 'flux-failed', what, str(h, 'firstReconciled'), 'status.history', { ...(older ? { from: older } : {}), ...(rev ? { to: rev } : {}) });
    if (x) out.push(x);
  });
  const ready = condition(o, 'Ready');
  const applied = str(o, 'status', 'lastAppliedRevision');
  const attempted = str(o, 'status', 'lastAttemptedRevision');
  if (ready?.status === 'False') {
    const rev = attempted ?? applied;
    const x = row(context, ref, 'flux-failed', `revision ${rev ?? '(none)'} failed: ${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`, ready.lastTransitionTime, 'Ready condition', { ...(applied ? { from: applied } : {}), ...(rev ? { to: rev } : {}) });
    if (x) out.push(x);
  } else if (ready?.status === 'True' && history.length === 0 && applied) {
    const x = row(context, ref, 'flux-applied', `applied revision ${applied} (the Ready condition's last change; no status.history before Flux 2.7)`, ready.lastTransitionTime, 'Ready condition', { to: applied });
    if (x) out.push(x);
  }
  return out;
}

function sourceRows(context: string, src: ObjRef): ChangeRow[] {
  const o = src.object;
  const kind = kindOf(src);
  const ref = { kind, namespace: nsOf(o), name: nameOf(o) };
  const out: ChangeRow[] = [];
  const rev = str(o, 'status', 'artifact', 'revision');
  const x = rev ? row(context, ref, 'source-revision', `new artifact ${rev}`, str(o, 'status', 'artifact', 'lastUpdateTime'), 'status.artifact', { to: rev }) : undefined;
  if (x) out.push(x);
  const ready = condition(o, 'Ready');
  if (ready?.status === 'False') {
    const y = row(context, ref, 'flux-failed', `fetch failed: ${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`, ready.lastTransitionTime, 'Ready condition');
    if (y) out.push(y);
  }
  return out;
}

function helmReleaseRows(context: string, hr: ObjRef): ChangeRow[] {
  const o = hr.object;
  const ref = { kind: 'HelmRelease', namespace: nsOf(o), name: nameOf(o) };
  const out: ChangeRow[] = [];
  // newest first, as helm-controller keeps it
  const history = arr(o, 'status', 'history').filter(isRecord);
  history.forEach((h, i) => {
    const version = num(h, 'version');
    const chart = `${str(h, 'chartName') ?? ''}@${str(h, 'chartVersion') ?? '?'}`;
    const at = str(h, 'lastDeployed') ?? str(h, 'firstDeployed');
    const status = str(h, 'status') ?? '';
    const older = history.slice(i + 1);
    const lastGood = older.find((x) => str(x, 'status') !== 'failed');
    const from = lastGood ? `${str(lastGood, 'chartName') ?? ''}@${str(lastGood, 'chartVersion') ?? '?'}` : undefined;
    let change: ChangeType;
    let what: string;
    if (status === 'failed') {
      change = 'helm-failed';
      what = `release v${version ?? '?'} ${from ? `upgrade ${from} → ${chart}` : `install ${chart}`} failed`;
    } else if (older.length === 0) {
      change = 'helm-install';
      what = `installed ${chart} (release v${version ?? '?'})`;
    } else if (str(older[0], 'status') === 'failed' && older.slice(1).some((x) => str(x, 'chartVersion') === str(h, 'chartVersion') && str(x, 'configDigest') === str(h, 'configDigest'))) {
      change = 'helm-rollback';
      what = `rolled back ${str(older[0], 'chartName') ?? ''}@${str(older[0], 'chartVersion') ?? '?'} → ${chart} (release v${version ?? '?'})`;
    } else {
      change = 'helm-upgrade';
      what = `upgraded ${from ?? '?'} → ${chart} (release v${version ?? '?'})`;
    }
    const x = row(context, ref, change, what, at, 'status.history', { ...(from ? { from } : {}), to: chart });
    if (x) out.push(x);
  });
  const ready = condition(o, 'Ready');
  if (ready?.status === 'False' && !(history.length && str(history[0], 'lastDeployed') === ready.lastTransitionTime)) {
    const x = row(context, ref, 'flux-failed', `${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`, ready.lastTransitionTime, 'Ready condition');
    if (x) out.push(x);
  }
  return out;
}

/** The newest time an event speaks for: series.lastObservedTime, lastTimestamp, eventTime, firstTimestamp. */
export function eventTime(e: unknown): string | undefined {
  return str(e, 'series', 'lastObservedTime') ?? str(e, 'lastTimestamp') ?? str(e, 'eventTime') ?? str(e, 'deprecatedLastTimestamp') ?? str(e, 'firstTimestamp') ?? str(e, 'metadata', 'creationTimestamp');
}

function eventCount(e: unknown): number {
  return num(e, 'series', 'count') ?? num(e, 'count') ?? num(e, 'deprecatedCount') ?? 1;
}

function involved(e: unknown): { kind: string; namespace: string; name: string } {
  const r = rec(e, 'involvedObject') ?? rec(e, 'regarding') ?? {};
  return { kind: str(r, 'kind') ?? '?', namespace: str(r, 'namespace') ?? nsOf(e), name: str(r, 'name') ?? '?' };
}

function eventRows(context: string, events: KubeEventLike[], since: number): ChangeRow[] {
  const groups = new Map<string, { row: ChangeRow; count: number }>();
  const out: ChangeRow[] = [];
  for (const e of events) {
    const type = str(e, 'type');
    const reason = str(e, 'reason') ?? '';
    const at = eventTime(e);
    const atMs = parseTime(at);
    if (at === undefined || atMs === undefined || atMs < since) continue;
    const obj = involved(e);
    const message = str(e, 'message') ?? str(e, 'note') ?? '';
    if (type === 'Normal' && reason === 'SuccessfulRescale') {
      const x = row(context, obj, 'scale', message, at, 'events (HorizontalPodAutoscaler)');
      if (x) out.push(x);
      continue;
    }
    if (type !== 'Warning') continue;
    const k = `${obj.kind}/${obj.namespace}/${obj.name}/${reason}`;
    const g = groups.get(k);
    const n = eventCount(e);
    if (!g) {
      const x = row(context, obj, 'warning', `${reason}: ${message}`, at, 'events');
      if (x) groups.set(k, { row: x, count: n });
    } else {
      g.count += n;
      if (atMs > g.row.atMs) Object.assign(g.row, { at, atMs, what: `${reason}: ${message}` });
    }
  }
  for (const g of groups.values()) out.push({ ...g.row, count: g.count, what: g.count > 1 ? `${g.row.what} (×${g.count})` : g.row.what });
  return out;
}

/** Every change one context's objects and events record. */
export function recordedChanges(input: ChangesInput, since: number): ChangeRow[] {
  const { context } = input;
  const byKind = new Map<string, ObjRef[]>();
  for (const r of input.objects) {
    const k = kindOf(r);
    const list = byKind.get(k);
    if (list) list.push(r);
    else byKind.set(k, [r]);
  }
  const out: ChangeRow[] = [];
  const rss = byKind.get('ReplicaSet') ?? [];
  const crs = byKind.get('ControllerRevision') ?? [];
  for (const d of byKind.get('Deployment') ?? []) out.push(...rolloutRows(context, d, deploymentRevisions(d, rss), 'ReplicaSet'));
  for (const k of ['StatefulSet', 'DaemonSet']) for (const w of byKind.get(k) ?? []) out.push(...rolloutRows(context, w, controllerRevisions(w, crs), 'ControllerRevision'));
  for (const ks of byKind.get('Kustomization') ?? []) if (groupOf(ks).startsWith('kustomize.toolkit.fluxcd.io')) out.push(...kustomizationRows(context, ks));
  for (const hr of byKind.get('HelmRelease') ?? []) if (groupOf(hr).startsWith('helm.toolkit.fluxcd.io')) out.push(...helmReleaseRows(context, hr));
  for (const k of SOURCE_KINDS) for (const s of byKind.get(k) ?? []) if (groupOf(s).startsWith('source.toolkit.fluxcd.io')) out.push(...sourceRows(context, s));
  for (const [k, list] of byKind) {
    for (const r of list) {
      const ref = { kind: k, namespace: nsOf(r.object), name: nameOf(r.object) };
      if (!NOT_CREATION_ROWS.has(k)) {
        const x = row(context, ref, 'created', 'created', str(r.object, 'metadata', 'creationTimestamp'), 'creationTimestamp');
        if (x) out.push(x);
      }
      const del = str(r.object, 'metadata', 'deletionTimestamp');
      if (del && k !== 'Pod') {
        const fin = arr(r.object, 'metadata', 'finalizers').filter((f): f is string => typeof f === 'string');
        const x = row(context, ref, 'deleting', `deletion requested${fin.length ? `; held by finalizers ${fin.join(', ')}` : ''}`, del, 'deletionTimestamp');
        if (x) out.push(x);
      }
    }
  }
  out.push(...eventRows(context, input.events, since));
  return out.filter((r) => r.atMs >= since);
}

/** What a watch saw of one object: before and after (undefined = absent). Scale and deletion: the changes no object records. */
export function observeChange(context: string, ref: ObjRef | undefined, before: unknown, after: unknown, now: number): ChangeRow[] {
  const o = after ?? before;
  if (!o) return [];
  const kind = ref ? kindOf(ref) : (str(o, 'kind') ?? '?');
  const r = { kind, namespace: nsOf(o), name: nameOf(o) };
  const at = new Date(now).toISOString();
  const out: ChangeRow[] = [];
  if (before && !after && !NOT_CREATION_ROWS.has(kind)) {
    out.push({ context, ...r, change: 'deleted', what: 'deleted', at, atMs: now, evidence: 'watch' });
  }
  if (before && after) {
    const a = num(before, 'spec', 'replicas');
    const b = num(after, 'spec', 'replicas');
    if (a !== undefined && b !== undefined && a !== b && kind !== 'ReplicaSet') {
      out.push({ context, ...r, change: 'scale', what: `replicas ${a} → ${b}`, from: String(a), to: String(b), at, atMs: now, evidence: 'watch' });
    }
  }
  return out;
}

/** The API's gaps, said once with the timeline: what it cannot show, and since when the watches cover it. */
export function coverageNotes(opts: { since: number; watchingSince?: number; now: number; kustomizationsWithoutHistory?: number }): string[] {
  const notes: string[] = [];
  const watched = opts.watchingSince !== undefined ? `since ${new Date(opts.watchingSince).toISOString()} (the watches)` : 'only while fleetdeck watches (not in a one-shot command)';
  notes.push(`deletions and scale changes: the API keeps no record; shown ${watched}`);
  notes.push('Warning events: kept about 1 h by the API server (--event-ttl); older ones are gone');
  notes.push('rollouts: only revisions whose ReplicaSet/ControllerRevision is still kept (revisionHistoryLimit)');
  if (opts.kustomizationsWithoutHistory) notes.push(`${opts.kustomizationsWithoutHistory} Kustomization(s) have no status.history (Flux < 2.7): only their last Ready change is known`);
  return notes;
}

/** Applies the filter and orders the rows newest first (then context, kind, namespace, name). Rows from the watches and the records of the same change are merged. */
export function timeline(rows: ChangeRow[], filter: ChangesFilter): ChangeRow[] {
  const kinds = filter.kinds?.map((k) => k.toLowerCase());
  const seen = new Set<string>();
  const out: ChangeRow[] = [];
  for (const r of rows) {
    if (r.atMs < filter.since) continue;
    if (filter.contexts && !filter.contexts.includes(r.context)) continue;
    if (filter.namespace !== undefined && r.namespace !== filter.namespace) continue;
    if (kinds && !kinds.includes(r.kind.toLowerCase())) continue;
    const k = `${r.context}/${r.kind}/${r.namespace}/${r.name}/${r.change}/${r.at}/${r.what}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  // one object's changes at the same second (a rollout 1 → 2 → 3 within it) come oldest first
  // from their sources: the later one is the newer, shown first
  const order = new Map(out.map((r, i) => [r, i]));
  return out.sort(
    (a, b) => b.atMs - a.atMs || a.context.localeCompare(b.context) || a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || order.get(b)! - order.get(a)!,
  );
}
