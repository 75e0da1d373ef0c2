// A stand-in for the Flux controllers on the real control plane. This part is simulated:
// it does not fetch sources or apply manifests. It reacts to the Flux objects on the real
// apiserver the way Flux's controllers do, so fleetdeck's Flux views and actions can be
// tested end to end:
// - reconciles when the generation changes, when `reconcile.fluxcd.io/requestedAt` holds a
//   new token, and every spec.interval;
// - writes through the /status subresource the status that src/sim/flux-logic.ts computes
//   (the same functions the sim's Flux controller applies, so both backends agree):
//   conditions, lastHandledReconcileAt = the token, observedGeneration, artifacts,
//   lastAppliedRevision, inventory, history;
// - leaves suspended objects alone (status goes stale, as with Flux).
// Simulated inputs: every Git path builds to no objects except BROKEN_BUILD.path, whose build
// fails (the sim's test repository has the same path); every chart version exists.
// Run: node --import tsx test/controlplane/flux-standin.ts --kubeconfig=PATH
import { CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { crdResources } from '../../src/sim/resources.js';
import { parseGoDuration } from '../../src/model/format.js';
import type { Condition, KubeObject } from '../../src/model/types.js';
import { gitRevision, isSuspended, reconcileHelmRelease, reconcileKustomization, reconcileRequested, reconcileSource } from '../../src/sim/flux-logic.js';

interface FluxKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
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

/** A Git path whose kustomize build fails, on both backends (backends.ts gives the sim's repository the same one). */
export const BROKEN_BUILD = {
  path: 'broken',
  error: "kustomize build failed: accumulating resources: accumulation err='accumulating resources from './missing.yaml': open /tmp/kustomization/broken/missing.yaml: no such file or directory'",
};

const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket']);



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
    if (isSuspended(o)) return false;
    if (reconcileRequested(o)) return true;
    const status = o.status ?? {};
    // kustomize-controller watches sources too: a new artifact revision triggers a run
    const revision = o.kind === 'Kustomization' ? this.cachedSourceRevision(o) : undefined;
    if (revision !== undefined && revision !== status.lastAttemptedRevision) return true;
    const conds = (status.conditions ?? []) as Condition[];
    const ready = conds.find((c) => c.type === 'Ready');
    if (!ready || ready.observedGeneration !== o.metadata.generation) return true;
    const interval = parseGoDuration(String(o.spec?.interval ?? '10m')) ?? 0;
    const last = this.lastRun.get(key);
    return last === undefined || (interval > 0 && Date.now() - last >= interval);
  }

  private async consider(key: string): Promise<void> {
    const entry = this.objects.get(key);
    if (!entry || this.busy.has(key) || !this.due(key, entry.obj)) return;
    this.busy.add(key);
    try {
      const status = await this.reconcile(entry.obj);
      // a merge patch keeps keys it does not name: null out the ones the logic dropped
      for (const k of Object.keys(entry.obj.status ?? {})) if (!(k in status)) status[k] = null;
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

  /** The status Flux's controller would write after one reconciliation of o (src/sim/flux-logic.ts, as the sim). */
  private async reconcile(o: Obj): Promise<Record<string, unknown>> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const spec = o.spec ?? {};
    const url = String(spec.url ?? spec.endpoint ?? '');
    if (o.kind === 'GitRepository') {
      const branch = String((spec.ref as Record<string, unknown> | undefined)?.branch ?? 'main');
      return reconcileSource(o, { revision: gitRevision(branch, `${url}#${branch}#`), now });
    }
    if (o.kind === 'HelmChart') return reconcileSource(o, { revision: String(spec.version ?? '1.0.0'), now });
    if (SOURCE_KINDS.has(o.kind)) return reconcileSource(o, { revision: `latest@sha256:${gitRevision('x', url).slice(-40)}${'0'.repeat(24)}`, now });
    if (o.kind === 'Kustomization') {
      const ref = (spec.sourceRef ?? {}) as Record<string, string>;
      const ns = o.metadata.namespace ?? 'default';
      const source = await this.get(ref.kind ?? 'GitRepository', ref.namespace ?? ns, ref.name ?? '');
      const deps = (spec.dependsOn ?? []) as { name: string; namespace?: string }[];
      const dependencies = await Promise.all(deps.map(async (d) => {
        const namespace = d.namespace ?? ns;
        return { name: d.name, namespace, object: await this.get('Kustomization', namespace, d.name) };
      }));
      // simulated: every path of every repository builds to nothing, but the broken one
      const path = String(spec.path ?? './').replace(/^\.\//, '').replace(/\/$/, '');
      const build = path === BROKEN_BUILD.path ? { error: BROKEN_BUILD.error } : { objects: [] };
      return reconcileKustomization(o, { source, build: source ? build : undefined, dependencies, now }).status;
    }
    if (o.kind === 'HelmRelease') {
      const chart = ((spec.chart as Record<string, Record<string, string>> | undefined)?.spec ?? {});
      const version = chart.version && /^\d/.test(chart.version) ? chart.version : '1.0.0';
      return reconcileHelmRelease(o, { chart: { name: chart.chart ?? o.metadata.name, version, appVersion: version }, now }).status;
    }
    return reconcileSource(o, { revision: `sha256:${gitRevision('x', url).slice(-40)}${'0'.repeat(24)}`, now });
  }

  private cachedSourceRevision(o: Obj): string | undefined {
    const ref = (o.spec?.sourceRef ?? {}) as Record<string, string>;
    const k = fluxKinds().find((x) => x.kind === (ref.kind ?? 'GitRepository'));
    const src = k && this.objects.get(`${k.plural}/${ref.namespace ?? o.metadata.namespace ?? ''}/${ref.name}`);
    return ((src?.obj.status?.artifact ?? {}) as Record<string, string>).revision;
  }

  private async get(kind: string, namespace: string, name: string): Promise<Obj | undefined> {
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
