// The text renderers' Paint for a shell: chalk colours (only on a terminal, see
// commandColours) and cluster text made safe for the terminal.
import type { ChalkInstance } from 'chalk';
import type { Paint } from '../model/triage-text.js';

/** Control characters (C0 but tab, DEL, C1) shown visibly instead of reaching the terminal. */
function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function chalkPaint(c: ChalkInstance): Paint {
  return {
    bad: (s) => c.red(s),
    good: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    muted: (s) => c.gray(s),
    bold: (s) => c.bold(s),
    text: visible,
  };
}
