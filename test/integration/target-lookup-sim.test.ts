// An action's or exec's target that the caches do not hold is what the API says of it, in
// kubectl's words: on the demo fleet over HTTPS, staging's user (staging-dev) may not read
// kube-system, so `scale deploy/coredns -n kube-system --context staging` is kubectl's
// Forbidden line (exit 1), never "not found"; a name the server does not have is kubectl's
// NotFound. Each line is checked against kubectl's own, run on the same context.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShellAction } from '../../src/cli/actions-fleet.js';
import { runExecCommand } from '../../src/cli/triage.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { createScenario } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';

const run = promisify(execFile);
let fleet: SimFleet;
let state: string;

/** kubectl's stderr for a GET of the object, one line */
async function kubectlGet(context: string, namespace: string, target: string): Promise<string> {
  try {
    await run('kubectl', ['--kubeconfig', fleet.kubeconfigPath, '--context', context, '-n', namespace, 'get', target], { timeout: 20_000 });
    return '';
  } catch (e) {
    return (e as { stderr: string }).stderr.trim();
  }
}

function sink(): { text: string; write(s: string): boolean } {
  return { text: '', write(s: string) { this.text += s; return true; } };
}

const base = () => ({ kubeconfig: fleet.kubeconfigPath, config: defaultAppConfig(), timeoutSeconds: 20 });

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'fd-lookup-'));
  fleet = await startSimFleet({ clusters: createScenario('demo') });
  expect(fleet.contexts.every((c) => c.url.startsWith('https://'))).toBe(true);
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await rm(state, { recursive: true, force: true });
});

describe('an action target the RBAC forbids or the server lacks', () => {
  it.each([
    ['scale', { replicas: 2 }],
    ['restart', {}],
    ['rollback', {}],
    ['delete', {}],
    ['suspend', {}],
  ])('%s deploy/coredns -n kube-system on staging: kubectl\'s Forbidden line, exit 1, nothing sent', async (action, extra) => {
    const forbidden = await kubectlGet('staging', 'kube-system', 'deployments.apps/coredns');
    expect(forbidden).toBe('Error from server (Forbidden): deployments.apps "coredns" is forbidden: User "staging-dev" cannot get resource "deployments" in API group "apps" in the namespace "kube-system"');
    const out = sink();
    const err = sink();
    const code = await runShellAction(action, { ...base(), ...extra, target: 'deploy/coredns', namespace: 'kube-system', context: ['staging'], yes: true }, { stdout: out, stderr: err, env: { XDG_STATE_HOME: state } });
    expect(err.text).toBe(`✗ staging: ${forbidden}\n`);
    expect(err.text).not.toContain('not found');
    expect(out.text).toBe('');
    expect(code).toBe(1);
  }, 30_000);

  it('a name the server does not have: kubectl\'s NotFound line, exit 1', async () => {
    const notFound = await kubectlGet('dev', 'kube-system', 'deployments.apps/nope');
    expect(notFound).toBe('Error from server (NotFound): deployments.apps "nope" not found');
    const err = sink();
    const code = await runShellAction('scale', { ...base(), replicas: 2, target: 'deploy/nope', namespace: 'kube-system', context: ['dev'], yes: true }, { stdout: sink(), stderr: err, env: { XDG_STATE_HOME: state } });
    expect(err.text).toBe(`✗ dev: ${notFound}\n`);
    expect(code).toBe(1);
  }, 30_000);

  it('the same lookup for exec: Forbidden on staging, NotFound on dev, each as kubectl says it, exit 1', async () => {
    const io = () => {
      const stdin = new PassThrough();
      stdin.end();
      return { stdout: new PassThrough(), stderr: Object.assign(new PassThrough(), { text: '' }), stdin, env: { ...process.env, XDG_STATE_HOME: state } };
    };
    const said = async (context: string, target: string): Promise<{ code: number; err: string }> => {
      const r = io();
      r.stderr.on('data', (d: Buffer) => (r.stderr.text += d.toString()));
      const code = await runExecCommand(target, ['true'], { ...base(), context: [context], namespace: 'kube-system' }, r);
      return { code, err: r.stderr.text };
    };
    const forbidden = await said('staging', 'deploy/coredns');
    expect(forbidden.err).toBe(`fleetdeck exec: staging: ${await kubectlGet('staging', 'kube-system', 'deployments.apps/coredns')}\n`);
    expect(forbidden.code).toBe(1);
    const missing = await said('dev', 'deploy/nope');
    expect(missing.err).toBe(`fleetdeck exec: dev: ${await kubectlGet('dev', 'kube-system', 'deployments.apps/nope')}\n`);
    expect(missing.code).toBe(1);
  }, 30_000);

  // the flux CLI reads a Flux object in flux-system (or $FLUX_SYSTEM_NAMESPACE) whatever the
  // context's namespace; `reconcile ks/apps` without -n said "not found" from the context's
  it('a Flux kind without -n is read where the flux CLI reads it: flux-system, or $FLUX_SYSTEM_NAMESPACE', async () => {
    const out = sink();
    const err = sink();
    let code = await runShellAction('reconcile', { ...base(), target: 'ks/apps', context: ['dev'], dryRun: true }, { stdout: out, stderr: err, env: { XDG_STATE_HOME: state } });
    expect(err.text).toBe('');
    expect(out.text).toContain("PATCH /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps");
    expect(code).toBe(0);
    const moved = sink();
    code = await runShellAction('reconcile', { ...base(), target: 'ks/apps', context: ['dev'], dryRun: true }, { stdout: sink(), stderr: moved, env: { XDG_STATE_HOME: state, FLUX_SYSTEM_NAMESPACE: 'default' } });
    expect(moved.text).toBe(`✗ dev: ${await kubectlGet('dev', 'default', 'kustomizations.kustomize.toolkit.fluxcd.io/apps')}\n`);
    expect(code).toBe(1);
  }, 30_000);
});
