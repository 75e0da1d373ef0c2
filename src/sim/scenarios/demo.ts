// The `demo` fleet: dev, staging and prod-eu running the same shop (payments, checkout,
// monitoring, databases) through Flux, with real faults to triage when `faults` is on.
import type { KubeObject } from '../../model/types.js';
import { buildCluster, type BuiltCluster } from '../build-cluster.js';
import type { ChartContent, FluxContent } from '../controllers/flux.js';
import { FAILED_INSTANCES } from '../controllers/operators.js';
import { missingResourceBuildError } from '../flux-logic.js';
import type { ScaleOptions } from './index.js';
import { addNodes } from './scale.js';

type Env = 'dev' | 'staging' | 'prod-eu';
const REPO = 'https://github.com/acme/fleet-gitops';
const CHARTS = 'https://stefanprodan.github.io/podinfo';
const KS = 'kustomizations.kustomize.toolkit.fluxcd.io';
const HR = 'helmreleases.helm.toolkit.fluxcd.io';
const MINUTE = 60_000;

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });

function deployment(namespace: string, name: string, image: string, replicas: number, port = 8080): KubeObject[] {
  const labels = { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop' };
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels }, spec: { replicas, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, selector: { matchLabels: { app: name } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, template: { metadata: { labels }, spec: { containers: [{ name, image, ports: [{ containerPort: port, name: 'http', protocol: 'TCP' }] }] } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace, labels }, data: { LOG_LEVEL: 'info', 'config.yaml': `service: ${name}\nlisten: :${port}\n` } },
  ];
}

function apps(env: Env): KubeObject[] {
  const replicas = env === 'dev' ? 2 : 3;
  return [
    ...deployment('payments', 'payments-api', `ghcr.io/acme/payments-api:2.14.${env === 'dev' ? 3 : 1}`, replicas),
    ...deployment('payments', 'ledger-worker', 'ghcr.io/acme/ledger-worker:1.9.0', 2),
    ...deployment('checkout', 'checkout-web', 'nginx:1.27.2', replicas, 80),
    ...deployment('monitoring', 'grafana', 'grafana/grafana:11.3.0', 1, 3000),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-db-credentials', namespace: 'payments' }, type: 'Opaque', data: { username: Buffer.from('payments').toString('base64'), password: Buffer.from(`s3cr3t-${env}`).toString('base64') } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'redis', namespace: 'databases', labels: { app: 'redis' } },
      spec: { replicas: 3, serviceName: 'redis', selector: { matchLabels: { app: 'redis' } }, template: { metadata: { labels: { app: 'redis' } }, spec: { containers: [{ name: 'redis', image: 'redis:7.4.1', ports: [{ containerPort: 6379, name: 'redis' }] }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }] },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis', namespace: 'databases', labels: { app: 'redis' } }, spec: { clusterIP: 'None', selector: { app: 'redis' }, ports: [{ name: 'redis', port: 6379 }] } },
    {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-exporter', namespace: 'monitoring', labels: { app: 'node-exporter' } },
      spec: { selector: { matchLabels: { app: 'node-exporter' } }, template: { metadata: { labels: { app: 'node-exporter' } }, spec: { containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', ports: [{ containerPort: 9100, name: 'metrics' }] }] } } },
    },
    {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-reconcile', namespace: 'payments' },
      spec: { schedule: '*/30 * * * *', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'reconcile', image: 'ghcr.io/acme/ledger-worker:1.9.0' }] } } } } },
    },
  ];
}

function podinfoChart(version: string, failure?: string): ChartContent {
  return {
    name: 'podinfo',
    version,
    appVersion: version,
    failure,
    render: (release, namespace) => deployment(namespace, release, `ghcr.io/stefanprodan/podinfo:${version}`, 2, 9898).filter((o) => o.kind !== 'ConfigMap'),
  };
}

/** apps/checkout names ingress.yaml, which is missing: the real kustomize-controller's words (flux-logic.ts) */
const BUILD_ERROR = missingResourceBuildError('apps/checkout', 'ingress.yaml');

function content(env: Env, faults: boolean): FluxContent {
  return {
    git: {
      [REPO]: {
        branch: 'main',
        commit: env,
        paths: {
          infrastructure: { objects: [ns('payments'), ns('checkout'), ns('monitoring'), ns('databases')] },
          [`clusters/${env}/apps`]: { objects: apps(env) },
          'apps/checkout': faults ? { error: BUILD_ERROR } : { objects: [] },
          'monitoring/stack': { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'alert-rules', namespace: 'monitoring' }, data: { 'rules.yaml': 'groups: []\n' } }] },
        },
      },
    },
    charts: { [CHARTS]: [podinfoChart('6.5.4'), podinfoChart('6.6.0'), podinfoChart('6.7.1', faults && env === 'prod-eu' ? 'context deadline exceeded' : undefined)] },
  };
}

function fluxObjects(env: Env): { key: string; obj: KubeObject }[] {
  const F = ['finalizers.fluxcd.io'];
  const ks = (name: string, path: string, extra: Record<string, unknown> = {}): { key: string; obj: KubeObject } => ({
    key: KS,
    obj: { metadata: { name, namespace: 'flux-system', finalizers: F }, spec: { interval: '10m0s', path: `./${path}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, timeout: '5m0s', ...extra } },
  });
  return [
    { key: 'gitrepositories.source.toolkit.fluxcd.io', obj: { metadata: { name: 'flux-system', namespace: 'flux-system', finalizers: F }, spec: { interval: '1m0s', url: REPO, ref: { branch: 'main' }, secretRef: { name: 'flux-system' } } } },
    { key: 'helmrepositories.source.toolkit.fluxcd.io', obj: { metadata: { name: 'podinfo', namespace: 'flux-system', finalizers: F }, spec: { interval: '1h0m0s', url: CHARTS } } },
    ks('infrastructure', 'infrastructure'),
    ks('apps', `clusters/${env}/apps`, { dependsOn: [{ name: 'infrastructure' }] }),
    ks('monitoring-stack', 'monitoring/stack'),
  ];
}

function helmRelease(version: string): KubeObject {
  return {
    metadata: { name: 'podinfo', namespace: 'checkout', finalizers: ['finalizers.fluxcd.io'] },
    spec: { interval: '10m0s', releaseName: 'podinfo', chart: { spec: { chart: 'podinfo', version, sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' }, interval: '5m0s' } }, upgrade: { remediation: { retries: 0, remediateLastFailure: true, strategy: 'rollback' } }, values: { replicaCount: 2 } },
  };
}

const settle = (c: BuiltCluster, minutes: number): void => c.runtime.advance(minutes * MINUTE, 5000);

/**
 * How far back the demo's history starts: its clusters are built that long ago and settled
 * forward to the real now, so object ages, events and log timestamps read as the wall clock
 * does (a client's sinceTime, kubectl's AGE and stern's timestamps agree with `date`). It must
 * exceed the settles before the last one (8 min), and leave the last one at least the 12 min
 * the faults need to show (progress deadlines of 10 min); under the CronJob's 30 min period,
 * so its next run is 10 min after start, not during a test's first minutes.
 */
const HISTORY_MS = 20 * MINUTE;

export function demoCluster(env: Env, faults: boolean, opts: ScaleOptions = {}): BuiltCluster {
  const access = env === 'staging' ? [{ user: 'staging-dev', denyResources: ['secrets'], denyNamespaces: ['kube-system'] }] : [];
  const c = buildCluster({ name: env, user: env === 'staging' ? 'staging-dev' : `${env}-admin`, access, flux: content(env, faults), speed: opts.speed, manualClock: opts.manualClock, logRate: opts.logRate, logLines: opts.logLines, startAt: Date.now() - HISTORY_MS });
  const { store } = c;
  addNodes(c, 3);
  for (const n of ['kube-system', 'flux-system', 'default']) store.create('namespaces', ns(n));
  store.create('secrets', { metadata: { name: 'flux-system', namespace: 'flux-system' }, type: 'Opaque', data: { identity: Buffer.from('ssh-ed25519 AAAA').toString('base64') } });
  store.create('configmaps', { metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: '.:53 {\n  errors\n  health\n  kubernetes cluster.local\n}\n' } });
  for (const f of fluxObjects(env)) store.create(f.key, f.obj);
  store.create(HR, helmRelease('6.6.0'));
  settle(c, 2);
  // operator CRs
  store.create('certificates.cert-manager.io', { metadata: { name: 'shop-tls', namespace: 'checkout' }, spec: { secretName: 'shop-tls', dnsNames: [`shop.${env}.acme.io`], issuerRef: { name: faults && env === 'staging' ? 'letsencrypt-prod-missing' : 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' } } });
  store.create('clusters.postgresql.cnpg.io', { metadata: { name: 'payments-db', namespace: 'databases', annotations: faults && env === 'prod-eu' ? { [FAILED_INSTANCES]: '1' } : {} }, spec: { instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4', storage: { size: '20Gi' } } });
  store.create('prometheuses.monitoring.coreos.com', { metadata: { name: 'k8s', namespace: 'monitoring' }, spec: { replicas: 2, version: 'v2.55.0', shards: 1 } });
  store.create('kafkas.kafka.strimzi.io', { metadata: { name: 'events', namespace: 'payments' }, spec: { kafka: { replicas: 3, version: '3.8.0' }, entityOperator: {} } });
  store.create('applications.argoproj.io', { metadata: { name: 'shop-legacy', namespace: 'default' }, spec: { project: 'default', source: { repoURL: REPO, path: 'legacy/shop', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'default' } } });
  // a Deployment rolled out by hand three times (checkout/cart-api)
  const cart = deployment('checkout', 'cart-api', 'ghcr.io/acme/cart-api:1.4.0', 3).map((o) => ({ ...o, metadata: { ...o.metadata, annotations: { 'kubernetes.io/change-cause': 'kubectl apply --filename=cart-api.yaml' } } }));
  for (const o of cart) store.create(o.kind === 'Deployment' ? 'deployments.apps' : o.kind === 'Service' ? 'services' : 'configmaps', o);
  settle(c, 2);
  const rollout = (image: string, cause: string): void => {
    store.mutate('deployments.apps', 'checkout', 'cart-api', (d) => {
      d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': cause };
      ((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]).image = image;
    });
    settle(c, 2);
  };
  rollout('ghcr.io/acme/cart-api:1.5.0', 'kubectl set image deployment/cart-api cart-api=ghcr.io/acme/cart-api:1.5.0');
  if (faults && env === 'prod-eu') {
    rollout('ghcr.io/acme/cart-api:1.6.0-bad', 'kubectl set image deployment/cart-api cart-api=ghcr.io/acme/cart-api:1.6.0-bad');
    // the failed upgrade, remediated by a rollback
    store.mutate(HR, 'checkout', 'podinfo', (h) => {
      ((h.spec as { chart: { spec: { version: string } } }).chart.spec).version = '6.7.1';
    });
  }
  if (faults && env === 'staging') {
    store.mutate(KS, 'flux-system', 'apps', (k) => {
      (k.spec as Record<string, unknown>).path = './apps/checkout';
    });
    // a namespace held by a custom finalizer nobody removes
    store.create('namespaces', ns('legacy-reports'));
    store.create('configmaps', { metadata: { name: 'report-exports', namespace: 'legacy-reports', finalizers: ['reports.acme.io/export-cleanup'] }, data: { last: '2024-11-02' } });
    store.delete('namespaces', undefined, 'legacy-reports');
  }
  if (faults && env === 'dev') {
    store.create('persistentvolumeclaims', { metadata: { name: 'scratch-data', namespace: 'payments' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd-retired', resources: { requests: { storage: '50Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
    const pvc = store.get('persistentvolumeclaims', 'payments', 'scratch-data')!;
    c.events.record(pvc, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd-retired" not found', 'persistentvolume-controller');
    store.mutate(KS, 'flux-system', 'monitoring-stack', (k) => {
      (k.spec as Record<string, unknown>).suspend = true;
    });
  }
  // the rest of the history, up to the real now (ages and timestamps as the wall clock reads)
  c.runtime.advance(Math.max(0, Date.now() - c.runtime.now()), 5000);
  return c;
}
