// Rollout history (`h` on a Deployment, StatefulSet or DaemonSet): the revisions from the
// store (ReplicaSets / ControllerRevisions), newest first, the running one marked; mark two
// to see the diff of their pod templates; roll back to the selected one through the shell's
// action dialog (app.act: the catalog's plan with the template diff, confirm, execute), then
// follow the rollout until it completes or stalls. A HelmRelease shows its status.history (information only: Flux has no rollback).
// Rows are derived by pure functions, exported for the tests.
import { templateDiff } from '../../model/diff.js';
import { age } from '../../model/format.js';
import { health, type Verdict } from '../../model/health.js';
import { helmReleaseHistory, rolloutHistory, type HelmHistoryEntry, type Revision } from '../../model/rollout.js';
import { resourceKey, type KubeObject, type ResourceType } from '../../model/types.js';
import type { Outcome, Target } from '../../actions/types.js';
import { HISTORY_SOURCES, historyOf } from '../../model/kinds.js';
import type { ChangeBatch, Subscription } from '../../fleet/types.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { storeCoverage } from '../../fleet/report.js';
import { coverageText, type KindCoverage } from '../../model/coverage.js';
import { cutToWidth, termLine } from '../../model/sanitize.js';
import { escapeTags, paint } from '../style.js';
import { objectScope, type AppContext, type View, type ViewScope } from '../view.js';
import { renderTable, type Column, type TableState } from '../widgets/table.js';
import { TextView, toggleRowDetail } from './text.js';

export interface HistoryRow {
  revision: number;
  name: string;
  current: boolean;
  age: string;
  changeCause: string;
  images: string;
  /** ready/desired for ReplicaSets, ready/current for revisions counted over pods */
  pods: string;
  template: unknown;
}

/** Revisions as table rows, newest first. */
export function revisionRows(revisions: Revision[], now: number): HistoryRow[] {
  return [...revisions]
    .sort((a, b) => b.revision - a.revision)
    .map((r) => ({
      revision: r.revision,
      name: r.name,
      current: r.current,
      age: r.createdAt ? age(r.createdAt, now) : '<unknown>',
      changeCause: r.changeCause,
      images: r.images.join(', '),
      pods: `${r.pods.ready}/${r.pods.desired ?? r.pods.current}`,
      template: r.template,
    }));
}

/**
 * The diff of two revisions' pod templates, older → newer ('' when equal). `undefined` when
 * a revision is not among the rows.
 */
export function revisionDiff(rows: HistoryRow[], a: number, b: number): string | undefined {
  const [older, newer] = a <= b ? [a, b] : [b, a];
  const x = rows.find((r) => r.revision === older);
  const y = rows.find((r) => r.revision === newer);
  if (!x || !y) return undefined;
  return templateDiff(x.template, y.template, { a: `revision ${older}`, b: `revision ${newer}` });
}

/** Marks for the diff: at most two, the oldest mark dropped when a third is added. */
export function toggleMark(marks: readonly number[], revision: number): number[] {
  if (marks.includes(revision)) return marks.filter((m) => m !== revision);
  return [...marks, revision].slice(-2);
}

export interface HelmRow {
  version: number;
  current: boolean;
  status: string;
  chart: string;
  appVersion: string;
  deployed: string;
  digest: string;
}

/** HelmRelease status.history as rows, newest first (the order Flux keeps it in). */
export function helmRows(hr: unknown, now: number): HelmRow[] {
  return helmReleaseHistory(hr).map((h: HelmHistoryEntry) => ({
    version: h.version,
    current: h.current,
    status: h.status,
    chart: `${h.chartName}@${h.chartVersion}`,
    appVersion: h.appVersion ?? '',
    deployed: h.lastDeployed ? age(h.lastDeployed, now) : '',
    digest: h.digest ? h.digest.replace(/^sha256:/, '').slice(0, 12) : '',
  }));
}

export type FollowState =
  | { phase: 'rolling'; revision: number; message: string }
  | { phase: 'complete'; revision: number; message: string }
  | { phase: 'stalled'; revision: number; message: string };

/** Where a followed rollback is: complete when healthy on the target template, stalled when Failed. */
export function followState(revision: number, verdict: Verdict, rows: HistoryRow[], targetTemplate: unknown): FollowState {
  const running = rows.find((r) => r.current);
  const onTarget = running !== undefined && JSON.stringify(running.template) === JSON.stringify(targetTemplate);
  if (verdict.status === 'Failed') return { phase: 'stalled', revision, message: `rollback to revision ${revision} stalled: ${verdict.reason}` };
  if (onTarget && verdict.status === 'Current') return { phase: 'complete', revision, message: `rollback to revision ${revision} complete` };
  return { phase: 'rolling', revision, message: `rolling back to revision ${revision}: ${verdict.reason}` };
}

export interface HistoryViewOptions {
  context: string;
  rt: ResourceType;
  object: KubeObject;
}

/** The outcome of the rollback started at `since` (outcomes count then) on this target, if any. */
export function rollbackOutcome(outcomes: Outcome[], since: number, t: Pick<Target, 'context' | 'kind' | 'namespace' | 'name'>): Outcome | undefined {
  return outcomes
    .slice(since)
    .find((o) => o.target.context === t.context && o.target.kind === t.kind && o.target.namespace === t.namespace && o.target.name === t.name);
}

class DiffView extends TextView {
  constructor(app: AppContext, private readonly heading: string, private readonly diff: string, private readonly within: ViewScope) {
    super(app);
  }

  title(): string {
    return this.heading;
  }

  scope(): ViewScope {
    return this.within;
  }

  protected lines(): string[] {
    return diffLines(this.app, this.diff);
  }
}

function diffLines(app: AppContext, diff: string): string[] {
  if (diff === '') return [escapeTags('(the pod templates are identical)')];
  const role = (l: string) => (l.startsWith('+') ? 'status.ok' : l.startsWith('-') ? 'status.error' : l.startsWith('@@') ? 'status.muted' : undefined);
  return diff.replace(/\n$/, '').split('\n').map((l) => {
    const r = role(l);
    return r ? paint(app.theme, r, l) : escapeTags(l);
  });
}

export class HistoryView implements View {
  readonly actions: readonly CommandId[];
  private readonly state: TableState = { selected: 0, top: 0 };
  private marks: number[] = [];
  private subs: Subscription[] = [];
  private readonly resKey: string;
  private readonly helm: boolean;
  // a rollback handed to the shell: waiting for its outcome (since = outcomes count then), then followed
  private follow: { revision: number; template: unknown; since: number; sent: boolean; state?: FollowState } | undefined;
  private height = 1;
  private width = 80;
  /** `w`: the selected revision whole under the table (a long CHANGE-CAUSE, an image list) */
  private detail = false;
  /** the selected row's values in the last frame, for `w` */
  private selectedValues: (() => [string, string][]) | undefined;

  constructor(private readonly app: AppContext, private readonly opts: HistoryViewOptions) {
    this.resKey = resourceKey(opts.rt);
    this.helm = opts.rt.kind === 'HelmRelease';
    this.actions = this.helm ? ['wrap', 'back', ...NAV_ACTIONS] : ['mark', 'open', 'workload.rollback', 'clear-marks', 'wrap', 'back', ...NAV_ACTIONS];
    const ns = opts.object.metadata.namespace;
    const resources = [this.resKey];
    const src = historyOf(opts.rt.kind, opts.rt.group);
    if (src) resources.push(src.resource, ...(src.pods ? ['pods'] : []));
    this.subs = resources.map((resource) => app.store.watch({ contexts: [opts.context], resource, namespace: ns }));
  }

  title(): string {
    return `history ${this.opts.rt.kind.toLowerCase()}/${this.opts.object.metadata.name}`;
  }

  scope(): ViewScope {
    return objectScope(this.opts.context, this.opts.object);
  }

  /** The live object from the store (the one given until the store has it). */
  private workload(): KubeObject {
    const o = this.opts.object;
    return this.app.store.get(this.opts.context, this.resKey, o.metadata.namespace, o.metadata.name) ?? o;
  }

  rows(): HistoryRow[] {
    const w = this.workload();
    const src = historyOf(this.opts.rt.kind, this.opts.rt.group);
    if (!src) return [];
    // what the workload controls: its ReplicaSets or ControllerRevisions and pods, from the store's owner index
    const owned = w.metadata.uid ? this.app.store.ownedBy(this.opts.context, w.metadata.uid) : [];
    const related = owned.filter((r) => r.resource === src.resource).map((r) => r.object);
    const pods = src.pods ? owned.filter((r) => r.resource === 'pods').map((r) => r.object) : [];
    const revisions = rolloutHistory({ ...w, kind: this.opts.rt.kind }, { related: related.map((o) => ({ ...o, kind: o.kind ?? src.kind })), pods, now: this.app.now() });
    return revisionRows(revisions, this.app.now());
  }

  /** The workload (or HelmRelease) whose history this is: object commands act on it. */
  selection(): Target[] {
    return [this.target(this.workload())];
  }

  status(): string {
    const n = this.helm ? helmRows(this.workload(), this.app.now()).length : this.rows().length;
    // revisions read from a list not whole (ReplicaSets forbidden, not synced yet): a lower bound, as a table's count
    const plus = this.gaps().length ? '+' : '';
    return `[${n}${plus} revisions${this.marks.length ? `, marked ${this.marks.join(' ')}` : ''}]`;
  }

  /** The list the revisions are read from (a Deployment's ReplicaSets in its namespace) where it is not whole; a HelmRelease carries its own. */
  private gaps(): KindCoverage[] {
    const src = this.helm ? undefined : historyOf(this.opts.rt.kind, this.opts.rt.group);
    if (!src) return [];
    return storeCoverage(this.app.store, [this.opts.context], [src.resource], this.opts.object.metadata.namespace).filter((c) => c.state !== 'synced');
  }

  /** The line under the table when the revisions are not all read: `not whole: replicasets in staging/shop: forbidden`. */
  private notice(width: number): string[] {
    const gaps = this.gaps();
    if (!gaps.length) return [];
    return [paint(this.app.theme, 'status.warn', escapeTags(cutToWidth(termLine(`not whole: ${gaps.map(coverageText).join(' · ')}`), width)))];
  }

  onChange(batch: ChangeBatch): void {
    const mine = [this.resKey, ...HISTORY_SOURCES.flatMap((s) => [s.resource, 'pods'])];
    if (mine.some((r) => batch.resources.has(`${this.opts.context}\u0000${r}`))) this.app.render();
  }

  handle(action: CommandId): boolean {
    if (action === 'wrap') {
      this.detail = toggleRowDetail(this.app, this.detail, `${this.title()} row`, this.selectedValues, this.width, this.height);
      return true;
    }
    const rows = this.helm ? [] : this.rows();
    const total = this.helm ? helmRows(this.workload(), this.app.now()).length : rows.length;
    const d = navDelta(action, Math.max(1, this.height - 2));
    if (d !== undefined) {
      this.state.selected = Math.max(0, Math.min(total - 1, this.state.selected + d));
      return true;
    }
    const row = rows[Math.min(this.state.selected, rows.length - 1)];
    switch (action) {
      case 'mark':
        if (row) this.marks = toggleMark(this.marks, row.revision);
        return true;
      case 'clear-marks':
        this.marks = [];
        return true;
      case 'open':
        return this.openDiff(rows, row);
      case 'workload.rollback':
        return this.rollback(row);
      default:
        return false;
    }
  }

  /** Two marked: their diff; otherwise the selected revision against the running one. */
  private openDiff(rows: HistoryRow[], row: HistoryRow | undefined): boolean {
    const current = rows.find((r) => r.current);
    const [a, b] = this.marks.length === 2 ? this.marks : [current?.revision, row?.revision];
    if (a === undefined || b === undefined) {
      this.app.message('no revision to compare with', 'error');
      return true;
    }
    const diff = revisionDiff(rows, a, b);
    if (diff === undefined) {
      this.app.message(`revision ${a === b ? a : `${a} or ${b}`} is no longer in the history`, 'error');
      return true;
    }
    this.app.push(new DiffView(this.app, `diff ${this.opts.rt.kind.toLowerCase()}/${this.opts.object.metadata.name} ${Math.min(a, b)}..${Math.max(a, b)}`, diff, this.scope()));
    return true;
  }

  private rollback(row: HistoryRow | undefined): boolean {
    if (!row) return true;
    if (row.current) {
      this.app.message(`revision ${row.revision} is the one running`, 'info');
      return true;
    }
    const w = this.workload();
    this.follow = { revision: row.revision, template: row.template, since: this.app.outcomes().length, sent: false };
    this.app.act('rollback', [this.target(w)], { toRevision: row.revision });
    return true;
  }

  private target(w: KubeObject): Target {
    return { context: this.opts.context, resource: this.resKey, kind: this.opts.rt.kind, namespace: w.metadata.namespace, name: w.metadata.name, object: w };
  }

  /**
   * The followed rollback: nothing until the shell reports it sent (a cancelled dialog leaves
   * no outcome), its failure if it failed, then the rollout until complete or stalled.
   */
  private followLine(rows: HistoryRow[]): string | undefined {
    const f = this.follow;
    if (!f) return undefined;
    if (!f.sent) {
      const o = rollbackOutcome(this.app.outcomes(), f.since, this.target(this.workload()));
      if (!o) return undefined;
      if (o.status !== 'succeeded') {
        this.follow = undefined;
        return undefined;
      }
      f.sent = true;
    }
    if (f.state?.phase !== 'complete' && f.state?.phase !== 'stalled') {
      f.state = followState(f.revision, health(this.workload(), this.opts.rt.kind, { now: this.app.now() }), rows, f.template);
    }
    const role = f.state.phase === 'complete' ? 'status.ok' : f.state.phase === 'stalled' ? 'status.error' : 'status.progress';
    return paint(this.app.theme, role, f.state.message);
  }

  render(width: number, height: number): string[] {
    this.height = height;
    this.width = width;
    if (this.helm) return this.renderHelm(width, height);
    const rows = this.rows();
    const out: string[] = [];
    const follow = this.followLine(rows);
    if (follow) out.push(follow);
    const notice = this.notice(width);
    if (!rows.length) return [...out, escapeTags(`no revisions of ${this.opts.rt.kind} ${this.opts.object.metadata.name} in the store (yet)`), ...notice];
    const diff = this.marks.length === 2 ? revisionDiff(rows, this.marks[0], this.marks[1]) : undefined;
    const room = height - out.length - notice.length;
    const tableHeight = diff === undefined ? room : Math.min(rows.length + 1, Math.max(3, Math.floor(room / 2)));
    const marked = new Set(this.marks);
    const columns: Column<HistoryRow>[] = [
      { header: ' ', width: 1, value: (r) => (r.current ? '*' : marked.has(r.revision) ? '+' : ' ') },
      { header: 'REVISION', align: 'right', value: (r) => String(r.revision) },
      { header: 'AGE', value: (r) => r.age },
      { header: 'PODS', value: (r) => r.pods },
      { header: 'IMAGES', maxWidth: 50, value: (r) => r.images },
      { header: 'CHANGE-CAUSE', value: (r) => r.changeCause },
    ];
    this.selectedValues = valuesOf(columns, rows[Math.min(this.state.selected, rows.length - 1)]);
    out.push(...renderTable({ columns, rows, width, height: tableHeight, state: this.state, theme: this.app.theme, isMarked: (r) => marked.has(r.revision), detail: this.detail }));
    if (diff !== undefined) out.push(...diffLines(this.app, diff).slice(0, Math.max(0, height - notice.length - out.length)));
    if (!notice.length) return out.slice(0, height);
    while (out.length < height - notice.length) out.push('');
    return [...out.slice(0, height - notice.length), ...notice];
  }

  private renderHelm(width: number, height: number): string[] {
    const rows = helmRows(this.workload(), this.app.now());
    const note = paint(this.app.theme, 'status.muted', 'Flux has no rollback: revert in Git, or force/reset the HelmRelease');
    if (!rows.length) return [escapeTags(`HelmRelease ${this.opts.object.metadata.name} has no status.history yet`), note];
    const columns: Column<HelmRow>[] = [
      { header: ' ', width: 1, value: (r) => (r.current ? '*' : ' ') },
      { header: 'VERSION', align: 'right', value: (r) => String(r.version) },
      { header: 'STATUS', value: (r) => r.status, role: (_r, v) => (v === 'deployed' ? 'status.ok' : v === 'failed' ? 'status.error' : undefined) },
      { header: 'CHART', value: (r) => r.chart },
      { header: 'APP VERSION', value: (r) => r.appVersion },
      { header: 'DEPLOYED', value: (r) => r.deployed },
      { header: 'DIGEST', value: (r) => r.digest },
    ];
    this.selectedValues = valuesOf(columns, rows[Math.min(this.state.selected, rows.length - 1)]);
    return [...renderTable({ columns, rows, width, height: Math.max(1, height - 1), state: this.state, theme: this.app.theme, detail: this.detail }), note].slice(0, height);
  }

  close(): void {
    for (const s of this.subs) s.close();
    this.subs = [];
  }
}

/** A row's values by column (w), the unnamed mark column left out; undefined without a row. */
function valuesOf<R>(columns: Column<R>[], row: R | undefined): (() => [string, string][]) | undefined {
  return row === undefined ? undefined : () => columns.filter((c) => c.header.trim()).map((c) => [c.header, c.value(row)]);
}

/** The view for an object, or why there is none (a message for the shell). */
export function historyView(app: AppContext, opts: HistoryViewOptions): View | string {
  if (!historyOf(opts.rt.kind, opts.rt.group) && opts.rt.kind !== 'HelmRelease') {
    return `${opts.rt.kind} has no rollout history (Deployment, StatefulSet, DaemonSet and HelmRelease do)`;
  }
  return new HistoryView(app, opts);
}
