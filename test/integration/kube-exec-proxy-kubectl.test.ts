// Kubeconfig handling beside kubectl (client-go) on the same files, against the simulated
// fleet over HTTPS: exec credential plugins (real scripts: KUBERNETES_EXEC_INFO with cluster
// info, interactiveMode, a missing plugin's installHint, a failing plugin) and proxies of
// every scheme (real local SOCKS5, HTTP CONNECT and HTTPS CONNECT proxies) with
// tls-server-name: the server is addressed by a name its certificate does not cover, so only
// verification against tls-server-name lets a client in.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createFleetStore } from '../../src/fleet/store.js';
import { ContextClient } from '../../src/kube/client.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { runLogsCommand } from '../../src/cli/logs.js';
import { buildCluster } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { simTlsCert, simTlsKey } from '../../src/sim/http/tls.js';
import { startConnectProxy, startSocks5, type TestProxy } from '../helpers/proxies.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fd-exec-proxy-'));
/** a name the sim's certificate (127.0.0.1, localhost) does not cover; the proxies route it to 127.0.0.1 */
const NAME = 'sim.fleetdeck.test';
const route = (h: string) => (h === NAME ? '127.0.0.1' : h);

let fleet: SimFleet;
let port: number;
let token: string;
let ca: string;

// a clean environment: no proxy from the machine decides these tests
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|no|all)_proxy$/i.test(k)));

interface Run {
  code: number;
  stderr: string;
}

function kubectl(kubeconfig: string, args: string[], env: NodeJS.ProcessEnv = baseEnv): Promise<Run & { stdout: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function ours(kubeconfig: string, env: NodeJS.ProcessEnv = baseEnv): Promise<Run> {
  const client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig }), 'x'), { env, stdinIsTerminal: false, connectTimeoutMs: 5000 });
  try {
    await client.warm();
    return { code: 0, stderr: '' };
  } catch (e) {
    return { code: 1, stderr: (e as Error).message };
  } finally {
    await client.close();
  }
}

let n = 0;
function kubeconfigFile(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const file = path.join(dir, `kc-${++n}.yaml`);
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { 'certificate-authority-data': Buffer.from(ca).toString('base64'), ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  return file;
}

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(async () => {
  const cluster = buildCluster({ name: 'px' });
  fleet = await startSimFleet({ clusters: [cluster] });
  port = Number(new URL(fleet.contexts[0].url).port);
  token = cluster.token;
  ca = simTlsCert;
}, 30_000);

afterAll(async () => {
  await fleet?.stop();
  if (!process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

describe('exec credential plugins as client-go runs them', () => {
  const plugin = () =>
    script(
      'plugin.sh',
      `printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_FILE"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"${token}"}}'`,
    );

  it('provideClusterInfo: the same KUBERNETES_EXEC_INFO as kubectl (server, tls-server-name, CA, extension config), and both get in', async () => {
    const cmd = plugin();
    const cluster = {
      server: `https://127.0.0.1:${port}`,
      'tls-server-name': 'localhost',
      extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'fleet', tier: 2 } }],
    };
    const exec = (info: string) => ({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: cmd,
      provideClusterInfo: true,
      interactiveMode: 'IfAvailable',
      env: [{ name: 'INFO_FILE', value: info }],
    });
    const kcInfo = path.join(dir, 'info-kubectl.json');
    const fdInfo = path.join(dir, 'info-fleetdeck.json');
    const k = await kubectl(kubeconfigFile(cluster, { exec: exec(kcInfo) }), ['get', '--raw', '/version']);
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
    expect(await ours(kubeconfigFile(cluster, { exec: exec(fdInfo) }))).toEqual({ code: 0, stderr: '' });
    const theirs = JSON.parse(readFileSync(kcInfo, 'utf8')) as { spec: { cluster: Record<string, unknown>; interactive: boolean } };
    expect(theirs.spec.cluster).toMatchObject({ server: cluster.server, 'tls-server-name': 'localhost', config: { audience: 'fleet', tier: 2 } });
    expect(readFileSync(fdInfo, 'utf8')).toBe(readFileSync(kcInfo, 'utf8'));
  });

  it('without provideClusterInfo: no cluster in the request, as kubectl', async () => {
    const cmd = plugin();
    const cluster = { server: `https://127.0.0.1:${port}` };
    const exec = (info: string) => ({ apiVersion: 'client.authentication.k8s.io/v1', command: cmd, interactiveMode: 'Never', env: [{ name: 'INFO_FILE', value: info }] });
    // a v1 plugin must answer v1
    script('plugin.sh', `printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_FILE"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'`);
    const kcInfo = path.join(dir, 'info2-kubectl.json');
    const fdInfo = path.join(dir, 'info2-fleetdeck.json');
    expect((await kubectl(kubeconfigFile(cluster, { exec: exec(kcInfo) }), ['get', '--raw', '/version'])).code).toBe(0);
    expect((await ours(kubeconfigFile(cluster, { exec: exec(fdInfo) }))).code).toBe(0);
    expect(readFileSync(fdInfo, 'utf8')).toBe(readFileSync(kcInfo, 'utf8'));
    expect(JSON.parse(readFileSync(fdInfo, 'utf8').trim())).toEqual({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } });
  });

  it('a missing plugin: kubectl\'s message with the installHint, word for word (fleetdeck logs beside kubectl logs)', async () => {
    const file = kubeconfigFile(
      { server: `https://127.0.0.1:${port}` },
      { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'fd-no-such-plugin', installHint: 'Install fd-no-such-plugin:\n  brew install fd-plugin', interactiveMode: 'Never' } },
    );
    const k = await kubectl(file, ['logs', 'pod/web', '-n', 'default']);
    expect(k.code).toBe(1);
    expect(k.stderr).toContain('exec: executable fd-no-such-plugin not found');
    const store = createFleetStore({ kubeconfig: file, contexts: ['x'], env: baseEnv, client: { stdinIsTerminal: false } });
    try {
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await runLogsCommand('pod/web', { namespace: 'default' }, { store, contexts: ['x'], stdout: new PassThrough(), stderr, signal: AbortSignal.timeout(20_000) });
      // kubectl's 1; no context reached is 2 on every fleetdeck command (README: exit codes)
      expect(code).toBe(2);
      // kubectl may log discovery retries (klog) first; its final word is the same as ours
      expect(err).toMatch(/^Unable to connect to the server: getting credentials: exec: executable fd-no-such-plugin not found\n\nIt looks like/);
      expect(err).toContain('\n\nInstall fd-no-such-plugin:\n  brew install fd-plugin\n');
      expect(k.stderr.endsWith(err)).toBe(true);
    } finally {
      await store.close();
    }
    expect((await ours(file)).stderr).not.toMatch(/ENOENT|spawn/);
  });

  it('a failing plugin and interactiveMode Always without a terminal fail with kubectl\'s words', async () => {
    const fail = script('fail.sh', 'echo "refresh failed" >&2\nexit 3');
    const failing = kubeconfigFile({ server: `https://127.0.0.1:${port}` }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: fail, interactiveMode: 'Never' } });
    const k = await kubectl(failing, ['get', '--raw', '/version']);
    expect(k.stderr).toContain(`getting credentials: exec: executable ${fail} failed with exit code 3`);
    expect((await ours(failing)).stderr).toContain(`exec: executable ${fail} failed with exit code 3 (refresh failed)`);

    const always = kubeconfigFile({ server: `https://127.0.0.1:${port}` }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin(), interactiveMode: 'Always' } });
    const ka = await kubectl(always, ['get', '--raw', '/version']);
    expect(ka.stderr).toContain('getting credentials: exec plugin cannot support interactive mode: standard input is not a terminal');
    expect((await ours(always)).stderr).toContain('exec plugin cannot support interactive mode: standard input is not a terminal');
  });
});

describe('proxies of every scheme honour tls-server-name and the CA, as kubectl', () => {
  const proxies: Record<string, TestProxy> = {};
  beforeAll(async () => {
    proxies.socks5 = await startSocks5(route);
    proxies.http = await startConnectProxy(route);
    // Go dials an https proxy with the cluster's TLS config (its CA, tls-server-name): the
    // sim's certificate (localhost, 127.0.0.1) serves for the proxy too
    proxies.https = await startConnectProxy(route, { cert: simTlsCert, key: simTlsKey });
  });
  afterAll(async () => {
    await Promise.all(Object.values(proxies).map((p) => p.close()));
  });

  for (const scheme of ['socks5', 'http', 'https'] as const) {
    it(`${scheme}: tls-server-name verifies (in), a wrong one fails, none fails — same as kubectl; the proxy carried the requests`, async () => {
      const proxy = proxies[scheme];
      const cluster = (tlsServerName?: string) => ({
        server: `https://${NAME}:${port}`,
        'proxy-url': proxy.url,
        ...(tlsServerName ? { 'tls-server-name': tlsServerName } : {}),
      });
      for (const [name, want] of [['localhost', 0], ['wrong.example', 1], [undefined, 1]] as const) {
        const before = proxy.destinations.length;
        const file = kubeconfigFile(cluster(name), { token });
        const k = await kubectl(file, ['get', '--raw', '/version']);
        expect({ tlsServerName: name, kubectl: k.code === 0 ? 0 : 1 }).toEqual({ tlsServerName: name, kubectl: want });
        const o = await ours(file);
        expect({ tlsServerName: name, fleetdeck: o.code, stderr: o.code === want ? '' : o.stderr }).toEqual({ tlsServerName: name, fleetdeck: want, stderr: '' });
        // both went through the proxy, asking for the name (the proxy resolves it)
        expect(proxy.destinations.slice(before).every((d) => d === `${NAME}:${port}`)).toBe(true);
        // (an https proxy is itself verified against tls-server-name, as Go does: a wrong name fails before CONNECT)
        if (want === 0) expect(proxy.destinations.length - before).toBeGreaterThanOrEqual(2);
      }
    }, 60_000);
  }

  // client-go speaks HTTP/2 inside the tunnel too (Go's transport negotiates it on the TLS it
  // runs over the CONNECT or SOCKS socket): a context's watches share a few tunnels instead of
  // holding one each
  for (const scheme of ['socks5', 'http', 'https'] as const) {
    it(`${scheme}: 150 open watches, lists after them and a write share a few tunnels (HTTP/2 inside, as client-go)`, async () => {
      const proxy = proxies[scheme];
      const file = kubeconfigFile({ server: `https://${NAME}:${port}`, 'proxy-url': proxy.url, 'tls-server-name': 'localhost' }, { token });
      const client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: file }), 'x'), { env: baseEnv, stdinIsTerminal: false, connectTimeoutMs: 5000 });
      const watches = new AbortController();
      try {
        await client.warm();
        const before = proxy.destinations.length;
        const path_ = '/api/v1/namespaces/default/configmaps';
        const open = await Promise.all(Array.from({ length: 150 }, () => client.openStream({ path: path_, query: { watch: 1, timeoutSeconds: 60 }, signal: watches.signal })));
        for (const w of open) {
          expect(w.status).toBe(200);
          w.body.resume().on('error', () => {});
        }
        const lists = await Promise.all(Array.from({ length: 20 }, () => client.getJson<{ kind: string }>(path_, { limit: 1 })));
        expect(lists.every((l) => l.kind === 'ConfigMapList')).toBe(true);
        const name = `tunnel-${scheme}`;
        expect((await client.request({ method: 'POST', path: path_, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } })).status).toBe(201);
        expect((await client.request({ method: 'DELETE', path: `${path_}/${name}` })).status).toBe(200);
        // HTTP/1.1 would take 150 + tunnels; h2 takes two for 150 streams, plus the handful
        // opened before the first handshake told the pool the origin speaks h2
        const tunnels = proxy.destinations.length - before;
        expect(tunnels).toBeGreaterThanOrEqual(1);
        expect(tunnels).toBeLessThanOrEqual(8);
      } finally {
        watches.abort();
        await client.close();
      }
    }, 60_000);
  }

  it('HTTPS_PROXY from the environment (no proxy-url) is used as client-go uses it; NO_PROXY exempts', async () => {
    const proxy = proxies.http;
    const file = kubeconfigFile({ server: `https://${NAME}:${port}`, 'tls-server-name': 'localhost' }, { token });
    const env = { ...baseEnv, HTTPS_PROXY: proxy.url };
    let before = proxy.destinations.length;
    expect((await kubectl(file, ['get', '--raw', '/version'], env)).code).toBe(0);
    expect(proxy.destinations.length).toBeGreaterThan(before);
    before = proxy.destinations.length;
    expect(await ours(file, env)).toEqual({ code: 0, stderr: '' });
    expect(proxy.destinations.length).toBeGreaterThan(before);
    // NO_PROXY naming the host: both connect directly, which fails (the name does not resolve)
    const exempt = { ...env, NO_PROXY: `.fleetdeck.test` };
    before = proxy.destinations.length;
    expect((await kubectl(file, ['get', '--raw', '/version'], exempt)).code).not.toBe(0);
    expect((await ours(file, exempt)).code).toBe(1);
    expect(proxy.destinations.length).toBe(before);
  }, 60_000);
});
