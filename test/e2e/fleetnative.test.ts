// The triage views on the built CLI (`node dist/cli.js demo` in a pty): `c` on cart-api's
// Problems row compares it across the three contexts with prod-eu's bad image marked; `o` on
// a Flux-applied pod traces it to its Kustomization and GitRepository with the revision;
// `3` opens the changes timeline with prod-eu's cart-api rollout and staging's failing
// Kustomization revision. Run `npm run build` first.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Session, sessionsOfFile, startDemo } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const WAIT_MS = 30_000;
const { track } = sessionsOfFile();

function demo(cols: number, rows: number, command?: string): Session {
  const s = startDemo(command ? ['--command', command] : [], { cols, rows });
  return track(s);
}

describe('compare, trace and changes views on the demo', () => {
  it("v on cart-api's Problems row: side by side, prod-eu's image marked as the difference", async () => {
    const s = demo(200, 40);
    await s.waitFor(/CONTEXT\s+STATE\s+LATENCY/, STARTUP_MS);
    s.press('1');
    await s.waitFor(/^prod-eu\s+Deployment\s+checkout\s+cart-api\s+Failed/m, WAIT_MS);
    // walk down to cart-api's row: the selected problem's whole reason shows under the table.
    // One key in flight: the next only once the detail names another object (a key every
    // 150 ms walked past cart-api under load, the screen read between two of its frames)
    const selected = /^prod-eu Deployment checkout\/cart-api: /m;
    const detail = (x: string): string | undefined => /^((?:dev|staging|prod-eu) \S+ \S+): /m.exec(x)?.[1];
    for (let i = 0; i < 40; i++) {
      const before = await s.screenText();
      if (selected.test(before)) break;
      s.press('down');
      await s.waitFor((x) => detail(x) !== detail(before), WAIT_MS);
    }
    await s.waitFor(selected, WAIT_MS);
    s.press('v');
    const t = await s.waitFor((x) => /compare deployments\/cart-api/.test(x) && /^≠\s+image cart-api\s+ghcr\.io\/acme\/cart-api:1\.5\.0\s+ghcr\.io\/acme\/cart-api:1\.5\.0\s+ghcr\.io\/acme\/cart-api:1\.6\.0-bad/m.test(x), WAIT_MS);
    expect(t).toMatch(/Deployment checkout\/cart-api: DIFFERS across contexts/);
    expect(t).toMatch(/^\s+FIELD\s+dev\s+staging\s+prod-eu/m);
    expect(t).toMatch(/≠ spec\.template\.spec\.containers\[name=cart-api\]\.image/);
    // esc goes back to the problems
    s.press('esc');
    await s.waitFor(/problems \[\d+/, WAIT_MS);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 120_000);

  it('o on a pod of the Flux-applied payments-api: Pod → ReplicaSet → Deployment → Kustomization → GitRepository with the revision', async () => {
    const s = demo(280, 50, ':pods prod-eu payments');
    await s.waitFor(/payments-api-\S+/, STARTUP_MS);
    s.type('/-l app=payments-api');
    s.press('enter');
    // the filter has taken: only payments-api pods are listed
    await s.waitFor((x) => /filter:\/-l app=payments-api/.test(x) && /payments-api-\S+/.test(x) && !/nightly-reconcile|ledger-worker/.test(x), WAIT_MS);
    s.press('o');
    const t = await s.waitFor((x) => /^prod-eu: Pod\/payments\/payments-api-\S+ → ReplicaSet\/payments\/payments-api-\S+ → Deployment\/payments\/payments-api → Kustomization\/flux-system\/apps → GitRepository\/flux-system\/flux-system @ main@sha1:[0-9a-f]{40}/m.test(x), WAIT_MS);
    expect(t).toMatch(/^Kustomization:\s+apps\s+\(by its labels\)/m);
    expect(t).toMatch(/^URL:\s+https:\/\/github\.com\/acme\/fleet-gitops/m);
    expect(t).toMatch(/^Revision:\s+main@sha1:[0-9a-f]{40}/m);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 120_000);

  it("3: the changes timeline with prod-eu's cart-api rollout; / filters; enter traces the row", async () => {
    const s = demo(240, 60);
    await s.waitFor(/CONTEXT\s+STATE\s+LATENCY/, STARTUP_MS);
    s.press('3');
    await s.waitFor(/changes \[\d+\+?\]/, WAIT_MS);
    s.type('/rollout');
    s.press('enter');
    let t = await s.waitFor(/prod-eu\s+Deployment\/checkout\/cart-api\s+rollout\s+revision 2 → 3: image cart-api: ghcr\.io\/acme\/cart-api:1\.5\.0 → ghcr\.io\/acme\/cart-api:1\.6\.0-bad/, WAIT_MS);
    expect(t).toMatch(/AGE\s+TIME\s+CONTEXT\s+OBJECT\s+CHANGE\s+WHAT/);
    // staging's user is denied kube-system: the view says so instead of showing less silently
    await s.waitFor(/not read: .*staging: .*forbidden in kube-system/, WAIT_MS);
    // enter traces the row's object
    s.press('enter');
    await s.waitFor(/^prod-eu: Deployment\/checkout\/cart-api/m, WAIT_MS);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 120_000);
});
