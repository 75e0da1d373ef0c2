// Every built-in theme in every view at 80x24 and 200x50: no blessed tag is ever printed as
// text (the 16color theme printed `{brightwhite-fg}`), and the Fleet view keeps whole context
// names and PROBLEMS at 80 columns.
import { afterEach, describe, expect, it } from 'vitest';
import blessed from 'blessed';
import { COMMANDS } from '../../src/commands/table.js';
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

  /**
   * Every view the app has, opened as a user opens it: the keys (a palette line ends with
   * enter; a key on a table acts on its first row) and what shows once it is drawn. The list
   * is checked against the command table's views below, so a new view cannot be left out.
   */
  const VIEWS: { name: string; keys: string[]; ready: RegExp; back?: number }[] = [
    { name: 'fleet', keys: [':fleet\r'], ready: /CONTEXT/ },
    { name: 'pods', keys: [':pods\r'], ready: /RESTARTS/ },
    { name: 'deploy', keys: [':deploy\r'], ready: /UP-TO-DATE/ },
    { name: 'ks', keys: [':ks\r'], ready: /READY/ },
    { name: 'certificates', keys: [':certificates\r'], ready: /shop-tls/ },
    { name: 'flux', keys: [':flux\r'], ready: /KIND/ },
    { name: 'problems', keys: [':problems\r'], ready: /apps|CrashLoop|Failed/ },
    { name: 'events', keys: [':events\r'], ready: /REASON|BackOff/ },
    { name: 'pulses', keys: [':pulses\r'], ready: /^ pulses \[/m },
    { name: 'tree', keys: [':xray deploy\r'], ready: /Deployment\/shop\/web/ },
    { name: 'changes', keys: [':changes\r'], ready: /^ changes \[/m },
    { name: 'history', keys: [':deploy\r', 'h'], ready: /^ history deployment\//m, back: 1 },
    { name: 'compare', keys: [':deploy\r', 'v'], ready: /FIELD/, back: 1 },
    { name: 'trace', keys: [':deploy\r', 'o'], ready: /not managed by Flux/, back: 1 },
    { name: 'describe', keys: [':deploy\r', 'd'], ready: /Conditions:/, back: 1 },
    { name: 'yaml', keys: [':deploy\r', 'y'], ready: /apiVersion: apps\/v1/, back: 1 },
    { name: 'logs', keys: [':deploy\r', 'l'], ready: /^ logs deployment\//m, back: 1 },
    { name: 'object events', keys: [':deploy\r', 'e'], ready: /^ events /m, back: 1 },
    { name: 'confirm', keys: [':ks\r', 'R'], ready: /<esc>(\/<n>)? cancel/, back: 1 },
    { name: 'outcomes', keys: [':outcomes\r'], ready: /no actions|Reconcile/ },
    { name: 'pf', keys: [':pf\r'], ready: /^ port-forwards/m },
    { name: 'help', keys: [':help\r'], ready: /help \(/ },
    { name: 'ctx', keys: [':ctx\r'], ready: /dev/, back: 1 },
    { name: 'ns', keys: [':ns\r'], ready: /flux-system/, back: 1 },
  ];

  it('the list covers every view of the command table', () => {
    const views = new Set(COMMANDS.flatMap((c) => ('effect' in c && 'view' in c.effect ? [c.effect.view] : c.id.startsWith('view.') ? [c.id.slice(5)] : [])));
    expect(views.size).toBeGreaterThan(8);
    const named: Record<string, string> = { 'previous-logs': 'logs', events: 'object events' };
    for (const v of views) expect(VIEWS.map((x) => x.name), `view ${v}`).toContain(named[v] ?? v);
  });

  for (const theme of BUILTIN_THEMES) {
    for (const [cols, rows] of [[80, 24], [200, 50]] as const) {
      it(`${theme} at ${cols}x${rows}: no literal tag in any view`, async () => {
        const r = start({ theme, cols, rows, startCommand: 'fleet' });
        await r.waitFor(/CONTEXT/, 5000);
        for (const v of VIEWS) {
          for (const [i, k] of v.keys.entries()) {
            r.keys(k);
            // a key on a table acts on its first row: the rows are in first
            if (i < v.keys.length - 1) await r.waitFor(/^(dev|staging|prod-eu) /m, 5000);
          }
          const t = await r.waitFor(v.ready, 5000);
          expect(LITERAL_TAG.exec(t)?.[0], `${theme} ${cols}x${rows} ${v.name}\n${t}`).toBeUndefined();
          for (let i = 0; i < (v.back ?? 0); i++) {
            r.keys('\x1b');
            // an esc alone, not the start of an alt- sequence with the next key
            await new Promise((res) => setTimeout(res, 60));
          }
        }
      }, 90_000);
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
