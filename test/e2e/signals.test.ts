// The terminal is given back on every way out of the built CLI (`node dist/cli.js demo` in a
// pty): q, SIGINT, SIGTERM, SIGHUP (an SSH drop) and an uncaught exception, whose error is
// printed after the alternate screen is left, so it stays readable on the normal screen.
// The exception is a real one thrown inside the running process: a module preloaded with
// node's --import throws from a SIGUSR2 listener, so the product carries no test hook.
// Run `npm run build` first.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type Session, sessionsOfFile } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const EXIT_MS = 15_000;
const ALL_UP = /✓ dev ready\s+(✓ staging ready|⊘ staging (forbidden|limited))\s+✓ prod-eu ready/;
/** xterm's alternate screen off (what blessed writes when it lets the terminal go) */
const LEAVE_ALT = '\x1b[?1049l';
const CRASH = "process.on('SIGUSR2', () => { throw new Error('boom from a SIGUSR2 listener'); });";
const { track } = sessionsOfFile();

function demo(nodeArgs: string[] = []): Session {
  const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'fd-state-')), XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')) };
  const s = run(process.execPath, [...nodeArgs, CLI, 'demo'], { env, cols: 120, rows: 30 });
  return track(s);
}

const WAYS: { name: string; code: string; leave(s: Session): void }[] = [
  { name: 'q', code: '0', leave: (s) => s.press('q') },
  { name: 'SIGINT', code: '130', leave: (s) => s.kill('SIGINT') },
  { name: 'SIGTERM', code: '143', leave: (s) => s.kill('SIGTERM') },
  { name: 'SIGHUP (SSH drop)', code: '129', leave: (s) => s.kill('SIGHUP') },
];

describe('the terminal is restored on every way out', () => {
  it.each(WAYS)('$name: exits $code with the normal screen and the cursor back', async ({ code, leave }) => {
    const s = demo();
    await s.waitFor(ALL_UP, STARTUP_MS);
    await s.waitFor(/CONTEXT\s+STATE/, STARTUP_MS);
    expect(await s.restored()).toBe(false);
    leave(s);
    expect(await s.exit(EXIT_MS)).toBe(Number(code));
    expect(await s.restored()).toBe(true);
    // the UI is gone from the screen the shell gets back
    expect(await s.screenText()).not.toMatch(/CONTEXT\s+STATE/);
  }, 60_000);

  // closing the terminal itself (tmux kill-session, an SSH drop): the tty is gone, and exiting
  // through process.exit made Node's own tty reset abort with a native stack trace on stderr
  it('the terminal closed under it: the process ends by SIGHUP, no native abort on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-hup-'));
    const err = join(dir, 'stderr');
    const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'fd-state-')), XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')) };
    const s = track(run('/bin/sh', ['-c', `echo $$ > ${dir}/pid; exec "${process.execPath}" "${CLI}" demo 2>${err}`], { env, cols: 120, rows: 30 }));
    await s.waitFor(/CONTEXT\s+STATE/, STARTUP_MS);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    s.hangUp();
    const deadline = Date.now() + EXIT_MS;
    const alive = (): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
    expect(readFileSync(err, 'utf8')).not.toMatch(/Assertion failed|Native stack trace/);
  }, 60_000);

  it('an uncaught exception: restored first, then the error on the normal screen, exit 1', async () => {
    const s = demo(['--import', `data:text/javascript,${encodeURIComponent(CRASH)}`]);
    await s.waitFor(ALL_UP, STARTUP_MS);
    await s.waitFor(/CONTEXT\s+STATE/, STARTUP_MS);
    expect(await s.restored()).toBe(false);
    s.kill('SIGUSR2');
    expect(await s.exit(EXIT_MS)).toBe(1);
    expect(await s.restored()).toBe(true);
    const screen = await s.screenText();
    expect(screen).toContain('fleetdeck crashed: Error: boom from a SIGUSR2 listener');
    expect(screen).not.toMatch(/CONTEXT\s+STATE/);
    const out = s.output();
    expect(out.lastIndexOf(LEAVE_ALT)).toBeGreaterThan(-1);
    expect(out.indexOf('fleetdeck crashed')).toBeGreaterThan(out.lastIndexOf(LEAVE_ALT));
  }, 60_000);
});
