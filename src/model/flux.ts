// Flux objects read as `flux get` and `flux reconcile` read them (REFERENCE-flux.md): Ready
// and message, suspension, applied vs attempted revision (shortened), last reconcile against
// the interval, source and dependencies; inventory ids as cli-utils parses them; HelmRelease
// naming; which sources `--with-source` reconciles first; which Flux object applied an object.
import { createHash } from 'node:crypto';
import { arr, bool, condition, isRecord, str, strMap } from './access.js';
import { oneLine, parseGoDuration, parseTime } from './format.js';
import type { KubeObject } from './types.js';
import { splitApiVersion } from './types.js';

export const FLUX_GROUP_SUFFIX = '.toolkit.fluxcd.io';

export function isFluxGroup(group: string): boolean {
  return typeof group === 'string' && group.endsWith(FLUX_GROUP_SUFFIX);
}

/**
 * The namespace the flux CLI reads a Flux object in when -n is not given: $FLUX_SYSTEM_NAMESPACE,
 * else flux-system, whatever the kubeconfig context's namespace (flux2's cmd/flux defaults;
 * checked with flux 2.9.5 on the real plane: `flux get ks` with the context's namespace set to
 * `apps` lists flux-system's, and FLUX_SYSTEM_NAMESPACE=apps lists apps'). `env`: the process
 * environment.
 */
export function fluxDefaultNamespace(env: Readonly<Record<string, string | undefined>>): string {
  return env.FLUX_SYSTEM_NAMESPACE || 'flux-system';
}

/** Alert and Provider have no status: `flux reconcile` does nothing for them. */
export function isStaticFluxKind(kind: string): boolean {
  return kind === 'Alert' || kind === 'Provider';
}

export function isFluxObject(o: unknown): boolean {
  const apiVersion = str(o, 'apiVersion');
  return apiVersion !== undefined && isFluxGroup(splitApiVersion(apiVersion).group);
}

export interface FluxRef {
  kind: string;
  name: string;
  namespace: string;
}

// ---------------------------------------------------------------------------------------
// Revisions

const LONG_HEX = /[a-f0-9]{40,128}/g;
const LEGACY = /^(.+)\/([a-f0-9]{40})$/;

/**
 * A revision as `flux get` prints it: RFC-0005 `[<pointer>@]<algo>:<checksum>` split on the
 * last '@', hex runs of 40–128 characters cut to 8. HelmChart revisions are SemVer and
 * never shortened. Legacy `main/<sha1>` is first read as `main@sha1:<sha1>`, as
 * source-controller's TransformLegacyRevision does.
 */
export function shortenRevision(revision: string | undefined, kind?: string): string {
  if (typeof revision !== 'string' || revision === '') return '';
  if (kind === 'HelmChart') return revision;
  const legacy = LEGACY.exec(revision);
  const rev = legacy ? `${legacy[1]}@sha1:${legacy[2]}` : revision;
  const at = rev.lastIndexOf('@');
  const pointer = at < 0 ? '' : rev.slice(0, at + 1);
  const digest = at < 0 ? rev : rev.slice(at + 1);
  return pointer + digest.replace(LONG_HEX, (hex) => hex.slice(0, 8));
}

// ---------------------------------------------------------------------------------------
// Summary

/** `stale` allows the interval twice plus this, for controller jitter and queueing. */
export const STALE_SLACK_MS = 60_000;

export interface FluxSummary {
  kind: string;
  namespace: string;
  name: string;
  /** the Ready condition's status; no Ready condition reads False, as `flux get` shows it */
  ready: 'True' | 'False' | 'Unknown';
  readyReason?: string;
  /** the Ready message, or "waiting to be reconciled" */
  message: string;
  suspended: boolean;
  /** what is applied / served now (Kustomization lastAppliedRevision, HelmRelease history[0].chartVersion, a source's artifact) */
  appliedRevision?: string;
  /** what the controller tried last (lastAttemptedRevision) */
  attemptedRevision?: string;
  /** the REVISION column of `flux get`, shortened */
  revision: string;
  /** true when the last attempt is not what is applied (a failing new revision) */
  revisionPending: boolean;
  /** ISO time of the newest reconcile the status proves, and what proves it (see lastReconcile) */
  lastReconcileAt?: string;
  lastReconcileFrom?: 'history' | 'request' | 'condition' | 'reconciling' | 'artifact';
  /**
   * true: lastReconcileAt is the last reconcile (a Ready Kustomization's history[0].lastReconciled,
   * which every reconcile that ends Ready writes). false: only a reconcile at that time is
   * proven; later ones may have left no trace, so the last one is at that time or later.
   */
  lastReconcileExact: boolean;
  intervalMs?: number;
  /**
   * Past 2×interval + STALE_SLACK_MS since the last reconcile. Only claimed when that time is
   * exact (lastReconcileExact): an object whose controller retries it, or a steady HelmRelease
   * or source, may have been reconciled a moment ago without any field saying so.
   */
  stale: boolean;
  sourceRef?: FluxRef;
  dependsOn: FluxRef[];
  /** status.lastHandledReconcileAt: the last requestedAt token the controller acted on */
  lastHandledReconcileAt?: string;
  /** the reconcile.fluxcd.io/requestedAt annotation */
  requestedAt?: string;
  /** a reconcile was requested and the controller has not handled it yet */
  reconcilePending: boolean;
}

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';

function revisions(o: unknown, kind: string): { applied?: string; attempted?: string; column?: string } {
  const attempted = str(o, 'status', 'lastAttemptedRevision');
  switch (kind) {
    case 'Kustomization': {
      const applied = str(o, 'status', 'lastAppliedRevision');
      return { applied, attempted, column: applied };
    }
    case 'HelmRelease': {
      // v2 has no lastAppliedRevision; the newest history entry holds the deployed chart
      const latest = arr(o, 'status', 'history')[0];
      const deployed = str(latest, 'status') === 'deployed' ? str(latest, 'chartVersion') : undefined;
      const applied = deployed ?? str(o, 'status', 'lastAppliedRevision');
      return { applied, attempted, column: str(latest, 'chartVersion') ?? attempted };
    }
    case 'ImagePolicy': {
      const image = str(o, 'status', 'latestImage') ?? [str(o, 'status', 'latestRef', 'name'), str(o, 'status', 'latestRef', 'tag')].filter(Boolean).join(':');
      return { applied: image || undefined, column: image || undefined };
    }
    default: {
      const artifact = str(o, 'status', 'artifact', 'revision');
      return { applied: artifact, attempted, column: artifact };
    }
  }
}

function refOf(v: unknown, defaultNs: string, defaultKind?: string): FluxRef | undefined {
  const name = str(v, 'name');
  const kind = str(v, 'kind') ?? defaultKind;
  if (!name || !kind) return undefined;
  return { kind, name, namespace: str(v, 'namespace') || defaultNs };
}

/** Kustomization spec.sourceRef; HelmRelease spec.chartRef or spec.chart.spec.sourceRef; HelmChart spec.sourceRef. */
export function sourceRefOf(o: unknown, kind: string): FluxRef | undefined {
  const ns = str(o, 'metadata', 'namespace') ?? '';
  if (kind === 'HelmRelease') return refOf(at(o, 'spec', 'chartRef'), ns) ?? refOf(at(o, 'spec', 'chart', 'spec', 'sourceRef'), ns);
  return refOf(at(o, 'spec', 'sourceRef'), ns);
}

function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

/**
 * When the controller last reconciled the object, as far as its status tells. Measured on the
 * real controllers (source/kustomize-controller v1.9.5, helm-controller v1.6.4): a reconcile
 * that ends Ready=True writes a Kustomization's history[0].lastReconciled every time
 * (fluxcd/pkg apis/meta History.Upsert), so that is exact. Nothing else is: a retry waiting on
 * a dependency or a source (DependencyNotReady, SourceNotReady, "Source artifact not found,
 * retrying in 30s") writes nothing at all, and a steady HelmRelease's or source's interval run
 * leaves no trace; a failed build, Helm action or fetch moves the Ready and Reconciling conditions'
 * lastTransitionTime, and a handled request leaves its token (lastHandledReconcileAt, the
 * requester's clock). Those only prove a reconcile at that time: the newest of them is given,
 * not exact.
 */
function lastReconcile(o: unknown, kind: string): { at?: number; iso?: string; from?: FluxSummary['lastReconcileFrom']; exact: boolean } {
  const history = str(arr(o, 'status', 'history')[0], 'lastReconciled');
  const historyAt = parseTime(history);
  if (kind === 'Kustomization' && condition(o, 'Ready')?.status === 'True' && historyAt !== undefined) {
    return { at: historyAt, iso: history, from: 'history', exact: true };
  }
  const reconciling = condition(o, 'Reconciling');
  const candidates: { iso: string | undefined; from: NonNullable<FluxSummary['lastReconcileFrom']> }[] = [
    { iso: history, from: 'history' },
    { iso: str(o, 'status', 'lastHandledReconcileAt'), from: 'request' },
    { iso: condition(o, 'Ready')?.lastTransitionTime, from: 'condition' },
    { iso: reconciling?.status === 'True' ? reconciling.lastTransitionTime : undefined, from: 'reconciling' },
    { iso: kind === 'HelmRelease' ? undefined : str(o, 'status', 'artifact', 'lastUpdateTime'), from: 'artifact' },
  ];
  let best: { at?: number; iso?: string; from?: FluxSummary['lastReconcileFrom']; exact: boolean } = { exact: false };
  for (const c of candidates) {
    const t = parseTime(c.iso);
    if (t !== undefined && (best.at === undefined || t > best.at)) best = { at: t, iso: c.iso, from: c.from, exact: false };
  }
  return best;
}

/** The Flux view's row for any Flux object. `kind` is needed for list items, which carry none. */
export function fluxSummary(o: KubeObject, kind?: string, now: number = Date.now()): FluxSummary {
  const k = kind ?? str(o, 'kind') ?? '';
  const ns = str(o, 'metadata', 'namespace') ?? '';
  const ready = condition(o, 'Ready');
  const readyStatus = ready?.status === 'True' || ready?.status === 'False' ? ready.status : ready ? 'Unknown' : 'False';
  const revs = revisions(o, k);
  const last = lastReconcile(o, k);
  const intervalMs = parseGoDuration(str(o, 'spec', 'interval'));
  const suspended = bool(o, 'spec', 'suspend') === true;
  const stale =
    !suspended && last.exact && last.at !== undefined && intervalMs !== undefined && intervalMs > 0 && now - last.at > 2 * intervalMs + STALE_SLACK_MS;
  const requestedAt = strMap(o, 'metadata', 'annotations')[REQUESTED_AT];
  const handled = str(o, 'status', 'lastHandledReconcileAt');
  const dependsOn = arr(o, 'spec', 'dependsOn')
    .map((d) => refOf(d, ns, k))
    .filter((d): d is FluxRef => d !== undefined);
  const summary: FluxSummary = {
    kind: k,
    namespace: ns,
    name: str(o, 'metadata', 'name') ?? '',
    ready: readyStatus,
    message: ready ? oneLine(typeof ready.message === 'string' ? ready.message : '') : 'waiting to be reconciled',
    suspended,
    revision: shortenRevision(revs.column, k),
    revisionPending: revs.attempted !== undefined && revs.attempted !== revs.applied,
    lastReconcileExact: last.exact,
    stale,
    dependsOn,
    reconcilePending: requestedAt !== undefined && requestedAt !== handled,
  };
  if (typeof ready?.reason === 'string' && ready.reason) summary.readyReason = ready.reason;
  if (revs.applied) summary.appliedRevision = revs.applied;
  if (revs.attempted) summary.attemptedRevision = revs.attempted;
  if (last.iso) {
    summary.lastReconcileAt = last.iso;
    summary.lastReconcileFrom = last.from;
  }
  if (intervalMs !== undefined) summary.intervalMs = intervalMs;
  const src = sourceRefOf(o, k);
  if (src) summary.sourceRef = src;
  if (handled) summary.lastHandledReconcileAt = handled;
  if (requestedAt) summary.requestedAt = requestedAt;
  return summary;
}

/** Reconcile is done when the controller handled our token (REFERENCE-flux.md). */
export function reconcileHandled(o: unknown, token: string): boolean {
  return str(o, 'status', 'lastHandledReconcileAt') === token;
}

// ---------------------------------------------------------------------------------------
// Inventory

export interface InventoryRef {
  namespace: string;
  name: string;
  group: string;
  kind: string;
}

/**
 * cli-utils' ParseObjMetadata: `<namespace>_<name>_<group>_<kind>`; namespace up to the
 * first '_', kind after the last, group between the last two of the rest, the remainder is
 * the name with `__` standing for ':'. Undefined for a malformed id.
 */
export function parseInventoryId(id: string): InventoryRef | undefined {
  if (typeof id !== 'string') return undefined;
  const first = id.indexOf('_');
  if (first < 0) return undefined;
  const namespace = id.slice(0, first);
  let rest = id.slice(first + 1);
  const last = rest.lastIndexOf('_');
  if (last < 0) return undefined;
  const kind = rest.slice(last + 1);
  rest = rest.slice(0, last);
  const groupAt = rest.lastIndexOf('_');
  if (groupAt < 0) return undefined;
  const group = rest.slice(groupAt + 1);
  const name = rest.slice(0, groupAt).replaceAll('__', ':');
  if (name.includes('_') || name === '' || kind === '') return undefined;
  return { namespace, name, group, kind };
}

/** The inverse of parseInventoryId. */
export function inventoryId(ref: InventoryRef): string {
  return `${ref.namespace}_${ref.name.replaceAll(':', '__')}_${ref.group}_${ref.kind}`;
}

/** status.inventory.entries of a Kustomization (and a HelmRelease since Flux 2.8), in order. */
export function inventory(o: unknown): (InventoryRef & { version: string })[] {
  const out: (InventoryRef & { version: string })[] = [];
  for (const e of arr(o, 'status', 'inventory', 'entries')) {
    const ref = parseInventoryId(str(e, 'id') ?? '');
    if (ref) out.push({ ...ref, version: str(e, 'v') ?? '' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// HelmRelease naming and --with-source

const HELM_NAME_MAX = 53;

/**
 * spec.releaseName, else `<targetNamespace>-<name>` with a targetNamespace, else the name.
 * Helm caps release names at 53 characters; helm-controller then keeps the first 40 and
 * appends '-' and 12 hex characters of the name's SHA-256 (its release.ShortenName).
 */
export function helmReleaseName(hr: unknown): string {
  const name = str(hr, 'metadata', 'name') ?? '';
  const target = str(hr, 'spec', 'targetNamespace');
  const full = str(hr, 'spec', 'releaseName') || (target ? `${target}-${name}` : name);
  if (full.length <= HELM_NAME_MAX) return full;
  return `${full.slice(0, 40)}-${createHash('sha256').update(full).digest('hex').slice(0, 12)}`;
}

/** The HelmChart generated from spec.chart: `<hrNamespace>-<hrName>` in the source's namespace (status.helmChart when set). */
export function helmChartRef(hr: unknown): FluxRef | undefined {
  const ns = str(hr, 'metadata', 'namespace') ?? '';
  const name = str(hr, 'metadata', 'name') ?? '';
  const fromStatus = str(hr, 'status', 'helmChart');
  if (fromStatus && fromStatus.includes('/')) {
    const i = fromStatus.indexOf('/');
    return { kind: 'HelmChart', namespace: fromStatus.slice(0, i), name: fromStatus.slice(i + 1) };
  }
  const chartRef = refOf(at(hr, 'spec', 'chartRef'), ns);
  if (chartRef?.kind === 'HelmChart') return chartRef;
  if (!isRecord(at(hr, 'spec', 'chart'))) return undefined;
  const sourceNs = str(hr, 'spec', 'chart', 'spec', 'sourceRef', 'namespace') || ns;
  return { kind: 'HelmChart', namespace: sourceNs, name: `${ns}-${name}` };
}

/**
 * What `reconcile --with-source` reconciles before the object, in order (innermost source
 * first): Kustomization → its sourceRef; HelmRelease with chartRef → the OCIRepository, or the
 * HelmChart (whose own source needs the HelmChart object: pass it as `helmChart`); with
 * spec.chart → the chart's HelmRepository/GitRepository/Bucket, then the HelmChart; HelmChart
 * → its sourceRef. Other kinds: nothing.
 */
export function reconcileSourcesFirst(o: unknown, kind: string, helmChart?: unknown): FluxRef[] {
  const ns = str(o, 'metadata', 'namespace') ?? '';
  if (kind === 'Kustomization' || kind === 'HelmChart') {
    const src = sourceRefOf(o, kind);
    return src ? [src] : [];
  }
  if (kind !== 'HelmRelease') return [];
  const chartRef = refOf(at(o, 'spec', 'chartRef'), ns);
  if (chartRef && chartRef.kind !== 'HelmChart') return [chartRef];
  const chart = helmChartRef(o);
  if (!chart) return [];
  const chartSource = chartRef
    ? helmChart === undefined
      ? undefined
      : sourceRefOf(helmChart, 'HelmChart')
    : refOf(at(o, 'spec', 'chart', 'spec', 'sourceRef'), ns);
  return chartSource ? [chartSource, chart] : [chart];
}

// ---------------------------------------------------------------------------------------
// Ownership by labels (Flux sets no ownerReferences)

const OWNER_LABELS: { kind: string; name: string; namespace: string }[] = [
  // a Helm-rendered object is closer to its HelmRelease than to the Kustomization that applied the HelmRelease
  { kind: 'HelmRelease', name: 'helm.toolkit.fluxcd.io/name', namespace: 'helm.toolkit.fluxcd.io/namespace' },
  { kind: 'Kustomization', name: 'kustomize.toolkit.fluxcd.io/name', namespace: 'kustomize.toolkit.fluxcd.io/namespace' },
];

/** The Kustomization or HelmRelease that applied an object, from its labels, or undefined. */
export function fluxOwner(o: unknown): FluxRef | undefined {
  const labels = strMap(o, 'metadata', 'labels');
  for (const l of OWNER_LABELS) {
    const name = labels[l.name];
    const namespace = labels[l.namespace];
    if (name && namespace) return { kind: l.kind, name, namespace };
  }
  return undefined;
}

/** Group of a Flux kind, for building API paths from FluxRefs. */
export const FLUX_KIND_GROUPS: Record<string, string> = {
  GitRepository: 'source.toolkit.fluxcd.io',
  OCIRepository: 'source.toolkit.fluxcd.io',
  HelmRepository: 'source.toolkit.fluxcd.io',
  HelmChart: 'source.toolkit.fluxcd.io',
  Bucket: 'source.toolkit.fluxcd.io',
  ExternalArtifact: 'source.toolkit.fluxcd.io',
  Kustomization: 'kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helm.toolkit.fluxcd.io',
  Alert: 'notification.toolkit.fluxcd.io',
  Provider: 'notification.toolkit.fluxcd.io',
  Receiver: 'notification.toolkit.fluxcd.io',
  ImageRepository: 'image.toolkit.fluxcd.io',
  ImagePolicy: 'image.toolkit.fluxcd.io',
  ImageUpdateAutomation: 'image.toolkit.fluxcd.io',
};
