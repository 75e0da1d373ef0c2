// Every built-in theme in every view at 80x24 and 200x50: no blessed tag is ever printed as
// text (the 16color theme printed `{brightwhite-fg}`), and the Fleet view keeps whole context
// names and PROBLEMS at 80 columns.
import { afterEach, describe, expect, it } from 'vitest';
import blessed from 'blessed';
import { BUILTIN_THEMES, loadTheme, ROLES } from '../../src/config/theme.js';
import { openTag } from '../../src/ui/style.js';
import { start, stopAll } from '../helpers/ui-rig.js';

afterEach(stopAll);

/** A tag left on screen: `{bold}`, `{bright-white-fg}`, `{/}` (the demo store's text holds no braces). */
const LITERAL_TAG = /\{\/?[a-z0-9#][\w#-]*\}|\{\/\}/i;

describe('themes', () => {
  it('every role of every built-in theme opens with tags blessed knows', () => {
    const program = blessed.program({ input: process.stdin, output: process.stdout, tput: true } as never) as unknown as { _attr(p: string, v?: boolean): string | null | undefined; destroy?: () => void };
    for (const name of BUILTIN_THEMES) {
      const theme = loadTheme(name, { configDir: null });
      for (const role of ROLES) {
        for (const tag of openTag(theme.styles[role]).match(/\{[^}]+\}/g) ?? []) {
          const param = tag.slice(1, -1).replace(/-/g, ' ');
          expect(program._attr(param), `${name}: ${role}: ${tag}`).toBeTruthy();
        }
      }
    }
  });

  const VIEWS: [string, RegExp][] = [
    ['fleet', /CONTEXT/], ['pods', /RESTARTS/], ['deploy', /UP-TO-DATE/], ['ks', /READY/], ['flux', /KIND/],
    ['problems', /apps|CrashLoop|Failed/], ['events', /REASON|BackOff/], ['help', /help \(/], ['outcomes', /no actions/], ['ctx', /dev/],
  ];

  for (const theme of BUILTIN_THEMES) {
    for (const [cols, rows] of [[80, 24], [200, 50]] as const) {
      it(`${theme} at ${cols}x${rows}: no literal tag in any view`, async () => {
        const r = start({ theme, cols, rows, startCommand: 'fleet' });
        await r.waitFor(/CONTEXT/, 5000);
        for (const [cmd, ready] of VIEWS) {
          r.keys(`:${cmd}\r`);
          const t = await r.waitFor(ready, 5000);
          expect(LITERAL_TAG.exec(t)?.[0], `${theme} ${cols}x${rows} :${cmd}\n${t}`).toBeUndefined();
          if (cmd === 'ctx') r.keys('\x1b');
        }
      }, 60_000);
    }
  }
});

describe('the Fleet view at 80 columns', () => {
  it('keeps whole context names and the PROBLEMS column', async () => {
    const r = start({ cols: 80, rows: 24, startCommand: 'fleet', contexts: ['dev', 'staging', 'prod-eu'] });
    const t = await r.waitFor(/PROBLEMS/, 5000);
    for (const c of ['dev', 'staging', 'prod-eu']) expect(t).toMatch(new RegExp(`^\\*?\\s?${c}\\s`, 'm'));
    expect(t).not.toMatch(/stagi…|prod-…/);
    // at least one space between every pair of header words
    const header = t.split('\n').find((l) => l.startsWith('CONTEXT'))!;
    expect(header).toMatch(/^CONTEXT\s+STATE\s/);
    expect(header).toMatch(/PROBLEMS/);
  });
});

describe('w in a table', () => {
  it('shows the selected row\'s full values, every column, under the table', async () => {
    const r = start({ cols: 120, rows: 30, startCommand: 'ks' });
    const before = await r.waitFor('kustomize build');
    expect(before).not.toMatch(/^MESSAGE: /m);
    r.keys('w');
    const t = await r.waitFor(/NAME: /);
    expect(t).toMatch(/CONTEXT: \S+/);
    expect(t).toMatch(/MESSAGE: /);
    r.keys('w');
    const after = await r.waitFor('kustomize build');
    await new Promise((res) => setTimeout(res, 300));
    expect(await r.text()).not.toMatch(/CONTEXT: \S+/);
    void after;
  });
});
