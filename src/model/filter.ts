// The `/` filter of tables, as pure functions over a row's text (the text of its visible
// columns; the table view builds it) and its labels.
//
// Syntax, the same at every table size:
//   web api          every word is a case-insensitive substring of the row's text (AND);
//                    what k9s users expect from a name fragment: `svc-77-` narrows
//   "back-off pull"  a quoted phrase is one word, spaces included
//   'svc-13-         a leading `'` (fzf's and fuse's "exact" marker) is the same as plain
//   ~crsh bkof       fuzzy: each word's letters in order (fzf-style), rows ranked best first
//                    (`-f` as in k9s means the same)
//   -l app=web       a label selector (kubectl's syntax), combinable with the above
//   !...             inverse: the rows that do NOT pass (never ranked)
// Why: plain typing must narrow the way the eye expects, at 100k rows as at 10; ranking is
// only useful when asked for, and it costs more, so it is a mode and not the default.
import { matchLabels, parseLabelSelector, SelectorError, type LabelSelector } from './selector.js';

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
 * Parses a filter (see the syntax above). `!` and `~` lead; `-l SELECTOR` and `-f` may
 * stand anywhere. Throws FilterError for a bad selector or an unterminated quote.
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
  let labels: LabelSelector | undefined;
  const m = /(?:^|\s)-l\s*(\S+)/.exec(s);
  if (m) {
    try {
      labels = parseLabelSelector(m[1]);
    } catch (e) {
      throw new FilterError(e instanceof SelectorError ? e.message : String(e));
    }
    s = `${s.slice(0, m.index)} ${s.slice(m.index + m[0].length)}`;
  }
  const words: string[] = [];
  const re = /"([^"]*)("?)|(\S+)/g;
  for (let w = re.exec(s); w; w = re.exec(s)) {
    if (w[1] !== undefined) {
      if (!w[2]) throw new FilterError('unterminated quote in the filter');
      if (w[1]) words.push(w[1].toLowerCase());
      continue;
    }
    const word = w[3];
    if (word === '-f') {
      mode = 'fuzzy';
      continue;
    }
    const plain = word.startsWith("'") ? word.slice(1) : word;
    if (plain) words.push(plain.toLowerCase());
  }
  return { source, inverse, mode, words, labels };
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
