// Operator CRs whose status evolves: cert-manager Certificates, CloudNativePG Clusters (which
// own their instance Pods and PVCs), Prometheus, Strimzi Kafka and Argo CD Applications.
// A CR's spec decides its health: Certificates whose issuer is missing stay not ready, a
// CNPG Cluster with `sim.fleetdeck.io/failed-instances` stays degraded; one annotated
// `sim.fleetdeck.io/unmanaged: "true"` is left to its clients (no operator).
import { condition, num, str } from '../../model/access.js';
import { rfc3339 } from '../../model/format.js';
import type { KubeObject } from '../../model/types.js';
import { nowSeconds } from '../store.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';
import { item, ownedBy, ownerRef, setCondition, splitItem, statusOf } from './util.js';

export const FAILED_INSTANCES = 'sim.fleetdeck.io/failed-instances';
/**
 * A CR with this annotation ("true") is left alone, as on a cluster whose operator is not
 * running: its status is whatever clients write (the operator-CRD tests write samples on
 * both backends; the real control plane runs no operator).
 */
export const UNMANAGED = 'sim.fleetdeck.io/unmanaged';
const CERT = 'certificates.cert-manager.io';
const CNPG = 'clusters.postgresql.cnpg.io';
const PROM = 'prometheuses.monitoring.coreos.com';
const KAFKA = 'kafkas.kafka.strimzi.io';
const APP = 'applications.argoproj.io';
const DAY = 86_400_000;

export function operatorController(ctx: Ctx): Controller {
  const { store, events } = ctx;
  const w = (key: string, o: KubeObject, fn: (st: Record<string, unknown>, x: KubeObject) => void, status = true): void => {
    store.mutate(key, o.metadata.namespace, o.metadata.name, (x) => fn(statusOf(x), x), status ? { subresource: 'status' } : {});
  };

  const handlers: Record<string, (o: KubeObject) => void> = {
    [CERT]: (c) => {
      const issuer = str(c, 'spec', 'issuerRef', 'name') ?? '';
      const ok = !issuer.includes('missing');
      w(CERT, c, (st) => {
        st.observedGeneration = c.metadata.generation;
        if (ok) {
          const now = Date.now();
          st.notBefore = nowSeconds();
          st.notAfter = rfc3339(new Date(now + 90 * DAY), 0);
          st.renewalTime = rfc3339(new Date(now + 60 * DAY), 0);
          st.revision = (num(st, 'revision') ?? 0) || 1;
          setCondition(st, { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', observedGeneration: c.metadata.generation });
        } else {
          const msg = `Issuing certificate as Secret does not exist`;
          setCondition(st, { type: 'Ready', status: 'False', reason: 'DoesNotExist', message: msg, observedGeneration: c.metadata.generation });
          setCondition(st, { type: 'Issuing', status: 'True', reason: 'DoesNotExist', message: msg, observedGeneration: c.metadata.generation });
        }
      });
      if (!ok) events.record(c, 'Warning', 'IssuerNotFound', `Referenced "Issuer" not found: issuer.cert-manager.io "${issuer}" not found`, 'cert-manager-certificates-issuing');
    },
    [CNPG]: (c) => {
      const ns = c.metadata.namespace!;
      const instances = num(c, 'spec', 'instances') ?? 1;
      const failed = Number(c.metadata.annotations?.[FAILED_INSTANCES] ?? 0);
      const image = str(c, 'spec', 'imageName') ?? 'ghcr.io/cloudnative-pg/postgresql:16.4';
      const size = str(c, 'spec', 'storage', 'size') ?? '10Gi';
      for (let i = 1; i <= instances; i++) {
        const name = `${c.metadata.name}-${i}`;
        const labels = { 'cnpg.io/cluster': c.metadata.name, 'cnpg.io/instanceName': name, 'cnpg.io/instanceRole': i === 1 ? 'primary' : 'replica', role: i === 1 ? 'primary' : 'replica' };
        if (!store.get('persistentvolumeclaims', ns, name)) {
          store.create('persistentvolumeclaims', { metadata: { name, namespace: ns, labels, ownerReferences: [ownerRef(c)] }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, volumeName: `pvc-${name}` }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } } });
        }
        if (!store.get('pods', ns, name)) {
          // failed instances run a broken image: they crash-loop like a real bad instance
          const img = i > instances - failed ? image.replace(/:[^:/]+$/, ':16.4-crash') : image;
          store.create('pods', { metadata: { name, namespace: ns, labels, ownerReferences: [ownerRef(c)] }, spec: { containers: [{ name: 'postgres', image: img }], volumes: [{ name: 'pgdata', persistentVolumeClaim: { claimName: name } }] }, status: { phase: 'Pending' } });
        }
      }
      const pods = ownedBy(store, 'pods', c);
      const ready = pods.filter((p) => condition(p, 'Ready')?.status === 'True').length;
      const healthy = ready === instances;
      w(CNPG, c, (st) => {
        st.instances = instances;
        st.readyInstances = ready;
        st.currentPrimary = `${c.metadata.name}-1`;
        st.targetPrimary = `${c.metadata.name}-1`;
        st.instanceNames = pods.map((p) => p.metadata.name).sort();
        st.phase = healthy ? 'Cluster in healthy state' : ready === 0 ? 'Setting up primary' : 'Waiting for the instances to become active';
        st.phaseReason = healthy ? '' : `Some instances are not yet active. Please wait.`;
        setCondition(st, healthy
          ? { type: 'Ready', status: 'True', reason: 'ClusterIsReady', message: 'Cluster is Ready' }
          : { type: 'Ready', status: 'False', reason: 'ClusterIsNotReady', message: 'Cluster Is Not Ready' });
      });
    },
    [PROM]: (p) => {
      const replicas = num(p, 'spec', 'replicas') ?? 1;
      w(PROM, p, (st) => {
        st.replicas = replicas;
        st.availableReplicas = replicas;
        st.updatedReplicas = replicas;
        st.unavailableReplicas = 0;
        st.paused = false;
        st.shards = num(p, 'spec', 'shards') ?? 1;
        st.selector = `app.kubernetes.io/instance=${p.metadata.name},app.kubernetes.io/managed-by=prometheus-operator,app.kubernetes.io/name=prometheus,operator.prometheus.io/name=${p.metadata.name}`;
        setCondition(st, { type: 'Available', status: 'True', reason: '', message: '', observedGeneration: p.metadata.generation });
        setCondition(st, { type: 'Reconciled', status: 'True', reason: '', message: '', observedGeneration: p.metadata.generation });
      });
    },
    [KAFKA]: (k) => {
      const paused = k.metadata.annotations?.['strimzi.io/pause-reconciliation'] === 'true';
      w(KAFKA, k, (st) => {
        st.observedGeneration = k.metadata.generation;
        st.kafkaMetadataState = 'KRaft';
        st.clusterId = `sim-${(k.metadata.uid ?? '').slice(0, 8)}`;
        setCondition(st, paused
          ? { type: 'ReconciliationPaused', status: 'True', reason: '', message: '' }
          : { type: 'Ready', status: 'True', reason: '', message: '' });
      });
    },
    [APP]: (a) => {
      const path = str(a, 'spec', 'source', 'path') ?? '';
      const degraded = path.includes('broken');
      // Argo's Application has no status subresource: the controller writes the whole object
      w(APP, a, (st) => {
        st.sync = { status: degraded ? 'OutOfSync' : 'Synced', revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', comparedTo: { source: a.spec } };
        st.health = { status: degraded ? 'Degraded' : 'Healthy', lastTransitionTime: nowSeconds() };
        st.reconciledAt = nowSeconds();
      }, false);
    },
  };

  return {
    name: 'operators',
    watches: [...Object.keys(handlers), 'pods'],
    map(ev) {
      if (ev.type === 'DELETED') return [];
      if (ev.key === 'pods') {
        const ref = ev.object.metadata.ownerReferences?.find((r) => r.kind === 'Cluster' && r.apiVersion.startsWith('postgresql.cnpg.io'));
        return ref ? [`${CNPG}|${ev.object.metadata.namespace}/${ref.name}`] : [];
      }
      return [`${ev.key}|${item(ev.object)}`];
    },
    reconcile(id) {
      const [key, rest] = id.split('|');
      const [ns, name] = splitItem(rest);
      const o = store.get(key, ns, name);
      if (o && !o.metadata.deletionTimestamp && o.metadata.annotations?.[UNMANAGED] !== 'true') handlers[key]?.(o);
    },
  };
}
