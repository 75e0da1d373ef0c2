// Credentials under failure: an exec credential plugin that works, then fails during a
// reconnect (no unhandled rejection, the context shows auth-error with a readable reason,
// and recovers), and a scan of everything fleetdeck writes (audit lines, error messages,
// context and reflector states, `fleetdeck status` JSON) for the sim's bearer tokens, the
// client certificate and key material, "Authorization" and "Bearer": none may appear.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createAuditLog } from '../../src/actions/audit.js';
import { createExecutor } from '../../src/actions/executor.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { runStatusCommand } from '../../src/cli/status.js';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { simTlsCert, simTlsKey } from '../../src/sim/http/tls.js';
import { testCluster, waitFor } from './helpers/sim.js';

const token = `sim-${randomBytes(12).toString('hex')}`;
const badToken = `sim-bad-${randomBytes(12).toString('hex')}`;
const execToken = `exec-${randomBytes(12).toString('hex')}`;

/** Works while `<dir>/fail` is missing (credentials valid for 1 s, so every reconnect asks
 * again), then fails the way real plugins do: exit 1, the token it could not refresh on stderr. */
const plugin = `
const fs = require('node:fs');
const [dir, token] = process.argv.slice(2);
if (fs.existsSync(dir + '/fail')) {
  process.stderr.write('\\u001b[31merror:\\u001b[0m refresh failed; Authorization: Bearer ' + token + '\\n');
  process.exit(1);
}
const expires = Date.now() + 1000;
fs.writeFileSync(dir + '/expires', String(expires));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token, expirationTimestamp: new Date(expires).toISOString() } }));
`;

let fleet: SimFleet;
let dir: string;
let kubeconfig: string;
let store: Fleet | undefined;
const contexts = ['alpha', 'badtoken', 'certuser', 'execuser', 'dead'];
const problems: unknown[] = [];
const onProblem = (e: unknown): void => void problems.push(e);

/** Everything that must never show up in output, and how it could be spelled. */
function leaks(text: string): string[] {
  const pemBody = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  const material = [
    token, badToken, execToken,
    Buffer.from(simTlsCert).toString('base64').slice(0, 40), Buffer.from(simTlsKey).toString('base64').slice(0, 40),
    ...pemBody(simTlsCert).slice(0, 3), ...pemBody(simTlsKey).slice(0, 3),
  ];
  const found = material.filter((m) => text.includes(m));
  if (/\bbearer\b/i.test(text)) found.push('Bearer');
  if (/authorization["']?\s*[:=]/i.test(text)) found.push('Authorization header');
  if (/-----BEGIN/.test(text)) found.push('PEM block');
  return found;
}

beforeAll(async () => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  const alpha = testCluster('alpha', { denyResources: ['secrets'] }).cluster;
  alpha.token = token;
  fleet = await startSimFleet({ clusters: [alpha] });
  dir = await mkdtemp(join(tmpdir(), 'fleetdeck-creds-'));
  await writeFile(join(dir, 'plugin.cjs'), plugin);
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const cfg = parse(fleet.kubeconfig) as { clusters: { name: string; cluster: Record<string, unknown> }[]; users: unknown[]; contexts: unknown[] };
  const server = cfg.clusters[0].cluster;
  const users: Record<string, Record<string, unknown>> = {
    badtoken: { token: badToken },
    certuser: { 'client-certificate-data': Buffer.from(simTlsCert).toString('base64'), 'client-key-data': Buffer.from(simTlsKey).toString('base64') },
    execuser: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [join(dir, 'plugin.cjs'), dir, execToken], interactiveMode: 'Never' } },
    dead: { token },
  };
  for (const [name, user] of Object.entries(users)) {
    cfg.clusters.push({ name, cluster: name === 'dead' ? { server: `https://127.0.0.1:${deadPort}`, 'insecure-skip-tls-verify': true } : server });
    cfg.users.push({ name, user });
    cfg.contexts.push({ name, context: { cluster: name, user: name } });
  }
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, stringify(cfg), { mode: 0o600 });
});

afterAll(async () => {
  await store?.close();
  await fleet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
});

describe('credentials under failure', () => {
  it('survives an exec plugin failing during a reconnect: auth-error with a readable reason, then recovery', async () => {
    // the sim accepts one token: the exec user must present the same one
    fleet.contexts[0].cluster.token = execToken;
    store = createFleetStore({ kubeconfig, contexts: ['execuser'], frameMs: 20, healthIntervalMs: 300, reflector: { backoffMs: [100, 500] } });
    store.watch({ contexts: ['execuser'], resource: 'po' });
    const phase = () => store!.reflectors().find((r) => r.context === 'execuser' && r.resource === 'pods')?.phase;
    const ctx = () => store!.contexts().find((c) => c.name === 'execuser')!;
    await waitFor(() => phase() === 'synced', 'exec user synced', 15_000);
    expect(store.list('execuser', 'pods').length).toBeGreaterThan(0);

    await writeFile(join(dir, 'fail'), '');
    const expires = Number(await readFile(join(dir, 'expires'), 'utf8'));
    // the cached credential must have expired, so the reconnect runs the (now failing) plugin
    await waitFor(() => Date.now() > expires, 'the cached exec credential expired');
    fleet.contexts[0].server.dropWatches();
    await waitFor(() => ctx().state === 'auth-error', 'context shows auth-error', 10_000);
    const reason = ctx().lastError!;
    // client-go's words for a failing plugin, with the plugin's last stderr line
    expect(reason).toMatch(/context "execuser": getting credentials failed: exec: executable \S+ failed with exit code \d+ \(error: refresh failed;/);
    expect(reason).not.toMatch(/\u001b/);
    expect(leaks(reason)).toEqual([]);
    expect(leaks(JSON.stringify(store.reflectors()))).toEqual([]);
    // what was cached stays visible while credentials are broken
    expect(store.list('execuser', 'pods').length).toBeGreaterThan(0);

    await rm(join(dir, 'fail'));
    await waitFor(() => ctx().state === 'ready' && phase() === 'synced', 'recovered once the plugin works again', 10_000);
    expect(problems).toEqual([]);
    await store.close();
    store = undefined;
    fleet.contexts[0].cluster.token = token;
  });

  it('writes no token, certificate, key or Authorization header anywhere', async () => {
    await writeFile(join(dir, 'fail'), '');
    const out: string[] = [];
    store = createFleetStore({ kubeconfig, contexts, frameMs: 20, client: { connectTimeoutMs: 1000, headersTimeoutMs: 1500 } });
    store.watch({ contexts, resource: 'po' });
    store.watch({ contexts, resource: 'secrets' });
    await store.settled();
    const st = () => Object.fromEntries(store!.contexts().map((c) => [c.name, c]));
    await waitFor(() => st().alpha.forbidden?.includes('secrets'), 'alpha secrets forbidden');
    await waitFor(() => st().badtoken.state === 'auth-error' && st().certuser.state === 'auth-error', 'bad credentials rejected');
    await waitFor(() => st().execuser.state === 'auth-error', 'failing exec plugin');
    await waitFor(() => st().dead.state === 'unreachable', 'dead context');
    out.push(JSON.stringify(store.contexts()), JSON.stringify(store.reflectors()));

    // failed requests, as the actions and views see them
    for (const ctx of contexts) {
      for (const path of ['/api/v1/namespaces/shop/secrets', '/api/v1/namespaces/shop/pods/nope', '/apis/apps/v1/namespaces/shop/deployments/web']) {
        const e = await store.request(ctx, { path }).then(() => undefined, (err: Error) => err);
        if (e) out.push(e.message);
      }
    }
    expect(out.some((m) => /401|Unauthorized/.test(m))).toBe(true);
    expect(out.some((m) => /getting credentials failed/.test(m))).toBe(true);

    // actions, successful and failed, through the audit log
    const auditPath = join(dir, 'audit.log');
    const executor = createExecutor({
      send: (context, req) => store!.request(context, req),
      read: async (context, path) => (await store!.request(context, { path })).body as never,
      readonly: false,
      audit: createAuditLog({ path: auditPath, user: 'tester' }),
    });
    const web = (await store.request('alpha', { path: '/apis/apps/v1/namespaces/shop/deployments/web' })).body as never;
    // an object per context (a uid each): one object through several contexts is sent once
    // (executor.ts onceByObject), and each context's failure is what this test reads
    const targets = ['alpha', 'badtoken', 'certuser', 'execuser', 'dead'].map((context) => ({
      context, resource: 'deployments.apps', kind: 'Deployment', namespace: 'shop', name: 'web',
      object: { ...(web as { metadata: Record<string, unknown> }), metadata: { ...(web as { metadata: Record<string, unknown> }).metadata, uid: `web-in-${context}` } } as never,
    }));
    const outcomes = await executor.execute(executor.plan('scale', targets, { replicas: 3 }));
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded', 'failed', 'failed', 'failed', 'failed']);
    for (const o of outcomes) out.push(o.message ?? '');
    const audit = await readFile(auditPath, 'utf8');
    expect(audit.trim().split('\n')).toHaveLength(5);
    out.push(audit);
    await store.close();
    store = undefined;

    // `fleetdeck status --output json` and its stderr
    let stdout = '';
    let stderr = '';
    const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
    await runStatusCommand(
      { kubeconfig, context: contexts, output: 'json', timeoutMs: 8000, config: defaultAppConfig() },
      { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: {} },
    );
    expect(JSON.parse(stdout)).toBeTypeOf('object');
    out.push(stdout, stderr);

    const all = out.join('\n');
    expect(all).toMatch(/Unauthorized/);
    expect(leaks(all)).toEqual([]);
    expect(existsSync(auditPath)).toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);
});
