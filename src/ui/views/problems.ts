// `:problems`: everything not Current across the selected contexts, most severe first. Rows
// are re-derived once per change batch that touches a watched kind (never per event), and
// only when a frame needs them. Enter opens describe, `t` the tree of the object's top owner.
import type { Target } from '../../actions/types.js';
import type { ChangeBatch, FleetStore, Subscription } from '../../fleet/types.js';
import { listsInScope, namespaceAbsentIn, namespaceAbsentText, problemInputs, statusKinds, storeCoverage, storeSameClusters } from '../../fleet/report.js';
import { mergeSameCluster, type SameCluster } from '../../model/same-cluster.js';
import { coverageBadge, gapText, summarizeCoverage, type KindCoverage } from '../../model/coverage.js';
import { viewColumn } from '../../model/columns.js';
import { humanDuration } from '../../model/format.js';
import { resolveKind } from '../../model/health.js';
import { kindRefOf, problemOf, problems, STUCK_AFTER_MS, type Problem, type ProblemInput } from '../../model/problems.js';
import { shortKindOf } from '../../model/kinds.js';
import { groupOfResource, resourceKey, typeOfKey, type KubeObject, type ResourceType } from '../../model/types.js';
import type { Role } from '../../config/theme.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import type { AppContext, View } from '../view.js';
import { escapeTags, paint } from '../style.js';
import { detailFits, detailLines, detailRoom, renderTable, type Column, type TableState } from '../widgets/table.js';
import { RowView } from './text.js';
import { DescribeView } from './describe.js';
import { cutToWidth, termLine, wrapToWidth } from '../../model/sanitize.js';

/**
 * Watches the kinds the fleet summary needs (statusKinds) in a set of contexts, adding a
 * context's watches once its discovery is done. Shared by the Problems and Fleet views.
 */
export class StatusWatcher {
  private subs = new Map<string, Subscription[]>();
  readonly kinds = new Map<string, readonly string[]>();

  /** `namespace`: the app's namespace scope (`-n`, `:ns`), read at each list; undefined is all */
  constructor(private readonly store: FleetStore, private readonly namespace: () => string | undefined = () => undefined) {}

  /** (Re)aims the watches; returns true when something new is watched. */
  sync(contexts: string[]): boolean {
    let changed = false;
    for (const [c, subs] of this.subs) {
      if (contexts.includes(c)) continue;
      for (const s of subs) s.close();
      this.subs.delete(c);
      this.kinds.delete(c);
      changed = true;
    }
    for (const c of contexts) {
      const types = this.store.resources(c);
      if (!types.length) continue;
      // kinds come and go with discovery (a CRD applied at runtime): watch the new ones, drop the gone ones
      const kinds = statusKinds(types);
      const had = this.kinds.get(c) ?? [];
      // the same discovery answers with the same array (statusKinds is memoised): no element-wise compare per batch
      if (this.subs.has(c) && (kinds === had || (kinds.length === had.length && kinds.every((k, i) => k === had[i])))) {
        this.kinds.set(c, kinds);
        continue;
      }
      const subs = new Map((this.subs.get(c) ?? []).map((s, i) => [had[i], s]));
      for (const [k, s] of subs) if (!kinds.includes(k)) s.close();
      this.kinds.set(c, kinds);
      this.subs.set(c, kinds.map((resource) => subs.get(resource) ?? this.store.watch({ contexts: [c], resource })));
      changed = true;
    }
    return changed;
  }

  /** Does the batch touch anything watched? */
  touches(batch: ChangeBatch): boolean {
    for (const [c, kinds] of this.kinds) for (const k of kinds) if (batch.resources.has(`${c}\u0000${k}`)) return true;
    return false;
  }

  /** The knowledge state of every kind watched, in these contexts (src/model/coverage.ts). */
  coverage(contexts: readonly string[]): KindCoverage[] {
    const kinds = contexts.length === 1 ? (this.kinds.get(contexts[0]) ?? []) : [...new Set(contexts.flatMap((c) => this.kinds.get(c) ?? []))];
    return storeCoverage(this.store, contexts, kinds.length ? kinds : ['pods'], this.namespace());
  }

  /** The watched lists of a context in the namespace scope, for its summary or its problems (listsInScope). */
  objects(context: string, use: 'summary' | 'problems'): Map<string, KubeObject[]> {
    const ns = this.namespace();
    const namespaced = namespacedKeys(this.store.resources(context));
    const lists = new Map((this.kinds.get(context) ?? []).map((k) => [k, this.store.list(context, k, namespaced.has(k) ? ns : undefined)]));
    return listsInScope(this.store, context, lists, ns, use);
  }

  close(): void {
    for (const subs of this.subs.values()) for (const s of subs) s.close();
    this.subs.clear();
    this.kinds.clear();
  }
}

// per discovery result (a context's types are replaced, never edited): read per context per frame
const namespacedOf = new WeakMap<readonly ResourceType[], ReadonlySet<string>>();
function namespacedKeys(types: readonly ResourceType[]): ReadonlySet<string> {
  let got = namespacedOf.get(types);
  if (!got) namespacedOf.set(types, (got = new Set(types.filter((t) => t.namespaced).map(resourceKey))));
  return got;
}

export interface ProblemRow {
  problem: Problem;
  resource: string;
  object: KubeObject;
  key: string;
  /** what the problem was derived from: re-evaluated at the frame's time for the rows shown */
  input?: ProblemInput;
}

const keyOf = (context: string, kind: string, namespace: string, name: string): string => `${context}/${kind}/${namespace}/${name}`;

/** The rows: the model's problems, each with the object and resource it came from. Pure. */
export function problemRows(inputs: ProblemInput[], now: number): ProblemRow[] {
  const byKey = new Map<string, ProblemInput>();
  for (const i of inputs) {
    const kind = resolveKind(i.object, kindRefOf(i.resource, i.object)).kind;
    byKey.set(keyOf(i.context, kind, i.object.metadata.namespace ?? '', i.object.metadata.name), i);
  }
  return problems(inputs, now).map((p) => {
    const key = keyOf(p.context, p.kind, p.namespace, p.name);
    const input = byKey.get(key)!;
    return { problem: p, resource: typeof input.resource === 'string' ? input.resource : input.resource.resource, object: input.object, key, input };
  });
}

/**
 * Rows seen through several contexts of one cluster, once (by object uid): the first row is
 * kept, its problem's `contexts` naming every context that sees it (issue 20 case 10). Pure.
 */
export function problemRowsOnce(rows: ProblemRow[], same: ReadonlyMap<string, SameCluster>, order: readonly string[]): ProblemRow[] {
  if (same.size === 0) return rows;
  const merged = mergeSameCluster(rows.map((row) => ({ context: row.problem.context, row })), same, (x) => x.row.problem.uid ?? x.row.key, order);
  return merged.map((m) => (m.contexts.length > 1 ? { ...m.row, problem: { ...m.row.problem, contexts: m.contexts } } : m.row));
}

const STATUS_ROLE: Record<string, Role> = {
  Failed: 'status.error', Terminating: 'status.warn', InProgress: 'status.progress', Suspended: 'status.muted', Unknown: 'status.warn', NotFound: 'status.error',
};

/**
 * The Problems table. `live` gives a row's problem as of the frame being drawn (the view
 * re-evaluates only the visible rows each second: SINCE, "Terminating for 38s" and the
 * stuck/slow severity after STUCK_AFTER_MS move with the clock); default: as derived.
 * `typeOf` gives a row's served type: its discovery shortNames when the registry names none.
 */
export function problemColumns(live: (r: ProblemRow) => Problem = (r) => r.problem, typeOf: (r: ProblemRow) => ResourceType | undefined = () => undefined): Column<ProblemRow>[] {
  // narrow terminals: the places declared in src/model/columns.ts (VIEW_COLUMNS.problems);
  // REASON gives its width first, down to 12 columns before SINCE and KIND drop
  return [
    // one cluster behind several contexts: one row, every name (`prod-eu,prod-eu-admin`)
    { ...viewColumn('problems', 'CONTEXT'), maxWidth: 24, value: (r) => (r.problem.contexts ?? [r.problem.context]).join(',') },
    // narrow: kubectl's short name (`hr`, `deploy`) rather than a cut word
    {
      ...viewColumn('problems', 'KIND'), maxWidth: 22, value: (r) => r.problem.kind,
      short: (r) => shortKindOf({ group: groupOfResource(r.resource), kind: r.problem.kind, shortNames: typeOf(r)?.shortNames }),
    },
    { ...viewColumn('problems', 'NAMESPACE'), maxWidth: 18, value: (r) => r.problem.namespace || '-' },
    { ...viewColumn('problems', 'NAME'), maxWidth: 32, value: (r) => r.problem.name },
    // stuck/slow (past STUCK_AFTER_MS, as `status` prints them) joins the status it qualifies
    { ...viewColumn('problems', 'STATUS'), value: (r) => statusText(live(r)), role: (r) => SEVERITY_ROLE[live(r).severity] ?? STATUS_ROLE[live(r).verdict.status] },
    { ...viewColumn('problems', 'SINCE'), align: 'right', value: (r) => { const d = live(r).durationMs; return d === undefined ? '-' : humanDuration(d); } },
    { ...viewColumn('problems', 'REASON'), squeeze: 2, room: 12, value: (r) => live(r).verdict.reason },
  ];
}

const SEVERITY_ROLE: Partial<Record<string, Role>> = { stuck: 'status.error', slow: 'status.warn' };

/** The STATUS cell: the verdict, with "(stuck)"/"(slow)" once it has lasted past STUCK_AFTER_MS. */
export function statusText(p: Problem): string {
  return p.severity === 'stuck' || p.severity === 'slow' ? `${p.verdict.status} (${p.severity})` : p.verdict.status;
}

/** The gaps in words, per context: "staging: pods, deployments.apps forbidden in kube-system". */
export function gapByContext(gaps: readonly KindCoverage[]): string {
  const contexts = [...new Set(gaps.map((g) => g.context))];
  return contexts.map((c) => `${c}: ${gapText(gaps.filter((g) => g.context === c))}`).join(' · ');
}

const clampSelected = (i: number, n: number): number => Math.max(0, Math.min(i, n - 1));

/** The selected problem's reason, wrapped to the width, at most three lines (`w` shows it whole). */
export function reasonLines(row: { problem: Problem } | undefined, width: number): string[] {
  if (!row || width < 20) return [];
  const p = row.problem;
  const text = `${p.context} ${p.kind} ${p.namespace ? p.namespace + '/' : ''}${p.name}: ${p.verdict.reason}`;
  const all = wrapToWidth(termLine(text), width);
  const out = all.slice(0, 3);
  if (all.length > 3) out[2] = `${cutToWidth(out[2], width - 1)}~`;
  return out;
}

export class ProblemsView implements View {
  /** its own keys; every object command runs on selection() from the shell */
  readonly actions: readonly CommandId[] = ['open', 'wrap', ...NAV_ACTIONS];
  private readonly watcher: StatusWatcher;
  /** `w`: the selected problem whole under the table, every column (its reason in three lines otherwise) */
  private whole = false;
  private width = 80;
  private readonly state: TableState = { selected: 0, top: 0 };
  private rows: ProblemRow[] = [];
  private dirty = true;
  private selectedKey: string | undefined;
  private height = 10;
  private frameNow = 0;
  private readonly live = new WeakMap<ProblemRow, { at: number; p: Problem }>();
  /** epoch ms when a row's severity turns stuck/slow: the order is derived again then */
  private nextFlip = Infinity;
  /** the same-cluster map the rows were merged with, as text */
  private sameKey = '[]';

  constructor(private readonly app: AppContext) {
    this.watcher = new StatusWatcher(app.store, () => app.namespace());
    this.watcher.sync(app.contexts());
  }

  title(): string {
    return 'problems';
  }

  status(): string {
    this.derive();
    const failed = this.rows.filter((r) => r.problem.severity === 'failed').length;
    // a count over kinds still syncing, forbidden or failed is a lower bound: "7+ · 2 kinds syncing"
    const badge = coverageBadge(summarizeCoverage(this.watcher.coverage(this.app.contexts())));
    // the failed count goes with the problem count, before the kinds not whole: "[9+, 6 failed ·
    // 22 kinds forbidden]" (after them, "6 failed" read as six kinds whose sync failed)
    const plus = badge.startsWith('+') ? '+' : '';
    // a namespace scope no context in scope has (a typo): no count at all, never "0"
    const absent = this.absent();
    if (absent && absent.length === this.app.contexts().length) return `[${absent.text}]`;
    return `[${this.rows.length}${plus}${failed ? `, ${failed} failed` : ''}${badge.slice(plus.length)}]`;
  }

  /** The contexts in scope without the namespace scope's namespace (namespaceAbsentIn), with what to say of them. */
  private absent(): { length: number; text: string } | undefined {
    const ns = this.app.namespace();
    const absent = namespaceAbsentIn(this.app.store, this.app.contexts(), ns);
    return absent.length && ns !== undefined ? { length: absent.length, text: namespaceAbsentText(ns, absent) } : undefined;
  }

  /** A row's problem as of the frame being drawn, evaluated once per row and frame. */
  /** the table's columns: each row as of the frame (liveOf), its kind's served type from discovery */
  private columns(): Column<ProblemRow>[] {
    return problemColumns((r) => this.liveOf(r), (r) => typeOfKey(this.app.store.resources(r.problem.context), r.resource));
  }

  private liveOf(r: ProblemRow): Problem {
    const hit = this.live.get(r);
    if (hit && hit.at === this.frameNow) return hit.p;
    const p = (r.input && problemOf(r.input, this.frameNow)) || r.problem;
    this.live.set(r, { at: this.frameNow, p });
    return p;
  }

  scopeChanged(): void {
    this.watcher.sync(this.app.contexts());
    this.dirty = true;
  }

  onChange(batch: ChangeBatch): void {
    // contexts finishing discovery get their watches here
    if (batch.contexts.size && this.watcher.sync(this.app.contexts())) this.dirty = true;
    // a context's cluster identity arrived (or changed): rows of one cluster merge
    if (batch.contexts.size) {
      const same = JSON.stringify([...storeSameClusters(this.app.store, this.app.contexts())]);
      if (same !== this.sameKey) {
        this.sameKey = same;
        this.dirty = true;
      }
    }
    if (this.watcher.touches(batch)) this.dirty = true;
  }

  /** The selected row (the shell's logs and actions read it). */
  selected(): ProblemRow | undefined {
    this.derive();
    return this.rows[this.state.selected];
  }

  /** The selected problem's object: every object command works on a Problems row. */
  selection(): Target[] {
    const row = this.selected();
    if (!row) return [];
    const p = row.problem;
    return [{ context: p.context, resource: row.resource, kind: p.kind, namespace: row.object.metadata.namespace, name: row.object.metadata.name, object: row.object }];
  }

  allRows(): readonly ProblemRow[] {
    this.derive();
    return this.rows;
  }

  private derive(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const inputs = this.app.contexts().flatMap((c) => problemInputs(this.app.store, c, this.watcher.objects(c, 'problems')));
    const now = this.app.now();
    const order = this.app.contexts();
    this.rows = problemRowsOnce(problemRows(inputs, now), storeSameClusters(this.app.store, order), order);
    this.nextFlip = Infinity;
    for (const r of this.rows) {
      const p = r.problem;
      if ((p.severity === 'terminating' || p.severity === 'progressing') && p.durationMs !== undefined) this.nextFlip = Math.min(this.nextFlip, now - p.durationMs + STUCK_AFTER_MS);
    }
    if (this.selectedKey) {
      const i = this.rows.findIndex((r) => r.key === this.selectedKey);
      if (i >= 0) this.state.selected = i;
    }
  }

  handle(action: CommandId): boolean {
    this.derive();
    if (action === 'wrap') {
      const row = this.rows[this.state.selected];
      // a reason too long for the rows under the table: a view of its own, wrapped and scrollable
      const columns = this.columns();
      if (!this.whole && row && !detailFits(columns, row, this.width, this.height)) {
        this.app.push(new RowView(this.app, `row ${row.problem.name}`, () => columns.map((c) => [c.header, c.value(row)])));
      } else this.whole = !this.whole;
      return true;
    }
    const d = navDelta(action, Math.max(1, this.height - 2));
    if (d !== undefined) {
      this.state.selected = Math.max(0, Math.min(this.rows.length - 1, this.state.selected + d));
      this.selectedKey = this.rows[this.state.selected]?.key;
      return true;
    }
    const row = this.rows[this.state.selected];
    if (!row) return false;
    if (action !== 'open') return false;
    const rt = this.app.store.resolve(row.problem.context, row.resource);
    if (!rt) return false;
    this.app.push(new DescribeView(this.app, row.problem.context, rt, row.object));
    return true;
  }

  render(width: number, height: number): string[] {
    this.height = height;
    this.width = width;
    this.frameNow = this.app.now();
    // a row turning stuck/slow moves up: the order is derived again at that moment only
    if (this.frameNow >= this.nextFlip) this.dirty = true;
    this.derive();
    const cov = summarizeCoverage(this.watcher.coverage(this.app.contexts()));
    // what the list does not cover, where the list is (issue 20): never shown as "no problems"
    // a namespace scope a context does not have (a typo) is said, as the tables say it: its
    // empty list is not "everything is Current"
    const absent = this.absent();
    const notice = [
      ...(absent ? [paint(this.app.theme, 'status.warn', escapeTags(cutToWidth(termLine(absent.text), width)))] : []),
      ...(cov.complete ? [] : [paint(this.app.theme, 'status.warn', escapeTags(cutToWidth(termLine(`not whole: ${gapByContext(cov.gaps)}`), width)))]),
    ];
    if (this.rows.length === 0) {
      if (absent && absent.length === this.app.contexts().length) return notice;
      return [cov.complete && !absent ? 'no problems: everything watched is Current' : cov.complete ? 'no problems in the contexts that have the namespace' : 'no problems in what could be read so far (not a verdict: see below)', ...notice];
    }
    // the reason is what the on-call engineer acts on: the selected one is shown whole below
    // (w: every column of it, the reason whole)
    const columns = this.columns();
    const selected = this.rows[clampSelected(this.state.selected, this.rows.length)];
    const detail = height < 8 ? [] : this.whole ? detailLines(columns, selected, width).slice(0, detailRoom(height)) : reasonLines(selected, width);
    const tableHeight = height - (detail.length ? detail.length + 1 : 0) - notice.length;
    const lines = renderTable({ columns, rows: this.rows, width, height: tableHeight, state: this.state, theme: this.app.theme });
    this.selectedKey = this.rows[this.state.selected]?.key;
    if (detail.length === 0 && notice.length === 0) return lines;
    while (lines.length < tableHeight) lines.push('');
    return [...lines, ...notice, ...(detail.length ? [paint(this.app.theme, 'status.muted', '─'.repeat(width)), ...detail.map((l) => escapeTags(l))] : [])];
  }

  close(): void {
    this.watcher.close();
  }
}
