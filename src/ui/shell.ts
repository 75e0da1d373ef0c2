// The screen and its first frame, with nothing heavier than blessed loaded: the launcher
// paints the shell (header with every context connecting, footer) before it imports the app
// and the fleet/kube layer, which take most of the start-up time.
import blessed from 'blessed';
import type { Theme } from '../config/theme.js';
import { BADGE_ROLE, BADGE_SYMBOL } from './badges.js';
import { escapeTags, paint } from './style.js';
import { teachBlessedWidths, uncutLines } from './unicode.js';
import { termText } from '../model/sanitize.js';
import { asciiFallback, utf8Locale } from './terminal.js';

export interface ScreenOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** terminal type for blessed (tests) */
  terminal?: string;
  /** where the locale is read (default: process.env) */
  env?: NodeJS.ProcessEnv;
}

/** blessed prints terminfo parse errors to stderr over the UI; they are not fatal. */
function quietly<T>(fn: () => T): T {
  const write = process.stderr.write;
  const error = console.error;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  console.error = () => undefined;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
    console.error = error;
  }
}

/**
 * The blessed screen. Outside a UTF-8 locale every non-ASCII cell is drawn in ASCII
 * (asciiFallback: one character per cell, so columns hold), lines included. In a UTF-8 locale
 * every character is written as itself. Either way blessed's switch to the terminal's
 * alternate character set (ACS, which it used for lines and for ·, °, ±, ≤, ≥, ≠, £ in UTF-8
 * too) is off (brokenACS): many terminals garble it over SSH, and a screen capture (tmux
 * capture-pane) read the Problems title's `·` as the ACS code `~`.
 */
export function openScreen(opts: ScreenOptions): blessed.Widgets.Screen {
  teachBlessedWidths();
  const unicode = utf8Locale(opts.env ?? process.env);
  const screen = quietly(() =>
    blessed.screen({
      // wide characters drawn at their width (src/ui/unicode.ts); whether the terminal takes
      // UTF-8 at all is the locale's to say (utf8Locale), not blessed's own guess
      smartCSR: true, fullUnicode: true, autoPadding: false, warnings: false,
      input: opts.input as NodeJS.ReadableStream & { isTTY?: boolean }, output: opts.output as NodeJS.WritableStream, terminal: opts.terminal,
      title: 'fleetdeck', forceUnicode: unicode,
    } as unknown as blessed.Widgets.IScreenOptions),
  );
  const { tput } = screen as unknown as { tput: { utoa: Record<string, string>; brokenACS: boolean } };
  tput.brokenACS = true;
  if (!unicode) tput.utoa = asciiFallback(tput.utoa);
  atomicFrames(screen);
  return screen;
}

/** DEC private mode 2026, synchronized output: begin / end of one frame's update. */
export const SYNC_BEGIN = '\x1b[?2026h';
export const SYNC_END = '\x1b[?2026l';

/**
 * Each frame blessed writes is bracketed by synchronized-output marks, so a terminal that knows
 * mode 2026 (kitty, WezTerm, iTerm2, foot, Windows Terminal, xterm.js, tmux 3.4+) shows it whole
 * instead of tearing as a slow SSH link delivers it in pieces; terminals that do not know the
 * mode ignore it (an unknown DEC private mode is a no-op by ECMA-48). A draw that writes nothing
 * writes no marks.
 */
function atomicFrames(screen: blessed.Widgets.Screen): void {
  type Program = { _write(text: string): unknown };
  const target = screen as unknown as { program: Program; draw(start: number, end: number): void };
  const draw = target.draw;
  target.draw = function drawAtomic(start, end) {
    const program = target.program;
    const write = program._write;
    let opened = false;
    program._write = (text) => {
      if (!opened) {
        opened = true;
        write.call(program, SYNC_BEGIN);
      }
      return write.call(program, text);
    };
    try {
      draw.call(this, start, end);
    } finally {
      program._write = write;
      if (opened) write.call(program, SYNC_END);
    }
  };
}

/** Paints the header (every context connecting) and a footer; returns what takes the shell down. */
export function paintShell(screen: blessed.Widgets.Screen, theme: Theme, contexts: string[]): () => void {
  const base = { tags: true, wrap: false } as const;
  const width = (screen.width as number) || 80;
  let line1 = paint(theme, 'header.title', ' fleetdeck ');
  let used = 11;
  for (const c of contexts) {
    const text = ` ${BADGE_SYMBOL.syncing} ${c} connecting `;
    if (used + text.length > width) {
      line1 += escapeTags(' …');
      break;
    }
    line1 += paint(theme, BADGE_ROLE.syncing, text);
    used += text.length;
  }
  const header = blessed.box({ parent: screen, top: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.header, content: line1 });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.footer, content: paint(theme, 'footer.hint', ' starting…') });
  uncutLines(header);
  uncutLines(footer);
  screen.render();
  return () => {
    header.detach();
    footer.detach();
  };
}

/**
 * Node writes its process warnings (a deprecation, an experimental feature) to stderr, which
 * is the terminal, over the frame: the single executable bundles blessed-contrib's `new
 * Buffer()` (DEP0005, which Node keeps quiet about only for code under node_modules) and the
 * Pulses view's first chart printed it across the screen. While the screen is up they are
 * held; once it is gone (quit, signal, crash) Node's own printing is put back and each held
 * warning is written, so none is lost. Node prints them through a 'warning' listener of its
 * own, installed unless --no-warnings.
 */
function holdWarnings(screen: blessed.Widgets.Screen): void {
  const printers = process.listeners('warning');
  const held: string[] = [];
  const hold = (w: Error): void => {
    held.push(`${w.name}: ${w.message}`);
  };
  process.removeAllListeners('warning');
  process.on('warning', hold);
  screen.once('destroy', () => {
    process.off('warning', hold);
    for (const p of printers) process.on('warning', p);
    for (const w of held) process.stderr.write(termText(`fleetdeck: a warning while the screen was up: ${w}\n`));
  });
}

/** Leaves the terminal usable on signals and crashes: alternate screen off, cursor shown. */
export function installTerminalGuards(screen: blessed.Widgets.Screen): () => void {
  holdWarnings(screen);
  const restore = (): void => {
    try {
      screen.destroy();
    } catch {
      // the screen may already be half torn down; the process is leaving anyway
    }
  };
  const signals: [NodeJS.Signals, number][] = [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]];
  const handlers = signals.map(([sig, code]) => {
    const h = (): void => {
      restore();
      if (sig === 'SIGHUP') {
        // the terminal hung up (an SSH session dropped, the pane closed): process.exit would
        // run Node's own tty reset, which aborts with a native stack trace on a terminal that
        // is gone (tcsetattr: EIO). Die of the signal as a process without a handler does
        // (exit status 129 to the shell).
        process.off(sig, h);
        process.kill(process.pid, sig);
        return;
      }
      process.exit(code);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  const crash = (err: unknown): void => {
    restore();
    process.stderr.write(termText(`fleetdeck crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}
