// The incident playbook on the built CLI (`node dist/cli.js demo` in a pty), on prod-eu's
// checkout/cart-api (CrashLoopBackOff after a bad rollout: revision 3 bad, revision 2 good):
// its logs merge every pod, the crashing one's fatal lines included, and a regex narrows them;
// rolled back from the history view through the confirm dialog (template diff, the name typed
// on a protected context) it becomes healthy. Run `npm run build` first.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type Session, sessionsOfFile } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const WAIT_MS = 20_000;
/** a rollout in the simulated cluster: new pods scheduled, started and ready, old ones gone */
const ROLLOUT_MS = 60_000;
let stateDir = '';
const { track } = sessionsOfFile();

function demo(cols: number, rows: number): Session {
  stateDir = mkdtempSync(join(tmpdir(), 'fd-state-'));
  const env = { XDG_STATE_HOME: stateDir, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')) };
  const s = run(process.execPath, [CLI, 'demo'], { env, cols, rows });
  return track(s);
}

const PROD_ROW = /^prod-eu\s+checkout\s+cart-api\s+(\d+\/\d+)\s+(\d+)\s+(\d+)\s/m;

/** `:deploy`, filtered to cart-api, with the prod-eu row selected. */
async function selectProdCartApi(s: Session): Promise<string> {
  await s.waitFor(/CONTEXT\s+STATE\s+LATENCY/, STARTUP_MS);
  s.type(':deploy');
  s.press('enter');
  await s.waitFor(/deployments \[\d+\+?\]/, WAIT_MS);
  s.type('/cart-api');
  s.press('enter');
  const t = await s.waitFor((x) => /deployments \[3\/\d+\+?\]/.test(x) && ['dev', 'staging', 'prod-eu'].every((c) => new RegExp(`^${c}\\s+checkout\\s+cart-api\\s`, 'm').test(x)), WAIT_MS);
  const rows = t.split('\n').filter((l) => /^(dev|staging|prod-eu)\s+checkout\s+cart-api\s/.test(l));
  const at = rows.findIndex((l) => l.startsWith('prod-eu'));
  for (let i = 0; i < at; i++) s.press('down');
  return t;
}

/** pod name of each log line's prefix (context/pod/container) on the screen */
function podsOf(screen: string): string[] {
  return [...screen.matchAll(/^prod-eu\/(cart-api-[a-z0-9]+-[a-z0-9]{5})\/cart-api /gm)].map((m) => m[1]);
}

/** the containers' lines on the screen (the engine's "— pod X ended —" notices pass every filter) */
const logLines = (screen: string): string[] => screen.split('\n').filter((l) => /^prod-eu\/cart-api-/.test(l) && !/ — pod \S+ ended —$/.test(l.trimEnd()));

describe('cart-api on prod-eu: logs and rollback', () => {
  it('l merges the lines of all its pods, the crashing one included; a regex filter narrows them', async () => {
    const s = demo(160, 50);
    await selectProdCartApi(s);
    s.press('l');
    // 3 pods of the good ReplicaSet and the new one crashing
    let t = await s.waitFor((x) => /logs deployment\/cart-api \[\d+\/\d+ \| 4 pods \| 4\/4 streams\]/.test(x) && new Set(podsOf(x)).size >= 2, WAIT_MS);
    const total = () => Number(/logs deployment\/cart-api \[\d+\/(\d+)/.exec(t)?.[1]);
    expect(total(), t).toBeGreaterThan(0);

    // every pod's start, and the crashing container's last words
    s.type('/FATAL|starting');
    s.press('enter');
    t = await s.waitFor((x) => /filter:\/FATAL\|starting/.test(x) && new Set(podsOf(x)).size >= 4 && /FATAL unable to start server/.test(x), WAIT_MS);
    const shown = Number(/logs deployment\/cart-api \[(\d+)\/(\d+)/.exec(t)![1]);
    // each expectation below carries the screen, so a failure shows what was drawn
    expect(shown, t).toBeLessThan(total());
    for (const l of logLines(t)) expect(l, t).toMatch(/FATAL|starting/);
    const crashing = /^prod-eu\/(cart-api-[a-z0-9]+-[a-z0-9]{5})\/cart-api FATAL unable to start server/m.exec(t)![1];
    expect(t, t).toContain(`prod-eu/${crashing}/cart-api INFO  starting cart-api version=1.6.0-bad`);
    const healthy = [...new Set(podsOf(t))].filter((p) => p !== crashing);
    expect(healthy.length, t).toBeGreaterThanOrEqual(3);
    for (const p of healthy) expect(t, t).toContain(`prod-eu/${p}/cart-api INFO  starting cart-api version=1.5.0`);

    // a narrower regex: only the crashing pod's errors are left
    s.type('/FATAL|database\\.url');
    s.press('enter');
    t = await s.waitFor((x) => /filter:\/FATAL\|database\\\.url/.test(x) && /config key "database\.url" is required/.test(x), WAIT_MS);
    expect(new Set(podsOf(t)), t).toEqual(new Set([crashing]));
    for (const l of logLines(t)) expect(l, t).toMatch(/FATAL unable to start server|ERROR failed to initialise: config key "database\.url" is required/);

    // q only leaves a sub-view now (k9s); :q quits from anywhere
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 90_000);

  it('rolled back to revision 2 from the history view (diff, typed name on prod-eu) it becomes healthy', async () => {
    const s = demo(160, 50);
    let t = await selectProdCartApi(s);
    // the bad rollout stuck: one new pod crashing, the old ReplicaSet still serving
    expect(PROD_ROW.exec(t)?.slice(1)).toEqual(['3/3', '1', '3']);

    s.press('h');
    t = await s.waitFor((x) => /history deployment\/cart-api \[3 revisions\]/.test(x) && /^\s*\*\s+3\s.*cart-api:1\.6\.0-bad/m.test(x) && /^\s+2\s.*cart-api:1\.5\.0/m.test(x), WAIT_MS);
    expect(t).toMatch(/^\s+1\s.*cart-api:1\.4\.0/m);
    s.press('down');
    s.press('B');
    t = await s.waitFor(/confirm rollback/, WAIT_MS);
    expect(t).toContain('prod-eu / checkout / Deployment cart-api');
    expect(t).toContain('PATCH /apis/apps/v1/namespaces/checkout/deployments/cart-api');
    // the template diff sits below the patch: page down to it
    s.press('pagedown', 'pagedown', 'pagedown');
    t = await s.waitFor((x) => /-\s+- image: ghcr\.io\/acme\/cart-api:1\.6\.0-bad/.test(x) && /\+\s+- image: ghcr\.io\/acme\/cart-api:1\.5\.0/.test(x), WAIT_MS);
    expect(t).toContain('change: roll back Deployment checkout/cart-api to revision 2');
    expect(t).toContain('type "cart-api" to confirm:');

    // protected: enter alone does nothing but say what to type
    s.press('enter');
    await s.waitFor('type "cart-api" to confirm, esc to cancel', WAIT_MS);
    s.type('cart-api');
    await s.waitFor('type "cart-api" to confirm: cart-api', WAIT_MS);
    s.press('enter');

    // the history view follows the rollout to its end; the running revision is the good template
    t = await s.waitFor((x) => /rollback to revision 2 complete/.test(x) && /^\s*\*\s+4\s.*cart-api:1\.5\.0/m.test(x), ROLLOUT_MS);
    expect(t).not.toMatch(/stalled/);
    expect(t).toMatch(/history deployment\/cart-api \[3 revisions\]/);

    // healthy: gone from the problems, every replica on the rolled-back template
    s.press('1');
    t = await s.waitFor((x) => /problems \[\d+/.test(x) && /^prod-eu\s+Cluster\s+databases\s+payments-db\s/m.test(x), WAIT_MS);
    expect(t).not.toMatch(/^prod-eu\s+(Deployment|ReplicaSet)\s+checkout\s+cart-api/m);
    s.type(':deploy');
    s.press('enter');
    await s.waitFor((x) => PROD_ROW.exec(x)?.slice(1).join(' ') === '3/3 3 3', WAIT_MS);

    // q only leaves a sub-view now (k9s); :q quits from anywhere
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
    const audit = readFileSync(join(stateDir, 'fleetdeck', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { context: string; action: string });
    expect(audit.map((a) => `${a.context} ${a.action}`)).toContain('prod-eu rollback');
  }, 120_000);
});
