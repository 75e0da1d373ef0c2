// The workload controllers: Deployment (rolling updates through ReplicaSets, revisions,
// rollback reusing the old ReplicaSet, progress deadline), ReplicaSet (pods), StatefulSet and
// DaemonSet (ControllerRevisions, ordered/one-per-node pods), Job and CronJob.
import { arr, condition, num, rec, str, strMap } from '../../model/access.js';
import type { KubeObject } from '../../model/types.js';
import { nowSeconds } from '../store.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';
import { item, ownedBy, ownerItems, ownerRef, setCondition, specOf, splitItem, stableJson, statusOf, templateHash } from './util.js';

const REV = 'deployment.kubernetes.io/revision';
const REV_HISTORY = 'deployment.kubernetes.io/revision-history';
const HASH = 'pod-template-hash';

const clone = <T>(o: T): T => structuredClone(o);
const isActive = (p: KubeObject): boolean => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(str(p, 'status', 'phase') ?? '');
const isReady = (p: KubeObject): boolean => condition(p, 'Ready')?.status === 'True';
const replicasOf = (o: KubeObject, def = 1): number => num(o, 'spec', 'replicas') ?? def;

/** Creates a pod from a template, named `<prefix><5 chars>` unless a name is given. */
function createPod(ctx: Ctx, owner: KubeObject, template: unknown, extraLabels: Record<string, string>, name?: string, nodeName?: string): KubeObject {
  const meta = rec(template, 'metadata') ?? {};
  const spec = clone(rec(template, 'spec') ?? {});
  if (nodeName) spec.nodeName = nodeName;
  const podName = name ?? ctx.store.freeName('pods', owner.metadata.namespace, `${owner.metadata.name}-`);
  return ctx.store.create('pods', {
    metadata: {
      name: podName,
      namespace: owner.metadata.namespace,
      labels: { ...strMap(meta, 'labels'), ...extraLabels },
      ...(rec(meta, 'annotations') ? { annotations: strMap(meta, 'annotations') } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec,
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  });
}

// --- ReplicaSet --------------------------------------------------------------------------

export function replicaSetController(ctx: Ctx): Controller {
  const { store, events } = ctx;
  return {
    name: 'replicasets',
    watches: ['replicasets.apps', 'pods'],
    map: (ev) => (ev.key === 'pods' ? ownerItems(ev, 'ReplicaSet') : [item(ev.object)]),
    reconcile(id) {
      const [ns, name] = splitItem(id);
      const rs = store.get('replicasets.apps', ns, name);
      if (!rs || rs.metadata.deletionTimestamp) return;
      const pods = ownedBy(store, 'pods', rs).filter(isActive);
      const want = replicasOf(rs);
      const tpl = rec(rs, 'spec', 'template');
      for (let i = pods.length; i < want; i++) {
        const p = createPod(ctx, rs, tpl, {});
        pods.push(p);
        events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`, 'replicaset-controller');
      }
      if (pods.length > want) {
        // the not-ready and the newest go first, as the real controller ranks them
        const victims = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '')).slice(0, pods.length - want);
        for (const v of victims) {
          store.delete('pods', ns, v.metadata.name);
          events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${v.metadata.name}`, 'replicaset-controller');
        }
      }
      const live = ownedBy(store, 'pods', rs).filter(isActive);
      const ready = live.filter(isReady).length;
      store.mutate('replicasets.apps', ns, name, (r) => {
        const st = statusOf(r);
        st.replicas = live.length;
        st.fullyLabeledReplicas = live.length;
        st.readyReplicas = ready;
        st.availableReplicas = ready;
        st.observedGeneration = r.metadata.generation;
        for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (st[k] === 0) delete st[k];
      }, { subresource: 'status' });
    },
  };
}

// --- Deployment --------------------------------------------------------------------------

/** Template identity ignoring the pod-template-hash label the RS adds. */
function templateKey(tpl: unknown): string {
  const t = clone((tpl ?? {}) as Record<string, unknown>);
  const labels = rec(t, 'metadata', 'labels');
  if (labels) delete labels[HASH];
  return stableJson(t);
}

function intOrPercent(v: unknown, total: number, roundUp: boolean, def: string): number {
  const x = v ?? def;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(String(x));
  if (!m) return Number(x) || 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

const revOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REV] ?? 0) || 0;
// annotations the deployment controller keeps to itself rather than copying to a ReplicaSet
const NOT_COPIED = new Set([REV, REV_HISTORY, 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'kubectl.kubernetes.io/last-applied-configuration']);

export function deploymentController(ctx: Ctx): Controller {
  const { store, rt, events } = ctx;
  const progress = new Map<string, { rs: string; ready: number; at: number }>();

  function scale(d: KubeObject, rs: KubeObject, to: number): void {
    const from = replicasOf(rs, 0);
    if (from === to) return;
    store.mutate('replicasets.apps', rs.metadata.namespace, rs.metadata.name, (r) => {
      (r.spec as Record<string, unknown>).replicas = to;
      r.metadata.annotations = { ...r.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(replicasOf(d)) };
    });
    events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, 'deployment-controller');
  }

  function newReplicaSet(d: KubeObject, all: KubeObject[]): KubeObject {
    const tpl = rec(d, 'spec', 'template') ?? {};
    const key = templateKey(tpl);
    const current = all.find((rs) => templateKey(rec(rs, 'spec', 'template')) === key);
    const others = all.filter((rs) => rs !== current);
    const maxRev = Math.max(0, ...others.map(revOf));
    const copied = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)));
    const maxReplicas = String(replicasOf(d) + intOrPercent(rec(d, 'spec', 'strategy', 'rollingUpdate')?.maxSurge, replicasOf(d), true, '25%'));
    if (current) {
      const rev = revOf(current);
      if (rev > maxRev) return current;
      // a rollback: the old ReplicaSet comes back as the newest revision
      return store.mutate('replicasets.apps', current.metadata.namespace, current.metadata.name, (r) => {
        const hist = r.metadata.annotations?.[REV_HISTORY];
        r.metadata.annotations = {
          ...r.metadata.annotations,
          ...copied,
          [REV]: String(maxRev + 1),
          ...(rev > 0 ? { [REV_HISTORY]: hist ? `${hist},${rev}` : String(rev) } : {}),
        };
      })!;
    }
    const hash = templateHash(tpl);
    const labels = { ...strMap(tpl, 'metadata', 'labels'), [HASH]: hash };
    const rsTemplate = clone(tpl) as Record<string, unknown>;
    rsTemplate.metadata = { ...(rec(tpl, 'metadata') ?? {}), labels };
    return store.create('replicasets.apps', {
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels,
        annotations: { ...copied, [REV]: String(maxRev + 1), 'deployment.kubernetes.io/desired-replicas': String(replicasOf(d)), 'deployment.kubernetes.io/max-replicas': maxReplicas },
        ownerReferences: [ownerRef(d)],
      },
      spec: {
        replicas: 0,
        minReadySeconds: num(d, 'spec', 'minReadySeconds') ?? 0,
        selector: { matchLabels: { ...strMap(d, 'spec', 'selector', 'matchLabels'), [HASH]: hash } },
        template: rsTemplate,
      },
    });
  }

  function rollout(d: KubeObject, newRS: KubeObject, olds: KubeObject[]): void {
    const desired = replicasOf(d);
    if (str(d, 'spec', 'strategy', 'type') === 'Recreate') {
      for (const o of olds) scale(d, o, 0);
      const oldPods = olds.reduce((n, o) => n + (num(o, 'status', 'replicas') ?? 0), 0);
      if (oldPods === 0) scale(d, newRS, desired);
      return;
    }
    const ru = rec(d, 'spec', 'strategy', 'rollingUpdate');
    const maxSurge = intOrPercent(ru?.maxSurge, desired, true, '25%');
    let maxUnavailable = intOrPercent(ru?.maxUnavailable, desired, false, '25%');
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const total = replicasOf(newRS, 0) + olds.reduce((n, o) => n + replicasOf(o, 0), 0);
    const newReplicas = replicasOf(newRS, 0);
    if (newReplicas > desired) scale(d, newRS, desired);
    else if (newReplicas < desired && total < desired + maxSurge) scale(d, newRS, Math.min(desired, newReplicas + desired + maxSurge - total));
    const available = (num(newRS, 'status', 'availableReplicas') ?? 0) + olds.reduce((n, o) => n + (num(o, 'status', 'availableReplicas') ?? 0), 0);
    let canRemove = available - (desired - maxUnavailable);
    // unavailable old pods can always go
    for (const o of olds) {
      const oldWant = replicasOf(o, 0);
      if (oldWant === 0) continue;
      const unhealthy = Math.max(0, oldWant - (num(o, 'status', 'availableReplicas') ?? 0));
      const remove = Math.min(oldWant, unhealthy + Math.max(0, canRemove));
      if (remove > 0) {
        scale(d, o, oldWant - remove);
        canRemove -= Math.max(0, remove - unhealthy);
      }
    }
  }

  function updateStatus(d: KubeObject, newRS: KubeObject | undefined, all: KubeObject[]): void {
    const desired = replicasOf(d);
    const sum = (f: string): number => all.reduce((n, rs) => n + (num(rs, 'status', f) ?? 0), 0);
    const replicas = sum('replicas');
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const updated = newRS ? (num(newRS, 'status', 'replicas') ?? 0) : 0;
    const newReady = newRS ? (num(newRS, 'status', 'availableReplicas') ?? 0) : 0;
    const maxUnavailable = intOrPercent(rec(d, 'spec', 'strategy', 'rollingUpdate')?.maxUnavailable, desired, false, '25%');
    const deadline = (num(d, 'spec', 'progressDeadlineSeconds') ?? 600) * 1000;
    const now = rt.now();
    const complete = newRS !== undefined && updated === desired && newReady === desired && replicas === desired;
    const uid = d.metadata.uid ?? '';
    const p = progress.get(uid);
    if (newRS && (!p || p.rs !== newRS.metadata.name || newReady > p.ready || complete)) {
      progress.set(uid, { rs: newRS.metadata.name, ready: newReady, at: now });
      if (!complete) rt.after(deadline + 1000, 'deployments', item(d));
    }
    const since = progress.get(uid)?.at ?? now;
    const rsName = newRS?.metadata.name ?? '';
    let timedOut = false;
    store.mutate('deployments.apps', d.metadata.namespace, d.metadata.name, (x) => {
      const st = statusOf(x);
      const prevProgressing = condition(x, 'Progressing');
      st.observedGeneration = x.metadata.generation;
      st.replicas = replicas;
      st.updatedReplicas = updated;
      st.readyReplicas = ready;
      st.availableReplicas = available;
      st.unavailableReplicas = Math.max(0, desired - available);
      for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (st[k] === 0) delete st[k];
      const ok = available >= desired - maxUnavailable;
      setCondition(st, ok
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, { lastUpdateTime: nowSeconds() });
      if (specOf(x).paused === true) {
        setCondition(st, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, { lastUpdateTime: nowSeconds() });
      } else if (complete) {
        setCondition(st, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, { lastUpdateTime: prevProgressing?.reason === 'NewReplicaSetAvailable' ? (str(prevProgressing, 'lastUpdateTime') ?? nowSeconds()) : nowSeconds() });
      } else if (now - since > deadline) {
        timedOut = prevProgressing?.reason !== 'ProgressDeadlineExceeded';
        setCondition(st, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, { lastUpdateTime: nowSeconds() });
      } else {
        setCondition(st, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, { lastUpdateTime: nowSeconds() });
      }
    }, { subresource: 'status' });
    if (timedOut) events.record(d, 'Warning', 'ProgressDeadlineExceeded', `Deployment "${d.metadata.name}" has timed out progressing.`, 'deployment-controller');
  }

  return {
    name: 'deployments',
    watches: ['deployments.apps', 'replicasets.apps'],
    map: (ev) => (ev.key === 'replicasets.apps' ? ownerItems(ev, 'Deployment') : ev.type === 'DELETED' ? [] : [item(ev.object)]),
    reconcile(id) {
      const [ns, name] = splitItem(id);
      let d = store.get('deployments.apps', ns, name);
      if (!d || d.metadata.deletionTimestamp) return;
      let all = ownedBy(store, 'replicasets.apps', d);
      let newRS: KubeObject | undefined;
      if (specOf(d).paused !== true) {
        newRS = newReplicaSet(d, all);
        all = ownedBy(store, 'replicasets.apps', d);
        const rev = newRS.metadata.annotations?.[REV];
        if (rev && d.metadata.annotations?.[REV] !== rev) {
          d = store.mutate('deployments.apps', ns, name, (x) => {
            x.metadata.annotations = { ...x.metadata.annotations, [REV]: rev };
          })!;
        }
        const nrs = newRS;
        rollout(d, nrs, all.filter((rs) => rs.metadata.uid !== nrs.metadata.uid));
        all = ownedBy(store, 'replicasets.apps', d);
        newRS = all.find((rs) => rs.metadata.uid === nrs.metadata.uid);
      } else {
        const key = templateKey(rec(d, 'spec', 'template'));
        newRS = all.find((rs) => templateKey(rec(rs, 'spec', 'template')) === key);
      }
      updateStatus(d, newRS, all);
      // old ReplicaSets beyond revisionHistoryLimit go
      const limit = num(d, 'spec', 'revisionHistoryLimit') ?? 10;
      const idle = all.filter((rs) => rs !== newRS && replicasOf(rs, 0) === 0 && (num(rs, 'status', 'replicas') ?? 0) === 0).sort((a, b) => revOf(a) - revOf(b));
      for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) store.delete('replicasets.apps', ns, rs.metadata.name);
    },
  };
}

// --- ControllerRevisions (StatefulSet, DaemonSet) -----------------------------------------

/** The ControllerRevision of the owner's current template (created or reused as the newest). */
function ensureRevision(ctx: Ctx, owner: KubeObject): KubeObject {
  const { store } = ctx;
  const tpl = rec(owner, 'spec', 'template') ?? {};
  const data = { spec: { template: { ...clone(tpl), $patch: 'replace' } } };
  const key = stableJson(data);
  const revs = ownedBy(store, 'controllerrevisions.apps', owner);
  const maxRev = Math.max(0, ...revs.map((r) => num(r, 'revision') ?? 0));
  const same = revs.find((r) => stableJson(r.data) === key);
  if (same) {
    if ((num(same, 'revision') ?? 0) >= maxRev) return same;
    return store.mutate('controllerrevisions.apps', owner.metadata.namespace, same.metadata.name, (r) => {
      r.revision = maxRev + 1;
    })!;
  }
  const hash = templateHash(data);
  return store.create('controllerrevisions.apps', {
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...strMap(owner, 'spec', 'selector', 'matchLabels'), 'controller.kubernetes.io/hash': hash },
      ownerReferences: [ownerRef(owner)],
    },
    data,
    revision: maxRev + 1,
  });
}

const REV_LABEL = 'controller-revision-hash';

// --- StatefulSet -------------------------------------------------------------------------

export function statefulSetController(ctx: Ctx): Controller {
  const { store, events } = ctx;
  return {
    name: 'statefulsets',
    watches: ['statefulsets.apps', 'pods'],
    map: (ev) => (ev.key === 'pods' ? ownerItems(ev, 'StatefulSet') : ev.type === 'DELETED' ? [] : [item(ev.object)]),
    reconcile(id) {
      const [ns, name] = splitItem(id);
      const sts = store.get('statefulsets.apps', ns, name);
      if (!sts || sts.metadata.deletionTimestamp) return;
      const rev = ensureRevision(ctx, sts);
      const want = replicasOf(sts);
      const pods = ownedBy(store, 'pods', sts).filter(isActive);
      const byOrdinal = new Map(pods.map((p) => [Number(p.metadata.name.slice(name.length + 1)), p]));
      const tpl = rec(sts, 'spec', 'template');
      // ordered: create the first missing ordinal only when every lower one is ready
      for (let i = 0; i < want; i++) {
        const p = byOrdinal.get(i);
        if (p) {
          if (!isReady(p)) break;
          continue;
        }
        for (const vct of arr(sts, 'spec', 'volumeClaimTemplates')) {
          const claim = `${str(vct, 'metadata', 'name') ?? 'data'}-${name}-${i}`;
          if (!store.get('persistentvolumeclaims', ns, claim)) {
            store.create('persistentvolumeclaims', {
              metadata: { name: claim, namespace: ns, labels: strMap(sts, 'spec', 'selector', 'matchLabels') },
              spec: { ...clone(rec(vct, 'spec') ?? {}), volumeName: `pvc-${claim}` },
              status: { phase: 'Bound', accessModes: arr(vct, 'spec', 'accessModes'), capacity: { storage: str(vct, 'spec', 'resources', 'requests', 'storage') ?? '1Gi' } },
            });
          }
        }
        const podName = `${name}-${i}`;
        const withClaims = clone(tpl ?? {}) as Record<string, unknown>;
        const spec = (withClaims.spec ?? {}) as Record<string, unknown>;
        spec.hostname = podName;
        const vols = arr(spec, 'volumes');
        spec.volumes = [...vols, ...arr(sts, 'spec', 'volumeClaimTemplates').map((v) => ({ name: str(v, 'metadata', 'name'), persistentVolumeClaim: { claimName: `${str(v, 'metadata', 'name')}-${podName}` } }))];
        withClaims.spec = spec;
        createPod(ctx, sts, withClaims, { [REV_LABEL]: rev.metadata.name, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i) }, podName);
        events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`, 'statefulset-controller');
        break;
      }
      for (const [i, p] of byOrdinal) if (i >= want) store.delete('pods', ns, p.metadata.name);
      // rolling update from the highest ordinal, one pod at a time, when all are ready
      const current = ownedBy(store, 'pods', sts).filter(isActive);
      if (current.length === want && current.every(isReady)) {
        const stale = current.filter((p) => p.metadata.labels?.[REV_LABEL] !== rev.metadata.name).sort((a, b) => b.metadata.name.localeCompare(a.metadata.name, undefined, { numeric: true }));
        if (stale[0]) store.delete('pods', ns, stale[0].metadata.name);
      }
      const live = ownedBy(store, 'pods', sts).filter(isActive);
      const updated = live.filter((p) => p.metadata.labels?.[REV_LABEL] === rev.metadata.name).length;
      const ready = live.filter(isReady).length;
      store.mutate('statefulsets.apps', ns, name, (s) => {
        const st = statusOf(s);
        st.observedGeneration = s.metadata.generation;
        st.replicas = live.length;
        st.readyReplicas = ready;
        st.availableReplicas = ready;
        st.currentReplicas = updated === live.length ? updated : live.length - updated;
        st.updatedReplicas = updated;
        st.updateRevision = rev.metadata.name;
        st.currentRevision = updated === live.length ? rev.metadata.name : (str(st, 'currentRevision') ?? rev.metadata.name);
        st.collisionCount = 0;
      }, { subresource: 'status' });
    },
  };
}

// --- DaemonSet ---------------------------------------------------------------------------

export function daemonSetController(ctx: Ctx): Controller {
  const { store, events } = ctx;
  return {
    name: 'daemonsets',
    watches: ['daemonsets.apps', 'pods', 'nodes'],
    map: (ev) => {
      if (ev.key === 'pods') return ownerItems(ev, 'DaemonSet');
      if (ev.key === 'nodes') return store.list('daemonsets.apps').map(item);
      return ev.type === 'DELETED' ? [] : [item(ev.object)];
    },
    reconcile(id) {
      const [ns, name] = splitItem(id);
      const ds = store.get('daemonsets.apps', ns, name);
      if (!ds || ds.metadata.deletionTimestamp) return;
      const rev = ensureRevision(ctx, ds);
      const hash = rev.metadata.name.slice(name.length + 1);
      const nodes = store.list('nodes').map((n) => n.metadata.name);
      const pods = ownedBy(store, 'pods', ds).filter(isActive);
      const onNode = new Map(pods.map((p) => [str(p, 'spec', 'nodeName') ?? '', p]));
      for (const n of nodes) {
        if (onNode.has(n)) continue;
        const p = createPod(ctx, ds, rec(ds, 'spec', 'template'), { [REV_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, undefined, n);
        events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`, 'daemonset-controller');
      }
      for (const p of pods) if (!nodes.includes(str(p, 'spec', 'nodeName') ?? '')) store.delete('pods', ns, p.metadata.name);
      const current = ownedBy(store, 'pods', ds).filter(isActive);
      if (current.every(isReady)) {
        const stale = current.find((p) => p.metadata.labels?.[REV_LABEL] !== hash);
        if (stale) store.delete('pods', ns, stale.metadata.name);
      }
      const live = ownedBy(store, 'pods', ds).filter(isActive);
      const ready = live.filter(isReady).length;
      store.mutate('daemonsets.apps', ns, name, (x) => {
        const st = statusOf(x);
        st.observedGeneration = x.metadata.generation;
        st.desiredNumberScheduled = nodes.length;
        st.currentNumberScheduled = live.length;
        st.numberMisscheduled = 0;
        st.numberReady = ready;
        st.numberAvailable = ready;
        st.updatedNumberScheduled = live.filter((p) => p.metadata.labels?.[REV_LABEL] === hash).length;
        if (nodes.length - ready > 0) st.numberUnavailable = nodes.length - ready;
        else delete st.numberUnavailable;
      }, { subresource: 'status' });
    },
  };
}

// --- Job and CronJob ---------------------------------------------------------------------

export function jobController(ctx: Ctx): Controller {
  const { store, events } = ctx;
  return {
    name: 'jobs',
    watches: ['jobs.batch', 'pods'],
    map: (ev) => (ev.key === 'pods' ? ownerItems(ev, 'Job') : ev.type === 'DELETED' ? [] : [item(ev.object)]),
    reconcile(id) {
      const [ns, name] = splitItem(id);
      const job = store.get('jobs.batch', ns, name);
      if (!job || job.metadata.deletionTimestamp || condition(job, 'Complete')?.status === 'True') return;
      const completions = num(job, 'spec', 'completions') ?? 1;
      const parallelism = num(job, 'spec', 'parallelism') ?? 1;
      const pods = ownedBy(store, 'pods', job);
      const succeeded = pods.filter((p) => str(p, 'status', 'phase') === 'Succeeded').length;
      let active = pods.filter(isActive).length;
      const labels = { 'batch.kubernetes.io/job-name': name, 'job-name': name, 'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '', 'controller-uid': job.metadata.uid ?? '' };
      while (active < parallelism && succeeded + active < completions) {
        const p = createPod(ctx, job, rec(job, 'spec', 'template'), labels);
        events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`, 'job-controller');
        active += 1;
      }
      const done = succeeded >= completions;
      store.mutate('jobs.batch', ns, name, (j) => {
        const st = statusOf(j);
        st.startTime ??= nowSeconds();
        st.ready = 0;
        st.terminating = 0;
        if (active > 0) st.active = active;
        else delete st.active;
        if (succeeded > 0) st.succeeded = succeeded;
        st.uncountedTerminatedPods = {};
        if (done) {
          st.completionTime = nowSeconds();
          setCondition(st, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
          setCondition(st, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
        }
      }, { subresource: 'status' });
      if (done) events.record(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
    },
  };
}

/** Minutes between runs of a cron schedule: `*\/N` in the minute field, else hourly or daily. */
export function cronPeriodMinutes(schedule: string): number {
  const [min, hour] = schedule.trim().split(/\s+/);
  const m = /^\*\/(\d+)$/.exec(min ?? '');
  if (m) return Math.max(1, Number(m[1]));
  if (min === '*') return 1;
  if (hour === '*') return 60;
  const h = /^\*\/(\d+)$/.exec(hour ?? '');
  return h ? 60 * Number(h[1]) : 24 * 60;
}

export function cronJobController(ctx: Ctx): Controller {
  const { store, rt, events } = ctx;
  // sim time of each CronJob's last run (the status keeps wall-clock time)
  const lastScheduled = new Map<string, number>();
  return {
    name: 'cronjobs',
    watches: ['cronjobs.batch', 'jobs.batch'],
    map: (ev) => (ev.key === 'jobs.batch' ? ownerItems(ev, 'CronJob') : ev.type === 'DELETED' ? [] : [item(ev.object)]),
    tick(now) {
      for (const cj of store.list('cronjobs.batch')) {
        const last = str(cj, 'status', 'lastScheduleTime');
        const period = cronPeriodMinutes(str(cj, 'spec', 'schedule') ?? '0 * * * *') * 60_000;
        const lastSim = lastScheduled.get(cj.metadata.uid ?? '') ?? (last ? now : now - period);
        if (specOf(cj).suspend !== true && now - lastSim >= period) rt.enqueue('cronjobs', `${item(cj)}#run`);
      }
    },
    reconcile(id) {
      const [base, action] = id.split('#');
      const [ns, name] = splitItem(base);
      const cj = store.get('cronjobs.batch', ns, name);
      if (!cj || cj.metadata.deletionTimestamp) return;
      if (action === 'run' && specOf(cj).suspend !== true) {
        const jobName = `${name}-${Math.floor(rt.now() / 60_000)}`;
        if (!store.get('jobs.batch', ns, jobName)) {
          const tpl = rec(cj, 'spec', 'jobTemplate') ?? {};
          store.create('jobs.batch', {
            metadata: { name: jobName, namespace: ns, labels: strMap(tpl, 'metadata', 'labels'), ownerReferences: [ownerRef(cj)], annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': nowSeconds() } },
            spec: clone(rec(tpl, 'spec') ?? {}),
          });
          events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`, 'cronjob-controller');
        }
        lastScheduled.set(cj.metadata.uid ?? '', rt.now());
        store.mutate('cronjobs.batch', ns, name, (x) => {
          statusOf(x).lastScheduleTime = nowSeconds();
        }, { subresource: 'status' });
      }
      const jobs = ownedBy(store, 'jobs.batch', cj);
      const finished = jobs.filter((j) => condition(j, 'Complete')?.status === 'True').sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
      const keep = num(cj, 'spec', 'successfulJobsHistoryLimit') ?? 3;
      for (const j of finished.slice(0, Math.max(0, finished.length - keep))) store.delete('jobs.batch', ns, j.metadata.name);
      const active = jobs.filter((j) => condition(j, 'Complete')?.status !== 'True');
      const lastDone = finished.at(-1);
      store.mutate('cronjobs.batch', ns, name, (x) => {
        const st = statusOf(x);
        if (active.length) st.active = active.map((j) => ({ kind: 'Job', namespace: ns, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion }));
        else delete st.active;
        const t = str(lastDone, 'status', 'completionTime');
        if (t) st.lastSuccessfulTime = t;
      }, { subresource: 'status' });
    },
  };
}
