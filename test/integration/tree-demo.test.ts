// `fleetdeck tree` over real HTTP against the simulated demo fleet: the failing Kustomization
// with its inventory and reasons, a Deployment's ReplicaSets and Pods equal to what the
// cluster holds, owners above a Pod, a forbidden inventory kind shown as unknown (not
// missing), and the exit codes for not found and bad input.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { runTreeCommand, type TreeCommandJson, type TreeCommandOptions } from '../../src/cli/tree.js';
import type { TreeJson } from '../../src/model/tree.js';
import { startScenarioFleet } from '../../src/cli/sim.js';
import type { SimFleet } from '../../src/sim/fleet.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

let demo: SimFleet;

async function tree(target: string, opts: Partial<TreeCommandOptions>): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runTreeCommand(target, { kubeconfig: demo.kubeconfigPath, config: defaultAppConfig(), timeoutMs: 15_000, ...opts }, { stdout, stderr, env: {} });
  return { code, out: stdout.text, err: stderr.text };
}

function walk(n: TreeJson, out: TreeJson[] = []): TreeJson[] {
  out.push(n);
  for (const c of n.children) walk(c, out);
  return out;
}

beforeAll(async () => {
  demo = await startScenarioFleet({ scenario: 'demo' });
}, 60_000);

afterAll(async () => {
  await demo?.stop();
});

describe('fleetdeck tree on the demo fleet', () => {
  it('the failing Kustomization: BuildFailed at the root, its inventory below, every unhealthy node with a reason', async () => {
    const r = await tree('ks/apps', { context: ['staging'] });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('staging');
    expect(lines[1]).toMatch(/^✗ Kustomization\/flux-system\/apps {2}Failed Ready=False BuildFailed: kustomize build failed/);
    expect(lines[1]).toContain('[source GitRepository/flux-system/flux-system; dependsOn flux-system/infrastructure]');
    for (const child of ['Deployment/payments/payments-api', 'StatefulSet/databases/redis', 'CronJob/payments/nightly-reconcile']) {
      expect(lines.some((l) => l.includes(`├─ ${child}  `))).toBe(true);
    }
    // staging's user may not list secrets: the inventory's Secret is unknown, not "missing"
    expect(r.out).toMatch(/\? └─ Secret\/payments\/payments-db-credentials {2}Unknown Forbidden: Secret payments\/payments-db-credentials is in the inventory; its kind is forbidden to list/);
    for (const l of lines.slice(1)) {
      if (!/ (Current|Failed|InProgress|Unknown|NotFound|Terminating|Suspended)/.test(l)) continue;
      if (!/ Current /.test(l)) expect(l, l).toMatch(/(Failed|InProgress|Unknown|NotFound|Terminating|Suspended) \S+/);
    }
  }, 60_000);

  it('the failed HelmRelease: Stalled with its reason, the chart objects found by their Helm labels', async () => {
    const r = await tree('hr/podinfo', { context: ['prod-eu'], output: 'json' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as TreeCommandJson;
    const root = doc.trees[0].tree;
    expect(root).toMatchObject({ kind: 'HelmRelease', name: 'podinfo', status: 'Failed' });
    expect(root.reason).toMatch(/RetriesExceeded|Failed to upgrade/);
    expect(root.children.map((c) => `${c.kind}/${c.name}`).sort()).toEqual(['Deployment/podinfo', 'Service/podinfo']);
  }, 60_000);

  it('a Deployment: exactly the ReplicaSets and Pods the cluster holds, the crash-looping pod Failed with its reason', async () => {
    const r = await tree('deploy/cart-api', { context: ['prod-eu'], namespace: 'checkout', output: 'json' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as TreeCommandJson;
    expect(doc.trees).toHaveLength(1);
    expect(doc.notFound).toEqual([]);
    const root = doc.trees[0].tree;
    expect(root).toMatchObject({ kind: 'Deployment', name: 'cart-api', status: 'Failed' });
    const store = demo.contexts.find((c) => c.name === 'prod-eu')!.cluster.store;
    const dep = store.get('deployments.apps', 'checkout', 'cart-api')!;
    const rss = store.list('replicasets.apps', 'checkout').filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid));
    expect(root.children.map((c) => `${c.kind}/${c.name}`).sort()).toEqual(rss.map((rs) => `ReplicaSet/${rs.metadata.name}`).sort());
    for (const rs of rss) {
      const node = root.children.find((c) => c.name === rs.metadata.name)!;
      const pods = store.list('pods', 'checkout').filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid) && !p.metadata.deletionTimestamp);
      expect(node.children.filter((c) => c.kind === 'Pod').map((c) => c.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    }
    const crashing = walk(root).find((n) => n.kind === 'Pod' && n.status === 'Failed');
    expect(crashing?.reason).toMatch(/CrashLoop/);
  }, 60_000);

  it('a Pod: its owners up to the Deployment are printed above it', async () => {
    const store = demo.contexts.find((c) => c.name === 'dev')!.cluster.store;
    const pod = store.list('pods', 'payments').find((p) => p.metadata.name.startsWith('payments-api-'))!;
    const r = await tree(`po/${pod.metadata.name}`, { context: ['dev'], namespace: 'payments' });
    expect(r.code).toBe(0);
    const rs = pod.metadata.ownerReferences![0].name;
    expect(r.out.split('\n')[0]).toBe(`dev  owned by ReplicaSet/payments/${rs} ← Deployment/payments/payments-api`);
    expect(r.out).toMatch(new RegExp(`^✓ Pod/payments/${pod.metadata.name} {2}Current Pod is Ready$`, 'm'));
  }, 60_000);

  it('not found anywhere: exit 1 with a clear message; bad input and unknown kinds: exit 2', async () => {
    const missing = await tree('deploy/no-such-app', { allContexts: true });
    expect(missing.code).toBe(1);
    // staging's user may not list kube-system: absence there proves nothing, so staging is unknown
    expect(missing.err).toBe('fleetdeck: staging: unknown (forbidden to list in kube-system)\nfleetdeck: Deployment/no-such-app not found in any namespace of dev, prod-eu; unknown in staging (forbidden to list in kube-system)\n');
    expect((await tree('deploy/no-such-app', { allContexts: true, namespace: 'payments' })).err).toBe('fleetdeck: Deployment/no-such-app not found in namespace payments of dev, staging, prod-eu\n');
    // staging's user may not list Secrets: there the absence proves nothing, so staging is
    // "unknown", never among the contexts the object was "not found" in
    const secret = await tree('secret/no-such-secret', { allContexts: true, output: 'json' });
    expect(secret.code).toBe(1);
    const sdoc = JSON.parse(secret.out) as TreeCommandJson;
    expect(sdoc.notFound).toEqual(['dev', 'prod-eu']);
    expect(sdoc.unknown).toEqual([{ context: 'staging', reason: 'forbidden to list' }]);
    expect(secret.err).toContain('fleetdeck: staging: unknown (forbidden to list)\n');
    expect(secret.err).toContain('fleetdeck: Secret/no-such-secret not found in any namespace of dev, prod-eu; unknown in staging (forbidden to list)\n');
    // no context read whole: unknown, as exit 2 and the JSON say, never "not found"
    const onlyForbidden = await tree('secret/no-such-secret', { context: ['staging'] });
    expect(onlyForbidden.code).toBe(2);
    expect(onlyForbidden.err).toBe('fleetdeck: staging: unknown (forbidden to list)\nfleetdeck: Secret/no-such-secret in any namespace: unknown, no context could be read (staging: forbidden to list)\n');
    const coredns = await tree('deploy/coredns', { context: ['staging'], namespace: 'kube-system' });
    expect(coredns.code).toBe(2);
    expect(coredns.err).toBe('fleetdeck: staging: unknown (forbidden to list)\nfleetdeck: Deployment/coredns in namespace kube-system: unknown, no context could be read (staging: forbidden to list)\n');
    expect(coredns.err).not.toContain('not found');
    const bad = await tree('cart-api', { allContexts: true });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/KIND\/NAME/);
    const unknown = await tree('widgets/x', { allContexts: true });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no selected context serves the kind "widgets"/);
  }, 60_000);
});
