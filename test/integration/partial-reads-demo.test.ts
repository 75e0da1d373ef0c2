// One-shot commands over a selection they could read only in part, against the simulated demo
// fleet (staging's user is denied kube-system) plus a context `gone` that refuses connections.
// The README's exit rule: 1 when not done on a selected context that could not be reached
// while others were. `logs --previous` exited 0 (and printed kubectl's "No resources found"
// as if the whole selection had been seen, or waited forever where staging refused the list);
// tree, trace and changes exited 0 with a context unread.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runChangesCommand } from '../../src/cli/changes.js';
import { runLogsCommand, type LogsCommandOptions } from '../../src/cli/logs.js';
import { startScenarioFleet } from '../../src/cli/sim.js';
import { runTraceCommand } from '../../src/cli/trace.js';
import { runTreeCommand } from '../../src/cli/tree.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { LeanStore } from '../../src/fleet/lean.js';
import { loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { namesKind } from '../../src/logs/targets.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import { Sink } from '../helpers/sink.js';
import { waitFor } from './helpers/sim.js';

let demo: SimFleet;
/** the demo's kubeconfig plus `gone`, whose server refuses connections */
let kubeconfig: string;

beforeAll(async () => {
  demo = await startScenarioFleet({ scenario: 'demo' });
  const doc = parse(demo.kubeconfig) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
  doc.clusters.push({ name: 'gone', cluster: { server: 'http://127.0.0.1:1' } });
  doc.users.push({ name: 'gone', user: { token: 'x' } });
  doc.contexts.push({ name: 'gone', context: { cluster: 'gone', user: 'gone' } });
  kubeconfig = join(await mkdtemp(join(tmpdir(), 'fleetdeck-partial-')), 'kubeconfig');
  await writeFile(kubeconfig, stringify(doc));
  // a Deployment with no pods in dev's kube-system: staging's user may not read one there
  const dev = demo.contexts.find((c) => c.name === 'dev')!.cluster;
  dev.store.create('deployments.apps', {
    metadata: { name: 'idle', namespace: 'kube-system', labels: { app: 'idle' } },
    spec: { replicas: 0, selector: { matchLabels: { app: 'idle' } }, template: { metadata: { labels: { app: 'idle' } }, spec: { containers: [{ name: 'app', image: 'idle:1' }] } } },
  });
}, 60_000);

afterAll(async () => {
  await demo?.stop();
});

/**
 * `fleetdeck logs` as the shell runs it (the lean store), stopped once `until(stderr)` holds
 * or after `ms`; `aborted`: it did not end by itself.
 */
async function logs(target: string, opts: LogsCommandOptions, contexts: string[], until?: (err: string) => boolean, ms = 20_000) {
  const store = new LeanStore({ contexts, merged: loadKubeconfig({ kubeconfig }), discover: namesKind(target) && opts.selector === undefined });
  const stdout = new Sink();
  const stderr = new Sink();
  const ac = new AbortController();
  const hang = setTimeout(() => ac.abort(), ms);
  try {
    const done = runLogsCommand(target, opts, { store, contexts, stdout, stderr, signal: ac.signal });
    if (until) {
      await waitFor(() => until(stderr.text), `stderr of ${target}`, ms);
      ac.abort();
    }
    const code = await done;
    return { code, out: stdout.text, err: stderr.text, aborted: ac.signal.aborted };
  } finally {
    clearTimeout(hang);
    await store.close();
  }
}

const GONE = /^gone: Unable to connect to the server: .*connection refused$/m;

describe('fleetdeck logs --previous over a selection read in part', () => {
  it('a context that cannot be reached: the others are read, what was not is said, exit 1', async () => {
    const r = await logs('databases/payments-db-3', { previous: true, tail: 1 }, ['prod-eu', 'gone']);
    expect(r.aborted).toBe(false);
    expect(r.out).toMatch(/^prod-eu\/payments-db-3\/postgres /m);
    expect(r.err).toMatch(GONE);
    expect(r.err).toContain('fleetdeck logs: not read: gone (unreachable)\n');
    expect(r.code).toBe(1);
    // the whole selection read: 0, nothing said
    const whole = await logs('databases/payments-db-3', { previous: true, tail: 1 }, ['prod-eu']);
    expect(whole).toMatchObject({ code: 0, err: '', aborted: false });
  }, 60_000);

  it('no pod matches where pods were read: not kubectl\'s "No resources found" while a context was not read; exit 1', async () => {
    const down = await logs('databases/zzz', { previous: true }, ['dev', 'gone']);
    expect(down).toMatchObject({ code: 1, aborted: false });
    expect(down.err).toContain('fleetdeck logs: no pod matches in what was read (dev in databases namespace); not read: gone (unreachable)\n');
    expect(down.err).not.toContain('No resources found');
    const selector = await logs('', { previous: true, selector: 'app=nothing-here', namespace: 'databases' }, ['dev', 'gone']);
    expect(selector).toMatchObject({ code: 1, aborted: false });
    expect(selector.err).toContain('fleetdeck logs: no pod matches in what was read (dev in databases namespace); not read: gone (unreachable)\n');
    // every context read: kubectl's line, exit 0
    const whole = await logs('databases/zzz', { previous: true }, ['dev', 'prod-eu']);
    expect(whole).toEqual({ code: 0, out: '', err: 'dev, prod-eu: No resources found in databases namespace.\n', aborted: false });
  }, 60_000);

  // these waited forever: "no pod matches" was judged only when every list was whole
  it('pods refused in one context (whole namespace, or some namespaces of all): said, ends, exit 1', async () => {
    const ns = await logs('kube-system/zzz', { previous: true }, ['dev', 'staging']);
    expect(ns).toMatchObject({ code: 1, out: '', aborted: false });
    expect(ns.err).toMatch(/^staging: Error from server \(Forbidden\): pods is forbidden: /m);
    expect(ns.err).toContain('fleetdeck logs: no pod matches in what was read (dev in kube-system namespace); not read: pods in kube-system of staging (forbidden)\n');
    expect(ns.err).not.toContain('No resources found');
    const all = await logs('zzz', { previous: true }, ['staging']);
    expect(all).toMatchObject({ code: 1, out: '', aborted: false });
    expect(all.err).toContain('fleetdeck logs: no pod matches in what was read (staging); not read: pods in kube-system of staging (forbidden)\n');
  }, 60_000);

  it('KIND/NAME the API refused to read in one context: not "No resources found" of the others, exit 1', async () => {
    const r = await logs('deploy/idle', { previous: true, namespace: 'kube-system' }, ['dev', 'staging']);
    expect(r).toMatchObject({ code: 1, out: '', aborted: false });
    expect(r.err).toMatch(/^staging: Error from server \(Forbidden\): deployments.apps "idle" is forbidden: /m);
    expect(r.err).toContain('fleetdeck logs: no pod matches in what was read (dev in kube-system namespace); not read: deploy/idle in staging (could not be read)\n');
    expect(r.err).not.toContain('No resources found');
  }, 60_000);

  it('a follow says the same once and waits, as it waits for a pod to come', async () => {
    const r = await logs('kube-system/zzz', {}, ['dev', 'staging'], (err) => err.includes('waiting for one'));
    expect(r.aborted).toBe(true);
    expect(r.code).toBe(0);
    expect(r.err).toContain('fleetdeck logs: no pod matches yet in what was read (dev in kube-system namespace); not read: pods in kube-system of staging (forbidden); waiting for one\n');
  }, 60_000);
});

describe('fleetdeck logs of a Flux object (a tester: it waited in silence, --previous for ever)', () => {
  it('an inventory that holds no workload: said once (follow), No resources found (--previous, exit 0)', async () => {
    // the demo's infrastructure Kustomization applies namespaces and config, no workload
    const follow = await logs('ks/infrastructure', { tail: 1 }, ['dev'], (err) => err.includes('waiting for one'));
    expect(follow.err).toBe('fleetdeck logs: no pod matches yet (ks/infrastructure: its inventory holds no workload); waiting for one\n');
    const previous = await logs('ks/infrastructure', { previous: true }, ['dev']);
    expect(previous).toMatchObject({ code: 0, aborted: false, err: 'No resources found (ks/infrastructure: its inventory holds no workload).\n' });
  }, 60_000);

  it('an inventory whose workload sits where the user may not list pods: kubectl\'s Forbidden line, exit 1, not a silent wait', async () => {
    // staging's user is denied kube-system: a Kustomization there whose inventory is a kube-system Deployment
    const staging = demo.contexts.find((c) => c.name === 'staging')!.cluster;
    staging.store.create('kustomizations.kustomize.toolkit.fluxcd.io', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization',
      metadata: { name: 'into-kube-system', namespace: 'flux-system' },
      spec: { interval: '10m', path: './system', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, targetNamespace: 'kube-system' },
      status: { inventory: { entries: [{ id: 'kube-system_coredns_apps_Deployment', v: 'v1' }] } },
    });
    const r = await logs('ks/into-kube-system', { previous: true }, ['staging']);
    expect(r.aborted).toBe(false);
    expect(r.err).toMatch(/Error from server \(Forbidden\): pods is forbidden: .*in the namespace "kube-system"/);
    expect(r.code).toBe(1);
  }, 60_000);
});

describe('tree, trace and changes with a selected context that cannot be reached', () => {
  const base = () => ({ kubeconfig, config: defaultAppConfig(), timeoutMs: 15_000 });
  async function run(fn: (io: { stdout: Sink; stderr: Sink; env: NodeJS.ProcessEnv }) => Promise<number>) {
    const io = { stdout: new Sink(), stderr: new Sink(), env: {} };
    const code = await fn(io);
    return { code, out: io.stdout.text, err: io.stderr.text };
  }

  it('tree and trace print what they read and exit 1; with every context read, 0', async () => {
    const tree = await run((io) => runTreeCommand('deploy/cart-api', { ...base(), namespace: 'checkout', context: ['dev', 'gone'] }, io));
    expect(tree.out).toMatch(/^dev$/m);
    expect(tree.out).toContain('Deployment/checkout/cart-api');
    expect(tree.err).toMatch(/^fleetdeck: context gone is unreachable/m);
    expect(tree.code).toBe(1);
    expect((await run((io) => runTreeCommand('deploy/cart-api', { ...base(), namespace: 'checkout', context: ['dev'] }, io))).code).toBe(0);

    const trace = await run((io) => runTraceCommand('deploy/cart-api', { ...base(), namespace: 'checkout', context: ['dev', 'gone'] }, io));
    expect(trace.out).toMatch(/^Deployment:\s+cart-api$/m);
    expect(trace.err).toMatch(/^fleetdeck: gone: unknown \(context unreachable/m);
    expect(trace.code).toBe(1);
    expect((await run((io) => runTraceCommand('deploy/cart-api', { ...base(), namespace: 'checkout', context: ['dev'] }, io))).code).toBe(0);
  }, 60_000);

  it('changes prints what it read and exits 1', async () => {
    const r = await run((io) => runChangesCommand({ ...base(), context: ['dev', 'gone'], since: '1h' }, io));
    expect(r.err).toMatch(/^fleetdeck: gone: not read \(context unreachable/m);
    expect(r.code).toBe(1);
  }, 60_000);
});
