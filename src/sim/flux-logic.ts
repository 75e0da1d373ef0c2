// Flux reconcile results as pure functions: given a Flux object (+ its source or chart, the
// build outcome, the time) they compute the status the Flux controllers would write. The
// sim's controllers and the control-plane stand-in both apply these.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { arr, bool, num, rec, str } from '../model/access.js';
import { formatGoDuration, parseGoDuration } from '../model/format.js';
import type { Condition, KubeObject } from '../model/types.js';
import { splitApiVersion } from '../model/types.js';

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';

type Status = Record<string, unknown>;

const sha = (algo: 'sha1' | 'sha256', s: string): string => createHash(algo).update(s).digest('hex');

export const isSuspended = (o: KubeObject): boolean => (o.spec as { suspend?: unknown } | undefined)?.suspend === true;
export const requestedAt = (o: KubeObject): string | undefined => o.metadata.annotations?.[REQUESTED_AT];

/** A reconcile was asked (`flux reconcile` / the requestedAt annotation) and not yet handled. */
export function reconcileRequested(o: KubeObject): boolean {
  const token = requestedAt(o);
  return token !== undefined && token !== str(o, 'status', 'lastHandledReconcileAt');
}

/** A Git revision as source-controller writes it: `<branch>@sha1:<40 hex>`. */
export function gitRevision(branch: string, seed: string): string {
  return `${branch}@sha1:${sha('sha1', seed)}`;
}

/** `<namespace>_<name>_<group>_<kind>` (cli-utils ObjMetadata). */
export function inventoryId(o: KubeObject): string {
  const { group } = splitApiVersion(o.apiVersion ?? 'v1');
  return `${o.metadata.namespace ?? ''}_${o.metadata.name.replace(/:/g, '__')}_${group}_${o.kind ?? ''}`;
}

function conds(o: KubeObject, list: Condition[], now: string, generation: number | undefined): Condition[] {
  const old = arr(o, 'status', 'conditions') as Condition[];
  return list.map((c) => {
    const prev = old.find((x) => x.type === c.type);
    return { ...c, observedGeneration: generation, lastTransitionTime: prev && prev.status === c.status ? (prev.lastTransitionTime ?? now) : now };
  });
}

function handled(o: KubeObject, status: Status): Status {
  const token = requestedAt(o);
  if (token !== undefined) status.lastHandledReconcileAt = token;
  return status;
}

export interface SourceInput {
  /** the artifact revision, e.g. main@sha1:…, or an error to report */
  revision?: string;
  /** `stalled`: an error retrying cannot mend (source-controller marks Stalled=True with it too) */
  error?: { reason: string; message: string; stalled?: boolean };
  /** a HelmChart's chart name: its Ready message names it */
  chart?: string;
  now: string;
}

/**
 * Ready=True reason and message as source-controller v1.9 words them per kind: a
 * GitRepository "stored artifact for revision '<rev>'", a HelmRepository (and Bucket)
 * "stored artifact: revision '<rev>'", a HelmChart ChartPullSucceeded "pulled '<chart>'
 * chart with version '<version>'" (internal/controller/*_controller.go; measured on the tier).
 */
function sourceReady(kind: string, rev: string, chart: string | undefined): { reason: string; message: string } {
  if (kind === 'HelmChart') return { reason: 'ChartPullSucceeded', message: `pulled '${chart ?? ''}' chart with version '${rev}'` };
  if (kind === 'HelmRepository' || kind === 'Bucket') return { reason: 'Succeeded', message: `stored artifact: revision '${rev}'` };
  return { reason: 'Succeeded', message: `stored artifact for revision '${rev}'` };
}

/** GitRepository / OCIRepository / HelmRepository / Bucket / HelmChart status. */
export function reconcileSource(src: KubeObject, input: SourceInput): Status {
  const gen = src.metadata.generation;
  const prev = rec(src, 'status') ?? {};
  const status: Status = { ...prev, observedGeneration: gen };
  if (input.error || !input.revision) {
    const e = input.error ?? { reason: 'ArtifactFailed', message: 'no artifact available' };
    status.conditions = conds(src, [
      ...(input.error?.stalled ? [{ type: 'Stalled', status: 'True', reason: e.reason, message: e.message }] : []),
      { type: 'Ready', status: 'False', reason: e.reason, message: e.message },
      { type: 'FetchFailed', status: 'True', reason: e.reason, message: e.message },
    ], input.now, gen);
    return handled(src, status);
  }
  const rev = input.revision;
  const digest = `sha256:${sha('sha256', rev)}`;
  const oldArtifact = rec(prev, 'artifact');
  const kind = (src.kind ?? '').toLowerCase();
  status.artifact = {
    digest,
    lastUpdateTime: str(oldArtifact, 'revision') === rev ? (str(oldArtifact, 'lastUpdateTime') ?? input.now) : input.now,
    path: `${kind}/${src.metadata.namespace}/${src.metadata.name}/${sha('sha1', rev).slice(0, 40)}.tar.gz`,
    revision: rev,
    size: 1024 + (parseInt(sha('sha1', rev).slice(0, 4), 16) % 60000),
    url: `http://source-controller.flux-system.svc.cluster.local./${kind}/${src.metadata.namespace}/${src.metadata.name}/${sha('sha1', rev).slice(0, 40)}.tar.gz`,
  };
  const { reason, message } = sourceReady(src.kind ?? '', rev, input.chart);
  status.conditions = conds(src, [
    { type: 'Ready', status: 'True', reason, message },
    { type: 'ArtifactInStorage', status: 'True', reason, message },
  ], input.now, gen);
  return handled(src, status);
}

export type BuildResult = { objects: KubeObject[] } | { error: string };

/** The temp dir kustomize-controller builds in (random per build there; one fixed name here). */
export const KUSTOMIZE_TMP = '/tmp/kustomization-3049301212';

/**
 * kustomize-controller's BuildFailed message when `<path>/kustomization.yaml` names a
 * resource file that does not exist (kustomize v5 via kustomize-controller v1.9; measured
 * against the real controller on the control-plane tier).
 */
export function missingResourceBuildError(path: string, file: string): string {
  const f = `${KUSTOMIZE_TMP}/${path}/${file}`;
  return `kustomize build failed: accumulating resources: accumulation err='accumulating resources from '${file}': open ${f}: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '${f}' : lstat ${f}: no such file or directory`;
}

/**
 * source-controller v1.9's HelmChart error when its Helm repository has no version of the
 * chart matching spec.version: reason InvalidChartReference, Stalled (measured on the tier).
 */
export function chartVersionMissing(chart: string, version: string): { reason: string; message: string; stalled: true } {
  return { reason: 'InvalidChartReference', message: `invalid chart reference: failed to get chart version for remote reference: no '${chart}' chart with version matching '${version}' found`, stalled: true };
}

/** Helm's error for a chart template that calls `fail` (the failure text of a ChartInput). */
export function helmTemplateFailure(chart: string, template: string, message: string): string {
  return `execution error at (${chart}/templates/${template}:1:3): ${message}`;
}

export interface KustomizationInput {
  source?: KubeObject;
  /** the kustomize build of spec.path at the source's revision */
  build?: BuildResult;
  /** the Kustomizations named in spec.dependsOn, as found (undefined: missing) */
  dependencies?: { name: string; namespace: string; object?: KubeObject }[];
  now: string;
}

export interface KustomizationResult {
  status: Status;
  /** the objects to apply, labelled as kustomize-controller labels them; empty when failed */
  apply: KubeObject[];
  ok: boolean;
}

/** kustomize-controller's labels on what a Kustomization applies. */
export function kustomizeLabels(ks: KubeObject): Record<string, string> {
  return { 'kustomize.toolkit.fluxcd.io/name': ks.metadata.name, 'kustomize.toolkit.fluxcd.io/namespace': ks.metadata.namespace ?? '' };
}

/** A Flux object's timeout as Go prints it: spec.timeout, else spec.interval (kustomize-controller GetTimeout), e.g. 1m0s. */
function fluxTimeout(o: KubeObject, fallback = '5m'): string {
  return formatGoDuration(parseGoDuration(str(o, 'spec', 'timeout')) ?? parseGoDuration(str(o, 'spec', 'interval')) ?? parseGoDuration(fallback) ?? 300_000);
}

/** The Healthy message's check time (the real one is the measured time, e.g. 565.730199ms). */
export const HEALTH_CHECK_TIME = '112.5ms';

/**
 * kustomize-controller v1.9's conditions (internal/controller/kustomization_controller.go,
 * measured on the tier): a failure in the fetch or build stage leaves Reconciling=True, its
 * reason turned ProgressingWithRetry by finalizeStatus, with that stage's progress message
 * ("Fetching manifests …" / "Building manifests for revision <rev> with a timeout of <t>")
 * beside Ready=False; a failure before the stages (source missing, dependency not ready)
 * sets Ready only; success drops Reconciling, and with spec.wait (or health checks) adds
 * Healthy=True "Health check passed in <t>". A Healthy condition from before stays on a failure.
 */
export function reconcileKustomization(ks: KubeObject, input: KustomizationInput): KustomizationResult {
  const gen = ks.metadata.generation;
  const prev = rec(ks, 'status') ?? {};
  const status: Status = { ...prev };
  if (status.observedGeneration === undefined) status.observedGeneration = -1;
  const healthy = (arr(prev, 'conditions') as Condition[]).filter((c) => c.type === 'Healthy');
  const fail = (reason: string, message: string, attempted?: string, stage?: 'Fetching' | 'Building'): KustomizationResult => {
    const retrying: Condition[] = stage && attempted
      ? [{ type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: `${stage} manifests for revision ${attempted} with a timeout of ${fluxTimeout(ks)}` }]
      : [];
    status.conditions = conds(ks, [...retrying, { type: 'Ready', status: 'False', reason, message }, ...healthy], input.now, gen);
    if (attempted) status.lastAttemptedRevision = attempted;
    return { status: handled(ks, status), apply: [], ok: false };
  };
  for (const d of input.dependencies ?? []) {
    const ready = arr(d.object, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready');
    if (str(ready, 'status') !== 'True') return fail('DependencyNotReady', `dependency '${d.namespace}/${d.name}' is not ready`);
  }
  const rev = str(input.source, 'status', 'artifact', 'revision');
  if (!input.source || !rev) return fail('ArtifactFailed', 'Source artifact not found, retrying in 30s');
  if (!input.build) return fail('ArtifactFailed', `kustomization path not found: stat /tmp/kustomization-${sha('sha1', ks.metadata.name).slice(0, 9)}/${(str(ks, 'spec', 'path') ?? '').replace(/^\.\//, '')}: no such file or directory`, rev, 'Fetching');
  if ('error' in input.build) return fail('BuildFailed', input.build.error, rev, 'Building');
  const labels = kustomizeLabels(ks);
  const targetNs = str(ks, 'spec', 'targetNamespace');
  const apply = input.build.objects.map((o) => {
    const c = structuredClone(o);
    c.metadata.labels = { ...c.metadata.labels, ...labels };
    if (targetNs && c.metadata.namespace !== undefined) c.metadata.namespace = targetNs;
    return c;
  });
  const entries = apply
    .map((o) => ({ id: inventoryId(o), v: splitApiVersion(o.apiVersion ?? 'v1').version }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  status.observedGeneration = gen;
  status.lastAppliedRevision = rev;
  status.lastAttemptedRevision = rev;
  status.inventory = { entries };
  const digest = `sha256:${sha('sha256', JSON.stringify(entries) + rev)}`;
  const hist = arr(prev, 'history');
  const top = rec(hist[0]);
  const same = str(top, 'digest') === digest;
  status.history = [
    {
      digest,
      firstReconciled: same ? (str(top, 'firstReconciled') ?? input.now) : input.now,
      lastReconciled: input.now,
      lastReconciledDuration: '1.2s',
      lastReconciledStatus: 'ReconciliationSucceeded',
      totalReconciliations: same ? (num(top, 'totalReconciliations') ?? 0) + 1 : 1,
      metadata: { revision: rev },
    },
    ...(same ? hist.slice(1) : hist),
  ].slice(0, 5);
  const checks = bool(ks, 'spec', 'wait') === true || arr(ks, 'spec', 'healthChecks').length > 0;
  status.conditions = conds(ks, [
    { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${rev}` },
    ...(checks ? [{ type: 'Healthy', status: 'True', reason: 'Succeeded', message: `Health check passed in ${HEALTH_CHECK_TIME}` }] : []),
  ], input.now, gen);
  return { status: handled(ks, status), apply, ok: true };
}

export interface ChartInput {
  name: string;
  version: string;
  appVersion: string;
  /** the upgrade/install of this chart version fails with this error (e.g. a timeout): Helm stores a failed release */
  failure?: string;
  /** the chart's templates fail to render with this error: Helm stores no release (helmTemplateFailure) */
  renderFailure?: string;
}

export interface HelmReleaseInput {
  chart?: ChartInput;
  /** the HelmChart helm-controller made for the release, as found (its Ready message is quoted when not ready) */
  helmChart?: KubeObject;
  /** the HelmReleases named in spec.dependsOn, as found (undefined: missing) */
  dependencies?: { name: string; namespace: string; object?: KubeObject }[];
  now: string;
}

export interface HelmReleaseResult {
  status: Status;
  /** a Helm release revision was written (install, upgrade or rollback) */
  released: boolean;
  /** the chart version now deployed (after any rollback) */
  deployedVersion?: string;
}

/** helm-controller's labels on what a HelmRelease installs. */
export function helmLabels(hr: KubeObject): Record<string, string> {
  return { 'helm.toolkit.fluxcd.io/name': hr.metadata.name, 'helm.toolkit.fluxcd.io/namespace': hr.metadata.namespace ?? '', 'app.kubernetes.io/managed-by': 'Helm' };
}

/**
 * helm-controller v1.6's config digest of a HelmRelease's values (fluxcd/pkg chartutil
 * DigestValues): sha256 of the values as YAML with sorted keys; no values → sha256 of nothing.
 * (The YAML here is the yaml package's; the same for the plain values the fixtures use.)
 */
export function valuesDigest(values: Record<string, unknown> | undefined): string {
  const empty = !values || Object.keys(values).length === 0;
  return `sha256:${sha('sha256', empty ? '' : stringify(values, { sortMapEntries: true, indentSeq: false }))}`;
}

/** helm-controller v1.6 marks every reconcile so before it checks dependencies and the chart. */
const PREREQUISITES: Condition = { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'Fulfilling prerequisites' };

/**
 * helm-controller v1.6's status after one reconcile (internal/controller/helmrelease_controller.go,
 * internal/reconcile/*.go, measured on the tier): a dependency not Ready, or a HelmChart not
 * Ready, leaves Reconciling=True Progressing "Fulfilling prerequisites" beside Ready=False
 * DependencyNotReady / SourceNotReady "HelmChart '<ns>/<name>' is not ready: <its message>".
 * observedGeneration moves only when a reconcile ends without an error to retry; it starts at -1. A chart whose templates fail to render stores no Helm release: `failures`
 * counts the attempts, install/upgradeFailures (which count stored failed releases) stay
 * unset, Reconciling=True Progressing "Running '<action>' action with timeout of <t>" stays
 * beside Ready=False, and the controller retries with back-off.
 */
export function reconcileHelmRelease(hr: KubeObject, input: HelmReleaseInput): HelmReleaseResult {
  const gen = hr.metadata.generation;
  const prev = rec(hr, 'status') ?? {};
  const status: Status = { ...prev, observedGeneration: num(prev, 'observedGeneration') ?? -1 };
  const ns = hr.metadata.namespace ?? 'default';
  const releaseName = str(hr, 'spec', 'releaseName') ?? hr.metadata.name;
  const ann = hr.metadata.annotations ?? {};
  const token = requestedAt(hr);
  const force = ann[FORCE_AT] !== undefined && ann[FORCE_AT] === token && ann[FORCE_AT] !== str(prev, 'lastHandledForceAt');
  const reset = ann[RESET_AT] !== undefined && ann[RESET_AT] === token && ann[RESET_AT] !== str(prev, 'lastHandledResetAt');
  if (force) status.lastHandledForceAt = ann[FORCE_AT];
  if (reset) {
    status.lastHandledResetAt = ann[RESET_AT];
    delete status.failures;
    delete status.installFailures;
    delete status.upgradeFailures;
  }
  const chart = input.chart;
  const srcNs = str(hr, 'spec', 'chart', 'spec', 'sourceRef', 'namespace') ?? ns;
  status.helmChart = `${srcNs}/${ns}-${hr.metadata.name}`;
  // waiting on a dependency or the chart: Ready=False beside the attempt's Reconciling, the
  // other conditions left as they were (helm-controller retries every 30 s; the sim at the interval)
  const waiting = (reason: string, message: string): HelmReleaseResult => {
    const kept = (arr(prev, 'conditions') as Condition[]).filter((c) => c.type !== 'Ready' && c.type !== 'Reconciling');
    status.conditions = [...conds(hr, [PREREQUISITES, { type: 'Ready', status: 'False', reason, message }], input.now, gen), ...kept];
    return { status: handled(hr, status), released: false };
  };
  for (const d of input.dependencies ?? []) {
    const ready = arr(d.object, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready');
    if (str(ready, 'status') !== 'True') return waiting('DependencyNotReady', `dependency '${d.namespace}/${d.name}' is not ready`);
  }
  if (!chart) {
    const chartReady = arr(input.helmChart, 'status', 'conditions').find((c) => str(c, 'type') === 'Ready');
    const why = str(chartReady, 'status') === 'False' ? (str(chartReady, 'message') ?? '') : 'latest generation of object has not been reconciled';
    return waiting('SourceNotReady', `HelmChart '${status.helmChart}' is not ready: ${why}`);
  }
  const values = JSON.stringify(rec(hr, 'spec', 'values') ?? {});
  const configDigest = valuesDigest(rec(hr, 'spec', 'values'));
  const history = arr(prev, 'history').map((h) => ({ ...(rec(h) ?? {}) }));
  const current = history[0];
  const deployedSame = current && current.status === 'deployed' && current.chartVersion === chart.version && current.configDigest === configDigest;
  const retries = num(hr, 'spec', 'upgrade', 'remediation', 'retries') ?? 0;
  const exhausted = chart.failure !== undefined && status.lastAttemptedRevision === chart.version && (num(status, 'upgradeFailures') ?? 0) > retries;
  const fullName = (v: number): string => `${ns}/${releaseName}.v${v}`;
  if ((deployedSame && !force) || (exhausted && !force)) {
    status.observedGeneration = gen;
    return { status: handled(hr, status), released: false, deployedVersion: current ? String(current.chartVersion) : undefined };
  }
  const deployed = history.find((h) => h.status === 'deployed');
  const action = current ? 'upgrade' : 'install';
  const nextVersion = (Number(current?.version) || 0) + 1;
  const entry = (version: number, st: string, c: { version: string; appVersion: string }): Record<string, unknown> => ({
    name: releaseName,
    namespace: ns,
    version,
    status: st,
    chartName: chart.name,
    chartVersion: c.version,
    appVersion: c.appVersion,
    configDigest,
    digest: `sha256:${sha('sha256', `${releaseName}${version}${c.version}${values}`)}`,
    firstDeployed: str(history.at(-1), 'firstDeployed') ?? input.now,
    lastDeployed: input.now,
  });
  status.lastAttemptedRevision = chart.version;
  status.lastAttemptedConfigDigest = configDigest;
  status.lastAttemptedGeneration = gen;
  status.lastAttemptedReleaseAction = action;
  status.storageNamespace = ns;
  const verb = action === 'install' ? 'Helm install' : 'Helm upgrade';
  if (chart.renderFailure) {
    const reason = action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
    const message = `${verb} failed for release ${ns}/${releaseName} with chart ${chart.name}@${chart.version}: ${chart.renderFailure}`;
    const timeout = formatGoDuration(parseGoDuration(str(hr, 'spec', action, 'timeout')) ?? parseGoDuration(str(hr, 'spec', 'timeout')) ?? 300_000);
    status.failures = (num(status, 'failures') ?? 0) + 1;
    status.conditions = conds(hr, [
      { type: 'Reconciling', status: 'True', reason: 'Progressing', message: `Running '${action}' action with timeout of ${timeout}` },
      { type: 'Ready', status: 'False', reason, message },
      { type: 'Released', status: 'False', reason, message },
    ], input.now, gen);
    return { status: handled(hr, status), released: false, deployedVersion: deployed ? String(deployed.chartVersion) : undefined };
  }
  if (!chart.failure) {
    for (const h of history) if (h.status === 'deployed') h.status = 'superseded';
    status.history = [entry(nextVersion, 'deployed', chart), ...history].slice(0, 5);
    const message = `${verb} succeeded for release ${fullName(nextVersion)} with chart ${chart.name}@${chart.version}`;
    const reason = action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
    delete status.failures;
    delete status.upgradeFailures;
    delete status.installFailures;
    status.observedGeneration = gen;
    status.conditions = conds(hr, [
      { type: 'Ready', status: 'True', reason, message },
      { type: 'Released', status: 'True', reason, message },
    ], input.now, gen);
    return { status: handled(hr, status), released: true, deployedVersion: chart.version };
  }
  // a failed upgrade, remediated by rolling back to the last deployed release
  const failMsg = `${verb} failed for release ${ns}/${releaseName} with chart ${chart.name}@${chart.version}: ${chart.failure}`;
  status.failures = (num(status, 'failures') ?? 0) + 1;
  const failed = entry(nextVersion, 'failed', chart);
  const last = history.find((h) => h.status === 'deployed');
  if (action === 'install' || !last) {
    status.installFailures = (num(status, 'installFailures') ?? 0) + 1;
    status.history = [failed, ...history].slice(0, 5);
    status.conditions = conds(hr, [
      { type: 'Ready', status: 'False', reason: 'InstallFailed', message: failMsg },
      { type: 'Released', status: 'False', reason: 'InstallFailed', message: failMsg },
    ], input.now, gen);
    return { status: handled(hr, status), released: true };
  }
  status.upgradeFailures = (num(status, 'upgradeFailures') ?? 0) + 1;
  last.status = 'superseded';
  const back = { version: String(last.chartVersion), appVersion: String(last.appVersion) };
  const rollback = { ...entry(nextVersion + 1, 'deployed', back), configDigest: last.configDigest };
  status.history = [rollback, failed, ...history].slice(0, 5);
  const rbMsg = `Helm rollback to previous release ${fullName(Number(last.version))} with chart ${chart.name}@${back.version} succeeded`;
  const list: Condition[] = [
    { type: 'Ready', status: 'False', reason: 'RollbackSucceeded', message: rbMsg },
    { type: 'Released', status: 'False', reason: 'UpgradeFailed', message: failMsg },
    { type: 'Remediated', status: 'True', reason: 'RollbackSucceeded', message: rbMsg },
  ];
  if ((num(status, 'upgradeFailures') ?? 0) > retries) {
    list.push({ type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: `Failed to upgrade after ${status.upgradeFailures} attempt(s)` });
  }
  status.conditions = conds(hr, list, input.now, gen);
  return { status: handled(hr, status), released: true, deployedVersion: back.version };
}
