// `:outcomes`: what the actions of this session did, newest first: each target's verdict
// (succeeded, failed with the API's message, timed out, skipped with the reason) and the
// requests sent with their HTTP status. Live: a reconcile's follow result appears when it lands.
// The selected outcome's object is the view's selection: every object command (logs, describe,
// rollback again, ...) acts on it from here.
import { outcomeLine, requestLine } from '../../actions/render.js';
import type { Outcome, OutcomeStatus, Target } from '../../actions/types.js';
import type { Role } from '../../config/theme.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { escapeTags, paint, wrapTagged } from '../style.js';
import { NO_NAMESPACE, type AppContext, type View, type ViewScope } from '../view.js';

const ROLE: Record<OutcomeStatus, Role> = { succeeded: 'status.ok', failed: 'status.error', 'timed-out': 'status.warn', skipped: 'status.muted' };

export class OutcomesView implements View {
  readonly actions: readonly CommandId[] = ['wrap', 'back', ...NAV_ACTIONS];
  /** the selected outcome, counted from the newest */
  private selected = 0;
  private top = 0;
  private height = 1;
  private wrapped = false;

  constructor(private readonly app: AppContext) {}

  title(): string {
    return 'outcomes';
  }

  /** every action's outcome, whatever the namespace scope: the header names none */
  scope(): ViewScope {
    return NO_NAMESPACE;
  }

  status(): string {
    const n = this.app.outcomes().length;
    return n ? `[${Math.min(this.selected + 1, n)}/${n}]` : '';
  }

  private newestFirst(): Outcome[] {
    return [...this.app.outcomes()].reverse();
  }

  /** The selected outcome's object, as the store holds it now (the one acted on when it is gone). */
  selection(): Target[] {
    const o = this.newestFirst()[this.selected];
    if (!o) return [];
    const t = o.target;
    const live = this.app.store.get(t.context, t.resource, t.namespace, t.name);
    return [{ ...t, object: live ?? t.object }];
  }

  handle(action: CommandId): boolean {
    if (action === 'wrap') {
      this.wrapped = !this.wrapped;
      return true;
    }
    const n = this.app.outcomes().length;
    const d = navDelta(action, Math.max(1, Math.floor(this.height / 2)));
    if (d === undefined) return false;
    this.selected = Math.max(0, Math.min(n - 1, this.selected + d));
    return true;
  }

  render(width: number, height: number): string[] {
    this.height = height;
    const outcomes = this.newestFirst();
    if (!outcomes.length) return ['no actions run yet'];
    this.selected = Math.min(this.selected, outcomes.length - 1);
    const t = this.app.theme;
    const lines: string[] = [];
    let selectedLine = 0;
    outcomes.forEach((o, i) => {
      if (i === this.selected) selectedLine = lines.length;
      const head = `${o.finishedAt.slice(11, 19)} ${outcomeLine(o)}`;
      lines.push(paint(t, i === this.selected ? 'table.selected' : ROLE[o.status], `${i === this.selected ? '›' : ' '} ${head}`));
      for (const r of o.requests) lines.push(escapeTags(`            ${requestLine(r.request)} → ${r.status ?? '-'}${r.error ? ` ${r.error}` : ''}`));
    });
    const folded = lines.map((l) => (this.wrapped ? wrapTagged(l, width) : [l]));
    const shown = folded.flat();
    // keep the selected outcome in sight
    const at = folded.slice(0, selectedLine).reduce((n, f) => n + f.length, 0);
    if (at < this.top) this.top = at;
    if (at >= this.top + height) this.top = at - height + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, shown.length - height)));
    return shown.slice(this.top, this.top + height);
  }
}
