// Issue 20 case 10 on every backend: two contexts that reach the same cluster (a copy of the
// admin context under another name, same server and user, in a copy of the kubeconfig).
// The store reads each context's kube-system uid with a GET; `status` lists each problem once
// with both context names and says which context equals which; `tree` prints the tree once,
// every node naming its namespace. A user who may not read kube-system (the namespace-only
// user) is matched on server + CA: on the real plane it talks to the admin's server with the
// admin's CA; in the sim it is served on a port of its own (another URL: not the same).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runShellAction } from '../../src/cli/actions-fleet.js';
import { runChangesCommand, type ChangesJson, type ChangesOptions } from '../../src/cli/changes.js';
import { runTreeCommand, type TreeCommandJson, type TreeCommandOptions } from '../../src/cli/tree.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import type { StatusJson } from '../../src/model/fleet-summary.js';
import { UNMANAGED } from '../../src/sim/controllers/operators.js';
import { backends, type BackendEnv } from './backends.js';
import { Sink, runStatus } from '../helpers/sink.js';

const status = runStatus;

async function changes(opts: Partial<ChangesOptions>): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runChangesCommand({ config: defaultAppConfig(), timeoutMs: 30_000, since: '1h', ...opts }, { stdout, stderr, env: {} });
  return { code, out: stdout.text, err: stderr.text };
}

async function tree(target: string, opts: Partial<TreeCommandOptions>): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runTreeCommand(target, { config: defaultAppConfig(), timeoutMs: 60_000, ...opts }, { stdout, stderr, env: {} });
  return { code, out: stdout.text, err: stderr.text };
}

type Doc = { clusters: { name: string }[]; users: { name: string }[]; contexts: { name: string; context: Record<string, unknown> }[] };

for (const backend of backends) {
  describe(`two contexts of one cluster on the ${backend.name} backend (issue 20 case 10)`, () => {
    let env: BackendEnv;
    let kubeconfig: string;
    const again = () => `${env.adminContext}-again`;
    const ns = `same-${randomBytes(3).toString('hex')}`;

    beforeAll(async () => {
      env = await backend.setup();
      // a copy of the kubeconfig with a second name for the admin context
      const doc = parse(readFileSync(env.kubeconfigPath, 'utf8')) as Doc;
      const admin = doc.contexts.find((c) => c.name === env.adminContext)!;
      doc.contexts.push({ name: again(), context: { ...admin.context } });
      // and the namespace-only user (a file of its own on the real plane, a context of the same file in the sim)
      const only = await env.namespaceOnlyUser();
      if (only.kubeconfigPath !== env.kubeconfigPath) {
        const o = parse(readFileSync(only.kubeconfigPath, 'utf8')) as Doc;
        doc.clusters.push(...o.clusters);
        doc.users.push(...o.users);
        doc.contexts.push(...o.contexts);
      }
      kubeconfig = join(dirname(env.kubeconfigPath), `kubeconfig-same-${process.pid}-${ns}`);
      writeFileSync(kubeconfig, stringify(doc), { mode: 0o600 });

      const created = await env.kubectl(['create', 'namespace', ns]);
      expect(created.stderr).toBe('');
      // no cert-manager runs on either backend: an expired Certificate as cert-manager leaves it (Failed)
      const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'expired', namespace: ns, annotations: { [UNMANAGED]: 'true' } }, spec: { secretName: 'expired-tls', dnsNames: ['app.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } } };
      const made = await env.kubectl(['create', '--validate=false', '-f', '-'], { input: stringify(cert) });
      expect(made.stderr).toBe('');
      const t = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const st = { conditions: [{ type: 'Ready', status: 'False', reason: 'Expired', message: 'Certificate expired', lastTransitionTime: t }], notAfter: new Date(Date.now() - 2 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
      const patched = await env.kubectl(['patch', '-n', ns, 'certificates.cert-manager.io/expired', '--type=merge', '--subresource=status', '-p', JSON.stringify({ status: st })]);
      expect(patched.stderr).toBe('');
      const cm = await env.kubectl(['create', 'configmap', 'settings', '-n', ns, '--from-literal=a=1']);
      expect(cm.stderr).toBe('');
      const svc = await env.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', ns]);
      expect(svc.stderr).toBe('');
    }, 180_000);

    afterAll(async () => {
      if (env) await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
      await backend.teardown();
    });

    it('status: the second context is marked the same cluster (kube-system uid), each problem listed once under both names', async () => {
      const one = await status({ kubeconfig, context: [env.adminContext], namespace: ns, output: 'json' });
      const oneDoc = JSON.parse(one.out) as StatusJson;
      const both = await status({ kubeconfig, context: [env.adminContext, again()], namespace: ns, output: 'json' });
      expect(both.code).toBe(1);
      const doc = JSON.parse(both.out) as StatusJson;
      expect(doc.contexts.map((c) => [c.name, c.sameClusterAs, c.sameClusterBasis])).toEqual([
        [env.adminContext, null, null],
        [again(), env.adminContext, 'kube-system-uid'],
      ]);
      // not doubled: as many problems as through one context, each naming both
      expect(doc.problems.length).toBe(oneDoc.problems.length);
      const cert = doc.problems.filter((p) => p.kind === 'Certificate' && p.name === 'expired');
      expect(cert).toHaveLength(1);
      expect(cert[0]).toMatchObject({ namespace: ns, status: 'Failed', contexts: [env.adminContext, again()] });
      expect(cert[0].reason).toMatch(/^Certificate expired 2d ago/);
      expect(oneDoc.problems.find((p) => p.name === 'expired')!.contexts).toEqual([env.adminContext]);

      const table = await status({ kubeconfig, context: [env.adminContext, again()], namespace: ns, output: 'table' });
      expect(table.out).toMatch(new RegExp(`^SAME CLUSTER$\\n^${again()} = ${env.adminContext} \\(same server and kube-system uid\\): problems counted once$`, 'm'));
      expect(table.out).toMatch(new RegExp(`^PROBLEMS \\(${oneDoc.problems.length}\\)$`, 'm'));
      expect(table.out).toMatch(new RegExp(`^failed\\s+${env.adminContext},${again()}\\s+Certificate\\s+${ns}\\s+expired\\s+Failed`, 'm'));
    }, 120_000);

    it('the namespace-only user may not read kube-system: matched on server + CA where it shares them (real plane), not where its server differs (sim)', async () => {
      const only = await env.namespaceOnlyUser();
      const r = await status({ kubeconfig, context: [env.adminContext, only.context], namespace: only.namespace, output: 'json' });
      const doc = JSON.parse(r.out) as StatusJson;
      const row = doc.contexts.find((c) => c.name === only.context)!;
      if (backend.name === 'cluster') expect([row.sameClusterAs, row.sameClusterBasis]).toEqual([env.adminContext, 'server+ca']);
      else expect([row.sameClusterAs, row.sameClusterBasis]).toEqual([null, null]);
    }, 120_000);

    it('changes: a change seen through both contexts is one row naming both, not two', async () => {
      const one = JSON.parse((await changes({ kubeconfig, context: [env.adminContext], namespace: ns, output: 'json' })).out) as ChangesJson;
      const mine = (d: ChangesJson) => d.changes.filter((c) => c.kind === 'Service' && c.name === 'web' && c.change === 'created');
      expect(mine(one)).toHaveLength(1);
      expect(mine(one)[0].contexts).toBeUndefined();
      const r = await changes({ kubeconfig, context: [env.adminContext, again()], namespace: ns, output: 'json' });
      expect(r.code).toBe(0);
      const both = JSON.parse(r.out) as ChangesJson;
      expect(mine(both)).toHaveLength(1);
      expect(mine(both)[0]).toMatchObject({ context: env.adminContext, contexts: [env.adminContext, again()] });
      expect(both.changes.length).toBe(one.changes.length);
      const text = await changes({ kubeconfig, context: [env.adminContext, again()], namespace: ns });
      expect(text.out).toMatch(new RegExp(`\\s${env.adminContext},${again()}\\s+Service/${ns}/web\\s+created`));
    }, 120_000);

    it('tree: printed once, the second context says it is the same cluster; every node names its namespace', async () => {
      const text = await tree('certificate/expired', { kubeconfig, context: [env.adminContext, again()], namespace: ns });
      expect(text.code).toBe(0);
      const lines = text.out.trimEnd().split('\n');
      expect(lines[0]).toBe(env.adminContext);
      expect(lines[1]).toMatch(new RegExp(`^✗ Certificate/${ns}/expired {2}Failed`));
      expect(lines.filter((l) => l.includes(`Certificate/${ns}/expired`))).toHaveLength(1);
      expect(lines.at(-1)).toBe(`${again()}  same cluster as ${env.adminContext} (same server and kube-system uid): its tree is the one above`);

      const json = await tree('certificate/expired', { kubeconfig, context: [env.adminContext, again()], namespace: ns, output: 'json' });
      const doc = JSON.parse(json.out) as TreeCommandJson;
      expect(doc.trees.map((t) => [t.context, t.sameClusterAs, t.tree.namespace])).toEqual([[env.adminContext, null, ns], [again(), env.adminContext, ns]]);
    }, 120_000);

    it('an action through both contexts is sent once: delete succeeds on both lines, exit 0, the object gone (it was sent twice: NotFound and exit 1)', async () => {
      const made = await env.kubectl(['create', 'configmap', 'twice', '-n', ns, '--from-literal=a=1']);
      expect(made.code).toBe(0);
      const out = new Sink();
      const err = new Sink();
      const state = join(dirname(kubeconfig), `state-${ns}`);
      const code = await runShellAction('delete', { kubeconfig, config: defaultAppConfig(), timeoutSeconds: 30, target: 'cm/twice', namespace: ns, context: [env.adminContext, again()], yes: true }, { stdout: out, stderr: err, env: { XDG_STATE_HOME: state } });
      expect(err.text).toBe('');
      expect(code).toBe(0);
      expect(out.text).toContain(`sent once, through ${env.adminContext}: the same object`);
      const lines = out.text.split('\n').filter((l) => /^[✓✗●▲] /.test(l));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^✓ ${env.adminContext} / ${ns} / ConfigMap twice: succeeded`));
      expect(lines[1]).toMatch(new RegExp(`^✓ ${again()} / ${ns} / ConfigMap twice: succeeded: .*\\(sent once, through ${env.adminContext}: the same object\\)$`));
      const gone = await env.kubectl(['get', 'configmap', 'twice', '-n', ns]);
      expect(gone.stderr).toMatch(/NotFound|not found/);
      // the audit log holds the one DELETE
      const audit = readFileSync(join(state, 'fleetdeck', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { request?: { method?: string } });
      expect(audit.filter((a) => a.request?.method === 'DELETE')).toHaveLength(1);
    }, 120_000);
  });
}
