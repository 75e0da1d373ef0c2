// Request builders for workload and Flux actions, as data: the exact method, path, content
// type and body that the action executor shows in its confirm dialog and then sends.
// Bodies follow kubectl (restart, scale, delete) and the flux CLI (suspend, resume,
// reconcile); REFERENCE-flux.md has the facts.
import { arr, bool, num, str, strMap } from './access.js';
import type { ApiRequest, KubeObject, ResourceType } from './types.js';
import { fluxOwner } from './flux.js';
import { rfc3339 } from './format.js';

export { rfc3339 };

export const CONTENT = {
  json: 'application/json',
  jsonPatch: 'application/json-patch+json',
  mergePatch: 'application/merge-patch+json',
  strategicMerge: 'application/strategic-merge-patch+json',
} as const;

/**
 * What a request builder answers: the requests that make the change (in order) with a
 * one-line summary, or why it cannot be made. The action catalog (src/actions/catalog.ts)
 * turns a Change into a plan target: the same requests, each aimed at an object.
 */
export type Change =
  | { ok: true; requests: ApiRequest[]; summary: string; diff?: string; notes?: string[] }
  | { ok: false; error: string };

export type PathType = Pick<ResourceType, 'group' | 'version' | 'resource' | 'namespaced'>;

/** /api/v1/pods, /apis/apps/v1/namespaces/ns/deployments: where a resource is listed and watched */
export function collectionPath(rt: PathType, namespace?: string): string {
  const base = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  const ns = rt.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${rt.resource}`;
}

/** /api/v1/namespaces/ns/pods/name, /apis/apps/v1/namespaces/ns/deployments/name/scale, ... */
export function objectPath(rt: PathType, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(rt, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

// The workload kinds whose paths never depend on discovery.
export const APPS: Record<string, PathType> = {
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
};

export function appsPath(kind: string): PathType | undefined {
  return Object.hasOwn(APPS, kind) ? APPS[kind] : undefined;
}

function target(obj: KubeObject): { ns: string; name: string; label: string } {
  const ns = str(obj, 'metadata', 'namespace') ?? '';
  const name = str(obj, 'metadata', 'name') ?? '';
  const kind = str(obj, 'kind') ?? 'object';
  return { ns, name, label: `${kind} ${ns ? `${ns}/` : ''}${name}` };
}

const RESTARTABLE = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

/** kubectl rollout restart: a strategic merge patch of the pod template's restartedAt annotation. */
export function restartPlan(obj: KubeObject, now: Date, opts: { rt?: PathType; offsetMinutes?: number } = {}): Change {
  const kind = str(obj, 'kind') ?? '';
  const rt = opts.rt ?? appsPath(kind);
  if (!RESTARTABLE.has(kind) || !rt) return { ok: false, error: 'restarting is not supported' };
  if (kind === 'Deployment' && bool(obj, 'spec', 'paused') === true) {
    return { ok: false, error: "can't restart paused deployment (run rollout resume first)" };
  }
  const t = target(obj);
  const at = rfc3339(now, opts.offsetMinutes);
  return {
    ok: true,
    requests: [{
      method: 'PATCH',
      path: objectPath(rt, t.ns, t.name),
      contentType: CONTENT.strategicMerge,
      body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } },
    }],
    summary: `restart ${t.label} (restartedAt ${at})`,
  };
}

/** Kinds whose /scale subresource reads spec.replicas (a CR's specReplicasPath is its CRD's to say). */
const REPLICAS_AT_SPEC = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/**
 * kubectl scale: a merge patch of the /scale subresource. The summary says the count it
 * replaces when the object tells it (`from 3 to 0`, what kubectl's --current-replicas checks):
 * a scale to 0 on a protected context reads as the outage it is.
 */
export function scalePlan(obj: KubeObject, rt: PathType, replicas: number): Change {
  if (!Number.isInteger(replicas) || replicas < 0) return { ok: false, error: `invalid replica count ${replicas}: must be a whole number, 0 or more` };
  const t = target(obj);
  const current = REPLICAS_AT_SPEC.has(str(obj, 'kind') ?? '') ? num(obj, 'spec', 'replicas') : undefined;
  return {
    ok: true,
    requests: [{ method: 'PATCH', path: objectPath(rt, t.ns, t.name, 'scale'), contentType: CONTENT.mergePatch, body: { spec: { replicas } } }],
    summary: `scale ${t.label} ${current === undefined ? '' : `from ${current} `}to ${replicas}`,
  };
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

/** DELETE with DeleteOptions; the summary names the finalizers that will hold the object. */
export function deletePlan(obj: KubeObject, rt: PathType, propagationPolicy: Propagation = 'Background'): Change {
  const t = target(obj);
  const finalizers = [...new Set([
    ...arr(obj, 'metadata', 'finalizers').filter((f): f is string => typeof f === 'string'),
    ...(propagationPolicy === 'Foreground' ? ['foregroundDeletion'] : []),
    ...(propagationPolicy === 'Orphan' ? ['orphan'] : []),
  ])];
  const notes = finalizers.length
    ? [`held until these finalizers are removed: ${finalizers.join(', ')}`]
    : [];
  if (str(obj, 'metadata', 'deletionTimestamp')) notes.push('already being deleted');
  return {
    ok: true,
    requests: [{ method: 'DELETE', path: objectPath(rt, t.ns, t.name), contentType: CONTENT.json, body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy } }],
    summary: `delete ${t.label} (propagation ${propagationPolicy})`,
    notes,
  };
}

export function suspendPlan(obj: KubeObject, rt: PathType): Change {
  const t = target(obj);
  return {
    ok: true,
    requests: [{ method: 'PATCH', path: objectPath(rt, t.ns, t.name), contentType: CONTENT.mergePatch, body: { spec: { suspend: true } } }],
    summary: `suspend ${t.label}`,
    notes: suspendOwnedNotes(obj),
  };
}

/**
 * A Flux object applied by another Flux object: its manifest there may set spec.suspend, and
 * the owner then puts it back (kustomize-controller at every reconcile, helm-controller at an
 * upgrade). Nothing when the object opted out of its owner's apply.
 */
function suspendOwnedNotes(obj: KubeObject): string[] {
  const m = fluxManaged(obj);
  if (!m || m.reconcileDisabled) return [];
  const when = m.kind === 'Kustomization' ? 'its next reconcile' : 'its next Helm upgrade';
  return [`${m.kind} ${m.namespace}/${m.name} ${FLUX_OWNERS[m.kind].applies(str(obj, 'kind') ?? 'object')}: if the manifest there sets spec.suspend, ${when} sets it back`];
}

export function resumePlan(obj: KubeObject, rt: PathType): Change {
  const t = target(obj);
  return {
    ok: true,
    requests: [{ method: 'PATCH', path: objectPath(rt, t.ns, t.name), contentType: CONTENT.mergePatch, body: { spec: { suspend: null } } }],
    summary: `resume ${t.label}`,
  };
}

/**
 * flux reconcile: annotate requestedAt (HelmRelease force/reset add forceAt/resetAt with the
 * same token, which the controller honours only when equal). Refuses suspended objects.
 */
export function reconcilePlan(obj: KubeObject, rt: PathType, token: string, opts: { force?: boolean; reset?: boolean } = {}): Change {
  const t = target(obj);
  if (bool(obj, 'spec', 'suspend') === true) return { ok: false, error: 'resource is suspended' };
  const kind = str(obj, 'kind');
  if ((opts.force || opts.reset) && kind !== 'HelmRelease') {
    return { ok: false, error: `${opts.force ? 'force' : 'reset'} applies to HelmReleases only` };
  }
  const annotations: Record<string, string> = { 'reconcile.fluxcd.io/requestedAt': token };
  if (opts.force) annotations['reconcile.fluxcd.io/forceAt'] = token;
  if (opts.reset) annotations['reconcile.fluxcd.io/resetAt'] = token;
  const how = [opts.force ? 'force' : '', opts.reset ? 'reset' : ''].filter(Boolean).join('+');
  return {
    ok: true,
    requests: [{ method: 'PATCH', path: objectPath(rt, t.ns, t.name), contentType: CONTENT.mergePatch, body: { metadata: { annotations } } }],
    summary: `reconcile${how ? ` (${how})` : ''} ${t.label}`,
  };
}

export type FluxOwnerKind = 'Kustomization' | 'HelmRelease';

export interface FluxManager {
  kind: FluxOwnerKind;
  namespace: string;
  name: string;
  /**
   * When its controller next puts back what it applied, undoing a change made by hand:
   * kustomize-controller at every reconcile; helm-controller at its next Helm upgrade, and at
   * every reconcile too when the HelmRelease's drift detection corrects ('unknown': the
   * HelmRelease was not read, so its mode is not known). FLUX_OWNERS has the sources.
   */
  revertsOn: 'next-reconcile' | 'next-upgrade' | 'unknown';
  /** why, when it depends on the owner's settings ("drift detection is off") */
  because?: string;
  /**
   * The object opts out of its owner's apply: kustomize.toolkit.fluxcd.io/reconcile: disabled
   * (annotation or label). Only kustomize-controller reads it, so never under a HelmRelease.
   */
  reconcileDisabled: boolean;
}

/**
 * What each Flux owner does with the objects it applied, in the words plans show. Sources:
 * kustomize-controller's Kustomization docs (every interval it applies its source again,
 * correcting drift; an object annotated or labelled kustomize.toolkit.fluxcd.io/reconcile:
 * disabled is neither applied nor pruned; spec.suspend pauses both) and helm-controller's
 * HelmRelease docs (a Helm upgrade when the chart or values change; drift is corrected at
 * every reconcile only with spec.driftDetection.mode: enabled, `warn` only reports it, off by
 * default, and an object labelled or annotated helm.toolkit.fluxcd.io/driftDetection: disabled
 * is left out; spec.suspend stops releases and drift correction; no object-level opt-out
 * keeps an upgrade from rendering the object again).
 */
const FLUX_OWNERS: Record<FluxOwnerKind, {
  /** "applies this Deployment from its source" */
  applies(kind: string): string;
  /** what keeps a change made by hand, first the temporary way */
  keep(owner: string): string;
  /** where the durable fix goes */
  durable: string;
  /** what happens once the owner is resumed */
  resumed: string;
}> = {
  Kustomization: {
    applies: (kind) => `applies this ${kind} from its source`,
    keep: (owner) => `suspend ${owner} first (temporary), or annotate the object kustomize.toolkit.fluxcd.io/reconcile: disabled (kustomize-controller then neither applies nor prunes it)`,
    durable: 'a change in its source',
    resumed: 'kustomize-controller then applies its source again',
  },
  HelmRelease: {
    applies: (kind) => `installs this ${kind} from its Helm chart`,
    keep: (owner) => `suspend ${owner} first (temporary: helm-controller then neither upgrades the release nor corrects drift)`,
    durable: 'a change to its chart or values',
    resumed: 'helm-controller then upgrades the release if its chart or values changed, and corrects drift if its drift detection is enabled',
  },
};

const HELM_DRIFT_OPT_OUT = 'helm.toolkit.fluxcd.io/driftDetection';

/** kustomize.toolkit.fluxcd.io/reconcile: disabled, or helm.toolkit.fluxcd.io/driftDetection: disabled: a label or an annotation */
function markedDisabled(obj: unknown, key: string): boolean {
  return strMap(obj, 'metadata', 'annotations')[key] === 'disabled' || strMap(obj, 'metadata', 'labels')[key] === 'disabled';
}

/**
 * Whether Flux applied this object (by its labels), and so will put it back, and when.
 * `owner`: the HelmRelease itself when it was read (its spec.driftDetection.mode decides).
 */
export function fluxManaged(obj: unknown, owner?: unknown): FluxManager | undefined {
  const f = fluxOwner(obj);
  if (!f) return undefined;
  const ref = { namespace: f.namespace, name: f.name };
  if (f.kind !== 'HelmRelease') {
    return { kind: 'Kustomization', ...ref, revertsOn: 'next-reconcile', reconcileDisabled: markedDisabled(obj, 'kustomize.toolkit.fluxcd.io/reconcile') };
  }
  const hr = { kind: 'HelmRelease' as const, ...ref, reconcileDisabled: false };
  if (markedDisabled(obj, HELM_DRIFT_OPT_OUT)) return { ...hr, revertsOn: 'next-upgrade', because: `the object is out of drift detection (${HELM_DRIFT_OPT_OUT}: disabled)` };
  if (owner === undefined) return { ...hr, revertsOn: 'unknown' };
  const mode = str(owner, 'spec', 'driftDetection', 'mode') ?? 'disabled';
  if (mode === 'enabled') return { ...hr, revertsOn: 'next-reconcile', because: 'its drift detection corrects drift (spec.driftDetection.mode: enabled)' };
  return { ...hr, revertsOn: 'next-upgrade', because: mode === 'warn' ? 'its drift detection only warns' : 'its drift detection is off' };
}

/**
 * The notes of a plan whose change Flux will undo: who applied the object, when `change` (a
 * noun phrase: "a rollback") is undone, and how to keep it. None when the object opted out.
 */
export function fluxOwnerNotes(m: FluxManager, kind: string, change: string): string[] {
  if (m.reconcileDisabled) return [];
  const owner = `${m.kind} ${m.namespace}/${m.name}`;
  const words = FLUX_OWNERS[m.kind];
  const upgrade = 'its next Helm upgrade (a new chart version or values)';
  const until = m.revertsOn === 'unknown'
    ? `${upgrade}, or its next reconcile if its drift detection is enabled (spec.driftDetection.mode: enabled; the HelmRelease was not read)`
    : `${m.revertsOn === 'next-reconcile' ? 'its next reconcile' : upgrade}${m.because ? `; ${m.because}` : ''}`;
  return [
    `${owner} ${words.applies(kind)}: ${change} lasts only until ${until}.`,
    `To keep ${change}: ${words.keep(owner)}; the durable fix is ${words.durable}.`,
  ];
}

/**
 * A restart of a Flux-applied workload stands: its one change, the pod template's
 * kubectl.kubernetes.io/restartedAt annotation, is sent as field manager `fleetdeck` (the
 * User-Agent, src/kube/client.ts) and a source rarely sets it (the plan says the exception: the
 * manifest is not read here), so neither kustomize-controller's
 * server-side apply nor a Helm upgrade removes it, and no second rollout follows (measured on
 * kube-apiserver 1.36 with the Flux controllers: test/integration/flux-backends.test.ts).
 * kustomize-controller does remove the fields of `kubectl…` managers: `kubectl rollout restart`'s
 * annotation goes at the next reconcile, restarting the pods again (fluxcd/flux2#2526).
 */
export function fluxRestartNotes(m: FluxManager | undefined, kind: string): string[] {
  if (!m || m.reconcileDisabled) return [];
  const kubectl = m.kind === 'Kustomization' ? " (it removes the one `kubectl rollout restart` sets at its next reconcile, restarting the pods again)" : '';
  return [`${m.kind} ${m.namespace}/${m.name} ${FLUX_OWNERS[m.kind].applies(kind)}; the restart stands: its restartedAt annotation is fleetdeck's field, which Flux leaves in place unless the source sets that annotation itself${kubectl}.`];
}

/** What resuming the suspended owner brings back, in its controller's terms. */
function resumedWords(owner: KubeObject): string {
  const kind = str(owner, 'kind');
  return kind === 'Kustomization' || kind === 'HelmRelease' ? FLUX_OWNERS[kind].resumed : 'its controller then applies it again';
}

/**
 * "Suspend the Flux owner, then act": the owner's suspend request first, then the action's
 * requests, with the reminder of what resuming the owner brings back.
 */
export function suspendOwnerFirst(action: Change, owner: KubeObject, ownerRt: PathType): Change {
  if (!action.ok) return action;
  const suspend = suspendPlan(owner, ownerRt);
  if (!suspend.ok) return suspend;
  const o = target(owner);
  return {
    ...action,
    requests: [...suspend.requests, ...action.requests],
    summary: `suspend ${o.label}, then ${action.summary}`,
    notes: [
      ...(action.notes ?? []),
      ...(suspend.notes ?? []),
      `temporary: resume ${o.label} when done — ${resumedWords(owner)}`,
    ],
  };
}
