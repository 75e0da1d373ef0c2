// Compare: the same object (kind, namespace, name) side by side across contexts. Pure: the
// caller reads each context and says whether the object was found, is missing (that
// context's list of the kind was complete and does not hold it) or is unknown (the list was
// forbidden, failed or never finished). Two parts:
// - facts: for workloads, images per container, replicas, rollout revision, the Flux object
//   and source revision that applied it, health; for any kind, the Flux owner and health;
// - fields: every leaf of the desired state (every top-level field but apiVersion, kind,
//   metadata and status, plus metadata.labels and metadata.annotations) whose value is not
//   the same everywhere, with noise left out (see NOISE_PATHS / NOISE_ANNOTATIONS).
// Status is not diffed field by field (its timestamps and counters always differ): what of
// it matters is in the facts.
import { arr, isRecord, num, str, strMap } from './access.js';
import { fluxSummary } from './flux.js';
import { health } from './health.js';
import type { KubeObject } from './types.js';
import { splitApiVersion } from './types.js';

export type Presence = 'found' | 'missing' | 'unknown';

/** What one context said about the object. */
export interface CompareInput {
  context: string;
  presence: Presence;
  /** why the presence is 'unknown' (or extra detail for 'missing'), as the API said it */
  reason?: string;
  /** the object, when found */
  object?: KubeObject;
  /** the object's kind when the object carries none (list items) */
  kind?: string;
  /** the Flux Kustomization/HelmRelease that applied it, and that one's source, when found */
  flux?: { owner?: KubeObject; ownerKind?: string; source?: KubeObject; sourceKind?: string; unknown?: string };
  /** pods of a workload, to sharpen its health reason */
  related?: KubeObject[];
}

/** 'desired': what someone asked for (differences make compare exit 1); 'observed': what the cluster reports (shown, highlighted, exit unaffected). */
export type FactClass = 'desired' | 'observed';

export interface CompareRow {
  /** 'image cart-api', 'replicas', 'spec.template.spec.containers[name=cart-api].image' */
  field: string;
  class: FactClass;
  /** value per context name; undefined where the object has no such field or is not found */
  values: Record<string, string | undefined>;
  /** the values are not all equal across the contexts where the object was found */
  differs: boolean;
}

export interface CompareResult {
  kind: string;
  namespace: string;
  name: string;
  /** every context, in the order given, with its presence */
  contexts: { context: string; presence: Presence; reason?: string }[];
  /** facts (workload and Flux), always listed, differing or not */
  facts: CompareRow[];
  /** only the desired-state fields that differ */
  fields: CompareRow[];
  /**
   * 'equal': found in every context, no desired difference; 'differ': a desired fact or
   * field differs, or the object is missing from a context that was read completely;
   * 'incomplete': no difference among what was read, but a context is unknown (unknown is
   * never reported as equal); 'absent': found nowhere.
   */
  verdict: 'equal' | 'differ' | 'incomplete' | 'absent';
  /** observed facts (ready replicas, health, ...) differ: shown, not part of the verdict */
  observedDiffers: boolean;
}

/** metadata.annotations left out of field diffs: bookkeeping written by controllers and kubectl (its revision is a fact). */
export const NOISE_ANNOTATIONS: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'reconcile.fluxcd.io/requestedAt',
  'reconcile.fluxcd.io/forceAt',
  'reconcile.fluxcd.io/resetAt',
]);

/**
 * Leaf paths (as flattenFields writes them, `*` for any list index or key) that every cluster
 * allocates for itself, so they differ without anyone asking: Service IPs and node ports, a
 * claim's bound volume, a pod's node, a Job's generated selector and controller-uid labels.
 */
export const NOISE_PATHS: readonly RegExp[] = [
  /^spec\.clusterIPs?(\[|$)/,
  /^spec\.healthCheckNodePort$/,
  /^spec\.ports\[[^\]]*\]\.nodePort$/,
  /^spec\.volumeName$/,
  /^spec\.nodeName$/,
  /^spec\.selector\.matchLabels\["?(batch\.kubernetes\.io\/)?controller-uid"?\]$/,
  /^spec\.template\.metadata\.labels\["?(batch\.kubernetes\.io\/)?controller-uid"?\]$/,
  /^metadata\.labels\["?(batch\.kubernetes\.io\/)?controller-uid"?\]$/,
];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

const keyPart = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `["${k}"]`);

/**
 * Leaves of a JSON value as path → JSON text. Objects by key (`.key`, or `["a/b"]` for keys
 * that are not identifiers); lists whose items all carry a string `name` by that name
 * (`[name=web]`, so a reordered container list is not a change), other lists by index.
 * Empty objects and lists are leaves (`{}`, `[]`).
 */
export function flattenFields(v: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(prefix, '[]');
    const named = v.length > 0 && v.every((x) => isRecord(x) && typeof x.name === 'string');
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const n = named ? String((x as { name: string }).name) : '';
      const key = named && !seen.has(n) ? `[name=${n}]` : `[${i}]`;
      seen.add(n);
      flattenFields(x, prefix + key, out);
    });
    return out;
  }
  if (isRecord(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) out.set(prefix, '{}');
    for (const k of keys.sort()) flattenFields(v[k], prefix ? prefix + keyPart(k) : k, out);
    return out;
  }
  out.set(prefix, typeof v === 'string' ? v : JSON.stringify(v ?? null));
  return out;
}

/** The desired state compared across contexts: every top-level field but identity, metadata and status; labels and annotations without noise. */
export function desiredState(o: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status') out[k] = v;
  const labels = strMap(o, 'metadata', 'labels');
  const annotations = Object.fromEntries(Object.entries(strMap(o, 'metadata', 'annotations')).filter(([k]) => !NOISE_ANNOTATIONS.has(k)));
  const meta: Record<string, unknown> = {};
  if (Object.keys(labels).length) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  if (Object.keys(meta).length) out.metadata = meta;
  return out;
}

function templateOf(o: KubeObject, kind: string): unknown {
  if (kind === 'CronJob') return (isRecord(o.spec) && isRecord(o.spec.jobTemplate) && isRecord(o.spec.jobTemplate.spec) ? o.spec.jobTemplate.spec.template : undefined);
  return isRecord(o.spec) ? o.spec.template : undefined;
}

/** Container name → image, init containers as `init:<name>`, from the pod template. */
export function templateImages(template: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of arr(template, 'spec', 'initContainers')) {
    const n = str(c, 'name');
    const i = str(c, 'image');
    if (n && i) out[`init:${n}`] = i;
  }
  for (const c of arr(template, 'spec', 'containers')) {
    const n = str(c, 'name');
    const i = str(c, 'image');
    if (n && i) out[n] = i;
  }
  return out;
}

/** The rollout revision as the workload records it: a Deployment's (ReplicaSet's) revision annotation, a StatefulSet's update revision. A DaemonSet records none on itself (its ControllerRevisions do). */
export function rolloutRevision(o: KubeObject, kind: string): string | undefined {
  if (kind === 'Deployment' || kind === 'ReplicaSet') return strMap(o, 'metadata', 'annotations')['deployment.kubernetes.io/revision'];
  if (kind === 'StatefulSet') return str(o, 'status', 'updateRevision') ?? str(o, 'status', 'currentRevision');
  return undefined;
}

function replicas(o: KubeObject, kind: string): { desired?: number; ready?: number } {
  if (kind === 'DaemonSet') return { desired: num(o, 'status', 'desiredNumberScheduled'), ready: num(o, 'status', 'numberReady') };
  if (kind === 'Job') return { desired: num(o, 'spec', 'completions') ?? 1, ready: num(o, 'status', 'succeeded') ?? 0 };
  if (kind === 'CronJob') return {};
  return { desired: num(o, 'spec', 'replicas') ?? (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet' ? 1 : undefined), ready: num(o, 'status', 'readyReplicas') ?? 0 };
}

type Facts = { field: string; class: FactClass; value: string | undefined }[];

function kindOfInput(i: CompareInput): string {
  return str(i.object, 'kind') ?? i.kind ?? '';
}

/** The facts of one found object, in display order. `now` is epoch ms (health reasons with ages). */
export function objectFacts(i: CompareInput, now: number): Facts {
  const o = i.object;
  if (!o) return [];
  const kind = kindOfInput(i);
  const out: Facts = [];
  if (WORKLOADS.has(kind)) {
    for (const [c, image] of Object.entries(templateImages(templateOf(o, kind)))) out.push({ field: `image ${c}`, class: 'desired', value: image });
    const r = replicas(o, kind);
    if (kind !== 'DaemonSet' && kind !== 'CronJob') out.push({ field: 'replicas desired', class: 'desired', value: r.desired === undefined ? undefined : String(r.desired) });
    if (kind === 'DaemonSet') out.push({ field: 'pods scheduled', class: 'observed', value: r.desired === undefined ? undefined : String(r.desired) });
    if (kind !== 'CronJob') out.push({ field: kind === 'Job' ? 'succeeded' : 'replicas ready', class: 'observed', value: r.ready === undefined ? undefined : String(r.ready) });
    const rev = rolloutRevision(o, kind);
    if (rev !== undefined || kind === 'Deployment' || kind === 'StatefulSet') out.push({ field: 'rollout revision', class: 'observed', value: rev });
  }
  const f = i.flux;
  if (f?.owner) {
    const ownerKind = str(f.owner, 'kind') ?? f.ownerKind ?? 'Kustomization';
    const s = fluxSummary(f.owner, ownerKind, now);
    out.push({ field: 'flux owner', class: 'desired', value: `${ownerKind}/${s.namespace}/${s.name}` });
    out.push({ field: 'flux applied revision', class: 'desired', value: s.appliedRevision });
    if (s.attemptedRevision && s.attemptedRevision !== s.appliedRevision) out.push({ field: 'flux attempted revision', class: 'observed', value: s.attemptedRevision });
    out.push({ field: 'flux ready', class: 'observed', value: `${s.ready}${s.readyReason ? ` ${s.readyReason}` : ''}` });
    if (f.source) {
      const sk = str(f.source, 'kind') ?? f.sourceKind ?? '';
      out.push({ field: 'flux source', class: 'desired', value: `${sk}/${str(f.source, 'metadata', 'namespace') ?? ''}/${str(f.source, 'metadata', 'name') ?? ''}` });
      out.push({ field: 'source revision', class: 'observed', value: str(f.source, 'status', 'artifact', 'revision') });
    }
  } else if (f?.unknown) {
    out.push({ field: 'flux owner', class: 'desired', value: `unknown (${f.unknown})` });
  } else {
    out.push({ field: 'flux owner', class: 'desired', value: 'none' });
  }
  const { group } = splitApiVersion(str(o, 'apiVersion') ?? '');
  const v = health(o, { group, kind }, { now, related: i.related ?? [] });
  out.push({ field: 'health', class: 'observed', value: v.status === 'Current' ? 'Current' : `${v.status}: ${v.reason}` });
  return out;
}

function ignored(path: string): boolean {
  return NOISE_PATHS.some((re) => re.test(path));
}

function differs(values: Record<string, string | undefined>, found: string[]): boolean {
  if (found.length < 2) return false;
  const first = values[found[0]];
  return found.some((c) => values[c] !== first);
}

/**
 * Compares one object across contexts. `inputs` in display order; `now` epoch ms. Fields
 * present in some contexts and absent in others differ (the absent side is undefined).
 */
export function compareObjects(ref: { kind: string; namespace: string; name: string }, inputs: CompareInput[], now: number): CompareResult {
  const found = inputs.filter((i) => i.presence === 'found' && i.object).map((i) => i.context);
  const facts: CompareRow[] = [];
  const factIndex = new Map<string, CompareRow>();
  for (const i of inputs) {
    if (i.presence !== 'found') continue;
    for (const f of objectFacts(i, now)) {
      let row = factIndex.get(f.field);
      if (!row) {
        row = { field: f.field, class: f.class, values: {}, differs: false };
        factIndex.set(f.field, row);
        facts.push(row);
      }
      row.values[i.context] = f.value;
    }
  }
  for (const r of facts) r.differs = differs(r.values, found);

  const flat = new Map<string, Map<string, string>>();
  for (const i of inputs) if (i.presence === 'found' && i.object) flat.set(i.context, flattenFields(desiredState(i.object)));
  const paths = new Set<string>();
  for (const m of flat.values()) for (const p of m.keys()) if (!ignored(p)) paths.add(p);
  const fields: CompareRow[] = [];
  for (const p of [...paths].sort()) {
    const values: Record<string, string | undefined> = {};
    for (const c of found) values[c] = flat.get(c)?.get(p);
    if (differs(values, found)) fields.push({ field: p, class: 'desired', values, differs: true });
  }

  const missing = inputs.some((i) => i.presence === 'missing');
  const unknown = inputs.some((i) => i.presence === 'unknown');
  const desiredDiff = fields.length > 0 || facts.some((r) => r.differs && r.class === 'desired');
  const verdict: CompareResult['verdict'] =
    found.length === 0 && !unknown ? 'absent' : desiredDiff || (missing && found.length > 0) ? 'differ' : unknown || found.length === 0 ? 'incomplete' : 'equal';
  return {
    ...ref,
    contexts: inputs.map((i) => ({ context: i.context, presence: i.presence, ...(i.reason ? { reason: i.reason } : {}) })),
    facts,
    fields,
    verdict,
    observedDiffers: facts.some((r) => r.differs && r.class === 'observed'),
  };
}

/** compare's exit code: 0 equal, 1 differ (or absent from every context that was read), 2 when the answer is incomplete. */
export function compareExitCode(r: CompareResult): 0 | 1 | 2 {
  return r.verdict === 'equal' ? 0 : r.verdict === 'incomplete' ? 2 : 1;
}
