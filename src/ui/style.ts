// Theme roles → blessed tags, and the width helpers every renderer shares. Widths are
// string lengths: the UI uses single-width symbols only (fullUnicode is off).
import type { Role, Style, Theme } from '../config/theme.js';

export function escapeTags(s: string): string {
  return s.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

export function openTag(style: Style): string {
  let out = '';
  if (style.fg) out += `{${style.fg}-fg}`;
  if (style.bg) out += `{${style.bg}-bg}`;
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

/** Fits `s` into exactly `width` columns: cut with an ellipsis or padded with spaces. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (s.length > width) return width === 1 ? '…' : `${s.slice(0, width - 1)}…`;
  return align === 'right' ? s.padStart(width) : s.padEnd(width);
}

/** blessed style object for a role (for widget backgrounds). */
export function blessedStyle(theme: Theme, role: Role): { fg?: string; bg?: string; bold?: boolean; underline?: boolean; inverse?: boolean } {
  const s = theme.styles[role];
  return { ...s };
}
