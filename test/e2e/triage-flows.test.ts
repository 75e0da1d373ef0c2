// Triage flows on the built CLI (`node dist/cli.js demo` in a pty) that had no pty test:
// port-forward from the TUI (bytes go through to the sim's echo page and :pf counts them),
// previous-container logs (`p` on prod-eu's crash-looping cart-api pod) and remove finalizers
// (typed confirmation; the plan names each finalizer) and edit in $EDITOR (a scripted editor:
// the diff is the plan, confirmed it is applied; an object changed by kubectl while it is
// edited gets 409 and a re-edit on the current version). Run `npm run build` first.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, run, type Session, sessionsOfFile, startDemo } from './harness.js';

const STARTUP_MS = 60_000;
const WAIT_MS = 45_000;
const { track } = sessionsOfFile();

function demo(cols: number, rows: number, command: string): Session {
  const s = startDemo(['--command', command], { cols, rows });
  return track(s);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The TUI (`args` pick the fleet) on dev/payments' ConfigMaps with `editor` as $EDITOR,
 * payments-api-config selected and shift-e pressed. */
async function editConfigMap(args: string[], editor: string): Promise<Session> {
  const s = run(process.execPath, [resolve('dist/cli.js'), ...args, '--command', ':configmaps dev payments'], { env: { ...isolatedEnv(), EDITOR: editor, VISUAL: '' }, cols: 140, rows: 36 });
  track(s);
  await s.waitFor(/payments-api-config/, STARTUP_MS);
  s.type("/'payments-api-config");
  s.press('enter');
  await s.waitFor(/configmaps \[1\/\d+\+?\]/, WAIT_MS);
  s.press('E');
  return s;
}

/** stdout of a command run to its end (trimmed); rejects on a non-zero exit. */
function spawnText(file: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res(out.trim()) : rej(new Error(`${file} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

function get(port: number, path: string, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host, port, path, method: 'GET', timeout: 20_000 }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', rej);
    req.end();
  });
}

describe('triage flows on demo', () => {
  it('shift-f forwards a local port to a pod: an HTTP GET reaches the sim echo; :pf counts the bytes; ctrl-d stops it', async () => {
    const s = demo(140, 30, ':pods');
    await s.waitFor(/pods \[\d+\+?\][\s\S]*\s1\/1\s+Running/, STARTUP_MS);
    s.type("/'dev/payments/payments-api");
    s.press('enter');
    await s.waitFor(/pods \[\d+\/\d+\+?\][\s\S]*payments-api-\S+\s+1\/1\s+Running/, WAIT_MS);
    s.press('F');
    const ask = await s.waitFor(/forward \[LOCAL:\]REMOTE for (payments-api-\S+) \(e\.g\. (\d+):\d+/, WAIT_MS);
    const [, pod, remote] = /forward \[LOCAL:\]REMOTE for (payments-api-\S+) \(e\.g\. (\d+):/.exec(ask)!;
    s.type(`:${remote}`);
    s.press('enter');
    // dev is not a protected context: no dialog, the executor plans, audits and starts it
    // on both loopbacks, as kubectl's localhost
    const started = await s.waitFor(/forwarding localhost:(\d+) -> payments-api-\S+:\d+/, WAIT_MS);
    const local = Number(/forwarding localhost:(\d+)/.exec(started)![1]);
    const r = await get(local, '/healthz');
    expect(r.status).toBe(200);
    expect((await get(local, '/healthz', '::1')).status).toBe(200);
    // both connections are counted, on either loopback
    expect(r.body).toContain(`fleetdeck echo: dev pod payments/${pod} port ${remote}`);
    expect(r.body).toContain('GET /healthz');
    s.type(':pf');
    s.press('enter');
    const list = await s.waitFor((x) => new RegExp(`dev\\s+payments/${pod}\\s+localhost:${local}\\s+${remote}\\s+\\d+/2\\s+\\d+B\\s+\\d+B`).test(x), WAIT_MS);
    const [, sent, received] = new RegExp(`localhost:${local}\\s+${remote}\\s+\\d+/2\\s+(\\d+)B\\s+(\\d+)B`).exec(list)!;
    expect(Number(sent)).toBeGreaterThan(0);
    expect(Number(received)).toBeGreaterThan(Number(sent));
    s.press('ctrl-d');
    await s.waitFor(new RegExp(`stopped forwarding localhost:${local}`), WAIT_MS);
    await expect(get(local, '/')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    await expect(get(local, '/', '::1')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 240_000);

  it('p on the crash-looping cart-api pod shows the crashed instance\'s log, ending with its fatal error', async () => {
    const s = demo(160, 30, ':pods prod-eu checkout');
    await s.waitFor(/cart-api-\S+\s+0\/1\s+CrashLoopBackOff/, STARTUP_MS);
    // the crash-looping pod(s) only: every word of the filter must appear in the row
    s.type('/cart-api CrashLoopBackOff');
    s.press('enter');
    await s.waitFor(/pods \[\d+\/\d+\+?\][\s\S]*cart-api-\S+\s+0\/1\s+CrashLoopBackOff/, WAIT_MS);
    s.press('p');
    await s.waitFor(/FATAL unable to start server: exiting with code 1/, WAIT_MS);
    const t = await s.screenText();
    expect(t).toMatch(/previous/);
    expect(t).toMatch(/config key "database\.url" is required \(version=1\.6\.0-bad\)/);
  }, 240_000);

  it('shift-e edits in $EDITOR: the diff is the plan, confirmed it is applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-editor-'));
    const editor = join(dir, 'edit.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/LOG_LEVEL: info/LOG_LEVEL: debug/" "$1"\n');
    chmodSync(editor, 0o755);
    const s = await editConfigMap(['demo'], editor);
    const plan = await s.waitFor(/-\s+LOG_LEVEL: info[\s\S]*\+\s+LOG_LEVEL: debug/, WAIT_MS);
    expect(plan).toMatch(/PUT \/api\/v1\/namespaces\/payments\/configmaps\/payments-api-config/);
    s.press('y');
    await s.waitFor(/payments-api-config: succeeded/, WAIT_MS);
    s.press('y');
    await s.waitFor(/LOG_LEVEL: debug/, WAIT_MS);
  }, 240_000);

  it('shift-e when the object changes while it is edited: 409, nothing written, a re-edit on the current version is offered and applies', async () => {
    // the demo's own fleet, served from its own process so kubectl can change it mid-edit
    const dir = mkdtempSync(join(tmpdir(), 'fd-conflict-'));
    const kc = join(dir, 'kubeconfig');
    const sim = spawn(process.execPath, [resolve('dist/cli.js'), 'sim', '--kubeconfig-out', kc], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 600 && !existsSync(kc); i++) await pause(100);
      expect(existsSync(kc)).toBe(true);
      const cm = ['-n', 'payments', 'configmap', 'payments-api-config'];
      // the first edit: someone else annotates the ConfigMap while the editor is open; the second edits only
      const marker = join(dir, 'edited-once');
      const editor = join(dir, 'edit.sh');
      writeFileSync(editor, [
        '#!/bin/sh',
        `if [ ! -e ${marker} ]; then touch ${marker}; kubectl --kubeconfig ${kc} --context dev annotate ${cm.join(' ')} ops.acme.io/touched=yes --overwrite >/dev/null; fi`,
        'sed -i "s/LOG_LEVEL: info/LOG_LEVEL: debug/" "$1"',
        '',
      ].join('\n'));
      chmodSync(editor, 0o755);
      const s = await editConfigMap(['--kubeconfig', kc, '--context', 'dev'], editor);
      const first = await s.waitFor(/as read at resourceVersion \d+[\s\S]*\+\s+LOG_LEVEL: debug/, WAIT_MS);
      const rvOf = (screen: string) => Number(/as read at resourceVersion (\d+)/.exec(screen)![1]);
      s.press('y');
      await s.waitFor(/changed since it was read \(409 Conflict\): nothing was written\. Edit again on the current version\?/, WAIT_MS);
      const between = await spawnText('kubectl', ['--kubeconfig', kc, '--context', 'dev', 'get', ...cm, '-o', 'jsonpath={.data.LOG_LEVEL} {.metadata.annotations.ops\\.acme\\.io/touched}']);
      expect(between).toBe('info yes');
      s.type('y');
      s.press('enter');
      // the re-edit reads the current version (with the annotation) and its plan replaces that one
      const plan = await s.waitFor(/replaces ConfigMap payments-api-config as read at resourceVersion \d+[\s\S]*\+\s+LOG_LEVEL: debug/, WAIT_MS);
      expect(rvOf(plan)).toBeGreaterThan(rvOf(first));
      s.press('y');
      await s.waitFor(/payments-api-config: succeeded/, WAIT_MS);
      const after = await spawnText('kubectl', ['--kubeconfig', kc, '--context', 'dev', 'get', ...cm, '-o', 'jsonpath={.data.LOG_LEVEL} {.metadata.annotations.ops\\.acme\\.io/touched}']);
      expect(after).toBe('debug yes');
    } finally {
      sim.kill('SIGTERM');
    }
  }, 240_000);

  it('ctrl-k on a stuck object: the plan names each finalizer, the name must be typed, then they are removed', async () => {
    const s = demo(160, 36, ':configmaps staging legacy-reports');
    await s.waitFor(/report-exports/, STARTUP_MS);
    s.press('ctrl-k');
    const plan = await s.waitFor(/type "report-exports" to confirm/, WAIT_MS);
    // the plan names the finalizer, what removing it skips, and the exact patch (guarded by a test op)
    expect(plan).toMatch(/Remove finalizers: 1 of 1 target/);
    expect(plan).toMatch(/staging \/ legacy-reports \/ ConfigMap report-exports/);
    expect(plan).toMatch(/note: finalizer reports\.acme\.io\/export-cleanup: /);
    expect(plan).toMatch(/PATCH \/api\/v1\/namespaces\/legacy-reports\/configmaps\/report-exports/);
    expect(plan).toMatch(/"op": "test"/);
    // typed confirmation always (staging is not in the protected pattern): enter alone sends nothing
    s.press('enter');
    await pause(1500);
    expect(await s.screenText()).toMatch(/type "report-exports" to confirm/);
    s.type('report-exports');
    s.press('enter');
    // the ConfigMap was being deleted with its namespace: without its finalizer it goes
    const done = await s.waitFor(/configmaps \[0\+?\][\s\S]*staging \/ legacy-reports \/ ConfigMap report-exports: succeeded: finalizers removed/, WAIT_MS);
    expect(done).not.toMatch(/report-exports\s+\d/);
  }, 240_000);

  it('ctrl-k on a Terminating namespace lists every kind inside it first: the ConfigMap holding it is named although no view had ConfigMaps open', async () => {
    const s = demo(160, 36, ':namespaces staging');
    await s.waitFor(/legacy-reports/, STARTUP_MS);
    s.type("/'legacy-reports");
    s.press('enter');
    await s.waitFor(/namespaces \[1\/\d+\+?\]/, WAIT_MS);
    s.press('ctrl-k');
    const plan = await s.waitFor(/type "[^"]+" to confirm/, WAIT_MS);
    expect(plan).toMatch(/note: finalizer reports\.acme\.io\/export-cleanup: still held by ConfigMap legacy-reports\/report-exports/);
    expect(plan).toMatch(/PATCH \/api\/v1\/namespaces\/legacy-reports\/configmaps\/report-exports/);
    // staging's user may not list Secrets: the plan says so instead of presenting the rest as all
    // (on a loaded machine staging's health check may also have timed out: then more is named)
    expect(plan).toMatch(/note: not read: [^\n]*secrets[^\n]*; objects there may hold finalizers too/);
    expect(plan).not.toMatch(/metrics\.k8s\.io/);
    s.press('esc');
  }, 240_000);
});
