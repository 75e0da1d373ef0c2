// A scrollable text view (YAML, describe, help, dialogs): lines are built once, only the
// visible window is handed to the screen; `wrap` (w) folds long lines onto as many rows as
// they need instead of cutting them at the screen's edge.
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { wrapTagged } from '../style.js';
import type { AppContext, View } from '../view.js';

export abstract class TextView implements View {
  protected top = 0;
  protected height = 1;
  protected wrapped = false;

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
      this.wrapped = !this.wrapped;
      return true;
    }
    const d = navDelta(action, Math.max(1, this.height - 1));
    if (d === undefined) return false;
    this.top = Math.max(0, this.top + d);
    return true;
  }

  /** The lines as shown: folded to the width when wrapping. */
  protected shown(width: number): string[] {
    const lines = this.lines(width);
    return this.wrapped ? lines.flatMap((l) => wrapTagged(l, width)) : lines;
  }

  render(width: number, height: number): string[] {
    this.height = height;
    const all = this.shown(width);
    this.top = Math.min(this.top, Math.max(0, all.length - height));
    return all.slice(this.top, this.top + height);
  }

  status(): string {
    return '';
  }
}
