// Rollout history and rollback planning, as `kubectl rollout history/undo` do them
// (kubectl's polymorphichelpers/rollback.go and history.go, checked against the source):
// Deployments through their ReplicaSets, StatefulSets and DaemonSets through their
// ControllerRevisions, and HelmRelease status.history for information.
import { arr, bool, isRecord, num, rec, str, strMap } from './access.js';
import { sortKeys, templateDiff } from './diff.js';
import { appsPath, CONTENT, objectPath } from './patches.js';
import type { Change, PathType } from './patches.js';
import { labelSelectorFromObject, matchLabels } from './selector.js';
import type { KubeObject } from './types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const HASH_LABEL = 'pod-template-hash';

// The Deployment's own bookkeeping, kept from the Deployment and never copied from the
// ReplicaSet on rollback (kubectl's annotationsToSkip).
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export interface Revision {
  revision: number;
  /** the ReplicaSet's or ControllerRevision's name */
  name: string;
  createdAt?: string;
  ageSeconds?: number;
  /** kubernetes.io/change-cause, `<none>` when absent (as kubectl prints it) */
  changeCause: string;
  images: string[];
  pods: { desired?: number; current: number; ready: number };
  current: boolean;
  /** the pod template of this revision (Deployment: without the pod-template-hash label) */
  template: unknown;
}

export function canonicalEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function uidOf(o: unknown): string | undefined {
  return str(o, 'metadata', 'uid') || undefined;
}

/** metav1.IsControlledBy: a controller ownerReference to this uid. */
export function isControlledBy(obj: unknown, ownerUid: string | undefined): boolean {
  if (!ownerUid) return false;
  return arr(obj, 'metadata', 'ownerReferences').some((r) => isRecord(r) && r.uid === ownerUid && r.controller === true);
}

/** The workload's spec.selector; a missing or invalid one selects nothing, as in the API. */
function selects(workload: unknown, labels: Record<string, string>): boolean {
  const raw = rec(workload, 'spec', 'selector');
  if (!raw) return false;
  try {
    const sel = labelSelectorFromObject(raw);
    return sel !== undefined && matchLabels(sel, labels);
  } catch {
    return false;
  }
}

function controlled(workload: KubeObject, related: KubeObject[], kind: string): KubeObject[] {
  const uid = uidOf(workload);
  return related.filter(
    (o) => isRecord(o) && (str(o, 'kind') ?? kind) === kind && isControlledBy(o, uid) && selects(workload, strMap(o, 'metadata', 'labels')),
  );
}

/** deploymentutil.Revision: a missing annotation is revision 0; a malformed one is skipped. */
function rsRevision(rs: unknown): number | undefined {
  const v = strMap(rs, 'metadata', 'annotations')[REVISION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v.trim()) ? Number.parseInt(v, 10) : undefined;
}

function withoutHash(template: unknown): unknown {
  if (!isRecord(template)) return template;
  const labels = rec(template, 'metadata', 'labels');
  if (!labels || !(HASH_LABEL in labels)) return template;
  const rest = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== HASH_LABEL));
  const meta = { ...rec(template, 'metadata') };
  if (Object.keys(rest).length) meta.labels = rest;
  else delete meta.labels;
  return { ...template, metadata: meta };
}

function imagesOf(template: unknown): string[] {
  return [...arr(template, 'spec', 'initContainers'), ...arr(template, 'spec', 'containers')]
    .map((c) => str(c, 'image'))
    .filter((i): i is string => i !== undefined);
}

function age(created: string | undefined, now: number | undefined): number | undefined {
  if (!created || now === undefined) return undefined;
  const t = Date.parse(created);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.floor((now - t) / 1000));
}

function crTemplate(cr: unknown): unknown {
  const t = rec(cr, 'data', 'spec', 'template');
  if (!t) return undefined;
  return Object.fromEntries(Object.entries(t).filter(([k]) => k !== '$patch'));
}

/** What kubectl compares a ControllerRevision's .data with (and what it would send). */
function currentAsPatch(workload: unknown): unknown {
  const t = rec(workload, 'spec', 'template');
  return { spec: { template: { ...(t ?? {}), $patch: 'replace' } } };
}

export interface HistoryInput {
  /** ReplicaSets (Deployment) or ControllerRevisions (StatefulSet, DaemonSet) of the namespace */
  related: KubeObject[];
  /** Pods of the namespace, to count them per ControllerRevision */
  pods?: KubeObject[];
  now?: number;
}

function deploymentHistory(d: KubeObject, input: HistoryInput): Revision[] {
  const rss = controlled(d, input.related, 'ReplicaSet');
  const template = withoutHash(rec(d, 'spec', 'template'));
  // the new ReplicaSet: the oldest one whose template equals the Deployment's (FindNewReplicaSet)
  const byAge = [...rss].sort((a, b) => (str(a, 'metadata', 'creationTimestamp') ?? '').localeCompare(str(b, 'metadata', 'creationTimestamp') ?? ''));
  const newRs = byAge.find((rs) => canonicalEqual(withoutHash(rec(rs, 'spec', 'template')), template));
  const out: Revision[] = [];
  for (const rs of rss) {
    const revision = rsRevision(rs);
    if (revision === undefined) continue;
    const t = rec(rs, 'spec', 'template');
    const created = str(rs, 'metadata', 'creationTimestamp');
    out.push({
      revision,
      name: str(rs, 'metadata', 'name') ?? '',
      ...(created ? { createdAt: created } : {}),
      ...(age(created, input.now) !== undefined ? { ageSeconds: age(created, input.now) } : {}),
      changeCause: strMap(rs, 'metadata', 'annotations')[CHANGE_CAUSE] ?? '<none>',
      images: imagesOf(t),
      pods: { desired: num(rs, 'spec', 'replicas'), current: num(rs, 'status', 'replicas') ?? 0, ready: num(rs, 'status', 'readyReplicas') ?? 0 },
      current: rs === newRs,
      template: withoutHash(t),
    });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

function revisionsHistory(w: KubeObject, input: HistoryInput): Revision[] {
  const crs = controlled(w, input.related, 'ControllerRevision');
  const updateRevision = str(w, 'status', 'updateRevision');
  const current = currentAsPatch(w);
  const wUid = uidOf(w);
  const pods = (input.pods ?? []).filter((p) => isControlledBy(p, wUid));
  const out = crs.map((cr): Revision => {
    const name = str(cr, 'metadata', 'name') ?? '';
    // StatefulSet pods carry the revision's name, DaemonSet pods its hash label
    const hashes = new Set([name, strMap(cr, 'metadata', 'labels')['controller-revision-hash']].filter(Boolean));
    const mine = pods.filter((p) => hashes.has(strMap(p, 'metadata', 'labels')['controller-revision-hash']));
    const created = str(cr, 'metadata', 'creationTimestamp');
    const t = crTemplate(cr);
    return {
      revision: num(cr, 'revision') ?? 0,
      name,
      ...(created ? { createdAt: created } : {}),
      ...(age(created, input.now) !== undefined ? { ageSeconds: age(created, input.now) } : {}),
      changeCause: strMap(cr, 'metadata', 'annotations')[CHANGE_CAUSE] ?? '<none>',
      images: imagesOf(t),
      pods: { current: mine.length, ready: mine.filter(podReady).length },
      current: updateRevision ? name === updateRevision : canonicalEqual(rec(cr, 'data'), current),
      template: t,
    };
  });
  return out.sort((a, b) => a.revision - b.revision);
}

function podReady(p: unknown): boolean {
  return arr(p, 'status', 'conditions').some((c) => str(c, 'type') === 'Ready' && str(c, 'status') === 'True');
}

/** Revisions oldest first, as `kubectl rollout history` lists them. */
export function rolloutHistory(workload: KubeObject, input: HistoryInput): Revision[] {
  const kind = str(workload, 'kind');
  if (kind === 'Deployment') return deploymentHistory(workload, input);
  if (kind === 'StatefulSet' || kind === 'DaemonSet') return revisionsHistory(workload, input);
  return [];
}

export interface HelmHistoryEntry {
  version: number;
  status: string;
  chartName: string;
  chartVersion: string;
  appVersion?: string;
  firstDeployed?: string;
  lastDeployed?: string;
  digest?: string;
  /** the newest entry: what is installed now */
  current: boolean;
}

/** HelmRelease v2 status.history, newest first (information only: Flux has no rollback). */
export function helmReleaseHistory(hr: unknown): HelmHistoryEntry[] {
  return arr(hr, 'status', 'history')
    .filter(isRecord)
    .map((h, i) => {
      const opt = (k: string): Record<string, string> => {
        const v = str(h, k);
        return v ? { [k]: v } : {};
      };
      return {
        version: num(h, 'version') ?? 0,
        status: str(h, 'status') ?? '',
        chartName: str(h, 'chartName') ?? '',
        chartVersion: str(h, 'chartVersion') ?? '',
        ...opt('appVersion'),
        ...opt('firstDeployed'),
        ...opt('lastDeployed'),
        ...opt('digest'),
        current: i === 0,
      };
    });
}

export type RollbackPlan =
  | (Extract<Change, { ok: true }> & { targetRevision: number; skipped: boolean })
  | Extract<Change, { ok: false }>;

export interface RollbackOptions {
  /** 0 or absent: the previous revision */
  toRevision?: number;
  /** the workload's resource type when discovery serves it elsewhere; default apps/v1 */
  rt?: PathType;
}

const notFound = (r: number): RollbackPlan => ({ ok: false, error: `unable to find specified revision ${r} in history` });
const skipped = (r: number, target: number, label: string): RollbackPlan => ({
  ok: true,
  requests: [],
  summary: `skipped rollback (current template already matches revision ${r})`,
  notes: [`${label} already runs revision ${target}'s template: nothing to send`],
  targetRevision: target,
  skipped: true,
});

function labelOf(w: KubeObject): string {
  const ns = str(w, 'metadata', 'namespace');
  return `${str(w, 'kind') ?? 'object'} ${ns ? `${ns}/` : ''}${str(w, 'metadata', 'name') ?? ''}`;
}

function planDeployment(d: KubeObject, related: KubeObject[], toRevision: number, rt: PathType): RollbackPlan {
  const name = str(d, 'metadata', 'name') ?? '';
  // kubectl's deploymentRevision loop: the exact revision, else the second newest
  let target: KubeObject | undefined;
  let targetRevision = -1;
  let latest: KubeObject | undefined;
  let latestRevision = -1;
  for (const rs of controlled(d, related, 'ReplicaSet')) {
    const v = rsRevision(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latestRevision < v) {
        target = latest;
        targetRevision = latestRevision;
        latest = rs;
        latestRevision = v;
      } else if (targetRevision < v) {
        target = rs;
        targetRevision = v;
      }
    } else if (toRevision === v) {
      target = rs;
      targetRevision = v;
      break;
    }
  }
  if (toRevision > 0 && !target) return notFound(toRevision);
  if (!target) return { ok: false, error: `no rollout history found for deployment "${name}"` };
  if (bool(d, 'spec', 'paused') === true) {
    return { ok: false, error: `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again` };
  }
  const current = withoutHash(rec(d, 'spec', 'template'));
  const template = withoutHash(rec(target, 'spec', 'template'));
  if (canonicalEqual(template, current)) return skipped(toRevision, targetRevision, labelOf(d));
  const own = strMap(d, 'metadata', 'annotations');
  const annotations: Record<string, string> = {};
  for (const k of ANNOTATIONS_TO_SKIP) if (k in own) annotations[k] = own[k];
  for (const [k, v] of Object.entries(strMap(target, 'metadata', 'annotations'))) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return {
    ok: true,
    requests: [{
      method: 'PATCH',
      path: objectPath(rt, str(d, 'metadata', 'namespace'), name),
      contentType: CONTENT.jsonPatch,
      body: [
        { op: 'replace', path: '/spec/template', value: template ?? {} },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ],
    }],
    summary: `roll back ${labelOf(d)} to revision ${targetRevision}`,
    diff: templateDiff(current, template, { a: 'current', b: `revision ${targetRevision}` }),
    targetRevision: targetRevision,
    skipped: false,
  };
}

function planFromRevisions(w: KubeObject, related: KubeObject[], toRevision: number, rt: PathType): RollbackPlan {
  const history = controlled(w, related, 'ControllerRevision');
  if (toRevision === 0 && history.length <= 1) return { ok: false, error: 'no last revision to roll back to' };
  const target = toRevision === 0
    ? [...history].sort((a, b) => (num(a, 'revision') ?? 0) - (num(b, 'revision') ?? 0))[history.length - 2]
    : history.find((h) => (num(h, 'revision') ?? 0) === toRevision);
  if (!target) return notFound(toRevision);
  const targetRevision = num(target, 'revision') ?? 0;
  const data = rec(target, 'data');
  if (canonicalEqual(currentAsPatch(w), data)) return skipped(toRevision, targetRevision, labelOf(w));
  if (!data) return { ok: false, error: `failed restoring revision ${toRevision}: revision ${targetRevision} has no data` };
  return {
    ok: true,
    requests: [{
      method: 'PATCH',
      path: objectPath(rt, str(w, 'metadata', 'namespace'), str(w, 'metadata', 'name') ?? ''),
      contentType: CONTENT.strategicMerge,
      body: data,
    }],
    summary: `roll back ${labelOf(w)} to revision ${targetRevision}`,
    diff: templateDiff(rec(w, 'spec', 'template'), crTemplate(target), { a: 'current', b: `revision ${targetRevision}` }),
    targetRevision,
    skipped: false,
  };
}

/**
 * `kubectl rollout undo [--to-revision N]` as a plan. `related` holds the namespace's
 * ReplicaSets (Deployment) or ControllerRevisions (StatefulSet, DaemonSet); only those the
 * workload controls and selects count. A skipped rollback is ok with no requests.
 */
export function planRollback(workload: KubeObject, related: KubeObject[], opts: RollbackOptions = {}): RollbackPlan {
  const toRevision = opts.toRevision ?? 0;
  if (!Number.isInteger(toRevision) || toRevision < 0) return notFound(toRevision);
  const kind = str(workload, 'kind') ?? '';
  const rt = opts.rt ?? appsPath(kind);
  if (kind === 'Deployment' && rt) return planDeployment(workload, related, toRevision, rt);
  if ((kind === 'StatefulSet' || kind === 'DaemonSet') && rt) return planFromRevisions(workload, related, toRevision, rt);
  return { ok: false, error: `no rollbacker has been implemented for "${kind || 'unknown kind'}"` };
}
