// Keys on screen as the tester pressed them on the built CLI (`node dist/cli.js demo` in a
// pty): shift-o in the Events view keeps only Warning events, at once and with a `/` filter;
// in :flux `l`, `e` and shift-f mean on a Kustomization what they mean in every view. And a
// start command naming a kind (`--context prod-eu --command ':xray deploy'`, against the sim
// served from its own process, with no discovery cache) waits for discovery and opens its view.
// Run `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, run, type Session, sessionsOfFile, startDemo } from './harness.js';

const STARTUP_MS = 60_000;
const WAIT_MS = 20_000;
const { track } = sessionsOfFile();

function demo(command: string, cols = 160, rows = 40): Session {
  return track(startDemo(['--command', command], { cols, rows }));
}

/** The table's rows: the lines between the header row and the footer. */
function rows(screen: string, header: RegExp): string[] {
  const lines = screen.split('\n');
  const at = lines.findIndex((l) => header.test(l));
  return lines.slice(at + 1, -2).filter((l) => l.trim() && !/^not whole:/.test(l));
}

describe('Events: shift-o warnings only', () => {
  it('O keeps only Warning rows at once, and with /Normal keeps none', async () => {
    const s = demo(':events');
    const header = /^CONTEXT\s+NAMESPACE\s+.*\bTYPE\b/;
    let t = await s.waitFor((x) => /^ events \[\d+\+?\]/m.test(x) && rows(x, header).some((r) => /\bNormal\b/.test(r)), STARTUP_MS);
    s.press('O');
    t = await s.waitFor((x) => /^ events \(warnings\) \[\d+\+?\]/m.test(x) && rows(x, header).length > 0 && rows(x, header).every((r) => /\bWarning\b/.test(r)), WAIT_MS);
    expect(t).toContain('events: warnings only');
    s.press('/');
    s.type('Normal');
    s.press('enter');
    t = await s.waitFor(/^ events \(warnings\) \[0\/\d+\+?\]/m, WAIT_MS);
    expect(rows(t, header).filter((r) => /\bNormal\b/.test(r))).toEqual([]);
    s.press('esc');
    // esc then O in one read is a terminal's SS3 sequence: O waits for the filter to be gone
    await s.waitFor(/^ events \(warnings\) \[\d+\+?\]/m, WAIT_MS);
    s.press('O');
    await s.waitFor((x) => /^ events \[\d+\+?\]/m.test(x) && rows(x, header).some((r) => /\bNormal\b/.test(r)), WAIT_MS);
  });
});

describe('Flux: a key means on a kind what it means in every view', () => {
  it('l on a Kustomization tails its inventory\'s pods (as in :ks), e its events; shift-f says force upgrade does not apply', async () => {
    const s = demo(':flux');
    await s.waitFor(/^ flux \[\d+\+?\]/m, STARTUP_MS);
    s.type("/'dev/flux-system/Kustomization/infrastructure");
    s.press('enter');
    await s.waitFor(/^ flux \[1\/\d+\+?\]/m, WAIT_MS);
    s.press('l');
    await s.waitFor(/^ logs kustomization\/infrastructure \[/m, WAIT_MS);
    s.press('esc');
    await s.waitFor(/^ flux \[1\/\d+\+?\]/m, WAIT_MS);
    s.press('e');
    await s.waitFor(/^ events kustomization\/infrastructure \[/m, WAIT_MS);
    s.press('esc');
    await s.waitFor(/^ flux \[1\/\d+\+?\]/m, WAIT_MS);
    s.press('F');
    const t = await s.waitFor('force upgrade: Kustomization is not a HelmRelease', WAIT_MS);
    expect(t).not.toContain('port-forward:');
  });
});

describe('a start command naming a kind waits for discovery, then opens its view', () => {
  let dir: string;
  let kubeconfig: string;
  let sim: ChildProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-start-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim = spawn(process.execPath, [resolve('dist/cli.js'), 'sim', '--kubeconfig-out', kubeconfig], { stdio: 'ignore' });
    for (let i = 0; i < 600 && !existsSync(kubeconfig); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(kubeconfig)).toBe(true);
  }, STARTUP_MS);
  afterAll(() => {
    sim?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ['deploy', 'ks']) {
    it(`--context prod-eu --command ':xray ${kind}' shows the xray view, not the pods table`, async () => {
      // a fresh cache directory: discovery is not read from an earlier run, the command runs before it lands
      const s = track(run(process.execPath, [resolve('dist/cli.js'), '--kubeconfig', kubeconfig, '--context', 'prod-eu', '--command', `:xray ${kind}`], { env: isolatedEnv(), cols: 160, rows: 40 }));
      const t = await s.waitFor(new RegExp(`^ xray ${kind} \\[[1-9]\\d*\\]`, 'm'), STARTUP_MS);
      expect(t).toMatch(kind === 'deploy' ? /Deployment\/checkout\/cart-api/ : /Kustomization\/flux-system\//);
      expect(t).not.toContain('waiting for discovery');
    });
  }
});
