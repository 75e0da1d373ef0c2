// The pulses view on the built CLI (`node dist/cli.js demo` in a pty): per-context charts drawn
// with blessed-contrib — at 80x24 in the 16-colour theme a row of sparklines per context, at
// 200x50 a line chart, gauges and sparklines; help and the palette list the view; leaving it
// takes the charts off the screen. Run `npm run build` first.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { isolatedEnv, run, type Session, sessionsOfFile, startDemo } from './harness.js';

const STARTUP_MS = 60_000;
const WAIT_MS = 60_000;
const CONTEXTS = ['dev', 'staging', 'prod-eu'];
const SPARK = /[▁▂▃▄▅▆▇█]/;
const { track } = sessionsOfFile();

function demo(cols: number, rows: number, extra: string[] = []): Session {
  const s = startDemo(['--command', ':fleet', ...extra], { cols, rows });
  return track(s);
}

/** Each context's label line, with known numbers (problems and CPU read, not '?' or '…'; `N+` where RBAC hides part). */
const labelled = (x: string): boolean =>
  CONTEXTS.every((c) => new RegExp(`^ ${c}\\s+events/s \\S+\\s+problems \\d+\\+?\\s+restarts \\d+\\+?\\s+CPU \\d+%`, 'm').test(x));

describe('pulses on demo', () => {
  it('80x24 in 16 colours: a label and a row of sparklines per context, with data', async () => {
    const s = demo(80, 24, ['--theme', '16color']);
    await s.waitFor(/CONTEXT/, STARTUP_MS);
    s.type(':pulses');
    s.press('enter');
    // under each label: the five sparkline titles, then their lines (contrib's sparkline widget);
    // the titles are drawn from the sample after the label's figures: waited for too
    const TITLES = /events\/s \S+:\s+problems \d+\+?:\s+restarted \S+:\s+CPU \d+%:\s+MEM \d+%:/;
    const titled = (x: string): boolean => { const ls = x.split('\n'); return CONTEXTS.every((c) => TITLES.test(ls[ls.findIndex((l) => l.startsWith(` ${c} `)) + 2] ?? '')); };
    const t = await s.waitFor((x) => labelled(x) && titled(x) && /problems [1-9]/.test(x) && x.split('\n').filter((l) => SPARK.test(l)).length >= 3, WAIT_MS);
    const lines = t.split('\n');
    expect(lines[1]).toMatch(/pulses \[3 contexts/);
    for (const c of CONTEXTS) {
      const at = lines.findIndex((l) => l.startsWith(` ${c} `));
      expect(lines[at + 2]).toMatch(TITLES);
      expect(lines[at + 3]).toMatch(SPARK);
    }
    // prod-eu has problems (the crash-looping cart-api): its label says how many, above its charts
    expect(t).toMatch(/^ prod-eu\s+events\/s \S+\s+problems [1-9]\d*\s/m);
    // staging's user may not list kube-system: its counts are lower bounds, never shown as whole
    expect(t).toMatch(/^ staging\s+events\/s \S+\s+problems \d+\+\s+restarts \d+\+/m);
    // help and the palette list the view
    s.press('?');
    await s.waitFor(/help \(default\)/, WAIT_MS);
    for (let i = 0; ; i++) {
      if (await s.waitFor(/:pulses, :pu\s+per-context charts/, 2000).then(() => true, () => false)) break;
      if (i === 15) throw new Error(`help never listed :pulses:\n${await s.screenText()}`);
      s.press('pagedown');
    }
    s.press('esc');
    // back on the charts (an esc and a key in one read would be alt-key)
    await s.waitFor((x) => labelled(x) && !/help \(default\)/.test(x), WAIT_MS);
    s.type(':pul');
    await s.waitFor(/:pul▏\s+pulses/, WAIT_MS);
    s.press('esc');
    await s.waitFor((x) => !/:pul▏/.test(x), WAIT_MS);
    // leaving it takes the charts off the body
    s.type(':pods');
    s.press('enter');
    const after = await s.waitFor(/pods \[\d+\+?\][\s\S]*CONTEXT\s+NAMESPACE/, WAIT_MS);
    expect(after).not.toMatch(SPARK);
    expect(after).not.toMatch(/events\/s/);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 180_000);

  it('200x50: a line chart, gauges and sparklines per context', async () => {
    const s = demo(200, 50);
    await s.waitFor(/CONTEXT/, STARTUP_MS);
    s.type(':pu');
    s.press('enter');
    const t = await s.waitFor((x) => labelled(x) && (x.match(/events\/s · problems/g) ?? []).length === 3 && (x.match(/CPU of allocatable/g) ?? []).length === 3 && /-\d+s\s+.*\b0s\b/.test(x), WAIT_MS);
    // (the time axis has two samples or more: -2s … 0s)
    // the line chart is braille (contrib's drawille canvas) with its legend and time axis
    expect(t).toMatch(/[\u2801-\u28ff]{20}/);
    expect(t).toMatch(/│events\/s\s+│/);
    expect(t).toMatch(/│problems\s+│/);
    // gauges say the share of allocatable, restarts have their sparkline
    expect(t).toMatch(/│\s+\d+%\s+││\s+\d+%\s+│/);
    expect((t.match(/restarted \S+:/g) ?? []).length).toBe(3);
    // a resize re-lays the view out: down to the compact form
    s.resize(80, 24);
    await s.waitFor((x) => labelled(x) && /events\/s \S+:\s+problems \d+:/.test(x) && !/CPU of allocatable/.test(x), WAIT_MS);
  }, 180_000);

  // the line chart's canvas calls `new Buffer()` (drawille-blessed-contrib): a deprecation Node
  // prints only for code outside node_modules — as in the single executable, one bundled file —
  // or under --pending-deprecation, which reproduces it here. Written to stderr, it went over
  // the frame; it is held while the screen is up and written after
  it('a Node warning while the screen is up is not drawn over it, and is written after quitting', async () => {
    const s = track(run(process.execPath, [resolve('dist/cli.js'), 'demo', '--command', ':pulses'], { cols: 200, rows: 50, env: { ...isolatedEnv(), NODE_OPTIONS: '--pending-deprecation' } }));
    const t = await s.waitFor((x) => labelled(x) && /[\u2801-\u28ff]{20}/.test(x), STARTUP_MS);
    expect(t).not.toMatch(/DeprecationWarning/);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
    expect(s.output()).toMatch(/fleetdeck: a warning while the screen was up: DeprecationWarning: Buffer\(\) is deprecated/);
  }, 180_000);
});
