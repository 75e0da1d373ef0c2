// The shell's header, body and footer as blessed boxes drawn from lines, each row parsed once
// per change of its text. A plain box parses its whole content when it changes (tags to
// escapes, wrapping, every row's escapes), and on every render parses every row's escapes
// again to find the attribute each row starts with: at 200x50 that was about half of a
// frame's CPU time and most of what an idle session allocates (~2 MB a frame, once a second
// for the AGE column, enough to keep V8's young generation at its full 32 MB; issue 22).
// Here a row whose text, width and starting attribute are the last ones keeps its cells, and
// drawing it only compares them with the screen's (blessed's screen then writes the cells
// that changed). A row is parsed as blessed parses it (its tag parser, its attribute codes,
// its wide-character filler and combining marks), so a layer draws what a box drew.
import type blessed from 'blessed';
import blessedUnicode from 'blessed/lib/unicode.js';

type Cell = [number, string];
type ScreenRow = Cell[] & { dirty?: boolean };

/** The parts of blessed's screen and element a layer reads (blessed's own, untyped). */
interface Screen {
  lines: ScreenRow[];
  fullUnicode: boolean;
  tabc: string;
  program: { isiTerm2?: boolean; _attr(param: string, on: boolean): string | null | undefined };
  _ci: number;
  attrCode(code: string, cur: number, def: number): number;
}
interface Element {
  screen: Screen;
  style: unknown;
  ch: string;
  lpos?: unknown;
  children: Element[];
  index: number;
  render(): unknown;
  _emit(type: string, args?: unknown[]): void;
  _getCoords(get: boolean): { xi: number; xl: number; yi: number; yl: number } | undefined;
  parseTags?: boolean;
  sattr(style: unknown): number;
}
interface Unicode {
  codePointAt(str: string, i: number): number;
  combining: Record<number, boolean>;
  chars: { all: RegExp; combining: RegExp; surrogate: RegExp };
}

/** One row as parsed: the text it was parsed from, with what it depends on, and its cells. */
interface Row {
  text: string;
  width: number;
  /** the attribute the row starts with (a style left open on the row above carries on) */
  start: number;
  dattr: number;
  attrs: number[];
  chs: string[];
  /** the attribute after the row's last escape: the next row's start */
  end: number;
}

export interface LineLayer {
  /** The rows to draw from the box's top (terminal-safe text: every caller passes gate()'s lines). */
  setLines(lines: readonly string[]): void;
}

const CONTROL = /[\x00-\x08\x0b-\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
const STRAY_ESC = /\x1b(?!\[[\d;]*m)/g;
const SGR = /\x1b\[[\d;]*m/y;

/** A tag's name character, as blessed's tag pattern (`{/?[\w\-,;!#]*}`) has them. */
function tagChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 44 || c === 59 || c === 33 || c === 35;
}

/** Where the blessed tag that starts at s[i] (a `{`) ends (past its `}`); -1: none starts there. */
export function tagEnd(s: string, i: number): number {
  let j = i + 1;
  if (s.charCodeAt(j) === 47) j++;
  while (j < s.length && tagChar(s.charCodeAt(j))) j++;
  return s.charCodeAt(j) === 125 ? j + 1 : -1;
}

/** A tag as blessed's _parseTags reads it: closing or not, its parameter (`red fg`), the stack it goes on. */
interface Tag {
  slash: boolean;
  param: string;
  stack: 'bg' | 'fg' | 'flag';
}

/**
 * What blessed's tag parser (Element._parseTags) and its render loop (Screen.attrCode) make of
 * tags and escapes, remembered: a row is parsed in one pass, without the escape string that
 * blessed builds from the tags and then parses again cell by cell.
 */
class Attrs {
  private readonly sgrOf = new Map<string, string | null>();
  private readonly tags = new Map<string, Tag>();
  private readonly codes = new Map<string, Map<number, Map<number, number>>>();
  constructor(private readonly screen: Screen) {}

  /** A tag's text (`{/red-fg}`) read. */
  tag(text: string): Tag {
    let got = this.tags.get(text);
    if (!got) {
      const slash = text[1] === '/';
      const param = text.slice(slash ? 2 : 1, -1).replace(/-/g, ' ');
      got = { slash, param, stack: param.endsWith(' bg') ? 'bg' : param.endsWith(' fg') ? 'fg' : 'flag' };
      if (this.tags.size > 4096) this.tags.clear();
      this.tags.set(text, got);
    }
    return got;
  }

  /** program._attr(param, on): the escape of a tag's parameter (null: not a style) */
  sgr(param: string, on: boolean): string | null {
    const key = on ? param : `/${param}`;
    let got = this.sgrOf.get(key);
    if (got === undefined) {
      got = this.screen.program._attr(param, on) ?? null;
      this.sgrOf.set(key, got);
    }
    return got;
  }

  /** screen.attrCode(code, cur, def) */
  apply(code: string, cur: number, def: number): number {
    let byCur = this.codes.get(code);
    if (!byCur) this.codes.set(code, (byCur = new Map()));
    let byDef = byCur.get(cur);
    if (!byDef) {
      // attributes are few (a theme's roles); a layer that met many starts again
      if (byCur.size > 4096) byCur.clear();
      byCur.set(cur, (byDef = new Map()));
    }
    let a = byDef.get(def);
    if (a === undefined) byDef.set(def, (a = this.screen.attrCode(code, cur, def)));
    return a;
  }
}

/**
 * A row's text to cells, as blessed's parseContent and Element.render make them for one row:
 * the same control characters dropped, the same wide-character filler and combining marks, the
 * same tag stacks (a closing tag goes back to the style open before it), the same attributes.
 */
function parseRow(el: Element, attrs: Attrs, text: string, width: number, start: number, dattr: number, reuse?: Row): Row {
  const screen = el.screen;
  const u = blessedUnicode as unknown as Unicode;
  let s = text;
  if (/[\x00-\x1f\x7f]/.test(s)) s = s.replace(CONTROL, '').replace(STRAY_ESC, '').replace(/\r\n|\r|\n/g, ' ').replace(/\t/g, screen.tabc);
  if (screen.fullUnicode) {
    // a wide character is followed by a filler cell, which the screen's draw skips
    s = s.replace(u.chars.all, '$1\x03');
    if (screen.program.isiTerm2) s = s.replace(u.chars.combining, '');
  } else {
    s = s.replace(u.chars.all, '??').replace(u.chars.combining, '').replace(u.chars.surrogate, '?');
  }
  const bch = el.ch;
  // the row's old arrays take its new cells: a frame that changes rows allocates no cells
  const cells = reuse && reuse.width === width ? { attrs: reuse.attrs, chs: reuse.chs } : { attrs: new Array<number>(width), chs: new Array<string>(width) };
  const stacks = { bg: [] as string[], fg: [] as string[], flag: [] as string[] };
  let attr = start;
  let x = 0;
  const put = (ch: string): void => {
    if (x < width) {
      cells.attrs[x] = attr;
      cells.chs[x++] = ch;
    }
  };
  const escape = (code: string): void => {
    attr = attrs.apply(code, attr, dattr);
  };
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    const close = c === 123 && el.parseTags ? tagEnd(s, i) : -1;
    if (close > 0) {
      const tag = s.slice(i, close);
      i = close;
      const { slash, param, stack: which } = attrs.tag(tag);
      if (param === 'open' || param === 'close') {
        put(param === 'open' ? '{' : '}');
        continue;
      }
      const stack = stacks[which];
      if (slash && !param) {
        escape(attrs.sgr('normal', true)!);
        stacks.bg.length = stacks.fg.length = stacks.flag.length = 0;
        continue;
      }
      const sgr = param ? attrs.sgr(param, !slash) : null;
      if (sgr === null) {
        for (const ch of tag) put(ch);
        continue;
      }
      if (slash) {
        stack.pop();
        escape(stack.length ? attrs.sgr(stack[stack.length - 1], true)! : sgr);
      } else {
        stack.push(param);
        escape(sgr);
      }
      continue;
    }
    if (c === 27) {
      SGR.lastIndex = i;
      const m = SGR.exec(s);
      if (m) {
        escape(m[0]);
        i += m[0].length;
        continue;
      }
    }
    let ch = s[i++];
    if (ch === '\t') ch = bch;
    if (screen.fullUnicode) {
      const point = u.codePointAt(s, i - 1);
      if (point > 0xffff) ch += s[i++];
      // a combining mark joins the cell before it and takes none
      if (u.combining[point]) {
        if (x > 0 && x <= width) cells.chs[x - 1] += ch;
        continue;
      }
    }
    put(ch);
  }
  // the rest of the row: blanks in the attribute the text left
  const end = attr;
  while (x < width) put(bch);
  if (!reuse || reuse.attrs !== cells.attrs) return { text, width, start, dattr, attrs: cells.attrs, chs: cells.chs, end };
  reuse.text = text;
  reuse.start = start;
  reuse.dattr = dattr;
  reuse.end = end;
  return reuse;
}

/** Makes `box` draw from setLines' rows (its content is no longer read). */
export function lineLayer(box: blessed.Widgets.BoxElement): LineLayer {
  const el = box as unknown as Element;
  const attrs = new Attrs(el.screen);
  let texts: readonly string[] = [];
  let rows: Row[] = [];
  el.render = function render(this: Element) {
    this._emit('prerender');
    const coords = this._getCoords(true);
    if (!coords || coords.xl <= coords.xi || coords.yl <= coords.yi) {
      delete this.lpos;
      return undefined;
    }
    this.lpos = coords;
    const lines = this.screen.lines;
    const dattr = this.sattr(this.style);
    const width = coords.xl - coords.xi;
    let attr = dattr;
    for (let r = 0, y = coords.yi; y < coords.yl; r++, y++) {
      const line = lines[y];
      if (!line) continue;
      const text = texts[r] ?? '';
      let row = rows[r];
      if (!row || row.text !== text || row.width !== width || row.start !== attr || row.dattr !== dattr) rows[r] = row = parseRow(this, attrs, text, width, attr, dattr, row);
      for (let x = 0; x < width; x++) {
        const cell = line[coords.xi + x];
        if (!cell) break;
        const a = row.attrs[x];
        const ch = row.chs[x];
        if (cell[0] !== a || cell[1] !== ch) {
          cell[0] = a;
          cell[1] = ch;
          line.dirty = true;
        }
      }
      attr = row.end;
    }
    rows.length = Math.min(rows.length, coords.yl - coords.yi);
    // widgets mounted in the box (pulses' charts) draw over its rows, as a box's children do
    for (const child of this.children) {
      if (child.screen._ci !== -1) child.index = child.screen._ci++;
      child.render();
    }
    this._emit('render', [coords]);
    return coords;
  };
  return {
    setLines(lines) {
      texts = lines;
    },
  };
}
