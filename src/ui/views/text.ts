// A scrollable text view (YAML, describe, help, dialogs): lines are built once, only the
// visible window is handed to the screen; `wrap` (w) folds long lines onto as many rows as
// they need instead of cutting them at the screen's edge.
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { termLine, wrapToWidth } from '../../model/sanitize.js';
import { escapeTags, paint, wrapTagged } from '../style.js';
import { detailRoom } from '../widgets/table.js';
import type { AppContext, View } from '../view.js';

export abstract class TextView implements View {
  protected top = 0;
  protected height = 1;
  protected wrapped = false;
  /** the width of the last frame (wrapping keeps the top line in place at it) */
  protected width = 80;
  /** rows of the last frame's text (the window is `height` of them from `top`) */
  protected total = 0;

  constructor(protected readonly app: AppContext) {}

  get actions(): readonly CommandId[] {
    return [...this.extraActions(), 'wrap', 'back', ...NAV_ACTIONS];
  }

  abstract title(): string;
  protected abstract lines(width: number): string[];
  protected extraActions(): CommandId[] {
    return [];
  }

  handle(action: CommandId): boolean {
    if (action === 'wrap') {
      this.toggleWrap();
      return true;
    }
    const d = navDelta(action, Math.max(1, this.height - 1));
    if (d === undefined) return false;
    this.top = Math.max(0, this.top + d);
    return true;
  }

  /** Wraps or unwraps, the line at the top of the window staying there (the reader keeps their place). */
  protected toggleWrap(): void {
    const rows = (wrapped: boolean): number[] => this.lines(this.width).map((l) => (wrapped ? wrapTagged(l, this.width).length : 1));
    const before = rows(this.wrapped);
    let line = 0;
    for (let at = 0; line < before.length && at + before[line] <= this.top; line++) at += before[line];
    this.wrapped = !this.wrapped;
    this.top = rows(this.wrapped).slice(0, line).reduce((a, b) => a + b, 0);
  }

  /** The lines as shown: folded to the width when wrapping. */
  protected shown(width: number): string[] {
    const lines = this.lines(width);
    return this.wrapped ? lines.flatMap((l) => wrapTagged(l, width)) : lines;
  }

  render(width: number, height: number): string[] {
    this.height = height;
    this.width = width;
    const all = this.shown(width);
    this.top = Math.min(this.top, Math.max(0, all.length - height));
    this.total = all.length;
    return all.slice(this.top, this.top + height);
  }

  /** Where the window is when the text does not fit, as less's -M prompt: `[41-80/312]` (rows); '' when it all shows. */
  status(): string {
    if (this.total <= this.height) return '';
    // the header is drawn before the text: a key may have moved `top` past the end since
    const top = Math.min(this.top, this.total - this.height);
    return `[${top + 1}-${top + this.height}/${this.total}]`;
  }
}

/**
 * A table row's values, one column a line, wrapped from the start: what `w` opens when the
 * selected row's values do not fit under the table (detailFits). Read at every frame.
 */
export class RowView extends TextView {
  constructor(
    app: AppContext,
    private readonly heading: string,
    private readonly values: () => [header: string, value: string][],
  ) {
    super(app);
    this.wrapped = true;
  }

  title(): string {
    return this.heading;
  }

  protected lines(): string[] {
    return this.values().map(([h, v]) => `${paint(this.app.theme, 'describe.label', `${h}:`)} ${escapeTags(v || '-')}`);
  }
}

/** A row's values as the lines shown under its list (`HEADER: value   HEADER: value`, wrapped, sanitized). */
export function rowDetail(values: [string, string][], width: number): string[] {
  return wrapToWidth(values.map(([h, v]) => `${termLine(h)}: ${termLine(v) || '-'}`).join('   '), Math.max(1, width));
}

/**
 * `w` in a list that is not a model table (tree, changes): the selected row's values under the
 * list when they fit there (detailRoom), else in a RowView of their own. Returns the new state
 * of the detail under the list.
 */
export function toggleRowDetail(app: AppContext, shown: boolean, heading: string, values: (() => [string, string][]) | undefined, width: number, height: number): boolean {
  if (shown || !values) return false;
  if (rowDetail(values(), width).length <= detailRoom(height)) return true;
  app.push(new RowView(app, heading, values));
  return false;
}
