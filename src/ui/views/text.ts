// A scrollable text view (YAML, describe, help): lines are built once, only the visible
// window is handed to the screen.
import type { ActionId } from '../actions.js';
import type { AppContext, View } from '../view.js';

const NAV: ActionId[] = ['up', 'down', 'page-up', 'page-down', 'half-page-up', 'half-page-down', 'top', 'bottom'];

export abstract class TextView implements View {
  protected top = 0;
  protected height = 1;

  constructor(protected readonly app: AppContext) {}

  get actions(): readonly ActionId[] {
    return [...this.extraActions(), 'back', ...NAV];
  }

  abstract title(): string;
  protected abstract lines(width: number): string[];
  protected extraActions(): ActionId[] {
    return [];
  }

  handle(action: ActionId): boolean {
    const page = Math.max(1, this.height - 1);
    const moves: Partial<Record<ActionId, number>> = {
      up: -1, down: 1, 'page-up': -page, 'page-down': page, 'half-page-up': -Math.ceil(page / 2), 'half-page-down': Math.ceil(page / 2),
      top: -Infinity, bottom: Infinity,
    };
    const d = moves[action];
    if (d === undefined) return false;
    this.top = Math.max(0, this.top + d);
    return true;
  }

  render(width: number, height: number): string[] {
    this.height = height;
    const all = this.lines(width);
    this.top = Math.min(this.top, Math.max(0, all.length - height));
    return all.slice(this.top, this.top + height);
  }

  status(): string {
    return '';
  }
}
