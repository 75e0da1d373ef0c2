// The Problems view: every object whose verdict is not Current, across contexts, most severe
// first. Order of classes: Failed; Terminating for longer than STUCK_AFTER_MS ("stuck");
// InProgress for longer than STUCK_AFTER_MS; Unknown and NotFound; recent Terminating;
// recent InProgress; Suspended (deliberate, so listed last but still listed). Within a class
// the longest-standing comes first.
import { lookup, str } from './access.js';
import { health, resolveKind, type HealthStatus, type KindRef, type Verdict } from './health.js';
import { parseTime } from './format.js';
import type { KubeObject, ResourceType } from './types.js';

/** How long a Terminating or InProgress state lasts before it counts as stuck. */
export const STUCK_AFTER_MS = 5 * 60_000;

export type Severity = 'failed' | 'stuck' | 'slow' | 'unknown' | 'terminating' | 'progressing' | 'suspended';

/** Most severe first. */
export const SEVERITY_ORDER: Severity[] = ['failed', 'stuck', 'slow', 'unknown', 'terminating', 'progressing', 'suspended'];

export interface ProblemInput {
  context: string;
  /** a resourceKey ('deployments.apps') or the discovered ResourceType */
  resource: string | ResourceType;
  object: KubeObject;
  /** e.g. a workload's pods, to sharpen the reason */
  related?: KubeObject[];
  /** the related kinds read completely (HealthContext.listed) */
  listed?: string[];
}

export interface Problem {
  context: string;
  kind: string;
  namespace: string;
  name: string;
  verdict: Verdict;
  /** ISO time the state began: the verdict's, else the object's creation */
  since?: string;
  /** ms the state has lasted at `now` (undefined when no time is known) */
  durationMs?: number;
  severity: Severity;
  /** the object's uid: one object seen through two contexts of one cluster is one problem (src/model/same-cluster.ts) */
  uid?: string;
  /** every context that sees this object when several reach its cluster, in selection order (set by mergeSameCluster) */
  contexts?: string[];
}

// Plurals of the kinds health rules know, for callers holding only a resourceKey
const KIND_OF_PLURAL: Record<string, string> = {
  pods: 'Pod',
  services: 'Service',
  namespaces: 'Namespace',
  nodes: 'Node',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  events: 'Event',
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  replicasets: 'ReplicaSet',
  controllerrevisions: 'ControllerRevision',
  jobs: 'Job',
  cronjobs: 'CronJob',
  poddisruptionbudgets: 'PodDisruptionBudget',
  customresourcedefinitions: 'CustomResourceDefinition',
  gitrepositories: 'GitRepository',
  ocirepositories: 'OCIRepository',
  helmrepositories: 'HelmRepository',
  helmcharts: 'HelmChart',
  buckets: 'Bucket',
  externalartifacts: 'ExternalArtifact',
  kustomizations: 'Kustomization',
  helmreleases: 'HelmRelease',
  alerts: 'Alert',
  providers: 'Provider',
  receivers: 'Receiver',
  imagerepositories: 'ImageRepository',
  imagepolicies: 'ImagePolicy',
  imageupdateautomations: 'ImageUpdateAutomation',
  certificates: 'Certificate',
  clusters: 'Cluster',
  prometheuses: 'Prometheus',
  kafkas: 'Kafka',
  applications: 'Application',
};

/** Group and kind for a resourceKey or ResourceType, falling back to the object's own kind. */
export function kindRefOf(resource: string | ResourceType, o: unknown): { group: string; kind: string } {
  if (typeof resource === 'object' && resource !== null) return { group: resource.group, kind: resource.kind };
  const key = typeof resource === 'string' ? resource : '';
  const dot = key.indexOf('.');
  const plural = dot < 0 ? key : key.slice(0, dot);
  const group = dot < 0 ? '' : key.slice(dot + 1);
  const kind = lookup(KIND_OF_PLURAL, plural) ?? str(o, 'kind') ?? plural;
  return { group, kind };
}

function classify(status: HealthStatus, durationMs: number | undefined): Severity | undefined {
  const long = durationMs === undefined || durationMs >= STUCK_AFTER_MS;
  switch (status) {
    case 'Current':
      return undefined;
    case 'Failed':
      return 'failed';
    case 'Terminating':
      return long ? 'stuck' : 'terminating';
    case 'InProgress':
      return long ? 'slow' : 'progressing';
    case 'Suspended':
      return 'suspended';
    default:
      return 'unknown';
  }
}

/**
 * One object's problem at `now` (epoch ms), or undefined when it is Current. Time-dependent
 * parts (the verdict's "for 38s", SINCE, stuck/slow after STUCK_AFTER_MS) are computed here,
 * so a view can re-evaluate only the rows it shows as the clock moves.
 */
export function problemOf(row: ProblemInput, now: number): Problem | undefined {
  const ref: KindRef = kindRefOf(row.resource, row.object);
  const verdict = health(row.object, ref, { now, related: row.related, ...(row.listed ? { listed: row.listed } : {}) });
  if (verdict.status === 'Current') return undefined;
  const since = verdict.since ?? str(row.object, 'metadata', 'creationTimestamp');
  const t = parseTime(since);
  const durationMs = t === undefined ? undefined : Math.max(0, now - t);
  const severity = classify(verdict.status, durationMs);
  if (!severity) return undefined;
  const p: Problem = {
    context: row.context,
    kind: resolveKind(row.object, ref).kind,
    namespace: str(row.object, 'metadata', 'namespace') ?? '',
    name: str(row.object, 'metadata', 'name') ?? '',
    verdict,
    severity,
  };
  if (since) p.since = since;
  const uid = str(row.object, 'metadata', 'uid');
  if (uid) p.uid = uid;
  if (durationMs !== undefined) p.durationMs = durationMs;
  return p;
}

/** Everything not Current, most severe first. */
export function problems(rows: ProblemInput[], now: number): Problem[] {
  const out: Problem[] = [];
  for (const row of rows) {
    const p = problemOf(row, now);
    if (p) out.push(p);
  }
  return out.sort(compareProblems);
}

export function compareProblems(a: Problem, b: Problem): number {
  const s = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
  if (s !== 0) return s;
  const d = (b.durationMs ?? -1) - (a.durationMs ?? -1);
  if (d !== 0) return d;
  return `${a.context}/${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.context}/${b.kind}/${b.namespace}/${b.name}`);
}
