// Which pod and which port an exec or a port-forward on KIND/NAME lands on, as kubectl
// decides it (kubectl polymorphichelpers attachablePodForObject + portforward's
// translateServicePortToTargetPort): a pod is itself; a workload or service picks its most
// active pod (ready and running first, fewer restarts, then the oldest); a service port
// (number or name) becomes the pod's targetPort, a named targetPort the container port of
// that name. Pure: the caller hands in the object and the candidate pods.
import { arr, num, str } from './access.js';
import { labelSelectorFromObject, matchLabels, type LabelSelector } from './selector.js';
import type { KubeObject } from './types.js';

export type Choice<T> = { ok: true; value: T } | { ok: false; error: string };

/** The label selector that finds an object's pods: workloads' spec.selector, a service's spec.selector map. */
export function podSelectorOf(o: KubeObject): LabelSelector | undefined {
  const kind = o.kind ?? '';
  if (kind === 'Service' || kind === 'ReplicationController') {
    const sel = o.spec && typeof o.spec === 'object' ? (o.spec as { selector?: unknown }).selector : undefined;
    if (!sel || typeof sel !== 'object' || Object.keys(sel).length === 0) return undefined;
    return labelSelectorFromObject({ matchLabels: sel });
  }
  return labelSelectorFromObject((o.spec as { selector?: unknown } | undefined)?.selector);
}

function ready(p: KubeObject): boolean {
  return arr(p, 'status', 'conditions').some((c) => str(c, 'type') === 'Ready' && str(c, 'status') === 'True');
}

function restarts(p: KubeObject): number {
  return arr(p, 'status', 'containerStatuses').reduce<number>((n, c) => n + (num(c, 'restartCount') ?? 0), 0);
}

/** Orders candidate pods most active first (the reverse of kubectl's ActivePods). */
export function mostActiveFirst(pods: KubeObject[]): KubeObject[] {
  const score = (p: KubeObject) => {
    if (p.metadata.deletionTimestamp) return 0;
    const phase = str(p, 'status', 'phase');
    if (phase === 'Running') return ready(p) ? 4 : 3;
    if (phase === 'Pending') return str(p, 'spec', 'nodeName') ? 2 : 1;
    return 0;
  };
  return [...pods].sort((a, b) => score(b) - score(a) || restarts(a) - restarts(b) || String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || a.metadata.name.localeCompare(b.metadata.name));
}

/** The pod an exec/port-forward on `o` uses; `pods` are the namespace's pods. */
export function attachablePod(o: KubeObject, pods: KubeObject[]): Choice<KubeObject> {
  if ((o.kind ?? '') === 'Pod') return { ok: true, value: o };
  const sel = podSelectorOf(o);
  if (!sel) return { ok: false, error: `${o.kind} ${o.metadata.name} has no pod selector` };
  const ns = o.metadata.namespace;
  const matching = pods.filter((p) => p.metadata.namespace === ns && matchLabels(sel, p.metadata.labels));
  const first = mostActiveFirst(matching)[0];
  if (!first || str(first, 'status', 'phase') !== 'Running') {
    return { ok: false, error: `${o.kind} ${o.metadata.name}: no running pod${matching.length ? ` (${matching.length} pod${matching.length === 1 ? '' : 's'}, none running)` : ' matches its selector'}` };
  }
  return { ok: true, value: first };
}

/** The plan's words for the pod a workload's exec or port-forward was given (attachablePod): which one and why. */
export function pickedPod(o: KubeObject, pod: KubeObject): string {
  return `pod ${pod.metadata.namespace}/${pod.metadata.name} is the one ${o.kind} ${o.metadata.namespace}/${o.metadata.name} lands on: its most active pod (ready and running first, fewer restarts, then the oldest), as kubectl picks it`;
}

/** A container port of the pod by number or name. */
function containerPort(pod: KubeObject, port: string | number): number | undefined {
  for (const c of arr(pod, 'spec', 'containers')) {
    for (const p of arr(c, 'ports')) {
      if (typeof port === 'number' ? num(p, 'containerPort') === port : str(p, 'name') === port) return num(p, 'containerPort');
    }
  }
  return undefined;
}

/**
 * The pod port a port-forward's REMOTE means. On a pod or workload: a number as is (its range
 * is parsePortPair's to check), a name looked up in the containers' ports. On a service: the
 * service port (number or name) → its targetPort → a number, or the pod's container port of
 * that name.
 */
export function remotePort(o: KubeObject, pod: KubeObject, remote: string): Choice<{ port: number; via?: string }> {
  const asNumber = /^\d+$/.test(remote) ? Number(remote) : undefined;
  if ((o.kind ?? '') === 'Service') {
    const ports = arr(o, 'spec', 'ports');
    const sp = ports.find((p) => (asNumber !== undefined ? num(p, 'port') === asNumber : str(p, 'name') === remote));
    if (!sp) return { ok: false, error: `Service ${o.metadata.name} does not have a service port ${remote}` };
    const target = (sp as { targetPort?: unknown }).targetPort ?? num(sp, 'port');
    const port = typeof target === 'number' ? target : typeof target === 'string' && /^\d+$/.test(target) ? Number(target) : containerPort(pod, String(target));
    if (port === undefined) return { ok: false, error: `pod ${pod.metadata.name} has no container port named ${String(target)}` };
    return { ok: true, value: { port, via: `service ${o.metadata.namespace}/${o.metadata.name} port ${remote} → targetPort ${String(target)} → pod ${pod.metadata.name} port ${port}` } };
  }
  if (asNumber !== undefined) return { ok: true, value: { port: asNumber } };
  const port = containerPort(pod, remote);
  if (port === undefined) return { ok: false, error: `pod ${pod.metadata.name} has no container port named ${remote}` };
  return { ok: true, value: { port, via: `port ${remote} → ${port}` } };
}

/**
 * "[LOCAL:]REMOTE" as kubectl port-forward takes it; LOCAL empty or 0 means any free port. A
 * number out of range is refused here, before any request: it is a bad value, not a fact of
 * the cluster.
 */
export function parsePortPair(text: string): Choice<{ local: number; remote: string }> {
  const m = /^(?:(\d*):)?([A-Za-z0-9-]+)$/.exec(text);
  if (!m) return { ok: false, error: `"${text}" is not [LOCAL:]REMOTE` };
  const local = m[1] === undefined ? (/^\d+$/.test(m[2]) ? Number(m[2]) : 0) : m[1] === '' ? 0 : Number(m[1]);
  if (local > 65535) return { ok: false, error: `local port ${local} is out of range` };
  if (/^\d+$/.test(m[2]) && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return { ok: false, error: `port ${m[2]} is out of range (1-65535)` };
  return { ok: true, value: { local, remote: m[2] } };
}
