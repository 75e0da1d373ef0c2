// The one sanitizer for cluster text on its way to a terminal (DESIGN principle 8: cluster
// text is untrusted). Log lines, messages, annotations, names and every other string read
// from a cluster pass through termLine/termLines before a view or a CLI command writes them
// to a terminal:
// - C0 controls (except the newline and tab, which are laid out), DEL, C1 controls
//   (U+0080–U+009F) and the bidi controls — overrides/embeddings (U+202A–U+202E), isolates
//   (U+2066–U+2069) and the marks (U+200E LRM, U+200F RLM, U+061C ALM), which reorder what
//   surrounds them as much — are shown as visible escapes (`\e`, `\a`, `\r`, `\x01`, `\x9b`, `\u202e`). Every terminal control
//   sequence (CSI, OSC, DCS, APC, PM, SOS) starts with ESC or a C1 introducer, so none can
//   reach the terminal: `ESC ] 0 ; T BEL` is shown as `\e]0;T\a` and does nothing.
// - tabs become spaces to the next multiple of 8 columns; a newline inside one-line text is
//   a space (multi-line text is split into lines by termLines).
// - lone UTF-16 surrogates become U+FFFD (invalid UTF-8 already did when it was decoded).
// Widths are terminal columns: charWidth follows the East Asian Width property
// (get-east-asian-width, ambiguous as narrow) with combining marks and format characters at 0,
// which is how terminals (xterm's Unicode 11 tables, wcwidth) lay out code points.
import { eastAsianWidth } from 'get-east-asian-width';

/** Characters that must never reach a terminal as themselves. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_G = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NEEDS_WORK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 27: '\\e' };

/** The visible form of one unsafe character: `\e`, `\r`, `\x01`, `\x9b`, `\u202e`. */
export function visibleEscape(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const named = NAMED[cp];
  if (named) return named;
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** True when `s` holds a character that must not reach a terminal as itself (tab excluded). */
export function hasUnsafe(s: string): boolean {
  return UNSAFE.test(s);
}

/** Every unsafe character of `s` replaced by its visible escape (tabs and widths untouched). */
export function escapeUnsafe(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_G, visibleEscape) : s;
}

const TAB = 8;

/**
 * One line of cluster text as it may be written to a terminal: controls shown as visible
 * escapes, a newline (or CRLF) as one space, tabs expanded to the next multiple of 8
 * columns (counted from `column`, the line's start column), lone surrogates as U+FFFD.
 * Text without any of these is returned as is (the common case costs one regex test).
 */
export function termLine(s: string, column = 0): string {
  if (!NEEDS_WORK.test(s) && !s.includes('\t')) return s;
  let text = s.replace(LONE_SURROGATE, '\ufffd').replace(/\r?\n/g, ' ');
  text = escapeUnsafe(text);
  if (!text.includes('\t')) return text;
  let out = '';
  let col = column;
  for (const part of text.split(/(\t)/)) {
    if (part === '\t') {
      const n = TAB - (col % TAB);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += part;
      col += displayWidth(part);
    }
  }
  return out;
}

/** Multi-line cluster text (YAML, describe, a message) as terminal-safe lines (split at \n and CRLF). */
export function termLines(s: string): string[] {
  return s.split(/\r?\n/).map((l) => termLine(l));
}

/** Object keys and string values of a JSON-like value, each through termLine (for structures rendered as text). */
export function termValue<T>(v: T): T {
  if (typeof v === 'string') return termLine(v) as T;
  if (Array.isArray(v)) return v.map(termValue) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [termLine(k), termValue(x)])) as T;
  return v;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/**
 * Columns one code point takes on a terminal: 0 for controls, combining marks and format
 * characters (ZWJ, variation selectors), 2 for East Asian Wide and Fullwidth characters (CJK,
 * emoji with emoji presentation), else 1.
 */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return eastAsianWidth(cp, { ambiguousAsWide: false });
}

const ASCII = /^[\x20-\x7e]*$/;

/** Terminal columns of `s` (code point by code point, as terminals lay them out). */
export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** The longest prefix of `s` that fits in `width` columns (a wide character never split). */
export function cutToWidth(s: string, width: number): string {
  if (width <= 0) return '';
  if (ASCII.test(s)) return s.length <= width ? s : s.slice(0, width);
  let w = 0;
  let end = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0) ?? 0);
    if (w + cw > width) break;
    w += cw;
    end += ch.length;
  }
  // keep combining marks that follow the last character kept
  while (end < s.length) {
    const cp = s.codePointAt(end) ?? 0;
    if (charWidth(cp) !== 0) break;
    end += cp > 0xffff ? 2 : 1;
  }
  return s.slice(0, end);
}

/** `s` cut (with an ellipsis) or padded with spaces to exactly `width` columns. */
export function fitWidth(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const w = displayWidth(s);
  if (w > width) {
    if (width === 1) return '…';
    const cut = cutToWidth(s, width - 1);
    return `${cut}${' '.repeat(width - 1 - displayWidth(cut))}…`;
  }
  const pad = ' '.repeat(width - w);
  return align === 'right' ? pad + s : s + pad;
}

/**
 * `s` split into rows of at most `width` columns (a wide character is never split; the text
 * is cut at spaces where a row would otherwise end mid-word, when the word fits a row).
 */
export function wrapToWidth(s: string, width: number): string[] {
  if (width <= 0) return [s];
  const rows: string[] = [];
  let rest = s;
  while (displayWidth(rest) > width) {
    let row = cutToWidth(rest, width);
    if (row.length === 0) row = String.fromCodePoint(rest.codePointAt(0) ?? 32);
    const space = row.lastIndexOf(' ');
    if (space > 0 && rest[row.length] !== ' ' && space >= row.length / 2) row = row.slice(0, space + 1);
    rows.push(row);
    rest = rest.slice(row.length);
  }
  rows.push(rest);
  return rows;
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify whose output is safe on a terminal: JSON already escapes C0 controls and lone
 * surrogates; DEL, C1 controls, line/paragraph separators and bidi controls are escaped as
 * \uXXXX too (still valid JSON, the same value when parsed).
 */
export function jsonForTerminal(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Multi-line cluster text with its newlines kept: each line through termLine (CRLF as one newline). */
export function termText(s: string): string {
  return termLines(s).join('\n');
}
