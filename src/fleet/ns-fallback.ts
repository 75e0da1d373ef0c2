// The namespace-by-namespace fallback of one all-namespaces informer: a user bound only to
// some namespaces gets 403 for every all-namespaces list, so the informer is served by one
// reflector per namespace it may see, merged behind the same reads. Which namespaces is the
// owner's to say (sync); reflectors come from the factory given at construction, and objects
// that leave with a namespace are reported through `dropped`.
import type { KubeObject, ReflectorPhase } from '../model/types.js';
import type { Reflector } from '../kube/reflector.js';

/** Phase of an informer as views see it: a fallback reports its namespaces as one. */
export interface InformerState {
  phase: ReflectorPhase;
  reason?: string;
  nextAttemptAt?: number;
  forbiddenNamespaces?: string[];
  /** of those, what the API answered each (kubectl's `pods is forbidden: User … in the namespace "x"`) */
  forbiddenReasons?: Record<string, string>;
}

/** Worst first: the phase a set of reflectors shows as one. */
const phaseRank: Record<ReflectorPhase, number> = { unauthorized: 0, unreachable: 1, retrying: 2, syncing: 3, synced: 4, forbidden: 5, stopped: 6 };

export interface FallbackParts {
  /** a reflector of one namespace, its cache seeded, not started */
  spawn(namespace: string, seed: Map<string, KubeObject>): Reflector;
  /** objects that left the fallback's caches (a namespace gone, or stale ones no namespace took) */
  dropped(objects: KubeObject[]): void;
}

export class NamespaceFallback {
  private readonly parts = new Map<string, Reflector>();

  /**
   * @param stale what the forbidden all-namespaces reflector held, until a namespace's reflector takes it over
   * @param nsId id of the namespaces informer this fallback holds, when the user may list namespaces
   */
  constructor(
    private readonly stale: Map<string, KubeObject>,
    readonly nsId: string | undefined,
    private readonly make: FallbackParts,
  ) {}

  /** True when a reflector of this namespace is part of the fallback. */
  covers(namespace: string): boolean {
    return this.parts.has(namespace);
  }

  /** The namespaces covered, sorted. */
  namespaces(): string[] {
    return [...this.parts.keys()].sort();
  }

  reflectors(): Reflector[] {
    return [...this.parts.values()];
  }

  /** Every cache behind the fallback: the stale objects first, then one per namespace. */
  caches(): ReadonlyMap<string, KubeObject>[] {
    return [this.stale, ...[...this.parts.values()].map((r) => r.cache)];
  }

  /** The objects of one namespace. */
  list(namespace: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const cache of [this.stale, this.parts.get(namespace)?.cache]) for (const o of cache?.values() ?? []) if (o.metadata.namespace === namespace) out.push(o);
    return out;
  }

  /** An object by cache key (`${namespace}/${name}`). */
  get(namespace: string, key: string): KubeObject | undefined {
    return this.parts.get(namespace)?.cache.get(key) ?? this.stale.get(key);
  }

  /** One reflector per wanted namespace: new namespaces start one, gone ones stop theirs. */
  sync(want: string[]): void {
    const wanted = new Set(want);
    for (const ns of wanted) {
      if (this.parts.has(ns)) continue;
      const seed = new Map<string, KubeObject>();
      for (const [k, o] of this.stale) {
        if (o.metadata.namespace !== ns) continue;
        seed.set(k, o);
        this.stale.delete(k);
      }
      const r = this.make.spawn(ns, seed);
      this.parts.set(ns, r);
      r.start();
    }
    for (const [ns, r] of this.parts) {
      if (wanted.has(ns)) continue;
      this.parts.delete(ns);
      void r.stop().then(() => this.make.dropped([...r.handOver().values()]));
    }
    // what the namespace list no longer has leaves with it
    if (this.stale.size > 0) this.make.dropped([...this.stale.values()]);
    this.stale.clear();
  }

  /** Namespaces that answered 403 get a fresh reflector (seeded with what they held): RBAC may have changed. */
  retryForbidden(): void {
    for (const [ns, r] of this.parts) {
      if (r.phase !== 'forbidden') continue;
      const next = this.make.spawn(ns, r.handOver());
      this.parts.set(ns, next);
      next.start();
    }
  }

  /** Stops every namespace's reflector; resolves to everything the fallback held (to seed one all-namespaces reflector). */
  async dismantle(): Promise<Map<string, KubeObject>> {
    const parts = [...this.parts.values()];
    await Promise.all(parts.map((r) => r.stop()));
    const seed = new Map(this.stale);
    for (const r of parts) for (const [k, o] of r.cache) seed.set(k, o);
    return seed;
  }

  /** The phase of the fallback as one; `reason` is why the all-namespaces list failed. */
  state(reason: string | undefined): InformerState {
    const forbiddenNamespaces: string[] = [];
    const forbiddenReasons: Record<string, string> = {};
    let worst: Reflector | undefined;
    for (const [ns, p] of this.parts) {
      if (p.phase === 'forbidden') {
        forbiddenNamespaces.push(ns);
        if (p.reason) forbiddenReasons[ns] = p.reason;
      }
      else if (!worst || phaseRank[p.phase] < phaseRank[worst.phase]) worst = p;
    }
    if (this.parts.size === 0) return { phase: 'syncing', reason: `listing namespaces (${reason ?? 'forbidden at cluster scope'})` };
    // forbidden in every namespace: the kind is forbidden, say it as the API said it
    if (!worst) return { phase: 'forbidden', reason };
    forbiddenNamespaces.sort();
    const phase = worst.phase;
    const why = worst.reason ?? (forbiddenNamespaces.length > 0 ? `forbidden in namespace${forbiddenNamespaces.length > 1 ? 's' : ''} ${forbiddenNamespaces.join(', ')}` : undefined);
    const out: InformerState = { phase, reason: why, nextAttemptAt: worst.nextAttemptAt };
    if (forbiddenNamespaces.length > 0) out.forbiddenNamespaces = forbiddenNamespaces;
    if (Object.keys(forbiddenReasons).length > 0) out.forbiddenReasons = forbiddenReasons;
    return out;
  }
}
