// The context picker (every kubeconfig context: enter uses that one alone, as k9s's :ctx;
// space toggles it in the set the views span, applied live) and the namespace picker (one
// namespace or all).
import type { CommandId } from '../../commands/table.js';
import { kubeconfigContexts } from '../../fleet/types.js';
import { BADGE_SYMBOL, badgeOf } from '../badges.js';
import { fit } from '../style.js';
import type { AppContext, View } from '../view.js';
import { renderTable, type TableState } from '../widgets/table.js';

const NAV: CommandId[] = ['up', 'down', 'page-up', 'page-down', 'top', 'bottom'];

abstract class ListPicker implements View {
  protected readonly state: TableState = { selected: 0, top: 0 };
  abstract readonly actions: readonly CommandId[];
  constructor(protected readonly app: AppContext) {}
  abstract title(): string;
  protected abstract items(): string[];
  protected abstract label(item: string): string;

  protected move(action: CommandId): boolean {
    const d: Partial<Record<CommandId, number>> = { up: -1, down: 1, 'page-up': -10, 'page-down': 10, top: -Infinity, bottom: Infinity };
    if (d[action] === undefined) return false;
    this.state.selected = Math.max(0, Math.min(this.items().length - 1, this.state.selected + d[action]!));
    return true;
  }

  abstract handle(action: CommandId): boolean;

  render(width: number, height: number): string[] {
    return renderTable({
      columns: [{ header: this.title().toUpperCase(), value: (i: string) => this.label(i) }],
      rows: this.items(), width, height, state: this.state, theme: this.app.theme,
    });
  }
}

export class ContextPicker extends ListPicker {
  readonly actions: readonly CommandId[] = ['open', 'mark', 'back', ...NAV];
  readonly hints: Partial<Record<CommandId, string>> = { open: 'use only', mark: 'toggle' };
  title(): string {
    return 'contexts';
  }
  protected items(): string[] {
    return kubeconfigContexts(this.app.store);
  }
  /** the header's badge (src/ui/badges.ts); a context the run has not connected says so */
  protected label(name: string): string {
    const on = this.app.contexts().includes(name);
    const st = this.app.store.contexts().find((c) => c.name === name);
    const b = st && badgeOf(st, this.app.store.reflectors(name));
    return `[${on ? 'x' : ' '}] ${b ? BADGE_SYMBOL[b] : ' '} ${fit(name, 30)} ${b ?? 'not connected'}`;
  }
  handle(action: CommandId): boolean {
    if (this.move(action)) return true;
    if (action !== 'mark' && action !== 'open') return false;
    const name = this.items()[this.state.selected];
    if (!name) return true;
    if (action === 'open') {
      this.app.setContexts([name]);
      this.app.pop();
      this.app.message(`contexts: ${name}`);
      return true;
    }
    const sel = this.app.contexts();
    const next = sel.includes(name) ? sel.filter((c) => c !== name) : [...sel, name];
    if (next.length === 0) this.app.message('at least one context stays selected', 'error');
    else this.app.setContexts(this.items().filter((c) => next.includes(c)));
    return true;
  }
}

export const ALL_NAMESPACES = '(all)';

export class NamespacePicker extends ListPicker {
  readonly actions: readonly CommandId[] = ['open', 'back', ...NAV];
  title(): string {
    return 'namespaces';
  }
  protected items(): string[] {
    const names = new Set<string>();
    for (const c of this.app.contexts()) for (const ns of this.app.store.list(c, 'namespaces')) names.add(ns.metadata.name);
    return [ALL_NAMESPACES, ...[...names].sort()];
  }
  protected label(name: string): string {
    const cur = this.app.namespace() ?? ALL_NAMESPACES;
    return `${name === cur ? '●' : ' '} ${name}`;
  }
  handle(action: CommandId): boolean {
    if (this.move(action)) return true;
    if (action !== 'open') return false;
    const name = this.items()[this.state.selected];
    this.app.setNamespace(name === ALL_NAMESPACES ? undefined : name);
    this.app.pop();
    return true;
  }
}

