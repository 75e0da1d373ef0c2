// Each frame blessed draws reaches the terminal between synchronized-output marks (DEC mode
// 2026), so a terminal shows it whole however the link splits it; a draw with nothing to
// change writes no marks.
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { openScreen, SYNC_BEGIN, SYNC_END } from '../../src/ui/shell.js';

const tick = () => new Promise((r) => setImmediate(r));

function rig() {
  const output = new PassThrough();
  let written = '';
  output.on('data', (d: Buffer) => (written += d.toString('utf8')));
  Object.assign(output, { isTTY: true, columns: 40, rows: 5 });
  const screen = openScreen({ input: new PassThrough(), output, terminal: 'xterm-256color', env: { LANG: 'C.UTF-8' } });
  const box = blessed.box({ parent: screen, top: 0, left: 0, width: 40, height: 3, content: 'first-frame' });
  return { screen, box, take: () => { const w = written; written = ''; return w; } };
}

const count = (s: string, sub: string) => s.split(sub).length - 1;

describe('frames on the terminal', () => {
  it('a frame is written between one begin and one end mark, its text inside', async () => {
    const { screen, take } = rig();
    take(); // the screen's set-up (alternate screen, title)
    screen.render();
    await tick();
    const out = take();
    expect(count(out, SYNC_BEGIN)).toBe(1);
    expect(count(out, SYNC_END)).toBe(1);
    const inside = out.slice(out.indexOf(SYNC_BEGIN), out.indexOf(SYNC_END));
    expect(inside).toContain('first-frame');
    expect(out.indexOf(SYNC_BEGIN)).toBeLessThan(out.indexOf('first-frame'));
    screen.destroy();
  });

  it('a render that changes nothing writes no marks; the next change writes one pair again', async () => {
    const { screen, box, take } = rig();
    screen.render();
    await tick();
    take();
    screen.render();
    await tick();
    expect(take()).toBe('');
    box.setContent('second-frame');
    screen.render();
    await tick();
    const out = take();
    expect(count(out, SYNC_BEGIN)).toBe(1);
    expect(out.slice(out.indexOf(SYNC_BEGIN), out.indexOf(SYNC_END))).toContain('second');
    screen.destroy();
  });
});
