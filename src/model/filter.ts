// The `/` filter of tables, as pure functions over a row's text (searchText: its identity and
// the text of its visible columns) and its labels. Every view with a `/` filter reads a line
// through rowFilter, so the syntax below means the same in every one and at every table size:
//   web api          every word is a case-insensitive substring of the row's text (AND);
//                    what k9s users expect from a name fragment: `svc-77-` narrows
//   "back-off pull"  a quoted phrase is one word, spaces included
//   'svc-13-         a leading `'` (fzf's and fuse's "exact" marker) is the same as plain
//   ~crsh bkof       fuzzy: each word's letters in order (fzf-style), rows ranked best first
//                    (`-f` as in k9s means the same)
//   -l app=web       a label selector (kubectl's grammar, src/model/selector.ts), combinable
//                    with the above; it ends where the grammar does (`-l app in (a, b) web`)
//   !...             inverse: the rows that do NOT pass (never ranked)
// Why: plain typing must narrow the way the eye expects, at 100k rows as at 10; ranking is
// only useful when asked for, and it costs more, so it is a mode and not the default.
import { matchLabels, parseLabelSelector, parseLabelSelectorPrefix, SelectorError, type LabelSelector } from './selector.js';

export type FilterMode = 'substring' | 'fuzzy';

export interface Filter {
  source: string;
  inverse: boolean;
  mode: FilterMode;
  /** lower-case words; every one must match */
  words: string[];
  labels?: LabelSelector;
}

export class FilterError extends Error {}

/** Whether the filter keeps every row (empty text, no selector). */
export function isEmptyFilter(f: Filter): boolean {
  return !f.words.length && !f.labels && !f.inverse;
}

/**
 * Parses a filter (see the syntax above). `!` and `~` lead; `-l SELECTOR` and `-f` are words
 * of their own and may stand anywhere. Throws FilterError for a bad selector, `-l` with none,
 * or an unterminated quote.
 */
export function parseFilter(source: string): Filter {
  let s = source.trim();
  let inverse = false;
  let mode: FilterMode = 'substring';
  for (;;) {
    if (s.startsWith('!')) inverse = true;
    else if (s.startsWith('~')) mode = 'fuzzy';
    else break;
    s = s.slice(1).trimStart();
  }
  const labels: LabelSelector = [];
  let selected = false;
  const words: string[] = [];
  for (let i = 0; i < s.length; ) {
    if (/\s/.test(s[i])) {
      i++;
      continue;
    }
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) throw new FilterError(UNTERMINATED);
      if (close > i + 1) words.push(s.slice(i + 1, close).toLowerCase());
      i = close + 1;
      continue;
    }
    const end = s.slice(i).search(/\s|$/) + i;
    const word = s.slice(i, end);
    i = end;
    if (word === '-l') {
      const sel = selectorAt(s, i);
      labels.push(...sel.selector);
      selected = true;
      i = sel.end;
    } else if (word === '-f') mode = 'fuzzy';
    else {
      const plain = word.startsWith("'") ? word.slice(1) : word;
      if (plain) words.push(plain.toLowerCase());
    }
  }
  return { source, inverse, mode, words, ...(selected ? { labels } : {}) };
}

const UNTERMINATED = 'unterminated quote in the filter';

/**
 * The selector after `-l` at `from`: quoted (`-l "app in (a, b)"`, as a shell would pass it)
 * it is the quote's text; bare, it runs as far as kubectl's grammar reads one selector, so
 * `-l app in (a, b) web` is the selector `app in (a, b)` and the word `web`.
 */
function selectorAt(s: string, from: number): { selector: LabelSelector; end: number } {
  const at = s.slice(from).search(/\S/);
  // kubectl's words for `-l` with nothing after it
  if (at < 0) throw new FilterError("flag needs an argument: 'l' in -l");
  const start = from + at;
  try {
    const q = s[start];
    if (q !== '"' && q !== "'") return parseLabelSelectorPrefix(s, start);
    const close = s.indexOf(q, start + 1);
    if (close < 0) throw new FilterError(UNTERMINATED);
    return { selector: parseLabelSelector(s.slice(start + 1, close)), end: close + 1 };
  } catch (e) {
    throw e instanceof SelectorError ? new FilterError(e.message) : e;
  }
}

/**
 * Whether `next` passes only rows that `prev` passes (typing on: `svc` → `svc-4`), so that
 * it may be applied to prev's result instead of every row. Only for substring filters
 * without inverse whose selectors are the same.
 */
export function narrows(prev: Filter, next: Filter): boolean {
  if (prev.inverse || next.inverse || prev.mode !== 'substring' || next.mode !== 'substring') return false;
  if (JSON.stringify(prev.labels) !== JSON.stringify(next.labels)) return false;
  return prev.words.every((w) => next.words.some((n) => n.includes(w)));
}

/** What the filter reads of a row: its searchable text (lower case) and its labels. */
export interface FilterSubject<R> {
  text(row: R): string;
  labels(row: R): Record<string, string> | undefined;
}

/**
 * The filter as a function of rows. Substring mode (and any inverse) keeps the input
 * order and decides each row by itself alone (`test`, given the row's text when the caller
 * holds it already), so a table may filter only the rows that changed; fuzzy mode orders the
 * passing rows by score, best first (ties keep the input order), so its caller re-filters
 * everything when rows change (`ranked` says so).
 */
export type RowFilter<R> =
  | { ranked: false; test(row: R, text: string): boolean; apply(rows: readonly R[]): R[] }
  | { ranked: true; apply(rows: readonly R[]): R[] };

/**
 * What the filter searches in a row: its identity (`ctx/ns/name`, so a context or namespace
 * matches even when its column is hidden) and the text of its columns (the caller leaves out
 * the ones that change while the object does not: ages, metrics), lower case, one line per
 * cell so that no word spans two cells.
 */
export function searchText(identity: string, cells: readonly string[]): string {
  return (cells.length ? `${identity}\n${cells.join('\n')}` : identity).toLowerCase();
}

/** Keeps no row: what an invalid filter shows. */
const NOTHING: RowFilter<never> = { ranked: false, test: () => false, apply: () => [] };

/**
 * A view's filter line as a row filter: none for an empty line. An invalid line keeps no row
 * (never every row, as if it matched) and says why in `error` until a line that parses
 * replaces it; the view shows that where the rows would be (invalidFilterText).
 */
export function rowFilter<R>(line: string, subject: FilterSubject<R>): { fn?: RowFilter<R>; parsed?: Filter; error?: string } {
  if (!line.trim()) return {};
  try {
    const parsed = parseFilter(line);
    return { fn: filterFor(parsed, subject), parsed };
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    return { fn: NOTHING as RowFilter<R>, error: e.message };
  }
}

/** The line a view shows instead of rows while its filter does not parse. */
export function invalidFilterText(line: string, error: string): string {
  return `invalid filter /${line}: ${error} (no row is shown until it parses)`;
}

export function filterFor<R>(f: Filter, subject: FilterSubject<R>): RowFilter<R> {
  const labels = (r: R): boolean => !f.labels || matchLabels(f.labels, subject.labels(r));
  const words = f.words;
  if (!words.length) {
    const test = (r: R): boolean => labels(r) !== f.inverse;
    return { ranked: false, test, apply: (rows) => rows.filter(test) };
  }
  if (f.mode === 'substring' || f.inverse) {
    const pass = f.mode === 'substring' ? (t: string): boolean => containsAll(t, words) : (t: string): boolean => fuzzyScore(words, t) !== undefined;
    const test = (r: R, t: string): boolean => (pass(t) && labels(r)) !== f.inverse;
    return { ranked: false, test, apply: (rows) => rows.filter((r) => test(r, subject.text(r))) };
  }
  return {
    ranked: true,
    apply: (rows) => {
      const scored: { row: R; score: number; i: number }[] = [];
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        const score = fuzzyScore(words, subject.text(r));
        if (score !== undefined && labels(r)) scored.push({ row: r, score, i });
      }
      scored.sort((a, b) => b.score - a.score || a.i - b.i);
      return scored.map((s) => s.row);
    },
  };
}

function containsAll(text: string, words: readonly string[]): boolean {
  for (const w of words) if (!text.includes(w)) return false;
  return true;
}

const BOUNDARY = new Set([' ', '/', '-', '.', '_', ':', '\n', '(', ',']);

/**
 * fzf-style fuzzy score of lower-case words against lower-case text: each word's
 * characters must occur in order; undefined when one does not. Higher is better: a
 * shortest window is taken per word (fzf's v1: forward to the first full match, back
 * to its latest start), consecutive characters and characters after a boundary
 * (start, space, `/`, `-`, `.`) earn bonuses, gaps cost. A word found as a substring
 * scores highest.
 */
export function fuzzyScore(words: readonly string[], text: string): number | undefined {
  let total = 0;
  for (const w of words) {
    const s = wordScore(w, text);
    if (s === undefined) return undefined;
    total += s;
  }
  return total;
}

function wordScore(w: string, text: string): number | undefined {
  const exact = text.indexOf(w);
  if (exact >= 0) return w.length * 16 + (exact === 0 || BOUNDARY.has(text[exact - 1]) ? 8 : 0);
  // forward: the first position where all of w has been seen in order
  let ti = 0;
  for (let wi = 0; wi < w.length; wi++) {
    ti = text.indexOf(w[wi], ti);
    if (ti < 0) return undefined;
    ti++;
  }
  const end = ti - 1;
  // backward from there: the latest start, i.e. the shortest window ending at `end`
  let start = end;
  for (let wi = w.length - 1, i = end; wi >= 0; i--) {
    if (text[i] === w[wi]) {
      wi--;
      start = i;
    }
  }
  // score the window
  let score = 0;
  let prev = -2;
  for (let wi = 0, i = start; wi < w.length; i++) {
    if (text[i] !== w[wi]) continue;
    score += 2;
    if (i === prev + 1) score += 4;
    if (i === 0 || BOUNDARY.has(text[i - 1])) score += 3;
    prev = i;
    wi++;
  }
  return score - (end - start + 1 - w.length);
}
