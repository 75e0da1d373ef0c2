// The triage tools on the built CLI (`node dist/cli.js demo` in a pty): CPU/MEM columns from
// the sim's metrics.k8s.io. Run `npm run build` first.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Session, sessionsOfFile, startDemo } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 60_000;
const WAIT_MS = 30_000;
const { track } = sessionsOfFile();

function demo(cols: number, rows: number, extra: string[] = []): Session {
  const s = startDemo(extra, { cols, rows });
  return track(s);
}

describe('triage tools on demo', () => {
  it('pods, nodes and deployments show CPU/MEM from metrics.k8s.io', async () => {
    const s = demo(160, 40, ['--command', ':pods']);
    // sorted by name, the 71 pods put payments-api's below the fold: narrow to them first (the
    // test passed only when it caught a frame drawn before every pod was in)
    await s.waitFor(/pods \[\d+\+?\][\s\S]*\s1\/1\s+Running/, STARTUP_MS);
    s.type('/payments-api');
    s.press('enter');
    const t = await s.waitFor((x) => /\bCPU\s+MEM\s+AGE/.test(x) && /payments-api-\S+\s+1\/1\s+Running\s+\d+\s+\d+m\s+\d+Mi\s/.test(x), STARTUP_MS);
    expect(t).toMatch(/NAME\S*\s+READY\s+STATUS\s+RESTARTS\s+CPU\s+MEM\s+AGE/);
    s.type(':nodes');
    s.press('enter');
    await s.waitFor((x) => /CPU\s+%CPU\s+MEM\s+%MEM/.test(x) && /\d+m\s+\d+%\s+\d+Mi\s+\d+%/.test(x), WAIT_MS);
    s.type(':deploy');
    s.press('enter');
    await s.waitFor((x) => /CPU\s+MEM/.test(x) && /payments-api\s+.*\s\d+m\s+\d+Mi\s/.test(x), WAIT_MS);
  }, 180_000);
});

describe('shell, copy and secrets on demo', () => {
  it('s on a pod hands the terminal to a shell in it (resize included) and takes it back intact', async () => {
    const s = demo(120, 30, ['--command', ':pods']);
    await s.waitFor(/pods \[\d+\+?\][\s\S]*\s1\/1\s+Running/, STARTUP_MS);
    s.type("/'dev/payments/payments-api");
    s.press('enter');
    await s.waitFor(/pods \[\d+\/\d+\+?\][\s\S]*payments-api-\S+\s+1\/1\s+Running/, WAIT_MS);
    s.press('s');
    await s.waitFor(/fleetdeck: shell in dev payments\/payments-api-\S+ \(payments-api\)/, WAIT_MS);
    s.type('echo "sum=$((2+3)) host=$HOSTNAME"\r');
    let t = await s.waitFor(/sum=5 host=payments-api-/, WAIT_MS);
    expect(t).not.toMatch(/CONTEXT\s+NAMESPACE/);
    s.resize(100, 28);
    // the new size travels pty → fleetdeck (SIGWINCH) → the API → the container's terminal:
    // ask again until it has arrived
    for (let i = 0; ; i++) {
      s.type('stty size\r');
      const ok = await s.waitFor(/^28 100\s*$/m, 3000).then(() => true, () => false);
      if (ok) break;
      if (i === 9) throw new Error(`the resize never reached the shell:\n${await s.screenText()}`);
    }
    s.type('exit\r');
    t = await s.waitFor((x) => /NAME\S*\s+READY\s+STATUS/.test(x) && /shell in payments-api-\S+ ended/.test(x), WAIT_MS);
    expect(t).toMatch(/payments-a\S*\s+1\/1\s+Running/);
    // the TUI reads keys again after the hand-back
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
    expect(await s.restored()).toBe(true);
  }, 180_000);

  it('c copies the selected name over OSC 52; x on a Secret shows the decoded values', async () => {
    const s = demo(120, 30, ['--command', ':secrets']);
    await s.waitFor(/payments-db-credentials/, STARTUP_MS);
    s.type("/'dev/payments/payments-db-credentials");
    s.press('enter');
    await s.waitFor(/secrets \[1\/\d+\+?\]/, WAIT_MS);
    s.press('c');
    await s.waitFor(/copied the name payments-db-credentials to the clipboard/, WAIT_MS);
    expect(s.output()).toContain(`\u001b]52;c;${Buffer.from('payments-db-credentials').toString('base64')}\u0007`);
    s.press('y');
    let t = await s.waitFor(/password: ••••••/, WAIT_MS);
    expect(t).toContain('[masked]');
    s.press('x');
    t = await s.waitFor(/password: s3cr3t-dev/, WAIT_MS);
    expect(t).toMatch(/username: payments/);
    expect(t).toContain('[decoded]');
  }, 180_000);
});
