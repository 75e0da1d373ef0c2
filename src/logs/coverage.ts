// Whether the pods a log target reads could be listed: the store's reflector states through
// the one rule of what fleetdeck knows (src/model/coverage.ts). A tail over a namespace the
// user may not list has no pods because it cannot see them, not because there are none: the
// command and the log view say which, in kubectl's words, instead of waiting in silence.
import type { FleetStore } from '../fleet/types.js';
import { coverageOf, type KindCoverage } from '../model/coverage.js';
import { inventoryWorkloads } from './targets.js';
import { targetLeaves, type LogTarget } from './types.js';

/** The (context, namespace) scopes whose pods the target reads; namespace undefined: all. */
function podScopes(store: Pick<FleetStore, 'get'>, target: LogTarget): { context: string; namespace?: string }[] {
  const seen = new Map<string, { context: string; namespace?: string }>();
  const add = (context: string, namespace?: string): void => void seen.set(`${context}\u0000${namespace ?? ''}`, { context, namespace });
  for (const t of targetLeaves(target)) {
    if (t.kind === 'query') for (const c of t.contexts) add(c, t.namespace);
    // a Flux object's workloads may sit in other namespaces (targetNamespace): their pods are
    // read where its inventory puts them, and a refusal there is said as any other's; the
    // object's own GET (checkTarget) says when it is refused
    else if (t.kind === 'flux') for (const w of inventoryWorkloads(store, t)) add(w.context, w.namespace);
    else add(t.context, t.namespace);
  }
  return [...seen.values()];
}

/**
 * The knowledge state of the target's pod lists, one per (context, namespace) scope. A context
 * whose store serves pods counts as discovered here: the lean store knows pods without
 * discovery, and only the pods reflector says whether they could be read.
 */
export function podCoverage(store: Pick<FleetStore, 'contexts' | 'reflectors' | 'resolve' | 'get'>, target: LogTarget): KindCoverage[] {
  const wants = podScopes(store, target).map((s) => ({ context: s.context, resource: 'pods', ...(s.namespace !== undefined ? { namespace: s.namespace } : {}) }));
  const contexts = store.contexts().map((c) => (store.resolve(c.name, 'pods') ? { ...c, discovered: true } : c));
  return coverageOf(wants, store.reflectors(), contexts);
}

/**
 * The target's Flux objects that are read and whose inventory names no pod or workload (a
 * ConfigMap, a Namespace): no pod is to come from them until a reconcile adds one. Empty when
 * the target holds anything else, or an object not read yet.
 */
export function emptyInventories(store: Pick<FleetStore, 'get'>, target: LogTarget): Extract<LogTarget, { kind: 'flux' }>[] {
  const leaves = targetLeaves(target);
  const flux = leaves.filter((l): l is Extract<LogTarget, { kind: 'flux' }> => l.kind === 'flux');
  if (flux.length !== leaves.length) return [];
  return flux.every((l) => store.get(l.context, l.resource, l.namespace, l.name) !== undefined && inventoryWorkloads(store, l).length === 0) ? flux : [];
}

/** Forbidden in the whole scope: no pod of it can be seen (not a fallback refused in some namespaces only). */
export function whollyForbidden(c: KindCoverage): boolean {
  return c.state === 'forbidden' && !c.onlyNamespaces && !(c.forbiddenNamespaces && c.namespace === undefined);
}

/**
 * Why the scope's pods are not tailed, for stderr and the log view (undefined: synced or still
 * listing). Refused whole: kubectl's `Error from server (Forbidden): pods is forbidden: …`;
 * refused in some namespaces, or readable only in some: which; a list that failed: its error,
 * retried.
 */
export function podGapLine(c: KindCoverage): string | undefined {
  if (c.state === 'synced' || c.state === 'syncing') return undefined;
  if (whollyForbidden(c)) return `Error from server (Forbidden): ${c.reason ?? `pods is forbidden in ${c.namespace ? `the namespace "${c.namespace}"` : 'every namespace'}`}`;
  if (c.state === 'forbidden' && c.onlyNamespaces) return `pods are readable only in ${c.onlyNamespaces.join(', ') || 'no namespace'} (the user may not list namespaces): the others are not tailed`;
  if (c.state === 'forbidden') return `pods in ${c.forbiddenNamespaces!.join(', ')} are forbidden to this user: not tailed`;
  return `could not list pods${c.namespace ? ` in ${c.namespace}` : ''}: ${c.reason ?? 'failed'} (retrying)`;
}

/**
 * What of the scope was not read, for the line that says a one-shot read (or a "no pod matches")
 * covered less than the selection (undefined: synced or still listing): `pods in kube-system of
 * staging (forbidden)`.
 */
export function notReadText(c: KindCoverage): string | undefined {
  if (c.state === 'synced' || c.state === 'syncing') return undefined;
  const of = ` of ${c.context}`;
  if (c.state === 'failed') return `pods${c.namespace ? ` in ${c.namespace}` : ''}${of} (list failed)`;
  if (whollyForbidden(c)) return `pods in ${c.namespace ?? 'every namespace'}${of} (forbidden)`;
  if (c.onlyNamespaces) return `pods outside ${c.onlyNamespaces.join(', ') || 'every namespace'}${of} (not visible to this user)`;
  return `pods in ${c.forbiddenNamespaces!.join(', ')}${of} (forbidden)`;
}
