// Issue 15 on the built CLI (`node dist/cli.js demo` in a pty): keys typed while the app
// starts are queued and applied in order (never echoed); object commands work from Problems
// rows and Tree nodes: logs, rollback and suspend straight from the triage starting point.
// Run `npm run build` first.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Session, sessionsOfFile, startDemo } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const WAIT_MS = 20_000;
const { track } = sessionsOfFile();

function demo(cols = 160, rows = 40): Session {
  const s = startDemo([], { cols, rows });
  return track(s);
}

/** The Problems view's detail line: the selected problem (`prod-eu Deployment checkout/cart-api: reason`), under the table. */
const DETAIL = /^[\w.-]+ [\w.-]+ [^\s:]+: /;
/** The selected problem's identity (`prod-eu Deployment checkout/cart-api`), read from the detail line. */
const selectedOf = (screen: string): string | undefined => {
  const d = screen.split('\n').find((l) => DETAIL.test(l));
  return d?.slice(0, d.indexOf(': '));
};

/**
 * Selects the Problems row of `what` ('prod-eu Deployment checkout/cart-api') by its content:
 * from the top, down a row at a time until the detail under the table names it. One key is in
 * flight at a time: the next is pressed only once the selection has moved (the detail names
 * another object; its reason text changing does not count). The view keeps its selection on
 * that object however the rows re-sort afterwards, so the key pressed next acts on it; rows
 * re-sorting during the walk only make it start again from the top.
 */
async function selectProblem(s: Session, what: string): Promise<void> {
  /** the selection once it is not `prev` (or, after 3 s, as it is: it did not move) */
  const moved = async (prev: string | undefined): Promise<string | undefined> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const d = selectedOf(await s.screenText());
      if (d !== prev || Date.now() > deadline) return d;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = selectedOf(await s.screenText());
    s.press('g');
    let d = await moved(before); // the top row (unchanged when it was selected already)
    for (let i = 0; i < 100; i++) {
      if (d === what) return;
      const prev = d;
      s.press('j');
      d = await moved(prev);
      if (d === prev) break; // past the last row without it: from the top again
    }
  }
  throw new Error(`no Problems row of ${what}:\n${await s.screenText()}`);
}

describe('issue 15 in a pty', () => {
  it('keys typed as soon as the header shows are applied in order once the app is up, never echoed', async () => {
    const s = demo();
    await s.waitFor(/fleetdeck/, STARTUP_MS);
    s.type(':pods');
    s.press('enter');
    const t = await s.waitFor((x) => /pods \[\d+\+?\]/.test(x) && /CONTEXT\s+NAMESPACE\s+NAME/.test(x), STARTUP_MS);
    // the fault of the issue: the typed text printed raw over the header
    expect(t).not.toContain(':podst');
    expect(t.split('\n')[0]).not.toContain('pods');
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 90_000);

  it('from Problems rows: logs, rollback (typed name on prod-eu) and suspend; logs from a Tree node', async () => {
    const s = demo();
    await s.waitFor(/CONTEXT\s+STATE/, STARTUP_MS);
    s.press('1');
    await s.waitFor(/problems \[\d+\+?, \d+ failed(?: · [^\]]+)?\]/, WAIT_MS);
    await s.waitFor(/prod-eu\s+Deployment\s+checkout\s+cart-api/, WAIT_MS);

    // l on the Deployment's row: its pods' merged logs
    await selectProblem(s, 'prod-eu Deployment checkout/cart-api');
    s.press('l');
    await s.waitFor(/logs deployment\/cart-api/, WAIT_MS);
    s.press('q'); // q leaves the log view, back to Problems
    await s.waitFor(/problems \[\d+/, WAIT_MS);

    // t on the same row, then l on the tree's selected node
    s.press('t');
    await s.waitFor(/tree \S+\/\S+ \[\d+\+?\]/, WAIT_MS);
    s.press('l');
    await s.waitFor(/logs \S+\/\S+/, WAIT_MS);
    s.press('esc');
    await s.waitFor(/tree \S+\/\S+ \[\d+\+?\]/, WAIT_MS);
    s.press('esc');
    await s.waitFor(/problems \[\d+/, WAIT_MS);

    // B (rollback) on the row: the dialog leads with the change in words; prod-eu is protected
    await selectProblem(s, 'prod-eu Deployment checkout/cart-api');
    s.press('B');
    let t = await s.waitFor(/change: roll back Deployment checkout\/cart-api to revision \d+/, WAIT_MS);
    expect(t.indexOf('change: roll back')).toBeLessThan(t.indexOf('PATCH') < 0 ? Infinity : t.indexOf('PATCH'));
    s.type('cart-api');
    s.press('enter');
    await s.waitFor(/succeeded: rolled back/, WAIT_MS);

    // T (suspend) on prod-eu's failing HelmRelease row (protected: the name typed)
    await selectProblem(s, 'prod-eu HelmRelease checkout/podinfo');
    s.press('T');
    t = await s.waitFor(/change: suspend HelmRelease checkout\/podinfo/, WAIT_MS);
    s.type('podinfo');
    s.press('enter');
    await s.waitFor(/succeeded: suspended/, WAIT_MS);
    await s.waitFor(/^prod-eu\s+HelmRelease\s+checkout\s+podinfo\s+Suspended/m, WAIT_MS);

    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 180_000);
});
