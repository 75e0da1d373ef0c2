// Trace: from any object up to the Git (or Helm, OCI) source that put it in the cluster, as
// `flux trace` does (flux2 cmd/flux/trace.go, checked): the object, its owners up to the top
// controller, the Kustomization that applied it (the kustomize.toolkit.fluxcd.io/name +
// /namespace labels on the object or any owner, looked for first, as flux does), else the
// HelmRelease (helm.toolkit.fluxcd.io labels), else — beyond flux trace — a Kustomization
// or HelmRelease whose status.inventory lists one of them; then the Flux object's source:
// Kustomization → spec.sourceRef (GitRepository, OCIRepository, Bucket); HelmRelease →
// its HelmChart (status.helmChart, else <ns>-<name>) → the chart's HelmRepository,
// GitRepository or Bucket, or spec.chartRef's OCIRepository. Every step carries its Ready
// state and message, revisions (applied and attempted), URL and reference. Pure: reads go
// through the TreeIndex of one context; a step whose kind could not be read is unknown,
// never "not managed".
import { condition, str } from './access.js';
import { FLUX_KIND_GROUPS, fluxSummary, helmChartRef, sourceRefOf, type FluxRef } from './flux.js';
import { health } from './health.js';
import { groupOf, kindOf, ownerRefs, type ObjRef, type TreeIndex } from './tree.js';
import { splitApiVersion } from './types.js';

export type TraceVia = 'object' | 'owner' | 'flux-label' | 'flux-inventory' | 'source' | 'chart';

export interface TraceStep {
  via: TraceVia;
  kind: string;
  group: string;
  namespace: string;
  name: string;
  /** 'found'; 'missing': named (by a reference or a label) and not in the cluster; 'unknown': its kind could not be read */
  presence: 'found' | 'missing' | 'unknown';
  /** why unknown / missing, in words */
  note?: string;
  /** Flux kinds: the Ready condition (no condition reads Unknown, "waiting to be reconciled") */
  ready?: { status: 'True' | 'False' | 'Unknown'; reason?: string; message: string; since?: string };
  /** other kinds: the health verdict */
  health?: { status: string; reason: string };
  suspended?: boolean;
  /** Kustomization: lastAppliedRevision; HelmRelease: the deployed chart version; sources: the artifact revision */
  appliedRevision?: string;
  /** Kustomization / HelmRelease: lastAttemptedRevision */
  attemptedRevision?: string;
  /** sources: spec.url (Bucket: spec.endpoint/bucketName) */
  url?: string;
  /** GitRepository/OCIRepository: `branch main`, `tag v1.2.0`, `semver ^1`, `commit …`, `digest …`; HelmChart: `chart podinfo version 6.x` */
  reference?: string;
  /** Kustomization spec.path, targetNamespace */
  path?: string;
  targetNamespace?: string;
}

export interface Trace {
  steps: TraceStep[];
  /**
   * 'flux': a Flux object applied it; 'not-flux': nothing says so and the Flux kinds were
   * read (or are not served); 'unknown': the Flux kinds could not be read, so it may be.
   */
  managed: 'flux' | 'not-flux' | 'unknown';
  /** why managed is unknown, or what broke the chain */
  note?: string;
}

const KS_GROUP = FLUX_KIND_GROUPS.Kustomization;
const HR_GROUP = FLUX_KIND_GROUPS.HelmRelease;
const SRC_GROUP = FLUX_KIND_GROUPS.GitRepository;

const LABELS: { kind: 'Kustomization' | 'HelmRelease'; group: string }[] = [
  { kind: 'Kustomization', group: KS_GROUP },
  { kind: 'HelmRelease', group: HR_GROUP },
];

function nsOf(o: unknown): string {
  return str(o, 'metadata', 'namespace') ?? '';
}
function nameOf(o: unknown): string {
  return str(o, 'metadata', 'name') ?? '';
}

/** `flux trace`'s isManagedByFlux: both labels of the group, name non-empty. */
function labelledBy(o: unknown, group: string): { namespace: string; name: string } | undefined {
  const labels = (o as { metadata?: { labels?: Record<string, unknown> } })?.metadata?.labels;
  const name = labels?.[`${group}/name`];
  const namespace = labels?.[`${group}/namespace`];
  return typeof name === 'string' && name !== '' ? { name, namespace: typeof namespace === 'string' ? namespace : '' } : undefined;
}

function fluxStep(via: TraceVia, ref: ObjRef, kind: string, now: number): TraceStep {
  const o = ref.object;
  const s = fluxSummary(o, kind, now);
  const ready = condition(o, 'Ready');
  const step: TraceStep = {
    via,
    kind,
    group: groupOf(ref) || FLUX_KIND_GROUPS[kind] || '',
    namespace: nsOf(o),
    name: nameOf(o),
    presence: 'found',
    ready: { status: ready ? s.ready : 'Unknown', ...(s.readyReason ? { reason: s.readyReason } : {}), message: s.message, ...(ready?.lastTransitionTime ? { since: ready.lastTransitionTime } : {}) },
    suspended: s.suspended,
  };
  if (s.appliedRevision) step.appliedRevision = s.appliedRevision;
  if (s.attemptedRevision) step.attemptedRevision = s.attemptedRevision;
  const url = str(o, 'spec', 'url') ?? (kind === 'Bucket' ? [str(o, 'spec', 'endpoint'), str(o, 'spec', 'bucketName')].filter(Boolean).join('/') || undefined : undefined);
  if (url) step.url = url;
  const reference = referenceOf(o, kind);
  if (reference) step.reference = reference;
  if (kind === 'Kustomization') {
    const p = str(o, 'spec', 'path');
    if (p) step.path = p;
  }
  const target = str(o, 'spec', 'targetNamespace');
  if (target && (kind === 'Kustomization' || kind === 'HelmRelease')) step.targetNamespace = target;
  return step;
}

/** What a source follows, as flux trace prints it (Tag before SemVer before Branch; plus commit/digest). */
function referenceOf(o: unknown, kind: string): string | undefined {
  if (kind === 'HelmChart') {
    const chart = str(o, 'spec', 'chart');
    const version = str(o, 'spec', 'version');
    return chart ? `chart ${chart}${version ? ` version ${version}` : ''}` : undefined;
  }
  for (const [k, label] of [['tag', 'tag'], ['semver', 'semver'], ['branch', 'branch'], ['commit', 'commit'], ['digest', 'digest'], ['name', 'ref']] as const) {
    const v = str(o, 'spec', 'ref', k);
    if (v) return `${label} ${v}`;
  }
  return undefined;
}

function plainStep(via: TraceVia, ref: ObjRef, now: number): TraceStep {
  const o = ref.object;
  const kind = kindOf(ref);
  const group = groupOf(ref);
  const v = health(o, { group, kind }, { now });
  return { via, kind, group, namespace: nsOf(o), name: nameOf(o), presence: 'found', health: { status: v.status, reason: v.reason } };
}

function absentStep(via: TraceVia, r: { group: string; kind: string; namespace: string; name: string }, index: TreeIndex, what: string): TraceStep {
  const why = index.unlisted?.(r.group, r.kind, r.namespace || undefined);
  return {
    via,
    kind: r.kind,
    group: r.group,
    namespace: r.namespace,
    name: r.name,
    presence: why ? 'unknown' : 'missing',
    note: why ? `${what}; its kind is ${why}` : `${what} but not in the cluster`,
  };
}

/** The Flux object's source steps (Kustomization → source; HelmRelease → HelmChart → source, or chartRef). */
function sourceSteps(flux: ObjRef, kind: string, index: TreeIndex, now: number): TraceStep[] {
  const o = flux.object;
  const out: TraceStep[] = [];
  const follow = (ref: FluxRef, via: TraceVia, what: string): ObjRef | undefined => {
    const group = FLUX_KIND_GROUPS[ref.kind] ?? SRC_GROUP;
    const found = index.find(group, ref.kind, ref.namespace, ref.name);
    if (found) out.push(fluxStep(via, found, ref.kind, now));
    else out.push(absentStep(via, { group, ...ref }, index, what));
    return found;
  };
  if (kind === 'Kustomization') {
    const src = sourceRefOf(o, kind);
    if (src) follow(src, 'source', `spec.sourceRef names ${src.kind} ${src.namespace}/${src.name}`);
    return out;
  }
  // HelmRelease: a chartRef to an OCIRepository is the source itself; else the HelmChart, then its source
  const chartRef = sourceRefOf(o, 'HelmRelease');
  const direct = str(o, 'spec', 'chartRef', 'kind');
  if (direct && direct !== 'HelmChart' && chartRef) {
    follow(chartRef, 'source', `spec.chartRef names ${chartRef.kind} ${chartRef.namespace}/${chartRef.name}`);
    return out;
  }
  const chart = helmChartRef(o);
  if (!chart) return out;
  const chartObj = follow(chart, 'chart', `the HelmChart ${chart.namespace}/${chart.name} (status.helmChart)`);
  // the chart's own sourceRef, else the HelmRelease's spec.chart.spec.sourceRef (same namespace as the chart)
  const src = (chartObj && sourceRefOf(chartObj.object, 'HelmChart')) ?? (direct ? undefined : chartRef);
  if (src) follow({ ...src, namespace: chartObj ? nsOf(chartObj.object) || src.namespace : src.namespace }, 'source', `the chart's source ${src.kind} ${src.namespace}/${src.name}`);
  return out;
}

/** The trace of `root` within one context (the inventory fallback asks `index.appliedBy`); `now` is epoch ms. */
export function traceObject(root: ObjRef, index: TreeIndex, now: number): Trace {
  const steps: TraceStep[] = [plainOrFlux('object', root, now)];
  const chain: ObjRef[] = [root];
  const seen = new Set<string>([str(root.object, 'metadata', 'uid') ?? '']);
  let note: string | undefined;
  // owners up to the top controller (controller reference first, as kubectl-tree and flux read them)
  for (let cur = root; chain.length < 30; ) {
    const ref = ownerRefs(cur.object)[0];
    if (!ref) break;
    if (seen.has(ref.uid)) break;
    seen.add(ref.uid);
    const up = index.byUid(ref.uid);
    if (!up) {
      const group = splitApiVersion(ref.apiVersion ?? '').group;
      steps.push(absentStep('owner', { group, kind: ref.kind, namespace: nsOf(cur.object), name: ref.name }, index, `ownerReferences name ${ref.kind} ${ref.name}`));
      break;
    }
    steps.push(plainOrFlux('owner', up, now));
    chain.push(up);
    cur = up;
  }
  // the Flux object: labels (Kustomization first, then HelmRelease, over the whole chain, as flux trace), else inventories
  let flux: { ref?: ObjRef; kind: string; via: TraceVia; r: { group: string; kind: string; namespace: string; name: string } } | undefined;
  for (const l of LABELS) {
    for (const o of chain) {
      const by = labelledBy(o.object, l.group);
      if (!by) continue;
      const r = { group: l.group, kind: l.kind, namespace: by.namespace, name: by.name };
      flux = { ref: index.find(l.group, l.kind, by.namespace, by.name), kind: l.kind, via: 'flux-label', r };
      break;
    }
    if (flux) break;
  }
  if (!flux) {
    const appliers = chain.flatMap((c) => index.appliedBy(groupOf(c), kindOf(c), nsOf(c.object), nameOf(c.object)));
    // a Kustomization before a HelmRelease, as the labels are read
    for (const l of LABELS) {
      const f = appliers.find((a) => kindOf(a) === l.kind && groupOf(a) === l.group);
      if (!f) continue;
      flux = { ref: f, kind: l.kind, via: 'flux-inventory', r: { group: l.group, kind: l.kind, namespace: nsOf(f.object), name: nameOf(f.object) } };
      break;
    }
  }
  // the top of the chain may itself be a Flux object (tracing a Kustomization or a source)
  const top = chain[chain.length - 1];
  const topKind = kindOf(top);
  if (!flux && (topKind === 'Kustomization' || topKind === 'HelmRelease') && (groupOf(top) === KS_GROUP || groupOf(top) === HR_GROUP)) {
    steps.push(...sourceSteps(top, topKind, index, now));
    return { steps, managed: 'flux' };
  }
  if (!flux) {
    const why = [LABELS[0], LABELS[1]].map((l) => index.unlisted?.(l.group, l.kind, undefined)).find((w) => w !== undefined);
    // Flux labels every object it applies (kustomize-controller, helm-controller's post-renderer)
    // and restores them on drift: with no labels, appliers hidden in a few forbidden namespaces
    // are named, not allowed to turn the answer into "unknown"; a kind never read still does
    const partly = why && /^forbidden to list in (.+)$/.exec(why);
    if (partly) return { steps, managed: 'not-flux', note: `not managed by Flux: no Flux labels on the object or its owners, and no readable inventory lists them (Flux's kinds in ${partly[1]} could not be read)` };
    if (why) return { steps, managed: 'unknown', note: `no Flux labels on the object or its owners; Flux's own kinds are ${why}, so an inventory may still hold it` };
    return { steps, managed: 'not-flux', note: 'not managed by Flux: no Flux labels on the object or its owners, and no Kustomization or HelmRelease inventory lists them' };
  }
  if (!flux.ref) {
    steps.push(absentStep(flux.via, flux.r, index, `its labels name ${flux.kind} ${flux.r.namespace}/${flux.r.name}`));
    const last = steps[steps.length - 1];
    note = last.note;
    return { steps, managed: 'flux', note };
  }
  steps.push(fluxStep(flux.via, flux.ref, flux.kind, now));
  steps.push(...sourceSteps(flux.ref, flux.kind, index, now));
  return { steps, managed: 'flux' };
}

const FLUX_STEP_KINDS = new Set(Object.keys(FLUX_KIND_GROUPS));

function plainOrFlux(via: TraceVia, ref: ObjRef, now: number): TraceStep {
  const k = kindOf(ref);
  const g = groupOf(ref);
  return FLUX_STEP_KINDS.has(k) && g.endsWith('.toolkit.fluxcd.io') ? fluxStep(via, ref, k, now) : plainStep(via, ref, now);
}

/** The step as `Kind/namespace/name` (namespace left out for cluster-scoped objects). */
export function stepLabel(s: Pick<TraceStep, 'kind' | 'namespace' | 'name'>): string {
  return `${s.kind}/${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

/** The step's state in one word and why: Ready True/False/Unknown for Flux kinds, the health verdict otherwise. */
export function stepState(s: TraceStep): { status: string; reason?: string; message?: string } {
  if (s.presence !== 'found') return { status: s.presence === 'missing' ? 'NotFound' : 'Unknown', message: s.note };
  if (s.suspended) return { status: 'Suspended', message: s.ready?.message };
  if (s.ready) return { status: s.ready.status === 'True' ? 'Ready' : s.ready.status === 'False' ? 'NotReady' : 'Unknown', reason: s.ready.reason, message: s.ready.message };
  return { status: s.health?.status ?? 'Unknown', message: s.health?.reason };
}

