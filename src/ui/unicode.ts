// blessed's full-unicode mode, taught today's character widths. blessed 0.1.81 measures with
// its own 2015 tables (no emoji: 😀 counts one column, so the rest of its row shifts) and,
// without full-unicode, draws every wide character as `??`. Here its width hooks are pointed
// at src/model/sanitize.ts's charWidth (the East Asian Width property from
// get-east-asian-width, combining marks and format characters zero), the one width every
// renderer measures with, so what a view fits to N columns is drawn in N columns.
import type blessed from 'blessed';
// blessed's own unicode helpers (the module its screen uses; a static import, so the single
// executable's bundle holds it and shares the one instance)
import blessedUnicode from 'blessed/lib/unicode.js';
import { charWidth } from '../model/sanitize.js';

interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  isCombining(str: string | number, i?: number): boolean;
  codePointAt(str: string, i: number): number;
  combining: Record<number, boolean>;
  chars: { all: unknown };
}

let patched = false;

/** Points blessed's unicode helpers at charWidth (idempotent; call before the screen draws). */
export function teachBlessedWidths(): void {
  if (patched) return;
  patched = true;
  const u = blessedUnicode as unknown as BlessedUnicode;
  const original = u.charWidth.bind(u);
  const point = (str: string | number, i?: number): number => (typeof str === 'number' ? str : u.codePointAt(str, i ?? 0));
  u.charWidth = (str, i) => {
    const cp = point(str, i);
    // a tab keeps blessed's own handling (the screen's tab width); views expand tabs first anyway
    return cp === 0x09 ? original(str, i) : charWidth(cp);
  };
  u.isCombining = (str, i) => {
    const cp = point(str, i);
    return cp >= 0x300 && charWidth(cp) === 0;
  };
  // render: a zero-width code point joins the cell before it
  u.combining = new Proxy({} as Record<number, boolean>, {
    get: (_t, p) => typeof p === 'string' && Number(p) >= 0x300 && charWidth(Number(p)) === 0,
  });
  // parse: blessed puts a filler (\x03) after each double-width character, which the screen's
  // draw skips (`content.replace(chars.all, '$1\x03')`), or, without full unicode (a terminal
  // that is not UTF-8), draws it as `??` (`content.replace(chars.all, '??')`): both call this
  // replacer, which applies the caller's replacement to what charWidth calls double-width
  u.chars.all = {
    [Symbol.replace]: (s: string, replacement: string): string =>
      s.replace(/[\u1100-\u{10ffff}]/gu, (ch) => (charWidth(ch.codePointAt(0) ?? 0) === 2 ? replacement.replace('$1', ch) : ch)),
  };
}

/**
 * blessed cuts an unwrapped line at `width` UTF-16 code units, so a line holding astral
 * characters (two units, plus the filler) or combining marks lost its last cells. Views hand
 * the box lines already fitted to the box's width, so its cut is given room to spare; the
 * box still draws only its own width.
 */
export function uncutLines(box: blessed.Widgets.BoxElement): void {
  const el = box as unknown as { _wrapContent(text: string, width: number): unknown };
  const wrap = el._wrapContent.bind(box);
  el._wrapContent = (text: string, width: number) => wrap(text, width * 4);
}
