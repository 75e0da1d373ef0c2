// `fleetdeck changes [--since 1h] [--context …|--all-contexts] [-n NS] [--kind K …] [-o text|json]`:
// what changed across the fleet, newest first (src/model/changes.ts), from what the objects
// record: rollouts with their image change, Flux revisions applied and failed, HelmRelease
// upgrades and rollbacks, creations, deletions requested, Warning events. A one-shot command
// sees no watch history: deletions and scale changes show only in the TUI's :changes, and the
// output says so. Kinds or contexts that could not be read are listed (stderr; `unread` in
// JSON). Exit 0 when printed from everything selected; 1 when printed but something selected
// could not be read (a context down, a kind or namespace forbidden or not listed in time: the
// list is not the whole answer); 2 on errors or when no context is reachable.
import { jsonForTerminal, termText } from '../model/sanitize.js';
import { checkNamespaceScope, commandColours, withFleet, type CommandIO } from './io.js';
import type { FleetOptions, OpenFleet } from './open.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import { changeKinds, changesInputFor, kustomizationsWithoutHistory } from '../fleet/triage.js';
import { storeCoverage, storeSameClusters } from '../fleet/report.js';
import { coverageText } from '../model/coverage.js';
import { changesOnce, coverageNotes, recordedChanges, timeline, type ChangeRow } from '../model/changes.js';
import { parseGoDuration } from '../model/format.js';
import { renderChanges } from '../model/triage-text.js';
import { chalkPaint } from './paint.js';
import { reportUnreachable } from './triage-common.js';

export interface ChangesOptions extends FleetOptions {
  namespace?: string;
  /** a duration: 30m, 1h, 2h30m (default 1h) */
  since?: string;
  /** kinds to keep, as typed (deploy, ks, Kustomization); resolved per context */
  kind?: string[];
  output?: 'text' | 'json';
  timeoutMs?: number;
}

/**
 * `changes -o json`:
 * `{since: ISO, now: ISO,
 *   changes: [{context, kind, namespace, name, change, what, from?, to?, at (ISO), count?, evidence}],
 *   unread: [{context, resource?, reason}], notes: [string]}` — `change` is one of rollout,
 * rollback, scale, flux-applied, flux-failed, source-revision, helm-install, helm-upgrade,
 * helm-rollback, helm-failed, created, deleting, deleted, warning.
 */
export interface ChangesJson {
  since: string;
  now: string;
  changes: Omit<ChangeRow, 'atMs'>[];
  unread: { context: string; resource?: string; reason: string }[];
  notes: string[];
}

export async function runChangesCommand(opts: ChangesOptions, io: CommandIO): Promise<number> {
  const window = parseGoDuration(opts.since ?? '1h');
  if (window === undefined || window <= 0) {
    io.stderr.write(termText(`fleetdeck: --since wants a duration such as 30m, 1h, 2h30m; got "${opts.since}"\n`));
    return 2;
  }
  return withFleet(opts, io, (opened) => changesIn(window, opts, io, opened));
}

async function changesIn(window: number, opts: ChangesOptions, io: CommandIO, { fleet, contexts }: OpenFleet): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  const snap = await takeSnapshot(fleet, { contexts, deadline, namespace: opts.namespace, kinds: (_c, types) => changeKinds(types) });
  try {
    reportUnreachable(snap, io.stderr);
    if (snap.reachable.length === 0) {
      io.stderr.write(termText('fleetdeck: no context is reachable\n'));
      return 2;
    }
    const typo = await checkNamespaceScope(fleet, snap.reachable, opts.namespace, io.stderr);
    if (typo) return typo;
    const now = Date.now();
    const since = now - window;
    const unread: ChangesJson['unread'] = snap.unreachable.map((u) => ({ context: u.name, reason: `context ${u.state}${u.lastError ? `: ${u.lastError}` : ''}` }));
    // what is not whole, from the one model function (src/model/coverage.ts): not synced,
    // forbidden (whole, or in some namespaces of an RBAC fallback), failed
    for (const c of snap.reachable) {
      for (const g of storeCoverage(fleet, [c], snap.watched.filter((w) => w.context === c).map((w) => w.resource), opts.namespace)) {
        if (g.state !== 'synced') unread.push({ context: c, resource: g.resource, reason: coverageText(g).replace(/^[^:]*: /, '') });
      }
    }
    const inputs = snap.reachable.map((c) => changesInputFor(fleet, c, snap.watched.filter((w) => w.context === c).map((w) => w.resource), opts.namespace));
    const kinds = opts.kind?.length
      ? [...new Set(opts.kind.flatMap((k) => snap.reachable.map((c) => fleet.resolve(c, k)?.kind ?? k)))]
      : undefined;
    // a change seen through two contexts of one cluster is one row naming both
    const rows = changesOnce(timeline(inputs.flatMap((i) => recordedChanges(i, since)), { since, namespace: opts.namespace, ...(kinds ? { kinds } : {}) }), storeSameClusters(fleet, snap.reachable), snap.reachable);
    const notes = coverageNotes({ since, now, kustomizationsWithoutHistory: kustomizationsWithoutHistory(inputs) });
    if (opts.output === 'json') {
      const doc: ChangesJson = {
        since: new Date(since).toISOString(),
        now: new Date(now).toISOString(),
        changes: rows.map(({ atMs: _atMs, ...r }) => r),
        unread,
        notes,
      };
      io.stdout.write(`${jsonForTerminal(doc, 2)}\n`);
    } else {
      const p = chalkPaint(commandColours(io));
      if (rows.length) io.stdout.write(`${renderChanges(rows, now, p).join('\n')}\n`);
      else io.stdout.write(termText(`no recorded change since ${new Date(since).toISOString()}${unread.length ? ' in what could be read' : ''}\n`));
      // one line per context and reason: an RBAC namespace denial touches every kind alike
      const grouped = new Map<string, string[]>();
      for (const u of unread) {
        const k = `${u.context}\u0000${u.reason}`;
        grouped.set(k, [...(grouped.get(k) ?? []), ...(u.resource ? [u.resource] : [])]);
      }
      for (const [k, resources] of grouped) {
        const [context, reason] = k.split('\u0000');
        io.stderr.write(termText(`fleetdeck: ${context}: not read (${p.text(reason)})${resources.length ? `: ${resources.join(', ')}` : ''}; changes there are not shown\n`));
      }
      for (const n of notes) io.stderr.write(termText(`fleetdeck: note: ${n}\n`));
    }
    return unread.length > 0 ? 1 : 0;
  } finally {
    snap.close();
  }
}
