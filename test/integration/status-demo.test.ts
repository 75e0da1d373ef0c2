// `fleetdeck status` over real HTTP against the simulated demo fleet: every injected fault is
// named with its reason, the JSON is stable, a suspended Kustomization is listed without
// failing on its own, and broken kubeconfigs or dead contexts end in exit 2 (or 1 when some
// context still answers) within the deadline instead of hanging.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type StatusOptions } from '../../src/cli/status.js';
import type { StatusJson } from '../../src/model/fleet-summary.js';
import { startScenarioFleet } from '../../src/cli/sim.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import { runStatus } from '../helpers/sink.js';

const status = (opts: Partial<StatusOptions>, tty = false) => runStatus({ allContexts: true, timeoutMs: 15_000, ...opts }, tty);

let demo: SimFleet;
let dir: string;
let hang: Server;
const sockets: Socket[] = [];

/** The demo kubeconfig plus extra contexts pointing at the given servers. */
async function kubeconfigWith(extra: { name: string; server: string }[], only = false, base: SimFleet = demo): Promise<string> {
  const doc = parse(base.kubeconfig) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
  if (only) Object.assign(doc, { clusters: [], users: [], contexts: [] });
  for (const e of extra) {
    doc.clusters.push({ name: e.name, cluster: { server: e.server } });
    doc.users.push({ name: e.name, user: { token: 'x' } });
    doc.contexts.push({ name: e.name, context: { cluster: e.name, user: e.name } });
  }
  const file = join(dir, `kubeconfig-${extra.map((e) => e.name).join('-')}${only ? '-only' : ''}${base === demo ? '' : '-healthy'}`);
  await writeFile(file, stringify(doc));
  return file;
}

beforeAll(async () => {
  demo = await startScenarioFleet({ scenario: 'demo' });
  dir = await mkdtemp(join(tmpdir(), 'fleetdeck-status-'));
  // accepts connections and never answers: a hanging API server
  hang = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => hang?.close(r));
  await demo?.stop();
});

const FAULTS: { context: string; kind: string; name: string; status: string; reason: RegExp }[] = [
  { context: 'staging', kind: 'Kustomization', name: 'apps', status: 'Failed', reason: /BuildFailed: kustomize build failed/ },
  { context: 'prod-eu', kind: 'HelmRelease', name: 'podinfo', status: 'Failed', reason: /Failed to upgrade|RetriesExceeded|rollback/i },
  { context: 'prod-eu', kind: 'Deployment', name: 'cart-api', status: 'Failed', reason: /CrashLoopBackOff/ },
  { context: 'prod-eu', kind: 'Cluster', name: 'payments-db', status: 'Failed', reason: /2\/3 instances ready/ },
  // its ClusterIssuer does not exist: the deepest cause is the verdict (issue 20 case 11)
  { context: 'staging', kind: 'Certificate', name: 'shop-tls', status: 'Failed', reason: /ClusterIssuer letsencrypt-prod-missing does not exist/ },
  { context: 'dev', kind: 'PersistentVolumeClaim', name: 'scratch-data', status: 'InProgress', reason: /not Bound.*fast-ssd-retired/ },
  { context: 'staging', kind: 'Namespace', name: 'legacy-reports', status: 'Terminating', reason: /reports\.acme\.io\/export-cleanup/ },
  { context: 'dev', kind: 'Kustomization', name: 'monitoring-stack', status: 'Suspended', reason: /suspended/ },
];

describe('fleetdeck status on the demo fleet', () => {
  it('table: exits 1 and names every injected fault with its reason; plain text off a TTY', async () => {
    const r = await status({ kubeconfig: demo.kubeconfigPath, output: 'table' });
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    for (const f of FAULTS) {
      const line = lines.find((l) => l.includes(` ${f.context} `) && l.includes(` ${f.kind} `) && l.includes(` ${f.name} `));
      expect(line, `${f.context} ${f.kind} ${f.name}`).toBeDefined();
      expect(line).toContain(f.status);
      expect(line).toMatch(f.reason);
    }
    for (const c of ['dev', 'staging', 'prod-eu']) expect(lines.some((l) => l.startsWith(`${c} `) && l.includes(' ready '))).toBe(true);
    // staging is not read whole: every count over the problems is a lower bound (9+), as in the TUI
    expect(r.out).toMatch(/^unhealthy: \d+\+ problems, 1\+ suspended; unknown: staging: .*forbidden in kube-system/m);
    expect(r.out).toMatch(/^PROBLEMS \(\d+\+\)$/m);
    // staging's user may not read kube-system: its counts are unknown, said where they are
    expect(r.out).toMatch(/^UNKNOWN \(1 context not fully seen\)\nstaging: .*forbidden in kube-system$/m);
    expect(lines.find((l) => l.startsWith('staging '))!.split(/\s{2,}/).slice(5, 10)).toEqual(['?', '?', '?', '?', '?']);
    // pods by phase, then the failing ones apart: prod-eu's CrashLoopBackOff pods are Running
    expect(lines[0].split(/\s{2,}/).slice(5, 7)).toEqual(['PODS RUN/PEND/FAIL', 'PODS FAILING']);
    expect(lines.find((l) => l.startsWith('prod-eu '))!.split(/\s{2,}/).slice(5, 7)).toEqual([expect.stringMatching(/^\d+\/\d+\/0$/), expect.stringMatching(/^[1-9]\d*$/)]);
    expect(r.out).not.toContain('\x1b[');
  }, 60_000);

  it('json: stable shape, each fault listed with status and severity, counts per context', async () => {
    const r = await status({ kubeconfig: demo.kubeconfigPath, output: 'json' });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as StatusJson;
    expect(Object.keys(doc)).toEqual(['contexts', 'problems', 'problemsComplete', 'healthy']);
    expect(doc.healthy).toBe(false);
    // staging not read whole: the list is a lower bound
    expect(doc.problemsComplete).toBe(false);
    expect(doc.contexts.map((c) => [c.name, c.state])).toEqual([['dev', 'ready'], ['staging', 'ready'], ['prod-eu', 'ready']]);
    for (const c of doc.contexts) {
      expect(Object.keys(c)).toEqual(['name', 'state', 'latencyMs', 'serverVersion', 'nodes', 'pods', 'workloads', 'flux', 'crs', 'lastError', 'coverage', 'sameClusterAs', 'sameClusterBasis']);
      expect(c.nodes).toEqual({ ready: 3, total: 3 });
      expect(c.serverVersion).toMatch(/^v1\./);
      expect(c.lastError).toBeNull();
    }
    const byName = Object.fromEntries(doc.contexts.map((c) => [c.name, c]));
    expect(byName.dev.flux?.suspended).toBe(1);
    // staging's Flux kinds are forbidden in kube-system: unknown, not a count (coverage says why)
    expect(byName.staging.flux).toBeNull();
    expect(byName.staging.coverage?.complete).toBe(false);
    expect(byName.staging.coverage?.forbidden).toContain('kustomizations.kustomize.toolkit.fluxcd.io in kube-system');
    expect(byName.dev.coverage).toEqual({ complete: true, syncing: [], forbidden: [], failed: [] });
    expect(byName['prod-eu'].crs?.unhealthy).toBeGreaterThanOrEqual(1);
    // by phase, adding up, as kubectl --field-selector status.phase=Failed (none in the demo);
    // the CrashLoopBackOff pods (phase Running) are failing, not failed
    for (const c of doc.contexts.filter((x) => x.pods)) {
      const p = c.pods!;
      expect(Object.keys(p)).toEqual(['running', 'pending', 'succeeded', 'failed', 'unknown', 'total', 'failing']);
      expect(p.running + p.pending + p.succeeded + p.failed + p.unknown).toBe(p.total);
    }
    expect(byName['prod-eu'].pods?.failed).toBe(0);
    expect(byName['prod-eu'].pods?.failing).toBeGreaterThanOrEqual(1);
    for (const f of FAULTS) {
      const p = doc.problems.find((x) => x.context === f.context && x.kind === f.kind && x.name === f.name);
      expect(p, `${f.context} ${f.kind} ${f.name}`).toBeDefined();
      expect(p!.status).toBe(f.status);
      expect(p!.reason).toMatch(f.reason);
      expect(Object.keys(p!)).toEqual(['context', 'kind', 'namespace', 'name', 'status', 'severity', 'reason', 'since', 'contexts']);
    }
    // most severe first: the Failed ones lead, the suspended Kustomization comes last
    expect(doc.problems[0].severity).toBe('failed');
    expect(doc.problems.at(-1)?.severity).toBe('suspended');
  }, 60_000);

  it('colours only on a TTY; --fail-on-suspended counts the suspension', async () => {
    const tty = await status({ kubeconfig: demo.kubeconfigPath, allContexts: false, context: ['dev'] }, true);
    expect(tty.out).toContain('\x1b[');
    const dev = await status({ kubeconfig: demo.kubeconfigPath, allContexts: false, context: ['dev'], output: 'json', failOnSuspended: true });
    expect(dev.code).toBe(1);
  }, 60_000);

  it('-n with a namespace no context has is a typo: exit 2 naming it, never "healthy" from its empty lists', async () => {
    const typo = await status({ kubeconfig: demo.kubeconfigPath, allContexts: false, context: ['prod-eu'], namespace: 'chekout' });
    expect(typo.code).toBe(2);
    expect(typo.err).toBe('fleetdeck: namespace "chekout" not found in prod-eu\n');
    expect(typo.out).not.toMatch(/healthy|no problems/);
    const everywhere = await status({ kubeconfig: demo.kubeconfigPath, namespace: 'chekout', output: 'json' });
    expect(everywhere.code).toBe(2);
    expect(everywhere.err).toMatch(/namespace "chekout" not found in any selected context \(dev, staging, prod-eu\)/);
    // one that only some contexts have (staging's legacy-reports): the others are named, the report goes on
    const some = await status({ kubeconfig: demo.kubeconfigPath, namespace: 'legacy-reports' });
    expect(some.err).toContain('fleetdeck: dev: namespace "legacy-reports" not found: nothing there is counted');
    expect(some.err).toContain('fleetdeck: prod-eu: namespace "legacy-reports" not found');
    expect(some.out).toMatch(/^CONTEXT/);
    expect(some.code).not.toBe(2);
  }, 60_000);

  it('exits 2 on a malformed kubeconfig, naming the file', async () => {
    const file = join(dir, 'broken');
    await writeFile(file, 'apiVersion: v1\nclusters: [\n  - name: {\n');
    const r = await status({ kubeconfig: file });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^fleetdeck: .*broken/);
    expect(r.out).toBe('');
  });

  it('exits 2 when no context is reachable, within the deadline even when the server hangs', async () => {
    const refused = await kubeconfigWith([{ name: 'gone', server: 'http://127.0.0.1:1' }], true);
    const a = await status({ kubeconfig: refused });
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/no context is reachable[\s\S]*gone: unreachable/);

    const port = (hang.address() as { port: number }).port;
    const hanging = await kubeconfigWith([{ name: 'hung', server: `http://127.0.0.1:${port}` }], true);
    const t = Date.now();
    const b = await status({ kubeconfig: hanging, timeoutMs: 2_000 });
    expect(b.code).toBe(2);
    // the 2 s deadline ends the wait: well before the hanging server would (never), with room
    // for a loaded machine
    expect(Date.now() - t).toBeLessThan(20_000);
  }, 60_000);

  it('a dead context beside live ones: exit 1, its row unreachable, the others fully read', async () => {
    const file = await kubeconfigWith([{ name: 'gone', server: 'http://127.0.0.1:1' }]);
    const r = await status({ kubeconfig: file, allContexts: false, output: 'json', context: ['dev', 'gone'] });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as StatusJson;
    const gone = doc.contexts.find((c) => c.name === 'gone')!;
    expect(gone.state).toBe('unreachable');
    expect(gone.lastError).toBeTruthy();
    expect(gone.nodes).toBeNull();
    expect(doc.contexts.find((c) => c.name === 'dev')?.nodes).toEqual({ ready: 3, total: 3 });
  }, 30_000);
});

describe('fleetdeck status on the healthy fleet', () => {
  let healthy: SimFleet;
  beforeAll(async () => {
    healthy = await startScenarioFleet({ scenario: 'healthy' });
  }, 60_000);
  afterAll(async () => {
    await healthy?.stop();
  });

  it('exits 0 with no problems listed on the contexts it may read whole', async () => {
    const r = await status({ kubeconfig: healthy.kubeconfigPath, allContexts: false, context: ['dev', 'prod-eu'], output: 'json' });
    const doc = JSON.parse(r.out) as StatusJson;
    expect(doc.problems).toEqual([]);
    expect(doc.healthy).toBe(true);
    expect(r.code).toBe(0);
  }, 60_000);

  it('a dead context beside healthy ones: never "every watched object is Current"; it is listed as not fully seen, exit 1', async () => {
    const file = await kubeconfigWith([{ name: 'gone', server: 'http://127.0.0.1:1' }], false, healthy);
    const r = await status({ kubeconfig: file, allContexts: false, context: ['dev', 'gone'], output: 'table' });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('every watched object is Current');
    expect(r.out).toContain('no problems in what could be read');
    expect(r.out).toMatch(/^UNKNOWN \(1 context not fully seen\)$/m);
    expect(r.out).toMatch(/^gone: context unreachable/m);
    expect(r.out).toMatch(/^unhealthy: 1 context not ready; unknown: gone: context unreachable/m);
  }, 60_000);

  it('issue 20 case 3: with staging (its user denied kube-system) nothing is wrong in what it sees, but the verdict is unknown, exit 1', async () => {
    const r = await status({ kubeconfig: healthy.kubeconfigPath, output: 'table' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('no problems in what could be read');
    expect(r.out).toMatch(/^unknown: staging: .*forbidden in kube-system/m);
    expect(r.out).not.toMatch(/^healthy/m);
    // scoped to a namespace the user reads whole, staging has a verdict again
    const scoped = await status({ kubeconfig: healthy.kubeconfigPath, namespace: 'payments', output: 'json' });
    const doc = JSON.parse(scoped.out) as StatusJson;
    expect(doc.contexts.map((c) => c.coverage?.complete)).toEqual([true, true, true]);
    expect(doc.problemsComplete).toBe(true);
    expect(scoped.code).toBe(0);
  }, 60_000);
});
