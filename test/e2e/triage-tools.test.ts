// The triage tools on the built CLI (`node dist/cli.js demo` in a pty): CPU/MEM columns from
// the sim's metrics.k8s.io. Run `npm run build` first.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, type Session } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const WAIT_MS = 20_000;
let sessions: Session[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
});

afterEach(() => {
  for (const s of sessions) s.kill('SIGKILL');
  sessions = [];
});

function demo(cols: number, rows: number, extra: string[] = []): Session {
  const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'fd-state-')), XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')) };
  const s = run(process.execPath, [CLI, 'demo', ...extra], { env, cols, rows });
  sessions.push(s);
  return s;
}

describe('triage tools on demo', () => {
  it('pods, nodes and deployments show CPU/MEM from metrics.k8s.io', async () => {
    const s = demo(160, 40, ['--command', ':pods']);
    const t = await s.waitFor((x) => /\bCPU\s+MEM\s+AGE/.test(x) && /payments-api-\S+\s+1\/1\s+Running\s+\d+\s+\d+m\s+\d+(\.\d)?Mi\s/.test(x), STARTUP_MS);
    expect(t).toMatch(/NAME\S*\s+READY\s+STATUS\s+RESTARTS\s+CPU\s+MEM\s+AGE/);
    s.type(':nodes');
    s.press('enter');
    await s.waitFor((x) => /CPU\s+%CPU\s+MEM\s+%MEM/.test(x) && /\d+m\s+\d+%\s+\d+(\.\d)?[MG]i\s+\d+%/.test(x), WAIT_MS);
    s.type(':deploy');
    s.press('enter');
    await s.waitFor((x) => /CPU\s+MEM/.test(x) && /payments-api\s+.*\s\d+m\s+\d+(\.\d)?[MG]i\s/.test(x), WAIT_MS);
  }, 90_000);
});
