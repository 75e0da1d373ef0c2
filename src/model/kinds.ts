// The kind registry: everything fleetdeck knows about a kind, in one entry — its table
// columns, its health rule, where its rollout history lives, which commands apply to it
// (capabilities), how its pods are found, and whether the Fleet/Problems views and
// `fleetdeck status` watch it. Every consumer reads this table:
//   columns.ts columnsFor, health.ts health(), fleet/report.ts fleetKinds (what the Fleet and
//   Problems views and `status` watch), tree.ts kindsForTree (kinds trees leave out), the action
//   catalog and the command table (capabilities), the history view and rollback (history).
// A kind without an entry gets the generic one: printer columns (CRDs) or name/health/age,
// the generic kstatus pipeline, and `scale` when discovery serves its /scale subresource.
// Pure data and pure functions; no I/O.
//
// Adding a kind: one entry here (see README "How to add a kind" for Argo Rollouts).
import {
  argoRolloutColumns, cronJobColumns, crdColumns, configMapColumns, daemonSetColumns, deploymentColumns, eventColumns, fluxColumns, jobColumns,
  componentStatusColumns, namespaceColumns, nodeColumns, podColumns, pvcColumns, replicaSetColumns, secretColumns, serviceColumns, statefulSetColumns,
  type Column,
} from './columns.js';
import { FLUX_KIND_GROUPS, isFluxGroup } from './flux.js';
import {
  alwaysCurrent, argoApplicationRule, argoRolloutRule, certificateIssuer, certificateRule, helmReleaseCause, cnpgClusterRule, crdRule, cronJobRule, daemonSetRule, deploymentRule,
  componentStatusRule, jobRule, kafkaRule, namespaceRule, nodeRule, podRule, prometheusRule, pvcRule, replicaSetRule, serviceRule, statefulSetRule,
  type RelatedRef, type Rule,
} from './health/rules.js';
import { resourceKey, type KubeObject, type ResourceType } from './types.js';

/**
 * What a command may do to a kind. `scale` (PATCH …/scale), `restart` (pod template
 * annotation), `rollback` (needs `history`), `history` (a rollout history to show: the
 * workloads' revisions, a HelmRelease's status.history), `suspend`/`reconcile` (Flux
 * spec.suspend and reconcile.fluxcd.io/requestedAt), `helm` (HelmRelease force/reset), `logs`
 * (has pods), `exec` and `port-forward` (is a pod: pods/exec, pods/portforward), `attach` (its
 * pod selector picks the pod an exec or a port-forward lands on, as kubectl exec deploy/x does:
 * src/model/attach.ts; the palette's `:shell` and `:port-forward` take it, their keys do not).
 */
export type Capability = 'scale' | 'restart' | 'rollback' | 'history' | 'suspend' | 'reconcile' | 'helm' | 'logs' | 'exec' | 'port-forward' | 'attach';

/** Where a workload's rollout history lives: the kind holding one object per revision. */
export interface HistorySource {
  /** resourceKey of the revision objects: 'replicasets.apps', 'controllerrevisions.apps' */
  resource: string;
  kind: string;
  /** the workload's pods carry the revision hash (controller-revision-hash): the history view shows them per revision */
  pods: boolean;
}

export interface KindEntry {
  group: string;
  kind: string;
  /** the plural, where callers find the kind by resourceKey (built-in workloads) */
  resource?: string;
  /**
   * kubectl's short name (the API's or the CRD's first shortNames entry): what a narrow table's
   * KIND column shows when the kind does not fit (`hr`, not `Hel…`); absent: the kind has none
   */
  short?: string;
  /** table columns, most important first; absent: printer columns (CRDs) or the generic set. A thunk: columns.ts reads this registry. */
  columns?: () => Column[];
  /** the kind's own health rule, run after the generic checks (health.ts); absent: kstatus's generic rules */
  health?: Rule;
  history?: HistorySource;
  can?: readonly Capability[];
  /** how its pods are found for logs and for sharpening its verdict: it is one, by its selector, or by its Flux inventory */
  pods?: 'self' | 'selector' | 'inventory';
  /** its verdict reads its pods ("3 pods CrashLoopBackOff"): the problem list hands them to health() */
  podsInVerdict?: boolean;
  /** watched while the Fleet and Problems views or `status` run (where discovery serves it) */
  fleet?: boolean;
  /** false: never drawn in ownership trees, so not watched for them (Events: many, never owners or owned) */
  tree?: false;
  /**
   * its CPU/MEM columns from metrics.k8s.io (src/model/metrics.ts): `pod` (its own sample and
   * its request/limit shares), `node` (its sample and allocatable shares), `selector` (the sum
   * over the pods its selector matches); absent: no metrics columns
   */
  metrics?: MetricsSource;
  /**
   * Objects that sharpen its verdict beyond its pods (health's HealthContext.related), watched
   * with it by the Fleet/Problems views and `status`: `owned` kinds found by ownerReference
   * (a Certificate's CertificateRequests), `named` kinds found by `refs` (its issuer).
   */
  related?: { owned?: readonly KindMatch[]; named?: readonly KindMatch[]; refs?: (o: KubeObject) => RelatedRef[] };
  /** a Failed verdict's deeper cause from the object's own status, put before the verdict's reason (HelmRelease: the Helm action's error) */
  cause?: (o: KubeObject, shown: string) => string | undefined;
}

/** A kind by group ('' for core) and name. */
export interface KindMatch {
  group: string;
  kind: string;
}

export type MetricsSource = 'pod' | 'node' | 'selector';

const APPS_HISTORY: HistorySource = { resource: 'replicasets.apps', kind: 'ReplicaSet', pods: false };
const REVISIONS: HistorySource = { resource: 'controllerrevisions.apps', kind: 'ControllerRevision', pods: true };

// ---------------------------------------------------------------------------------------
// Built-in kinds ('' is the core group)

const CORE: KindEntry[] = [
  { group: '', kind: 'Pod', resource: 'pods', short: 'po', columns: () => podColumns, health: podRule, can: ['logs', 'exec', 'port-forward'], pods: 'self', fleet: true, metrics: 'pod' },
  { group: '', kind: 'Service', short: 'svc', columns: () => serviceColumns, health: serviceRule },
  { group: '', kind: 'ConfigMap', short: 'cm', columns: () => configMapColumns, health: alwaysCurrent },
  { group: '', kind: 'Secret', columns: () => secretColumns, health: alwaysCurrent },
  { group: '', kind: 'ComponentStatus', short: 'cs', columns: () => componentStatusColumns, health: componentStatusRule },
  { group: '', kind: 'Namespace', short: 'ns', columns: () => namespaceColumns, health: namespaceRule, fleet: true },
  { group: '', kind: 'Node', short: 'no', columns: () => nodeColumns, health: nodeRule, fleet: true, metrics: 'node' },
  { group: '', kind: 'PersistentVolumeClaim', short: 'pvc', columns: () => pvcColumns, health: pvcRule, fleet: true },
  { group: '', kind: 'Event', short: 'ev', columns: () => eventColumns, tree: false },
  { group: 'events.k8s.io', kind: 'Event', short: 'ev', columns: () => eventColumns, tree: false },
  { group: 'discovery.k8s.io', kind: 'EndpointSlice' },
  { group: 'policy', kind: 'PodDisruptionBudget', short: 'pdb', health: alwaysCurrent },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', short: 'crd', columns: () => crdColumns, health: crdRule },
];

const WORKLOADS: KindEntry[] = [
  {
    group: 'apps', kind: 'Deployment', resource: 'deployments', short: 'deploy', columns: () => deploymentColumns, health: deploymentRule, history: APPS_HISTORY,
    can: ['scale', 'restart', 'rollback', 'history', 'logs', 'attach'], pods: 'selector', podsInVerdict: true, fleet: true, metrics: 'selector',
  },
  {
    group: 'apps', kind: 'StatefulSet', resource: 'statefulsets', short: 'sts', columns: () => statefulSetColumns, health: statefulSetRule, history: REVISIONS,
    can: ['scale', 'restart', 'rollback', 'history', 'logs', 'attach'], pods: 'selector', podsInVerdict: true, fleet: true, metrics: 'selector',
  },
  {
    group: 'apps', kind: 'DaemonSet', resource: 'daemonsets', short: 'ds', columns: () => daemonSetColumns, health: daemonSetRule, history: REVISIONS,
    can: ['restart', 'rollback', 'history', 'logs', 'attach'], pods: 'selector', podsInVerdict: true, fleet: true, metrics: 'selector',
  },
  {
    group: 'apps', kind: 'ReplicaSet', resource: 'replicasets', short: 'rs', columns: () => replicaSetColumns, health: replicaSetRule,
    can: ['scale', 'logs', 'attach'], pods: 'selector', podsInVerdict: true, fleet: true, metrics: 'selector',
  },
  { group: 'apps', kind: 'ControllerRevision', resource: 'controllerrevisions' },
  { group: 'batch', kind: 'Job', resource: 'jobs', columns: () => jobColumns, health: jobRule, can: ['logs', 'attach'], pods: 'selector', podsInVerdict: true, fleet: true, metrics: 'selector' },
  { group: 'batch', kind: 'CronJob', resource: 'cronjobs', short: 'cj', columns: () => cronJobColumns, health: cronJobRule, can: ['logs'], pods: 'selector', fleet: true },
];

// ---------------------------------------------------------------------------------------
// Operators: health rules from each project's own status contract (see health/rules.ts)

const OPERATORS: KindEntry[] = [
  {
    group: 'cert-manager.io', kind: 'Certificate', health: certificateRule, fleet: true,
    related: {
      owned: [{ group: 'cert-manager.io', kind: 'CertificateRequest' }],
      named: [{ group: 'cert-manager.io', kind: 'Issuer' }, { group: 'cert-manager.io', kind: 'ClusterIssuer' }],
      refs: (o) => {
        const r = certificateIssuer(o);
        return r ? [r] : [];
      },
    },
  },
  { group: 'postgresql.cnpg.io', kind: 'Cluster', health: cnpgClusterRule, fleet: true },
  { group: 'monitoring.coreos.com', kind: 'Prometheus', health: prometheusRule, fleet: true },
  { group: 'kafka.strimzi.io', kind: 'Kafka', health: kafkaRule, fleet: true },
  { group: 'argoproj.io', kind: 'Application', health: argoApplicationRule, fleet: true },
  // the README's "How to add a kind" example, for real: scale comes from discovery (/scale)
  { group: 'argoproj.io', kind: 'Rollout', columns: () => argoRolloutColumns, health: argoRolloutRule, can: ['logs'], pods: 'selector', podsInVerdict: true, fleet: true, metrics: 'selector' },
];

// ---------------------------------------------------------------------------------------
// Flux: health is the Flux pipeline in health.ts (suspend, Stalled, Reconciling, Ready);
// columns are the Flux set; what each kind accepts follows the flux CLI.

const RECONCILED = new Set(['Kustomization', 'HelmRelease', 'GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket', 'Receiver', 'ImageRepository', 'ImageUpdateAutomation']);
// Alert and Provider have spec.suspend but no status: they can be suspended, never followed.
const SUSPENDABLE = new Set([...RECONCILED, 'Alert', 'Provider']);
// the CRDs' shortNames (their first; Bucket, Alert, Provider and Receiver declare none)
const FLUX_SHORT: Record<string, string> = {
  Kustomization: 'ks', HelmRelease: 'hr', GitRepository: 'gitrepo', OCIRepository: 'ocirepo', HelmRepository: 'helmrepo', HelmChart: 'hc',
  ExternalArtifact: 'ea', ImageRepository: 'imgrepo', ImagePolicy: 'imgpol', ImageUpdateAutomation: 'iua',
};

function fluxEntry(kind: string, group: string): KindEntry {
  const can: Capability[] = [];
  if (SUSPENDABLE.has(kind)) can.push('suspend');
  if (RECONCILED.has(kind)) can.push('reconcile');
  if (kind === 'HelmRelease') can.push('helm', 'history');
  if (kind === 'Kustomization' || kind === 'HelmRelease') can.push('logs');
  return {
    group, kind, columns: () => fluxColumns(kind), can, fleet: true,
    ...(FLUX_SHORT[kind] ? { short: FLUX_SHORT[kind] } : {}),
    ...(kind === 'Kustomization' || kind === 'HelmRelease' ? { pods: 'inventory' as const } : {}),
    ...(kind === 'HelmRelease' ? { cause: helmReleaseCause } : {}),
  };
}

const FLUX: KindEntry[] = Object.entries(FLUX_KIND_GROUPS).map(([kind, group]) => fluxEntry(kind, group));

/** Every declared kind. */
export const KINDS: readonly KindEntry[] = [...CORE, ...WORKLOADS, ...OPERATORS, ...FLUX];

const BY_KEY = new Map(KINDS.map((e) => [`${e.group}/${e.kind}`, e]));

/** The declared entry of a group/kind ('' for core); Flux kinds not listed get the Flux family entry; else undefined. */
export function kindEntry(group: string, kind: string): KindEntry | undefined {
  const declared = BY_KEY.get(`${group}/${kind}`);
  if (declared) return declared;
  return isFluxGroup(group) ? fluxEntry(kind, group) : undefined;
}

/**
 * The short name a narrow KIND column shows for a kind: the registry's (kubectl's), else the
 * first of the shortNames discovery serves for it (`served`, a CRD nothing declares); undefined: none.
 */
export function shortKindOf(rt: Pick<ResourceType, 'group' | 'kind'> & Partial<Pick<ResourceType, 'shortNames'>>): string | undefined {
  return kindEntry(rt.group, rt.kind)?.short ?? rt.shortNames?.[0];
}

/** The generic entry of a kind nothing declares (CRDs): the generic health pipeline, printer columns. */
export function genericEntry(group: string, kind: string): KindEntry {
  return { group, kind };
}

/** The entry of a served resource type: declared, Flux family, or generic. */
export function entryOf(rt: Pick<ResourceType, 'group' | 'kind'>): KindEntry {
  return kindEntry(rt.group, rt.kind) ?? genericEntry(rt.group, rt.kind);
}

/**
 * What commands may do to objects of `rt`: the entry's capabilities, plus `scale` when
 * discovery (`served`, the context's resource types) lists the `<resource>/scale`
 * subresource of the same group and version — kubectl scale's own rule.
 */
export function capabilitiesOf(rt: Pick<ResourceType, 'group' | 'kind'> & Partial<Pick<ResourceType, 'resource' | 'version'>>, served: readonly ResourceType[] = []): Set<Capability> {
  const caps = new Set<Capability>(entryOf(rt).can ?? []);
  // discovery lists the subresource: as the resource's subresourceNames (src/kube/discovery.ts
  // folds 'widgets/scale' into widgets) or, in a raw list, as its own 'widgets/scale' entry
  const scaled = (s: ResourceType): boolean => s.resource === `${rt.resource}/scale` || (s.resource === rt.resource && (s.subresourceNames ?? []).includes('scale'));
  if (rt.resource && served.some((s) => s.group === rt.group && (rt.version === undefined || s.version === rt.version) && scaled(s))) caps.add('scale');
  return caps;
}

/** Where a kind's rollout history lives; undefined when it has none fleetdeck reads. */
export function historyOf(kind: string, group = 'apps'): HistorySource | undefined {
  return kindEntry(group, kind)?.history;
}

/** Every history source (the resourceKeys a history view or a rollback may watch). */
export const HISTORY_SOURCES: readonly HistorySource[] = [APPS_HISTORY, REVISIONS];

/**
 * The resource types the Fleet and Problems views and `fleetdeck status` watch in a context,
 * from its discovery: every served kind whose entry says `fleet`, Flux kinds (by group or the
 * `fluxcd` category) included. Subresources are skipped; one version per kind.
 */
export function fleetTypes(types: readonly ResourceType[]): readonly ResourceType[] {
  let got = fleetTypesOf.get(types);
  if (!got) fleetTypesOf.set(types, (got = fleetTypesUncached(types)));
  return got;
}

// per discovery result: every view derives the watched kinds of every context on each change
const fleetTypesOf = new WeakMap<readonly ResourceType[], readonly ResourceType[]>();

function fleetTypesUncached(types: readonly ResourceType[]): ResourceType[] {
  const out = new Map<string, ResourceType>();
  for (const t of types) {
    if (t.resource.includes('/')) continue;
    const key = `${t.group}/${t.kind}`;
    if (out.has(key)) continue;
    if (entryOf(t).fleet || t.categories.includes('fluxcd') || RELATED_OF_FLEET.has(key) || statusBearingCustom(t)) out.set(key, t);
  }
  return [...out.values()];
}

/**
 * A custom kind (group outside Kubernetes' own) whose CRD declares the status subresource
 * (discovery lists `<plural>/status`) and that can be listed and watched: an operator's
 * object with conditions, watched for the Fleet/Problems views and `status` even with no
 * entry of its own (the registry's generic entry reads Ready/Stalled conditions). The rule
 * is the status subresource because a CRD that has one is written to by a controller
 * reporting on it; kinds without one rarely carry conditions and are configuration.
 */
export function statusBearingCustom(t: ResourceType): boolean {
  return !isKubernetesGroup(t.group) && (t.subresourceNames ?? []).includes('status') && t.verbs.includes('list') && t.verbs.includes('watch');
}

/** Groups Kubernetes itself serves: the core group, apps, batch, policy, autoscaling, extensions and *.k8s.io. */
export function isKubernetesGroup(group: string): boolean {
  return ['', 'apps', 'batch', 'policy', 'autoscaling', 'extensions', 'k8s.io'].includes(group) || group.endsWith('.k8s.io');
}

/** 'group/Kind' of every kind a fleet kind's verdict reads (its `related`): watched with it. */
const RELATED_OF_FLEET = new Set(
  KINDS.filter((e) => e.fleet).flatMap((e) => [...(e.related?.owned ?? []), ...(e.related?.named ?? [])].map((k) => `${k.group}/${k.kind}`)),
);

/** The related kinds of a kind's entry ('group/Kind'), owned and named. */
export function relatedKinds(entry: KindEntry): string[] {
  return [...(entry.related?.owned ?? []), ...(entry.related?.named ?? [])].map((k) => `${k.group}/${k.kind}`);
}

/** The entry of a resourceKey ('deployments.apps') among the declared kinds that name their plural. */
export function entryOfResource(key: string): KindEntry | undefined {
  return KINDS.find((e) => e.resource !== undefined && resourceKey({ group: e.group, resource: e.resource }) === key);
}

/** How a built-in kind's CPU/MEM columns are read (by kind name: the kinds with metrics are unique by name); undefined: none. */
export function metricsSourceOf(kind: string): MetricsSource | undefined {
  return KINDS.find((e) => e.kind === kind && e.metrics)?.metrics;
}
