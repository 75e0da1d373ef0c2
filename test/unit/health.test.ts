import { describe, expect, it } from 'vitest';
import { health, resolveKind, type HealthStatus, type KindRef } from '../../src/model/health.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const inFuture = (ms: number): string => new Date(NOW + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function meta(name: string, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  return { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: ago(3 * DAY), generation: 1, ...extra };
}

function cond(type: string, status: string, reason?: string, message?: string, since = ago(10 * MIN)): Record<string, unknown> {
  return { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastTransitionTime: since };
}

function deployment(spec: number, st: Record<string, number>, conditions: unknown[] = [], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('checkout', { generation: 4, ...extra }),
    spec: { replicas: spec, selector: { matchLabels: { app: 'checkout' } } },
    status: { observedGeneration: 4, ...st, conditions },
  };
}

function pod(name: string, status: Record<string, unknown>, metaExtra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, metaExtra),
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'ghcr.io/acme/checkout:1.4.2' }] },
    status,
  };
}

const crashLoopPod = (name: string): KubeObject =>
  pod(name, {
    phase: 'Running',
    conditions: [cond('Ready', 'False', 'ContainersNotReady', 'containers with unready status: [app]', ago(20 * MIN))],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 7,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * MIN) } },
      },
    ],
  });

const runningPod = (name: string): KubeObject =>
  pod(name, {
    phase: 'Running',
    conditions: [cond('Ready', 'True')],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: ago(HOUR) } } }],
  });

function flux(kind: string, group: string, status: Record<string, unknown>, spec: Record<string, unknown> = {}, generation = 2): KubeObject {
  return {
    apiVersion: `${group}/v1`,
    kind,
    metadata: meta('apps', { namespace: 'flux-system', generation }),
    spec: { interval: '10m0s', ...spec },
    status,
  };
}

const KS = 'kustomize.toolkit.fluxcd.io';
const HR = 'helm.toolkit.fluxcd.io';

interface Case {
  name: string;
  obj: KubeObject;
  kind?: KindRef;
  related?: KubeObject[];
  status: HealthStatus;
  reason: string | RegExp;
  since?: string;
}

const cases: Case[] = [
  // --- Deployments
  {
    name: 'Deployment fully available',
    obj: deployment(3, { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }, [cond('Available', 'True', 'MinimumReplicasAvailable'), cond('Progressing', 'True', 'NewReplicaSetAvailable')]),
    status: 'Current',
    reason: 'Deployment is available. Replicas: 3',
  },
  {
    name: 'Deployment with crash-looping pods (related pods given)',
    obj: deployment(5, { replicas: 5, updatedReplicas: 5, readyReplicas: 2, availableReplicas: 2 }, [
      cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', ago(20 * MIN)),
      cond('Progressing', 'True', 'ReplicaSetUpdated'),
    ]),
    related: [crashLoopPod('checkout-a'), crashLoopPod('checkout-b'), crashLoopPod('checkout-c'), runningPod('checkout-d'), runningPod('checkout-e')],
    status: 'Failed',
    reason: '2/5 available, 3 pods CrashLoopBackOff',
    since: ago(20 * MIN),
  },
  {
    name: 'Deployment with crash-looping pods, counts only without related pods',
    obj: deployment(5, { replicas: 5, updatedReplicas: 5, readyReplicas: 2, availableReplicas: 2 }, [cond('Available', 'False', 'MinimumReplicasUnavailable')]),
    status: 'InProgress',
    reason: '2/5 available',
  },
  {
    name: 'Deployment rolling out',
    obj: deployment(4, { replicas: 5, updatedReplicas: 2, readyReplicas: 4, availableReplicas: 4 }),
    status: 'InProgress',
    reason: '2/4 updated, 1 old pod terminating',
  },
  {
    name: 'Deployment past its progress deadline',
    obj: deployment(3, { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 }, [
      cond('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "checkout-7d9f" has timed out progressing.'),
    ]),
    status: 'Failed',
    reason: /^Progress deadline exceeded: 2\/3 available \(ReplicaSet "checkout-7d9f" has timed out progressing\.\)$/,
  },
  {
    name: 'Deployment whose new generation is not observed yet',
    obj: { ...deployment(3, { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }), status: { observedGeneration: 3, replicas: 3 } },
    status: 'InProgress',
    reason: 'Deployment generation is 4, but latest observed generation is 3',
  },
  {
    name: 'Deployment scaled to zero',
    obj: deployment(0, {}),
    status: 'Current',
    reason: 'Deployment is available. Replicas: 0',
  },
  {
    name: 'list item without apiVersion/kind, kind given by the caller',
    obj: { metadata: meta('web'), spec: { replicas: 2 }, status: { replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 } },
    kind: 'Deployment',
    status: 'InProgress',
    reason: '1/2 available',
  },
  // --- Pods
  { name: 'Pod CrashLoopBackOff', obj: crashLoopPod('checkout-a'), status: 'Failed', reason: 'Containers in CrashLoop state: app (7 restarts)', since: ago(20 * MIN) },
  {
    name: 'Pod ImagePullBackOff',
    obj: pod('img', {
      phase: 'Pending',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/checkout:1.4.3"' } } }],
    }),
    status: 'Failed',
    reason: 'ImagePullBackOff for app: Back-off pulling image "ghcr.io/acme/checkout:1.4.3"',
  },
  {
    name: 'Pod unschedulable for 10 s (grace)',
    obj: pod('pending', { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/3 nodes are available: 3 Insufficient cpu.', ago(10_000))] }),
    status: 'InProgress',
    reason: 'Pod could not be scheduled: 0/3 nodes are available: 3 Insufficient cpu.',
  },
  {
    name: 'Pod unschedulable for a minute',
    obj: pod('pending', { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable', '0/3 nodes are available: 3 Insufficient cpu.', ago(MIN))] }),
    status: 'Failed',
    reason: 'Pod could not be scheduled: 0/3 nodes are available: 3 Insufficient cpu.',
    since: ago(MIN),
  },
  {
    name: 'Pod evicted (phase Failed: Failed for triage, unlike kstatus)',
    obj: pod('evicted', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
    status: 'Failed',
    reason: 'Pod failed: Evicted: The node was low on resource: memory.',
  },
  { name: 'Pod succeeded', obj: pod('job-x', { phase: 'Succeeded' }), status: 'Current', reason: 'Pod has completed successfully' },
  { name: 'Pod running and ready', obj: runningPod('ok'), status: 'Current', reason: 'Pod is Ready' },
  {
    name: 'Pod creating containers',
    obj: pod('new', {
      phase: 'Pending',
      conditions: [cond('PodScheduled', 'True')],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    }),
    status: 'InProgress',
    reason: 'Pod is Pending: ContainerCreating',
  },
  // --- Flux
  {
    name: 'Kustomization BuildFailed, observedGeneration behind (Ready read before generation)',
    obj: flux(
      'Kustomization',
      KS,
      {
        observedGeneration: 1,
        lastAppliedRevision: 'main@sha1:1eabc9a4e0e1c1c1a9b1d2f3e4d5c6b7a8f9e0d1',
        lastAttemptedRevision: 'main@sha1:9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
        conditions: [
          cond(
            'Ready',
            'False',
            'BuildFailed',
            "kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'deploy.yaml': open /tmp/kustomization-1/apps/deploy.yaml: no such file or directory'",
            ago(7 * MIN),
          ),
        ],
      },
      {},
      2,
    ),
    status: 'Failed',
    reason: /^Ready=False BuildFailed: kustomize build failed: accumulating resources: .*no such file or directory'$/,
    since: ago(7 * MIN),
  },
  {
    name: 'Kustomization suspended',
    obj: flux('Kustomization', KS, { observedGeneration: 2, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc')] }, { suspend: true }),
    status: 'Suspended',
    reason: 'Kustomization is suspended: Flux does not reconcile it',
  },
  {
    name: 'Kustomization reconciling',
    obj: flux('Kustomization', KS, { conditions: [cond('Reconciling', 'True', 'Progressing', 'Fetching manifests for revision main@sha1:abc'), cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress')] }),
    status: 'InProgress',
    reason: 'Reconciling=True Progressing: Fetching manifests for revision main@sha1:abc',
  },
  {
    // kustomize-controller v1.9 on the real tier: a failed build is retried with both conditions set
    name: 'Kustomization retrying a failed build',
    obj: flux('Kustomization', KS, { conditions: [cond('Reconciling', 'True', 'ProgressingWithRetry', 'Detecting drift for revision main@sha1:abc'), cond('Ready', 'False', 'BuildFailed', 'kustomize build failed: missing.yaml')] }),
    status: 'Failed',
    reason: 'Ready=False BuildFailed: kustomize build failed: missing.yaml',
  },
  {
    name: 'Kustomization retrying, Ready not yet known',
    obj: flux('Kustomization', KS, { conditions: [cond('Reconciling', 'True', 'ProgressingWithRetry', 'Fetching manifests'), cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress')] }),
    status: 'InProgress',
    reason: 'Reconciling=True ProgressingWithRetry: Fetching manifests',
  },
  // Ready=False beside Reconciling=True of any reason is Failed: the conditions the real
  // controllers (helm-controller v1.6.4, kustomize- and source-controller v1.9.5) keep while they retry
  {
    name: 'HelmRelease waiting on a dependency (Reconciling Progressing "Fulfilling prerequisites")',
    obj: flux('HelmRelease', HR, { observedGeneration: -1, conditions: [cond('Reconciling', 'True', 'Progressing', 'Fulfilling prerequisites'), cond('Ready', 'False', 'DependencyNotReady', "dependency 'flux-system/failing' is not ready", ago(6 * MIN))] }),
    status: 'Failed',
    reason: "Ready=False DependencyNotReady: dependency 'flux-system/failing' is not ready",
    since: ago(6 * MIN),
  },
  {
    name: 'Kustomization waiting on a dependency (no Reconciling): Failed alike',
    obj: flux('Kustomization', KS, { observedGeneration: -1, conditions: [cond('Ready', 'False', 'DependencyNotReady', "dependency 'flux-system/broken' is not ready")] }),
    status: 'Failed',
    reason: "Ready=False DependencyNotReady: dependency 'flux-system/broken' is not ready",
  },
  {
    name: 'HelmRelease whose chart version does not exist (SourceNotReady)',
    obj: flux('HelmRelease', HR, { observedGeneration: -1, conditions: [cond('Reconciling', 'True', 'Progressing', 'Fulfilling prerequisites'), cond('Ready', 'False', 'SourceNotReady', "HelmChart 'flux-system/flux-system-apps' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'demo-chart' chart with version matching '9.9.9' found")] }),
    status: 'Failed',
    reason: "Ready=False SourceNotReady: HelmChart 'flux-system/flux-system-apps' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'demo-chart' chart with version matching '9.9.9' found",
  },
  {
    name: 'HelmRelease between install retries (Reconciling Progressing "Running \'install\' action")',
    obj: flux('HelmRelease', HR, { observedGeneration: -1, failures: 7, conditions: [
      cond('Reconciling', 'True', 'Progressing', "Running 'install' action with timeout of 5m0s"),
      cond('Ready', 'False', 'InstallFailed', 'Helm install failed for release flux-system/apps with chart broken@0.1.0: execution error'),
      cond('Released', 'False', 'InstallFailed', 'Helm install failed for release flux-system/apps with chart broken@0.1.0: execution error'),
    ] }),
    status: 'Failed',
    reason: 'Ready=False InstallFailed: Helm install failed for release flux-system/apps with chart broken@0.1.0: execution error',
  },
  {
    name: 'HelmRelease running an install (Ready Unknown)',
    obj: flux('HelmRelease', HR, { observedGeneration: -1, conditions: [cond('Reconciling', 'True', 'Progressing', "Running 'install' action with timeout of 5m0s"), cond('Ready', 'Unknown', 'Progressing', "Running 'install' action with timeout of 5m0s")] }),
    status: 'InProgress',
    reason: "Reconciling=True Progressing: Running 'install' action with timeout of 5m0s",
  },
  {
    name: 'GitRepository retrying a failed clone',
    obj: flux('GitRepository', 'source.toolkit.fluxcd.io', { observedGeneration: -1, conditions: [cond('Reconciling', 'True', 'ProgressingWithRetry', 'building artifact'), cond('Ready', 'False', 'GitOperationFailed', "failed to checkout and determine revision: unable to clone 'http://127.0.0.1:1/x.git'")] }),
    status: 'Failed',
    reason: "Ready=False GitOperationFailed: failed to checkout and determine revision: unable to clone 'http://127.0.0.1:1/x.git'",
  },
  {
    name: 'Kustomization Ready but a new generation waits',
    obj: flux('Kustomization', KS, { observedGeneration: 1, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc')] }),
    status: 'InProgress',
    reason: 'Kustomization generation is 2, but latest observed generation is 1',
  },
  {
    name: 'Kustomization never reconciled',
    obj: flux('Kustomization', KS, {}),
    status: 'InProgress',
    reason: 'waiting to be reconciled',
  },
  {
    name: 'Kustomization applied',
    obj: flux('Kustomization', KS, { observedGeneration: 2, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc')] }),
    status: 'Current',
    reason: 'Applied revision: main@sha1:abc',
  },
  {
    name: 'HelmRelease upgrade failed and remediated by rollback',
    obj: flux('HelmRelease', HR, {
      observedGeneration: 2,
      lastAttemptedRevision: '6.5.4',
      lastAttemptedReleaseAction: 'upgrade',
      upgradeFailures: 1,
      conditions: [
        cond('Ready', 'False', 'RollbackSucceeded', 'Helm rollback to previous release shop/podinfo.v3 with chart podinfo@6.5.3 succeeded', ago(3 * MIN)),
        cond('Released', 'False', 'UpgradeFailed', "Helm upgrade failed for release shop/podinfo with chart podinfo@6.5.4: context deadline exceeded"),
        cond('Remediated', 'True', 'RollbackSucceeded', 'Helm rollback to previous release shop/podinfo.v3 with chart podinfo@6.5.3 succeeded'),
      ],
    }),
    status: 'Failed',
    // issue 20 case 11: the Helm error (Released) first, the summary after it
    reason: 'Released=False UpgradeFailed: Helm upgrade failed for release shop/podinfo with chart podinfo@6.5.4: context deadline exceeded (Ready=False RollbackSucceeded: Helm rollback to previous release shop/podinfo.v3 with chart podinfo@6.5.3 succeeded)',
    since: ago(3 * MIN),
  },
  {
    name: 'HelmRelease stalled after retries',
    obj: flux('HelmRelease', HR, {
      conditions: [cond('Stalled', 'True', 'RetriesExceeded', 'Failed to upgrade after 3 attempt(s)'), cond('Ready', 'False', 'UpgradeFailed', 'Helm upgrade failed')],
    }),
    status: 'Failed',
    reason: 'Ready=False UpgradeFailed: Helm upgrade failed (Stalled=True RetriesExceeded: Failed to upgrade after 3 attempt(s))',
  },
  {
    name: 'Alert (static Flux kind, no status)',
    obj: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert', metadata: meta('slack'), spec: { providerRef: { name: 'slack' } } },
    status: 'Current',
    reason: 'Alert has no status to report',
  },
  // --- Storage, namespaces, services
  {
    name: 'PVC pending',
    obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data-pg-3'), spec: { storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } } }, status: { phase: 'Pending' } },
    status: 'InProgress',
    reason: 'PVC is not Bound. phase: Pending (storageClass fast-ssd, requests 20Gi)',
  },
  { name: 'PVC bound', obj: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), status: { phase: 'Bound' } }, status: 'Current', reason: 'PVC is Bound' },
  {
    name: 'Namespace stuck Terminating on a finalizer',
    obj: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'legacy', uid: 'u-ns', creationTimestamp: ago(30 * DAY), deletionTimestamp: ago(2 * HOUR) },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          cond('NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: widgets.example.com has 1 resource instances'),
          cond('NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/protect in 1 resource instances'),
        ],
      },
    },
    status: 'Terminating',
    reason:
      'Terminating for 120m, held by finalizers: kubernetes: Some content in the namespace has finalizers remaining: example.com/protect in 1 resource instances; Some resources are remaining: widgets.example.com has 1 resource instances',
    since: ago(2 * HOUR),
  },
  {
    name: 'Service LoadBalancer without ingress',
    obj: { apiVersion: 'v1', kind: 'Service', metadata: meta('edge'), spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } },
    status: 'InProgress',
    reason: 'LoadBalancer has no ingress address yet',
  },
  { name: 'ConfigMap', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg'), data: { a: 'b' } }, status: 'Current', reason: 'Resource is current' },
  // --- Other built-ins
  {
    name: 'StatefulSet rolling out a revision',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('kafka'),
      spec: { replicas: 3 },
      status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 1, currentRevision: 'kafka-5d8', updateRevision: 'kafka-7f2' },
    },
    status: 'InProgress',
    reason: 'rolling out revision kafka-7f2',
  },
  {
    name: 'DaemonSet missing pods',
    obj: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('node-exporter'),
      status: { observedGeneration: 1, desiredNumberScheduled: 5, currentNumberScheduled: 5, updatedNumberScheduled: 5, numberAvailable: 4, numberReady: 4 },
    },
    status: 'InProgress',
    reason: '4/5 available',
  },
  {
    name: 'Job failed',
    obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'), status: { failed: 6, conditions: [cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] } },
    status: 'Failed',
    reason: 'Job failed: Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit',
  },
  { name: 'Job complete', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'), spec: { completions: 1 }, status: { succeeded: 1, conditions: [cond('Complete', 'True')] } }, status: 'Current', reason: 'Job completed: 1/1 succeeded' },
  { name: 'CronJob suspended', obj: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('backup'), spec: { suspend: true, schedule: '0 3 * * *' } }, status: 'Suspended', reason: 'CronJob is suspended (spec.suspend)' },
  {
    name: 'CRD with conflicting names',
    obj: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, status: { conditions: [cond('NamesAccepted', 'False', 'ListKindConflict', '"WidgetList" is already in use')] } },
    status: 'Failed',
    reason: 'CRD names not accepted: NamesAccepted=False ListKindConflict: "WidgetList" is already in use',
  },
  {
    name: 'Node NotReady',
    obj: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' }, status: { conditions: [cond('Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.')] } },
    status: 'Failed',
    reason: 'Node NotReady: Ready=Unknown NodeStatusUnknown: Kubelet stopped posting node status.',
  },
  // --- Operators
  {
    name: 'Certificate not ready',
    obj: {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('shop-tls'),
      status: { conditions: [cond('Ready', 'False', 'Failed', 'The certificate request has failed to complete and will be retried: Failed to wait for order resource "shop-tls-1-123" to become ready')], lastFailureTime: ago(5 * MIN) },
    },
    status: 'Failed',
    reason: /^Ready=False Failed: The certificate request has failed to complete/,
  },
  {
    name: 'Certificate expiring in 3 days',
    obj: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('shop-tls'), status: { conditions: [cond('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')], notAfter: inFuture(3 * DAY), renewalTime: ago(27 * DAY) } },
    status: 'InProgress',
    reason: /^Certificate expires in 3d0?h? \(renewal was due /,
  },
  {
    name: 'Certificate expired',
    obj: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('shop-tls'), status: { conditions: [cond('Ready', 'False', 'Expired', 'Certificate expired on Mon, 29 Apr 2024')], notAfter: ago(2 * DAY) } },
    status: 'Failed',
    reason: /^Certificate expired 2d ago \(notAfter .*\); Ready=False Expired/,
  },
  {
    name: 'Certificate healthy',
    obj: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('shop-tls'), status: { conditions: [cond('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')], notAfter: inFuture(80 * DAY) } },
    status: 'Current',
    reason: 'Certificate is up to date, expires in 80d',
  },
  {
    name: 'Certificate being issued',
    obj: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('shop-tls'), status: { conditions: [cond('Ready', 'False', 'DoesNotExist', 'Issuing certificate as Secret does not exist'), cond('Issuing', 'True', 'DoesNotExist', 'Issuing certificate as Secret does not exist')] } },
    status: 'InProgress',
    reason: 'Certificate is being issued: Issuing=True DoesNotExist: Issuing certificate as Secret does not exist',
  },
  {
    name: 'CNPG cluster degraded',
    obj: {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: meta('orders-db'),
      spec: { instances: 3 },
      status: { instances: 3, readyInstances: 2, phase: 'Waiting for the instances to become active', phaseReason: 'Some instances are not yet active. Please wait.', currentPrimary: 'orders-db-1', targetPrimary: 'orders-db-1', conditions: [cond('Ready', 'False', 'ClusterIsNotReady', 'Cluster Is Not Ready', ago(12 * MIN))] },
    },
    status: 'Failed',
    reason: 'Degraded: 2/3 instances ready, phase: Waiting for the instances to become active (Some instances are not yet active. Please wait.)',
    since: ago(12 * MIN),
  },
  {
    name: 'CNPG cluster healthy',
    obj: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('orders-db'), status: { instances: 3, readyInstances: 3, phase: 'Cluster in healthy state', currentPrimary: 'orders-db-1', targetPrimary: 'orders-db-1' } },
    status: 'Current',
    reason: 'Cluster in healthy state: 3/3 instances ready, primary orders-db-1',
  },
  {
    name: 'CNPG switchover',
    obj: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('orders-db'), status: { instances: 3, readyInstances: 3, phase: 'Switchover in progress', currentPrimary: 'orders-db-1', targetPrimary: 'orders-db-2' } },
    status: 'InProgress',
    reason: 'Switchover: primary orders-db-1 -> orders-db-2; 3/3 instances ready',
  },
  {
    name: 'Prometheus degraded',
    obj: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta('k8s'), spec: { replicas: 2 }, status: { availableReplicas: 1, conditions: [cond('Available', 'Degraded', 'SomePodsNotReady', 'shard 0: pod prometheus-k8s-1: containers with unready status: [prometheus]'), cond('Reconciled', 'True')] } },
    status: 'InProgress',
    reason: 'Available=Degraded SomePodsNotReady: shard 0: pod prometheus-k8s-1: containers with unready status: [prometheus] (1/2 replicas available)',
  },
  {
    name: 'Prometheus not reconciled',
    obj: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta('k8s'), status: { conditions: [cond('Available', 'True'), cond('Reconciled', 'False', 'ReconciliationFailed', 'invalid remote write config')] } },
    status: 'Failed',
    reason: 'Reconciled=False ReconciliationFailed: invalid remote write config',
  },
  {
    name: 'Kafka NotReady with an exception',
    obj: { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: meta('events'), status: { observedGeneration: 1, conditions: [cond('NotReady', 'True', 'TimeoutException', 'Exceeded timeout of 300000ms while waiting for Pods resource events-kafka-0 to be ready')] } },
    status: 'Failed',
    reason: 'NotReady=True TimeoutException: Exceeded timeout of 300000ms while waiting for Pods resource events-kafka-0 to be ready',
  },
  { name: 'Kafka creating', obj: { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: meta('events'), status: { conditions: [cond('NotReady', 'True', 'Creating', 'Kafka cluster is being deployed')] } }, status: 'InProgress', reason: 'NotReady=True Creating: Kafka cluster is being deployed' },
  { name: 'Kafka paused', obj: { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: meta('events'), status: { conditions: [cond('ReconciliationPaused', 'True')] } }, status: 'Suspended', reason: 'Reconciliation paused (strimzi.io/pause-reconciliation)' },
  {
    name: 'Kafka ready with a warning',
    obj: { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: meta('events'), status: { conditions: [cond('Ready', 'True'), cond('Warning', 'True', 'KafkaStorage', 'A Kafka cluster with a single replica and ephemeral storage will lose topic messages after any restart or rolling update.')] } },
    status: 'Current',
    reason: /^Kafka is Ready, 1 warning: A Kafka cluster with a single replica/,
  },
  { name: 'Argo CD application degraded', obj: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: meta('shop'), status: { health: { status: 'Degraded', message: 'Deployment "checkout" exceeded its progress deadline' }, sync: { status: 'Synced' } } }, status: 'Failed', reason: 'health Degraded, sync Synced: Deployment "checkout" exceeded its progress deadline' },
  { name: 'Argo CD application out of sync', obj: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: meta('shop'), status: { health: { status: 'Healthy' }, sync: { status: 'OutOfSync' } } }, status: 'InProgress', reason: 'health Healthy, sync OutOfSync' },
  { name: 'Argo CD application healthy', obj: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: meta('shop'), status: { health: { status: 'Healthy' }, sync: { status: 'Synced' } } }, status: 'Current', reason: 'health Healthy, sync Synced' },
  // --- Generic custom resources
  { name: 'CR with Ready=False', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), status: { conditions: [cond('Ready', 'False', 'Broken', 'gear missing')] } }, status: 'Failed', reason: 'Ready=False Broken: gear missing' },
  { name: 'CR with Stalled=True', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), status: { conditions: [cond('Stalled', 'True', 'Misconfigured', 'bad spec')] } }, status: 'Failed', reason: 'Stalled=True Misconfigured: bad spec' },
  { name: 'CR with no status at all', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w') }, status: 'Current', reason: 'Resource is current' },
  { name: 'Cluster without a group is not taken for CNPG', obj: { metadata: meta('c'), status: { phase: 'Provisioning' } }, kind: 'Cluster', status: 'Current', reason: 'Resource is current' },
  {
    name: 'any object being deleted',
    obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w', { deletionTimestamp: ago(30 * MIN), finalizers: ['example.com/cleanup'] }) },
    status: 'Terminating',
    reason: 'Terminating for 30m, held by finalizers: example.com/cleanup',
  },
  { name: 'not an object', obj: null as unknown as KubeObject, status: 'Unknown', reason: 'Not a Kubernetes object (no metadata)' },
];

describe('health', () => {
  it.each(cases)('$name', (c) => {
    const got = health(c.obj, c.kind, { now: NOW, related: c.related });
    expect(got.status).toBe(c.status);
    if (typeof c.reason === 'string') expect(got.reason).toBe(c.reason);
    else expect(got.reason).toMatch(c.reason);
    if (c.since) expect(got.since).toBe(c.since);
  });

  it('names the finalizers that hold a Terminating object', () => {
    const got = health({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('d', { deletionTimestamp: ago(HOUR), finalizers: ['kubernetes.io/pvc-protection'] }) }, undefined, { now: NOW });
    expect(got).toEqual({ status: 'Terminating', reason: 'Terminating for 60m, held by finalizers: kubernetes.io/pvc-protection', since: ago(HOUR), stuckFinalizers: ['kubernetes.io/pvc-protection'] });
  });

  it('keeps reasons on one line and bounded', () => {
    const got = health({ apiVersion: 'example.com/v1', kind: 'W', metadata: meta('w'), status: { conditions: [cond('Ready', 'False', 'X', `line1\nline2\t${'x'.repeat(5000)}`)] } }, undefined, { now: NOW });
    expect(got.reason).not.toMatch(/[\n\t]/);
    expect(got.reason.length).toBeLessThan(500);
  });
});

describe('resolveKind', () => {
  it.each([
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }, undefined, { group: 'apps', kind: 'Deployment' }],
    [{ metadata: { name: 'x' } }, 'Deployment.apps', { group: 'apps', kind: 'Deployment' }],
    [{ metadata: { name: 'x' } }, 'Pod', { group: '', kind: 'Pod' }],
    [{ metadata: { name: 'x' } }, { group: 'postgresql.cnpg.io', kind: 'Cluster' }, { group: 'postgresql.cnpg.io', kind: 'Cluster' }],
    [{ metadata: { name: 'x' } }, 'Cluster', { group: undefined, kind: 'Cluster' }],
  ] as const)('%j with %j', (o, hint, want) => {
    expect(resolveKind(o, hint as KindRef | undefined)).toEqual(want);
  });
});

describe('issue 20 case 11: the verdict reads the deepest cause', () => {
  const hr = (conditions: unknown[], history: unknown[] = []): KubeObject => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: meta('podinfo', { namespace: 'checkout' }),
    spec: { interval: '5m', chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
    status: { observedGeneration: 1, conditions, history },
  });
  const upgradeFailed = 'Helm upgrade failed for release checkout/podinfo with chart podinfo@6.5.4: context deadline exceeded';

  it('HelmRelease: Stalled "Failed to upgrade after 1 attempt(s)" leads with the Helm error from Released and the failed release from history', () => {
    const v = health(hr([
      cond('Ready', 'False', 'RollbackSucceeded', 'Helm rollback to previous release checkout/podinfo.v1 with chart podinfo@6.5.3 succeeded'),
      cond('Released', 'False', 'UpgradeFailed', upgradeFailed),
      cond('Remediated', 'True', 'RollbackSucceeded', 'Helm rollback to previous release checkout/podinfo.v1 with chart podinfo@6.5.3 succeeded'),
      cond('Stalled', 'True', 'RetriesExceeded', 'Failed to upgrade after 1 attempt(s)'),
    ], [
      { version: 3, status: 'deployed', chartName: 'podinfo', chartVersion: '6.5.3' },
      { version: 2, status: 'failed', chartName: 'podinfo', chartVersion: '6.5.4' },
    ]), undefined, { now: NOW });
    expect(v.status).toBe('Failed');
    expect(v.reason).toBe(`Released=False UpgradeFailed: ${upgradeFailed}; Ready=False RollbackSucceeded: Helm rollback to previous release checkout/podinfo.v1 with chart podinfo@6.5.3 succeeded; release v2 failed (chart podinfo@6.5.4) (Stalled=True RetriesExceeded: Failed to upgrade after 1 attempt(s))`);
  });

  it('HelmRelease: a Ready message that already is the Helm error is not repeated', () => {
    const failMsg = 'Helm install failed for release checkout/podinfo with chart podinfo@6.5.4: template: broken';
    const v = health(hr([cond('Ready', 'False', 'InstallFailed', failMsg), cond('Released', 'False', 'InstallFailed', failMsg)]), undefined, { now: NOW });
    expect(v.reason).toBe(`Ready=False InstallFailed: ${failMsg}`);
  });

  const cert = (issuerRef: Record<string, string>, conditions: unknown[]): KubeObject => ({
    apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('shop-tls'),
    spec: { secretName: 'shop-tls', dnsNames: ['shop.example.com'], issuerRef },
    status: { conditions },
  });
  const issuing = [cond('Ready', 'False', 'DoesNotExist', 'Issuing certificate as Secret does not exist'), cond('Issuing', 'True', 'DoesNotExist', 'Issuing certificate as Secret does not exist')];
  const request = (conditions: unknown[]): KubeObject => ({
    apiVersion: 'cert-manager.io/v1', kind: 'CertificateRequest',
    metadata: meta('shop-tls-1', { annotations: { 'cert-manager.io/certificate-revision': '1' }, ownerReferences: [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'shop-tls', uid: 'uid-shop-tls', controller: true }] }),
    status: { conditions },
  });
  const pending = request([cond('Ready', 'False', 'Pending', 'Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt" not found')]);

  it('Certificate whose Issuer does not exist (Issuers listed): Failed, naming the issuer, with the request\'s words', () => {
    const v = health(cert({ name: 'letsencrypt' }, issuing), undefined, { now: NOW, related: [pending], listed: ['cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer', 'cert-manager.io/CertificateRequest'] });
    expect(v.status).toBe('Failed');
    expect(v.reason).toBe('Issuer shop/letsencrypt does not exist (spec.issuerRef); CertificateRequest shop-tls-1: Ready=False Pending: Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt" not found (Certificate: Issuing=True DoesNotExist: Issuing certificate as Secret does not exist)');
  });

  it('Certificate whose issuer kind was not listed: absence proves nothing, still InProgress with the request\'s cause', () => {
    const v = health(cert({ name: 'letsencrypt' }, issuing), undefined, { now: NOW, related: [pending], listed: ['cert-manager.io/CertificateRequest'] });
    expect(v.status).toBe('InProgress');
    expect(v.reason).toBe('Certificate is being issued: Issuing=True DoesNotExist: Issuing certificate as Secret does not exist; CertificateRequest shop-tls-1: Ready=False Pending: Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt" not found');
  });

  it('Certificate: a ClusterIssuer not Ready, a denied request, a failed request', () => {
    const ci: KubeObject = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'acme' }, status: { conditions: [cond('Ready', 'False', 'ErrRegisterACMEAccount', 'Failed to register ACME account: 403')] } };
    const all = ['cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer'];
    expect(health(cert({ name: 'acme', kind: 'ClusterIssuer' }, issuing), undefined, { now: NOW, related: [ci], listed: all }).reason)
      .toMatch(/^ClusterIssuer acme is not ready: Ready=False ErrRegisterACMEAccount: Failed to register ACME account: 403 \(Certificate: Issuing=True/);
    const okIssuer: KubeObject = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'ca', namespace: 'shop' }, status: { conditions: [cond('Ready', 'True', 'KeyPairVerified', 'Signing CA verified')] } };
    const denied = request([cond('Denied', 'True', 'PolicyDenied', 'denied by approver-policy'), cond('Ready', 'False', 'Denied', 'The CertificateRequest was denied by an approval controller')]);
    const d = health(cert({ name: 'ca' }, issuing), undefined, { now: NOW, related: [okIssuer, denied], listed: all });
    expect([d.status, d.reason.split(' (Certificate')[0]]).toEqual(['Failed', 'CertificateRequest shop-tls-1: Denied=True PolicyDenied: denied by approver-policy']);
    const failed = request([cond('Ready', 'False', 'Failed', 'Failed to sign certificate: CA expired')]);
    expect(health(cert({ name: 'ca' }, issuing), undefined, { now: NOW, related: [okIssuer, failed], listed: all }).status).toBe('Failed');
    // an external issuer (another group) is not judged: the request's words only
    expect(health(cert({ name: 'x', group: 'awspca.cert-manager.io', kind: 'AWSPCAIssuer' }, issuing), undefined, { now: NOW, related: [], listed: all }).status).toBe('InProgress');
    // a Ready certificate reads nothing below
    expect(health(cert({ name: 'gone' }, [cond('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')]), undefined, { now: NOW, related: [], listed: all }).status).toBe('Current');
  });
});
