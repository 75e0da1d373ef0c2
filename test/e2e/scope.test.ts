// The `:` line's scope words on the built CLI in a pty: `:ctx NAME` selects contexts at once
// (k9s switches; the picker opens only without a name), `:ns NAME` sets the namespace, and a
// table narrowed by its line (`:pods dev checkout`) says so in the header. Run `npm run build` first.
import { describe, expect, it } from 'vitest';
import { type Session, sessionsOfFile, startDemo } from './harness.js';

const STARTUP_MS = 60_000;
const WAIT_MS = 30_000;
const { track } = sessionsOfFile();

const command = (s: Session, line: string) => {
  s.type(line);
  s.press('enter');
};

describe('scope words on the command line', () => {
  it(':ctx NAME selects at once, an unknown name is an error, :ns NAME sets the namespace, :pods CTX NS shows its scope', async () => {
    const s = startDemo([], { cols: 200, rows: 40 });
    track(s);
    await s.waitFor(/CONTEXT\s+STATE\s+LATENCY/, STARTUP_MS);
    await s.waitFor(/dev ready.*prod-eu ready/, STARTUP_MS);

    command(s, ':ctx prod-eu');
    // the header's badges are the selection: prod-eu alone, and no picker opened
    let t = await s.waitFor((x) => /contexts: prod-eu/.test(x) && !/\bdev (ready|syncing)/.test(x.split('\n')[0]), WAIT_MS);
    expect(t).not.toMatch(/\[x\]/);

    command(s, ':ctx nosuch');
    await s.waitFor(/ctx: no context named nosuch \(the kubeconfig has dev, staging, prod-eu\)/, WAIT_MS);

    command(s, ':ns checkout');
    await s.waitFor(/ns:checkout/, WAIT_MS);

    // a context the line names is covered even though only prod-eu is selected
    command(s, ':pods dev payments');
    t = await s.waitFor((x) => /ctx:dev\s+ns:payments/.test(x) && /payments-api-\S+/.test(x), WAIT_MS);
    expect(t).not.toMatch(/cart-api-/);

    command(s, ':ns all');
    command(s, ':ctx');
    // every kubeconfig context, each with the header's badge: the selected one checked
    await s.waitFor(/\[x\] ✓ prod-eu/, WAIT_MS);
    s.press('esc');
    await s.waitFor((x) => !/\[x\] ✓ prod-eu/.test(x), WAIT_MS);
    command(s, ':q');
    expect(await s.exit(10_000)).toBe(0);
  }, 180_000);
});
