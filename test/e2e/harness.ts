// Runs a command in a pseudo-terminal and reads its screen back through a real terminal
// emulator (@xterm/headless): keys in, visible text out, waits by condition with a deadline.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import xterm from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { afterEach, beforeAll } from 'vitest';

const KEYS: Record<string, string> = {
  enter: '\r', esc: '\x1b', tab: '\t', backspace: '\x7f', space: ' ',
  up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D',
  home: '\x1b[H', end: '\x1b[F', pageup: '\x1b[5~', pagedown: '\x1b[6~',
};

/** 'ctrl-c' → \x03, 'enter' → \r; anything else is sent as typed. */
export function keyBytes(name: string): string {
  if (KEYS[name]) return KEYS[name];
  const ctrl = /^ctrl-([a-z])$/.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1].charCodeAt(0) - 96);
  return name;
}

export interface Session {
  screenText(): Promise<string>;
  /** the screen cell by cell: each row's cells' characters ('' for the right half of a wide character) */
  cells(): Promise<string[][]>;
  /** every title the program set (OSC 0/2), in order */
  titles(): string[];
  waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** named keys ('enter', 'ctrl-c') or literal text, each sent as its own write */
  press(...keys: string[]): void;
  type(text: string): void;
  resize(cols: number, rows: number): void;
  kill(signal: NodeJS.Signals): void;
  /** closes the pty's master, as a dropped SSH session or a closed terminal does (the app gets SIGHUP, its tty EIO) */
  hangUp(): void;
  /** the exit status as a shell reports it: the code, or 128 + the signal that ended the process */
  exit(timeoutMs?: number): Promise<number>;
  /** alternate screen left and cursor visible */
  restored(): Promise<boolean>;
  output(): string;
}

/**
 * env: added to this process's environment with TERM=xterm-256color and a UTF-8 locale (the
 * screens asserted hold ✓, ─ ...). For an exact environment run `/usr/bin/env -i VAR=... CMD`.
 */
export function run(file: string, args: string[], opts: { cols?: number; rows?: number; env?: Record<string, string>; cwd?: string } = {}): Session {
  const cols = opts.cols ?? 120;
  const rows = opts.rows ?? 30;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  let cursorHidden = false;
  // DECTCEM: CSI ?25l hides the cursor, CSI ?25h shows it
  term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (p) => ((cursorHidden ||= p.includes(25)), false));
  term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (p) => (p.includes(25) && (cursorHidden = false), false));
  const titles: string[] = [];
  term.onTitleChange((t) => titles.push(t));
  let raw = '';
  const pty: IPty = spawn(file, args, { name: 'xterm-256color', cols, rows, cwd: opts.cwd ?? process.cwd(), env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '', ...opts.env } as Record<string, string> });
  let exitCode: number | undefined;
  const exited = new Promise<number>((res) => pty.onExit(({ exitCode: c, signal }) => { exitCode = signal ? 128 + signal : c; res(exitCode); }));
  pty.onData((d) => {
    raw += d;
    term.write(d);
  });
  // Everything written so far parsed, and no frame half drawn: the app brackets each frame with
  // synchronized-output marks (mode 2026), and a pty may deliver a frame in several reads
  const whole = async (): Promise<void> => {
    const until = Date.now() + 2000;
    for (;;) {
      await new Promise<void>((res) => term.write('', res));
      if (!term.modes.synchronizedOutputMode || exitCode !== undefined || Date.now() > until) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const screenText = async (): Promise<string> => {
    await whole();
    const b = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < term.rows; i++) out.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return out.join('\n');
  };
  const cells = async (): Promise<string[][]> => {
    await whole();
    const b = term.buffer.active;
    const out: string[][] = [];
    for (let i = 0; i < term.rows; i++) {
      const line = b.getLine(b.viewportY + i);
      const row: string[] = [];
      for (let x = 0; x < term.cols; x++) row.push(line?.getCell(x)?.getChars() ?? '');
      out.push(row);
    }
    return out;
  };
  return {
    screenText,
    cells,
    titles: () => [...titles],
    async waitFor(what, timeoutMs = 5000) {
      const test = typeof what === 'string' ? (s: string) => s.includes(what) : what instanceof RegExp ? (s: string) => what.test(s) : what;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await screenText();
        if (test(s)) return s;
        if (Date.now() > deadline || exitCode !== undefined) {
          throw new Error(`waited ${timeoutMs} ms for ${String(what)}${exitCode !== undefined ? ` (exited ${exitCode})` : ''}; screen:\n${s}`);
        }
        await new Promise((r) => setTimeout(r, 15));
      }
    },
    press(...keys) {
      for (const k of keys) pty.write(keyBytes(k));
    },
    type(text) {
      pty.write(text);
    },
    resize(c, r) {
      pty.resize(c, r);
      term.resize(c, r);
    },
    kill(signal) {
      pty.kill(signal);
    },
    hangUp() {
      // node-pty's UnixTerminal closes its master on destroy (not in its typings)
      (pty as unknown as { destroy(): void }).destroy();
    },
    async exit(timeoutMs = 5000) {
      // the screen it hung on says where (a dialog still open, a close that never finished)
      const timer = new Promise<number>((_, rej) => setTimeout(() => void screenText().then((t) => rej(new Error(`process did not exit in ${timeoutMs} ms; screen:\n${t}`))), timeoutMs).unref());
      return Promise.race([exited, timer]);
    },
    async restored() {
      await screenText();
      return term.buffer.active.type === 'normal' && !cursorHidden;
    },
    output: () => raw,
  };
}

/** Fresh state and config directories, so a test never reads this machine's fleetdeck files. */
export function isolatedEnv(): Record<string, string> {
  return { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'fd-state-')), XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')), XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'fd-cache-')) };
}

/** `node dist/cli.js demo ARGS` in a pty of cols×rows with an isolated environment. */
export function startDemo(args: string[] = [], opts: { cols?: number; rows?: number } = {}): Session {
  return run(process.execPath, [resolve('dist/cli.js'), 'demo', ...args], { env: isolatedEnv(), ...opts });
}

/**
 * The pty sessions of one test file: before its tests, dist/cli.js must be built; after each
 * test, every session it tracked is killed. `track(s)` returns `s`.
 */
export function sessionsOfFile(): { track(s: Session): Session } {
  let sessions: Session[] = [];
  beforeAll(() => {
    if (!existsSync(resolve('dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });
  afterEach(() => {
    for (const s of sessions) s.kill('SIGKILL');
    sessions = [];
  });
  return {
    track(s) {
      sessions.push(s);
      return s;
    },
  };
}
