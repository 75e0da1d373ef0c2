// The action catalog, as data: what each action applies to and the exact requests it
// plans. Bodies come from the pure request builders of src/model (patches.ts, rollout.ts);
// this file adds what an action needs around them: refusals, sources, waits, GitOps notes.
import { bool, str } from '../model/access.js';
import { deletePlan, fluxManaged, fluxOwnerNotes, fluxRestartNotes, reconcilePlan, restartPlan, resumePlan, scalePlan, suspendOwnerFirst, suspendPlan, type Change, type FluxManager } from '../model/patches.js';
import { planRollback } from '../model/rollout.js';
import { capabilitiesOf, historyOf, KINDS, type Capability } from '../model/kinds.js';
import { groupOfResource, splitApiVersion, type KubeObject, type ResourceType } from '../model/types.js';
import { FLUX_GROUPS, sourceChain, sourceRefs } from './flux.js';
import { findResource, targetObject, targetType } from './paths.js';
import type { ActionOptions, Lookup, ObjectName, PlannedRequest, Target } from './types.js';
import { TRIAGE_ENTRIES } from './triage.js';

export interface KindMatch {
  group: string;
  kind: string;
}

export interface PlanInput {
  /** when the plan was made */
  now: Date;
  /** RFC3339Nano of `now`: the reconcile token */
  token: string;
  options: ActionOptions;
  lookup?: Lookup;
}

export interface TargetPlan {
  /** the change in words ("roll back Deployment shop/web to revision 2"), shown before the requests */
  summary?: string;
  requests: PlannedRequest[];
  notes: string[];
  refused?: string;
  alternative?: string;
}

export interface CatalogEntry {
  id: string;
  label: string;
  /** the declared kinds it applies to (from the kind registry's capabilities); 'any' for every kind (delete) */
  kinds: KindMatch[] | 'any';
  /** the capability it needs; a kind discovery gives it (scale: a served /scale subresource) qualifies too */
  needs?: Capability;
  mutating: boolean;
  /** a session (exec, port-forward): its one request is opened through Executor.session, not sent */
  session?: boolean;
  /** the typed confirmation is asked on every context, not only protected ones (finalizer removal) */
  alwaysTyped?: boolean;
  /** the outcome's message when the requests succeed and none is followed */
  doneMessage: string;
  /**
   * The objects besides the target the plan reads through the lookup (a Flux owner, a
   * reconcile's sources), given the lookup as it stands: the executor's `readMissing` GETs
   * those the cache lacks, so a plan never refuses for want of a watch.
   */
  reads?(target: Target, options: ActionOptions, lookup: Lookup | undefined): ObjectToRead[];
  plan(target: Target, input: PlanInput): TargetPlan;
}

/** An object a plan reads: its context, group, kind, namespace ('' or undefined at cluster scope) and name. */
export interface ObjectToRead {
  context: string;
  group: string;
  kind: string;
  namespace: string | undefined;
  name: string;
}

/** The declared kinds with a capability (the kind registry, src/model/kinds.ts). */
function kindsWith(cap: Capability): KindMatch[] {
  return KINDS.filter((e) => e.can?.includes(cap)).map(({ group, kind }) => ({ group, kind }));
}
const RECONCILED = kindsWith('reconcile');
const SUSPENDABLE = kindsWith('suspend');
const HELM_RELEASE = kindsWith('helm');
const ROLLOUT = kindsWith('rollback');
const RESTARTABLE = kindsWith('restart');
const SCALABLE = kindsWith('scale');

const refOf = (t: Target): ObjectName => ({ kind: t.kind, namespace: t.namespace, name: t.name });
const isSuspended = (t: Target) => bool(t.object, 'spec', 'suspend') === true;

/** A builder's answer as this target's plan: its requests aimed at `object`, its notes kept. */
function fromBuilder(p: Change, object: ObjectName, extra: { notes?: string[]; wait?: string } = {}): TargetPlan {
  if (!p.ok) return { requests: [], notes: extra.notes ?? [], refused: p.error };
  const requests = p.requests.map((r): PlannedRequest => ({ ...r, object, ...(extra.wait ? { wait: { token: extra.wait } } : {}) }));
  return { summary: p.summary, requests, notes: [...(extra.notes ?? []), ...(p.notes ?? [])] };
}

/** The Flux owner's group, by its kind. */
const ownerGroup = (kind: FluxManager['kind']) => (kind === 'HelmRelease' ? FLUX_GROUPS.helm : FLUX_GROUPS.kustomize);

/** The Flux owner as the lookup holds it (cached, or read by `ownerReads`), with its served type. */
function ownerOf(t: Target, m: FluxManager, lookup: Lookup | undefined): { rt?: ResourceType; object?: KubeObject } {
  const rt = findResource(lookup, t.context, ownerGroup(m.kind), m.kind);
  return { rt, object: rt ? lookup?.get(t.context, `${rt.resource}.${rt.group}`, m.namespace, m.name) : undefined };
}

/** Flux applied this object: who, how long `change` lasts, and the honest options. */
function gitOpsNotes(t: Target, lookup: Lookup | undefined, change: string): string[] {
  const m = fluxManaged(t.object);
  if (!m) return [];
  // a HelmRelease's own spec (its drift detection) says when helm-controller undoes the change
  const owner = m.kind === 'HelmRelease' ? ownerOf(t, m, lookup).object : undefined;
  return fluxOwnerNotes(fluxManaged(t.object, owner) ?? m, t.kind, change);
}

/**
 * A workload action's plan, with --suspend-owner: the Flux owner's suspend request first (aimed
 * at the owner, so the confirm dialog and the audit name it), then the action, as one plan.
 */
function ownerFirst(t: Target, input: PlanInput, p: Change): { plan: Change; owner?: ObjectName; refused?: string } {
  const m = input.options.suspendOwner ? fluxManaged(t.object) : undefined;
  if (!m || m.reconcileDisabled || !p.ok) return { plan: p };
  const { rt, object } = ownerOf(t, m, input.lookup);
  if (!rt) return { plan: p, refused: `its Flux owner's kind ${m.kind} is not served in ${t.context}: cannot suspend it first` };
  if (!object) {
    const why = input.lookup?.unread?.(t.context, `${rt.resource}.${rt.group}`, m.namespace, m.name) ?? 'it was not read';
    return { plan: p, refused: `its Flux owner ${m.kind} ${m.namespace}/${m.name} cannot be suspended first: ${why}` };
  }
  return { plan: suspendOwnerFirst(p, { ...object, kind: m.kind }, rt), owner: { kind: m.kind, namespace: m.namespace, name: m.name } };
}

/**
 * The Flux owner a plan reads: with --suspend-owner, to suspend it; a HelmRelease always, as
 * its drift detection mode says when the change is undone.
 */
function ownerReads(t: Target, options: ActionOptions): ObjectToRead[] {
  const m = fluxManaged(t.object);
  if (!m || m.reconcileDisabled || (!options.suspendOwner && m.kind !== 'HelmRelease')) return [];
  return [{ context: t.context, group: ownerGroup(m.kind), kind: m.kind, namespace: m.namespace, name: m.name }];
}

/** A reconcile --with-source reads its sources (and a chartRef HelmChart, whose source comes next). */
function sourceReads(t: Target, options: ActionOptions, lookup: Lookup | undefined): ObjectToRead[] {
  if (!options.withSource) return [];
  return sourceRefs(t, lookup).map((r) => ({ context: t.context, group: FLUX_GROUPS.source, kind: r.kind, namespace: r.namespace, name: r.name }));
}

function workloadPlan(t: Target, input: PlanInput, p: Change, notes: string[]): TargetPlan {
  const { plan, owner, refused } = ownerFirst(t, input, p);
  if (refused) return { requests: [], notes, refused };
  const out = fromBuilder(plan, refOf(t), { notes: owner ? [] : notes });
  // the first request of an owner-first plan is the owner's suspend
  if (owner && out.requests.length > 0) out.requests[0] = { ...out.requests[0], object: owner };
  return out;
}

function planReconcile(t: Target, input: PlanInput, allowSuspended: boolean): TargetPlan {
  const { token, options } = input;
  if (isSuspended(t) && !allowSuspended) {
    return {
      requests: [],
      notes: [],
      refused: `${t.kind} ${t.name} is suspended: Flux ignores reconcile requests on suspended objects`,
      alternative: 'resume-and-reconcile',
    };
  }
  if (t.kind === 'HelmRepository' && str(t.object, 'spec', 'type') === 'oci') {
    return { requests: [], notes: [], refused: `HelmRepository ${t.name} is of type oci (static): nothing to reconcile` };
  }
  const sources: TargetPlan = { requests: [], notes: [] };
  if (options.withSource) {
    const chain = sourceChain(t, input.lookup);
    sources.notes.push(...chain.notes);
    if (chain.error) return { ...sources, refused: chain.error };
    for (const s of chain.sources) {
      const obj: KubeObject = s.object ?? { kind: s.kind, metadata: { name: s.name, namespace: s.namespace } };
      const p = fromBuilder(reconcilePlan({ ...obj, kind: s.kind }, s.type, token), { kind: s.kind, namespace: s.namespace, name: s.name }, s.skip ? {} : { wait: token });
      if (p.refused) return { ...sources, refused: `source ${s.kind} ${s.namespace}/${s.name}: ${p.refused}` };
      sources.requests.push(...p.requests);
    }
  }
  // Resume-and-reconcile plans the reconcile as of the resumed object: its resume request goes first.
  const obj = allowSuspended ? { ...targetObject(t), spec: { ...(t.object.spec as object | undefined), suspend: undefined } } : targetObject(t);
  const own = fromBuilder(reconcilePlan(obj, targetType(t, input.lookup), token, { force: options.force, reset: options.reset }), refOf(t), { wait: token });
  return { requests: [...sources.requests, ...own.requests], notes: [...sources.notes, ...own.notes], ...(own.refused ? { refused: own.refused } : {}) };
}

const FLUX_ENTRIES: CatalogEntry[] = [
  {
    id: 'suspend',
    needs: 'suspend',
    label: 'Suspend',
    kinds: SUSPENDABLE,
    mutating: true,
    doneMessage: 'suspended',
    plan: (t, input) =>
      fromBuilder(suspendPlan(targetObject(t), targetType(t, input.lookup)), refOf(t), {
        notes: isSuspended(t) ? [`${t.kind} ${t.name} is already suspended`] : [],
      }),
  },
  {
    id: 'resume',
    needs: 'suspend',
    label: 'Resume',
    kinds: SUSPENDABLE,
    mutating: true,
    doneMessage: 'resumed',
    plan: (t, input) =>
      fromBuilder(resumePlan(targetObject(t), targetType(t, input.lookup)), refOf(t), {
        notes: isSuspended(t) ? [] : [`${t.kind} ${t.name} is not suspended`],
      }),
  },
  {
    id: 'reconcile',
    reads: sourceReads,
    needs: 'reconcile',
    label: 'Reconcile',
    kinds: RECONCILED,
    mutating: true,
    doneMessage: 'reconcile requested',
    plan: (t, input) => planReconcile(t, input, false),
  },
  {
    id: 'resume-and-reconcile',
    reads: sourceReads,
    needs: 'reconcile',
    label: 'Resume and reconcile',
    kinds: RECONCILED,
    mutating: true,
    doneMessage: 'resumed and reconcile requested',
    plan: (t, input) => {
      const rec = planReconcile(t, input, true);
      if (rec.refused) return rec;
      const resume = fromBuilder(resumePlan(targetObject(t), targetType(t, input.lookup)), refOf(t));
      // Sources first, then resume, then the object's own reconcile request.
      return { requests: [...rec.requests.slice(0, -1), ...resume.requests, ...rec.requests.slice(-1)], notes: [...rec.notes, ...resume.notes] };
    },
  },
  {
    id: 'force',
    reads: sourceReads,
    needs: 'helm',
    label: 'Force upgrade (HelmRelease)',
    kinds: HELM_RELEASE,
    mutating: true,
    doneMessage: 'forced upgrade requested',
    plan: (t, input) => planReconcile(t, { ...input, options: { ...input.options, force: true } }, false),
  },
  {
    id: 'reset',
    reads: sourceReads,
    needs: 'helm',
    label: 'Reset failures (HelmRelease)',
    kinds: HELM_RELEASE,
    mutating: true,
    doneMessage: 'reset requested',
    plan: (t, input) => planReconcile(t, { ...input, options: { ...input.options, reset: true } }, false),
  },
];

/** Rollback reads the workload's history objects from the store (they must be watched). */
function historyObjects(t: Target, lookup: Lookup | undefined): KubeObject[] {
  const src = historyOf(t.kind, groupOfResource(t.resource));
  if (!src) return [];
  return (lookup?.list(t.context, src.resource, t.namespace) ?? []).map((o) => ({ ...o, kind: o.kind ?? src.kind }));
}

const WORKLOAD_ENTRIES: CatalogEntry[] = [
  {
    id: 'restart',
    // a restart stands under Flux (fluxRestartNotes): the owner is read only to suspend it first
    reads: (t, options) => (options.suspendOwner ? ownerReads(t, options) : []),
    needs: 'restart',
    label: 'Rollout restart',
    kinds: RESTARTABLE,
    mutating: true,
    doneMessage: 'restarted',
    plan: (t, input) => workloadPlan(t, input, restartPlan(targetObject(t), input.now, { rt: targetType(t, input.lookup) }), fluxRestartNotes(fluxManaged(t.object), t.kind)),
  },
  {
    id: 'scale',
    reads: (t, options) => ownerReads(t, options),
    needs: 'scale',
    label: 'Scale',
    kinds: SCALABLE,
    mutating: true,
    doneMessage: 'scaled',
    plan: (t, input) => {
      const replicas = input.options.replicas;
      if (replicas === undefined) return { requests: [], notes: [], refused: 'scale needs a replica count' };
      return workloadPlan(t, input, scalePlan(targetObject(t), targetType(t, input.lookup), replicas), gitOpsNotes(t, input.lookup, 'a replica count set here'));
    },
  },
  {
    id: 'rollback',
    reads: (t, options) => ownerReads(t, options),
    needs: 'rollback',
    label: 'Rollback',
    kinds: ROLLOUT,
    mutating: true,
    doneMessage: 'rolled back',
    plan: (t, input) => {
      const p = planRollback(targetObject(t), historyObjects(t, input.lookup), { toRevision: input.options.toRevision, rt: targetType(t, input.lookup) });
      if (!p.ok) return { requests: [], notes: [], refused: p.error };
      // A rollback to the running template sends nothing and succeeds, with kubectl's words
      // (`kubectl rollout undo` prints "skipped rollback ..." and exits 0).
      if (p.skipped) return { requests: [], notes: p.notes ?? [], noop: p.summary };
      const plan = workloadPlan(t, input, p, gitOpsNotes(t, input.lookup, 'a rollback'));
      if (plan.refused) return plan;
      return { ...plan, summary: p.summary, notes: [...plan.notes, ...(p.diff ? [p.diff] : [])] };
    },
  },
  {
    id: 'delete',
    reads: (t, options) => ownerReads(t, options),
    label: 'Delete',
    kinds: 'any',
    mutating: true,
    doneMessage: 'deleted',
    plan: (t, input) =>
      fromBuilder(deletePlan(targetObject(t), targetType(t, input.lookup), input.options.propagationPolicy), refOf(t), {
        notes: gitOpsNotes(t, input.lookup, 'a deletion'),
      }),
  },
];

export const CATALOG: CatalogEntry[] = [...FLUX_ENTRIES, ...WORKLOAD_ENTRIES, ...TRIAGE_ENTRIES];

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}

/**
 * Does the entry apply to the target: its kind is among the entry's kinds, or `served` (the
 * context's discovery) gives the target's type the capability the entry needs (a CR with /scale).
 */
export function appliesTo(entry: CatalogEntry, t: Target, served: readonly ResourceType[] = []): boolean {
  if (entry.kinds === 'any') return true;
  const group = groupOfResource(t.resource);
  if (entry.kinds.some((k) => k.kind === t.kind && k.group === group)) return true;
  if (!entry.needs) return false;
  const dot = t.resource.indexOf('.');
  const resource = dot < 0 ? t.resource : t.resource.slice(0, dot);
  const version = t.object.apiVersion ? splitApiVersion(t.object.apiVersion).version : undefined;
  return capabilitiesOf({ group, kind: t.kind, resource, version }, served).has(entry.needs);
}
