import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { lineLayer } from '../../src/ui/line-layer.js';
import { openScreen } from '../../src/ui/shell.js';
import { uncutLines } from '../../src/ui/unicode.js';

const W = 40;

let screens: blessed.Widgets.Screen[] = [];
afterEach(() => {
  for (const s of screens) s.destroy();
  screens = [];
});

function screen(): blessed.Widgets.Screen {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: W + 10, rows: 30 });
  output.resume();
  const s = openScreen({ input, output, terminal: 'xterm-256color', env: { LANG: 'en_US.UTF-8', TERM: 'xterm-256color' } });
  screens.push(s);
  return s;
}

type Cells = [number, string][][];
const cells = (s: blessed.Widgets.Screen, rows: number): Cells =>
  (s as unknown as { lines: Cells }).lines.slice(0, rows).map((l) => l.slice(0, W).map((c) => [c[0], c[1]] as [number, string]));

// what the shell's boxes held: tags, styles left open and closed, escaped braces, wide and
// astral characters, combining marks, a tag blessed does not know, rows as wide as the box
// (gate() cuts every row to the width: a box would carry a longer row's rest onto the next)
const LINES = [
  'plain text',
  '{red-fg}red{/} and {bold}bold{/bold} after',
  '{bold}{green-fg}a{/green-fg}b{/bold}c{underline}u{/}',
  '{open}not a tag{close} {nope} {/nope}',
  '日本語 wide 😀 emoji x',
  'e\u0301 combining a\u0300',
  '{yellow-fg}left open',
  'carried on',
  '{/}{#ff8800-fg}hex{/} {light-blue-bg}bg{/light-blue-bg} {inverse}inv{/inverse}',
  'x'.repeat(W),
  '',
  '{cyan-fg}{bold}' + 'y'.repeat(W) + '{/}',
  'after a long styled row',
];

describe('line layer', () => {
  it('draws every row as a tagged blessed box draws the same text', () => {
    const s = screen();
    const style = { fg: 'white', bg: 'black' };
    const box = blessed.box({ parent: s, top: 0, left: 0, width: W, height: LINES.length, tags: true, wrap: false, style });
    uncutLines(box);
    box.setContent(LINES.join('\n'));
    s.render();
    const expected = cells(s, LINES.length);
    box.destroy();
    s.clearRegion(0, W, 0, LINES.length);
    const layerBox = blessed.box({ parent: s, top: 0, left: 0, width: W, height: LINES.length, tags: true, wrap: false, style });
    const layer = lineLayer(layerBox);
    layer.setLines(LINES);
    s.render();
    expect(cells(s, LINES.length)).toEqual(expected);
  });

  it('a row drawn over (a dialog, a chart) is drawn again though its text did not change; a changed row is parsed again', () => {
    const s = screen();
    const box = blessed.box({ parent: s, top: 0, left: 0, width: W, height: 3, tags: true, wrap: false });
    const layer = lineLayer(box);
    layer.setLines(['one', '{red-fg}two{/}', 'three']);
    s.render();
    const first = cells(s, 3);
    const lines = (s as unknown as { lines: Cells }).lines;
    lines[1][0] = [0, '#'];
    s.render();
    expect(cells(s, 3)).toEqual(first);
    layer.setLines(['one', '{red-fg}tWo{/}', 'three']);
    s.render();
    const after = cells(s, 3);
    expect(after[1].map((c) => c[1]).join('').trimEnd()).toBe('tWo');
    expect(after[1][1][0]).toBe(first[1][1][0]);
    expect(after[0]).toEqual(first[0]);
  });

  it('a box made narrower (a resize) draws its rows at the new width', () => {
    const s = screen();
    const box = blessed.box({ parent: s, top: 0, left: 0, width: W, height: 2, tags: true, wrap: false });
    const layer = lineLayer(box);
    layer.setLines(['wide row', 'x']);
    s.render();
    box.width = 10;
    layer.setLines(['narrow', '{bold}y{/}']);
    s.render();
    const got = cells(s, 2).map((r) => r.slice(0, 10).map((c) => c[1]).join(''));
    expect(got).toEqual(['narrow    ', 'y         ']);
  });
});
