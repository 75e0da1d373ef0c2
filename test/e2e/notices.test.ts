// Issue 20 cases 1 and 3 on a real screen: the demo's staging context belongs to a user denied
// Secrets and the kube-system namespace (src/sim/scenarios/demo.ts). The real CLI in a pty must
// say so where the numbers are: the Fleet row's cells over the kinds it cannot see whole are
// `?` and its PROBLEMS a lower bound (`N+`); the Problems view's title is a lower bound and a
// "not whole: …" line names staging's gap; `:secrets` ends its rows with the notice that
// staging's Secrets are forbidden — never a silent partial list.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionsOfFile, startDemo } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const WAIT_MS = 30_000;

const { track } = sessionsOfFile();

describe('knowledge-state notices on the demo, in a pty', () => {
  it("staging's forbidden kinds: '?' Fleet cells and 'N+', a 'not whole' line under Problems, the Secrets notice under :secrets", async () => {
    const s = startDemo([], { cols: 200, rows: 40 });
    track(s);
    // Fleet: staging's user may not read kube-system, so its pods/workloads/Flux/CRs counts are unknown
    // (once dev's row is filled: at start every row is '?' because nothing is listed yet)
    const fleet = await s.waitFor((x) => /^\s?\*?dev\s+ready\s.*\s\d+ bad\s/m.test(x) && /staging limited/.test(x) && /^\s?\*?staging\s+ready\s.*\?\s+\?\s+\?\s+\?\s+\d+\+\s/m.test(x), STARTUP_MS);
    expect(fleet).not.toMatch(/^\s?\*?staging\s+ready\s.*\s0 bad\s/m);

    // Problems: a lower bound in the title, and the gap named under the rows
    s.press('1');
    const problems = await s.waitFor((x) => /problems \[\d+\+(?:, \d+ failed)? · [^\]]*forbidden/.test(x) && /^not whole: .*staging: .*forbidden in .*kube-system/m.test(x), WAIT_MS);
    expect(problems).not.toMatch(/no problems: everything watched is Current/);

    // :secrets: dev's and prod-eu's are listed, staging's are forbidden and the table says so
    s.type(':secrets');
    s.press('enter');
    const secrets = await s.waitFor((x) => /^not whole: .*secrets in staging: forbidden/m.test(x) && /^\s*dev\s+\S+\s+\S+/m.test(x), WAIT_MS);
    expect(secrets).not.toMatch(/^\s*staging\s+\S+\s+\S+.*Opaque/m);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 120_000);
});
