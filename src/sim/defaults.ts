// The API server's defaulting of pod templates, as kube-apiserver 1.36 stores them (measured
// on the real control plane): without it a template written by kubectl (which sends
// `resources: {}` and `creationTimestamp: null`) and the same template written by another
// client would differ in the sim and be equal on a real cluster.
import type { KubeObject } from '../model/types.js';
import { isRecord } from '../model/access.js';

type Json = Record<string, unknown>;

// where each workload kind keeps its pod template
const TEMPLATE_PATHS: Record<string, string[][]> = {
  'deployments.apps': [['spec', 'template']],
  'replicasets.apps': [['spec', 'template']],
  'statefulsets.apps': [['spec', 'template']],
  'daemonsets.apps': [['spec', 'template']],
  'jobs.batch': [['spec', 'template']],
  'cronjobs.batch': [['spec', 'jobTemplate', 'spec', 'template']],
  replicationcontrollers: [['spec', 'template']],
  podtemplates: [['template']],
};

const POD_SPEC_DEFAULTS: Json = {
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  terminationGracePeriodSeconds: 30,
};

/** `:latest` or no tag pulls Always; anything else IfNotPresent (a digest counts as a tag). */
function pullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: unknown): void {
  if (!isRecord(c)) return;
  c.imagePullPolicy ??= pullPolicy(c.image);
  c.resources ??= {};
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
}

// Jobs must name their restartPolicy (the real API rejects Always there): not defaulted.
const NO_RESTART_DEFAULT = new Set(['jobs.batch', 'cronjobs.batch']);

function defaultTemplate(t: unknown, restartPolicy: boolean): void {
  if (!isRecord(t)) return;
  // a zero creationTimestamp is not serialized (kubectl sends it as null)
  if (isRecord(t.metadata) && t.metadata.creationTimestamp === null) delete t.metadata.creationTimestamp;
  if (!isRecord(t.spec)) return;
  const spec = t.spec;
  for (const [k, v] of Object.entries(POD_SPEC_DEFAULTS)) spec[k] ??= v;
  if (restartPolicy) spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  for (const list of [spec.initContainers, spec.containers]) if (Array.isArray(list)) list.forEach(defaultContainer);
}

function at(o: unknown, path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

/** Defaults the pod templates of `obj` (a resource of `key`) in place; other kinds are left alone. */
export function applyApiDefaults(key: string, obj: KubeObject): void {
  for (const path of TEMPLATE_PATHS[key] ?? []) defaultTemplate(at(obj, path), !NO_RESTART_DEFAULT.has(key));
}

/**
 * What kube-apiserver adds to a Job on create once it has a uid (pkg/registry/batch/job
 * strategy generateSelector, then SetDefaults_Job on read): unless spec.manualSelector, the pod
 * template gets `batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name` and the
 * legacy `controller-uid`, `job-name` labels, spec.selector matches the controller-uid, and a
 * Job without labels takes its template's. Other kinds are left alone.
 */
export function applyCreateDefaults(key: string, obj: KubeObject): void {
  if (key !== 'jobs.batch' || !isRecord(obj.spec) || obj.spec.manualSelector === true) return;
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name;
  const template = isRecord(obj.spec.template) ? obj.spec.template : (obj.spec.template = {});
  const meta = isRecord(template.metadata) ? template.metadata : (template.metadata = {});
  const labels = isRecord(meta.labels) ? (meta.labels as Record<string, string>) : (meta.labels = {} as Record<string, string>);
  for (const k of ['job-name', 'batch.kubernetes.io/job-name']) labels[k] ??= name;
  for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid']) labels[k] ??= uid;
  const selector = isRecord(obj.spec.selector) ? obj.spec.selector : (obj.spec.selector = {});
  const match = isRecord(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : (selector.matchLabels = {} as Record<string, string>);
  match['batch.kubernetes.io/controller-uid'] ??= uid;
  if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) obj.metadata.labels = { ...labels };
}
