// The context picker (toggle which contexts the views span, applied live) and the
// namespace picker (one namespace or all).
import type { CommandId } from '../../commands/table.js';
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
  readonly actions: readonly CommandId[] = ['mark', 'open', 'back', ...NAV];
  title(): string {
    return 'contexts';
  }
  protected items(): string[] {
    return this.app.store.contexts().map((c) => c.name);
  }
  protected label(name: string): string {
    const on = this.app.contexts().includes(name);
    const st = this.app.store.contexts().find((c) => c.name === name);
    return `[${on ? 'x' : ' '}] ${fit(name, 30)} ${st?.state ?? ''}`;
  }
  handle(action: CommandId): boolean {
    if (this.move(action)) return true;
    if (action !== 'mark' && action !== 'open') return false;
    const name = this.items()[this.state.selected];
    if (!name) return true;
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

