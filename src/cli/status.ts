// `fleetdeck status`: the fleet summary and every problem, non-interactively, for scripts and
// CI. Exit codes: 0 everything is Current (Suspended objects are listed but do not fail,
// unless failOnSuspended), 1 something is not or is unknown (a problem, an unreachable
// context, a kind it reports on that did not sync in time, failed, or was forbidden by RBAC in
// some or every namespace: "unknown" with the reason, never "healthy"), 2 on error (bad kubeconfig or selection, no context reachable,
// a -n namespace that no reachable context has).
// The report itself is src/fleet/report.ts; this file prints it.
import type { ChalkInstance } from 'chalk';
import type { FleetOptions } from './open.js';
import { fleetReport, statusExitCode, statusKinds, type FleetReport } from '../fleet/report.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import { humanDuration } from '../model/format.js';
import { displayWidth, fitWidth, jsonForTerminal, termLine, termText } from '../model/sanitize.js';
import { checkNamespaceScope, commandColours, withFleet, type CommandIO } from './io.js';

export interface StatusOptions extends FleetOptions {
  output?: 'table' | 'json';
  namespace?: string;
  /** how long to wait for every context's caches (default 20 s) */
  timeoutMs?: number;
  /** count Suspended objects as failures (exit 1) */
  failOnSuspended?: boolean;
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
  // a count over contexts not read whole is a lower bound: 3+, as the TUI's Problems title says
  const atLeast = report.json.problemsComplete ? '' : '+';
  // '-': the context was not read; '?': read, but a kind behind the cell is not whole (coverage)
  const ratio = (x: { coverage: unknown }, a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? (x.coverage ? '?' : '-') : `${a}/${b}`);
  // PODS RUN/PEND/FAIL: by phase, as the JSON's running/pending/failed; PODS FAILING: its failing
  const ctxRows = [['CONTEXT', 'STATE', 'LATENCY', 'VERSION', 'NODES', 'PODS RUN/PEND/FAIL', 'PODS FAILING', 'WORKLOADS BAD', 'FLUX OK/FAIL/SUSP', 'CRS BAD', 'ERROR']];
  for (const x of report.json.contexts) {
    ctxRows.push([
      x.name,
      x.state,
      x.latencyMs === null ? '-' : `${Math.round(x.latencyMs)}ms`,
      x.serverVersion ?? '-',
      ratio(x, x.nodes?.ready, x.nodes?.total),
      x.pods ? `${x.pods.running}/${x.pods.pending}/${x.pods.failed}` : x.coverage ? '?' : '-',
      x.pods ? String(x.pods.failing) : x.coverage ? '?' : '-',
      ratio(x, x.workloads?.unhealthy, x.workloads?.total),
      x.flux ? `${x.flux.ready}/${x.flux.failed}/${x.flux.suspended}` : x.coverage ? '?' : '-',
      ratio(x, x.crs?.unhealthy, x.crs?.total),
      x.lastError ?? '',
    ]);
  }
  out.push(
    ...table(ctxRows, (r, col, t) => {
      if (r === 0) return c.bold(t);
      const ctx = report.json.contexts[r - 1];
      if (col === 1) return ctx.state === 'ready' ? c.green(t) : c.red(t);
      if (col === ctxRows[0].length - 1) return c.red(t);
      return t;
    }),
  );
  out.push('');
  if (report.sameCluster.size) {
    // one cluster behind several contexts: its problems are listed once, under every name
    out.push(c.bold('SAME CLUSTER'));
    for (const [name, sc] of report.sameCluster) out.push(termLine(`${name} = ${sc.as} (${sc.basis === 'kube-system-uid' ? 'same server and kube-system uid' : 'same server and CA; kube-system uid not readable'}): problems counted once`));
    out.push('');
  }
  if (report.incomplete.size) {
    // what the numbers and the verdict do not cover: '?' cells above, never shown as fine
    out.push(c.bold(`UNKNOWN (${report.incomplete.size} context${report.incomplete.size === 1 ? '' : 's'} not fully seen)`));
    for (const [name, why] of report.incomplete) out.push(`${c.magenta(termLine(name))}: ${termLine(why)}`);
    out.push('');
  }
  if (report.problems.length === 0) {
    out.push(report.incomplete.size ? c.magenta('no problems in what could be read') : c.green('no problems: every watched object is Current'));
  } else {
    out.push(c.bold(`PROBLEMS (${report.problems.length}${atLeast})`));
    const rows = [['SEVERITY', 'CONTEXT', 'KIND', 'NAMESPACE', 'NAME', 'STATUS', 'SINCE', 'REASON']];
    for (const p of report.problems) {
      rows.push([p.severity, (p.contexts ?? [p.context]).join(','), p.kind, p.namespace || '-', p.name, p.verdict.status, p.durationMs === undefined ? '-' : humanDuration(p.durationMs), p.verdict.reason]);
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
    others ? `${others}${atLeast} problem${others === 1 && !atLeast ? '' : 's'}` : '',
    bad ? `${bad} context${bad === 1 ? '' : 's'} not ready` : '',
    suspended ? `${suspended}${atLeast} suspended${exitCode === 0 ? ' (not failing)' : ''}` : '',
  ].filter(Boolean);
  const unknown = termLine([...report.incomplete].map(([name, why]) => `${name}: ${why}`).join('; '));
  const verdict =
    exitCode === 0 ? c.green(`healthy${parts.length ? `: ${parts.join(', ')}` : ''}`)
    : others || bad ? c.red(`unhealthy: ${parts.join(', ')}${unknown ? `; unknown: ${unknown}` : ''}`)
    : c.magenta(`unknown: ${unknown}${parts.length ? `; ${parts.join(', ')}` : ''}`);
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
      const typo = await checkNamespaceScope(fleet, snap.reachable, opts.namespace, io.stderr);
      if (typo) return typo;
      // LATENCY: round trips taken now that start-up work (TLS, plugins, lists) is done
      await fleet.measureLatency?.(snap.reachable, 3);
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
