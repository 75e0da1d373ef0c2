// Table rows, and the model's columns (src/model/columns.ts) as table-widget columns: cell
// text and status colours from the model, colours mapped to the theme's status roles.
// CONTEXT and NAMESPACE are added by the scope; wide shows the priority > 0 columns too.
import type { Role } from '../config/theme.js';
import { cellColor, cellSortValue, cellText, columnsFor, contextColumn, metricsColumns, namespaceColumn, visibleColumns, type CellColor, type Column as ModelColumn, type RowInfo } from '../model/columns.js';
import { searchText } from '../model/filter.js';
import type { MetricsSnapshot } from '../model/metrics.js';
import type { KubeObject, ResourceType } from '../model/types.js';
import type { Column } from './widgets/table.js';

export interface Row {
  context: string;
  resource: string;
  obj: KubeObject;
  /** `ctx/ns/name`: identity across updates; the filter searches it with the columns' text */
  key: string;
  labels?: Record<string, string>;
  /** the filter's text of the row (tableSearchText) and the columns it was built from */
  text?: string;
  textColumns?: readonly TableColumn[];
}

/** `kind` joins the key when one table holds several kinds. */
export function rowOf(context: string, resource: string, obj: KubeObject, kind?: string): Row {
  const ns = obj.metadata.namespace ?? '';
  return { context, resource, obj, key: `${context}/${ns}/${kind ? `${kind}/` : ''}${obj.metadata.name}`, labels: obj.metadata.labels, text: undefined, textColumns: undefined };
}

/** The row's search text over these columns, built once per row and column set. */
export function rowText(row: Row, columns: readonly TableColumn[]): string {
  if (row.textColumns !== columns || row.text === undefined) {
    row.text = tableSearchText(row, columns);
    row.textColumns = columns;
  }
  return row.text;
}

export const COLOR_ROLE: Record<CellColor, Role> = { ok: 'status.ok', warn: 'status.warn', error: 'status.error', muted: 'status.muted' };

/** Free-text columns may grow past the model's preferred width, up to these caps. */
const MAX_WIDTH: Record<string, number> = { name: 60, message: 100, reason: 80 };
/** Free text gives up its width first when the terminal is narrow. */
export const SQUEEZE: Record<string, number> = { message: 2, reason: 2, 'depends-on': 1, source: 1 };

/**
 * A CRD's text printer column (an issuer, a reason) is as wide as its values up to this, not
 * its 12-column preferred width: `letsencrypt-prod-missing` is the cause, `letsencrypt…` hides
 * it. When the terminal is narrow it gives up its width like other free text.
 */
const PRINTER_MAX_WIDTH = 60;
const printerText = (c: ModelColumn): boolean => c.id.startsWith('printer:') && c.align !== 'right';

export interface TableColumn extends Column<Row> {
  id: string;
  sortValue(row: Row): number | string;
  /** the text changes while the object does not (ages, metrics): not searched by the filter */
  volatile?: 'clock' | 'data';
  /** the cell's text for the filter when cheaper than value() (no one-line folding); may throw */
  search?(row: Row): string;
}

/** The row's text for the `/` filter (src/model/filter.ts searchText): its key and its columns' text, ages and metrics left out. */
function tableSearchText(row: Row, columns: readonly TableColumn[]): string {
  const cells: string[] = [];
  for (const c of columns) {
    if (c.volatile) continue;
    let v = '';
    try {
      v = c.search ? c.search(row) : c.value(row);
    } catch {
      // a broken cell is empty, as on screen
    }
    cells.push(v);
  }
  return searchText(row.key, cells);
}

/** One model column for the table widget; `now` is read per frame for ages, `metrics` per row's context. */
export function tableColumn(c: ModelColumn, now: () => number, metrics?: (context: string) => MetricsSnapshot | undefined, related?: Scope['related']): TableColumn {
  const info = (r: Row): RowInfo => ({
    context: r.context,
    ...(metrics ? { metrics: metrics(r.context) } : {}),
    ...(related ? { related: (o: KubeObject) => related(r.context, o) } : {}),
  });
  return {
    id: c.id,
    header: c.header,
    align: c.align,
    maxWidth: Math.max(c.header.length, MAX_WIDTH[c.id] ?? (printerText(c) ? PRINTER_MAX_WIDTH : c.width)),
    squeeze: SQUEEZE[c.id] ?? (printerText(c) && !c.keep ? 1 : undefined),
    // narrow terminals: identity and status stay (shrunk last), the rest drops by its rank
    keep: c.keep,
    drop: c.drop,
    volatile: c.volatile,
    value: (r) => cellText(c, r.obj, now(), info(r)),
    search: (r) => c.value(r.obj, now(), info(r)),
    sortValue: (r) => cellSortValue(c, r.obj, now(), info(r)),
    role: (r) => {
      if (c.id === 'context') return 'table.context';
      const color = cellColor(c, r.obj, now(), info(r));
      return color ? COLOR_ROLE[color] : undefined;
    },
  };
}

export interface Scope {
  /** more than one context selected: show CONTEXT */
  multiContext: boolean;
  /** all namespaces: show NAMESPACE */
  allNamespaces: boolean;
  /** the wide view: priority > 0 columns too */
  wide?: boolean;
  /** metrics.k8s.io per context: adds the CPU/MEM columns of pods, nodes and workloads */
  metrics?: (context: string) => MetricsSnapshot | undefined;
  /** a row's related objects for its HEALTH and REASON cells (RowInfo.related), by context */
  related?: (context: string, obj: KubeObject) => { related?: KubeObject[]; listed?: readonly string[] } | undefined;
}

/** The columns of a resource type's table in a scope. */
export function tableColumns(rt: ResourceType, scope: Scope, now: () => number): TableColumn[] {
  const cols: ModelColumn[] = [];
  if (scope.multiContext) cols.push(contextColumn());
  if (scope.allNamespaces && rt.namespaced) cols.push(namespaceColumn());
  const kindCols = columnsFor(rt);
  const metricCols = scope.metrics ? metricsColumns(rt.kind) : [];
  // CPU/MEM go before AGE (as k9s places them), or last when the kind has no AGE
  const ageAt = kindCols.findIndex((c) => c.id === 'age');
  const all = ageAt < 0 ? [...kindCols, ...metricCols] : [...kindCols.slice(0, ageAt), ...metricCols, ...kindCols.slice(ageAt)];
  cols.push(...visibleColumns(all, scope.wide ?? false));
  const table = cols.map((c) => tableColumn(c, now, scope.metrics, scope.related));
  // wide (ctrl-w): every column stays, squeezed instead of dropped (as the Flux view)
  return scope.wide ? table.map((c) => ({ ...c, drop: undefined })) : table;
}

/** The column that best says how a row is doing (sort-status). */
export const STATUS_COLUMN_IDS = ['status', 'ready', 'health', 'printer:Ready', 'printer:Status'];
