// The action catalog, as data: what each action applies to and the exact requests it
// plans. Every mutation fleetdeck makes is planned here and sent by the executor.
import { bool, str } from '../model/access.js';
import { ANNOTATIONS, FLUX_GROUPS, fluxOwnerLabel, sourceChain } from './flux.js';
import { targetPath } from './paths.js';
import type { ActionOptions, Lookup, PlannedRequest, Target } from './types.js';

export const MERGE_PATCH = 'application/merge-patch+json';

export interface KindMatch {
  group: string;
  kind: string;
}

export interface PlanInput {
  /** RFC3339Nano time of the plan: the reconcile token */
  token: string;
  options: ActionOptions;
  lookup?: Lookup;
}

export interface TargetPlan {
  requests: PlannedRequest[];
  notes: string[];
  refused?: string;
  alternative?: string;
}

export interface CatalogEntry {
  id: string;
  label: string;
  /** default key; the keymap may rebind it */
  key?: string;
  kinds: KindMatch[];
  mutating: boolean;
  /** the outcome's message when the requests succeed and none is followed */
  doneMessage: string;
  plan(target: Target, input: PlanInput): TargetPlan;
}

const S = FLUX_GROUPS.source;
const SOURCES: KindMatch[] = ['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket'].map((kind) => ({ group: S, kind }));
const RECONCILED: KindMatch[] = [
  { group: FLUX_GROUPS.kustomize, kind: 'Kustomization' },
  { group: FLUX_GROUPS.helm, kind: 'HelmRelease' },
  ...SOURCES,
  { group: FLUX_GROUPS.notification, kind: 'Receiver' },
  { group: FLUX_GROUPS.image, kind: 'ImageRepository' },
  { group: FLUX_GROUPS.image, kind: 'ImageUpdateAutomation' },
];
// Alert and Provider have spec.suspend but no status: they can be suspended, never followed.
const SUSPENDABLE: KindMatch[] = [
  ...RECONCILED,
  { group: FLUX_GROUPS.notification, kind: 'Alert' },
  { group: FLUX_GROUPS.notification, kind: 'Provider' },
];
const HELM_RELEASE: KindMatch[] = [{ group: FLUX_GROUPS.helm, kind: 'HelmRelease' }];

const ref = (t: Target) => ({ kind: t.kind, namespace: t.namespace, name: t.name });
const isSuspended = (t: Target) => bool(t.object, 'spec', 'suspend') === true;

function mergePatch(t: Target, input: PlanInput, body: unknown): PlannedRequest {
  return { method: 'PATCH', path: targetPath(t, input.lookup), contentType: MERGE_PATCH, body, object: ref(t) };
}

function ownerNote(t: Target, what: string): string[] {
  const owner = fluxOwnerLabel(t);
  if (!owner) return [];
  return [`${owner.kind} ${owner.namespace}/${owner.name} applies this ${t.kind} from Git: ${what}`];
}

/** The reconcile patch of one object: requestedAt, plus forceAt/resetAt (HelmRelease) equal to it. */
function reconcileAnnotations(t: Target, token: string, options: ActionOptions): Record<string, string> {
  const annotations: Record<string, string> = { [ANNOTATIONS.requestedAt]: token };
  if (t.kind === 'HelmRelease') {
    if (options.force) annotations[ANNOTATIONS.forceAt] = token;
    if (options.reset) annotations[ANNOTATIONS.resetAt] = token;
  }
  return annotations;
}

function planReconcile(t: Target, input: PlanInput, allowSuspended: boolean): TargetPlan {
  const { token, options } = input;
  const notes: string[] = [];
  if (isSuspended(t) && !allowSuspended) {
    return {
      requests: [],
      notes,
      refused: `${t.kind} ${t.name} is suspended: Flux ignores reconcile requests on suspended objects`,
      alternative: 'resume-and-reconcile',
    };
  }
  if (t.kind === 'HelmRepository' && str(t.object, 'spec', 'type') === 'oci') {
    return { requests: [], notes, refused: `HelmRepository ${t.name} is of type oci (static): nothing to reconcile` };
  }
  if ((options.force || options.reset) && t.kind !== 'HelmRelease') notes.push('--force and --reset apply to HelmReleases only; ignored');
  const requests: PlannedRequest[] = [];
  if (options.withSource) {
    const chain = sourceChain(t, input.lookup);
    notes.push(...chain.notes);
    if (chain.error) return { requests: [], notes, refused: chain.error };
    for (const s of chain.sources) {
      requests.push({
        method: 'PATCH',
        path: s.path,
        contentType: MERGE_PATCH,
        body: { metadata: { annotations: { [ANNOTATIONS.requestedAt]: token } } },
        object: { kind: s.kind, namespace: s.namespace, name: s.name },
        ...(s.skip ? {} : { wait: { token } }),
      });
    }
  }
  requests.push({ ...mergePatch(t, input, { metadata: { annotations: reconcileAnnotations(t, token, options) } }), wait: { token } });
  return { requests, notes };
}

const suspendBody = { spec: { suspend: true } };
// null removes the key, as Flux recommends, rather than leaving suspend: false behind.
const resumeBody = { spec: { suspend: null } };

export const CATALOG: CatalogEntry[] = [
  {
    id: 'suspend',
    label: 'Suspend',
    key: 'S',
    kinds: SUSPENDABLE,
    mutating: true,
    doneMessage: 'suspended',
    plan: (t, input) => ({
      requests: [mergePatch(t, input, suspendBody)],
      notes: [
        ...(isSuspended(t) ? [`${t.kind} ${t.name} is already suspended`] : []),
        ...ownerNote(t, 'a suspend set here is overwritten if Git sets spec.suspend'),
      ],
    }),
  },
  {
    id: 'resume',
    label: 'Resume',
    key: 'U',
    kinds: SUSPENDABLE,
    mutating: true,
    doneMessage: 'resumed',
    plan: (t, input) => ({
      requests: [mergePatch(t, input, resumeBody)],
      notes: [
        ...(isSuspended(t) ? [] : [`${t.kind} ${t.name} is not suspended`]),
        ...ownerNote(t, 'a suspend set in Git comes back at its next reconcile'),
      ],
    }),
  },
  {
    id: 'reconcile',
    label: 'Reconcile',
    key: 'R',
    kinds: RECONCILED,
    mutating: true,
    doneMessage: 'reconcile requested',
    plan: (t, input) => planReconcile(t, input, false),
  },
  {
    id: 'resume-and-reconcile',
    label: 'Resume and reconcile',
    kinds: RECONCILED,
    mutating: true,
    doneMessage: 'resumed and reconcile requested',
    plan: (t, input) => {
      const rec = planReconcile(t, input, true);
      if (rec.refused) return rec;
      const resume = mergePatch(t, input, resumeBody);
      const notes = [...rec.notes, ...ownerNote(t, 'a suspend set in Git comes back at its next reconcile')];
      // Sources are reconciled first, then the object is resumed and its reconcile requested.
      return { requests: [...rec.requests.slice(0, -1), resume, ...rec.requests.slice(-1)], notes };
    },
  },
  {
    id: 'force',
    label: 'Force upgrade (HelmRelease)',
    key: 'F',
    kinds: HELM_RELEASE,
    mutating: true,
    doneMessage: 'forced upgrade requested',
    plan: (t, input) => planReconcile(t, { ...input, options: { ...input.options, force: true } }, false),
  },
  {
    id: 'reset',
    label: 'Reset failures (HelmRelease)',
    kinds: HELM_RELEASE,
    mutating: true,
    doneMessage: 'reset requested',
    plan: (t, input) => planReconcile(t, { ...input, options: { ...input.options, reset: true } }, false),
  },
];

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}

function groupOf(t: Target): string {
  const apiVersion = t.object.apiVersion;
  if (apiVersion) return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const i = t.resource.indexOf('.');
  return i < 0 ? '' : t.resource.slice(i + 1);
}

export function appliesTo(entry: CatalogEntry, t: Target): boolean {
  const group = groupOf(t);
  return entry.kinds.some((k) => k.kind === t.kind && k.group === group);
}

/** Catalog entries that apply to every one of the targets (for a menu over marked rows). */
export function actionsFor(targets: Target[]): CatalogEntry[] {
  return CATALOG.filter((e) => targets.length > 0 && targets.every((t) => appliesTo(e, t)));
}
