// The flux CLI (v2.9.5, built by tools/controlplane/flux/build.sh) as an independent client
// on the same Flux state fleetdeck reads, on the real control plane with the real Flux
// controllers (a *.cluster.test.ts file: vitest.config.ts runs it only when the cluster
// backend is selected, as `npm run test:cluster` does, since it needs the built flux CLI): `flux get ks -A`,
// `flux get hr -A` and `flux tree ks` agree with fleetdeck's rows (fluxSummary) and tree;
// actions taken through fleetdeck's executor are read back by `flux get`, and `flux`'s own
// suspend / resume / reconcile are read back by fleetdeck.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createAuditLog } from '../../src/actions/audit.js';
import { createExecutor, type Executor } from '../../src/actions/executor.js';
import type { Lookup, Target } from '../../src/actions/types.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { runTreeCommand, type TreeCommandJson } from '../../src/cli/tree.js';
import { ContextClient, request } from '../../src/kube/client.js';
import { discover } from '../../src/kube/discovery.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { fluxSummary, type FluxSummary } from '../../src/model/flux.js';
import type { TreeJson } from '../../src/model/tree.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';
import { buildFlux } from '../controlplane/harness.js';
import { appObjects, fixtureFleet } from '../controlplane/flux-fixtures.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000) =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 200, retryErrors: true });
const TEST_MS = 120_000;

const RESOURCE: Record<string, string> = {
  Kustomization: 'kustomizations.kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helmreleases.helm.toolkit.fluxcd.io',
  GitRepository: 'gitrepositories.source.toolkit.fluxcd.io',
  HelmRepository: 'helmrepositories.source.toolkit.fluxcd.io',
};

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** A table as `flux get` prints it: columns start where their header starts. */
export function parseTable(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = lines[0];
  const starts: { name: string; at: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(header); m; m = re.exec(header)) starts.push({ name: m[0], at: m.index });
  return lines.slice(1).map((line) => Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, i + 1 < starts.length ? starts[i + 1].at : undefined).trim()])));
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

for (const backend of backends.filter((b) => b.name === 'cluster')) {
  describe(`the flux CLI and fleetdeck on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let flux: string;
    let client: ContextClient;
    let types: ResourceType[];
    let stateHome: string;
    const id = randomBytes(3).toString('hex');
    const ns = `fd-fluxcli-${id}`;
    const appsNs = `fd-fluxcli-apps-${id}`;

    const fluxCli = (args: string[]): Promise<Run> =>
      new Promise((res, rej) => {
        const child = spawn(flux, [...args, '--context', env.adminContext], { env: { ...process.env, KUBECONFIG: env.kubeconfigPath } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', rej);
        child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
      });
    const get = async (kind: string, name: string): Promise<KubeObject> => {
      const r = await env.kubectl(['get', '-n', ns, `${RESOURCE[kind]}/${name}`, '-o', 'json']);
      if (r.code !== 0) throw new Error(`kubectl get ${kind}/${name}: ${r.stderr}`);
      return JSON.parse(r.stdout) as KubeObject;
    };
    const list = async (kind: string): Promise<FluxSummary[]> => {
      const r = await env.kubectl(['get', '-n', ns, RESOURCE[kind], '-o', 'json']);
      return (JSON.parse(r.stdout) as { items: KubeObject[] }).items.map((o) => fluxSummary(o, kind));
    };
    /** `flux get <kind> -A` rows in this test's namespace */
    const fluxGet = async (what: 'ks' | 'hr'): Promise<Record<string, string>[]> => {
      const r = await fluxCli(['get', what, '-A']);
      expect(r.stderr, `flux get ${what} -A`).toBe('');
      expect(r.code).toBe(0);
      return parseTable(r.stdout).filter((row) => row.NAMESPACE === ns);
    };
    /** `flux get` shortens the digests inside a message: both sides compared at 7 hex digits */
    const shortDigests = (m: string | undefined): string | undefined => m?.replace(/\b(sha1|sha256|sha384|sha512):([0-9a-f]{7})[0-9a-f]*/g, '$1:$2');
    /** A fleetdeck row in `flux get`'s terms */
    const asFluxRow = (s: FluxSummary) => ({
      NAMESPACE: s.namespace, NAME: s.name, REVISION: s.revision, SUSPENDED: s.suspended ? 'True' : 'False', READY: s.ready, MESSAGE: shortDigests(s.message),
    });

    const seen = new Map<string, KubeObject>();
    const lookup: Lookup = {
      resources: () => types,
      get: (_ctx, resource, namespace, name) => seen.get(`${resource}/${namespace ?? ''}/${name}`),
      list: () => [],
    };
    async function target(kind: string, name: string): Promise<Target> {
      const object = await get(kind, name);
      seen.set(`${RESOURCE[kind]}/${ns}/${name}`, object);
      seen.set(`${RESOURCE.GitRepository}/${ns}/fleet`, await get('GitRepository', 'fleet'));
      seen.set(`${RESOURCE.HelmRepository}/${ns}/charts`, await get('HelmRepository', 'charts'));
      return { context: env.adminContext, resource: RESOURCE[kind], kind, namespace: ns, name, object };
    }
    function executor(): Executor {
      return createExecutor({
        send: (_context, req) => request(client, req),
        read: async (_ctx, path) => (await request(client, { method: 'GET', path })).body as KubeObject,
        readonly: false,
        protectedPattern: /^$/,
        lookup,
        audit: createAuditLog({ path: join(stateHome, 'audit.jsonl') }),
        followTimeoutMs: 60_000,
        pollIntervalMs: 100,
      });
    }

    beforeAll(async () => {
      flux = join(await buildFlux(() => {}), 'bin', 'flux');
      env = await backend.setup();
      client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext));
      types = await discover(client);
      stateHome = await mkdtemp(join(tmpdir(), 'fleetdeck-fluxcli-state-'));
      const [infraCm, demo] = [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fleet-settings', namespace: appsNs }, data: { tier: 'fixture' } },
        appObjects('demo', appsNs, 2),
      ];
      const repo = await env.flux.createRepo(`fleet-${id}`, {
        infra: { objects: [infraCm] },
        'apps/demo': { objects: demo },
        broken: 'broken',
        'extra/after-broken': { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-broken', namespace: appsNs }, data: {} }] },
        'extra/paused': { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'paused', namespace: appsNs }, data: {} }] },
      });
      const helm = await env.flux.createHelmRepo(`fleet-charts-${id}`, ['0.1.0', '0.2.0']);
      const objects = fixtureFleet(ns, { git: repo.url, helm }, appsNs);
      const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
      if (r.code !== 0) throw new Error(r.stderr);
      for (const name of ['infra', 'apps']) await until(`ks/${name} Ready`, async () => fluxSummary(await get('Kustomization', name), 'Kustomization').ready === 'True');
      await until('hr/demo Ready', async () => fluxSummary(await get('HelmRelease', 'demo'), 'HelmRelease').ready === 'True');
      for (const [kind, name] of [['Kustomization', 'broken'], ['Kustomization', 'after-broken'], ['HelmRelease', 'failing']]) {
        await until(`${kind}/${name} Ready=False`, async () => fluxSummary(await get(kind, name), kind).readyReason !== undefined && fluxSummary(await get(kind, name), kind).ready === 'False');
      }
    }, 300_000);

    afterAll(async () => {
      await client?.close();
      if (env) await env.kubectl(['delete', 'namespace', ns, appsNs, '--wait=false']);
      await backend.teardown();
      if (stateHome) await rm(stateHome, { recursive: true, force: true });
    });

    it('`flux get ks -A` and `flux get hr -A` print what fleetdeck shows: ready, suspended, revision, message', async () => {
      for (const [what, kind] of [['ks', 'Kustomization'], ['hr', 'HelmRelease']] as const) {
        const cli = (await fluxGet(what)).sort((a, b) => a.NAME.localeCompare(b.NAME));
        const ours = (await list(kind)).map(asFluxRow).sort((a, b) => a.NAME.localeCompare(b.NAME));
        expect(cli.map((r) => r.NAME)).toEqual(what === 'ks' ? ['after-broken', 'apps', 'broken', 'infra', 'paused'] : ['demo', 'failing']);
        expect(cli.map((r) => ({ ...r, MESSAGE: shortDigests(r.MESSAGE) }))).toEqual(ours);
      }
    }, TEST_MS);

    it('`flux tree ks apps` lists the inventory fleetdeck shows below the Kustomization', async () => {
      const r = await fluxCli(['tree', 'ks', 'apps', '-n', ns]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const cliNodes = [...r.stdout.matchAll(/([A-Za-z]+)\/([a-z0-9-]+)\/([a-z0-9.-]+)/g)].map((m) => `${m[1]}/${m[2]}/${m[3]}`);
      expect(cliNodes[0]).toBe(`Kustomization/${ns}/apps`);
      const stdout = new Sink();
      const stderr = new Sink();
      const code = await runTreeCommand('ks/apps', {
        kubeconfig: env.kubeconfigPath, context: [env.adminContext], namespace: ns, output: 'json', config: defaultAppConfig(), timeoutMs: 30_000,
      }, { stdout, stderr, env: {} });
      expect(code).toBe(0);
      const root = (JSON.parse(stdout.text) as TreeCommandJson).trees[0].tree;
      const inventory = root.children.filter((c: TreeJson) => c.via === 'inventory').map((c: TreeJson) => `${c.kind}/${c.namespace}/${c.name}`);
      expect(cliNodes.slice(1).sort()).toEqual(inventory.sort());
      expect(inventory.sort()).toEqual([`ConfigMap/${appsNs}/demo-config`, `Deployment/${appsNs}/demo`]);
    }, TEST_MS);

    it('fleetdeck suspends and reconciles; `flux get` reads it back', async () => {
      const ex = executor();
      const [s] = await ex.execute(ex.plan('suspend', [await target('Kustomization', 'infra')]));
      expect(s.status).toBe('succeeded');
      expect((await fluxGet('ks')).find((r) => r.NAME === 'infra')).toMatchObject({ SUSPENDED: 'True' });
      const [r] = await ex.execute(ex.plan('resume-and-reconcile', [await target('Kustomization', 'infra')]));
      expect(r.status).toBe('succeeded');
      const row = (await fluxGet('ks')).find((x) => x.NAME === 'infra');
      expect(row).toMatchObject({ SUSPENDED: 'False', READY: 'True' });
      expect(shortDigests(row?.MESSAGE)).toBe(shortDigests(r.message));
    }, TEST_MS);

    it('`flux suspend`, `flux resume` and `flux reconcile --with-source`: fleetdeck reads them back', async () => {
      const suspend = await fluxCli(['suspend', 'hr', 'demo', '-n', ns]);
      expect(suspend.code).toBe(0);
      expect(fluxSummary(await get('HelmRelease', 'demo'), 'HelmRelease')).toMatchObject({ suspended: true });
      const resume = await fluxCli(['resume', 'hr', 'demo', '-n', ns, '--timeout=60s']);
      expect(resume.code).toBe(0);
      expect(fluxSummary(await get('HelmRelease', 'demo'), 'HelmRelease')).toMatchObject({ suspended: false, ready: 'True' });
      const rec = await fluxCli(['reconcile', 'ks', 'apps', '-n', ns, '--with-source', '--timeout=60s']);
      expect(rec.code, rec.stderr).toBe(0);
      const apps = fluxSummary(await get('Kustomization', 'apps'), 'Kustomization');
      // the CLI annotated the object and waited for the controller: the request is handled, nothing pending
      expect(apps.requestedAt).toBeDefined();
      expect(apps).toMatchObject({ lastHandledReconcileAt: apps.requestedAt, reconcilePending: false, ready: 'True' });
      const git = fluxSummary(await get('GitRepository', 'fleet'), 'GitRepository');
      expect(git.lastHandledReconcileAt).toBe(git.requestedAt);
    }, TEST_MS);
  });
}
