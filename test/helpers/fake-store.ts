// An in-memory FleetStore for view tests and the e2e fixture: contexts, discovery from the
// sim's resource catalog, objects set directly, change batches delivered on the next tick.
import type { ApiRequest, ApiResponse, ChangeBatch, ContextState, ContextStatus, FleetStore, ReflectorStatus, StoredRef, Subscription, WatchSpec } from '../../src/fleet/types.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { inventory } from '../../src/model/flux.js';
import { matchLabels, type LabelSelector } from '../../src/model/selector.js';
import { resourceKey, type KubeObject, type ResourceType } from '../../src/model/types.js';
import { builtinResources, crdResources } from '../../src/sim/resources.js';

export class FakeStore implements FleetStore {
  private readonly ctx = new Map<string, ContextStatus>();
  private readonly types: ResourceType[] = [...builtinResources(), ...crdResources()];
  private readonly objects = new Map<string, Map<string, KubeObject>>(); // ctx\0resKey → ns/name → obj
  private readonly listeners = new Set<(b: ChangeBatch) => void>();
  private pending: ChangeBatch | undefined;
  readonly watches: WatchSpec[] = [];
  /** every watch ever opened, closed ones included */
  readonly watched: WatchSpec[] = [];
  readonly requests: { context: string; req: ApiRequest }[] = [];

  /** the kubeconfig's contexts; contexts() holds those connected */
  private readonly defined: string[];
  /** the contexts addContext started, in order */
  readonly added: string[] = [];

  /** undiscovered: contexts start connecting and serve no resources until discover(name);
   * connected: the contexts the run starts with (default all), the others only in the kubeconfig until addContext */
  constructor(contexts: string[], opts: { undiscovered?: boolean; connected?: string[] } = {}) {
    this.defined = [...contexts];
    for (const name of opts.connected ?? contexts) {
      this.ctx.set(name, opts.undiscovered
        ? { name, state: 'connecting', discovered: false }
        : { name, state: 'ready', latencyMs: 3, serverVersion: 'v1.32.0', discovered: true });
    }
  }

  kubeconfigContexts(): string[] {
    return [...this.defined];
  }

  addContext(name: string): boolean {
    if (!this.defined.includes(name)) return false;
    if (!this.ctx.has(name)) {
      this.added.push(name);
      this.setContext(name, 'ready', { name, discovered: true, latencyMs: 3, serverVersion: 'v1.32.0' });
    }
    return true;
  }

  /** Discovery lands: the context is ready and serves the catalog. */
  discover(name: string): void {
    this.setContext(name, 'ready', { discovered: true, latencyMs: 3, serverVersion: 'v1.32.0' });
  }

  setContext(name: string, state: ContextState, extra: Partial<ContextStatus> = {}): void {
    this.ctx.set(name, { ...this.ctx.get(name)!, ...extra, state });
    this.queue().contexts.add(name);
  }

  put(context: string, resource: string, obj: KubeObject): void {
    const key = `${context}\u0000${resource}`;
    let m = this.objects.get(key);
    if (!m) this.objects.set(key, (m = new Map()));
    m.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
    this.queue().resources.add(key);
  }

  remove(context: string, resource: string, namespace: string | undefined, name: string): void {
    const key = `${context}\u0000${resource}`;
    this.objects.get(key)?.delete(`${namespace ?? ''}/${name}`);
    this.queue().resources.add(key);
  }

  private queue(): ChangeBatch {
    if (!this.pending) {
      this.pending = { resources: new Set(), contexts: new Set() };
      setImmediate(() => {
        const b = this.pending!;
        this.pending = undefined;
        for (const l of this.listeners) l(b);
      });
    }
    return this.pending;
  }

  contexts(): ContextStatus[] {
    return [...this.ctx.values()];
  }
  resources(context: string): ResourceType[] {
    return this.ctx.get(context)?.discovered ? this.types : [];
  }
  resolve(context: string, query: string): ResourceType | undefined {
    const q = query.toLowerCase();
    return this.resources(context).find(
      (r) => r.resource === q || r.singular === q || r.kind.toLowerCase() === q || r.shortNames.includes(q) || resourceKey(r) === q,
    );
  }
  watch(spec: WatchSpec): Subscription {
    this.watches.push(spec);
    this.watched.push(spec);
    return { close: () => this.watches.splice(this.watches.indexOf(spec), 1) };
  }
  list(context: string, resource: string, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(`${context}\u0000${resource}`)?.values() ?? [])];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }
  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(`${context}\u0000${resource}`)?.get(`${namespace ?? ''}/${name}`);
  }
  byUid(context: string, uid: string): StoredRef | undefined {
    for (const [key, m] of this.objects) {
      const [c, resource] = key.split('\u0000');
      if (c !== context) continue;
      for (const o of m.values()) if (o.metadata.uid === uid) return { context, resource, object: o };
    }
    return undefined;
  }
  ownedBy(context: string, ownerUid: string): StoredRef[] {
    const out: StoredRef[] = [];
    for (const [key, m] of this.objects) {
      const [c, resource] = key.split('\u0000');
      if (c !== context) continue;
      for (const o of m.values()) if (o.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) out.push({ context, resource, object: o });
    }
    return out;
  }
  /** By scanning (the real store answers from its label index). */
  selected(context: string, selector: LabelSelector, namespace?: string): StoredRef[] {
    return this.refsOf(context).filter((r) => (namespace === undefined || r.object.metadata.namespace === namespace) && matchLabels(selector, r.object.metadata.labels));
  }
  /** By scanning every Kustomization's and HelmRelease's inventory (the real store keeps an index). */
  appliedBy(context: string, group: string, kind: string, namespace: string | undefined, name: string): StoredRef[] {
    return this.refsOf(context).filter((r) => (r.resource === 'kustomizations.kustomize.toolkit.fluxcd.io' || r.resource === 'helmreleases.helm.toolkit.fluxcd.io')
      && inventory(r.object).some((e) => e.group === group && e.kind === kind && e.namespace === (namespace ?? '') && e.name === name));
  }
  private refsOf(context: string): StoredRef[] {
    const out: StoredRef[] = [];
    for (const [key, m] of this.objects) {
      const [c, resource] = key.split('\u0000');
      if (c === context) for (const object of m.values()) out.push({ context, resource, object });
    }
    return out;
  }
  /** (context, resourceKey) → a reflector state other than synced (setPhase) */
  readonly phases = new Map<string, Partial<ReflectorStatus> & { phase: ReflectorStatus['phase'] }>();
  /** Sets what a kind's reflectors in a context report (syncing, forbidden, ...), with a change batch. */
  setPhase(context: string, resource: string, state: (Partial<ReflectorStatus> & { phase: ReflectorStatus['phase'] }) | undefined): void {
    if (state) this.phases.set(`${context}/${resource}`, state);
    else this.phases.delete(`${context}/${resource}`);
    this.queue().contexts.add(context);
  }
  /** Every watched (context, resource, namespace) reads as synced (the objects are all here), unless setPhase says otherwise. */
  reflectors(): ReflectorStatus[] {
    return this.watches.flatMap((w) => w.contexts.map((context) => {
      const resource = this.resolve(context, w.resource) ? resourceKey(this.resolve(context, w.resource)!) : w.resource;
      return { context, resource, namespace: w.namespace, phase: 'synced' as const, objects: this.list(context, w.resource, w.namespace).length, ...this.phases.get(`${context}/${resource}`) };
    }));
  }
  onChange(fn: (b: ChangeBatch) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  async settled(): Promise<void> {}
  /** When set, a PATCH answers with this status and message instead (the API refusing). */
  failWrites?: { status: number; message: string };

  /** GET, merge PATCH and DELETE of one stored object by its API path (as the API server
   * would, minus validation); writes land as changes like a watch event. */
  async request(context: string, req: ApiRequest): Promise<ApiResponse> {
    this.requests.push({ context, req });
    const m = /^\/(?:api|apis\/([^/]+))\/[^/]+\/(?:namespaces\/([^/]+)\/)?([^/]+)\/([^/]+)(?:\/(scale))?$/.exec(req.path);
    const resource = m ? (m[1] ? `${m[3]}.${m[1]}` : m[3]) : '';
    const obj = m ? this.get(context, resource, m[2], m[4]) : undefined;
    if (!obj) return { status: 404, body: { kind: 'Status', message: `${m?.[3] ?? 'object'} "${m?.[4] ?? ''}" not found` } };
    const method = req.method ?? 'GET';
    if (method === 'GET') return { status: 200, body: obj };
    if (this.failWrites) return { status: this.failWrites.status, body: { kind: 'Status', message: this.failWrites.message } };
    if (method === 'DELETE') {
      this.remove(context, resource, m![2], m![4]);
      return { status: 200, body: obj };
    }
    if (method === 'PATCH' && /merge-patch|strategic-merge-patch/.test(req.contentType ?? '')) {
      // the scale subresource's spec.replicas is the object's
      const next = mergePatch(obj, m![5] ? { spec: { replicas: (req.body as { spec?: { replicas?: unknown } }).spec?.replicas } } : req.body) as KubeObject;
      this.put(context, resource, next);
      return { status: 200, body: next };
    }
    return { status: 415, body: { kind: 'Status', message: `unsupported ${method} ${req.contentType ?? ''}` } };
  }
  /** Container logs by `context/namespace/pod/container`: the chunks a follow gets (then it stays open until aborted). */
  readonly logs = new Map<string, Uint8Array[]>();
  async stream(context: string, req: ApiRequest): Promise<AsyncIterable<Uint8Array>> {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(req.path);
    const chunks = m && this.logs.get(`${context}/${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}/${String(req.query?.container ?? '')}`);
    // the fake clusters serve no metrics.k8s.io: the API's 404 (no APIService), "not served"
    if (!m && req.path.startsWith('/apis/metrics.k8s.io/')) throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (!chunks) throw new Error('FakeStore does not stream');
    const signal = req.signal;
    return (async function* () {
      for (const c of chunks) yield c;
      await new Promise<void>((r) => (signal?.aborted ? r() : signal?.addEventListener('abort', () => r(), { once: true })));
    })();
  }
  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** RFC 7386 JSON merge patch: null deletes, objects merge, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const T0 = Date.parse('2026-11-20T10:00:00Z');
const ts = (minutesAgo: number, now: number): string => new Date(now - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** A small fleet: 3 contexts × 2 namespaces, a deployment + pods each, Kustomizations, a CNPG cluster, events, a secret. */
export function demoStore(opts: { contexts?: string[]; podsPerNamespace?: number; now?: number; undiscovered?: boolean; connected?: string[] } = {}): FakeStore {
  const contexts = opts.contexts ?? ['dev', 'staging', 'prod-eu'];
  const now = opts.now ?? T0;
  const s = new FakeStore(contexts, { undiscovered: opts.undiscovered, connected: opts.connected });
  let uid = 0;
  const meta = (name: string, namespace: string | undefined, minutesAgo: number, extra: Record<string, unknown> = {}) => ({
    name, ...(namespace ? { namespace } : {}), uid: `uid-${++uid}`, creationTimestamp: ts(minutesAgo, now), ...extra,
  });
  for (const c of contexts) {
    for (const ns of ['default', 'shop', 'flux-system']) s.put(c, 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns, undefined, 900) });
    for (const ns of ['default', 'shop']) {
      const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web', ns, 600, { labels: { app: 'web' }, generation: 2 }),
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
        status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 2,
          conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } };
      s.put(c, 'deployments.apps', dep);
      const n = opts.podsPerNamespace ?? 2;
      for (let i = 0; i < n; i++) {
        const failing = c === 'prod-eu' && ns === 'shop' && i === 0;
        const name = `web-7d9f8-${String(i).padStart(5, 'x')}`;
        s.put(c, 'pods', {
          apiVersion: 'v1', kind: 'Pod',
          metadata: meta(name, ns, 300 - i, { labels: { app: 'web', tier: i % 2 ? 'back' : 'front' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8', uid: 'rs' }],
            managedFields: [{ manager: 'kubelet' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'shop' } }),
          spec: { nodeName: `${c}-node-1`, containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
          status: failing
            ? { phase: 'Running', podIP: `10.0.${i}.9`, containerStatuses: [{ name: 'web', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
              conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] }
            : { phase: 'Running', podIP: `10.0.${i}.${10 + i}`, containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }],
              conditions: [{ type: 'Ready', status: 'True' }] },
        });
        if (failing) {
          const pod = s.get(c, 'pods', ns, name)!;
          s.put(c, 'events', { apiVersion: 'v1', kind: 'Event', metadata: meta(`${name}.1`, ns, 5), type: 'Warning', reason: 'BackOff',
            message: 'Back-off restarting failed container web', count: 12, lastTimestamp: ts(1, now),
            involvedObject: { kind: 'Pod', name, namespace: ns, uid: pod.metadata.uid } });
        }
      }
    }
    s.put(c, 'kustomizations.kustomize.toolkit.fluxcd.io', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization',
      metadata: meta('apps', 'flux-system', 800), spec: { interval: '10m', path: './apps', sourceRef: { kind: 'GitRepository', name: 'fleet' } },
      status: { conditions: [{ type: 'Ready', status: c === 'staging' ? 'False' : 'True', reason: c === 'staging' ? 'BuildFailed' : 'ReconciliationSucceeded',
        message: c === 'staging' ? 'kustomize build failed' : 'Applied revision: main@sha1:abc123' }] } });
    s.put(c, 'gitrepositories.source.toolkit.fluxcd.io', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository',
      metadata: meta('fleet', 'flux-system', 800), spec: { interval: '1m', url: 'https://git.example.com/fleet.git', ref: { branch: 'main' } },
      status: { artifact: { revision: 'main@sha1:abc1234567890abcdef1234567890abcdef12345' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: "stored artifact for revision 'main@sha1:abc12345'" }] } });
    s.put(c, 'clusters.postgresql.cnpg.io', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('orders-db', 'shop', 700),
      spec: { instances: 3 }, status: { instances: 3, readyInstances: 3, phase: 'Cluster in healthy state', currentPrimary: 'orders-db-1' } });
    s.put(c, 'certificates.cert-manager.io', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('shop-tls', 'shop', 650),
      spec: { secretName: 'shop-tls', issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' }, dnsNames: ['shop.example.com'] },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }] } });
    s.put(c, 'secrets', { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: meta('db-creds', 'shop', 700), data: { password: 'aHVudGVyMg==' } });
  }
  return s;
}
