// `fleetdeck status`: the fleet summary and every problem, non-interactively, for scripts and
// CI. Exit codes: 0 everything is Current (Suspended objects are listed but do not fail,
// unless failOnSuspended), 1 something is not (a problem, an unreachable context, data that
// did not sync in time), 2 on error (bad kubeconfig or selection, no context reachable).
import type { ChalkInstance } from 'chalk';
import { resourcesInCategory } from '../kube/resolve.js';
import { summarizeContext, statusJson, type StatusContextInput, type StatusJson } from '../model/fleet-summary.js';
import { isFluxGroup } from '../model/flux.js';
import { humanDuration } from '../model/format.js';
import { problems, type Problem, type ProblemInput } from '../model/problems.js';
import { displayWidth, fitWidth, jsonForTerminal, termLine, termText } from '../model/sanitize.js';
import { ownerRefs } from '../model/tree.js';
import { resourceKey, type KubeObject, type ResourceType } from '../model/types.js';
import { commandColours, withFleet, type CommandIO } from './command.js';
import type { FleetOptions } from './open.js';
import { takeSnapshot, type Snapshot } from './snapshot.js';
import type { FleetStore } from './types.js';

export interface StatusOptions extends FleetOptions {
  output?: 'table' | 'json';
  namespace?: string;
  /** how long to wait for every context's caches (default 20 s) */
  timeoutMs?: number;
  /** count Suspended objects as failures (exit 1) */
  failOnSuspended?: boolean;
}

/** Built-in kinds the summary and the problem list read. */
const BUILTIN_KINDS = [
  'nodes', 'namespaces', 'pods', 'persistentvolumeclaims',
  'deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'jobs.batch', 'cronjobs.batch',
];

/** Operator kinds the health model has rules for; watched only where discovery serves them. */
export const OPERATOR_KINDS: { group: string; kind: string }[] = [
  { group: 'cert-manager.io', kind: 'Certificate' },
  { group: 'postgresql.cnpg.io', kind: 'Cluster' },
  { group: 'monitoring.coreos.com', kind: 'Prometheus' },
  { group: 'kafka.strimzi.io', kind: 'Kafka' },
  { group: 'argoproj.io', kind: 'Application' },
];

/** Workload kinds whose verdict is sharpened by their pods ("3 pods CrashLoopBackOff"). */
const WITH_PODS = new Set(['deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'jobs.batch']);

/** The resourceKeys `status` watches in a context: built-ins, the fluxcd category, served operator kinds. */
export function statusKinds(types: ResourceType[]): string[] {
  const listed = types.filter((t) => !t.resource.includes('/'));
  const flux = [...resourcesInCategory(listed, 'fluxcd'), ...listed.filter((t) => isFluxGroup(t.group))];
  const operators = listed.filter((t) => OPERATOR_KINDS.some((k) => k.group === t.group && k.kind === t.kind));
  const served = new Set(listed.map(resourceKey));
  return [...new Set([...BUILTIN_KINDS.filter((k) => served.has(k)), ...flux.map(resourceKey), ...operators.map(resourceKey)])];
}

/** A workload's pods: owned directly, or one level further down (Deployment → ReplicaSet → Pod). */
export function podsBelow(store: Pick<FleetStore, 'ownedBy'>, context: string, obj: KubeObject): KubeObject[] {
  const uid = obj.metadata.uid;
  if (!uid) return [];
  const pods: KubeObject[] = [];
  for (const c of store.ownedBy(context, uid)) {
    if (c.resource === 'pods') pods.push(c.object);
    else if (c.object.metadata.uid) for (const g of store.ownedBy(context, c.object.metadata.uid)) if (g.resource === 'pods') pods.push(g.object);
  }
  return pods;
}

/** Pods owned by a workload are reported through it, unless nothing above them is watched. */
function reportedViaOwner(store: Pick<FleetStore, 'byUid'>, context: string, pod: KubeObject): boolean {
  return ownerRefs(pod).some((r) => store.byUid(context, r.uid) !== undefined);
}

/** What the problem list reads in one context: every object, workloads with their pods, pods
 * with a watched owner left to that owner. */
export function problemInputs(store: Pick<FleetStore, 'ownedBy' | 'byUid'>, context: string, objects: Map<string, KubeObject[]>): ProblemInput[] {
  const rows: ProblemInput[] = [];
  for (const [resource, list] of objects) {
    for (const object of list) {
      if (resource === 'pods' && reportedViaOwner(store, context, object)) continue;
      const row: ProblemInput = { context, resource, object };
      if (WITH_PODS.has(resource)) row.related = podsBelow(store, context, object);
      rows.push(row);
    }
  }
  return rows;
}

export interface FleetReport {
  json: StatusJson;
  problems: Problem[];
  /** contexts whose caches did not all sync: what is missing */
  incomplete: Map<string, string>;
}

/** Summary and problems from a snapshot already taken (with `namespace`, as it was taken). Pure over the store's contents. */
export function fleetReport(store: FleetStore, snap: Snapshot, contexts: string[], now: number, namespace?: string): FleetReport {
  const statuses = new Map(store.contexts().map((c) => [c.name, c]));
  const rows: ProblemInput[] = [];
  const inputs: StatusContextInput[] = [];
  const incomplete = new Map<string, string>();
  for (const name of contexts) {
    const st = statuses.get(name);
    const input: StatusContextInput = { name, state: st?.state ?? 'unreachable' };
    if (st?.latencyMs !== undefined) input.latencyMs = st.latencyMs;
    if (st?.serverVersion !== undefined) input.serverVersion = st.serverVersion;
    if (st?.lastError !== undefined && st.state !== 'ready') input.lastError = st.lastError;
    if (snap.reachable.includes(name)) {
      const mine = snap.watched.filter((w) => w.context === name);
      const unsynced = mine.filter((w) => w.phase !== 'synced' && w.phase !== 'forbidden');
      if (unsynced.length) {
        incomplete.set(name, unsynced.map((w) => `${w.resource} ${w.phase}${w.reason ? ` (${w.reason})` : ''}`).join('; '));
      }
      const objects = new Map<string, KubeObject[]>();
      // a namespaced snapshot has no all-namespaces reflector: its lists must name the namespace
      for (const w of mine) objects.set(w.resource, store.list(name, w.resource, w.type.namespaced ? namespace : undefined));
      input.summary = summarizeContext(objects, now);
      rows.push(...problemInputs(store, name, objects));
    }
    inputs.push(input);
  }
  for (const [name, what] of incomplete) {
    const input = inputs.find((i) => i.name === name)!;
    input.lastError = `not synced in time: ${what}`;
  }
  const list = problems(rows, now);
  return { json: statusJson(inputs, list), problems: list, incomplete };
}

/** 0 healthy, 1 not; see the file comment. Suspended alone is healthy unless failOnSuspended. */
export function statusExitCode(report: FleetReport, failOnSuspended = false): number {
  const failing = report.problems.filter((p) => failOnSuspended || p.severity !== 'suspended');
  const contextsOk = report.json.contexts.every((c) => c.state === 'ready') && report.incomplete.size === 0;
  return failing.length === 0 && contextsOk ? 0 : 1;
}

/** Cells are cluster text: sanitized (termLine) and measured in terminal columns before padding. */
function table(raw: string[][], colour: (row: number, col: number, text: string) => string = (_r, _c, t) => t): string[] {
  const rows = raw.map((r) => r.map((cell) => termLine(cell)));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]))));
  return rows.map((r, ri) =>
    r
      .map((cell, i) => colour(ri, i, i === r.length - 1 ? cell : fitWidth(cell, widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

const SEVERITY_COLOUR: Record<string, keyof Pick<ChalkInstance, 'red' | 'yellow' | 'gray' | 'magenta'>> = {
  failed: 'red', stuck: 'red', slow: 'yellow', unknown: 'magenta', terminating: 'yellow', progressing: 'yellow', suspended: 'gray',
};

/** The human table: one row per context, then the problems, then a verdict line. */
export function renderStatusTable(report: FleetReport, exitCode: number, c: ChalkInstance, now: number): string {
  const out: string[] = [];
  const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '-' : `${a}/${b}`);
  const ctxRows = [['CONTEXT', 'STATE', 'LATENCY', 'VERSION', 'NODES', 'PODS RUN/PEND/FAIL', 'WORKLOADS BAD', 'FLUX OK/FAIL/SUSP', 'CRS BAD', 'ERROR']];
  for (const x of report.json.contexts) {
    ctxRows.push([
      x.name,
      x.state,
      x.latencyMs === null ? '-' : `${Math.round(x.latencyMs)}ms`,
      x.serverVersion ?? '-',
      ratio(x.nodes?.ready, x.nodes?.total),
      x.pods ? `${x.pods.running}/${x.pods.pending}/${x.pods.failed}` : '-',
      ratio(x.workloads?.unhealthy, x.workloads?.total),
      x.flux ? `${x.flux.ready}/${x.flux.failed}/${x.flux.suspended}` : '-',
      ratio(x.crs?.unhealthy, x.crs?.total),
      x.lastError ?? '',
    ]);
  }
  out.push(
    ...table(ctxRows, (r, col, t) => {
      if (r === 0) return c.bold(t);
      const ctx = report.json.contexts[r - 1];
      if (col === 1) return ctx.state === 'ready' ? c.green(t) : c.red(t);
      if (col === 9) return c.red(t);
      return t;
    }),
  );
  out.push('');
  if (report.problems.length === 0) {
    out.push(c.green('no problems: every watched object is Current'));
  } else {
    out.push(c.bold(`PROBLEMS (${report.problems.length})`));
    const rows = [['SEVERITY', 'CONTEXT', 'KIND', 'NAMESPACE', 'NAME', 'STATUS', 'SINCE', 'REASON']];
    for (const p of report.problems) {
      rows.push([p.severity, p.context, p.kind, p.namespace || '-', p.name, p.verdict.status, p.durationMs === undefined ? '-' : humanDuration(p.durationMs), p.verdict.reason]);
    }
    out.push(
      ...table(rows, (r, col, t) => {
        if (r === 0) return c.bold(t);
        return col === 0 || col === 5 ? c[SEVERITY_COLOUR[report.problems[r - 1].severity] ?? 'red'](t) : t;
      }),
    );
  }
  out.push('');
  const suspended = report.problems.filter((p) => p.severity === 'suspended').length;
  const others = report.problems.length - suspended;
  const bad = report.json.contexts.filter((x) => x.state !== 'ready').length;
  const parts = [
    others ? `${others} problem${others === 1 ? '' : 's'}` : '',
    bad ? `${bad} context${bad === 1 ? '' : 's'} not ready` : '',
    report.incomplete.size ? `${report.incomplete.size} context${report.incomplete.size === 1 ? '' : 's'} not fully synced` : '',
    suspended ? `${suspended} suspended${exitCode === 0 ? ' (not failing)' : ''}` : '',
  ].filter(Boolean);
  const verdict = exitCode === 0 ? c.green(`healthy${parts.length ? `: ${parts.join(', ')}` : ''}`) : c.red(`unhealthy: ${parts.join(', ')}`);
  out.push(`${verdict}  (as of ${new Date(now).toISOString()})`);
  return `${out.join('\n')}\n`;
}

export async function runStatusCommand(opts: StatusOptions, io: CommandIO): Promise<number> {
  return withFleet(opts, io, async ({ fleet, contexts }) => {
    const snap = await takeSnapshot(fleet, {
      contexts,
      kinds: (_ctx, types) => statusKinds(types),
      namespace: opts.namespace,
      deadline: Date.now() + (opts.timeoutMs ?? 20_000),
    });
    try {
      if (snap.reachable.length === 0) {
        const why = snap.unreachable.map((c) => `  ${c.name}: ${c.state}${c.lastError ? `: ${c.lastError}` : ''}`).join('\n');
        io.stderr.write(termText(`fleetdeck: no context is reachable:\n${why}\n`));
        if (opts.output === 'json') {
          const now = Date.now();
          io.stdout.write(`${jsonForTerminal(fleetReport(fleet, snap, contexts, now, opts.namespace).json, 2)}\n`);
        }
        return 2;
      }
      const now = Date.now();
      const report = fleetReport(fleet, snap, contexts, now, opts.namespace);
      const code = statusExitCode(report, opts.failOnSuspended);
      if (opts.output === 'json') {
        // `healthy` follows the exit code, so a script can read either
        io.stdout.write(`${jsonForTerminal({ ...report.json, healthy: code === 0 }, 2)}\n`);
      } else {
        io.stdout.write(renderStatusTable(report, code, commandColours(io), now));
      }
      return code;
    } finally {
      snap.close();
    }
  });
}
