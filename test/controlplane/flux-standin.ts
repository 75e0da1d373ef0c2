// A stand-in for the Flux controllers on the real control plane. This part is simulated:
// it does not fetch sources or apply manifests. It reacts to the Flux objects on the real
// apiserver the way Flux's controllers do, so fleetdeck's Flux views and actions can be
// tested end to end:
// - reconciles when the generation changes, when `reconcile.fluxcd.io/requestedAt` holds a
//   new token, and every spec.interval;
// - writes status through the /status subresource: Ready (ReconciliationSucceeded /
//   ArtifactFailed), Reconciling while retrying, no Stalled, lastHandledReconcileAt = the
//   token, observedGeneration (Kustomization: only when Ready=True), artifacts and
//   lastAppliedRevision;
// - leaves suspended objects alone (status goes stale, as with Flux).
// Run: node --import tsx test/controlplane/flux-standin.ts --kubeconfig=PATH
import { createHash } from 'node:crypto';
import { CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { crdResources } from '../../src/sim/resources.js';
import type { KubeObject } from '../../src/model/types.js';

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

interface FluxKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

/** Reconciled Flux kinds: every fluxcd.io CRD with a status subresource except notification's static ones. */
export function fluxKinds(): FluxKind[] {
  return crdResources()
    .filter((r) => r.group.endsWith('.toolkit.fluxcd.io') && r.subresources.status)
    .map((r) => ({ group: r.group, version: r.version, plural: r.resource, kind: r.kind }));
}

type Obj = KubeObject & {
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** "1h2m3s", "5m0s", "30s", "250ms" → ms (Go durations, as Flux's spec.interval). */
export function parseDuration(s: string): number {
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, u] of s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(n) * unit[u];
  return total;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket']);

/** The revision a source stands at: derived from its spec, so a spec change is a new revision. */
function sourceRevision(o: Obj): string {
  const spec = o.spec ?? {};
  const digest = sha1(JSON.stringify(spec));
  const ref = (spec.ref ?? {}) as Record<string, string>;
  switch (o.kind) {
    case 'GitRepository':
      return `${ref.tag ?? ref.branch ?? 'main'}@sha1:${digest}`;
    case 'OCIRepository':
      return `${ref.tag ?? 'latest'}@sha256:${sha1(digest)}${digest.slice(0, 24)}`;
    case 'HelmChart':
      return `${String(spec.version ?? '1.0.0').replace(/[^0-9.]/g, '') || '1.0.0'}`;
    default:
      return `sha256:${digest}${digest.slice(0, 24)}`;
  }
}

function setCondition(conds: Condition[], c: Omit<Condition, 'lastTransitionTime'>, now: string): Condition[] {
  const old = conds.find((x) => x.type === c.type);
  const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : now;
  return [...conds.filter((x) => x.type !== c.type), { ...c, lastTransitionTime }];
}

export class FluxStandin {
  private readonly kc: KubeConfig;
  private readonly api: CustomObjectsApi;
  private readonly objects = new Map<string, { kind: FluxKind; obj: Obj }>();
  private readonly lastRun = new Map<string, number>();
  private readonly busy = new Set<string>();
  private readonly aborts: AbortController[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(kubeconfigPath: string, private readonly log: (line: string) => void = () => {}) {
    this.kc = new KubeConfig();
    this.kc.loadFromFile(kubeconfigPath);
    this.api = this.kc.makeApiClient(CustomObjectsApi);
  }

  start(): void {
    for (const k of fluxKinds()) void this.watch(k);
    this.timer = setInterval(() => {
      for (const key of this.objects.keys()) void this.consider(key);
    }, 1000);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const a of this.aborts) a.abort();
  }

  private async watch(k: FluxKind): Promise<void> {
    const w = new Watch(this.kc);
    while (!this.stopped) {
      try {
        const done = new Promise<void>((res) => {
          void w
            .watch(`/apis/${k.group}/${k.version}/${k.plural}`, { allowWatchBookmarks: false }, (type, raw) => {
              const obj = raw as Obj;
              const key = `${k.plural}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
              if (type === 'DELETED') {
                this.objects.delete(key);
                this.lastRun.delete(key);
              } else if (type === 'ADDED' || type === 'MODIFIED') {
                this.objects.set(key, { kind: k, obj });
                void this.consider(key);
              }
            }, () => res())
            .then((req) => this.aborts.push(req))
            .catch((err: unknown) => {
              this.log(`watch ${k.plural}: ${String(err)}`);
              res();
            });
        });
        await done;
      } catch (err) {
        this.log(`watch ${k.plural}: ${String(err)}`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Whether the object is due: new generation, new requestedAt token, or interval elapsed. */
  private due(key: string, o: Obj): boolean {
    if (o.spec?.suspend === true) return false;
    const status = o.status ?? {};
    const token = o.metadata.annotations?.[REQUESTED_AT];
    if (token !== undefined && token !== status.lastHandledReconcileAt) return true;
    // kustomize-controller watches sources too: a new artifact revision triggers a run
    const revision = o.kind === 'Kustomization' ? this.cachedSourceRevision(o) : undefined;
    if (revision !== undefined && revision !== status.lastAttemptedRevision) return true;
    const conds = (status.conditions ?? []) as Condition[];
    const ready = conds.find((c) => c.type === 'Ready');
    if (!ready || ready.observedGeneration !== o.metadata.generation) return true;
    const interval = parseDuration(String(o.spec?.interval ?? '10m'));
    const last = this.lastRun.get(key);
    return last === undefined || (interval > 0 && Date.now() - last >= interval);
  }

  private async consider(key: string): Promise<void> {
    const entry = this.objects.get(key);
    if (!entry || this.busy.has(key) || !this.due(key, entry.obj)) return;
    this.busy.add(key);
    try {
      const status = await this.reconcile(entry.obj);
      this.lastRun.set(key, Date.now());
      const { group, version, plural } = entry.kind;
      const { name, namespace } = entry.obj.metadata;
      await this.api.patchNamespacedCustomObjectStatus(
        { group, version, plural, name, namespace: namespace ?? 'default', body: { status } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } catch (err) {
      this.log(`reconcile ${key}: ${String(err)}`);
    } finally {
      this.busy.delete(key);
    }
  }

  /** The status Flux's controller would write after one reconciliation of o. */
  private async reconcile(o: Obj): Promise<Record<string, unknown>> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const gen = o.metadata.generation ?? 1;
    const old = o.status ?? {};
    let conds = ((old.conditions ?? []) as Condition[]).filter((c) => c.type !== 'Stalled');
    const status: Record<string, unknown> = {};
    const token = o.metadata.annotations?.[REQUESTED_AT];
    if (token !== undefined) status.lastHandledReconcileAt = token;
    const succeed = (reason: string, message: string) => {
      conds = setCondition(conds, { type: 'Ready', status: 'True', reason, message, observedGeneration: gen }, now)
        .filter((c) => c.type !== 'Reconciling');
      status.observedGeneration = gen;
    };
    const fail = (reason: string, message: string) => {
      conds = setCondition(conds, { type: 'Ready', status: 'False', reason, message, observedGeneration: gen }, now);
      conds = setCondition(conds, { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: `retrying: ${message}`, observedGeneration: gen }, now);
      // Kustomization's observedGeneration moves only on success; the sources' does not wait
      if (o.kind !== 'Kustomization') status.observedGeneration = gen;
    };
    if (SOURCE_KINDS.has(o.kind)) {
      const revision = sourceRevision(o);
      const digest = `sha256:${sha1(revision)}${sha1(revision).slice(0, 24)}`;
      status.artifact = {
        revision, digest, lastUpdateTime: now, size: 1024,
        path: `${o.kind.toLowerCase()}/${o.metadata.namespace}/${o.metadata.name}/${sha1(revision).slice(0, 8)}.tar.gz`,
        url: `http://source-controller.flux-system.svc.cluster.local./${o.kind.toLowerCase()}/${o.metadata.namespace}/${o.metadata.name}/latest.tar.gz`,
      };
      succeed('Succeeded', `stored artifact for revision '${revision}'`);
    } else if (o.kind === 'Kustomization') {
      const ref = (o.spec?.sourceRef ?? {}) as Record<string, string>;
      const source = await this.source(ref.kind ?? 'GitRepository', ref.namespace ?? o.metadata.namespace ?? 'default', ref.name ?? '');
      const revision = ((source?.status?.artifact ?? {}) as Record<string, string>).revision;
      if (!revision) {
        fail('ArtifactFailed', `${ref.kind ?? 'GitRepository'} '${ref.namespace ?? o.metadata.namespace}/${ref.name}' not found or has no artifact`);
      } else {
        status.lastAttemptedRevision = revision;
        status.lastAppliedRevision = revision;
        succeed('ReconciliationSucceeded', `Applied revision: ${revision}`);
      }
    } else if (o.kind === 'HelmRelease') {
      const chart = ((o.spec?.chart as Record<string, Record<string, string>> | undefined)?.spec ?? {});
      const version = chart.version ?? '1.0.0';
      status.lastAttemptedRevision = version;
      succeed('UpgradeSucceeded', `Helm upgrade succeeded for release ${o.metadata.namespace}/${o.metadata.name} with chart ${chart.chart ?? o.metadata.name}@${version}`);
    } else {
      succeed('Succeeded', 'Reconciliation finished');
    }
    status.conditions = conds;
    return status;
  }

  private cachedSourceRevision(o: Obj): string | undefined {
    const ref = (o.spec?.sourceRef ?? {}) as Record<string, string>;
    const k = fluxKinds().find((x) => x.kind === (ref.kind ?? 'GitRepository'));
    const src = k && this.objects.get(`${k.plural}/${ref.namespace ?? o.metadata.namespace ?? ''}/${ref.name}`);
    return ((src?.obj.status?.artifact ?? {}) as Record<string, string>).revision;
  }

  private async source(kind: string, namespace: string, name: string): Promise<Obj | undefined> {
    const k = fluxKinds().find((x) => x.kind === kind);
    if (!k || !name) return undefined;
    try {
      return (await this.api.getNamespacedCustomObject({ group: k.group, version: k.version, plural: k.plural, namespace, name })) as Obj;
    } catch {
      return undefined;
    }
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const arg = process.argv.find((a) => a.startsWith('--kubeconfig='));
  if (!arg) {
    console.error('usage: flux-standin.ts --kubeconfig=PATH');
    process.exit(2);
  }
  const standin = new FluxStandin(arg.slice('--kubeconfig='.length), (l) => console.error(`${new Date().toISOString()} ${l}`));
  standin.start();
  console.error('flux stand-in: watching', fluxKinds().map((k) => k.plural).join(', '));
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => {
    standin.stop();
    process.exit(0);
  });
}
