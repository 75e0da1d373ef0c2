// What the terminal fleetdeck runs on can do, read from the environment as ncurses programs
// do: TERM names the terminal type, the locale (LC_ALL, LC_CTYPE, LANG) its character set.
// On a bastion TERM may be unset or `dumb` and the locale plain C; the TUI then refuses with
// a message (TERM) or draws in ASCII (locale) instead of printing bytes the terminal garbles.

/**
 * Whether the locale's character set is UTF-8. The first non-empty of LC_ALL, LC_CTYPE and
 * LANG decides (POSIX precedence); none set is the C locale, which is ASCII.
 */
export function utf8Locale(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /\.utf-?8(@|$)/i.test(locale);
}

/** Terminal types that cannot address the cursor (terminfo: no `cup`), so no full-screen UI. */
const NOT_ADDRESSABLE = new Set(['dumb', 'unknown']);

/**
 * Why the full-screen UI cannot run on this terminal (a sentence for the user, naming what
 * to do), or undefined when it can. Only TERM is judged; a TERM without a terminfo entry is
 * drawn as an xterm, as blessed does.
 */
export function terminalProblem(env: NodeJS.ProcessEnv): string | undefined {
  const term = env.TERM?.trim();
  const alternatives = 'The line commands work without one: fleetdeck status | tree | logs | <action> --dry-run.';
  if (!term) {
    return `TERM is not set, so the terminal type is unknown and the full-screen UI cannot draw. Set it to your terminal's type (e.g. TERM=xterm-256color fleetdeck). ${alternatives}`;
  }
  if (NOT_ADDRESSABLE.has(term.toLowerCase())) {
    return `TERM=${term} cannot move the cursor, which the full-screen UI needs. Run it in a terminal emulator, or set TERM to its type (e.g. TERM=xterm-256color fleetdeck). ${alternatives}`;
  }
  return undefined;
}

/** A terminal fleetdeck cannot draw on: the CLI prints the message and exits 2. */
export class TerminalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerminalError';
  }
}

/**
 * One ASCII character per non-ASCII glyph the UI draws, for terminals whose locale is not
 * UTF-8 (one cell each, so columns stay aligned). Box and tree lines follow `tree
 * --charset=ascii`; the rest are the nearest look-alikes. Anything not listed is drawn as
 * `?` by blessed.
 */
export const ASCII_GLYPHS: Readonly<Record<string, string>> = {
  // context and health marks: ready/current, syncing, degraded, unreachable/failed, forbidden/limited, suspended
  '✓': '+', '●': '*', '▲': '!', '✗': 'x', '⊘': '/', '‖': '=', '⚠': '!',
  // lines and trees
  '─': '-', '│': '|', '├': '|', '└': '`', '┌': '+', '┐': '+', '┘': '+', '┤': '|', '┬': '+', '┴': '+', '┼': '+', '▏': '|',
  // trend sparkline, lowest to highest
  '▁': '_', '▂': '.', '▃': ',', '▄': '-', '▅': '~', '▆': '=', '▇': '+', '█': '#',
  // arrows, bullets, punctuation
  '→': '>', '←': '<', '↑': '^', '↓': 'v', '›': '>', '•': '*', '…': '~', '—': '-', '–': '-', '≥': '>', '≤': '<',
  'µ': 'u', 'μ': 'u', '·': '*', '°': '*',
};

/**
 * The table blessed's screen looks a non-ASCII cell up in when the terminal is not UTF-8
 * (its `tput.utoa`; a miss is drawn `?`): ASCII_GLYPHS over blessed's own. (blessed has
 * already turned each double-width character into `??` by then.)
 */
export function asciiFallback(blessedTable: Readonly<Record<string, string>>): Record<string, string> {
  return { ...blessedTable, ...ASCII_GLYPHS };
}
