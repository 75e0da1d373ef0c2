// Our kubeconfig merge against kubectl's on the same files: several files, duplicate
// names, different current-contexts, a missing file in KUBECONFIG.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { contextNames, loadKubeconfig, type MergedKubeconfig } from '../../src/kube/kubeconfig.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'fd-kubectl-'));

function write(name: string, cfg: Record<string, unknown>): string {
  const p = path.join(dir, name);
  writeFileSync(p, stringify(cfg));
  return p;
}

const cluster = (name: string, server: string, extra: Record<string, unknown> = {}) => ({ name, cluster: { server, ...extra } });
const user = (name: string, token: string) => ({ name, user: { token } });
const context = (name: string, c: string, u: string, namespace?: string) => ({ name, context: { cluster: c, user: u, ...(namespace ? { namespace } : {}) } });

const a = write('a', {
  'current-context': 'one',
  clusters: [cluster('shared', 'https://a.example', { 'certificate-authority': 'certs/ca.pem' }), cluster('only-a', 'https://only-a.example', { 'insecure-skip-tls-verify': true })],
  users: [user('u', 'token-a'), user('ua', 'token-ua')],
  contexts: [context('one', 'shared', 'u'), context('dup', 'shared', 'u', 'from-a')],
});
const b = write('b', {
  'current-context': 'two',
  clusters: [cluster('shared', 'https://b.example'), cluster('c2', 'https://c2.example', { 'proxy-url': 'http://proxy:3128' })],
  users: [user('u', 'token-b'), user('ub', 'token-ub')],
  contexts: [context('two', 'c2', 'ub'), context('dup', 'c2', 'ub', 'from-b'), context('three', 'shared', 'ua')],
});
const noCurrent = write('c', { clusters: [cluster('c3', 'https://c3.example')], users: [], contexts: [context('four', 'c3', 'u')] });
const missing = path.join(dir, 'does-not-exist');

interface KubectlConfig {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
}

async function kubectl(kubeconfigEnv: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfigEnv }, timeout: 20_000 });
  return stdout;
}

const byName = <T extends { name: string }>(list: T[] | undefined, field: keyof T): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((e) => [e.name, e[field]]));

function ours(m: MergedKubeconfig, list: 'clusters' | 'users' | 'contexts'): Record<string, unknown> {
  return Object.fromEntries([...m[list]].map(([n, e]) => [n, e.value]));
}

describe('kubeconfig merge matches kubectl', () => {
  it.each([
    ['a, b', [a, b]],
    ['b, a', [b, a]],
    ['missing, c, a, b', [missing, noCurrent, a, b]],
    ['a, missing, b, a again', [a, missing, b, a]],
  ])('files %s', async (_label, files) => {
    const env = files.join(path.delimiter);
    const view = JSON.parse(await kubectl(env, 'config', 'view', '--merge', '--raw', '-o', 'json')) as KubectlConfig;
    const names = (await kubectl(env, 'config', 'get-contexts', '-o', 'name')).trim().split('\n');
    const m = loadKubeconfig({ env: { KUBECONFIG: env } });
    expect([...contextNames(m)].sort()).toEqual([...names].sort());
    expect(m.currentContext ?? '').toBe(view['current-context'] ?? '');
    expect(ours(m, 'clusters')).toEqual(byName(view.clusters, 'cluster'));
    expect(ours(m, 'users')).toEqual(byName(view.users, 'user'));
    expect(ours(m, 'contexts')).toEqual(byName(view.contexts, 'context'));
  });
});
