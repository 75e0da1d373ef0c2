// `fleetdeck trace KIND/NAME [-n NS] [--context …|--all-contexts] [-o text|json]`: in every
// selected context holding the object, its chain up to the source that put it there
// (src/model/trace.ts): owners, the Flux Kustomization/HelmRelease, its source with URL and
// revision, each with its Ready state and message — `flux trace` across the fleet.
// Exit 0 when traced; 1 when no context has the object, or when it is traced but a selected
// context could not be read (the README's "not done on a selected context"); 2 on errors.
import { jsonForTerminal, termText } from '../model/sanitize.js';
import { commandColours, withFleet, type CommandIO } from './io.js';
import type { FleetOptions, OpenFleet } from './open.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import { findNamed, FLUX_TRACE_KINDS, OWNER_KINDS, traceIn, unreadReason } from '../fleet/triage.js';
import type { ObjRef } from '../model/tree.js';
import type { Trace } from '../model/trace.js';
import { renderTraces } from '../model/triage-text.js';
import type { ResourceType } from '../model/types.js';
import { absentText } from '../model/coverage.js';
import { chalkPaint } from './paint.js';
import { parseTarget, reportUnreachable, snapshotUnserved, watchOwnersAbove } from './triage-common.js';

export interface TraceOptions extends FleetOptions {
  namespace?: string;
  output?: 'text' | 'json';
  timeoutMs?: number;
}

/**
 * `trace -o json`:
 * `{traces: [{context, managed: flux|not-flux|unknown, note?, steps: [TraceStep]}],
 *   notFound: [context], unknown: [{context, reason}]}` — TraceStep as in src/model/trace.ts
 * (via, kind, group, namespace, name, presence, note?, ready?, health?, suspended?,
 * appliedRevision?, attemptedRevision?, url?, reference?, path?, targetNamespace?).
 */
export interface TraceJson {
  traces: ({ context: string } & Trace)[];
  notFound: string[];
  unknown: { context: string; reason: string }[];
}

export async function runTraceCommand(target: string, opts: TraceOptions, io: CommandIO): Promise<number> {
  const t = parseTarget(target);
  if (!t) {
    io.stderr.write(termText(`fleetdeck: trace wants KIND/NAME (e.g. pod/web-7d9f-abcde, deploy/web), got "${target}"\n`));
    return 2;
  }
  return withFleet(opts, io, (opened) => traceAll(t.kindQuery, t.name, opts, io, opened));
}

async function traceAll(kindQuery: string, name: string, opts: TraceOptions, io: CommandIO, { fleet, contexts }: OpenFleet): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  const kinds = [kindQuery, ...OWNER_KINDS, ...FLUX_TRACE_KINDS];
  const snap = await takeSnapshot(fleet, { contexts, deadline, kinds: () => kinds });
  const closers = [snap.close];
  try {
    reportUnreachable(snap, io.stderr);
    if (snap.reachable.length === 0) {
      io.stderr.write(termText('fleetdeck: no context is reachable\n'));
      return 2;
    }
    const found = new Map<string, ObjRef[]>();
    const doc: TraceJson = { traces: [], notFound: [], unknown: snap.unreachable.map((u) => ({ context: u.name, reason: `context ${u.state}${u.lastError ? `: ${u.lastError}` : ''}` })) };
    /** the kind as the first context that serves it resolves it: the one spelling of the sentences */
    let served: ResourceType | undefined;
    for (const c of snap.reachable) {
      const type = fleet.resolve(c, kindQuery);
      served ??= type;
      const refs = type ? findNamed(fleet, c, type, name, opts.namespace) : [];
      if (refs.length) found.set(c, refs);
      else {
        const why = unreadReason(fleet, c, type, opts.namespace);
        if (why) doc.unknown.push({ context: c, reason: why });
        else doc.notFound.push(c);
      }
    }
    if (!served) {
      io.stderr.write(termText(`fleetdeck: ${snapshotUnserved(kindQuery, snap)}\n`));
      return 2;
    }
    const watched = new Map(snap.reachable.map((c) => [c, new Set(snap.watched.filter((w) => w.context === c).map((w) => w.resource))]));
    for (const s of await watchOwnersAbove(fleet, found, watched, deadline)) closers.push(s.close);
    const now = Date.now();
    for (const [c, refs] of found) {
      for (const ref of refs) {
        const live = fleet.get(c, ref.resource, ref.object.metadata.namespace, ref.object.metadata.name) ?? ref.object;
        doc.traces.push({ context: c, ...traceIn(fleet, c, { resource: ref.resource, object: live }, now) });
      }
    }
    if (opts.output === 'json') io.stdout.write(`${jsonForTerminal(doc, 2)}\n`);
    else {
      const p = chalkPaint(commandColours(io));
      if (doc.traces.length) io.stdout.write(`${renderTraces(doc.traces, p)}\n`);
      if (found.size && doc.notFound.length) io.stderr.write(termText(`fleetdeck: not in ${doc.notFound.join(', ')}\n`));
      for (const u of doc.unknown) io.stderr.write(termText(`fleetdeck: ${u.context}: unknown (${p.text(u.reason)})\n`));
    }
    if (found.size === 0) {
      io.stderr.write(termText(`fleetdeck: ${absentText(served, name, opts.namespace, doc.notFound, doc.unknown)}\n`));
      return doc.unknown.length && doc.notFound.length === 0 ? 2 : 1;
    }
    return doc.unknown.length > 0 ? 1 : 0;
  } finally {
    for (const close of closers) close();
  }
}
