// Health verdicts for any object: a port of kstatus (sigs.k8s.io/cli-utils/pkg/kstatus) with
// fleetdeck's deliberate extensions, as REFERENCE-flux.md states them:
//   1. deletionTimestamp → Terminating (naming the finalizers that hold it, and for how long);
//   2. Flux kinds: spec.suspend → Suspended; Stalled, Ready and Reconciling read BEFORE the
//      generation check (a Kustomization's observedGeneration only moves on Ready=True);
//      Ready=False is Failed whatever Reconciling says (fluxHealth says why);
//   3. everything else: observedGeneration, Reconciling=True, Stalled=True (kstatus's generic
//      rules), then the kind's own rule (its kind registry entry, src/model/kinds.ts; the rules are in
//      health/rules.ts), then Ready as fleetdeck reads
//      it (True → Current, False → Failed, Unknown → InProgress; kstatus never says Failed
//      here, `flux get` shows READY False), else Current.
// health() never throws: a malformed object is Unknown.
import { arr, bool, condition, isRecord, num, str } from './access.js';
import { humanDuration, parseTime } from './format.js';
import { isFluxGroup, isStaticFluxKind } from './flux.js';
import { condText, isTrue, ltt, msg, namespaceBlockers, v, type HealthContext, type KindRef, type Verdict } from './health/rules.js';
import { KINDS, kindEntry } from './kinds.js';
import type { KubeObject } from './types.js';
import { splitApiVersion } from './types.js';

export type { HealthContext, HealthStatus, KindRef, Verdict } from './health/rules.js';

// Kinds whose name alone identifies the rule, for callers that know no group
// (built on first use: the registry and this module import each other)
let byKind: Map<string, string> | undefined;
function groupOfKind(kind: string): string | undefined {
  if (!byKind) {
    byKind = new Map<string, string>();
    const seen = new Map<string, number>();
    for (const e of KINDS) {
      if (!e.health) continue;
      seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1);
      byKind.set(e.kind, e.group);
    }
    // 'Cluster' is CNPG's but also Cluster API's: never guess it without a group
    for (const [kind, n] of seen) if (n > 1 || kind === 'Cluster') byKind.delete(kind);
  }
  return byKind.get(kind);
}

/** Group and kind of an object, from its apiVersion/kind or the caller's hint (list items carry neither). */
export function resolveKind(o: unknown, hint?: KindRef): { group: string | undefined; kind: string } {
  let group: string | undefined;
  let kind: string | undefined;
  if (typeof hint === 'object' && hint !== null) {
    group = typeof hint.group === 'string' ? hint.group : undefined;
    kind = typeof hint.kind === 'string' ? hint.kind : undefined;
  } else if (typeof hint === 'string' && hint) {
    const dot = hint.indexOf('.');
    kind = dot < 0 ? hint : hint.slice(0, dot);
    if (dot >= 0) group = hint.slice(dot + 1);
  }
  kind ??= str(o, 'kind');
  const apiVersion = str(o, 'apiVersion');
  if (group === undefined && apiVersion) group = splitApiVersion(apiVersion).group;
  if (group === undefined && kind) group = groupOfKind(kind);
  return { group, kind: kind ?? '' };
}

// ---------------------------------------------------------------------------------------
// The pipeline

function terminating(o: KubeObject, now: number): Verdict | undefined {
  const deleted = str(o, 'metadata', 'deletionTimestamp');
  if (!deleted) return undefined;
  const finalizers = [...arr(o, 'metadata', 'finalizers'), ...arr(o, 'spec', 'finalizers')].filter((f): f is string => typeof f === 'string');
  const unique = [...new Set(finalizers)];
  const t = parseTime(deleted);
  const forHow = t === undefined ? '' : ` for ${humanDuration(now - t)}`;
  const held = unique.length ? `, held by finalizers: ${unique.join(', ')}` : '';
  const blockers = namespaceBlockers(o);
  const out: Verdict = { status: 'Terminating', reason: `Terminating${forHow}${held}${blockers}`, since: deleted };
  if (unique.length) out.stuckFinalizers = unique;
  return out;
}

function generationCheck(o: KubeObject, kind: string): Verdict | undefined {
  const observed = num(o, 'status', 'observedGeneration');
  const generation = num(o, 'metadata', 'generation');
  if (observed === undefined || generation === undefined || observed === generation) return undefined;
  return v('InProgress', `${kind || 'Resource'} generation is ${generation}, but latest observed generation is ${observed}`);
}

function readyRule(o: KubeObject): Verdict | undefined {
  const ready = condition(o, 'Ready');
  if (!ready) return undefined;
  if (ready.status === 'True') return v('Current', msg(ready.message) || 'Ready', ltt(ready));
  if (ready.status === 'False') return v('Failed', condText(ready), ltt(ready));
  return v('InProgress', condText(ready), ltt(ready));
}

/**
 * A Flux object's health. Ready=False is Failed with its reason, even beside Reconciling=True
 * (of any reason): Flux's API docs (kustomize-controller docs/spec/v1/kustomizations.md
 * "Failed Kustomization", helm-controller docs/spec/v2/helmreleases.md "Failed HelmRelease")
 * call an object whose dependencies or source are not ready, or whose build or Helm action
 * failed, failing, and note it "can be reconciling while failing at the same time"; the
 * controllers keep Ready=False while they retry (helm-controller v1.6 leaves Reconciling=True
 * Progressing "Fulfilling prerequisites" beside Ready=False DependencyNotReady or
 * SourceNotReady, kustomize-controller turns it ProgressingWithRetry, source-controller keeps
 * Ready=False during a retry: fluxcd/pkg runtime/reconcile ProgressiveStatus), and `flux get`
 * shows READY False with that message. kstatus would say InProgress here; this is the
 * project's deliberate reading. Reconciling=True with Ready Unknown or absent is InProgress.
 */
function fluxHealth(o: KubeObject, kind: string): Verdict {
  if (bool(o, 'spec', 'suspend')) return v('Suspended', `${kind} is suspended: Flux does not reconcile it`);
  const stalled = isTrue(o, 'Stalled');
  if (stalled) return v('Failed', condText(stalled), ltt(stalled));
  const ready = condition(o, 'Ready');
  if (ready?.status === 'False') return v('Failed', condText(ready), ltt(ready));
  const reconciling = isTrue(o, 'Reconciling');
  if (reconciling) return v('InProgress', condText(reconciling), ltt(reconciling));
  if (!ready) {
    if (isStaticFluxKind(kind)) return v('Current', `${kind} has no status to report`);
    return v('InProgress', 'waiting to be reconciled');
  }
  if (ready.status !== 'True') return v('InProgress', condText(ready), ltt(ready));
  return generationCheck(o, kind) ?? v('Current', msg(ready.message) || 'Ready', ltt(ready));
}

function evaluate(o: KubeObject, hint: KindRef | undefined, ctx: HealthContext | undefined): Verdict {
  if (!isRecord(o) || !isRecord(o.metadata)) return v('Unknown', 'Not a Kubernetes object (no metadata)');
  const now = typeof ctx?.now === 'number' && Number.isFinite(ctx.now) ? ctx.now : Date.now();
  const related = Array.isArray(ctx?.related) ? ctx.related : [];
  const listed = new Set(Array.isArray(ctx?.listed) ? ctx.listed : []);
  const { group, kind } = resolveKind(o, hint);
  const gone = terminating(o, now);
  if (gone) return gone;
  if (group !== undefined && isFluxGroup(group)) return deepened(fluxHealth(o, kind), o, group, kind);

  const generic = generationCheck(o, kind);
  if (generic) return generic;
  const reconciling = isTrue(o, 'Reconciling');
  if (reconciling) return v('InProgress', condText(reconciling), ltt(reconciling));
  const stalled = isTrue(o, 'Stalled');
  if (stalled) return v('Failed', condText(stalled), ltt(stalled));

  const rule = group !== undefined ? kindEntry(group, kind)?.health : undefined;
  const own = rule?.(o, { now, related, listed, group: group ?? '', kind });
  if (own) return own;
  return deepened(readyRule(o) ?? v('Current', 'Resource is current'), o, group, kind);
}

/** A Failed verdict with the deepest cause its kind records (the registry's `cause`: a HelmRelease's Helm error) put first. */
function deepened(verdict: Verdict, o: KubeObject, group: string | undefined, kind: string): Verdict {
  if (verdict.status !== 'Failed' || group === undefined) return verdict;
  const cause = kindEntry(group, kind)?.cause?.(o, verdict.reason);
  return cause ? { ...verdict, reason: `${cause} (${verdict.reason})` } : verdict;
}

/** The health verdict of any object. Never throws: anything unreadable is Unknown. */
export function health(obj: KubeObject, kind?: KindRef, ctx?: HealthContext): Verdict {
  try {
    return evaluate(obj, kind, ctx);
  } catch (e) {
    // a safety net only: the fuzz test asserts this branch is never reached
    return v('Unknown', `${HEALTH_RULE_ERROR}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const HEALTH_RULE_ERROR = 'health rule error';
