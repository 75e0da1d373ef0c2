// `fleetdeck reconcile kustomization apps` as the flux CLI takes it, and `tree deployment web`
// as kubectl takes TYPE NAME: the object commands read KIND NAME as KIND/NAME. It was commander's
// "too many arguments … Expected 1 argument but got 2", with no hint. The built CLI against the
// demo sim (run `npm run build` first); the usage errors are in cli-exit-codes.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScenario } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';

const CLI = resolve('dist/cli.js');
let fleet: SimFleet;
let state: string;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'fd-kindname-'));
  fleet = await startSimFleet({ clusters: createScenario('demo') });
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await rm(state, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args, '--kubeconfig', fleet.kubeconfigPath], { env: { PATH: process.env.PATH, HOME: state, XDG_STATE_HOME: state, XDG_CONFIG_HOME: state, XDG_CACHE_HOME: state } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => res({ code, out, err }));
  });
}

describe('KIND NAME as kubectl and flux take it', () => {
  it('reconcile kustomization apps plans what reconcile ks/apps plans; tree deployment NAME is tree deploy/NAME', async () => {
    const words = await cli(['reconcile', 'kustomization', 'apps', '--context', 'dev', '--dry-run']);
    const slash = await cli(['reconcile', 'ks/apps', '--context', 'dev', '--dry-run']);
    expect(words.err).toBe('');
    expect(words.code).toBe(0);
    expect(words.out).toContain('PATCH /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps');
    // the same plan but for the time token each carries
    const token = (s: string): string => s.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
    expect(token(words.out)).toBe(token(slash.out));
    const tree = await cli(['tree', 'deployment', 'payments-api', '-n', 'payments', '--context', 'dev']);
    expect(tree.code).toBe(0);
    expect(tree.out).toMatch(/Deployment\/payments\/payments-api/);
  }, 60_000);
});
