// A scrollable text view (YAML, describe, help): lines are built once, only the visible
// window is handed to the screen.
import { NAV_ACTIONS, navDelta, type ActionId } from '../../commands/keys.js';
import type { AppContext, View } from '../view.js';

export abstract class TextView implements View {
  protected top = 0;
  protected height = 1;

  constructor(protected readonly app: AppContext) {}

  get actions(): readonly ActionId[] {
    return [...this.extraActions(), 'back', ...NAV_ACTIONS];
  }

  abstract title(): string;
  protected abstract lines(width: number): string[];
  protected extraActions(): ActionId[] {
    return [];
  }

  handle(action: ActionId): boolean {
    const d = navDelta(action, Math.max(1, this.height - 1));
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
