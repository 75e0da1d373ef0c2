// `fleetdeck exec` and `fleetdeck port-forward` on the demo fleet (dev, staging, prod-eu)
// through the real cluster door and the action executor: a workload's pod is picked, the
// remote exit code becomes ours, a service port becomes the pod's targetPort, read-only
// refuses, prod-eu needs the pod's name typed, and the audit log holds the command.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExecCommand, runPortForwardCommand, type Io } from '../../src/cli/triage.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { createScenario } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { waitUntil } from '../helpers/wait.js';

let fleet: SimFleet;
let state: string;

class Sink extends PassThrough {
  text = '';
  constructor() {
    super();
    this.on('data', (d: Buffer) => (this.text += d.toString()));
  }
}

function io(extra: Partial<Io> = {}): Io & { out: Sink; err: Sink } {
  const out = new Sink();
  const err = new Sink();
  const stdin = new PassThrough();
  stdin.end();
  return { stdout: out, stderr: err, stdin, env: { ...process.env, XDG_STATE_HOME: state }, out, err, ...extra };
}

const base = () => ({ kubeconfig: fleet.kubeconfigPath, config: defaultAppConfig() });
const audit = async () => (await readFile(join(state, 'fleetdeck', 'audit.log'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; context: string; request: { path: string }; result: { status?: number } });

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'fd-triage-'));
  fleet = await startSimFleet({ clusters: createScenario('demo') });
  // the demo's pods start as the sim's controllers run: wait for dev's payments-api pods
  await waitUntil('running payments-api pods', async () => {
    const r = io();
    const code = await runExecCommand('deploy/payments-api', ['true'], { ...base(), context: ['dev'], namespace: 'payments' }, r);
    return code === 0;
  }, { timeoutMs: 60_000, intervalMs: 500 });
}, 90_000);

afterAll(async () => {
  await fleet?.stop();
  await rm(state, { recursive: true, force: true });
});

describe('fleetdeck exec on the demo fleet', () => {
  it('runs in the pod a Deployment lands on and hands back the exit code', async () => {
    const r = io();
    const code = await runExecCommand('deploy/payments-api', ['sh', '-c', 'echo "host=$HOSTNAME"; exit 7'], { ...base(), context: ['dev'], namespace: 'payments' }, r);
    expect(code).toBe(7);
    expect(r.out.text).toMatch(/^host=payments-api-[a-z0-9]+-[a-z0-9]+\n$/);
    expect(r.err.text).toContain('command terminated with exit code 7');
    const line = (await audit()).find((a) => a.action === 'exec' && a.request.path.includes('exit+7'));
    expect(line).toMatchObject({ context: 'dev', result: { status: 101 } });
    expect(line!.request.path).toMatch(/^\/api\/v1\/namespaces\/payments\/pods\/payments-api-[^/]+\/exec\?command=sh&command=-c&command=echo/);
  });

  it('passes stdin with -i', async () => {
    const stdin = new PassThrough();
    stdin.end('through stdin\n');
    const r = io({ stdin });
    const code = await runExecCommand('deploy/payments-api', ['cat'], { ...base(), context: ['dev'], namespace: 'payments', stdin: true }, r);
    expect(code).toBe(0);
    expect(r.out.text).toBe('through stdin\n');
  });

  it('read-only refuses before anything is opened, and nothing is audited; exit 1, as a refused restart', async () => {
    const before = (await audit()).length;
    const r = io();
    const code = await runExecCommand('deploy/payments-api', ['true'], { ...base(), context: ['dev'], namespace: 'payments', readonly: true }, r);
    expect(code).toBe(1);
    expect(r.err.text).toMatch(/read-only mode: Exec is not allowed/);
    expect((await audit()).length).toBe(before);
  });

  it('a protected context (prod-eu) needs the pod name typed', async () => {
    let asked = '';
    const wrong = io({ ask: async (q) => ((asked = q), 'nope') });
    expect(await runExecCommand('deploy/payments-api', ['echo', 'x'], { ...base(), context: ['prod-eu'], namespace: 'payments' }, wrong)).toBe(1);
    expect(wrong.err.text).toMatch(/protected context: type "payments-api-/);
    expect(wrong.out.text).toBe('');
    const pod = /Type "([^"]+)"/.exec(asked)?.[1];
    expect(pod).toMatch(/^payments-api-/);
    const right = io({ ask: async () => pod! });
    expect(await runExecCommand('deploy/payments-api', ['echo', 'x'], { ...base(), context: ['prod-eu'], namespace: 'payments' }, right)).toBe(0);
    expect(right.out.text).toBe('x\n');
    expect(right.err.text).toContain('GET /api/v1/namespaces/payments/pods/');
  });

  it('--dry-run shows the request and runs nothing; a missing object is exit 1 (kubectl\'s NotFound), a bad target 2', async () => {
    const r = io();
    expect(await runExecCommand('deploy/payments-api', ['touch', 'should-not-exist'], { ...base(), context: ['dev'], namespace: 'payments', dryRun: true }, r)).toBe(0);
    expect(r.err.text).toMatch(/Exec: 1 of 1 target[\s\S]*command=touch&command=should-not-exist[\s\S]*dry run: nothing sent/);
    // the plan names the pod the Deployment gave, and why that one (the TUI's :shell says the same)
    expect(r.err.text).toMatch(/pod payments\/payments-api-\S+ is the one Deployment payments\/payments-api lands on: its most active pod/);
    const m = io();
    expect(await runExecCommand('deploy/nope', ['true'], { ...base(), context: ['dev'], namespace: 'payments' }, m)).toBe(1);
    expect(m.err.text).toBe('fleetdeck exec: dev: Error from server (NotFound): deployments.apps "nope" not found\n');
    const kind = io();
    expect(await runExecCommand('nokind/x', ['true'], { ...base(), context: ['dev'], namespace: 'payments' }, kind)).toBe(1);
    expect(kind.err.text).toMatch(/the server doesn't have a resource type "nokind"/);
    expect(await runExecCommand('deploy/', ['true'], { ...base(), context: ['dev'], namespace: 'payments' }, io())).toBe(2);
  });
});

describe('fleetdeck port-forward on the demo fleet', () => {
  it('svc/payments-api :80 forwards to the pod targetPort (http → 8080); bytes go through; Ctrl-C ends it with 0', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const r = io({ untilStopped: () => stopped });
    const run = runPortForwardCommand('svc/payments-api', [':80'], { ...base(), context: ['dev'], namespace: 'payments' }, r);
    // kubectl's lines: localhost is both loopbacks, the same port
    const m = await waitUntil('the Forwarding lines', () => /^Forwarding from 127\.0\.0\.1:(\d+) -> 8080\nForwarding from \[::1\]:\1 -> 8080\n/.exec(r.out.text), { timeoutMs: 20_000 });
    const port = Number(m[1]);
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      let text = '';
      s.on('data', (d: Buffer) => (text += d.toString()));
      s.on('end', () => resolve(text));
      s.on('error', reject);
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(got).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*fleetdeck echo: dev pod payments\/payments-api-[^ ]+ port 8080\nGET \/healthz\n/);
    await waitUntil('the connection line', () => r.out.text.includes(`Handling connection for ${port}`));
    stop();
    expect(await run).toBe(0);
    const line = (await audit()).find((a) => a.action === 'port-forward');
    expect(line?.request.path).toMatch(/^\/api\/v1\/namespaces\/payments\/pods\/payments-api-[^/]+\/portforward$/);
  });

  it('a service port the service does not have is exit 1 with kubectl\'s words; a port out of range is a usage error (2); a missing object or a refusal 1', async () => {
    const r = io({ untilStopped: async () => {} });
    expect(await runPortForwardCommand('svc/payments-api', ['9999'], { ...base(), context: ['dev'], namespace: 'payments' }, r)).toBe(1);
    expect(r.err.text).toMatch(/Service payments-api does not have a service port 9999/);
    const range = io({ untilStopped: async () => {} });
    expect(await runPortForwardCommand('svc/payments-api', ['70000'], { ...base(), context: ['dev'], namespace: 'payments' }, range)).toBe(2);
    expect(range.err.text).toMatch(/port 70000 is out of range/);
    expect(await runPortForwardCommand('svc/nope', ['80'], { ...base(), context: ['dev'], namespace: 'payments' }, io({ untilStopped: async () => {} }))).toBe(1);
    const ro = io({ untilStopped: async () => {} });
    expect(await runPortForwardCommand('svc/payments-api', ['80'], { ...base(), context: ['dev'], namespace: 'payments', readonly: true }, ro)).toBe(1);
    expect(ro.err.text).toMatch(/read-only mode/);
  });
});
