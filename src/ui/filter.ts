// The `/` filter of tables: fuzzy text over `ctx/ns/name` (fuse.js), `-l key=val` as a
// label selector, a leading `!` to invert. Above SUBSTRING_ABOVE rows fuzzy search would
// stall the event loop (~100-300 ms per query at 100k), so it falls back to substrings.
import Fuse from 'fuse.js';
import { matchLabels, parseLabelSelector, SelectorError, type LabelSelector } from '../model/selector.js';

export const SUBSTRING_ABOVE = 50_000;

export interface Filter {
  source: string;
  inverse: boolean;
  text: string;
  labels?: LabelSelector;
}

export class FilterError extends Error {}

/** Parses `!`, `-l selector` and free text, in any order (`-l app=web api`). */
export function parseFilter(source: string): Filter {
  let s = source.trim();
  let inverse = false;
  if (s.startsWith('!')) {
    inverse = true;
    s = s.slice(1).trim();
  }
  let labels: LabelSelector | undefined;
  const m = /(?:^|\s)-l\s*(\S+)/.exec(s);
  if (m) {
    try {
      labels = parseLabelSelector(m[1]);
    } catch (e) {
      throw new FilterError(e instanceof SelectorError ? e.message : String(e));
    }
    s = (s.slice(0, m.index) + ' ' + s.slice(m.index + m[0].length)).trim();
  }
  return { source, inverse, text: s.replace(/\s+/g, ' '), labels };
}

export interface Filterable {
  /** `ctx/ns/name` */
  key: string;
  labels?: Record<string, string>;
}

/** The rows that pass the filter, in their original order. */
export function applyFilter<R extends Filterable>(rows: readonly R[], f: Filter): R[] {
  return filterFor<R>(f, rows.length)(rows);
}

/**
 * The filter as a function of rows, choosing fuzzy or substring matching by the size of
 * the whole table (`population`), so a table can filter only the rows that changed and
 * decide each row as a filter over all of them would. Each row's match depends on that
 * row alone, in both methods.
 */
export function filterFor<R extends Filterable>(f: Filter, population: number): (rows: readonly R[]) => R[] {
  const labels = (r: R): boolean => !f.labels || matchLabels(f.labels, r.labels);
  if (!f.text) return (rows) => rows.filter((r) => labels(r) !== f.inverse);
  if (population > SUBSTRING_ABOVE) {
    // one pass, no intermediate sets: this is the path of the largest tables
    const words = f.text.toLowerCase().split(' ');
    const text = (r: R): boolean => {
      const k = r.key.toLowerCase();
      return words.every((w) => k.includes(w));
    };
    return (rows) => rows.filter((r) => (text(r) && labels(r)) !== f.inverse);
  }
  return (rows) => {
    const pass = new Set(fuzzy(rows, f.text));
    return rows.filter((r) => (pass.has(r) && labels(r)) !== f.inverse);
  };
}

function fuzzy<R extends Filterable>(rows: readonly R[], text: string): R[] {
  // one combined key, so a query like "prod web" can match context and name together
  const fuse = new Fuse(rows as R[], { keys: ['key'], threshold: 0.3, ignoreLocation: true, useExtendedSearch: true });
  return fuse.search(text).map((r) => r.item);
}
