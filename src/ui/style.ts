// Theme roles → blessed tags, and the width helpers every renderer shares. Every piece of
// text a view puts on screen goes through escapeTags (directly, or via paint and fit), which
// passes it through the one sanitizer (src/model/sanitize.ts: no control character reaches
// the terminal) and escapes blessed's tag braces (`{bold}` in cluster text stays text).
// Widths are terminal columns (displayWidth: CJK and emoji take two).
import { tagColour, type Role, type Style, type Theme } from '../config/theme.js';
import { displayWidth, fitWidth, termLine } from '../model/sanitize.js';

/** One line of text for a tagged blessed box: sanitized (termLine) and its braces escaped. */
export function escapeTags(s: string): string {
  const safe = termLine(s);
  return /[{}]/.test(safe) ? safe.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}')) : safe;
}

export function openTag(style: Style): string {
  let out = '';
  if (style.fg) out += `{${tagColour(style.fg)}-fg}`;
  if (style.bg) out += `{${tagColour(style.bg)}-bg}`;
  if (style.bold) out += '{bold}';
  if (style.underline) out += '{underline}';
  if (style.inverse) out += '{inverse}';
  return out;
}

/** `text` escaped and wrapped in the role's style; a style-less role leaves it plain. */
export function paint(theme: Theme, role: Role, text: string): string {
  const open = openTag(theme.styles[role]);
  return open ? `${open}${escapeTags(text)}{/}` : escapeTags(text);
}

/** Fits `s` (sanitized first) into exactly `width` terminal columns: cut with an ellipsis or padded with spaces. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  return fitWidth(termLine(s), width, align);
}

/** blessed style object for a role (for widget backgrounds). */
export function blessedStyle(theme: Theme, role: Role): { fg?: string; bg?: string; bold?: boolean; underline?: boolean; inverse?: boolean } {
  const s = theme.styles[role];
  return { ...s };
}

/**
 * Rows of cells laid out in columns as wide as their widest cell (terminal columns, cells
 * sanitized), two spaces apart; the last column is left unpadded. Plain text: escape or
 * paint the result.
 */
export function textColumns(rows: string[][], indent = ''): string[] {
  const cells = rows.map((r) => r.map((c) => termLine(c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  return cells.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : fitWidth(c, widths[i]))).join('  '));
}
