// The fleet overview's numbers for one context, from its objects grouped by resourceKey, and
// the JSON document `fleetdeck status -o json` prints.
import { str } from './access.js';
import type { ContextCoverageJson } from './coverage.js';
import { health } from './health.js';
import { isFluxGroup } from './flux.js';
import { kindRefOf, type Problem } from './problems.js';
import type { SameCluster } from './same-cluster.js';
import type { KubeObject } from './types.js';

export interface ContextSummary {
  nodes: { ready: number; total: number };
  /**
   * running, pending, succeeded, failed, unknown: by status.phase, the API's five, so they add
   * up to total (no phase yet counts as Pending, the phase the API server gives a new pod).
   * failing: pods whose health verdict is Failed though their phase is not (Running or Pending:
   * a container in CrashLoopBackOff, an image it cannot pull, a container config error,
   * unschedulable past 15 s; health/rules.ts podRule), which `kubectl get pods
   * --field-selector status.phase=Failed` does not list.
   */
  pods: { running: number; pending: number; succeeded: number; failed: number; unknown: number; total: number; failing: number };
  /** Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs whose verdict is not Current */
  workloads: { total: number; unhealthy: number };
  flux: { ready: number; failed: number; suspended: number; total: number };
  /** custom resources outside Flux */
  crs: { total: number; unhealthy: number };
}

/** Objects of one context, keyed by resourceKey ('pods', 'deployments.apps', ...). */
export type ObjectsByResource = Map<string, KubeObject[]> | Record<string, KubeObject[]>;

const WORKLOADS = new Set(['deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'jobs.batch', 'cronjobs.batch']);

// Groups served by Kubernetes itself; anything else with a group is a custom resource
const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'extensions']);

function isBuiltinGroup(group: string): boolean {
  return BUILTIN_GROUPS.has(group) || group === 'k8s.io' || group.endsWith('.k8s.io');
}

function groupOf(resourceKey: string): string {
  const dot = resourceKey.indexOf('.');
  return dot < 0 ? '' : resourceKey.slice(dot + 1);
}

function entries(objects: ObjectsByResource): [string, KubeObject[]][] {
  const list = objects instanceof Map ? [...objects.entries()] : Object.entries(objects);
  return list.filter((e): e is [string, KubeObject[]] => Array.isArray(e[1]));
}

/** The summary cell a kind's objects count in (summarizeContext's rule), or undefined when none. */
export type SummaryCell = 'nodes' | 'pods' | 'workloads' | 'flux' | 'crs';

export function summaryCellOf(resourceKey: string): SummaryCell | undefined {
  const group = groupOf(resourceKey);
  if (resourceKey === 'nodes') return 'nodes';
  if (resourceKey === 'pods') return 'pods';
  if (WORKLOADS.has(resourceKey)) return 'workloads';
  if (isFluxGroup(group)) return 'flux';
  if (!isBuiltinGroup(group)) return 'crs';
  return undefined;
}

/** The cells whose count is not whole: any kind behind them not synced (src/model/coverage.ts). */
export function unknownCells(notSynced: Iterable<string>): Set<SummaryCell> {
  const out = new Set<SummaryCell>();
  for (const k of notSynced) {
    const c = summaryCellOf(k);
    if (c) out.add(c);
  }
  return out;
}

/** The pod phases of the API (core/v1 PodPhase) to their counts; any other value counts as unknown. */
const POD_PHASES = new Map<string, 'running' | 'pending' | 'succeeded' | 'failed' | 'unknown'>([
  ['Running', 'running'], ['Pending', 'pending'], ['Succeeded', 'succeeded'], ['Failed', 'failed'], ['Unknown', 'unknown'],
]);

export function summarizeContext(objects: ObjectsByResource, now: number): ContextSummary {
  const s: ContextSummary = {
    nodes: { ready: 0, total: 0 },
    pods: { running: 0, pending: 0, succeeded: 0, failed: 0, unknown: 0, total: 0, failing: 0 },
    workloads: { total: 0, unhealthy: 0 },
    flux: { ready: 0, failed: 0, suspended: 0, total: 0 },
    crs: { total: 0, unhealthy: 0 },
  };
  for (const [key, list] of entries(objects)) {
    const group = groupOf(key);
    for (const o of list) {
      const ref = kindRefOf(key, o);
      if (key === 'nodes') {
        s.nodes.total++;
        if (health(o, ref, { now }).status === 'Current') s.nodes.ready++;
      } else if (key === 'pods') {
        s.pods.total++;
        const phase = POD_PHASES.get(str(o, 'status', 'phase') ?? 'Pending') ?? 'unknown';
        s.pods[phase]++;
        if ((phase === 'running' || phase === 'pending') && health(o, ref, { now }).status === 'Failed') s.pods.failing++;
      } else if (WORKLOADS.has(key)) {
        s.workloads.total++;
        const st = health(o, ref, { now }).status;
        if (st !== 'Current' && st !== 'Suspended') s.workloads.unhealthy++;
      } else if (isFluxGroup(group)) {
        s.flux.total++;
        const st = health(o, ref, { now }).status;
        if (st === 'Suspended') s.flux.suspended++;
        else if (st === 'Current') s.flux.ready++;
        else if (st === 'Failed') s.flux.failed++;
      } else if (!isBuiltinGroup(group)) {
        s.crs.total++;
        const st = health(o, ref, { now }).status;
        if (st !== 'Current' && st !== 'Suspended') s.crs.unhealthy++;
      }
    }
  }
  return s;
}

/** One context as `fleetdeck status` reports it. */
export interface StatusContext {
  name: string;
  /** the fleet store's ContextState: connecting | ready | degraded | unreachable | auth-error */
  state: string;
  latencyMs: number | null;
  serverVersion: string | null;
  nodes: ContextSummary['nodes'] | null;
  pods: ContextSummary['pods'] | null;
  workloads: ContextSummary['workloads'] | null;
  flux: ContextSummary['flux'] | null;
  crs: ContextSummary['crs'] | null;
  lastError: string | null;
  /** what the numbers above stand on: complete, else the kinds syncing, forbidden, failed */
  coverage: ContextCoverageJson | null;
  /** the earlier context of the selection that reaches the same cluster (its problems are listed once, under both names), else null */
  sameClusterAs: string | null;
  /** how that was recognised: 'kube-system-uid' or 'server+ca' (src/model/same-cluster.ts), else null */
  sameClusterBasis: string | null;
}

export interface StatusProblem {
  context: string;
  kind: string;
  namespace: string;
  name: string;
  /** the health verdict: Failed, Terminating, InProgress, Unknown, NotFound, Suspended */
  status: string;
  severity: string;
  reason: string;
  since: string | null;
  /** every selected context that sees this object: more than one when they reach the same cluster (listed once) */
  contexts: string[];
}

/**
 * `fleetdeck status -o json`, stable: keys are always present (null when unknown), contexts
 * in the order given, problems most severe first (see problems.ts).
 *
 *     {
 *       "contexts": [{ "name", "state", "latencyMs", "serverVersion",
 *                      "nodes": {"ready","total"},
 *                      "pods": {"running","pending","succeeded","failed","unknown","total","failing"},
 *                      "workloads": {"total","unhealthy"},
 *                      "flux": {"ready","failed","suspended","total"},
 *                      "crs": {"total","unhealthy"},
 *                      "lastError",
 *                      "coverage": {"complete", "syncing": [..], "forbidden": [..], "failed": [..]},
 *                      "sameClusterAs", "sameClusterBasis" }],
 *       "problems": [{ "context", "kind", "namespace", "name", "status", "severity",
 *                      "reason", "since", "contexts" }],
 *       "problemsComplete": boolean,
 *       "healthy": boolean
 *     }
 *
 * A count is null when a kind behind it is not whole (syncing, forbidden by RBAC in some or
 * every namespace, failed): `coverage` says which and why (issue 20: unknown is never shown
 * as a number). `problems` is a list, so it cannot be null: problemsComplete says whether it
 * covers everything (false: some context was not read whole, and the list is a lower bound,
 * `9+` in the table as in the TUI). healthy, as computed here, is true only when every context is `ready`, every
 * coverage complete and nothing is listed as a problem. `fleetdeck status` overrides it with its exit code, where a suspension
 * alone is healthy unless --fail-on-suspended (a suspension is deliberate; it stays listed).
 */
export interface StatusJson {
  contexts: StatusContext[];
  problems: StatusProblem[];
  /** false: some context was not read whole (syncing, forbidden, failed, unreachable); `problems` is a lower bound */
  problemsComplete: boolean;
  healthy: boolean;
}

export interface StatusContextInput {
  name: string;
  state: string;
  latencyMs?: number;
  serverVersion?: string;
  lastError?: string;
  /** absent when the context could not be read */
  summary?: ContextSummary;
  coverage?: ContextCoverageJson;
  /** resourceKeys read but not whole: their cells are null */
  unknown?: Iterable<string>;
  /** an earlier context of the selection reaches the same cluster */
  sameCluster?: SameCluster;
}

export function statusJson(contexts: StatusContextInput[], problems: Problem[]): StatusJson {
  const ctx: StatusContext[] = contexts.map((c) => {
    const unknown = unknownCells(c.unknown ?? []);
    const cell = <K extends SummaryCell>(k: K): ContextSummary[K] | null => (unknown.has(k) ? null : (c.summary?.[k] ?? null));
    return {
      name: c.name,
      state: c.state,
      latencyMs: c.latencyMs ?? null,
      serverVersion: c.serverVersion ?? null,
      nodes: cell('nodes'),
      pods: cell('pods'),
      workloads: cell('workloads'),
      flux: cell('flux'),
      crs: cell('crs'),
      lastError: c.lastError ?? null,
      coverage: c.coverage ?? null,
      sameClusterAs: c.sameCluster?.as ?? null,
      sameClusterBasis: c.sameCluster?.basis ?? null,
    };
  });
  const probs: StatusProblem[] = problems.map((p) => ({
    context: p.context,
    kind: p.kind,
    namespace: p.namespace,
    name: p.name,
    status: p.verdict.status,
    severity: p.severity,
    reason: p.verdict.reason,
    since: p.since ?? null,
    contexts: p.contexts ?? [p.context],
  }));
  // a context given without coverage was read whole when it is ready (fleetReport gives every context one)
  const problemsComplete = ctx.every((c) => (c.coverage ? c.coverage.complete : c.state === 'ready'));
  return { contexts: ctx, problems: probs, problemsComplete, healthy: probs.length === 0 && ctx.every((c) => c.state === 'ready' && c.coverage?.complete !== false) };
}
