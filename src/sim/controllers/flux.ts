// The sim's Flux controllers: source-, kustomize- and helm-controller in one. They run each
// object on its spec.interval and at once when reconcile.fluxcd.io/requestedAt changes,
// skip suspended objects, and apply what a Kustomization builds or a HelmRelease
// renders (labelled as Flux labels them). A suspended object only gets a reconcile request
// recorded (lastHandledReconcileAt), as the real controllers do. What the Git repositories and Helm charts
// contain comes from the scenario, through FluxContent.
import { arr, rec, str } from '../../model/access.js';
import { parseGoDuration } from '../../model/format.js';
import type { KubeObject } from '../../model/types.js';
import { resourceKey, splitApiVersion } from '../../model/types.js';
import type { BuildResult, ChartInput } from '../flux-logic.js';
import { chartVersionMissing, gitRevision, helmLabels, isSuspended, reconcileHelmRelease, reconcileKustomization, reconcileRequested, reconcileSource, requestedAt } from '../flux-logic.js';
import { nowSeconds } from '../store.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';
import { applyAsManager, stableJson } from './util.js';

export interface GitContent {
  branch?: string;
  /** changes the commit (and so the revision) when changed */
  commit?: string;
  /** kustomize build result per path ('apps/prod', no leading ./) */
  paths: Record<string, BuildResult>;
}

export interface ChartContent extends ChartInput {
  render(release: string, namespace: string): KubeObject[];
}

export interface FluxContent {
  git: Record<string, GitContent>; // by repository URL
  charts: Record<string, ChartContent[]>; // by Helm repository URL
}

const GIT = 'gitrepositories.source.toolkit.fluxcd.io';
const OCI = 'ocirepositories.source.toolkit.fluxcd.io';
const HELMREPO = 'helmrepositories.source.toolkit.fluxcd.io';
const CHART = 'helmcharts.source.toolkit.fluxcd.io';
const BUCKET = 'buckets.source.toolkit.fluxcd.io';
const KS = 'kustomizations.kustomize.toolkit.fluxcd.io';
const HR = 'helmreleases.helm.toolkit.fluxcd.io';
const KINDS = [GIT, OCI, HELMREPO, CHART, BUCKET, KS, HR];
const SOURCE_KEY: Record<string, string> = { GitRepository: GIT, OCIRepository: OCI, HelmRepository: HELMREPO, Bucket: BUCKET, HelmChart: CHART };
const FINALIZER = 'finalizers.fluxcd.io';

/** A Flux interval (a Go duration: 1h, 5m0s, 30s, 1m30s) in ms; `def` when missing, invalid or not positive. */
export function parseDuration(s: string | undefined, def = 600_000): number {
  const ms = parseGoDuration(s);
  return ms !== undefined && ms > 0 ? ms : def;
}

export function fluxController(ctx: Ctx, content: FluxContent): Controller {
  const { store, rt, events } = ctx;
  const lastRun = new Map<string, number>(); // uid → sim ms
  const handledGen = new Map<string, number>();
  // what the controllers last applied to each object (key|ns/name): SSA's fields of their manager
  const applied = new Map<string, KubeObject>();

  const id = (key: string, o: KubeObject): string => `${key}|${o.metadata.namespace}/${o.metadata.name}`;

  function writeStatus(key: string, o: KubeObject, status: Record<string, unknown>): KubeObject | undefined {
    return store.mutate(key, o.metadata.namespace, o.metadata.name, (x) => {
      x.status = status;
    }, { subresource: 'status' });
  }

  function warnIfFailed(o: KubeObject, before: KubeObject, component: string): void {
    const ready = arr(o, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready');
    if (str(ready, 'status') !== 'False') return;
    const was = arr(before, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready');
    if (str(was, 'message') === str(ready, 'message') && !reconcileRequested(before)) return;
    events.record(o, 'Warning', str(ready, 'reason') ?? 'ReconciliationFailed', str(ready, 'message') ?? '', component);
  }

  function applyObjects(objs: KubeObject[], extra?: Record<string, string>): void {
    for (const o of objs) {
      const { group } = splitApiVersion(o.apiVersion ?? 'v1');
      const r = store.resourceForKind(o.kind ?? '', group);
      if (!r) continue;
      const key = resourceKey(r);
      const ns = r.namespaced ? (o.metadata.namespace ?? 'default') : undefined;
      const existing = store.get(key, ns, o.metadata.name);
      const desired = structuredClone(o);
      if (extra) desired.metadata.annotations = { ...desired.metadata.annotations, ...extra };
      const oid = `${key}|${ns ?? ''}/${o.metadata.name}`;
      const previous = applied.get(oid);
      applied.set(oid, desired);
      if (!existing) {
        store.create(key, desired);
        continue;
      }
      const fields = ['spec', 'data', 'stringData', 'type'].filter((f) => f in desired);
      const next = new Map(fields.map((f) => [f, applyAsManager(existing[f], previous?.[f], desired[f])]));
      const drift =
        fields.some((f) => stableJson(next.get(f)) !== stableJson(existing[f])) ||
        Object.entries(desired.metadata.labels ?? {}).some(([k, v]) => existing.metadata.labels?.[k] !== v);
      if (!drift) continue;
      store.mutate(key, ns, o.metadata.name, (x) => {
        for (const f of fields) x[f] = next.get(f);
        x.metadata.labels = { ...x.metadata.labels, ...desired.metadata.labels };
        x.metadata.annotations = { ...x.metadata.annotations, ...desired.metadata.annotations };
      });
    }
  }

  function prune(oldIds: string[], newIds: Set<string>): void {
    for (const oldId of oldIds) {
      if (newIds.has(oldId)) continue;
      const kind = oldId.slice(oldId.lastIndexOf('_') + 1);
      const rest = oldId.slice(0, oldId.lastIndexOf('_'));
      const group = rest.slice(rest.lastIndexOf('_') + 1);
      const nsName = rest.slice(0, rest.lastIndexOf('_'));
      const ns = nsName.slice(0, nsName.indexOf('_'));
      const name = nsName.slice(nsName.indexOf('_') + 1).replace(/__/g, ':');
      const r = store.resourceForKind(kind, group);
      if (r && store.get(resourceKey(r), ns || undefined, name)) store.delete(resourceKey(r), ns || undefined, name);
      if (r) applied.delete(`${resourceKey(r)}|${ns}/${name}`);
    }
  }

  function source(o: KubeObject, key: string): void {
    const url = str(o, 'spec', 'url') ?? str(o, 'spec', 'endpoint') ?? '';
    let revision: string | undefined;
    let error: { reason: string; message: string } | undefined;
    if (key === GIT) {
      const git = content.git[url];
      const branch = str(o, 'spec', 'ref', 'branch') ?? git?.branch ?? 'main';
      if (git) revision = gitRevision(branch, `${url}#${branch}#${git.commit ?? ''}`);
      else error = { reason: 'GitOperationFailed', message: `failed to checkout and determine revision: unable to clone '${url}': repository not found` };
    } else if (key === HELMREPO) {
      revision = `sha256:${gitRevision('x', stableJson(content.charts[url]?.map((c) => c.version) ?? [url])).slice(-40)}${'0'.repeat(24)}`;
    } else if (key === CHART) {
      const found = chartOf(o);
      if (found.chart) revision = found.chart.version;
      else error = chartVersionMissing(found.name, found.wanted);
    } else {
      revision = `latest@sha256:${gitRevision('x', url).slice(-40)}${'0'.repeat(24)}`;
    }
    const status = reconcileSource(o, { revision, error, chart: key === CHART ? str(o, 'spec', 'chart') : undefined, now: nowSeconds() });
    const after = writeStatus(key, o, status);
    if (after) warnIfFailed(after, o, 'source-controller');
  }

  function kustomization(ks: KubeObject): void {
    const ref = rec(ks, 'spec', 'sourceRef');
    const srcKey = SOURCE_KEY[str(ref, 'kind') ?? 'GitRepository'] ?? GIT;
    const src = store.get(srcKey, str(ref, 'namespace') ?? ks.metadata.namespace, str(ref, 'name') ?? '');
    const git = content.git[str(src, 'spec', 'url') ?? ''];
    const path = (str(ks, 'spec', 'path') ?? './').replace(/^\.\//, '').replace(/\/$/, '');
    const dependencies = arr(ks, 'spec', 'dependsOn').map((d) => {
      const namespace = str(d, 'namespace') ?? ks.metadata.namespace ?? '';
      const name = str(d, 'name') ?? '';
      return { name, namespace, object: store.get(KS, namespace, name) };
    });
    const result = reconcileKustomization(ks, { source: src, build: git?.paths[path], dependencies, now: nowSeconds() });
    if (result.ok) {
      applyObjects(result.apply);
      if (ks.spec && (ks.spec as Record<string, unknown>).prune === true) {
        const oldIds = arr(ks, 'status', 'inventory', 'entries').map((e) => str(e, 'id') ?? '');
        prune(oldIds, new Set(arr(result.status, 'inventory', 'entries').map((e) => str(e, 'id') ?? '')));
      }
    }
    const after = writeStatus(KS, ks, result.status);
    if (after) warnIfFailed(after, ks, 'kustomize-controller');
  }

  /** A chart spec's (HelmChart spec, HelmRelease spec.chart.spec, in `ns`) chart from its Helm repository's content. */
  function chartFrom(cs: Record<string, unknown>, ns: string, fallbackName: string): { name: string; wanted: string; available: ChartContent[]; chart?: ChartContent } {
    const repo = store.get(HELMREPO, str(cs, 'sourceRef', 'namespace') ?? ns, str(cs, 'sourceRef', 'name') ?? '');
    const name = str(cs, 'chart') ?? fallbackName;
    const wanted = str(cs, 'version') ?? '*';
    const available = (content.charts[str(repo, 'spec', 'url') ?? ''] ?? []).filter((c) => c.name === name);
    const chart = wanted === '*' || wanted.includes('x') || /[<>^~]/.test(wanted) ? available.at(-1) : available.find((c) => c.version === wanted);
    return { name, wanted, available, chart };
  }
  const chartOf = (o: KubeObject) => chartFrom(rec(o, 'spec') ?? {}, o.metadata.namespace ?? 'default', o.metadata.name);

  function helmRelease(hr: KubeObject): void {
    const ns = hr.metadata.namespace ?? 'default';
    const cs = rec(hr, 'spec', 'chart', 'spec') ?? {};
    const repoNs = str(cs, 'sourceRef', 'namespace') ?? ns;
    const { name: chartName, wanted, available, chart } = chartFrom(cs, ns, hr.metadata.name);
    // the HelmChart helm-controller keeps in the source's namespace
    const chartObjName = `${ns}-${hr.metadata.name}`;
    if (!store.get(CHART, repoNs, chartObjName)) {
      store.create(CHART, { metadata: { name: chartObjName, namespace: repoNs, finalizers: [FINALIZER] }, spec: { chart: chartName, version: wanted, sourceRef: { kind: 'HelmRepository', name: str(cs, 'sourceRef', 'name') }, interval: str(cs, 'interval') ?? '5m0s', reconcileStrategy: 'ChartVersion' } });
    }
    const chartObj = store.get(CHART, repoNs, chartObjName)!;
    const helmChart = writeStatus(CHART, chartObj, reconcileSource(chartObj, chart ? { revision: chart.version, chart: chartName, now: nowSeconds() } : { error: chartVersionMissing(chartName, wanted), now: nowSeconds() }));
    const dependencies = arr(hr, 'spec', 'dependsOn').map((d) => {
      const namespace = str(d, 'namespace') ?? ns;
      const name = str(d, 'name') ?? '';
      return { name, namespace, object: store.get(HR, namespace, name) };
    });
    const result = reconcileHelmRelease(hr, { chart, helmChart, dependencies, now: nowSeconds() });
    const deployed = available.find((c) => c.version === result.deployedVersion);
    if (deployed) {
      const release = str(hr, 'spec', 'releaseName') ?? hr.metadata.name;
      const target = str(hr, 'spec', 'targetNamespace') ?? ns;
      const objs = deployed.render(release, target).map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...helmLabels(hr) } } }));
      applyObjects(objs, { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': target });
    }
    if (result.released) {
      const version = Number(arr(result.status, 'history').map((h) => rec(h)?.version)[0] ?? 1);
      const secret = `sh.helm.release.v1.${str(hr, 'spec', 'releaseName') ?? hr.metadata.name}.v${version}`;
      if (!store.get('secrets', ns, secret)) {
        store.create('secrets', { metadata: { name: secret, namespace: ns, labels: { name: hr.metadata.name, owner: 'helm', status: String(rec(arr(result.status, 'history')[0])?.status ?? 'deployed'), version: String(version) } }, type: 'helm.sh/release.v1', data: { release: Buffer.from(`${hr.metadata.name}.v${version}`).toString('base64') } });
      }
    }
    const after = writeStatus(HR, hr, result.status);
    if (after) warnIfFailed(after, hr, 'helm-controller');
  }

  function run(key: string, ns: string | undefined, name: string): void {
    const o = store.get(key, ns, name);
    if (!o) return;
    // deletion comes before suspension, as in the Flux controllers
    if (o.metadata.deletionTimestamp) {
      if (o.metadata.finalizers?.includes(FINALIZER)) store.mutate(key, ns, name, (x) => {
        x.metadata.finalizers = (x.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
      });
      return;
    }
    if (isSuspended(o)) {
      // the Flux controllers record a reconcile request even on a suspended object (their
      // deferred status patch runs before the suspend check returns: kustomize-controller
      // v1.9 finalizeStatus, helm-controller v1.6 Reconcile, source-controller
      // RecordReconcileReq) and do nothing else
      const token = requestedAt(o);
      if (token !== undefined && token !== str(o, 'status', 'lastHandledReconcileAt')) {
        store.mutate(key, ns, name, (x) => {
          x.status = { ...(x.status as Record<string, unknown> | undefined), lastHandledReconcileAt: token };
        }, { subresource: 'status' });
      }
      return;
    }
    lastRun.set(o.metadata.uid ?? '', rt.now());
    handledGen.set(o.metadata.uid ?? '', o.metadata.generation ?? 0);
    if (key === KS) kustomization(o);
    else if (key === HR) helmRelease(o);
    else source(o, key);
  }

  return {
    name: 'flux',
    watches: KINDS,
    map(ev) {
      if (ev.type === 'DELETED') return [];
      const o = ev.object;
      const uid = o.metadata.uid ?? '';
      const fresh = !lastRun.has(uid) || handledGen.get(uid) !== (o.metadata.generation ?? 0);
      const out = fresh || reconcileRequested(o) || o.metadata.deletionTimestamp ? [id(ev.key, o)] : [];
      // a source's new artifact wakes the objects built from it
      if (ev.key in { [GIT]: 1, [OCI]: 1, [BUCKET]: 1 } && ev.type === 'MODIFIED') {
        for (const ks of store.list(KS)) if (str(ks, 'spec', 'sourceRef', 'name') === o.metadata.name && !isSuspended(ks) && str(ks, 'status', 'lastAttemptedRevision') !== str(o, 'status', 'artifact', 'revision')) out.push(id(KS, ks));
      }
      return out;
    },
    tick(now) {
      for (const key of KINDS) {
        for (const o of store.list(key)) {
          if (isSuspended(o)) continue;
          const last = lastRun.get(o.metadata.uid ?? '');
          if (last === undefined || now - last >= parseDuration(str(o, 'spec', 'interval'))) rt.enqueue('flux', id(key, o));
        }
      }
    },
    reconcile(itemId) {
      const [key, rest] = itemId.split('|');
      const i = rest.indexOf('/');
      run(key, rest.slice(0, i) || undefined, rest.slice(i + 1));
    },
  };
}
