// The `scale` scenario: many namespaces, Deployments and pods built straight into the store
// (already running, so 10k pods take seconds), and churn spread evenly over one ticker.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../model/types.js';
import type { BuiltCluster } from '../build-cluster.js';
import { ownerRef, templateHash } from '../controllers/util.js';
import { nowSeconds } from '../store.js';
import type { ScaleOptions } from './index.js';

export function addNodes(c: BuiltCluster, n: number): void {
  for (let i = 1; i <= n; i++) {
    const ip = `10.0.0.${10 + i}`;
    c.store.create('nodes', {
      metadata: { name: `${c.name}-node-${i}`, labels: { 'kubernetes.io/hostname': `${c.name}-node-${i}`, 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'm6i.xlarge', 'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}` } },
      spec: { podCIDR: `10.244.${i}.0/24` },
      status: {
        addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: `${c.name}-node-${i}` }],
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '3920m', memory: '15Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: nowSeconds(), lastTransitionTime: nowSeconds() }],
        nodeInfo: { kubeletVersion: 'v1.31.4', containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Ubuntu 22.04.5 LTS', architecture: 'amd64', operatingSystem: 'linux', kernelVersion: '6.5.0-1024-aws' },
      },
    });
  }
}

/** 64 hex characters derived from the text: a container or image id as a runtime reports one
 * (stern and kubectl tail only containers whose status has a containerID). */
function hex64(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function runningPod(name: string, ns: string, labels: Record<string, string>, owner: KubeObject, image: string, node: string, ip: string): KubeObject {
  const t = nowSeconds();
  const ready = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
    { type: 'Initialized', status: 'True', lastTransitionTime: t },
    { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
    { type: 'Ready', status: 'True', lastTransitionTime: t },
  ];
  return {
    metadata: { name, namespace: ns, labels, ownerReferences: [ownerRef(owner)] },
    spec: { nodeName: node, containers: [{ name: 'app', image }] },
    status: { phase: 'Running', podIP: ip, hostIP: '10.0.0.11', startTime: t, conditions: ready, qosClass: 'BestEffort', containerStatuses: [{ name: 'app', image, imageID: `${image.split(':')[0]}@sha256:${hex64(image)}`, containerID: `containerd://${hex64(`${ns}/${name}/app`)}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } }, lastState: {} }] },
  };
}

/**
 * `n` API groups served by CRDs, each with two namespaced kinds at v1 and v1beta1 (v1
 * preferred), as operators install them: what makes discovery cost grow on real clusters.
 */
export function addApiGroups(c: BuiltCluster, n: number): void {
  const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
  for (let g = 1; g <= n; g++) {
    const group = `ops${g}.scale.fleetdeck.test`;
    for (const [plural, kind] of [['engines', 'Engine'], ['pipelines', 'Pipeline']]) {
      c.store.create('customresourcedefinitions.apiextensions.k8s.io', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${plural}.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
          versions: [
            { name: 'v1', served: true, storage: true, schema, subresources: { status: {} } },
            { name: 'v1beta1', served: true, storage: false, schema, subresources: { status: {} } },
          ],
        },
      });
    }
  }
}

export function scaleCluster(c: BuiltCluster, opts: ScaleOptions): BuiltCluster {
  const nsCount = opts.namespaces ?? 10;
  const deps = opts.deployments ?? 10;
  const per = opts.podsPerDeployment ?? 3;
  addNodes(c, 5);
  addApiGroups(c, opts.apiGroups ?? 0);
  const nodes = c.store.list('nodes').map((n) => n.metadata.name);
  let ip = 0;
  for (let n = 0; n < nsCount; n++) {
    const ns = `team-${n + 1}`;
    c.store.create('namespaces', { metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    for (let d = 0; d < deps; d++) {
      const name = `svc-${d + 1}`;
      const labels = { app: name };
      const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.example.com/${name}:1.${d % 7}.0` }] } };
      const hash = templateHash(template);
      const dep = c.store.create('deployments.apps', { metadata: { name, namespace: ns, labels, annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas: per, selector: { matchLabels: labels }, template } });
      const rsLabels = { ...labels, 'pod-template-hash': hash };
      const rs = c.store.create('replicasets.apps', {
        metadata: { name: `${name}-${hash}`, namespace: ns, labels: rsLabels, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [ownerRef(dep)] },
        spec: { replicas: per, selector: { matchLabels: rsLabels }, template: { ...template, metadata: { labels: rsLabels } } },
      });
      for (let p = 0; p < per; p++) {
        ip += 1;
        c.store.create('pods', runningPod(c.store.freeName('pods', ns, `${rs.metadata.name}-`), ns, rsLabels, rs, template.spec.containers[0].image, nodes[ip % nodes.length], `10.244.${(ip >> 8) & 255}.${ip & 255}`));
      }
    }
  }
  if ((opts.churn ?? 0) > 0) c.runtime.register(churnController(c, opts.churn ?? 0));
  return c;
}

/** N changes per second spread over the ticks: pod label/status updates and pod replacements. */
function churnController(c: BuiltCluster, perSecond: number) {
  let last = 0;
  let debt = 0;
  let flip = false;
  return {
    name: 'churn',
    watches: [] as string[],
    map: () => [] as string[],
    reconcile: () => undefined,
    tick(now: number) {
      if (last === 0) last = now;
      debt += ((now - last) / 1000) * perSecond * (1 / c.runtime.clock.speed);
      last = now;
      const pods = c.store.list('pods');
      while (debt >= 1 && pods.length > 0) {
        debt -= 1;
        const i = Math.floor(Math.random() * pods.length);
        const p = pods[i];
        flip = !flip;
        if (flip) {
          c.store.mutate('pods', p.metadata.namespace, p.metadata.name, (x) => {
            x.metadata.labels = { ...x.metadata.labels, 'sim.fleetdeck.io/churn': String(now % 1000) };
          });
        } else if (Math.random() < 0.5) {
          c.store.mutate('pods', p.metadata.namespace, p.metadata.name, (x) => {
            (x.status as Record<string, unknown>).startTime = nowSeconds();
          }, { subresource: 'status' });
        } else {
          // a replacement: the ReplicaSet controller creates the new pod
          c.store.delete('pods', p.metadata.namespace, p.metadata.name);
          // a tick that owes many changes must not touch the pod it just deleted
          pods.splice(i, 1);
        }
      }
    },
  };
}
