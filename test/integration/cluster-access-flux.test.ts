// The restricted context's 403s and Flux reconciliation (requestedAt, suspend), through
// real clients, on every selected backend.
import { randomBytes } from 'node:crypto';
import { request, type RequestOptions } from 'node:https';
import protobuf from 'protobufjs/light.js';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendEnv } from './backends.js';
import { waitUntil as poll, type Truthy } from '../helpers/wait.js';

const until = <T>(what: string, probe: () => Promise<T>): Promise<Truthy<T>> => poll(what, probe, { timeoutMs: 30_000, intervalMs: 100 });

async function apiError(call: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error('the call succeeded; a 403 was expected');
}

const KS = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' };
const GIT = { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' };
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

interface FluxObject {
  metadata: { annotations?: Record<string, string> };
  status?: { lastHandledReconcileAt?: string; lastAppliedRevision?: string; conditions?: { type: string; status: string; reason: string }[] };
}

/**
 * A SelfSubjectAccessReview in Kubernetes' protobuf encoding, as client-go sends it for k9s:
 * "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw: the review}. Written field by
 * field from the .proto numbers (k8s.io/api authorization/v1), independently of the sim's
 * decoder; the real apiserver is the judge of the bytes.
 */
function ssarProtobuf(attrs: { namespace: string; verb: string; resource: string }): Buffer {
  const field = (w: protobuf.Writer, id: number) => w.uint32((id << 3) | 2);
  const ra = protobuf.Writer.create();
  field(ra, 1).string(attrs.namespace);
  field(ra, 2).string(attrs.verb);
  field(ra, 5).string(attrs.resource);
  const spec = field(protobuf.Writer.create(), 1).bytes(ra.finish()).finish();
  const review = field(protobuf.Writer.create(), 2).bytes(spec).finish();
  const typeMeta = protobuf.Writer.create();
  field(typeMeta, 1).string('authorization.k8s.io/v1');
  field(typeMeta, 2).string('SelfSubjectAccessReview');
  const unknown = protobuf.Writer.create();
  field(unknown, 1).bytes(typeMeta.finish());
  field(unknown, 2).bytes(review);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown.finish()]);
}

for (const backend of backends) {
  describe(`access and Flux on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let custom: CustomObjectsApi;

    beforeAll(async () => {
      env = await backend.setup();
      custom = env.kubeConfig(env.adminContext).makeApiClient(CustomObjectsApi);
    });
    afterAll(() => backend.teardown());

    it('answers the restricted context with 403 Status bodies', async () => {
      const core = env.kubeConfig(env.restrictedContext).makeApiClient(CoreV1Api);
      const pods = await core.listNamespacedPod({ namespace: env.namespace });
      expect(Array.isArray(pods.items)).toBe(true);
      // one call at a time: a second request started early could reject before it is awaited
      for (const call of [() => core.listNamespacedSecret({ namespace: env.namespace }), () => core.listNamespacedPod({ namespace: env.forbiddenNamespace })]) {
        const err = await apiError(call());
        expect(err.code).toBe(403);
        const status = JSON.parse(err.body) as { kind: string; code: number; reason: string; message: string };
        expect(status).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
        expect(status.message).toContain('forbidden');
      }
      const r = await env.kubectl(['get', 'secrets', '-n', env.namespace], { context: env.restrictedContext });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Error from server \(Forbidden\): secrets is forbidden/);
    });

    // kubectl auth can-i asks SelfSubjectAccessReview (and --list SelfSubjectRulesReview), as k9s
    // does before it shows a resource: the answers agree with what the requests get
    it('kubectl auth can-i answers as the requests are answered', async () => {
      const canI = (args: string[], context: string) => env.kubectl(['auth', 'can-i', ...args], { context });
      const yes = await canI(['list', 'pods', '-n', env.namespace], env.restrictedContext);
      expect([yes.code, yes.stdout.trim()]).toEqual([0, 'yes']);
      const no = await canI(['list', 'secrets', '-n', env.namespace], env.restrictedContext);
      expect([no.code, no.stdout.trim()]).toEqual([1, 'no']);
      const elsewhere = await canI(['get', 'pods', '-n', env.forbiddenNamespace], env.restrictedContext);
      expect([elsewhere.code, elsewhere.stdout.trim()]).toEqual([1, 'no']);
      const admin = await canI(['delete', 'secrets', '-n', env.forbiddenNamespace], env.adminContext);
      expect([admin.code, admin.stdout.trim()]).toEqual([0, 'yes']);
      const list = await canI(['--list', '-n', env.namespace], env.restrictedContext);
      expect(list.code).toBe(0);
      const names = list.stdout.split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
      expect(names).toContain('pods');
      expect(names).not.toContain('secrets');
    });

    // k9s's client-go sends its reviews as protobuf: without this, k9s shows the sim's
    // contexts view instead of pods ("the body of the request was in an unknown format")
    it('a SelfSubjectAccessReview sent as protobuf is answered as the JSON one is', async () => {
      const kc = env.kubeConfig(env.restrictedContext);
      const post = async (body: Buffer): Promise<{ code: number; doc: { kind?: string; status?: { allowed?: boolean } } }> => {
        const server = new URL(kc.getCurrentCluster()!.server);
        const opts: RequestOptions = {
          method: 'POST', hostname: server.hostname, port: server.port, path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/json', 'Content-Length': body.length },
        };
        await kc.applyToHTTPSOptions(opts);
        return new Promise((resolve, reject) => {
          const req = request(opts, (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ code: res.statusCode ?? 0, doc: JSON.parse(text) as { kind?: string; status?: { allowed?: boolean } } }));
          });
          req.on('error', reject);
          req.end(body);
        });
      };
      const pods = await post(ssarProtobuf({ namespace: env.namespace, verb: 'list', resource: 'pods' }));
      expect(pods.code, JSON.stringify(pods.doc)).toBe(201);
      expect(pods.doc).toMatchObject({ kind: 'SelfSubjectAccessReview', status: { allowed: true } });
      const secrets = await post(ssarProtobuf({ namespace: env.namespace, verb: 'list', resource: 'secrets' }));
      expect(secrets.code).toBe(201);
      expect(secrets.doc.status?.allowed).toBe(false);
    });

    it('reconciles on requestedAt; a suspended Kustomization only records the request', async () => {
      const ns = 'flux-system';
      const id = randomBytes(3).toString('hex');
      const source = `repo-${id}`;
      const kustomization = (name: string, suspend: boolean) => ({
        apiVersion: `${KS.group}/${KS.version}`,
        kind: 'Kustomization',
        metadata: { name, namespace: ns },
        spec: { interval: '10m', path: './apps', prune: true, suspend, sourceRef: { kind: 'GitRepository', name: source } },
      });
      await custom.createNamespacedCustomObject({ ...GIT, namespace: ns, body: {
        apiVersion: `${GIT.group}/${GIT.version}`, kind: 'GitRepository', metadata: { name: source, namespace: ns },
        spec: { interval: '10m', url: env.flux.gitUrl, ref: { branch: 'main' } },
      } });
      await custom.createNamespacedCustomObject({ ...KS, namespace: ns, body: kustomization(`active-${id}`, false) });
      await custom.createNamespacedCustomObject({ ...KS, namespace: ns, body: kustomization(`frozen-${id}`, true) });
      const get = async (name: string) => (await custom.getNamespacedCustomObject({ ...KS, namespace: ns, name })) as FluxObject;
      await until('the active Kustomization Ready=True', async () =>
        (await get(`active-${id}`)).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

      const token = new Date().toISOString();
      const request = (name: string) => custom.patchNamespacedCustomObject(
        { ...KS, namespace: ns, name, body: { metadata: { annotations: { [REQUESTED_AT]: token } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await request(`frozen-${id}`);
      await request(`active-${id}`);
      const active = await until('lastHandledReconcileAt = the token', async () => {
        const o = await get(`active-${id}`);
        return o.status?.lastHandledReconcileAt === token && o;
      });
      expect(active.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' });
      // Flux records the request on a suspended object too (the controllers' deferred status
      // patch runs before the suspend check returns) and does nothing else: no conditions, no revision
      const frozen = await until('the suspended one records the token', async () => {
        const o = await get(`frozen-${id}`);
        return o.status?.lastHandledReconcileAt === token && o;
      });
      expect(frozen.metadata.annotations?.[REQUESTED_AT]).toBe(token);
      expect(frozen.status?.conditions ?? []).toEqual([]);
      expect(frozen.status).not.toHaveProperty('lastAppliedRevision');
    });
  });
}
