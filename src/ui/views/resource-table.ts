// Any kind across the selected contexts at once. Rows are re-derived lazily (only when a
// frame needs them after a change), filtered and sorted; the table renders only the
// visible window. Marks and the selection are kept by row key across updates.
import type { Target } from '../../actions/types.js';
import type { ChangeBatch, Subscription } from '../../fleet/types.js';
import { parseTime } from '../../model/format.js';
import { resourceKey, typeOfKey, type KubeObject, type ResourceType } from '../../model/types.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { metricCellsFor, type MetricsSnapshot } from '../../model/metrics.js';
import { invalidFilterText, narrows, rowFilter, type Filter, type RowFilter } from '../../model/filter.js';
import { BlockList, type ListLike } from '../../model/block-list.js';
import { eventLastSeen } from '../../model/columns.js';
import { rowOf, rowText, STATUS_COLUMN_IDS, tableColumns, type Row, type Scope, type TableColumn } from '../columns.js';
import type { AppContext, View, ViewScope } from '../view.js';
import { detailFits, renderTable, type TableState } from '../widgets/table.js';
import { RowView } from './text.js';
import { DescribeView } from './describe.js';
import { namespaceAbsentIn, namespaceAbsentText, podsBelow, relatedOf, storeCoverage } from '../../fleet/report.js';
import { entryOf as kindEntryOf } from '../../model/kinds.js';
import { coverageText, summarizeCoverage } from '../../model/coverage.js';
import { cutToWidth, termLine } from '../../model/sanitize.js';
import { escapeTags, paint } from '../style.js';
import { leadingThrottle } from '../schedule.js';

export type SortKey = 'name' | 'age' | 'status' | 'context' | 'namespace';

const SORT_ACTIONS: Partial<Record<CommandId, SortKey>> = {
  'sort-name': 'name', 'sort-age': 'age', 'sort-status': 'status', 'sort-context': 'context', 'sort-namespace': 'namespace',
};

const SORT_VALUE: Record<Exclude<SortKey, 'status'>, (r: Row) => string | number> = {
  name: (r) => r.obj.metadata.name,
  // newest first is what "sort by age ascending" means in k9s: youngest age at the top; an
  // Event's age is when it was last seen (a repeating event is as new as its last count)
  age: (r) => -((r.resource === 'events' || r.resource === 'events.events.k8s.io' ? eventLastSeen(r.obj) : parseTime(r.obj.metadata.creationTimestamp)) ?? 0),
  context: (r) => r.context,
  namespace: (r) => r.obj.metadata.namespace ?? '',
};

/** A row with its sort key computed once: the value, its text and whether `<` may compare them. */
interface SortEntry {
  row: Row;
  num: number | undefined;
  text: string;
  /** the text sorts by code units exactly as the locale's collation does */
  plain: boolean;
  keyPlain: boolean;
}

// Lower-case DNS names, digits, '-', '.' and '/' collate in code-unit order (ICU's order
// of these punctuation marks and digits before letters matches ASCII), so two such texts
// compare with `<` exactly as localeCompare would; anything else goes to the collator.
const PLAIN = /^[a-z0-9./-]*$/;
const collator = new Intl.Collator();

function entryOf(row: Row, value: string | number): SortEntry {
  const text = String(value);
  return { row, num: typeof value === 'number' ? value : undefined, text, plain: PLAIN.test(text), keyPlain: PLAIN.test(row.key) };
}

function compareText(x: string, xPlain: boolean, y: string, yPlain: boolean): number {
  if (xPlain && yPlain) return x < y ? -1 : x > y ? 1 : 0;
  return collator.compare(x, y);
}

/** The order of sortRows: the value (numbers numerically, else as text), ties by key ascending. */
function compareEntries(a: SortEntry, b: SortEntry, dir: number): number {
  const c = a.num !== undefined && b.num !== undefined ? a.num - b.num : compareText(a.text, a.plain, b.text, b.plain);
  return c !== 0 ? c * dir : compareText(a.row.key, a.keyPlain, b.row.key, b.keyPlain);
}

/** Sorts rows in place by a key; ties fall back to context/namespace/name. */
export function sortRows(rows: Row[], key: SortKey, desc: boolean, statusOf: (r: Row) => string | number): Row[] {
  const get = key === 'status' ? statusOf : SORT_VALUE[key];
  const entries = rows.map((r) => entryOf(r, get(r)));
  sortEntries(entries, desc ? -1 : 1);
  for (let i = 0; i < entries.length; i++) rows[i] = entries[i].row;
  return rows;
}

function sortEntries(entries: SortEntry[], dir: number): void {
  entries.sort((a, b) => compareEntries(a, b, dir));
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
  /** every namespace for this view only (`:pods -A` while the app has one) */
  allNamespaces?: boolean;
  /** keeps only some objects (events of one object) */
  where?: (obj: KubeObject) => boolean;
  title?: string;
  /** columns other than the model's per-kind ones (the Flux view's) */
  columns?: (scope: Scope) => TableColumn[];
  /** the initial order */
  sort?: { key: SortKey; desc: boolean };
  /** what a frame spends applying a typed filter before it goes on in slices (FILTER_FRAME_MS; tests: 0) */
  filterFrameMs?: number;
}

const FILTER_THROTTLE_MS = 80;
/** the longest the idle building of search texts, or a filter going on after its frame, holds the event loop at a time */
const TEXT_SLICE_MS = 6;
/** what a frame spends applying a typed filter; the rest goes on in slices of TEXT_SLICE_MS, and its rows are shown once it is done */
const FILTER_FRAME_MS = 3;

interface Pair {
  context: string;
  rt: ResourceType;
  rows: Map<KubeObject, Row | null>;
  /** the rows by key: the row a changed object replaces (one object per key in a pair) */
  byKey: Map<string, Row>;
  /** the objects left out (`where`, warnings only) by key, so a change batch naming them finds them */
  skipped: Map<string, KubeObject>;
}

function pairKey(context: string, rt: ResourceType): string {
  return `${context}\u0000${resourceKey(rt)}`;
}

/** Sorted rows: each row's sort entry, with the row's search text (once built) next to it. */
type Rows = BlockList<SortEntry, string>;

export class ResourceTableView implements View {
  /** the table's own keys; object commands (yaml, logs, rollback, ...) run on selection() from the shell */
  get actions(): readonly CommandId[] {
    return [
      'open', 'mark', 'toggle-wide', 'sort-name', 'sort-age', 'sort-status', 'sort-context', 'sort-namespace', 'clear-marks',
      ...(this.resourceType?.kind === 'Event' ? ['events.warnings' as const] : []), ...NAV_ACTIONS, 'back', 'wrap',
    ];
  }
  private readonly state: TableState = { selected: 0, top: 0 };
  /** `w`: the selected row's full values under the table */
  private detail = false;
  /** context → the resource types shown from it */
  private types = new Map<string, ResourceType[]>();
  private subs: Subscription[] = [];
  /** every row, sorted, in blocks (a change moves a block's rows, not all of them) */
  private all: Rows = new BlockList();
  /** the rows that pass the filter, in the same order (`all` itself when there is no filter) */
  private shown: Rows = this.all;
  /** `shown` as an array, made when asked for (rows()) and dropped when it changes */
  private shownArray: Row[] | undefined;
  /** the sort key of every row of `all`, computed once per row */
  private entries = new Map<Row, SortEntry>();
  /** per (context, resource) the objects listed last and their rows (null: left out by `where`);
   * the store replaces an object when it changes, so identity tells which rows to rebuild */
  private pairs = new Map<string, Pair>();
  /** what a frame has to redo, cheapest last: rows of every pair, the changed pairs' rows, the order, the filter */
  private rebuild = true;
  private readonly changed = new Set<string>();
  /** of the changed pairs, the objects the batches named (`${namespace}/${name}`); null: anything may have changed */
  private readonly changedObjects = new Map<string, Set<string> | null>();
  private resort = false;
  private refilter = false;
  /** the filter in force (undefined: none); a ranked (fuzzy) one orders rows by score, not by the sort key */
  private filterFn: RowFilter<SortEntry> | undefined;
  private filterText = '';
  /** why the filter in force does not parse (it keeps no row meanwhile) */
  private filterError: string | undefined;
  /** the parsed filter in force, the next row whose text the idle task builds, the task */
  private filterParsed: Filter | undefined;
  private textCursor = 0;
  private textTask: NodeJS.Immediate | undefined;
  /**
   * A typed filter being applied in slices: the rows it has kept so far out of `from` (the
   * rows, or the old filter's rows when it narrows those) and the next one to look at. The
   * rows shown stay the old filter's until it is done; nothing changes `from` meanwhile (a
   * frame with changes to apply finishes it first).
   */
  private pending: { fn: Extract<RowFilter<SortEntry>, { ranked: false }>; parsed: Filter; from: Rows; next: number; kept: Rows; task?: NodeJS.Immediate | NodeJS.Timeout } | undefined;
  private closed = false;
  private selectedKey: string | undefined;
  private readonly marks = new Set<string>();
  private sort: { key: SortKey; desc: boolean };
  private height = 1;
  private width = 80;
  private columns: TableColumn[] = [];
  private wide = false;
  /** events tables: only type Warning */
  private warningsOnly = false;

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
    const list = this.types.get(row.context);
    return list && typeOfKey(list, row.resource);
  }

  // contexts the line named are covered even when not selected (`:pods prod-eu` from dev)
  private contexts(): string[] {
    return this.opts.contexts ?? this.app.contexts();
  }

  private namespace(): string | undefined {
    return this.opts.allNamespaces ? undefined : (this.opts.namespace ?? this.app.namespace());
  }

  scope(): ViewScope {
    const contexts = this.opts.contexts ? { contexts: this.opts.contexts } : {};
    // a cluster-scoped kind (nodes, componentstatuses) has no namespace to name
    if (this.resourceType?.namespaced === false) return { ...contexts, namespace: '' };
    return { ...contexts, ...(this.opts.namespace ? { namespace: this.opts.namespace } : {}), ...(this.opts.allNamespaces ? { allNamespaces: true } : {}) };
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

  /**
   * The metrics poller's leases on this view's contexts while it shows CPU/MEM columns, taken
   * once every list of the view is past its first sync (synced, forbidden or failed): the
   * lists come first. Ten contexts' reads of 10k pod samples each cost ~0.9 s of the one
   * thread while their ten 10k-pod lists streamed in. A context the view gains later (its
   * discovery was late) is leased when its own list is.
   */
  private readonly metricsLeases = new Map<string, () => void>();

  private releaseMetrics(): void {
    for (const release of this.metricsLeases.values()) release();
    this.metricsLeases.clear();
  }

  /** Leases the metrics of the view's contexts once none of its lists is in its first sync (see metricsLeases). */
  private leaseMetrics(): void {
    const metrics = this.app.metrics;
    if (!metrics || !this.metricsScope()) return;
    const due = [...this.types].filter(([c, list]) => !this.metricsLeases.has(c) && list.length > 0);
    if (!due.length) return;
    const kinds = [...new Set(due.flatMap(([, list]) => list.map(resourceKey)))];
    if (storeCoverage(this.app.store, due.map(([c]) => c), kinds, this.namespace()).some((g) => g.state === 'syncing')) return;
    for (const [c] of due) this.metricsLeases.set(c, metrics.lease([c]));
  }

  private metricsScope(): ((context: string) => MetricsSnapshot) | undefined {
    const rt = this.resourceType;
    const m = this.app.metrics;
    if (!m || !rt || this.opts.category || metricCellsFor(rt.kind).length === 0) return undefined;
    return (c) => m.snapshot(c);
  }

  scopeChanged(): void {
    for (const s of this.subs) s.close();
    this.types = this.resolveTypes();
    this.releaseMetrics();
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
    this.rebuild = true;
    this.leaseMetrics();
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
      // a reflector's state changed: a list past its first sync lets its metrics be read
      if (this.metricsLeases.size < this.types.size) this.leaseMetrics();
    }
    for (const [c, list] of this.types) {
      for (const rt of list) {
        const k = pairKey(c, rt);
        if (!batch.resources.has(k)) continue;
        const named = batch.objects?.get(k);
        const before = this.changed.has(k) ? this.changedObjects.get(k) : new Set<string>();
        if (!named || !before) this.changedObjects.set(k, null);
        else {
          for (const o of named) before.add(o);
          this.changedObjects.set(k, before);
        }
        this.changed.add(k);
      }
    }
  }

  /** a key typed after a pause applies at once; a burst of keys, at most once per FILTER_THROTTLE_MS */
  private readonly typed = leadingThrottle(() => {
    this.refilter = true;
    this.app.render(true);
  }, FILTER_THROTTLE_MS);

  filter = {
    get: (): string => this.filterText,
    set: (text: string): void => {
      this.filterText = text;
      this.typed.call();
    },
    error: (): string | undefined => this.filterError,
  };

  /** Applies the filter now (tests, enter in the prompt). */
  setFilterNow(text: string): void {
    this.typed.cancel();
    this.filterText = text;
    this.refilter = true;
  }

  title(): string {
    if (this.opts.title) return this.opts.title + (this.warningsOnly ? ' (warnings)' : '');
    if (this.warningsOnly) return 'events (warnings)';
    const rt = this.resourceType;
    return rt && !this.opts.category ? rt.resource : (this.opts.query ?? this.opts.category ?? '');
  }

  status(): string {
    this.derive();
    const marked = this.marks.size ? ` ${this.marks.size} marked` : '';
    const ranked = this.filterFn?.ranked ? ' ranked' : '';
    // rows not whole (a context not discovered, unreachable, forbidden, still syncing): the
    // count is a lower bound, `[0+]`, `[74+]`, as the notice row under the table says why
    const plus = this.whole() ? '' : '+';
    return `[${this.shown.length}${this.shown.length !== this.all.length ? `/${this.all.length}` : ''}${plus}]${ranked}${marked}`;
  }

  /** Whether the rows are whole: every context in scope discovered and every (context, kind) synced. */
  private whole(): boolean {
    const kinds = [...new Set([...this.types.values()].flatMap((l) => l.map(resourceKey)))];
    // nothing resolved: whole only when every context answered discovery and none serves the kind
    if (!kinds.length) return this.undiscovered().length === 0;
    return summarizeCoverage(storeCoverage(this.app.store, this.contexts(), kinds, this.namespace())).complete;
  }

  selected(): Row | undefined {
    this.derive();
    return this.shown.at(this.state.selected)?.row;
  }

  rows(): readonly Row[] {
    this.derive();
    this.continueFilter();
    this.shownArray ??= this.shown.slice().map((e) => e.row);
    return this.shownArray;
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
    // only the filter changed: the rows shown are still the old filter over every row
    const onlyFilter = !this.rebuild && !this.changed.size && !this.resort;
    if (this.rebuild || this.changed.size || this.resort || this.refilter) this.shownArray = undefined;
    // changes apply to whole lists: a filter still going on finishes first
    if (this.pending && (this.rebuild || this.changed.size || this.resort)) this.continueFilter();
    if (this.rebuild) this.rebuildRows();
    else if (this.changed.size) this.updateRows();
    else if (this.resort) this.sortAll();
    // a typed filter (nothing else changed) takes a few ms of this frame, then goes on in slices
    if (this.refilter) this.filterAll(onlyFilter, onlyFilter ? (this.opts.filterFrameMs ?? FILTER_FRAME_MS) : undefined);
    this.rebuild = this.resort = this.refilter = false;
    this.changed.clear();
    this.changedObjects.clear();
    this.followSelection();
  }

  /** The selected row's key stays selected when the rows shown change. */
  private followSelection(): void {
    if (this.selectedKey && this.shown.at(this.state.selected)?.row.key !== this.selectedKey) {
      const i = this.indexOfKey(this.selectedKey);
      if (i >= 0) this.state.selected = i;
    }
  }

  /** Where the row of a key is among the rows shown (-1: not there): found by its pair and its sort key, not by a scan. */
  private indexOfKey(key: string): number {
    for (const pair of this.pairs.values()) {
      const row = pair.byKey.get(key);
      const e = row && this.entries.get(row);
      if (e) return this.indexOf(this.shown, e, this.filterFn?.ranked ?? false);
    }
    return -1;
  }

  /** Where an entry is in sorted rows (a ranked filter's rows are in score order: a scan). */
  private indexOf(list: Rows, e: SortEntry, scan: boolean): number {
    if (scan) return list.indexOf(e);
    const dir = this.sort.desc ? -1 : 1;
    let i = list.lowerBound((x) => compareEntries(x, e, dir) < 0);
    for (let x = list.at(i); x && x !== e && compareEntries(x, e, dir) === 0; x = list.at(++i));
    return list.at(i) === e ? i : -1;
  }

  /**
   * HEALTH and REASON read what Problems reads (src/fleet/report.ts): the kind registry's
   * related objects (a Certificate's requests and issuer) and a workload's pods, so a
   * Certificate whose ClusterIssuer is missing is Failed here too. Undefined for kinds with neither.
   */
  private relatedScope(rt: ResourceType): Scope['related'] {
    const entry = kindEntryOf(rt);
    if (!entry.related && !entry.podsInVerdict) return undefined;
    const store = this.app.store;
    return (context, obj) => {
      const more = relatedOf(store, context, rt.group, rt.kind, obj);
      const pods = entry.podsInVerdict ? podsBelow(store, context, obj) : [];
      if (!more && !pods.length) return undefined;
      return { related: [...pods, ...(more?.related ?? [])], ...(more ? { listed: more.listed } : {}) };
    };
  }

  /** Columns and every row (reusing the rows of objects that did not change), sorted and filtered. */
  private rebuildRows(): void {
    const rt = this.resourceType;
    const nsScope = this.namespace();
    const scope: Scope = { multiContext: this.contexts().length > 1, allNamespaces: !(rt?.namespaced && nsScope), wide: this.wide, metrics: this.metricsScope(), related: rt && this.relatedScope(rt) };
    this.columns = this.opts.columns ? this.opts.columns(scope) : rt ? tableColumns(rt, scope, () => this.app.now()) : [];
    const pairs = new Map<string, Pair>();
    const all: Row[] = [];
    for (const [context, list] of this.types) {
      for (const t of list) {
        const k = pairKey(context, t);
        const old = this.pairs.get(k);
        const pair: Pair = { context, rt: t, rows: new Map(), byKey: new Map(), skipped: new Map() };
        pairs.set(k, pair);
        const prev = old && old.rt === t ? old.rows : undefined;
        for (const o of this.list(pair)) {
          // an unchanged object keeps its row, but whether it is kept is asked again: a toggle
          // (warnings only) changes the answer for objects that did not change
          const row = this.keeps(pair, o) ? (prev?.get(o) ?? this.makeRow(pair, o)) : null;
          pair.rows.set(o, row);
          if (!row) {
            pair.skipped.set(this.rowKey(pair, o.metadata.namespace ?? '', o.metadata.name), o);
            continue;
          }
          pair.byKey.set(row.key, row);
          all.push(row);
        }
      }
    }
    this.pairs = pairs;
    this.refilter = true;
    this.sortAll(all);
    this.textCursor = 0;
    const keys = new Set(all.map((r) => r.key));
    for (const k of this.marks) if (!keys.has(k)) this.marks.delete(k);
    this.scheduleTexts();
  }

  private list(pair: Pair): KubeObject[] {
    return this.app.store.list(pair.context, resourceKey(pair.rt), pair.rt.namespaced ? this.namespace() : undefined);
  }

  /** The key rowOf gives the row of (namespace, name) in this pair. */
  private rowKey(pair: Pair, namespace: string, name: string): string {
    return `${pair.context}/${namespace}/${this.opts.category ? `${pair.rt.kind}/` : ''}${name}`;
  }

  /** Whether the table keeps an object: `where`, and with warnings only (kubectl's `--field-selector type=Warning`) an Event of type Warning. */
  private keeps(pair: Pair, o: KubeObject): boolean {
    if (this.opts.where && !this.opts.where(o)) return false;
    return !(this.warningsOnly && pair.rt.kind === 'Event' && o.type !== 'Warning');
  }

  private makeRow(pair: Pair, o: KubeObject): Row {
    // kinds share names (a GitRepository and a Kustomization both called flux-system): the kind joins the key
    return rowOf(pair.context, resourceKey(pair.rt), o, this.opts.category ? pair.rt.kind : undefined);
  }

  /** The object's row, or null when the table leaves it out (keeps). */
  private rowFor(pair: Pair, o: KubeObject): Row | null {
    return this.keeps(pair, o) ? this.makeRow(pair, o) : null;
  }

  private sortValue(): (r: Row) => string | number {
    if (this.sort.key !== 'status') return SORT_VALUE[this.sort.key];
    const status = this.statusColumn();
    return (r) => status?.sortValue(r) ?? '';
  }

  /** The row's search text if it is built for the columns shown. */
  private builtText(row: Row): string | undefined {
    return row.textColumns === this.columns ? row.text : undefined;
  }

  private rowsOf(entries: readonly SortEntry[]): Rows {
    return BlockList.build((push) => {
      for (const e of entries) push(e, this.builtText(e.row));
    });
  }

  /** Sort keys of every row (`rows`, else the rows as they are), computed once each, then `all` and `shown` in that order. */
  private sortAll(rows: readonly Row[] = this.all.slice().map((e) => e.row)): void {
    const get = this.sortValue();
    const dir = this.sort.desc ? -1 : 1;
    const list = rows.map((r) => entryOf(r, get(r)));
    sortEntries(list, dir);
    this.entries = new Map();
    for (const e of list) this.entries.set(e.row, e);
    const filtered = this.filterFn && this.shown !== this.all;
    const shownRows = filtered && !this.filterFn!.ranked && !this.refilter ? this.shown.slice().map((e) => e.row) : undefined;
    this.all = this.rowsOf(list);
    if (this.filterFn?.ranked) this.refilter = true;
    if (shownRows) {
      const shown = shownRows.flatMap((r) => this.entries.get(r) ?? []);
      sortEntries(shown, dir);
      this.shown = this.rowsOf(shown);
    } else this.shown = this.all;
  }

  /**
   * The objects a batch named: each read with get() (what the store holds now, or nothing),
   * its old row out, its new row in. Work in proportion to the objects that changed.
   */
  private updateNamed(pair: Pair, named: Set<string>, removed: Row[], added: Row[]): void {
    const rk = resourceKey(pair.rt);
    const scope = pair.rt.namespaced ? this.namespace() : undefined;
    for (const id of named) {
      const slash = id.indexOf('/');
      const ns = id.slice(0, slash);
      const name = id.slice(slash + 1);
      if (scope !== undefined && ns !== scope) continue;
      const now = this.app.store.get(pair.context, rk, ns || undefined, name);
      if (now && pair.rows.has(now)) continue;
      const key = this.rowKey(pair, ns, name);
      const old = pair.byKey.get(key);
      if (old) {
        removed.push(old);
        pair.rows.delete(old.obj);
        pair.byKey.delete(key);
      }
      const hidden = pair.skipped.get(key);
      if (hidden) {
        pair.rows.delete(hidden);
        pair.skipped.delete(key);
      }
      if (!now) continue;
      const row = this.rowFor(pair, now);
      pair.rows.set(now, row);
      if (!row) {
        pair.skipped.set(key, now);
        continue;
      }
      added.push(row);
      pair.byKey.set(key, row);
    }
  }

  /** Only the pairs a batch named: their changed objects' rows leave and enter the sorted rows. */
  private updateRows(): void {
    const removed: Row[] = [];
    const added: Row[] = [];
    for (const k of this.changed) {
      const pair = this.pairs.get(k);
      if (!pair) continue;
      const named = this.changedObjects.get(k);
      if (named) {
        this.updateNamed(pair, named, removed, added);
        continue;
      }
      // anything may have changed (a relist, a scope that stopped, a store that names nothing): list the pair again
      const list = this.list(pair);
      const fresh = list.filter((o) => !pair.rows.has(o));
      // a changed object replaces the row of its key
      for (const o of fresh) {
        const row = this.rowFor(pair, o);
        pair.rows.set(o, row);
        if (!row) {
          pair.skipped.set(this.rowKey(pair, o.metadata.namespace ?? '', o.metadata.name), o);
          continue;
        }
        added.push(row);
        const old = pair.byKey.get(row.key);
        if (old) {
          removed.push(old);
          pair.rows.delete(old.obj);
        }
        pair.byKey.set(row.key, row);
      }
      // objects gone without a successor (deleted, or left out by `where`): one pass finds them
      if (pair.rows.size !== list.length) {
        const listed = new Set(list);
        for (const [o, row] of pair.rows) {
          if (listed.has(o)) continue;
          pair.rows.delete(o);
          if (!row) {
            const key = this.rowKey(pair, o.metadata.namespace ?? '', o.metadata.name);
            if (pair.skipped.get(key) === o) pair.skipped.delete(key);
            continue;
          }
          removed.push(row);
          if (pair.byKey.get(row.key) === row) pair.byKey.delete(row.key);
        }
      }
    }
    if (!removed.length && !added.length) return;
    const addedKeys = new Set(added.map((r) => r.key));
    for (const r of removed) if (!addedKeys.has(r.key)) this.marks.delete(r.key);
    // a status may read the clock or other objects: the whole order is recomputed, as before
    if (this.sort.key === 'status') {
      const gone = new Set(removed);
      const rows: Row[] = [];
      this.all.forEachBlock((items) => {
        for (const e of items) if (!gone.has(e.row)) rows.push(e.row);
      });
      this.refilter = true;
      this.sortAll(rows.concat(added));
      return;
    }
    const dir = this.sort.desc ? -1 : 1;
    const get = this.sortValue();
    const fresh = added.map((r) => entryOf(r, get(r)));
    sortEntries(fresh, dir);
    const filtered = this.filterFn !== undefined && this.shown !== this.all;
    // a ranked filter orders by score: it is re-applied to every row
    if (filtered && this.filterFn!.ranked) this.refilter = true;
    for (const e of fresh) this.entries.set(e.row, e);
    if (filtered && !this.refilter) {
      const test = this.filterFn!.ranked ? undefined : this.filterFn!.test;
      this.moveRows(this.shown, removed, test ? fresh.filter((e) => test(e, this.textOf(e.row))) : [], dir, false);
    }
    this.moveRows(this.all, removed, fresh, dir, true);
    for (const r of removed) this.entries.delete(r);
  }

  /**
   * Takes `removed` out of sorted rows and puts `fresh` (sorted) in, each where a binary
   * search over the blocks finds it: a batch costs O(changed × (log rows + block size)),
   * whatever the number of rows. `present`: every removed row is there (else one may be
   * missing: a filter's rows).
   */
  private moveRows(list: Rows, removed: readonly Row[], fresh: readonly SortEntry[], dir: number, present: boolean): void {
    // an object that changed but not in its sort value (a label, a status) keeps its place:
    // its new row replaces the old one there, with one search instead of two
    const byKey = new Map<string, SortEntry>();
    for (const e of fresh) byKey.set(e.row.key, e);
    const placed = new Set<SortEntry>();
    for (const r of removed) {
      const e = this.entries.get(r);
      if (!e) continue;
      const order = (x: SortEntry): number => compareEntries(x, e, dir);
      const next = byKey.get(r.key);
      if (next && compareEntries(next, e, dir) === 0 && list.replaceSorted(e, next, order, this.builtText(next.row))) {
        placed.add(next);
        continue;
      }
      // not where its key puts it (cannot happen while keys are kept): found by a scan
      if (!list.removeSorted(e, order) && present) {
        const i = list.indexOf(e);
        if (i >= 0) list.removeAt(i);
      }
    }
    for (const e of fresh) if (!placed.has(e)) list.insertSorted(e, (x) => compareEntries(x, e, dir), this.builtText(e.row));
  }

  /**
   * The filter over the sorted rows; they keep their order. With `budgetMs`, a substring
   * filter spends at most that long now and goes on in slices (continueFilter).
   */
  private filterAll(mayNarrow = false, budgetMs?: number): void {
    this.cancelFilter();
    const old = { fn: this.filterFn, parsed: this.filterParsed, shown: this.shown };
    const prev = mayNarrow && this.filterFn ? this.filterParsed : undefined;
    // over the rows' entries: a pass that needs only the texts does not read the rows
    const { fn, parsed: f, error } = rowFilter<SortEntry>(this.filterText, { text: (e) => this.textOf(e.row), labels: (e) => e.row.labels });
    this.filterFn = undefined;
    this.filterParsed = undefined;
    this.filterError = error;
    this.shown = this.all;
    if (!fn) return;
    if (!f) {
      this.filterFn = fn;
      this.shown = new BlockList();
      return;
    }
    // typing on narrows: with no row changed since, the rows shown are the old filter over
    // every row, so a filter that passes only what the old one passes needs to look at those alone
    const from = prev && narrows(prev, f) ? old.shown : this.all;
    if (fn.ranked) {
      this.filterFn = fn;
      this.filterParsed = f;
      this.shown = this.rowsOf(fn.apply(from.slice()));
      return;
    }
    this.pending = { fn, parsed: f, from, next: 0, kept: new BlockList() };
    if (this.continueFilter(budgetMs)) return;
    // until it is done the old filter and its rows stay (with no change since, they are still its rows)
    this.filterFn = old.fn;
    this.filterParsed = old.parsed;
    this.shown = old.shown;
    this.scheduleFilter(true);
  }

  /**
   * Goes on with the pending filter: one pass over the rows' texts in their blocks (building
   * those not built yet), for up to `budgetMs` (undefined: to the end). True once it is done:
   * its rows are the rows shown.
   */
  private continueFilter(budgetMs?: number): boolean {
    const p = this.pending;
    if (!p) return true;
    const end = budgetMs === undefined ? Infinity : performance.now() + budgetMs;
    let stopped = false;
    p.from.forEachBlock((items, texts, start) => {
      if (stopped || start + items.length <= p.next) return;
      for (let j = p.next - start; j < items.length; j++) {
        const e = items[j];
        let text = texts[j];
        if (text === undefined) texts[j] = text = this.textOf(e.row);
        if (p.fn.test(e, text)) p.kept.push(e, text);
        if ((++p.next & 255) === 0 && performance.now() > end) {
          stopped = true;
          return;
        }
      }
    });
    if (p.next < p.from.length) return false;
    this.cancelFilter();
    this.filterFn = p.fn;
    this.filterParsed = p.parsed;
    this.shown = p.kept;
    this.shownArray = undefined;
    this.followSelection();
    return true;
  }

  /**
   * The next slice of the pending filter. `afterFrame`: the frame that began it has just held
   * the event loop; an immediate would run in the same turn of the loop, right after it (its
   * timers waiting for both), so the first slice waits for the next turn.
   */
  private scheduleFilter(afterFrame = false): void {
    const p = this.pending;
    if (!p || p.task || this.closed) return;
    const slice = (): void => {
      p.task = undefined;
      if (this.pending !== p) return;
      // done: a frame shows its rows, as soon as it may answer the key that typed the filter
      if (this.continueFilter(TEXT_SLICE_MS)) this.app.render(true);
      else this.scheduleFilter();
    };
    p.task = afterFrame ? setTimeout(slice, 0) : setImmediate(slice);
  }

  private cancelFilter(): void {
    const task = this.pending?.task;
    if (task) {
      clearImmediate(task as NodeJS.Immediate);
      clearTimeout(task as NodeJS.Timeout);
    }
    this.pending = undefined;
  }

  /** Builds the rows' search texts in slices of a few ms while the table is idle, so the first keystroke of a filter does not wait for 100k of them. */
  private scheduleTexts(): void {
    if (this.textTask || this.closed || this.textCursor >= this.all.length) return;
    this.textTask = setImmediate(() => {
      this.textTask = undefined;
      const end = performance.now() + TEXT_SLICE_MS;
      let done = false;
      this.all.forEachBlock((items, texts, start) => {
        if (done || start + items.length <= this.textCursor) return;
        for (let j = this.textCursor - start; j < items.length; j++) {
          if (texts[j] === undefined) texts[j] = this.textOf(items[j].row);
          if ((++this.textCursor & 127) === 0 && performance.now() > end) {
            done = true;
            return;
          }
        }
      });
      this.scheduleTexts();
    });
  }

  private textOf(r: Row): string {
    return rowText(r, this.columns);
  }

  handle(action: CommandId): boolean {
    if (action === 'wrap') {
      const row = this.selected();
      // values too long for the rows under the table: a view of their own, wrapped and scrollable
      if (!this.detail && row && !detailFits(this.columns, row, this.width, this.height)) {
        const columns = this.columns;
        this.app.push(new RowView(this.app, `row ${row.obj.metadata.name}`, () => columns.map((c) => [c.header, c.value(row)])));
      } else this.detail = !this.detail;
      return true;
    }
    this.derive();
    const d = navDelta(action, Math.max(1, this.height - 2));
    if (d !== undefined) {
      this.state.selected = Math.max(0, Math.min(this.shown.length - 1, this.state.selected + d));
      this.selectedKey = this.shown.at(this.state.selected)?.row.key;
      return true;
    }
    const sortKey = SORT_ACTIONS[action];
    if (sortKey) {
      this.sort = { key: sortKey, desc: this.sort.key === sortKey ? !this.sort.desc : false };
      this.resort = true;
      return true;
    }
    const row = this.shown.at(this.state.selected)?.row;
    const rt = row ? this.typeOf(row) : undefined;
    switch (action) {
      case 'events.warnings':
        if (this.resourceType?.kind !== 'Event') return false;
        this.warningsOnly = !this.warningsOnly;
        this.rebuild = true;
        this.app.message(this.warningsOnly ? 'events: warnings only' : 'events: all types');
        return true;
      case 'mark':
        if (!row) return false;
        if (this.marks.has(row.key)) this.marks.delete(row.key);
        else this.marks.add(row.key);
        return this.handle('down');
      case 'clear-marks':
        if (!this.marks.size) this.app.message('no marks to clear');
        this.marks.clear();
        return true;
      case 'toggle-wide':
        this.wide = !this.wide;
        this.rebuild = true;
        return true;
      case 'open':
        if (!row || !rt) return false;
        this.app.push(new DescribeView(this.app, row.context, rt, row.obj));
        return true;
      default:
        return false;
    }
  }

  /**
   * What object commands act on: the marked rows, else the current row (an Event row stands
   * for the object it is about: the shell maps it, src/ui/objects.ts).
   */
  selection(): Target[] {
    return this.targets();
  }

  /** The marked rows (across contexts), else the current row, as action targets. */
  targets(): Target[] {
    this.derive();
    const rows: Row[] = [];
    if (this.marks.size) {
      this.all.forEachBlock((items) => {
        for (const e of items) if (this.marks.has(e.row.key)) rows.push(e.row);
      });
    } else {
      const row = this.shown.at(this.state.selected)?.row;
      if (row) rows.push(row);
    }
    return rows.map((r) => this.targetOf(r)).filter((t): t is Target => !!t);
  }

  targetOf(r: Row): Target | undefined {
    const rt = this.typeOf(r);
    if (!rt) return undefined;
    return { context: r.context, resource: r.resource, kind: r.obj.kind ?? rt.kind, namespace: r.obj.metadata.namespace, name: r.obj.metadata.name, object: r.obj };
  }

  render(width: number, height: number): string[] {
    this.height = height;
    this.width = width;
    this.derive();
    if (!this.types.size) {
      const waiting = this.undiscovered();
      const what = this.opts.query ?? `${this.opts.category} resources`;
      return [waiting.length ? `"${what}": waiting for discovery of ${waiting.join(', ')}` : `no selected context serves "${what}"`];
    }
    const sortId = this.sort.key === 'status' ? this.statusColumn()?.id : this.sort.key;
    const sortIdx = this.columns.findIndex((c) => c.id === sortId);
    const invalid = this.filterError === undefined ? [] : [paint(this.app.theme, 'status.error', escapeTags(cutToWidth(termLine(invalidFilterText(this.filterText, this.filterError)), width)))];
    const notice = [...invalid, ...this.notice(width)];
    const lines = renderTable({
      columns: this.columns, rows: this.window(), width, height: height - notice.length, state: this.state, theme: this.app.theme,
      isMarked: (r) => this.marks.has(r.key), sortColumn: sortIdx >= 0 ? sortIdx : undefined, sortDesc: this.sort.desc, detail: this.detail,
    });
    this.selectedKey = this.shown.at(this.state.selected)?.row.key;
    if (!notice.length) return lines;
    while (lines.length < height - notice.length) lines.push('');
    return [...lines, ...notice];
  }

  /** The rows shown as the table widget reads them: only its window's rows are looked up. */
  private window(): ListLike<Row> {
    const shown = this.shown;
    return { length: shown.length, at: (i) => shown.at(i)?.row, slice: (a, b) => shown.slice(a, b).map((e) => e.row) };
  }

  /**
   * The notice row under the table when what it lists is not whole (issue 20): a kind still
   * loading, forbidden (whole or in some namespaces) or failed in a context, e.g.
   * "secrets in staging: forbidden", or a context in scope not discovered ("pods in scale-1:
   * context unreachable"). Empty when every (context, kind) is synced.
   */
  notice(width: number): string[] {
    const kinds = [...new Set([...this.types.values()].flatMap((l) => l.map(resourceKey)))];
    if (!kinds.length) return [];
    const ns = this.namespace();
    // a namespace scope that names no namespace of a context (a typo): its empty rows are not
    // "nothing there", said once the context's Namespaces are known whole
    const absent = namespaceAbsentIn(this.app.store, this.contexts(), ns);
    const noNamespace = absent.length && ns !== undefined ? namespaceAbsentText(ns, absent) : '';
    // every context in scope: one not discovered (unreachable from the start) has no types, and
    // its rows are missing, not absent
    const s = summarizeCoverage(storeCoverage(this.app.store, this.contexts(), kinds, ns));
    if (s.complete && !noNamespace) return [];
    const text = [noNamespace, s.complete ? '' : `not whole: ${s.gaps.map(coverageText).join(' · ')}`].filter(Boolean).join(' · ');
    return [paint(this.app.theme, 'status.warn', escapeTags(cutToWidth(termLine(text), width)))];
  }

  close(): void {
    this.closed = true;
    this.typed.cancel();
    if (this.textTask) clearImmediate(this.textTask);
    this.textTask = undefined;
    this.cancelFilter();
    for (const s of this.subs) s.close();
    this.subs = [];
    this.releaseMetrics();
  }
}
