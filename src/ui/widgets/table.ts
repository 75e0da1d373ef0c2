// A virtualized table: only the rows in the visible window are formatted and painted, so
// the cost of a frame depends on the terminal's height, not on the number of rows.
import type { Role, Theme } from '../../config/theme.js';
import { displayWidth, termLine, wrapToWidth } from '../../model/sanitize.js';
import { escapeTags, fit, paint } from '../style.js';
import type { ListLike } from '../../model/block-list.js';

export interface Column<R> {
  header: string;
  /** fixed width; otherwise sized to the visible cells (min header length, capped by maxWidth) */
  width?: number;
  maxWidth?: number;
  align?: 'left' | 'right';
  value(row: R): string;
  /**
   * a shorter form of the cell (a kind's short name: `hr` for HelmRelease), drawn instead of a
   * value its width cuts; the column gives up width down to its short forms before cutting them
   */
  short?(row: R): string | undefined;
  /** when the row is too wide, columns with a higher squeeze give up their width first */
  squeeze?: number;
  /** a squeezed column keeps this much (default 20) before droppable columns go to make room for it */
  room?: number;
  /** dropped when empty in every visible row, or when the others need the room */
  optional?: boolean;
  /** dropped when the others need the room (highest `drop` first, then right to left); optional columns without one rank 0 */
  drop?: number;
  /** identity (CONTEXT, NAME): shrunk only once every other column is at its narrowest */
  keep?: boolean;
  /** role of a cell (status colours); default table.row */
  role?(row: R, value: string): Role | undefined;
}

/** Keeps `selected` inside the window [top, top+height) with as little scrolling as possible. */
export function scrollTop(total: number, selected: number, top: number, height: number): number {
  if (height <= 0 || total <= 0) return 0;
  const maxTop = Math.max(0, total - height);
  let t = Math.min(Math.max(0, top), maxTop);
  if (selected < t) t = selected;
  else if (selected >= t + height) t = selected - height + 1;
  return Math.min(Math.max(0, t), maxTop);
}

export function clampIndex(i: number, total: number): number {
  return total === 0 ? 0 : Math.min(Math.max(0, i), total - 1);
}

/**
 * Column widths from the header and the visible rows' values; the last column takes the rest.
 * `shorts`: the cells' short forms (Column.short), which a column keeps room for until the
 * others are at their narrowest.
 */
export function columnWidths<R>(columns: Column<R>[], cells: string[][], width: number, sortColumn?: number, shorts?: (string | undefined)[][]): number[] {
  const gap = 2;
  const widths = columns.map((c, i) => {
    if (c.width !== undefined) return c.width;
    // room for the sort arrow beside the header
    let w = displayWidth(c.header) + (i === sortColumn ? 1 : 0);
    for (const row of cells) w = Math.max(w, displayWidth(row[i]));
    return Math.min(w, c.maxWidth ?? 60);
  });
  let used = widths.reduce((a, b) => a + b, 0) + gap * Math.max(0, columns.length - 1);
  // too wide: shrink free-text columns (squeeze) first, then the widest flexible ones, never
  // below their header; identity and status (keep) only once the others are at their narrowest,
  // free text then keeping SQUEEZED_FLOOR of its width; last, free text down to its header
  const squeeze = (i: number): number => columns[i].squeeze ?? 0;
  // a header is never cut, its sort arrow included ("READ…" once the arrow took a cell)
  const narrowest = (i: number): number => Math.max(4, displayWidth(columns[i].header) + (i === sortColumn ? 1 : 0));
  const shortest = (i: number): number => (shorts ?? []).reduce((w, row) => Math.max(w, displayWidth(row[i] ?? '')), 0);
  const kept = (i: number): number => (columns[i].squeeze ? Math.max(narrowest(i), Math.min(widths[i], SQUEEZED_FLOOR)) : Math.max(narrowest(i), Math.min(widths[i], shortest(i))));
  const floors: number[][] = [
    columns.map((c, i) => (c.keep ? Infinity : kept(i))),
    columns.map((_c, i) => kept(i)),
    columns.map((_c, i) => narrowest(i)),
  ];
  for (let step = 0; used > width && step < floors.length; ) {
    let idx = -1;
    for (let i = 0; i < widths.length; i++) {
      if (columns[i].width !== undefined || widths[i] <= floors[step][i]) continue;
      if (idx < 0 || squeeze(i) > squeeze(idx) || (squeeze(i) === squeeze(idx) && widths[i] > widths[idx])) idx = i;
    }
    if (idx < 0) {
      step++;
      continue;
    }
    widths[idx]--;
    used--;
  }
  if (used < width && widths.length) widths[widths.length - 1] += width - used;
  return widths;
}

/** Free text keeps this much of its width (when it has it) before identity and status columns shrink. */
const SQUEEZED_FLOOR = 12;

/** Free text keeps at least this much before optional columns are dropped for it. */
const ROOM_FOR_SQUEEZED = 20;

/**
 * Indexes of the columns to show: optional ones go when empty; then, while too wide, the
 * droppable ones (optional, or with a `drop` rank) by rank, highest first, right to left
 * among equals.
 */
export function keptColumns<R>(columns: Column<R>[], cells: string[][], width: number): number[] {
  const droppable = (c: Column<R>): boolean => c.optional === true || c.drop !== undefined;
  let keep = columns.map((_, i) => i).filter((i) => !columns[i].optional || cells.some((row) => row[i] !== ''));
  const need = (idx: number[]): number =>
    idx.reduce((sum, i) => {
      const c = columns[i];
      if (c.width !== undefined) return sum + c.width + 2;
      const natural = Math.min(c.maxWidth ?? 60, Math.max(displayWidth(c.header), ...cells.map((row) => displayWidth(row[i]))));
      return sum + (c.squeeze ? Math.min(natural, Math.max(displayWidth(c.header), c.room ?? ROOM_FOR_SQUEEZED)) : natural) + 2;
    }, -2);
  while (need(keep) > width) {
    const optional = [...keep].reverse().filter((i) => droppable(columns[i]));
    const drop = optional.reduce<number | undefined>((best, i) => (best === undefined || (columns[i].drop ?? 0) > (columns[best].drop ?? 0) ? i : best), undefined);
    if (drop === undefined) break;
    keep = keep.filter((i) => i !== drop);
  }
  return keep;
}

export interface TableState {
  selected: number;
  top: number;
}

export interface RenderTableOptions<R> {
  columns: Column<R>[];
  /** an array, or any list that gives its length and the rows of a window (only those are read) */
  rows: ListLike<R>;
  width: number;
  height: number;
  state: TableState;
  theme: Theme;
  isMarked?(row: R): boolean;
  sortColumn?: number;
  sortDesc?: boolean;
  /** the selected row's full values under the table (`w`): every column, wrapped, in the rows the table leaves (detailRoom) */
  detail?: boolean;
}

/** The selected row's values, every column (dropped or cut ones too), as `HEADER value` wrapped to the width. */
export function detailLines<R>(columns: Column<R>[], row: R, width: number): string[] {
  const text = columns.map((c) => `${termLine(c.header)}: ${termLine(c.value(row)) || '-'}`).join('   ');
  return wrapToWidth(text, Math.max(1, width));
}

/** Rows under a table of `height` rows for the selected row's detail: all but the header and three rows. */
export function detailRoom(height: number): number {
  return Math.max(1, height - 4);
}

/**
 * Whether the selected row's values fit under the table (detailRoom). When they do not, `w`
 * opens them in a text view of their own (RowView), so that they can always be read whole.
 */
export function detailFits<R>(columns: Column<R>[], row: R | undefined, width: number, height: number): boolean {
  return !row || detailLines(columns, row, width).length <= detailRoom(height);
}

/** Renders header + visible rows as tagged lines; updates state.top for the window. */
export function renderTable<R>(o: RenderTableOptions<R>): string[] {
  if (o.detail && o.rows.length) {
    const row = o.rows.at(clampIndex(o.state.selected, o.rows.length))!;
    const detail = detailLines(o.columns, row, o.width).slice(0, detailRoom(o.height));
    const table = renderTable({ ...o, detail: false, height: Math.max(2, o.height - detail.length) });
    return [...table, ...detail.map((l) => paint(o.theme, 'status.muted', fit(l, o.width)))].slice(0, o.height);
  }
  const bodyHeight = Math.max(0, o.height - 1);
  o.state.selected = clampIndex(o.state.selected, o.rows.length);
  o.state.top = scrollTop(o.rows.length, o.state.selected, o.state.top, bodyHeight);
  const visible = o.rows.slice(o.state.top, o.state.top + bodyHeight);
  const all = o.columns;
  // cluster text: sanitized before it is measured, so widths are the widths drawn
  const allCells = visible.map((r) => all.map((c) => termLine(c.value(r))));
  const keep = keptColumns(all, allCells, o.width);
  const columns = keep.map((i) => all[i]);
  const cells = allCells.map((row) => keep.map((i) => row[i]));
  const shorts = columns.some((c) => c.short) ? visible.map((r) => columns.map((c) => { const v = c.short?.(r); return v === undefined ? undefined : termLine(v); })) : undefined;
  const sortColumn = o.sortColumn === undefined ? undefined : keep.indexOf(o.sortColumn);
  let widths = columnWidths(columns, cells, o.width, sortColumn, shorts);
  // a column whose width cuts a value that has a short form draws the short forms of all its
  // rows (`hr`, `helmrepo`, `ks`, not `Hel…`), measured again so that the room they leave goes
  // to the other columns
  let drawn = cells;
  if (shorts) {
    const first = widths;
    const cut = columns.map((_c, i) => cells.some((row, vi) => shorts[vi][i] !== undefined && displayWidth(row[i]) > first[i]));
    if (cut.some(Boolean)) {
      drawn = cells.map((row, vi) => row.map((v, i) => (cut[i] ? (shorts[vi][i] ?? v) : v)));
      widths = columnWidths(columns, drawn, o.width, sortColumn, shorts);
    }
  }
  const sep = '  ';
  const header = columns
    .map((c, i) => fit(c.header + (sortColumn === i ? (o.sortDesc ? '↓' : '↑') : ''), widths[i], c.align))
    .join(sep);
  const lines = [paint(o.theme, 'table.header', fit(header, o.width))];
  visible.forEach((row, vi) => {
    const index = o.state.top + vi;
    const marked = o.isMarked?.(row) ?? false;
    const texts = drawn[vi].map((v, i) => fit(v, widths[i], columns[i].align));
    if (index === o.state.selected) {
      // one style for the whole selected line: inner resets would break its background
      lines.push(paint(o.theme, 'table.selected', fit(texts.join(sep), o.width)));
      return;
    }
    const rowRole: Role = marked ? 'table.marked' : 'table.row';
    const parts = texts.map((t, i) => {
      const role = marked ? undefined : columns[i].role?.(row, cells[vi][i]);
      return role ? paint(o.theme, role, t) : paint(o.theme, rowRole, t);
    });
    const used = texts.reduce((a, t) => a + displayWidth(t), 0) + sep.length * Math.max(0, texts.length - 1);
    lines.push(parts.join(escapeTags(sep)) + ' '.repeat(Math.max(0, o.width - used)));
  });
  return lines;
}

