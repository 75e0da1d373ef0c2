// The text renderers' Paint for a shell: chalk colours (only on a terminal, see
// commandColours) and cluster text through the one sanitizer (src/model/sanitize.ts).
import type { ChalkInstance } from 'chalk';
import { termLine } from '../model/sanitize.js';
import type { Paint } from '../model/triage-text.js';


export function chalkPaint(c: ChalkInstance): Paint {
  return {
    bad: (s) => c.red(s),
    good: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    muted: (s) => c.gray(s),
    bold: (s) => c.bold(s),
    // the renderers sanitized it already (termLine is idempotent: it is applied again for writers that bypass them)
    text: (s) => termLine(s),
  };
}
