import { describe, expect, it } from 'vitest';
import { buildCluster, createScenario } from '../../src/sim/build-cluster.js';
import { addNodes } from '../../src/sim/scenarios/scale.js';
import { condition } from '../../src/model/access.js';
import type { KubeObject } from '../../src/model/types.js';
import { crdManifest, crdResources } from '../../src/sim/resources.js';

const D = 'deployments.apps';
const RS = 'replicasets.apps';
const KS = 'kustomizations.kustomize.toolkit.fluxcd.io';

function cluster() {
  const c = buildCluster({ name: 't', manualClock: true });
  addNodes(c, 2);
  c.store.create('namespaces', { metadata: { name: 'shop' }, spec: { finalizers: ['kubernetes'] } });
  return c;
}

function deploy(image: string, cause: string): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'shop', annotations: { 'kubernetes.io/change-cause': cause } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
  };
}

function setImage(c: ReturnType<typeof cluster>, image: string): void {
  c.store.mutate(D, 'shop', 'web', (d) => {
    ((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]).image = image;
  });
}

const rev = (o: KubeObject | undefined) => o?.metadata.annotations?.['deployment.kubernetes.io/revision'];

describe('sim deployment controller', () => {
  it('rolls out a new ReplicaSet per template with increasing revisions, and reuses the old one on rollback', () => {
    const c = cluster();
    c.store.create(D, deploy('web:1.0', 'first'));
    c.runtime.advance(20_000);
    const [rs1] = c.store.list(RS, 'shop');
    expect(rev(rs1)).toBe('1');
    expect(rs1.metadata.labels?.['pod-template-hash']).toBe(rs1.metadata.name.slice('web-'.length));
    expect(rs1.metadata.annotations?.['kubernetes.io/change-cause']).toBe('first');
    expect(c.store.get(D, 'shop', 'web')?.status).toMatchObject({ readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });

    setImage(c, 'web:2.0');
    c.runtime.advance(30_000);
    const rs2 = c.store.list(RS, 'shop').find((r) => r.metadata.name !== rs1.metadata.name)!;
    expect(rev(rs2)).toBe('2');
    expect((c.store.get(RS, 'shop', rs1.metadata.name)!.spec as { replicas: number }).replicas).toBe(0);
    expect(rev(c.store.get(D, 'shop', 'web'))).toBe('2');

    setImage(c, 'web:1.0'); // what `kubectl rollout undo` does: the old template comes back
    c.runtime.advance(30_000);
    const back = c.store.get(RS, 'shop', rs1.metadata.name)!;
    expect(c.store.list(RS, 'shop')).toHaveLength(2);
    expect(rev(back)).toBe('3');
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect((back.spec as { replicas: number }).replicas).toBe(2);
    const d = c.store.get(D, 'shop', 'web')!;
    expect(condition(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect((d.status as { observedGeneration: number }).observedGeneration).toBe(d.metadata.generation);
  });

  it('crash-looping pods grow restartCount, keep previous logs and emit BackOff events', () => {
    const c = cluster();
    c.store.create(D, deploy('web:1.1-crash', 'bad'));
    c.runtime.advance(10_000);
    const pod = c.store.list('pods', 'shop')[0];
    const restarts = () => (c.store.get('pods', 'shop', pod.metadata.name)!.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0].restartCount;
    const first = restarts();
    expect(first).toBeGreaterThanOrEqual(1);
    c.runtime.advance(120_000);
    expect(restarts()).toBeGreaterThan(first);
    const prev = c.logs.history({ namespace: 'shop', pod: pod.metadata.name, container: 'web', previous: true })!;
    expect(prev.at(-1)?.text).toMatch(/FATAL/);
    expect(c.store.list('events', 'shop').some((e) => e.reason === 'BackOff')).toBe(true);
    const d = c.store.get(D, 'shop', 'web')!;
    expect(condition(d, 'Available')?.status).toBe('False');
  });

  it('garbage-collects ReplicaSets and pods of a deleted Deployment', () => {
    const c = cluster();
    c.store.create(D, deploy('web:1.0', 'x'));
    c.runtime.advance(10_000);
    c.store.delete(D, 'shop', 'web');
    c.runtime.advance(2_000);
    expect(c.store.list(RS, 'shop')).toHaveLength(0);
    expect(c.store.list('pods', 'shop')).toHaveLength(0);
  });
});

describe('sim flux controller', () => {
  function fluxCluster() {
    const c = buildCluster({ name: 'f', manualClock: true, flux: { git: { 'https://git/x': { paths: { app: { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { a: '1' } }] } } } }, charts: {} } });
    c.store.create('namespaces', { metadata: { name: 'shop' }, spec: {} });
    c.store.create('namespaces', { metadata: { name: 'flux-system' }, spec: {} });
    c.store.create('gitrepositories.source.toolkit.fluxcd.io', { metadata: { name: 'repo', namespace: 'flux-system' }, spec: { url: 'https://git/x', interval: '1m' } });
    c.store.create(KS, { metadata: { name: 'app', namespace: 'flux-system' }, spec: { interval: '10m', path: './app', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } } });
    c.runtime.advance(2_000);
    return c;
  }

  it('applies the build with inventory and labels, and handles requestedAt at once', () => {
    const c = fluxCluster();
    const ks = c.store.get(KS, 'flux-system', 'app')!;
    expect(condition(ks, 'Ready')?.status).toBe('True');
    expect((ks.status as { lastAppliedRevision: string }).lastAppliedRevision).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    expect((ks.status as { inventory: { entries: { id: string }[] } }).inventory.entries[0].id).toBe('shop_cfg__ConfigMap');
    expect(c.store.get('configmaps', 'shop', 'cfg')?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe('app');
    c.store.mutate(KS, 'flux-system', 'app', (k) => {
      k.metadata.annotations = { 'reconcile.fluxcd.io/requestedAt': 'token-1' };
    });
    c.runtime.drain();
    expect((c.store.get(KS, 'flux-system', 'app')!.status as { lastHandledReconcileAt: string }).lastHandledReconcileAt).toBe('token-1');
  });

  it('leaves suspended objects alone but records a reconcile request, as the real controllers do', () => {
    const c = fluxCluster();
    c.store.mutate(KS, 'flux-system', 'app', (k) => {
      (k.spec as Record<string, unknown>).suspend = true;
    });
    c.runtime.advance(1_000);
    const before = c.store.get(KS, 'flux-system', 'app')!;
    c.store.mutate(KS, 'flux-system', 'app', (k) => {
      k.metadata.annotations = { 'reconcile.fluxcd.io/requestedAt': 'token-2' };
    });
    c.runtime.advance(30 * 60_000, 10_000);
    const after = c.store.get(KS, 'flux-system', 'app')!;
    // kustomize-controller's deferred finalizeStatus copies the token before the suspend check returns
    expect(after.status).toEqual({ ...(before.status as object), lastHandledReconcileAt: 'token-2' });
  });
});

describe('sim scenarios', () => {
  it('demo holds every fault to triage', () => {
    const [dev, staging, prod] = createScenario('demo');
    expect([dev.name, staging.name, prod.name]).toEqual(['dev', 'staging', 'prod-eu']);
    const ks = staging.store.get(KS, 'flux-system', 'apps')!;
    expect(condition(ks, 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed' });
    expect(condition(ks, 'Ready')?.message).toMatch(/^kustomize build failed: accumulating resources/);
    const hr = prod.store.get('helmreleases.helm.toolkit.fluxcd.io', 'checkout', 'podinfo')!;
    expect(condition(hr, 'Remediated')?.status).toBe('True');
    expect((hr.status as { history: { status: string }[] }).history.map((h) => h.status).slice(0, 2)).toEqual(['deployed', 'failed']);
    const cart = prod.store.get(D, 'checkout', 'cart-api')!;
    expect(rev(cart)).toBe('3');
    expect(prod.store.list('pods', 'checkout').some((p) => JSON.stringify(p.status).includes('CrashLoopBackOff'))).toBe(true);
    expect(rev(prod.store.list(RS, 'checkout').find((r) => JSON.stringify(r.spec).includes('cart-api:1.5.0')))).toBe('2');
    expect(condition(prod.store.get('clusters.postgresql.cnpg.io', 'databases', 'payments-db'), 'Ready')?.status).toBe('False');
    expect(condition(staging.store.get('certificates.cert-manager.io', 'checkout', 'shop-tls'), 'Ready')?.status).toBe('False');
    expect((dev.store.get('persistentvolumeclaims', 'payments', 'scratch-data')!.status as { phase: string }).phase).toBe('Pending');
    expect((staging.store.get('namespaces', undefined, 'legacy-reports')!.status as { phase: string }).phase).toBe('Terminating');
    expect((dev.store.get(KS, 'flux-system', 'monitoring-stack')!.spec as { suspend: boolean }).suspend).toBe(true);
    expect(staging.access[0]).toMatchObject({ user: staging.user, denyResources: ['secrets'], denyNamespaces: ['kube-system'] });
  });

  it('rolling the bad cart-api back heals it', () => {
    const prod = createScenario('demo')[2] as ReturnType<typeof buildCluster>;
    const good = prod.store.list(RS, 'checkout').find((r) => rev(r) === '2')!;
    prod.store.mutate(D, 'checkout', 'cart-api', (d) => {
      (d.spec as Record<string, unknown>).template = structuredClone((good.spec as { template: unknown }).template);
      const labels = ((d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels);
      delete labels['pod-template-hash'];
    });
    prod.runtime.advance(60_000, 2_000);
    const d = prod.store.get(D, 'checkout', 'cart-api')!;
    expect(rev(d)).toBe('4');
    expect(condition(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(prod.store.list('pods', 'checkout').some((p) => JSON.stringify(p.status).includes('CrashLoopBackOff'))).toBe(false);
  });

  // how long it takes is the bench's business (a time limit here failed on a loaded machine)
  it('scale builds 10k pods', { timeout: 600_000 }, () => {
    const [c] = createScenario('scale', { namespaces: 20, deployments: 50, podsPerDeployment: 10 });
    c.runtime.drain();
    expect(c.store.count('pods')).toBe(10_000);
  });

  it('CRD manifests are valid apiextensions/v1 shapes', () => {
    const cert = crdResources().find((r) => r.kind === 'Certificate')!;
    const m = crdManifest(cert) as { metadata: { name: string }; spec: { names: { shortNames: string[] }; versions: { subresources: unknown; additionalPrinterColumns: { name: string }[] }[] } };
    expect(m.metadata.name).toBe('certificates.cert-manager.io');
    expect(m.spec.names.shortNames).toEqual(['cert', 'certs']);
    expect(m.spec.versions[0].subresources).toEqual({ status: {} });
    expect(m.spec.versions[0].additionalPrinterColumns.map((c) => c.name)).toEqual(['Ready', 'Secret', 'Issuer', 'Status', 'Age']);
  });
});

describe('sim volume binder', () => {
  it('binds claims of the default class; others stay Pending with the provisioning event', () => {
    const c = cluster();
    const claim = (name: string, storageClassName?: string): KubeObject => ({
      metadata: { name, namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, ...(storageClassName ? { storageClassName } : {}) },
    });
    c.store.create('persistentvolumeclaims', claim('data'));
    c.store.create('persistentvolumeclaims', claim('scratch', 'retired-ssd'));
    c.runtime.advance(2_000);
    const data = c.store.get('persistentvolumeclaims', 'shop', 'data') as KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> };
    expect(data.status.phase).toBe('Bound');
    expect(data.status.capacity).toEqual({ storage: '5Gi' });
    expect(data.spec.volumeName).toBe(`pvc-${data.metadata.uid}`);
    const scratch = c.store.get('persistentvolumeclaims', 'shop', 'scratch') as KubeObject & { status: Record<string, unknown> };
    expect(scratch.status.phase).toBe('Pending');
    const ev = c.store.list('events', 'shop').find((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === 'scratch');
    expect((ev as { reason?: string } | undefined)?.reason).toBe('ProvisioningFailed');
  });
});

describe('sim scheduler', () => {
  it('honours spec.nodeSelector: no matching node leaves the pod Pending and Unschedulable', () => {
    const c = cluster();
    c.store.create('pods', { metadata: { name: 'picky', namespace: 'shop' }, spec: { nodeSelector: { 'disktype': 'nvme' }, containers: [{ name: 'app', image: 'app:1' }] } });
    c.runtime.advance(5_000);
    const pod = c.store.get('pods', 'shop', 'picky') as KubeObject & { spec: Record<string, unknown> };
    expect(pod.spec.nodeName).toBeUndefined();
    const scheduled = condition(pod, 'PodScheduled');
    expect(scheduled).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(scheduled?.message).toContain("didn't match Pod's node affinity/selector");
  });
});
