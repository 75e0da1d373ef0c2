// `:problems`: everything not Current across the selected contexts, most severe first. Rows
// are re-derived once per change batch that touches a watched kind (never per event), and
// only when a frame needs them. Enter opens describe, `t` the tree of the object's top owner.
import type { Target } from '../../actions/types.js';
import type { ChangeBatch, FleetStore, Subscription } from '../../fleet/types.js';
import { problemInputs, statusKinds } from '../../fleet/report.js';
import { humanDuration } from '../../model/format.js';
import { resolveKind } from '../../model/health.js';
import { kindRefOf, problems, type Problem, type ProblemInput } from '../../model/problems.js';
import type { KubeObject } from '../../model/types.js';
import type { Role } from '../../config/theme.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import type { AppContext, View } from '../view.js';
import { escapeTags, paint } from '../style.js';
import { renderTable, type Column, type TableState } from '../widgets/table.js';
import { DescribeView } from './describe.js';
import { cutToWidth, termLine, wrapToWidth } from '../../model/sanitize.js';

/**
 * Watches the kinds the fleet summary needs (statusKinds) in a set of contexts, adding a
 * context's watches once its discovery is done. Shared by the Problems and Fleet views.
 */
export class StatusWatcher {
  private subs = new Map<string, Subscription[]>();
  readonly kinds = new Map<string, string[]>();

  constructor(private readonly store: FleetStore) {}

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
      if (this.subs.has(c)) continue;
      const types = this.store.resources(c);
      if (!types.length) continue;
      const kinds = statusKinds(types);
      this.kinds.set(c, kinds);
      this.subs.set(c, kinds.map((resource) => this.store.watch({ contexts: [c], resource })));
      changed = true;
    }
    return changed;
  }

  /** Does the batch touch anything watched? */
  touches(batch: ChangeBatch): boolean {
    for (const [c, kinds] of this.kinds) for (const k of kinds) if (batch.resources.has(`${c}\u0000${k}`)) return true;
    return false;
  }

  objects(context: string): Map<string, KubeObject[]> {
    return new Map((this.kinds.get(context) ?? []).map((k) => [k, this.store.list(context, k)]));
  }

  close(): void {
    for (const subs of this.subs.values()) for (const s of subs) s.close();
    this.subs.clear();
    this.kinds.clear();
  }
}

export interface ProblemRow {
  problem: Problem;
  resource: string;
  object: KubeObject;
  key: string;
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
    return { problem: p, resource: typeof input.resource === 'string' ? input.resource : input.resource.resource, object: input.object, key };
  });
}

const STATUS_ROLE: Record<string, Role> = {
  Failed: 'status.error', Terminating: 'status.warn', InProgress: 'status.progress', Suspended: 'status.muted', Unknown: 'status.warn', NotFound: 'status.error',
};

export function problemColumns(): Column<ProblemRow>[] {
  return [
    { header: 'CONTEXT', maxWidth: 16, value: (r) => r.problem.context },
    { header: 'KIND', maxWidth: 22, value: (r) => r.problem.kind },
    { header: 'NAMESPACE', maxWidth: 18, value: (r) => r.problem.namespace || '-' },
    { header: 'NAME', maxWidth: 32, value: (r) => r.problem.name },
    { header: 'STATUS', value: (r) => r.problem.verdict.status, role: (r) => STATUS_ROLE[r.problem.verdict.status] },
    { header: 'SINCE', align: 'right', value: (r) => (r.problem.durationMs === undefined ? '-' : humanDuration(r.problem.durationMs)) },
    { header: 'REASON', value: (r) => r.problem.verdict.reason },
  ];
}

const clampSelected = (i: number, n: number): number => Math.max(0, Math.min(i, n - 1));

/** The selected problem's full reason, wrapped to the width, at most three lines. */
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
  readonly actions: readonly CommandId[] = ['open', ...NAV_ACTIONS];
  private readonly watcher: StatusWatcher;
  private readonly state: TableState = { selected: 0, top: 0 };
  private rows: ProblemRow[] = [];
  private dirty = true;
  private selectedKey: string | undefined;
  private height = 10;

  constructor(private readonly app: AppContext) {
    this.watcher = new StatusWatcher(app.store);
    this.watcher.sync(app.contexts());
  }

  title(): string {
    return 'problems';
  }

  status(): string {
    this.derive();
    const failed = this.rows.filter((r) => r.problem.severity === 'failed').length;
    return `[${this.rows.length}${failed ? `, ${failed} failed` : ''}]`;
  }

  scopeChanged(): void {
    this.watcher.sync(this.app.contexts());
    this.dirty = true;
  }

  onChange(batch: ChangeBatch): void {
    // contexts finishing discovery get their watches here
    if (batch.contexts.size && this.watcher.sync(this.app.contexts())) this.dirty = true;
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
    const inputs = this.app.contexts().flatMap((c) => problemInputs(this.app.store, c, this.watcher.objects(c)));
    this.rows = problemRows(inputs, this.app.now());
    if (this.selectedKey) {
      const i = this.rows.findIndex((r) => r.key === this.selectedKey);
      if (i >= 0) this.state.selected = i;
    }
  }

  handle(action: CommandId): boolean {
    this.derive();
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
    this.derive();
    if (this.rows.length === 0) {
      const waiting = this.app.contexts().filter((c) => !this.watcher.kinds.has(c));
      return [waiting.length ? `waiting for ${waiting.join(', ')} to be discovered` : 'no problems: everything watched is Current'];
    }
    // the reason is what the on-call engineer acts on: the selected one is shown whole below
    const detail = height >= 8 ? reasonLines(this.rows[clampSelected(this.state.selected, this.rows.length)], width) : [];
    const tableHeight = height - (detail.length ? detail.length + 1 : 0);
    const lines = renderTable({ columns: problemColumns(), rows: this.rows, width, height: tableHeight, state: this.state, theme: this.app.theme });
    this.selectedKey = this.rows[this.state.selected]?.key;
    if (detail.length === 0) return lines;
    while (lines.length < tableHeight) lines.push('');
    return [...lines, paint(this.app.theme, 'status.muted', '─'.repeat(width)), ...detail.map((l) => escapeTags(l))];
  }

  close(): void {
    this.watcher.close();
  }
}
