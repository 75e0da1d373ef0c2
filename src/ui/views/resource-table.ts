// Any kind across the selected contexts at once. Rows are re-derived lazily (only when a
// frame needs them after a change), filtered and sorted; the table renders only the
// visible window. Marks and the selection are kept by row key across updates.
import type { Target } from '../../actions/types.js';
import type { ChangeBatch, Subscription } from '../../fleet/types.js';
import { parseTime } from '../../model/format.js';
import { resourceKey, type KubeObject, type ResourceType } from '../../model/types.js';
import { NAV_ACTIONS, navDelta, type ActionId } from '../actions.js';
import { rowOf, STATUS_COLUMN_IDS, tableColumns, type Row, type Scope, type TableColumn } from '../columns.js';
import { applyFilter, FilterError, parseFilter } from '../filter.js';
import type { LogTarget } from '../../logs/types.js';
import type { AppContext, View } from '../view.js';
import { renderTable, type TableState } from '../widgets/table.js';
import { DescribeView } from './describe.js';
import { historyView } from './history.js';
import { logTargetFor, LogsView } from './logs.js';
import { YamlView } from './yaml.js';

export type SortKey = 'name' | 'age' | 'status' | 'context' | 'namespace';

const SORT_ACTIONS: Partial<Record<ActionId, SortKey>> = {
  'sort-name': 'name', 'sort-age': 'age', 'sort-status': 'status', 'sort-context': 'context', 'sort-namespace': 'namespace',
};

/** Sorts rows in place by a key; ties fall back to context/namespace/name. */
export function sortRows(rows: Row[], key: SortKey, desc: boolean, statusOf: (r: Row) => string | number): Row[] {
  const value: Record<SortKey, (r: Row) => string | number> = {
    name: (r) => r.obj.metadata.name,
    // newest first is what "sort by age ascending" means in k9s: youngest age at the top
    age: (r) => -(parseTime(r.obj.metadata.creationTimestamp) ?? 0),
    status: statusOf,
    context: (r) => r.context,
    namespace: (r) => r.obj.metadata.namespace ?? '',
  };
  const get = value[key];
  const dir = desc ? -1 : 1;
  return rows.sort((a, b) => {
    const x = get(a);
    const y = get(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? c * dir : a.key.localeCompare(b.key);
  });
}

export interface ResourceTableOptions {
  /** what the user typed: a kind's plural, singular, short name or resourceKey */
  query?: string;
  /** every resource type of a discovery category instead of one kind ('fluxcd') */
  category?: string;
  /** narrows the app's contexts (e.g. `:deploy prod-*`) */
  contexts?: string[];
  /** a namespace for this view only (`:ks flux-system`) */
  namespace?: string;
  /** keeps only some objects (events of one object) */
  where?: (obj: KubeObject) => boolean;
  title?: string;
  /** columns other than the model's per-kind ones (the Flux view's) */
  columns?: (scope: Scope) => TableColumn[];
  /** the initial order */
  sort?: { key: SortKey; desc: boolean };
}

const FILTER_DEBOUNCE_MS = 80;

/** Keys of actions that go to the action executor, and the catalog action each starts. */
export const EXECUTOR_ACTIONS: Partial<Record<ActionId, string>> = {
  'flux.reconcile': 'reconcile',
  'flux.suspend': 'suspend',
  'flux.force': 'force',
  'flux.reset': 'reset',
  'workload.restart': 'restart',
  'workload.scale': 'scale',
  'workload.rollback': 'rollback',
  'workload.delete': 'delete',
};

export class ResourceTableView implements View {
  readonly actions: readonly ActionId[] = [
    'open', 'yaml', 'describe', 'events', 'logs', 'tree', 'history', 'mark', 'toggle-wide', 'sort-name', 'sort-age', 'sort-status', 'sort-context', 'sort-namespace',
    'clear-marks', ...(Object.keys(EXECUTOR_ACTIONS) as ActionId[]),
    ...NAV_ACTIONS, 'back',
  ];
  private readonly state: TableState = { selected: 0, top: 0 };
  /** context → the resource types shown from it */
  private types = new Map<string, ResourceType[]>();
  private subs: Subscription[] = [];
  private all: Row[] = [];
  private shown: Row[] = [];
  private dirty = true;
  private filterText = '';
  private filterTimer: NodeJS.Timeout | undefined;
  private selectedKey: string | undefined;
  private readonly marks = new Set<string>();
  private sort: { key: SortKey; desc: boolean };
  private height = 1;
  private columns: TableColumn[] = [];
  private wide = false;

  constructor(
    protected readonly app: AppContext,
    private readonly opts: ResourceTableOptions,
  ) {
    this.sort = opts.sort ?? { key: 'name', desc: false };
    this.scopeChanged();
  }

  /** undefined when no selected context serves the resource */
  get resourceType(): ResourceType | undefined {
    for (const list of this.types.values()) if (list[0]) return list[0];
    return undefined;
  }

  /** The resource type of a row. */
  typeOf(row: Row): ResourceType | undefined {
    return this.types.get(row.context)?.find((t) => resourceKey(t) === row.resource);
  }

  private contexts(): string[] {
    const sel = this.app.contexts();
    return this.opts.contexts ? sel.filter((c) => this.opts.contexts!.includes(c)) : sel;
  }

  private namespace(): string | undefined {
    return this.opts.namespace ?? this.app.namespace();
  }

  private resolveTypes(): Map<string, ResourceType[]> {
    const types = new Map<string, ResourceType[]>();
    for (const c of this.contexts()) {
      const found = this.opts.category
        ? this.app.store.resources(c).filter((r) => r.categories?.includes(this.opts.category!) && r.verbs.includes('list'))
        : [this.app.store.resolve(c, this.opts.query ?? '')].filter((r): r is ResourceType => !!r);
      if (found.length) types.set(c, found);
    }
    return types;
  }

  scopeChanged(): void {
    for (const s of this.subs) s.close();
    this.types = this.resolveTypes();
    // one watch per resource type, over the contexts that serve it
    const byKey = new Map<string, { rt: ResourceType; contexts: string[] }>();
    for (const [c, list] of this.types) {
      for (const rt of list) {
        const k = resourceKey(rt);
        const e = byKey.get(k) ?? { rt, contexts: [] };
        e.contexts.push(c);
        byKey.set(k, e);
      }
    }
    this.subs = [...byKey].map(([k, e]) => this.app.store.watch({ contexts: e.contexts, resource: k, namespace: e.rt.namespaced ? this.namespace() : undefined }));
    this.dirty = true;
  }

  /** Contexts whose discovery has not finished: the resource may still appear there. */
  private undiscovered(): string[] {
    const mine = new Set(this.contexts());
    return this.app.store.contexts().filter((c) => mine.has(c.name) && !c.discovered).map((c) => (c.state === 'connecting' ? c.name : `${c.name} (${c.state})`));
  }

  onChange(batch: ChangeBatch): void {
    // discovery landing (or a CRD's printer columns changing) arrives as a context change:
    // re-resolve, so a view opened too early fills itself in
    if (this.contexts().some((c) => batch.contexts.has(c))) {
      const fresh = this.resolveTypes();
      const same = fresh.size === this.types.size && [...fresh].every(([c, list]) => {
        const old = this.types.get(c);
        return old?.length === list.length && list.every((rt, i) => old[i] === rt);
      });
      if (!same) {
        this.scopeChanged();
        return;
      }
    }
    for (const [c, list] of this.types) {
      for (const rt of list) {
        if (batch.resources.has(`${c}\u0000${resourceKey(rt)}`)) {
          this.dirty = true;
          return;
        }
      }
    }
  }

  filter = {
    get: (): string => this.filterText,
    set: (text: string): void => {
      this.filterText = text;
      // typing re-filters at most once per debounce window
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => {
        this.dirty = true;
        this.app.render();
      }, FILTER_DEBOUNCE_MS);
    },
  };

  /** Applies the filter now (tests, enter in the prompt). */
  setFilterNow(text: string): void {
    clearTimeout(this.filterTimer);
    this.filterText = text;
    this.dirty = true;
  }

  title(): string {
    if (this.opts.title) return this.opts.title;
    const rt = this.resourceType;
    return rt && !this.opts.category ? rt.resource : (this.opts.query ?? this.opts.category ?? '');
  }

  status(): string {
    this.derive();
    const marked = this.marks.size ? ` ${this.marks.size} marked` : '';
    return `[${this.shown.length}${this.shown.length !== this.all.length ? `/${this.all.length}` : ''}]${marked}`;
  }

  selected(): Row | undefined {
    this.derive();
    return this.shown[this.state.selected];
  }

  rows(): readonly Row[] {
    this.derive();
    return this.shown;
  }

  isMarked(key: string): boolean {
    return this.marks.has(key);
  }

  private statusColumn(): TableColumn | undefined {
    for (const id of STATUS_COLUMN_IDS) {
      const c = this.columns.find((x) => x.id === id);
      if (c) return c;
    }
    return undefined;
  }

  private derive(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const rt = this.resourceType;
    const nsScope = this.namespace();
    const scope = { multiContext: this.contexts().length > 1, allNamespaces: !(rt?.namespaced && nsScope), wide: this.wide };
    this.columns = this.opts.columns ? this.opts.columns(scope) : rt ? tableColumns(rt, scope, () => this.app.now()) : [];
    const all: Row[] = [];
    for (const [c, list] of this.types) {
      for (const t of list) {
        const key = resourceKey(t);
        // kinds share names (a GitRepository and a Kustomization both called flux-system): the kind joins the key
        const kind = this.opts.category ? t.kind : undefined;
        for (const o of this.app.store.list(c, key, t.namespaced ? nsScope : undefined)) if (!this.opts.where || this.opts.where(o)) all.push(rowOf(c, key, o, kind));
      }
    }
    this.all = all;
    let shown = all;
    if (this.filterText.trim()) {
      try {
        shown = applyFilter(all, parseFilter(this.filterText));
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        this.app.message(e.message, 'error');
      }
    }
    const status = this.statusColumn();
    this.shown = sortRows(shown === all ? [...all] : shown, this.sort.key, this.sort.desc, (r) => status?.sortValue(r) ?? '');
    const keys = new Set(all.map((r) => r.key));
    for (const k of this.marks) if (!keys.has(k)) this.marks.delete(k);
    if (this.selectedKey) {
      const i = this.shown.findIndex((r) => r.key === this.selectedKey);
      if (i >= 0) this.state.selected = i;
    }
  }

  handle(action: ActionId): boolean {
    this.derive();
    const d = navDelta(action, Math.max(1, this.height - 2));
    if (d !== undefined) {
      this.state.selected = Math.max(0, Math.min(this.shown.length - 1, this.state.selected + d));
      this.selectedKey = this.shown[this.state.selected]?.key;
      return true;
    }
    const sortKey = SORT_ACTIONS[action];
    if (sortKey) {
      this.sort = { key: sortKey, desc: this.sort.key === sortKey ? !this.sort.desc : false };
      this.dirty = true;
      return true;
    }
    const row = this.shown[this.state.selected];
    const rt = row ? this.typeOf(row) : undefined;
    const catalogId = EXECUTOR_ACTIONS[action];
    if (catalogId) {
      const targets = this.targets();
      // one key suspends and resumes: resume when every target is suspended
      const id = catalogId === 'suspend' && targets.length && targets.every((t) => (t.object.spec as { suspend?: unknown } | undefined)?.suspend === true) ? 'resume' : catalogId;
      if (!targets.length) this.app.message('nothing selected', 'error');
      else this.app.act(id, targets);
      return true;
    }
    switch (action) {
      case 'back':
        if (!this.filterText) return false;
        this.setFilterNow('');
        return true;
      case 'mark':
        if (!row) return true;
        if (this.marks.has(row.key)) this.marks.delete(row.key);
        else this.marks.add(row.key);
        return this.handle('down');
      case 'clear-marks':
        this.marks.clear();
        return true;
      case 'toggle-wide':
        this.wide = !this.wide;
        this.dirty = true;
        return true;
      case 'yaml':
        if (row && rt) this.app.push(new YamlView(this.app, row.context, rt, row.obj));
        return true;
      case 'describe':
      case 'open':
        if (row && rt) this.app.push(new DescribeView(this.app, row.context, rt, row.obj));
        return true;
      case 'events':
        if (row) this.openEvents(row);
        return true;
      case 'tree': {
        const t = row && this.targetOf(row);
        if (t) this.app.openTree(t);
        return true;
      }
      case 'logs':
        this.openLogs();
        return true;
      case 'history':
        if (row && rt) this.push(historyView(this.app, { context: row.context, rt, object: row.obj }));
        return true;
      default:
        return false;
    }
  }

  private push(view: View | string): void {
    if (typeof view === 'string') this.app.message(view, 'error');
    else this.app.push(view);
  }

  /** Logs of the marked rows (merged, across contexts), else of the current row. */
  private openLogs(): void {
    const rows = this.marks.size ? this.all.filter((r) => this.marks.has(r.key)) : [this.shown[this.state.selected]].filter((r): r is Row => !!r);
    const targets = rows.flatMap((r) => {
      const rt = this.typeOf(r);
      const t = rt && logTargetFor(r.context, rt, r.obj);
      return t ? [t] : [];
    });
    if (!targets.length) return this.app.message(`no logs for ${this.resourceType?.kind ?? 'these'} objects (pods, workloads and Flux objects have them)`, 'error');
    const target: LogTarget = targets.length === 1 ? targets[0] : { kind: 'many', targets };
    const label = rows.length === 1 ? `${rows[0].obj.kind?.toLowerCase() ?? rows[0].resource}/${rows[0].obj.metadata.name}` : `${rows.length} marked`;
    this.app.push(new LogsView(this.app, target, { label }));
  }

  /** The marked rows (across contexts), else the current row, as action targets. */
  targets(): Target[] {
    this.derive();
    const rows = this.marks.size ? this.all.filter((r) => this.marks.has(r.key)) : [this.shown[this.state.selected]].filter((r): r is Row => !!r);
    return rows.map((r) => this.targetOf(r)).filter((t): t is Target => !!t);
  }

  targetOf(r: Row): Target | undefined {
    const rt = this.typeOf(r);
    if (!rt) return undefined;
    return { context: r.context, resource: r.resource, kind: r.obj.kind ?? rt.kind, namespace: r.obj.metadata.namespace, name: r.obj.metadata.name, object: r.obj };
  }

  protected openEvents(row: Row): void {
    const uid = row.obj.metadata.uid;
    this.app.push(
      new ResourceTableView(this.app, {
        query: 'events',
        contexts: [row.context],
        namespace: row.obj.metadata.namespace,
        where: (e) => (e.involvedObject as { uid?: string } | undefined)?.uid === uid,
        title: `events ${row.obj.kind?.toLowerCase() ?? ''}/${row.obj.metadata.name}`,
      }),
    );
  }

  render(width: number, height: number): string[] {
    this.height = height;
    this.derive();
    if (!this.types.size) {
      const waiting = this.undiscovered();
      const what = this.opts.query ?? `${this.opts.category} resources`;
      return [waiting.length ? `"${what}": waiting for discovery of ${waiting.join(', ')}` : `no selected context serves "${what}"`];
    }
    const sortId = this.sort.key === 'status' ? this.statusColumn()?.id : this.sort.key;
    const sortIdx = this.columns.findIndex((c) => c.id === sortId);
    const lines = renderTable({
      columns: this.columns, rows: this.shown, width, height, state: this.state, theme: this.app.theme,
      isMarked: (r) => this.marks.has(r.key), sortColumn: sortIdx >= 0 ? sortIdx : undefined, sortDesc: this.sort.desc,
    });
    this.selectedKey = this.shown[this.state.selected]?.key;
    return lines;
  }

  close(): void {
    clearTimeout(this.filterTimer);
    for (const s of this.subs) s.close();
    this.subs = [];
  }
}
