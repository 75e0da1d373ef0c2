// compare, trace and changes over real HTTP against the simulated demo fleet (dev, staging,
// prod-eu), checked against what kubectl reads from the same servers: prod-eu's bad cart-api
// image stands out and compare exits 1; a pod of the Flux-applied payments-api traces to its
// Kustomization and GitRepository with the revision; the last hour's changes hold the
// cart-api rollout in prod-eu and the failing Kustomization's revision in staging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChangesCommand, type ChangesJson } from '../../src/cli/changes.js';
import { runCompareCommand } from '../../src/cli/compare.js';
import { runTraceCommand, type TraceJson } from '../../src/cli/trace.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { startScenarioFleet } from '../../src/cli/sim.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import { kubectlOn } from '../controlplane/harness.js';
import { Sink } from '../helpers/sink.js';

let demo: SimFleet;
const ALL = { allContexts: true };

/** kubectl as an independent client (async: the simulated fleet serves from this process). */
async function kubectl(context: string, args: string[]): Promise<string> {
  const r = await kubectlOn(demo.kubeconfigPath, context)(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function run(fn: (io: { stdout: Sink; stderr: Sink; env: NodeJS.ProcessEnv }) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const io = { stdout: new Sink(), stderr: new Sink(), env: {} };
  const code = await fn(io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}
const base = () => ({ kubeconfig: demo.kubeconfigPath, config: defaultAppConfig(), timeoutMs: 15_000 });

beforeAll(async () => {
  demo = await startScenarioFleet({ scenario: 'demo' });
}, 60_000);

afterAll(async () => {
  await demo?.stop();
});

describe('fleetdeck compare on the demo fleet', () => {
  it("deploy/cart-api: prod-eu's bad image against the others, exit 1; values equal kubectl's", async () => {
    const r = await run((io) => runCompareCommand('deploy/cart-api', { ...base(), ...ALL, output: 'json' }, io));
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { verdict: string; namespace: string; facts: { field: string; differs: boolean; values: Record<string, string | null> }[]; fields: { field: string }[]; contexts: { context: string; presence: string }[] };
    expect(doc.verdict).toBe('differ');
    expect(doc.namespace).toBe('checkout');
    expect(doc.contexts.map((c) => c.presence)).toEqual(['found', 'found', 'found']);
    const image = doc.facts.find((f) => f.field === 'image cart-api')!;
    expect(image.differs).toBe(true);
    for (const ctx of ['dev', 'staging', 'prod-eu']) {
      expect(image.values[ctx]).toBe(await kubectl(ctx, ['get', 'deploy', 'cart-api', '-n', 'checkout', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']));
    }
    expect(image.values['prod-eu']).toMatch(/1\.6\.0-bad$/);
    expect(image.values.dev).toBe(image.values.staging);
    expect(doc.fields.map((f) => f.field)).toContain('spec.template.spec.containers[name=cart-api].image');

    const text = await run((io) => runCompareCommand('deploy/cart-api', { ...base(), ...ALL }, io));
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/Deployment checkout\/cart-api: DIFFERS across contexts/);
    expect(text.out).toMatch(/^≠ +image cart-api +ghcr\.io\/acme\/cart-api:1\.5\.0 +ghcr\.io\/acme\/cart-api:1\.5\.0 +ghcr\.io\/acme\/cart-api:1\.6\.0-bad$/m);
  });

  it('an object the same everywhere exits 0; one missing from a context exits 1 naming it', async () => {
    // cart-api's Service was applied by hand with the same manifest everywhere
    const same = await run((io) => runCompareCommand('svc/cart-api', { ...base(), ...ALL, output: 'json' }, io));
    const sdoc = JSON.parse(same.out) as { verdict: string; fields: unknown[] };
    expect(sdoc).toMatchObject({ verdict: 'equal', fields: [] });
    expect(same.code).toBe(0);
    const pvc = await run((io) => runCompareCommand('pvc/scratch-data', { ...base(), ...ALL, output: 'json' }, io));
    expect(pvc.code).toBe(1);
    const pdoc = JSON.parse(pvc.out) as { contexts: { context: string; presence: string }[] };
    expect(pdoc.contexts).toEqual([{ context: 'dev', presence: 'found' }, { context: 'staging', presence: 'missing' }, { context: 'prod-eu', presence: 'missing' }]);
  });

  it("a kind staging's user may not list is unknown there, never missing", async () => {
    const r = await run((io) => runCompareCommand('secret/payments-db-credentials', { ...base(), ...ALL, namespace: 'payments', output: 'json' }, io));
    const doc = JSON.parse(r.out) as { verdict: string; contexts: { context: string; presence: string; reason?: string }[] };
    const staging = doc.contexts.find((c) => c.context === 'staging')!;
    expect(staging.presence).toBe('unknown');
    expect(staging.reason).toMatch(/forbidden/);
    expect(r.code).not.toBe(0);
  });

  it('bad input is exit 2', async () => {
    expect((await run((io) => runCompareCommand('cart-api', { ...base(), ...ALL }, io))).code).toBe(2);
    expect((await run((io) => runCompareCommand('nosuchkind/x', { ...base(), ...ALL }, io))).code).toBe(2);
  });
});

describe('fleetdeck trace on the demo fleet', () => {
  it('a pod of the Flux-applied payments-api: Pod → ReplicaSet → Deployment → Kustomization → GitRepository with the revision', async () => {
    const pod = await kubectl('prod-eu', ['get', 'pods', '-n', 'payments', '-l', 'app=payments-api', '-o', 'jsonpath={.items[0].metadata.name}']);
    const r = await run((io) => runTraceCommand(`pod/${pod}`, { ...base(), context: ['prod-eu'], namespace: 'payments', output: 'json' }, io));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as TraceJson;
    expect(doc.traces).toHaveLength(1);
    const t = doc.traces[0];
    expect(t.managed).toBe('flux');
    expect(t.steps.map((s) => s.kind)).toEqual(['Pod', 'ReplicaSet', 'Deployment', 'Kustomization', 'GitRepository']);
    const ks = t.steps[3];
    const git = t.steps[4];
    expect(ks).toMatchObject({ namespace: 'flux-system', name: 'apps', via: 'flux-label' });
    expect(ks.appliedRevision).toBe(await kubectl('prod-eu', ['get', 'ks', 'apps', '-n', 'flux-system', '-o', 'jsonpath={.status.lastAppliedRevision}']));
    expect(git.appliedRevision).toBe(await kubectl('prod-eu', ['get', 'gitrepo', 'flux-system', '-n', 'flux-system', '-o', 'jsonpath={.status.artifact.revision}']));
    expect(git.url).toBe('https://github.com/acme/fleet-gitops');
    expect(git.appliedRevision).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    // the ReplicaSet is the pod's controller, as kubectl sees it
    expect(t.steps[1].name).toBe(await kubectl('prod-eu', ['get', 'pod', pod, '-n', 'payments', '-o', 'jsonpath={.metadata.ownerReferences[0].name}']));

    const text = await run((io) => runTraceCommand(`pod/${pod}`, { ...base(), context: ['prod-eu'], namespace: 'payments' }, io));
    expect(text.out.split('\n')[0]).toMatch(new RegExp(`^prod-eu: Pod/payments/${pod} → ReplicaSet/payments/\\S+ → Deployment/payments/payments-api → Kustomization/flux-system/apps → GitRepository/flux-system/flux-system @ main@sha1:[0-9a-f]{40}$`));
    expect(text.out).toMatch(/^URL: +https:\/\/github\.com\/acme\/fleet-gitops$/m);
  });

  it("staging's failing Kustomization shows Ready False with its reason on the way", async () => {
    const r = await run((io) => runTraceCommand('deploy/payments-api', { ...base(), context: ['staging'], output: 'json' }, io));
    const ks = (JSON.parse(r.out) as TraceJson).traces[0].steps.find((s) => s.kind === 'Kustomization')!;
    expect(ks.ready).toMatchObject({ status: 'False', reason: 'BuildFailed' });
  });

  it('a hand-applied object is not managed by Flux; one that does not exist is exit 1', async () => {
    const r = await run((io) => runTraceCommand('deploy/cart-api', { ...base(), context: ['dev'], output: 'json' }, io));
    expect((JSON.parse(r.out) as TraceJson).traces[0].managed).toBe('not-flux');
    expect((await run((io) => runTraceCommand('deploy/nope', { ...base(), ...ALL }, io))).code).toBe(1);
  });

  it('an object in no context read whole is unknown, never "not found"; the kind spelled as tree spells it', async () => {
    const r = await run((io) => runTraceCommand('deploy/coredns', { ...base(), context: ['staging'], namespace: 'kube-system' }, io));
    expect(r.code).toBe(2);
    expect(r.err).toBe('fleetdeck: staging: unknown (forbidden to list)\nfleetdeck: Deployment/coredns in namespace kube-system: unknown, no context could be read (staging: forbidden to list)\n');
    const some = await run((io) => runTraceCommand('deploy/nope', { ...base(), ...ALL, namespace: 'kube-system' }, io));
    expect(some.code).toBe(1);
    expect(some.err).toContain('fleetdeck: Deployment/nope not found in namespace kube-system of dev, prod-eu; unknown in staging (forbidden to list)\n');
  });

  it('a Helm-installed Deployment traces through its HelmRelease and HelmChart to the HelmRepository', async () => {
    const r = await run((io) => runTraceCommand('deploy/podinfo', { ...base(), context: ['prod-eu'], namespace: 'checkout', output: 'json' }, io));
    const t = (JSON.parse(r.out) as TraceJson).traces[0];
    expect(t.steps.map((s) => s.kind)).toEqual(['Deployment', 'HelmRelease', 'HelmChart', 'HelmRepository']);
    expect(t.steps[3].url).toBe('https://stefanprodan.github.io/podinfo');
  });
});

describe('fleetdeck changes on the demo fleet', () => {
  it("the last hour: prod-eu's cart-api rollout with its image change, and staging's failing Kustomization revision", async () => {
    const r = await run((io) => runChangesCommand({ ...base(), ...ALL, since: '1h', output: 'json' }, io));
    // staging's kube-system is not read (below): the list is not the whole answer
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as ChangesJson;
    const rollout = doc.changes.find((c) => c.context === 'prod-eu' && c.kind === 'Deployment' && c.name === 'cart-api' && c.change === 'rollout' && c.to?.endsWith('1.6.0-bad'));
    expect(rollout, JSON.stringify(doc.changes.filter((c) => c.name === 'cart-api'))).toBeDefined();
    expect(rollout!.from).toMatch(/cart-api:1\.5\.0$/);
    const failed = doc.changes.find((c) => c.context === 'staging' && c.kind === 'Kustomization' && c.name === 'apps' && c.change === 'flux-failed');
    expect(failed).toBeDefined();
    expect(failed!.to).toBe(await kubectl('staging', ['get', 'ks', 'apps', '-n', 'flux-system', '-o', 'jsonpath={.status.lastAttemptedRevision}']));
    expect(failed!.what).toMatch(/BuildFailed/);
    // newest first
    const times = doc.changes.map((c) => Date.parse(c.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // staging's user is denied kube-system: said, not hidden
    expect(doc.unread.some((u) => u.context === 'staging' && /kube-system/.test(u.reason))).toBe(true);
    expect(doc.notes.join('\n')).toMatch(/deletions and scale changes/);
  });

  it('filters by context, namespace and kind (as typed: deploy)', async () => {
    const r = await run((io) => runChangesCommand({ ...base(), context: ['prod-eu'], namespace: 'checkout', kind: ['deploy'], since: '1h', output: 'json' }, io));
    const doc = JSON.parse(r.out) as ChangesJson;
    expect(doc.changes.length).toBeGreaterThan(0);
    for (const c of doc.changes) expect(c).toMatchObject({ context: 'prod-eu', namespace: 'checkout', kind: 'Deployment' });
    const text = await run((io) => runChangesCommand({ ...base(), context: ['prod-eu'], since: '1h' }, io));
    expect(text.out.split('\n')[0]).toMatch(/^AGE +TIME +CONTEXT +OBJECT +CHANGE +WHAT$/);
    expect(text.out).toMatch(/prod-eu +Deployment\/checkout\/cart-api +rollout +revision 2 → 3: image cart-api: ghcr\.io\/acme\/cart-api:1\.5\.0 → ghcr\.io\/acme\/cart-api:1\.6\.0-bad/);
    expect((await run((io) => runChangesCommand({ ...base(), ...ALL, since: 'yesterday' }, io))).code).toBe(2);
  });

  it('a -n namespace no context has is a typo (exit 2), never "no recorded change"', async () => {
    const r = await run((io) => runChangesCommand({ ...base(), ...ALL, namespace: 'chekout', since: '1h' }, io));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/namespace "chekout" not found in any selected context/);
    expect(r.out).not.toMatch(/no recorded change/i);
  });
});
