// The health rules of the kinds fleetdeck knows (the kind registry, src/model/kinds.ts, says
// which rule a kind uses) and the verdict helpers they share. The pipeline that runs them —
// Terminating first, Flux, kstatus's generic checks, then the kind's rule, then Ready — is
// health() in ../health.ts. Sources of each rule are in its comment.
import { arr, bool, condition, conditions, isRecord, lookup, num, str } from '../access.js';
import { humanDuration, oneLine, parseTime } from '../format.js';
import { podStatusText } from './pod-status.js';
import { isFluxGroup, isStaticFluxKind } from '../flux.js';
import type { Condition, KubeObject } from '../types.js';
import { splitApiVersion } from '../types.js';

export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown' | 'Suspended';

export interface Verdict {
  status: HealthStatus;
  /** one line a human can act on */
  reason: string;
  /** ISO time the state began (a condition's lastTransitionTime, the deletionTimestamp, ...) */
  since?: string;
  /** Terminating objects: the finalizers still holding them */
  stuckFinalizers?: string[];
}

export interface HealthContext {
  /** epoch ms; defaults to the clock */
  now?: number;
  /** objects that sharpen the reason, e.g. a workload's pods ("3 pods CrashLoopBackOff"), a Certificate's CertificateRequests and issuer (the kind registry's `related`) */
  related?: KubeObject[];
  /**
   * 'group/Kind' of the related kinds read completely where this object looks for them (its
   * namespace, or cluster-wide): only for these does absence from `related` prove an object
   * does not exist. A kind not listed here is unknown, never missing.
   */
  listed?: readonly string[];
}

/** 'Deployment', 'Deployment.apps' (kubectl's Kind.group), or an explicit group and kind. */
export type KindRef = string | { group: string; kind: string };

export interface RuleCtx {
  now: number;
  related: KubeObject[];
  /** see HealthContext.listed */
  listed: ReadonlySet<string>;
  group: string;
  kind: string;
}

/** A kind's own rule; undefined means "no opinion", and the generic Ready rule decides. */
export type Rule = (o: KubeObject, x: RuleCtx) => Verdict | undefined;

const MAX_MESSAGE = 400;

// Condition fields come from the wire: reason/message may be anything, so take unknown
export function msg(s: unknown): string {
  if (typeof s !== 'string' || !s) return '';
  const line = oneLine(s);
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line;
}

export function v(status: HealthStatus, reason: string, since?: string): Verdict {
  return since ? { status, reason, since } : { status, reason };
}

/** "Ready=False BuildFailed: kustomize build failed: ..." */
export function condText(c: Condition): string {
  const reason = msg(c.reason);
  const head = `${msg(c.type)}=${msg(c.status)}${reason ? ` ${reason}` : ''}`;
  const m = msg(c.message);
  return m ? `${head}: ${m}` : head;
}

export function isTrue(o: unknown, type: string): Condition | undefined {
  const c = condition(o, type);
  return c?.status === 'True' ? c : undefined;
}

export function ltt(c: Condition | undefined): string | undefined {
  return c && typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : undefined;
}

function countOf(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------
// Pods

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_ERRORS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
const UNSCHEDULABLE_GRACE_MS = 15_000;

function waitingContainers(o: unknown, reasons: (r: string) => boolean): { names: string[]; restarts: number; message?: string; reason?: string } {
  const names: string[] = [];
  let restarts = 0;
  let message: string | undefined;
  let reason: string | undefined;
  for (const c of [...arr(o, 'status', 'initContainerStatuses'), ...arr(o, 'status', 'containerStatuses')]) {
    const r = str(c, 'state', 'waiting', 'reason');
    if (r && reasons(r)) {
      names.push(str(c, 'name') ?? '?');
      restarts += num(c, 'restartCount') ?? 0;
      message ??= str(c, 'state', 'waiting', 'message');
      reason ??= r;
    }
  }
  return { names, restarts, message, reason };
}

export const podRule: Rule = (o, x) => {
  const phase = str(o, 'status', 'phase');
  const readyCond = condition(o, 'Ready');
  if (phase === 'Succeeded') return v('Current', 'Pod has completed successfully');
  // kstatus calls a Failed pod Current ("completed, but not successfully"); triage wants it
  // Failed: an evicted or crashed pod is exactly what the on-call engineer looks for.
  if (phase === 'Failed') {
    const why = [str(o, 'status', 'reason'), msg(str(o, 'status', 'message'))].filter(Boolean).join(': ');
    return v('Failed', `Pod failed${why ? `: ${why}` : ''}`, ltt(readyCond));
  }
  const crash = waitingContainers(o, (r) => r === 'CrashLoopBackOff');
  if (crash.names.length) {
    return v('Failed', `Containers in CrashLoop state: ${crash.names.join(',')} (${countOf(crash.restarts, 'restart')})`, ltt(readyCond));
  }
  const pull = waitingContainers(o, (r) => IMAGE_PULL.has(r));
  if (pull.names.length) {
    return v('Failed', `${pull.reason} for ${pull.names.join(',')}${pull.message ? `: ${msg(pull.message)}` : ''}`, ltt(readyCond));
  }
  const config = waitingContainers(o, (r) => CONFIG_ERRORS.has(r));
  if (config.names.length) {
    return v('Failed', `${config.reason} for ${config.names.join(',')}${config.message ? `: ${msg(config.message)}` : ''}`, ltt(readyCond));
  }
  if (phase === 'Running') {
    if (readyCond?.status === 'True') return v('Current', 'Pod is Ready', ltt(readyCond));
    const text = podStatusText(o);
    return v('InProgress', `Pod is running but not Ready: ${text.ready}/${text.total} containers ready`, ltt(readyCond));
  }
  if (phase === 'Pending') {
    const sched = condition(o, 'PodScheduled');
    if (sched?.status === 'False' && sched.reason === 'Unschedulable') {
      const t = parseTime(sched.lastTransitionTime);
      const line = `Pod could not be scheduled${sched.message ? `: ${msg(sched.message)}` : ''}`;
      // kstatus waits 15 s: the scheduler often needs a moment (e.g. for an autoscaled node)
      if (t !== undefined && x.now - t > UNSCHEDULABLE_GRACE_MS) return v('Failed', line, ltt(sched));
      return v('InProgress', line, ltt(sched));
    }
    return v('InProgress', `Pod is Pending: ${podStatusText(o).status}`, ltt(sched));
  }
  if (phase === 'Unknown') return v('Unknown', 'Pod phase is Unknown: its node stopped reporting');
  return v('InProgress', phase ? `Pod phase is ${msg(phase)}` : 'Pod has no status yet');
};

/** The kubectl STATUS of every related pod that is not fine, counted: "3 pods CrashLoopBackOff". */
function relatedPodProblems(x: RuleCtx): { text: string; failed: boolean } {
  const counts = new Map<string, number>();
  let failed = false;
  for (const p of x.related) {
    if (!isRecord(p) || (p.kind !== undefined && p.kind !== 'Pod')) continue;
    const verdict = podRule(p, x);
    if (!verdict || verdict.status === 'Current') continue;
    if (verdict.status === 'Failed') failed = true;
    const label = podStatusText(p).status;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${countOf(n, 'pod')} ${label}`);
  return { text: parts.join(', '), failed };
}

/**
 * Workload counts ("2/5 available") plus, with related pods, what ails them. kstatus calls a
 * rollout with crash-looping pods InProgress; when the related pods show a Failed pod we say
 * Failed, since waiting will not fix it.
 */
function workloadVerdict(x: RuleCtx, problems: string[], since: string | undefined, currentReason: string): Verdict {
  if (problems.length === 0) return v('Current', currentReason, since);
  const pods = relatedPodProblems(x);
  const reason = [...problems, ...(pods.text ? [pods.text] : [])].join(', ');
  return v(pods.failed ? 'Failed' : 'InProgress', reason, since);
}

// ---------------------------------------------------------------------------------------
// Workloads (kstatus's checks, phrased "x/y what")

function replicasOf(o: unknown): number {
  return num(o, 'spec', 'replicas') ?? 1;
}

export const deploymentRule: Rule = (o, x) => {
  const progressing = condition(o, 'Progressing');
  const available = condition(o, 'Available');
  const want = replicasOf(o);
  const total = num(o, 'status', 'replicas') ?? 0;
  const updated = num(o, 'status', 'updatedReplicas') ?? 0;
  const ready = num(o, 'status', 'readyReplicas') ?? 0;
  const avail = num(o, 'status', 'availableReplicas') ?? 0;
  const problems: string[] = [];
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const pods = relatedPodProblems(x);
    const counts = `${avail}/${want} available`;
    return v('Failed', `Progress deadline exceeded: ${counts}${pods.text ? `, ${pods.text}` : ''}${progressing.message ? ` (${msg(progressing.message)})` : ''}`, ltt(progressing));
  }
  if (want > total) problems.push(`${total}/${want} replicas`);
  if (want > updated) problems.push(`${updated}/${want} updated`);
  if (total > want) problems.push(`${total - want} old ${total - want === 1 ? 'pod' : 'pods'} terminating`);
  if (updated > avail || want > avail) problems.push(`${avail}/${want} available`);
  else if (want > ready) problems.push(`${ready}/${want} ready`);
  if (problems.length === 0 && want > 0 && available && available.status !== 'True') problems.push(condText(available));
  if (bool(o, 'spec', 'paused') && problems.length) problems.push('rollout paused');
  const since = ltt(available?.status === 'True' ? progressing : available) ?? ltt(progressing);
  return workloadVerdict(x, problems, since, `Deployment is available. Replicas: ${want}`);
};

export const statefulSetRule: Rule = (o, x) => {
  if (str(o, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
    return v('Current', 'StatefulSet is using the OnDelete update strategy');
  }
  const want = replicasOf(o);
  const total = num(o, 'status', 'replicas') ?? 0;
  const ready = num(o, 'status', 'readyReplicas') ?? 0;
  const updated = num(o, 'status', 'updatedReplicas') ?? 0;
  const current = num(o, 'status', 'currentReplicas') ?? 0;
  const problems: string[] = [];
  if (want > total) problems.push(`${total}/${want} replicas`);
  if (want > ready) problems.push(`${ready}/${want} ready`);
  if (total > want) problems.push(`${total - want} pods pending termination`);
  const partition = num(o, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
  if (partition !== undefined && partition > 0) {
    if (updated < want - partition) problems.push(`${updated}/${want - partition} updated (partition ${partition})`);
    return workloadVerdict(x, problems, undefined, `Partition rollout complete. Updated: ${updated}`);
  }
  if (problems.length === 0) {
    if (want > current) problems.push(`${current}/${want} current`);
    const cur = str(o, 'status', 'currentRevision');
    const upd = str(o, 'status', 'updateRevision');
    if (cur && upd && cur !== upd) problems.push(`rolling out revision ${upd}`);
  }
  return workloadVerdict(x, problems, undefined, `All replicas scheduled as expected. Replicas: ${want}`);
};

export const daemonSetRule: Rule = (o, x) => {
  const desired = num(o, 'status', 'desiredNumberScheduled') ?? 0;
  const scheduled = num(o, 'status', 'currentNumberScheduled') ?? 0;
  const updated = num(o, 'status', 'updatedNumberScheduled') ?? 0;
  const available = num(o, 'status', 'numberAvailable') ?? 0;
  const ready = num(o, 'status', 'numberReady') ?? 0;
  const misscheduled = num(o, 'status', 'numberMisscheduled') ?? 0;
  const problems: string[] = [];
  if (desired > scheduled) problems.push(`${scheduled}/${desired} scheduled`);
  if (desired > updated) problems.push(`${updated}/${desired} updated`);
  if (desired > available) problems.push(`${available}/${desired} available`);
  else if (desired > ready) problems.push(`${ready}/${desired} ready`);
  if (misscheduled > 0 && problems.length) problems.push(`${misscheduled} misscheduled`);
  return workloadVerdict(x, problems, undefined, `All replicas scheduled as expected. Replicas: ${desired}`);
};

export const replicaSetRule: Rule = (o, x) => {
  const failure = isTrue(o, 'ReplicaFailure');
  const want = replicasOf(o);
  const labelled = num(o, 'status', 'fullyLabeledReplicas') ?? 0;
  const available = num(o, 'status', 'availableReplicas') ?? 0;
  const ready = num(o, 'status', 'readyReplicas') ?? 0;
  const total = num(o, 'status', 'replicas') ?? 0;
  const problems: string[] = [];
  if (failure) problems.push(condText(failure));
  if (want > labelled) problems.push(`${labelled}/${want} labelled`);
  if (want > available) problems.push(`${available}/${want} available`);
  else if (want > ready) problems.push(`${ready}/${want} ready`);
  if (total > want) problems.push(`${total - want} pods pending termination`);
  return workloadVerdict(x, problems, ltt(failure), `ReplicaSet is available. Replicas: ${want}`);
};

export const jobRule: Rule = (o) => {
  const complete = isTrue(o, 'Complete');
  const failed = isTrue(o, 'Failed');
  const succeeded = num(o, 'status', 'succeeded') ?? 0;
  const completions = num(o, 'spec', 'completions') ?? 1;
  if (complete) return v('Current', `Job completed: ${succeeded}/${completions} succeeded`, ltt(complete));
  if (failed) return v('Failed', `Job failed: ${condText(failed)}`, ltt(failed));
  if (bool(o, 'spec', 'suspend')) return v('Suspended', 'Job is suspended (spec.suspend)', ltt(condition(o, 'Suspended')));
  if (!str(o, 'status', 'startTime')) return v('InProgress', 'Job not started');
  const active = num(o, 'status', 'active') ?? 0;
  const failedPods = num(o, 'status', 'failed') ?? 0;
  return v('InProgress', `Job running: ${active} active, ${succeeded}/${completions} succeeded, ${failedPods} failed`, str(o, 'status', 'startTime'));
};

export const cronJobRule: Rule = (o, x) => {
  if (bool(o, 'spec', 'suspend')) return v('Suspended', 'CronJob is suspended (spec.suspend)');
  const last = parseTime(str(o, 'status', 'lastScheduleTime'));
  return v('Current', last === undefined ? 'CronJob has not run yet' : `Last scheduled ${humanDuration(x.now - last)} ago`);
};

export const pvcRule: Rule = (o) => {
  const phase = str(o, 'status', 'phase');
  if (phase === 'Bound') return v('Current', 'PVC is Bound');
  if (phase === 'Lost') return v('Failed', 'PVC lost its PersistentVolume (phase: Lost)');
  const storageClass = str(o, 'spec', 'storageClassName');
  const size = str(o, 'spec', 'resources', 'requests', 'storage');
  const detail = [storageClass ? `storageClass ${msg(storageClass)}` : '', size ? `requests ${msg(size)}` : ''].filter(Boolean).join(', ');
  return v('InProgress', `PVC is not Bound. phase: ${phase ? msg(phase) : 'none'}${detail ? ` (${detail})` : ''}`);
};

export const serviceRule: Rule = (o) => {
  if (str(o, 'spec', 'type') !== 'LoadBalancer') return v('Current', 'Service is ready');
  if (arr(o, 'status', 'loadBalancer', 'ingress').length === 0) return v('InProgress', 'LoadBalancer has no ingress address yet');
  return v('Current', 'Service is ready');
};

export const crdRule: Rule = (o) => {
  const established = condition(o, 'Established');
  if (established?.status === 'True') return v('Current', 'CRD is established', ltt(established));
  const names = condition(o, 'NamesAccepted');
  if (names?.status === 'False') return v('Failed', `CRD names not accepted: ${condText(names)}`, ltt(names));
  return v('InProgress', 'CRD is being installed', ltt(established));
};

export const alwaysCurrent: Rule = () => v('Current', 'Resource is current');

export const namespaceRule: Rule = (o) => {
  if (str(o, 'status', 'phase') === 'Terminating') return v('Terminating', `Namespace is Terminating${namespaceBlockers(o)}`);
  return v('Current', 'Namespace is Active');
};

/** The namespace controller's own account of what blocks deletion. */
export function namespaceBlockers(o: unknown): string {
  const notes = ['NamespaceFinalizersRemaining', 'NamespaceContentRemaining', 'NamespaceDeletionContentFailure']
    .map((t) => condition(o, t))
    .filter((c): c is Condition => c?.status === 'True' && typeof c.message === 'string')
    .map((c) => msg(c.message));
  return notes.length ? `: ${notes.join('; ')}` : '';
}

/** A ComponentStatus's Healthy condition (kubectl's STATUS Healthy/Unhealthy). The kind has no
 * status: its `conditions` are top-level, which the generic rule never reads (it said Current
 * of an Unhealthy scheduler). */
export const componentStatusRule: Rule = (o) => {
  const c = componentHealthy(o);
  if (!c) return v('Unknown', 'ComponentStatus reports no Healthy condition');
  if (c.status === 'True') return v('Current', 'Healthy');
  return v('Failed', `Unhealthy: ${[c.message, c.error].filter((s) => typeof s === 'string' && s).map(msg).join(': ') || 'no message'}`);
};

/** The Healthy condition of a ComponentStatus (top-level `conditions`), as kubectl's printer reads it. */
export function componentHealthy(o: unknown): { status?: unknown; message?: unknown; error?: unknown } | undefined {
  return arr(o, 'conditions').find((c): c is Record<string, unknown> => isRecord(c) && c.type === 'Healthy');
}

export const nodeRule: Rule = (o) => {
  const ready = condition(o, 'Ready');
  const cordoned = bool(o, 'spec', 'unschedulable') ? ', SchedulingDisabled' : '';
  if (!ready) return v('Unknown', 'Node reports no Ready condition');
  if (ready.status === 'True') return v('Current', `Node is Ready${cordoned}`, ltt(ready));
  const pressure = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'].filter((t) => isTrue(o, t));
  const extra = pressure.length ? ` (${pressure.join(', ')})` : '';
  // Ready=Unknown on a node means the kubelet stopped posting status: as bad as NotReady
  return v('Failed', `Node NotReady: ${condText(ready)}${extra}${cordoned}`, ltt(ready));
};

// ---------------------------------------------------------------------------------------
// Operator rules beyond kstatus

const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000;

const CERT_MANAGER = 'cert-manager.io';

/** A related object named by another (a Certificate's issuer): group, kind, namespace (none at cluster scope), name. */
export interface RelatedRef {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The issuer a Certificate names: spec.issuerRef, kind Issuer (its namespace) unless
 * ClusterIssuer, group cert-manager.io unless given (cert-manager's defaults). An external
 * issuer (another group) is returned too; the rule only judges cert-manager's own kinds.
 */
export function certificateIssuer(o: unknown): RelatedRef | undefined {
  const name = str(o, 'spec', 'issuerRef', 'name');
  if (!name) return undefined;
  const kind = str(o, 'spec', 'issuerRef', 'kind') || 'Issuer';
  const group = str(o, 'spec', 'issuerRef', 'group') || CERT_MANAGER;
  return kind === 'ClusterIssuer' ? { group, kind, name } : { group, kind, namespace: str(o, 'metadata', 'namespace') ?? '', name };
}

function sameObject(x: KubeObject, r: RelatedRef): boolean {
  const { group } = splitApiVersion(str(x, 'apiVersion') ?? '');
  return str(x, 'kind') === r.kind && group === r.group && x.metadata.name === r.name && (r.namespace === undefined || (x.metadata.namespace ?? '') === r.namespace);
}

/** The Certificate's newest CertificateRequest among `related` (owned by it; highest certificate-revision, then newest). */
function latestRequest(o: KubeObject, related: KubeObject[]): KubeObject | undefined {
  const uid = o.metadata.uid;
  const mine = related.filter((x) => str(x, 'kind') === 'CertificateRequest' && uid && arr(x, 'metadata', 'ownerReferences').some((r) => str(r, 'uid') === uid));
  const rev = (x: KubeObject) => Number(x.metadata.annotations?.['cert-manager.io/certificate-revision'] ?? 0) || 0;
  return mine.sort((a, b) => rev(b) - rev(a) || (parseTime(b.metadata.creationTimestamp) ?? 0) - (parseTime(a.metadata.creationTimestamp) ?? 0))[0];
}

/**
 * What stops a Certificate deeper down, read from its CertificateRequest and its issuer
 * (cert-manager's own status contract: CertificateRequest conditions Ready (reason Pending,
 * Failed, Issued), Denied, InvalidRequest; Issuer/ClusterIssuer Ready). Failed when the issuer
 * does not exist (its kind listed, the object absent), is not Ready, or the request failed,
 * was denied or invalid; else the request's pending message as a cause; undefined when
 * nothing below says more.
 */
function certificateCause(o: KubeObject, x: RuleCtx): { failed: boolean; text: string } | undefined {
  const issuerRef = certificateIssuer(o);
  const cr = latestRequest(o, x.related);
  const crText = (c: Condition) => `CertificateRequest ${cr!.metadata.name}: ${condText(c)}`;
  if (cr) {
    const denied = isTrue(cr, 'Denied');
    if (denied) return { failed: true, text: crText(denied) };
    const invalid = isTrue(cr, 'InvalidRequest');
    if (invalid) return { failed: true, text: crText(invalid) };
  }
  const crReady = cr ? condition(cr, 'Ready') : undefined;
  if (issuerRef && issuerRef.group === CERT_MANAGER) {
    const where = issuerRef.namespace ? `${issuerRef.namespace}/` : '';
    const issuer = x.related.find((r) => sameObject(r, issuerRef));
    const pending = crReady && crReady.status !== 'True' ? `; ${crText(crReady)}` : '';
    if (!issuer && x.listed.has(`${issuerRef.group}/${issuerRef.kind}`)) {
      return { failed: true, text: `${issuerRef.kind} ${where}${issuerRef.name} does not exist (spec.issuerRef)${pending}` };
    }
    const ir = issuer ? condition(issuer, 'Ready') : undefined;
    if (issuer && ir?.status !== 'True') return { failed: true, text: `${issuerRef.kind} ${where}${issuerRef.name} is not ready: ${ir ? condText(ir) : 'no Ready condition'}${pending}` };
  }
  if (crReady?.status === 'False' && crReady.reason === 'Failed') return { failed: true, text: crText(crReady) };
  if (crReady && crReady.status !== 'True') return { failed: false, text: crText(crReady) };
  return undefined;
}

export const certificateRule: Rule = (o, x) => {
  const ready = condition(o, 'Ready');
  const issuing = isTrue(o, 'Issuing');
  const notAfter = parseTime(str(o, 'status', 'notAfter'));
  if (notAfter !== undefined && notAfter <= x.now) {
    return v('Failed', `Certificate expired ${humanDuration(x.now - notAfter)} ago (notAfter ${str(o, 'status', 'notAfter')})${ready && ready.status !== 'True' ? `; ${condText(ready)}` : ''}`, str(o, 'status', 'notAfter'));
  }
  // not Ready: what its CertificateRequest and issuer say is the deepest cause
  const cause = ready?.status === 'True' && !issuing ? undefined : certificateCause(o, x);
  if (cause?.failed) return v('Failed', `${cause.text} (Certificate: ${issuing ? condText(issuing) : ready ? condText(ready) : 'not issued'})`, ltt(issuing ?? ready));
  if (issuing) return v('InProgress', `Certificate is being issued: ${condText(issuing)}${cause ? `; ${cause.text}` : ''}`, ltt(issuing));
  if (ready?.status === 'False') return v('Failed', `${condText(ready)}${cause ? `; ${cause.text}` : ''}`, ltt(ready));
  if (ready?.status === 'True') {
    if (notAfter !== undefined && notAfter - x.now < EXPIRY_WARNING_MS) {
      const renewal = str(o, 'status', 'renewalTime');
      return v('InProgress', `Certificate expires in ${humanDuration(notAfter - x.now)}${renewal ? ` (renewal was due ${renewal})` : ''}`, renewal);
    }
    return v('Current', notAfter === undefined ? 'Certificate is up to date' : `Certificate is up to date, expires in ${humanDuration(notAfter - x.now)}`, ltt(ready));
  }
  if (ready) return v('InProgress', condText(ready), ltt(ready));
  return v('InProgress', 'Waiting for cert-manager to issue the certificate');
};

/**
 * A HelmRelease's deepest failure cause (helm-controller, v2 API): Ready and Stalled summarise
 * ("Failed to upgrade after 1 attempt(s)", "Helm rollback to previous release … succeeded")
 * while the Helm action's own error is the message of Released (install/upgrade), Remediated
 * (rollback/uninstall) or TestSuccess when False (and Ready's, under a Stalled verdict); status.history (snapshots, newest first)
 * names the release version that failed. Source: fluxcd/helm-controller internal/reconcile
 * (upgrade.go fmtUpgradeFailure, atomic_release.go "Failed to %s after %d attempt(s)").
 * Messages already in `shown` are not repeated; undefined when nothing deeper is recorded.
 */
export function helmReleaseCause(o: KubeObject, shown: string): string | undefined {
  const parts: string[] = [];
  const said = [shown];
  // Ready last: when Stalled made the verdict, Ready=False may still say more than it
  for (const type of ['Released', 'Remediated', 'TestSuccess', 'Ready']) {
    const c = condition(o, type);
    if (c?.status !== 'False') continue;
    const m = msg(c.message);
    if (!m || said.some((x) => x.includes(m))) continue;
    said.push(m);
    parts.push(condText(c));
  }
  const failed = arr(o, 'status', 'history').find((h) => str(h, 'status') === 'failed');
  if (failed && parts.length) {
    const chart = str(failed, 'chartName');
    const ver = str(failed, 'chartVersion');
    const n = num(failed, 'version');
    parts.push(`release${n !== undefined ? ` v${n}` : ''} failed${chart ? ` (chart ${chart}${ver ? `@${ver}` : ''})` : ''}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

const CNPG_HEALTHY = 'Cluster in healthy state';
// Phases of planned change (creation, scaling, upgrade, switchover); anything else with
// missing instances is a degraded cluster.
const CNPG_PROGRESS = /setting up primary|creating (a new )?replica|upgrad|switchover|failing over|scaling|cold start|applying configuration|inplace|restarting/i;

export const cnpgClusterRule: Rule = (o) => {
  const phase = str(o, 'status', 'phase');
  if (!phase) return undefined;
  const instances = num(o, 'status', 'instances') ?? num(o, 'spec', 'instances') ?? 0;
  const readyInstances = num(o, 'status', 'readyInstances') ?? 0;
  const counts = `${readyInstances}/${instances} instances ready`;
  const phaseReason = msg(str(o, 'status', 'phaseReason'));
  const detail = `${counts}, phase: ${msg(phase)}${phaseReason ? ` (${phaseReason})` : ''}`;
  const since = ltt(condition(o, 'Ready'));
  const current = str(o, 'status', 'currentPrimary');
  const target = str(o, 'status', 'targetPrimary');
  if (current && target && current !== target) return v('InProgress', `Switchover: primary ${current} -> ${target}; ${counts}`, since);
  if (CNPG_PROGRESS.test(phase)) return v('InProgress', detail, since);
  if (readyInstances < instances) return v('Failed', `Degraded: ${detail}`, since);
  if (phase !== CNPG_HEALTHY) return v('Failed', detail, since);
  return v('Current', `${CNPG_HEALTHY}: ${counts}${current ? `, primary ${current}` : ''}`, since);
};

export const prometheusRule: Rule = (o) => {
  if (bool(o, 'status', 'paused') || bool(o, 'spec', 'paused')) return v('Suspended', 'Reconciliation paused (spec.paused)');
  const reconciled = condition(o, 'Reconciled');
  const available = condition(o, 'Available');
  const replicas = `${num(o, 'status', 'availableReplicas') ?? 0}/${num(o, 'spec', 'replicas') ?? 1} replicas available`;
  if (reconciled?.status === 'False') return v('Failed', condText(reconciled), ltt(reconciled));
  if (available?.status === 'False') return v('Failed', `${condText(available)} (${replicas})`, ltt(available));
  // Available=Degraded: some replicas are down but Prometheus still serves
  if (available?.status === 'Degraded') return v('InProgress', `${condText(available)} (${replicas})`, ltt(available));
  if (available?.status === 'True') return v('Current', `Prometheus is available: ${replicas}`, ltt(available));
  return v('InProgress', available ? condText(available) : 'Waiting for the operator to report Available');
};

export const kafkaRule: Rule = (o) => {
  const paused = isTrue(o, 'ReconciliationPaused');
  if (paused) return v('Suspended', 'Reconciliation paused (strimzi.io/pause-reconciliation)', ltt(paused));
  const notReady = isTrue(o, 'NotReady');
  if (notReady) {
    return v(notReady.reason === 'Creating' ? 'InProgress' : 'Failed', condText(notReady), ltt(notReady));
  }
  const ready = condition(o, 'Ready');
  const warnings = conditions(o).filter((c) => c.type === 'Warning' && c.status === 'True');
  if (ready?.status === 'True') {
    const w = warnings.length ? `, ${countOf(warnings.length, 'warning')}: ${msg(warnings[0].message ?? warnings[0].reason)}` : '';
    return v('Current', `Kafka is Ready${w}`, ltt(ready));
  }
  if (ready?.status === 'False') return v('Failed', condText(ready), ltt(ready));
  return v('InProgress', ready ? condText(ready) : 'Waiting for the Strimzi operator');
};

const ARGO_HEALTH: Record<string, HealthStatus> = {
  Healthy: 'Current',
  Progressing: 'InProgress',
  Degraded: 'Failed',
  Suspended: 'Suspended',
  // Argo CD shows Missing in yellow: the resources are not (yet) in the cluster
  Missing: 'InProgress',
  Unknown: 'Unknown',
};

/**
 * Argo Rollouts' own status contract (argoproj.io/v1alpha1 Rollout, status.phase since v1.0):
 * Degraded → Failed (an aborted or failed canary/blue-green step), Paused → Suspended (a pause
 * step or spec.paused waiting for a promote), Progressing → InProgress, Healthy → Current; the
 * reason carries status.message and the available replicas.
 */
export const argoRolloutRule: Rule = (o) => {
  const phase = str(o, 'status', 'phase');
  if (!phase) return undefined;
  const message = msg(str(o, 'status', 'message'));
  const text = `${phase}${message ? `: ${message}` : ''} (${num(o, 'status', 'availableReplicas') ?? 0}/${num(o, 'spec', 'replicas') ?? 1} available)`;
  const status = lookup(ARGO_ROLLOUT_PHASE, phase);
  return status ? v(status, text) : undefined;
};
const ARGO_ROLLOUT_PHASE: Record<string, HealthStatus> = { Degraded: 'Failed', Paused: 'Suspended', Progressing: 'InProgress', Healthy: 'Current' };

export const argoApplicationRule: Rule = (o) => {
  const health = str(o, 'status', 'health', 'status');
  const sync = str(o, 'status', 'sync', 'status');
  const opPhase = str(o, 'status', 'operationState', 'phase');
  const opMessage = msg(str(o, 'status', 'operationState', 'message'));
  const since = str(o, 'status', 'operationState', 'finishedAt') ?? str(o, 'status', 'reconciledAt');
  const summary = `health ${health ?? 'unknown'}, sync ${sync ?? 'unknown'}`;
  if (opPhase === 'Failed' || opPhase === 'Error') return v('Failed', `Sync ${opPhase}: ${opMessage || summary}`, since);
  if (!health) return sync ? v('InProgress', summary) : undefined;
  const healthMessage = msg(str(o, 'status', 'health', 'message'));
  const status = lookup(ARGO_HEALTH, health) ?? 'Unknown';
  if (status === 'Current' && sync && sync !== 'Synced') return v('InProgress', summary, since);
  return v(status, healthMessage ? `${summary}: ${healthMessage}` : summary, since);
};
