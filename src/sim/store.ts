// The object store of one simulated cluster: objects per resource, one monotonic
// resourceVersion, a bounded history of changes for watches (older → 410 Gone), the API's
// write rules (uid, creationTimestamp, generation on spec change, status subresource,
// finalizers → deletionTimestamp). Stored objects are never mutated in place: every write
// stores a fresh copy, so readers may hold references but must not modify them.
import { randomUUID } from 'node:crypto';
import { rfc3339 } from '../model/format.js';
import type { KubeObject, PrinterColumn, ResourceType } from '../model/types.js';
import { apiVersionOf, resourceKey } from '../model/types.js';
import { applyApiDefaults, applyCreateDefaults } from './defaults.js';
import { ApiError, alreadyExists, conflict, gone, notFound } from './errors.js';

export interface ScaleSubresource {
  specReplicasPath: string; // '.spec.replicas'
  statusReplicasPath: string; // '.status.replicas'
  labelSelectorPath?: string;
}

/** A resource the simulated cluster serves. */
export interface SimResource extends ResourceType {
  /** Served by a CustomResourceDefinition (strategic merge patch is refused with 415). */
  crd: boolean;
  subresources: { status: boolean; scale?: ScaleSubresource };
  /** every served version, highest priority first, when a CRD serves more than `version` (the storage one) */
  versions?: string[];
  /** per served version: its printer columns and subresources (a CRD keeps them per version) */
  perVersion?: Record<string, { printerColumns?: PrinterColumn[]; subresources: { status: boolean; scale?: ScaleSubresource } }>;
}

export type SimEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface SimEvent {
  type: SimEventType;
  key: string; // resourceKey, e.g. 'deployments.apps'
  object: KubeObject;
  rv: number;
}

export interface WriteOptions {
  /** Write through the status subresource: only .status changes are kept. */
  subresource?: 'status';
  dryRun?: boolean;
}

const clone = <T>(o: T): T => structuredClone(o);
const nsName = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

export class ClusterStore {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly resources = new Map<string, SimResource>();
  private history: SimEvent[] = [];
  private historyStart = 0; // index into history of the oldest retained event
  /** Every event with rv > compactedRv is retained. */
  private compactedRv = 1;
  private readonly listeners = new Set<(ev: SimEvent) => void>();

  constructor(readonly historySize = 20_000) {}

  // --- resources -------------------------------------------------------------------------
  addResource(r: SimResource): void {
    const key = resourceKey(r);
    this.resources.set(key, r);
    if (!this.objects.has(key)) this.objects.set(key, new Map());
  }

  removeResource(key: string): void {
    this.resources.delete(key);
  }

  resource(key: string): SimResource | undefined {
    return this.resources.get(key);
  }

  allResources(): SimResource[] {
    return [...this.resources.values()];
  }

  /** Finds a served resource by kind (and optionally group), e.g. ('Deployment', 'apps'). */
  resourceForKind(kind: string, group?: string): SimResource | undefined {
    for (const r of this.resources.values()) if (r.kind === kind && (group === undefined || r.group === group)) return r;
    return undefined;
  }

  // --- reads -----------------------------------------------------------------------------
  currentRv(): number {
    return this.rv;
  }

  get(key: string, ns: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(key)?.get(nsName(ns, name));
  }

  /** Objects of a resource, optionally in one namespace, sorted by namespace then name. */
  list(key: string, ns?: string): KubeObject[] {
    const m = this.objects.get(key);
    if (!m) return [];
    const out: KubeObject[] = [];
    for (const o of m.values()) if (ns === undefined || o.metadata.namespace === ns) out.push(o);
    out.sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name));
    return out;
  }

  count(key: string): number {
    return this.objects.get(key)?.size ?? 0;
  }

  /** Events after `rv`, or an ApiError 410 when some of them are no longer retained. */
  eventsSince(rv: number): SimEvent[] {
    if (rv < this.compactedRv) throw gone(`too old resource version: ${rv} (${this.compactedRv})`);
    const out: SimEvent[] = [];
    // history is ordered by rv: binary search the first event with rv > asked
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) out.push(this.history[i]);
    return out;
  }

  /** Forgets all history up to now: every watch from an older resourceVersion gets 410. */
  compact(): void {
    this.history = [];
    this.historyStart = 0;
    this.compactedRv = this.rv;
  }

  subscribe(fn: (ev: SimEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // --- writes ----------------------------------------------------------------------------
  /**
   * `prefix` + 5 random characters, drawn again while an object of `key` in `ns` has it, as
   * kube-apiserver retries generateName (a ReplicaSet's 10 pods in 100k collide now and then).
   */
  freeName(key: string, ns: string | undefined, prefix: string): string {
    const at = this.mustResource(key).namespaced ? ns || 'default' : undefined;
    const m = this.objects.get(key)!;
    for (;;) {
      const name = `${prefix}${suffix()}`;
      if (!m.has(nsName(at, name))) return name;
    }
  }

  create(key: string, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const r = this.mustResource(key);
    const m = this.objects.get(key)!;
    const name = input.metadata?.name ?? (input.metadata?.generateName ? this.freeName(key, input.metadata.namespace, String(input.metadata.generateName)) : '');
    if (!name) throw new ApiError(422, 'Invalid', `${r.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    const ns = r.namespaced ? input.metadata.namespace || 'default' : undefined;
    if (m.has(nsName(ns, name))) throw alreadyExists(r.resource, r.group, name);
    const obj = clone(input);
    applyApiDefaults(key, obj);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata = { ...obj.metadata, name, uid: randomUUID(), creationTimestamp: nowSeconds() };
    if (ns !== undefined) obj.metadata.namespace = ns;
    else delete obj.metadata.namespace;
    delete obj.metadata.deletionTimestamp;
    applyCreateDefaults(key, obj);
    if ('spec' in obj) obj.metadata.generation = 1;
    if (opts.dryRun) return obj;
    return this.commit('ADDED', key, obj);
  }

  /** Replaces an object (PUT semantics). A given resourceVersion must match the stored one. */
  update(key: string, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const r = this.mustResource(key);
    const ns = r.namespaced ? input.metadata.namespace || 'default' : undefined;
    const old = this.get(key, ns, input.metadata.name);
    if (!old) throw notFound(r.resource, r.group, input.metadata.name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(r.resource, r.group, input.metadata.name);
    }
    const obj = clone(input);
    // identity and server-owned fields are kept from the stored object
    obj.apiVersion = old.apiVersion;
    obj.kind = old.kind;
    obj.metadata = {
      ...obj.metadata,
      name: old.metadata.name,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      generation: old.metadata.generation,
    };
    if (ns !== undefined) obj.metadata.namespace = ns;
    if (old.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete obj.metadata.deletionTimestamp;
    if (obj.metadata.generation === undefined) delete obj.metadata.generation;

    if (r.subresources.status) {
      if (opts.subresource === 'status') {
        // only status moves through /status
        const kept = clone(old);
        if ('status' in obj) kept.status = obj.status;
        else delete kept.status;
        return this.finishUpdate(key, old, kept, opts);
      }
      if ('status' in old) obj.status = clone(old.status);
      else delete obj.status;
    }
    applyApiDefaults(key, obj);
    if ('spec' in obj && JSON.stringify(obj.spec) !== JSON.stringify(old.spec)) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    return this.finishUpdate(key, old, obj, opts);
  }

  /** Reads, lets `fn` change a copy, and writes it back: the controllers' way to write. */
  mutate(
    key: string,
    ns: string | undefined,
    name: string,
    fn: (draft: KubeObject) => void,
    opts: WriteOptions = {},
  ): KubeObject | undefined {
    const old = this.get(key, ns, name);
    if (!old) return undefined;
    const draft = clone(old);
    fn(draft);
    draft.metadata.resourceVersion = old.metadata.resourceVersion;
    if (JSON.stringify(draft) === JSON.stringify(old)) return old;
    return this.update(key, draft, opts);
  }

  /**
   * Deletes an object: with finalizers it only gets a deletionTimestamp (and goes when they
   * are cleared); otherwise it is removed. Returns the object as it is after the call.
   */
  delete(key: string, ns: string | undefined, name: string, opts: { dryRun?: boolean } = {}): KubeObject {
    const r = this.mustResource(key);
    const old = this.get(key, r.namespaced ? ns : undefined, name);
    if (!old) throw notFound(r.resource, r.group, name);
    if (opts.dryRun) return old;
    if (pendingFinalizers(old) > 0) {
      if (old.metadata.deletionTimestamp) return old;
      const obj = clone(old);
      obj.metadata.deletionTimestamp = nowSeconds();
      if (obj.metadata.generation !== undefined) obj.metadata.generation += 1;
      return this.commit('MODIFIED', key, obj);
    }
    this.objects.get(key)!.delete(nsName(old.metadata.namespace, name));
    const obj = clone(old);
    return this.commit('DELETED', key, obj, true);
  }

  private finishUpdate(key: string, old: KubeObject, obj: KubeObject, opts: WriteOptions): KubeObject {
    if (opts.dryRun) return obj;
    // an object being deleted goes once its last finalizer is removed
    if (obj.metadata.deletionTimestamp && pendingFinalizers(obj) === 0) {
      this.objects.get(key)!.delete(nsName(old.metadata.namespace, old.metadata.name));
      return this.commit('DELETED', key, obj, true);
    }
    return this.commit('MODIFIED', key, obj);
  }

  private commit(type: SimEventType, key: string, obj: KubeObject, removed = false): KubeObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    if (!removed) this.objects.get(key)!.set(nsName(obj.metadata.namespace, obj.metadata.name), obj);
    const ev: SimEvent = { type, key, object: obj, rv: this.rv };
    this.history.push(ev);
    if (this.history.length - this.historyStart > this.historySize) {
      this.compactedRv = this.history[this.historyStart].rv;
      this.historyStart += 1;
      if (this.historyStart > 4096 && this.historyStart * 2 > this.history.length) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const l of this.listeners) l(ev);
    return obj;
  }

  private mustResource(key: string): SimResource {
    const r = this.resources.get(key);
    if (!r) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${key})`);
    return r;
  }
}

/** Finalizers holding an object: metadata.finalizers, and a Namespace's spec.finalizers ("kubernetes"). */
function pendingFinalizers(o: KubeObject): number {
  const spec = o.kind === 'Namespace' ? (o.spec as { finalizers?: unknown } | undefined) : undefined;
  const specCount = Array.isArray(spec?.finalizers) ? spec.finalizers.length : 0;
  return (o.metadata.finalizers?.length ?? 0) + specCount;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function nowSeconds(): string {
  return rfc3339(new Date(), 0);
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
export function suffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}
