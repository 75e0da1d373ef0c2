// `fleetdeck compare KIND/NAME [-n NS] [--context …|--all-contexts] [-o text|json]`: the same
// object side by side in every selected context (src/model/compare.ts). A context is
// "missing" the object only when its list of the kind was complete; a context that could not
// be read (unreachable, forbidden, not synced in time) is "unknown". Exit 0 when it is the
// same everywhere, 1 when it differs (or is missing somewhere, or found nowhere), 2 on errors
// and when no difference was found but a context could not be read.
import { jsonForTerminal, termText } from '../model/sanitize.js';
import { commandColours, withFleet, type CommandIO } from './io.js';
import type { FleetOptions, OpenFleet } from './open.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import { compareInputFor, findNamed, FLUX_TRACE_KINDS } from '../fleet/triage.js';
import { compareExitCode, compareObjects, type CompareResult } from '../model/compare.js';
import { renderCompare } from '../model/triage-text.js';
import { chalkPaint } from './paint.js';
import { parseTarget, reportUnreachable, snapshotUnserved } from './triage-common.js';

export interface CompareOptions extends FleetOptions {
  namespace?: string;
  output?: 'text' | 'json';
  /** how long to wait for the caches (default 20 s) */
  timeoutMs?: number;
}

/**
 * `compare -o json`: CompareResult with every value `null` where a context has no value.
 * `{kind, namespace, name, verdict: equal|differ|incomplete|absent, observedDiffers,
 *   contexts: [{context, presence: found|missing|unknown, reason?}],
 *   facts: [{field, class: desired|observed, differs, values: {<context>: string|null}}],
 *   fields: [same shape, only the differing desired-state fields]}`
 */
export function compareJson(r: CompareResult): unknown {
  const nulls = (v: Record<string, string | undefined>): Record<string, string | null> => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x ?? null]));
  return {
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    verdict: r.verdict,
    observedDiffers: r.observedDiffers,
    contexts: r.contexts,
    facts: r.facts.map((f) => ({ ...f, values: nulls(f.values) })),
    fields: r.fields.map((f) => ({ ...f, values: nulls(f.values) })),
  };
}

export async function runCompareCommand(target: string, opts: CompareOptions, io: CommandIO): Promise<number> {
  const t = parseTarget(target);
  if (!t) {
    io.stderr.write(termText(`fleetdeck: compare wants KIND/NAME (e.g. deploy/web, cm/settings), got "${target}"\n`));
    return 2;
  }
  return withFleet(opts, io, (opened) => compareIn(t.kindQuery, t.name, opts, io, opened));
}

async function compareIn(kindQuery: string, name: string, opts: CompareOptions, io: CommandIO, { fleet, contexts }: OpenFleet): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  const snap = await takeSnapshot(fleet, { contexts, deadline, namespace: opts.namespace, kinds: () => [kindQuery, 'pods', 'replicasets.apps', ...FLUX_TRACE_KINDS] });
  try {
    reportUnreachable(snap, io.stderr);
    if (snap.reachable.length === 0) {
      io.stderr.write(termText('fleetdeck: no context is reachable\n'));
      return 2;
    }
    const types = snap.reachable.map((c) => fleet.resolve(c, kindQuery)).filter((x) => x !== undefined);
    if (types.length === 0) {
      io.stderr.write(termText(`fleetdeck: ${snapshotUnserved(kindQuery, snap)}\n`));
      return 2;
    }
    const type = types[0];
    let namespace = type.namespaced ? opts.namespace : undefined;
    if (type.namespaced && namespace === undefined) {
      // without -n: the namespace the object is in, if it is the same everywhere it is found
      const namespaces = new Set<string>();
      for (const c of snap.reachable) {
        const tc = fleet.resolve(c, kindQuery);
        if (tc) for (const r of findNamed(fleet, c, tc, name, undefined)) namespaces.add(r.object.metadata.namespace ?? '');
      }
      if (namespaces.size > 1) {
        io.stderr.write(termText(`fleetdeck: ${type.kind}/${name} is in namespaces ${[...namespaces].sort().join(', ')}: pick one with -n\n`));
        return 2;
      }
      namespace = [...namespaces][0];
    }
    const now = Date.now();
    const inputs = contexts.map((c) =>
      snap.reachable.includes(c)
        ? compareInputFor(fleet, c, kindQuery, namespace, name, now)
        : { context: c, presence: 'unknown' as const, reason: `context ${snap.unreachable.find((u) => u.name === c)?.state ?? 'unreachable'}` },
    );
    const result = compareObjects({ kind: type.kind, namespace: namespace ?? '', name }, inputs, now);
    if (opts.output === 'json') io.stdout.write(`${jsonForTerminal(compareJson(result), 2)}\n`);
    else {
      const width = (io.stdout as { columns?: number }).columns ?? 120;
      io.stdout.write(`${renderCompare(result, chalkPaint(commandColours(io)), width).join('\n')}\n`);
    }
    return compareExitCode(result);
  } finally {
    snap.close();
  }
}
