// The built CLI (`node dist/cli.js demo`: the simulated fleet in-process) in a pty, its screen
// read back through @xterm/headless. Run `npm run build` first. User config and the audit log
// go to temp dirs (XDG_CONFIG_HOME, XDG_STATE_HOME), so nothing leaks into the user's home.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type Session, sessionsOfFile } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
let env: Record<string, string> = {};
const { track } = sessionsOfFile();

function demo(args: string[] = [], opts: { cols?: number; rows?: number } = {}): Session {
  env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'fd-state-')), XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')) };
  const s = run(process.execPath, [CLI, 'demo', ...args], { env, ...opts });
  return track(s);
}

/** The header's badges once every context is discovered (staging's user is denied Secrets and kube-system: limited). */
const ALL_UP = /✓ dev ready\s+⊘ staging limited\s+✓ prod-eu ready/;

async function command(s: Session, line: string, until: string | RegExp, ms = 10_000): Promise<string> {
  s.type(line);
  s.press('enter');
  return s.waitFor(until, ms);
}

/** Narrows the Flux view to one object by an exact-substring filter over ctx/ns/kind/name. */
async function only(s: Session, context: string, kind: string, name: string): Promise<void> {
  // an esc right before '/' would read as alt-/: start from an unfiltered, settled view
  await s.waitFor(/flux \[\d+\+?\]/);
  s.type(`/'${context}/flux-system/${kind}/${name}`);
  s.press('enter');
  await s.waitFor(/flux \[1\/\d+\+?\]/);
}

function auditLines(): { context: string; action: string }[] {
  const file = join(env.XDG_STATE_HOME, 'fleetdeck', 'audit.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { context: string; action: string }) : [];
}

const row = (context: string, name: string, suspended: 'True' | 'False') =>
  new RegExp(`Kustomization\\s+${context}\\s+flux-system/${name}\\s+\\w+\\s+${suspended}`);

describe('fleetdeck demo in a pty', () => {
  it('opens ready on the fleet, lists pods across contexts, filters, Flux and CRD kinds, yaml, describe, help, resize, quit', async () => {
    const s = demo();
    let t = await s.waitFor(ALL_UP, STARTUP_MS);
    // the start view resolves once discovery lands: no "not known yet" is left on screen
    t = await s.waitFor(/CONTEXT\s+STATE/);
    expect(t).not.toContain('not known yet');
    for (const c of ['dev', 'staging', 'prod-eu']) expect(t).toMatch(new RegExp(`\\*${c}\\s+ready`));

    // CPU and MEM come from the sim's metrics.k8s.io; at 120 columns IP and NODE give way
    // (their declared drop rank) so that whole pod names fit
    t = await command(s, ':pods', /CONTEXT\s+NAMESPACE\s+NAME\S*\s+READY\s+STATUS\s+RESTARTS\s+CPU\s+MEM\s+AGE/);
    // the header can be on screen a frame before the rows below it are (seen once under load:
    // the screen read mid-frame, the tenth row half drawn)
    t = await s.waitFor(/checkout-web-[a-z0-9]+-[a-z0-9]{5}\s/);
    await s.waitFor((x) => ['dev', 'staging', 'prod-eu'].every((c) => new RegExp(`^${c}\\s`, 'm').test(x)));
    const total = Number(/pods \[(\d+)\+?\]/.exec(await s.screenText())?.[1]);
    expect(total).toBeGreaterThan(10);

    s.type('/prod-eu');
    s.press('enter');
    // the filtered title and rows come in one frame, but the screen can be read mid-frame (a
    // clean-clone run saw the new title over the old rows): wait for the rows to follow
    t = await s.waitFor((x) => /pods \[\d+\/\d+\+?\]/.test(x) && !/^(dev|staging)\s/m.test(x));
    expect(t).toMatch(/^prod-eu\s/m);
    s.press('esc');
    await s.waitFor(/pods \[\d+\+?\]/);

    t = await command(s, ':ks', /kustomizations \[\d+\+?\]/);
    expect(t).toMatch(/READY\s+SUSPENDED\s+REVISION/);
    await s.waitFor('kustomize build failed');

    t = await command(s, ':certificates', /certificates \[3\+?\]/);
    expect(t).toMatch(/NAME\S*\s+READY\s+SECRET\s+AGE\s+HEALTH/);

    s.press('y');
    t = await s.waitFor(/apiVersion: cert-manager.io\/v1/);
    expect(t).toContain('kind: Certificate');
    s.press('esc');
    await s.waitFor(/certificates \[3\+?\]/);
    s.press('d');
    await s.waitFor(/Name:\s+shop-tls/);
    s.press('esc');
    await s.waitFor(/certificates \[3\+?\]/);

    s.press('?');
    t = await s.waitFor('help (default)');
    expect(t).toMatch(/shift-r\s+reconcile/);
    expect(t).toMatch(/shift-t\s+suspend\/resume/);
    s.press('esc');

    s.resize(80, 24);
    t = await s.waitFor((x) => x.split('\n')[0].includes('fleetdeck') && x.split('\n')[23].includes('certificates'));
    expect(t.split('\n')[22]).toContain('<:> command');

    // q only leaves a sub-view now (k9s); :q quits from anywhere
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
    expect(await s.restored()).toBe(true);
  }, 90_000);

  // the footer offered restart, scale, rollback... under --readonly, and the executor then refused them
  it('--readonly: the footer offers no action, help marks them off, a key pressed anyway is refused by the executor', async () => {
    const s = demo(['--readonly', '--command', ':deploy'], { cols: 200, rows: 50 });
    await s.waitFor(ALL_UP, STARTUP_MS);
    await s.waitFor(/deployments \[\d+\+?\]/);
    const footer = (x: string) => x.split('\n').find((l) => l.includes('<:> command')) ?? '';
    // the selection's object commands are in the footer once a row is selected
    let t = await s.waitFor((x) => footer(x).includes('<y> yaml'));
    expect(t).toContain('READONLY');
    for (const off of ['restart', 'scale', 'rollback', 'delete', 'edit', 'reconcile', 'suspend']) expect(footer(t)).not.toMatch(new RegExp(`> ${off}\\b`));
    expect(footer(t)).toMatch(/<l> logs/);

    s.press('?');
    t = await s.waitFor('help (default)');
    expect(t).toMatch(/Read-only \(--readonly\)/);
    // the Resource and Flux sections fit in 50 rows (Workload's restart, scale, rollback come below)
    expect(t).toMatch(/ s\s+shell \(off: read-only\)/);
    expect(t).toMatch(/shift-e\s+edit \(off: read-only\)/);
    expect(t).toMatch(/shift-r\s+reconcile \(off: read-only\)/);
    expect(t).toMatch(/ y\s+yaml\s/);
    s.press('esc');
    await s.waitFor(/deployments \[\d+\+?\]/);

    s.press('r');
    await s.waitFor('read-only mode: Rollout restart is not allowed');
    expect(auditLines()).toEqual([]);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 90_000);

  it('--keymap vim changes a binding (help shows it)', async () => {
    const s = demo(['--keymap', 'vim']);
    await s.waitFor(ALL_UP, STARTUP_MS);
    s.press('?');
    const t = await s.waitFor('help (vim)');
    expect(t).toMatch(/ctrl-d\s+half page down/);
    expect(t).toMatch(/esc, h\s+back/);
    s.press('ctrl-c');
    expect(await s.exit(10_000)).toBe(0);
  }, 60_000);

  it('a bad theme file exits 2 naming the file, line and key', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'fd-theme-')), 'bad.json');
    writeFileSync(bad, '{\n  "styles": {\n    "header": "chartreuse"\n  }\n}\n');
    const s = demo(['--theme', bad]);
    expect(await s.exit(STARTUP_MS)).toBe(2);
    expect(s.output()).toContain(`${bad}:3: styles.header: unknown colour "chartreuse"`);
  }, 60_000);

  it('SIGTERM restores the terminal', async () => {
    const s = demo();
    await s.waitFor(ALL_UP, STARTUP_MS);
    expect(await s.restored()).toBe(false);
    s.kill('SIGTERM');
    expect(await s.exit(10_000)).toBe(143);
    expect(await s.restored()).toBe(true);
  }, 60_000);

  it('Flux actions: suspend on dev, reconcile with source on staging, protected prod-eu needs the name, bulk over two contexts', async () => {
    const s = demo();
    await s.waitFor(ALL_UP, STARTUP_MS);
    s.press('2');
    await s.waitFor(/flux \[\d+\+?\]/);
    await s.waitFor('kustomize build failed');

    // suspend on a non-protected context
    await only(s, 'dev', 'Kustomization', 'infrastructure');
    await s.waitFor(row('dev', 'infrastructure', 'False'));
    s.press('T');
    let t = await s.waitFor('confirm suspend');
    expect(t).toContain('PATCH /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/infrastructure');
    s.press('y');
    await s.waitFor(row('dev', 'infrastructure', 'True'));
    await s.waitFor('succeeded: suspended');
    s.press('esc');

    // reconcile with its source on another context, followed to the end
    await only(s, 'staging', 'Kustomization', 'infrastructure');
    s.press('R');
    await s.waitFor('confirm reconcile');
    s.press('tab');
    t = await s.waitFor('with source: on');
    expect(t).toContain('/gitrepositories/flux-system');
    s.press('y');
    t = await s.waitFor(/✓ staging \/ flux-system \/ Kustomization infrastructure: succeeded: Applied revision/, 30_000);
    s.press('esc');

    // a protected context refuses until the name is typed
    await only(s, 'prod-eu', 'Kustomization', 'infrastructure');
    s.press('T');
    await s.waitFor('type "infrastructure" to confirm');
    s.press('y', 'enter');
    await s.waitFor('type "infrastructure" to confirm, esc to cancel');
    expect(auditLines().filter((a) => a.context === 'prod-eu')).toEqual([]);
    s.press('backspace');
    s.type('infrastructure');
    s.press('enter');
    await s.waitFor(row('prod-eu', 'infrastructure', 'True'));
    s.press('esc');

    // bulk: marked rows on dev and staging, one plan, both outcomes
    for (const c of ['dev', 'staging']) {
      await only(s, c, 'Kustomization', 'monitoring-stack');
      s.press('space');
      s.press('esc');
    }
    await s.waitFor(/flux \[\d+\+?\] 2 marked/);
    s.press('T');
    t = await s.waitFor('Suspend: 2 of 2 targets');
    expect(t).toContain('dev / flux-system / Kustomization monitoring-stack');
    // each target leads with its change in words, then its requests: the second is further down
    s.press('pagedown');
    await s.waitFor('staging / flux-system / Kustomization monitoring-stack');
    s.press('y');
    await s.waitFor('Suspend: 2 succeeded');
    t = await command(s, ':outcomes', /✓ dev \/ flux-system \/ Kustomization monitoring-stack: succeeded/);
    expect(t).toMatch(/✓ staging \/ flux-system \/ Kustomization monitoring-stack: succeeded/);

    // q only leaves a sub-view now (k9s); :q quits from anywhere
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
    const audit = auditLines();
    expect(audit.map((a) => `${a.context} ${a.action}`)).toEqual(expect.arrayContaining(['dev suspend', 'staging reconcile', 'prod-eu suspend']));
  }, 120_000);
});
