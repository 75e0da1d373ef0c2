// Operator and Flux kinds as the served CRDs define them, on every selected backend. On the
// real control plane the CRDs are the upstream ones (cert-manager, CloudNativePG,
// prometheus-operator and Argo CD from their Go modules; Flux from its controllers' modules;
// Strimzi's Kafka is fleetdeck's own definition): fleetdeck's catalog (src/sim/resources.ts,
// which the sim serves) must describe the same resources. No operator runs on either backend:
// (the sim's operator simulation is told to leave these objects alone), and the tests write status samples themselves (through /status where the CRD has that
// subresource; Argo CD's Application has none, its controller writes status with the object),
// the real apiserver validates and prunes them against the upstream schemas, and fleetdeck's
// health rules and kubectl's printer columns are checked on what was stored.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Writable } from 'node:stream';
import { runStatusCommand } from '../../src/cli/status.js';
import { defaultAppConfig } from '../../src/config/app-config.js';
import type { StatusJson } from '../../src/model/fleet-summary.js';
import { health } from '../../src/model/health.js';
import type { KubeObject } from '../../src/model/types.js';
import { crdResources } from '../../src/sim/resources.js';
import { UNMANAGED } from '../../src/sim/controllers/operators.js';
import { backends, type BackendEnv } from './backends.js';

type Json = Record<string, unknown>;
const canon = (x: unknown): unknown =>
  Array.isArray(x) ? x.map(canon) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon((x as Json)[k])])) : x;

const DAY = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Sample {
  resource: string;
  kind: string;
  apiVersion: string;
  name: string;
  spec: Json;
  status: Json;
  /** the CRD has a status subresource (else status is written with the object) */
  viaStatus: boolean;
  health: { status: string; reason: RegExp };
  /** kubectl get's row, after NAME, for the default (priority 0) columns, AGE left out */
  columns: string[];
}

function samples(now: number): Sample[] {
  const t = iso(now - 3600_000);
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: t });
  const cert = (name: string, status: Json, h: Sample['health'], columns: string[]): Sample => ({
    resource: 'certificates.cert-manager.io', kind: 'Certificate', apiVersion: 'cert-manager.io/v1', name, viaStatus: true,
    spec: { secretName: `${name}-tls`, dnsNames: ['app.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } }, status, health: h, columns,
  });
  const pg = (name: string, status: Json, h: Sample['health'], columns: string[]): Sample => ({
    resource: 'clusters.postgresql.cnpg.io', kind: 'Cluster', apiVersion: 'postgresql.cnpg.io/v1', name, viaStatus: true,
    spec: { instances: 3, storage: { size: '1Gi' } }, status, health: h, columns,
  });
  const prom = (name: string, status: Json, h: Sample['health'], columns: string[]): Sample => ({
    resource: 'prometheuses.monitoring.coreos.com', kind: 'Prometheus', apiVersion: 'monitoring.coreos.com/v1', name, viaStatus: true,
    spec: { replicas: 2, version: 'v3.5.0' }, status, health: h, columns,
  });
  const app = (name: string, status: Json, h: Sample['health'], columns: string[]): Sample => ({
    resource: 'applications.argoproj.io', kind: 'Application', apiVersion: 'argoproj.io/v1alpha1', name, viaStatus: false,
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' }, source: { repoURL: 'https://git.example.com/apps.git', path: 'guestbook', targetRevision: 'HEAD' } },
    status, health: h, columns,
  });
  const kafka = (name: string, status: Json, h: Sample['health'], columns: string[]): Sample => ({
    resource: 'kafkas.kafka.strimzi.io', kind: 'Kafka', apiVersion: 'kafka.strimzi.io/v1beta2', name, viaStatus: true,
    spec: { kafka: { replicas: 3, listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] }, zookeeper: { replicas: 3 } }, status, health: h, columns,
  });
  return [
    cert('cert-ok', {
      conditions: [cond('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')],
      notBefore: iso(now - 10 * DAY), notAfter: iso(now + 80 * DAY), renewalTime: iso(now + 50 * DAY), revision: 1,
    }, { status: 'Current', reason: /^Certificate is up to date, expires in (79|80)d/ }, ['True', 'cert-ok-tls']),
    cert('cert-expired', {
      conditions: [cond('Ready', 'False', 'Expired', 'Certificate expired')],
      notBefore: iso(now - 100 * DAY), notAfter: iso(now - 2 * DAY), revision: 3,
    }, { status: 'Failed', reason: /^Certificate expired 2d ago/ }, ['False', 'cert-expired-tls']),
    cert('cert-issuing', {
      conditions: [cond('Ready', 'False', 'DoesNotExist', 'Issuing certificate as Secret does not exist'), cond('Issuing', 'True', 'DoesNotExist', 'Issuing certificate as Secret does not exist')],
    }, { status: 'InProgress', reason: /^Certificate is being issued: .*Issuing certificate as Secret does not exist/ }, ['False', 'cert-issuing-tls']),
    pg('pg-ok', {
      instances: 3, readyInstances: 3, phase: 'Cluster in healthy state', currentPrimary: 'pg-ok-1', targetPrimary: 'pg-ok-1',
      conditions: [cond('Ready', 'True', 'ClusterIsReady', 'Cluster is Ready')],
    }, { status: 'Current', reason: /^Cluster in healthy state: 3\/3 instances ready, primary pg-ok-1$/ }, ['3', '3', 'Cluster in healthy state', 'pg-ok-1']),
    pg('pg-degraded', {
      instances: 3, readyInstances: 2, phase: 'Waiting for the instances to become active', phaseReason: 'Some instances are not yet active',
      currentPrimary: 'pg-degraded-1', targetPrimary: 'pg-degraded-1', conditions: [cond('Ready', 'False', 'ClusterIsNotReady', 'Cluster Is Not Ready')],
    }, { status: 'Failed', reason: /^Degraded: 2\/3 instances ready, phase: Waiting for the instances to become active \(Some instances are not yet active\)$/ },
    ['3', '2', 'Waiting for the instances to become active', 'pg-degraded-1']),
    prom('prom-ok', {
      availableReplicas: 2, replicas: 2, updatedReplicas: 2, unavailableReplicas: 0, paused: false,
      conditions: [{ ...cond('Available', 'True', '', ''), observedGeneration: 1 }, { ...cond('Reconciled', 'True', '', ''), observedGeneration: 1 }],
    }, { status: 'Current', reason: /^Prometheus is available: 2\/2 replicas available$/ }, ['v3.5.0', '2', '2', 'True', 'True']),
    prom('prom-degraded', {
      availableReplicas: 1, replicas: 2, updatedReplicas: 2, unavailableReplicas: 1, paused: false,
      conditions: [cond('Available', 'Degraded', 'SomePodsNotReady', 'shard 0: pod prometheus-prom-degraded-1: containers with unready status: [prometheus]'), cond('Reconciled', 'True', '', '')],
    }, { status: 'InProgress', reason: /SomePodsNotReady.*\(1\/2 replicas available\)$/ }, ['v3.5.0', '2', '1', 'True', 'Degraded']),
    app('app-ok', {
      health: { status: 'Healthy' }, sync: { status: 'Synced', revision: '8f5e2a1' }, reconciledAt: iso(now - 60_000),
    }, { status: 'Current', reason: /^health Healthy, sync Synced$/ }, ['Synced', 'Healthy']),
    app('app-failed', {
      health: { status: 'Degraded', message: 'Deployment "guestbook" exceeded its progress deadline' }, sync: { status: 'OutOfSync', revision: '8f5e2a1' },
      operationState: { phase: 'Failed', message: 'one or more objects failed to apply', startedAt: iso(now - 120_000), finishedAt: iso(now - 60_000), operation: { sync: { revision: '8f5e2a1' } } },
    }, { status: 'Failed', reason: /^Sync Failed: one or more objects failed to apply$/ }, ['OutOfSync', 'Degraded']),
    kafka('kafka-ok', {
      conditions: [cond('Ready', 'True', '', ''), cond('Warning', 'True', 'KafkaStorage', 'The storage is ephemeral')], kafkaMetadataState: 'KRaft', observedGeneration: 1,
    }, { status: 'Current', reason: /^Kafka is Ready, 1 warning: The storage is ephemeral$/ }, ['3', '3', 'True', 'KRaft', 'True']),
  ];
}

for (const backend of backends) {
  describe(`operator and Flux CRDs on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    const ns = `fd-ops-${randomBytes(3).toString('hex')}`;
    const now = Date.now();

    beforeAll(async () => {
      env = await backend.setup();
      const r = await env.kubectl(['create', 'namespace', ns]);
      if (r.code !== 0) throw new Error(r.stderr);
    }, 120_000);
    afterAll(async () => {
      if (env) await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
      await backend.teardown();
    });

    it("the served CRDs describe what fleetdeck's catalog says: versions, names, subresources, printer columns", async () => {
      for (const r of crdResources().filter((x) => x.group !== 'notification.toolkit.fluxcd.io')) {
        const got = await env.kubectl(['get', 'crd', `${r.resource}.${r.group}`, '-o', 'json']);
        expect(got.stderr, `${r.resource}.${r.group}`).toBe('');
        const crd = JSON.parse(got.stdout) as { spec: { scope: string; names: Json; versions: (Json & { name: string; storage: boolean; served: boolean; subresources?: Json; additionalPrinterColumns?: Json[] })[] } };
        const storage = crd.spec.versions.find((v) => v.storage)!;
        const served = {
          version: storage.name, kind: crd.spec.names.kind, namespaced: crd.spec.scope === 'Namespaced',
          shortNames: crd.spec.names.shortNames ?? [], categories: crd.spec.names.categories ?? [],
          status: storage.subresources?.status !== undefined, scale: storage.subresources?.scale ?? null,
          columns: storage.additionalPrinterColumns ?? [],
        };
        const catalog = {
          version: r.version, kind: r.kind, namespaced: r.namespaced, shortNames: r.shortNames, categories: r.categories,
          status: r.subresources.status, scale: r.subresources.scale ?? null, columns: r.printerColumns ?? [],
        };
        expect(canon(catalog), `${r.resource}.${r.group}`).toEqual(canon(served));
      }
    });

    it('status samples: stored as written (the schemas keep every field), fleetdeck health and kubectl columns on them', async () => {
      for (const s of samples(now)) {
        // the sim simulates operators: this annotation makes it leave the sample alone, as the real plane does
        const base = { apiVersion: s.apiVersion, kind: s.kind, metadata: { name: s.name, namespace: ns, annotations: { [UNMANAGED]: 'true' } }, spec: s.spec };
        const created = await env.kubectl(['create', '--validate=false', '-f', '-'], { input: stringify(base) });
        expect(created.stderr, s.name).toBe('');
        const path = `${s.resource}/${s.name}`;
        const patched = await env.kubectl(['patch', '-n', ns, path, '--type=merge', ...(s.viaStatus ? ['--subresource=status'] : []), '-p', JSON.stringify({ status: s.status })]);
        expect(patched.stderr, s.name).toBe('');
        const obj = JSON.parse((await env.kubectl(['get', '-n', ns, path, '-o', 'json'])).stdout) as KubeObject & { status?: Json };
        // a field the upstream schema does not know would be pruned here
        expect(canon(obj.status), s.name).toEqual(canon(s.status));
        const v = health(obj, { group: s.apiVersion.split('/')[0], kind: s.kind }, { now });
        expect(v.status, `${s.name}: ${v.reason}`).toBe(s.health.status);
        expect(v.reason, s.name).toMatch(s.health.reason);
        const table = (await env.kubectl(['get', '-n', ns, path])).stdout.trim().split('\n');
        const header = table[0].split(/\s{2,}/);
        const row = table[1].split(/\s{2,}/);
        const ageAt = header.indexOf('AGE');
        expect(row[0]).toBe(s.name);
        expect(row.filter((_, i) => i !== 0 && i !== ageAt), s.name).toEqual(s.columns);
      }
    }, 120_000);

    it('issue 20 case 11: a Certificate whose Issuer does not exist is Failed in `status`, naming the issuer, its CertificateRequest read through it', async () => {
      class Sink extends Writable {
        text = '';
        override _write(chunk: Buffer, _enc: string, cb: () => void): void {
          this.text += chunk.toString();
          cb();
        }
      }
      const status = async () => {
        const stdout = new Sink();
        const stderr = new Sink();
        await runStatusCommand({ kubeconfig: env.kubeconfigPath, context: [env.adminContext], namespace: ns, config: defaultAppConfig(), timeoutMs: 30_000, output: 'json' }, { stdout, stderr, env: {} });
        return JSON.parse(stdout.text) as StatusJson;
      };
      const t = iso(now - 600_000);
      const c = (type: string, st: string, reason: string, message: string) => ({ type, status: st, reason, message, lastTransitionTime: t });
      const apply = async (o: Json, st?: Json) => {
        const created = await env.kubectl(['create', '--validate=false', '-o', 'json', '-f', '-'], { input: stringify(o) });
        expect(created.stderr).toBe('');
        const obj = JSON.parse(created.stdout) as KubeObject;
        if (st) {
          const r = await env.kubectl(['patch', '-n', ns, `${String(o.kind).toLowerCase()}s.cert-manager.io/${obj.metadata.name}`, '--type=merge', '--subresource=status', '-p', JSON.stringify({ status: st })]);
          expect(r.stderr).toBe('');
        }
        return obj;
      };
      // no cert-manager runs on either backend: the objects are as cert-manager leaves them when the issuer is missing
      const waiting = 'Issuing certificate as Secret does not exist';
      const certObj = await apply(
        { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'orphan', namespace: ns, annotations: { [UNMANAGED]: 'true' } }, spec: { secretName: 'orphan-tls', dnsNames: ['orphan.example.com'], issuerRef: { name: 'no-such-issuer' } } },
        { conditions: [c('Ready', 'False', 'DoesNotExist', waiting), c('Issuing', 'True', 'DoesNotExist', waiting)] },
      );
      const pendingMsg = 'Referenced "Issuer" not found: issuer.cert-manager.io "no-such-issuer" not found';
      await apply(
        {
          apiVersion: 'cert-manager.io/v1', kind: 'CertificateRequest',
          metadata: {
            name: 'orphan-1', namespace: ns, annotations: { [UNMANAGED]: 'true', 'cert-manager.io/certificate-name': 'orphan', 'cert-manager.io/certificate-revision': '1' },
            ownerReferences: [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'orphan', uid: certObj.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          },
          spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n').toString('base64'), issuerRef: { name: 'no-such-issuer' } },
        },
        { conditions: [c('Approved', 'True', 'cert-manager.io', 'Certificate request has been approved by cert-manager.io'), c('Ready', 'False', 'Pending', pendingMsg)] },
      );
      const problem = (doc: StatusJson, kind: string) => doc.problems.find((p) => p.kind === kind && p.name.startsWith('orphan'));
      const first = await status();
      expect(problem(first, 'Certificate')).toMatchObject({ status: 'Failed' });
      expect(problem(first, 'Certificate')!.reason).toBe(`Issuer ${ns}/no-such-issuer does not exist (spec.issuerRef); CertificateRequest orphan-1: Ready=False Pending: ${pendingMsg} (Certificate: Issuing=True DoesNotExist: ${waiting})`);
      // the request is part of its Certificate's verdict, not a second problem
      expect(problem(first, 'CertificateRequest')).toBeUndefined();

      // the issuer appears, not ready: the verdict names what it says
      await apply(
        { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'no-such-issuer', namespace: ns, annotations: { [UNMANAGED]: 'true' } }, spec: { acme: { server: 'https://acme.invalid/directory', privateKeySecretRef: { name: 'acme-key' }, solvers: [{ http01: { ingress: {} } }] } } },
        { conditions: [c('Ready', 'False', 'ErrRegisterACMEAccount', 'Failed to register ACME account: dial tcp: lookup acme.invalid: no such host')] },
      );
      const second = await status();
      expect(problem(second, 'Certificate')!.reason).toMatch(new RegExp(`^Issuer ${ns}/no-such-issuer is not ready: Ready=False ErrRegisterACMEAccount: Failed to register ACME account`));
    }, 120_000);
  });
}
