// Theme roles → blessed tags, and the width helpers every renderer shares. Every piece of
// text a view puts on screen goes through escapeTags (directly, or via paint and fit), which
// passes it through the one sanitizer (src/model/sanitize.ts: no control character reaches
// the terminal) and escapes blessed's tag braces (`{bold}` in cluster text stays text).
// Widths are terminal columns (displayWidth: CJK and emoji take two).
import { tagColour, type Role, type Style, type Theme } from '../config/theme.js';
import { charWidth, displayWidth, fitWidth, termLine } from '../model/sanitize.js';
import { tagEnd } from './line-layer.js';

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
 * sanitized), two spaces apart; the last column is left unpadded. `max`: no column but the last
 * is wider (its longer cells cut with …), so that one long value cannot push the others off
 * the screen. Plain text: escape or paint the result.
 */
export function textColumns(rows: string[][], indent = '', max = Infinity): string[] {
  const cells = rows.map((r) => r.map((c) => termLine(c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.min(max, Math.max(widths[i] ?? 0, displayWidth(c)))));
  return cells.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : fitWidth(c, widths[i]))).join('  '));
}

const TAG = /\{(\/?)([\w\-,;!#]*)\}/y;

/**
 * A tagged line (blessed tags, escaped braces) split into rows of at most `width` terminal
 * columns: tags take no room, `{open}`/`{close}` one column; a row ends with `{/}` when a
 * style is open and the next row reopens it. Text is expected sanitized (escapeTags/paint).
 */
export function wrapTagged(line: string, width: number): string[] {
  if (width <= 0) return [line];
  const rows: string[] = [];
  let row = '';
  let used = 0;
  let open: string[] = [];
  const push = (): void => {
    rows.push(open.length ? `${row}{/}` : row);
    row = open.join('');
    used = 0;
  };
  let i = 0;
  while (i < line.length) {
    if (line[i] === '{') {
      TAG.lastIndex = i;
      const m = TAG.exec(line);
      if (m) {
        i += m[0].length;
        if (m[2] === 'open' || m[2] === 'close') {
          if (used + 1 > width) push();
          row += m[0];
          used += 1;
        } else {
          row += m[0];
          if (m[1]) open = m[2] ? open.slice(0, -1) : [];
          else open.push(m[0]);
        }
        continue;
      }
    }
    const cp = line.codePointAt(i) ?? 32;
    const ch = String.fromCodePoint(cp);
    const w = charWidth(cp);
    if (w > 0 && used + w > width) push();
    row += ch;
    used += w;
    i += ch.length;
  }
  rows.push(row);
  return rows;
}

/** A tagged line cut to `width` terminal columns (see wrapTagged). */
export function cutTagged(line: string, width: number): string {
  return fitsTagged(line, width) ? line : wrapTagged(line, width)[0];
}

/** Whether a tagged line takes at most `width` columns, measured as wrapTagged measures it
 * (the common case: every line of every frame is gated, and most fit already). */
function fitsTagged(line: string, width: number): boolean {
  if (width <= 0) return true;
  let used = 0;
  for (let i = 0; i < line.length; ) {
    const c = line.charCodeAt(i);
    if (c === 123) {
      const end = tagEnd(line, i);
      if (end > 0) {
        // `{open}` and `{close}` draw a brace; any other tag takes no room
        if (line.startsWith('{open}', i) || line.startsWith('{close}', i)) used++;
        if (used > width) return false;
        i = end;
        continue;
      }
    }
    const cp = line.codePointAt(i) ?? 32;
    used += c < 0x7f && c >= 0x20 ? 1 : charWidth(cp);
    if (used > width) return false;
    i += cp > 0xffff ? 2 : 1;
  }
  return true;
}

/** One character a prompt takes (filter, command line, typed confirmation): any code point but a control, so that names in any script can be typed. */
export function typeable(ch: string | undefined): ch is string {
  return !!ch && [...ch].length === 1 && !/[\u0000-\u001f\u007f-\u009f]/.test(ch);
}

/** The text without its last character (a whole code point: an emoji is not left half). */
export function dropLast(text: string): string {
  return [...text].slice(0, -1).join('');
}

/**
 * A one-line input's text after key `k` (the key name, src/ui/key-dispatch.ts keyName) with
 * character `ch`, as a shell's line editor takes them: backspace drops a character, ctrl-u
 * clears the line, ctrl-w drops the last word (and the spaces after it), a typeable character
 * is added. Undefined: `k` is not an edit (enter, esc, arrows: the input's own).
 */
export function editLine(text: string, k: string, ch: string | undefined): string | undefined {
  if (k === 'backspace') return dropLast(text);
  if (k === 'ctrl-u') return '';
  if (k === 'ctrl-w') return text.replace(/\S*\s*$/, '');
  return typeable(ch) ? text + ch : undefined;
}
