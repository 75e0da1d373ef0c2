// Helpers the sim controllers share: hashing as the real controllers name things, owner
// references, conditions, and the Event recorder.
import { randomBytes } from 'node:crypto';
import type { Condition, KubeObject, OwnerReference } from '../../model/types.js';
import { conditions } from '../../model/access.js';
import { fnv32a } from '../../model/hash.js';
import type { ClusterStore, SimEvent } from '../store.js';
import { nowSeconds } from '../store.js';

/** JSON with sorted keys, so equal objects hash equally. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Server-side apply as one field manager sees it (the sim's Flux controllers; kustomize- and
 * helm-controller apply with SSA): what `desired` sets wins, what the manager applied before
 * (`previous`) and no longer sets is removed, and what only others set stays — a restart's
 * pod-template annotation survives the next reconcile, as on kube-apiserver (measured in
 * test/integration/flux-backends.test.ts on both backends). Maps merge key by key; lists and
 * scalars are atomic (no list merge keys). Flux's removal of `kubectl…` managers' fields is not
 * modelled: the sim does not record managers.
 */
export function applyAsManager(live: unknown, previous: unknown, desired: unknown): unknown {
  if (!isMap(desired) || !isMap(live)) return structuredClone(desired);
  const prev = isMap(previous) ? previous : {};
  // in the live object's key order (the store compares specs as JSON text to bump generation)
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) {
    if (k in desired) out[k] = applyAsManager(v, prev[k], desired[k]);
    else if (!(k in prev)) out[k] = v;
  }
  for (const [k, v] of Object.entries(desired)) if (!(k in out)) out[k] = applyAsManager(undefined, prev[k], v);
  return out;
}

// apimachinery's rand.SafeEncodeString alphabet: no vowels, no confusable characters
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncode(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE[ch.charCodeAt(0) % SAFE.length];
  return out;
}

/** pod-template-hash / controller-revision-hash of a pod template, as the controllers compute it. */
export function templateHash(template: unknown): string {
  return safeEncode(String(fnv32a(stableJson(template))));
}

export const item = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
export function splitItem(id: string): [string | undefined, string] {
  const i = id.indexOf('/');
  const ns = id.slice(0, i);
  return [ns || undefined, id.slice(i + 1)];
}

export function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(o: KubeObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

/** Queue item of the object's controller owner of `kind`, for Controller.map. */
export function ownerItems(ev: SimEvent, kind: string): string[] {
  const ref = controllerOf(ev.object);
  return ref && ref.kind === kind ? [`${ev.object.metadata.namespace ?? ''}/${ref.name}`] : [];
}

export function ownedBy(store: ClusterStore, key: string, owner: KubeObject): KubeObject[] {
  return store.list(key, owner.metadata.namespace).filter((o) => controllerOf(o)?.uid === owner.metadata.uid);
}

/** Sets a condition, moving lastTransitionTime only when the status changes. */
export function setCondition(status: Record<string, unknown>, c: Condition, extra: Record<string, string> = {}): void {
  const list = conditions({ status });
  const old = list.find((x) => x.type === c.type);
  const now = nowSeconds();
  const next: Condition & Record<string, unknown> = {
    ...c,
    ...extra,
    lastTransitionTime: old && old.status === c.status ? (old.lastTransitionTime ?? now) : now,
  };
  status.conditions = old ? list.map((x) => (x.type === c.type ? next : x)) : [...list, next];
}

export function removeCondition(status: Record<string, unknown>, type: string): void {
  status.conditions = conditions({ status }).filter((c) => c.type !== type);
}

export function statusOf(o: KubeObject): Record<string, unknown> {
  if (!o.status || typeof o.status !== 'object') o.status = {};
  return o.status as Record<string, unknown>;
}

export function specOf(o: KubeObject): Record<string, unknown> {
  return o.spec && typeof o.spec === 'object' ? (o.spec as Record<string, unknown>) : {};
}

const MAX_EVENTS = 3000;

/**
 * Records core/v1 Events as the kubelet and controllers do: one Event per (object, reason,
 * message), its count and lastTimestamp bumped on repeats. The oldest go past a cap, as
 * the API's event TTL would.
 */
export class EventRecorder {
  private readonly seen = new Map<string, string>(); // dedup key → event name
  private readonly order: { ns: string; name: string }[] = [];

  constructor(private readonly store: ClusterStore) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const ns = obj.metadata.namespace ?? 'default';
    const dedup = `${ns}/${obj.kind}/${obj.metadata.name}/${reason}/${message}`;
    const now = nowSeconds();
    const existing = this.seen.get(dedup);
    if (existing && this.store.get('events', ns, existing)) {
      this.store.mutate('events', ns, existing, (e) => {
        e.count = (typeof e.count === 'number' ? e.count : 1) + 1;
        e.lastTimestamp = now;
      });
      return;
    }
    const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
    this.store.create('events', {
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component },
      reportingComponent: component,
      reportingInstance: '',
    });
    this.seen.set(dedup, name);
    this.order.push({ ns, name });
    while (this.order.length > MAX_EVENTS) {
      const old = this.order.shift()!;
      if (this.store.get('events', old.ns, old.name)) this.store.delete('events', old.ns, old.name);
    }
  }
}
