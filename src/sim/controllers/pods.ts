// The kubelet and scheduler of the sim: Pending → ContainerCreating → Running/Ready, node
// and IP assignment, PVC binding waits, crash loops (images whose tag says "bad" or
// "crash") with growing restartCount and back-off, and Job pods that run to completion.
import { arr, rec, str, strMap } from '../../model/access.js';
import type { KubeObject } from '../../model/types.js';
import { nowSeconds } from '../store.js';
import { crashLines } from '../podlogs.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';
import { controllerOf, item, setCondition, splitItem, statusOf } from './util.js';

const NAME = 'pods';

export function isCrashImage(image: string): boolean {
  const i = image.lastIndexOf(':');
  const tag = i > image.lastIndexOf('/') && i >= 0 ? image.slice(i + 1) : '';
  return /bad|crash/.test(tag);
}

interface ContainerSpec {
  name: string;
  image: string;
}

function containersOf(pod: KubeObject): ContainerSpec[] {
  return arr(pod, 'spec', 'containers').map((c) => ({ name: str(c, 'name') ?? 'app', image: str(c, 'image') ?? 'busybox' }));
}

const SECOND = 1000;

export function podController(ctx: Ctx): Controller {
  const { store, logs, rt, events } = ctx;
  let nodeCursor = 0;
  let ipCounter = 2;

  const nodes = (): KubeObject[] => store.list('nodes');

  function running(name: string, image: string, startedAt: string, ready: boolean, restartCount: number, lastState?: unknown): Record<string, unknown> {
    return {
      name,
      image,
      imageID: `docker.io/library/${image}@sha256:${'0'.repeat(8)}${Buffer.from(image).toString('hex').padEnd(56, '0').slice(0, 56)}`,
      containerID: `containerd://${Buffer.from(`${name}${startedAt}${restartCount}`).toString('hex').padEnd(64, 'a').slice(0, 64)}`,
      ready,
      started: true,
      restartCount,
      state: { running: { startedAt } },
      lastState: lastState ?? {},
    };
  }

  function setReady(st: Record<string, unknown>): void {
    const cs = arr(st, 'containerStatuses');
    const allReady = cs.length > 0 && cs.every((c) => rec(c)?.ready === true);
    const reason = allReady ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${cs.filter((c) => rec(c)?.ready !== true).map((c) => str(c, 'name')).join(' ')}]` };
    setCondition(st, { type: 'ContainersReady', status: allReady ? 'True' : 'False', ...reason });
    setCondition(st, { type: 'Ready', status: allReady ? 'True' : 'False', ...reason });
  }

  function schedule(pod: KubeObject): void {
    const ns = pod.metadata.namespace!;
    const claims = arr(pod, 'spec', 'volumes').map((v) => str(v, 'persistentVolumeClaim', 'claimName')).filter((c): c is string => !!c);
    const unbound = claims.some((c) => str(store.get('persistentvolumeclaims', ns, c), 'status', 'phase') !== 'Bound');
    const all = nodes();
    // spec.nodeSelector as the scheduler reads it: every label must match
    const selector = strMap(pod, 'spec', 'nodeSelector');
    const ns_nodes = all.filter((n) => Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v));
    if (unbound || ns_nodes.length === 0) {
      const n = all.length;
      const message = unbound
        ? `0/${n} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`
        : n === 0
          ? 'no nodes available to schedule pods'
          : `0/${n} nodes are available: ${n} node(s) didn't match Pod's node affinity/selector. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
      store.mutate('pods', ns, pod.metadata.name, (p) => {
        const st = statusOf(p);
        st.phase = 'Pending';
        setCondition(st, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
      }, { subresource: 'status' });
      events.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      rt.after(30 * SECOND, NAME, item(pod));
      return;
    }
    // a pod created bound to a node (DaemonSet pods) keeps it, as the kubelet would
    const bound = str(pod, 'spec', 'nodeName');
    const node = ns_nodes.find((n) => n.metadata.name === bound) ?? ns_nodes[nodeCursor++ % ns_nodes.length];
    const nodeName = node.metadata.name;
    const updated = store.mutate('pods', ns, pod.metadata.name, (p) => {
      (p.spec as Record<string, unknown>).nodeName = nodeName;
    });
    if (!updated) return;
    const hostIP = str(node, 'status', 'addresses', 0, 'address') ?? '10.0.0.10';
    store.mutate('pods', ns, pod.metadata.name, (p) => {
      const st = statusOf(p);
      st.phase = 'Pending';
      st.hostIP = hostIP;
      st.hostIPs = [{ ip: hostIP }];
      st.startTime = nowSeconds();
      st.qosClass = 'BestEffort';
      setCondition(st, { type: 'PodScheduled', status: 'True' });
      setCondition(st, { type: 'Initialized', status: 'True' });
      st.containerStatuses = containersOf(p).map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      }));
      setReady(st);
    }, { subresource: 'status' });
    events.record(updated, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`, 'default-scheduler');
    rt.after(1.5 * SECOND, NAME, item(pod));
  }

  function startContainers(pod: KubeObject): void {
    const ns = pod.metadata.namespace!;
    const now = nowSeconds();
    const ip = `10.244.${nodeCursor % 8}.${(ipCounter++ % 250) + 2}`;
    const cs = containersOf(pod);
    for (const c of cs) {
      logs.start({ namespace: ns, pod: pod.metadata.name, container: c.name }, c.image, rt.now());
      events.record(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, 'kubelet');
      events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet');
    }
    store.mutate('pods', ns, pod.metadata.name, (p) => {
      const st = statusOf(p);
      st.phase = 'Running';
      st.podIP = ip;
      st.podIPs = [{ ip }];
      st.containerStatuses = cs.map((c) => running(c.name, c.image, now, !isCrashImage(c.image), 0));
      setReady(st);
    }, { subresource: 'status' });
    afterStart(pod, cs);
  }

  function afterStart(pod: KubeObject, cs: ContainerSpec[]): void {
    if (cs.some((c) => isCrashImage(c.image))) rt.after(4 * SECOND, NAME, `${item(pod)}#crash`);
    else if (controllerOf(pod)?.kind === 'Job') rt.after(8 * SECOND, NAME, `${item(pod)}#complete`);
  }

  function crash(pod: KubeObject): void {
    const ns = pod.metadata.namespace!;
    const now = nowSeconds();
    let restarts = 0;
    for (const c of containersOf(pod).filter((x) => isCrashImage(x.image))) {
      logs.stop({ namespace: ns, pod: pod.metadata.name, container: c.name }, crashLines(c.image), rt.now());
    }
    store.mutate('pods', ns, pod.metadata.name, (p) => {
      const st = statusOf(p);
      st.containerStatuses = arr(st, 'containerStatuses').map((raw) => {
        const c = rec(raw) ?? {};
        if (!isCrashImage(str(c, 'image') ?? '')) return c;
        const count = (typeof c.restartCount === 'number' ? c.restartCount : 0) + 1;
        restarts = count;
        const backoff = Math.min(10 * 2 ** (count - 1), 300);
        return {
          ...c,
          ready: false,
          started: false,
          restartCount: count,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff}s restarting failed container=${str(c, 'name')} pod=${p.metadata.name}_${ns}(${p.metadata.uid})` } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: str(c, 'state', 'running', 'startedAt') ?? now, finishedAt: now, containerID: str(c, 'containerID') } },
        };
      });
      setReady(st);
    }, { subresource: 'status' });
    for (const c of containersOf(pod).filter((x) => isCrashImage(x.image))) {
      events.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${ns}(${pod.metadata.uid})`, 'kubelet');
    }
    rt.after(Math.min(10 * 2 ** (restarts - 1), 300) * SECOND, NAME, `${item(pod)}#restart`);
  }

  function restart(pod: KubeObject): void {
    const ns = pod.metadata.namespace!;
    const now = nowSeconds();
    const cs = containersOf(pod);
    for (const c of cs.filter((x) => isCrashImage(x.image))) logs.start({ namespace: ns, pod: pod.metadata.name, container: c.name }, c.image, rt.now());
    store.mutate('pods', ns, pod.metadata.name, (p) => {
      const st = statusOf(p);
      st.containerStatuses = arr(st, 'containerStatuses').map((raw) => {
        const c = rec(raw) ?? {};
        if (!isCrashImage(str(c, 'image') ?? '')) return c;
        return { ...c, started: true, state: { running: { startedAt: now } } };
      });
      setReady(st);
    }, { subresource: 'status' });
    rt.after(4 * SECOND, NAME, `${item(pod)}#crash`);
  }

  function complete(pod: KubeObject): void {
    const ns = pod.metadata.namespace!;
    const now = nowSeconds();
    for (const c of containersOf(pod)) {
      logs.write({ namespace: ns, pod: pod.metadata.name, container: c.name }, 'INFO  job finished: 0 errors');
      logs.stop({ namespace: ns, pod: pod.metadata.name, container: c.name });
    }
    store.mutate('pods', ns, pod.metadata.name, (p) => {
      const st = statusOf(p);
      st.phase = 'Succeeded';
      st.containerStatuses = arr(st, 'containerStatuses').map((raw) => {
        const c = rec(raw) ?? {};
        return { ...c, ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: str(c, 'state', 'running', 'startedAt') ?? now, finishedAt: now } } };
      });
      setCondition(st, { type: 'Ready', status: 'False', reason: 'PodCompleted' });
      setCondition(st, { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' });
    }, { subresource: 'status' });
  }

  // pods this kubelet has taken over (timers set, logs started)
  const known = new Set<string>();

  return {
    name: NAME,
    watches: ['pods', 'persistentvolumeclaims'],
    map(ev) {
      if (ev.key === 'persistentvolumeclaims') return [];
      if (ev.type === 'DELETED') {
        logs.removePod(ev.object.metadata.namespace ?? '', ev.object.metadata.name);
        known.delete(item(ev.object));
        return [];
      }
      return [item(ev.object)];
    },
    reconcile(id) {
      const [base, action] = id.split('#');
      const [ns, name] = splitItem(base);
      const pod = store.get('pods', ns, name);
      if (!pod || pod.metadata.deletionTimestamp) return;
      const phase = str(pod, 'status', 'phase');
      if (phase === 'Succeeded' || phase === 'Failed') return;
      const waiting = str(pod, 'status', 'containerStatuses', 0, 'state', 'waiting', 'reason');
      if (action === 'crash') return crash(pod);
      if (action === 'restart') return restart(pod);
      if (action === 'complete') return complete(pod);
      if (!str(pod, 'spec', 'nodeName') || (phase === 'Pending' && !waiting)) return schedule(pod);
      if (phase === 'Pending' && waiting === 'ContainerCreating') {
        if (!known.has(base)) {
          known.add(base);
          rt.after(1.5 * SECOND, NAME, base);
          return;
        }
        return startContainers(pod);
      }
      // ephemeral containers (kubectl debug) run as soon as they are added, with logs of their own
      const ephemeral = arr(pod, 'spec', 'ephemeralContainers').filter((c) => !arr(pod, 'status', 'ephemeralContainerStatuses').some((st) => str(st, 'name') === str(c, 'name')));
      if (phase === 'Running' && ephemeral.length > 0) {
        const now = nowSeconds();
        store.mutate('pods', ns, name, (p) => {
          const st = statusOf(p);
          st.ephemeralContainerStatuses = [
            ...arr(p, 'status', 'ephemeralContainerStatuses'),
            ...ephemeral.map((c) => ({ ...running(str(c, 'name') ?? '', str(c, 'image') ?? '', now, false, 0), ready: false })),
          ];
        }, { subresource: 'status' });
        for (const c of ephemeral) logs.start({ namespace: ns!, pod: name, container: str(c, 'name') ?? '' }, str(c, 'image') ?? '', rt.now());
      }
      if (phase === 'Running' && !known.has(base)) {
        // created already running (bulk-built scenarios): start its logs and its life
        known.add(base);
        const cs = containersOf(pod);
        for (const c of cs) logs.start({ namespace: ns!, pod: name, container: c.name }, c.image, rt.now());
        afterStart(pod, cs);
      }
    },
  };
}
