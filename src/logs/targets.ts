// Targets → live pods, re-read from the fleet store on every change batch (so a rollout's or
// a scale-up's new pods join), and the watches that keep those answers current.
import type { FleetStore, WatchSpec } from '../fleet/types.js';
import { arr, str } from '../model/access.js';
import { inventory, isFluxGroup } from '../model/flux.js';
import { globToRegExp } from '../model/glob.js';
import { namespaceTypoLine, TargetError } from './verify.js';
import { namespaceIn, namespaceMissingText } from '../fleet/namespace-presence.js';
import { labelSelectorFromObject, matchLabels, SelectorError, type LabelSelector } from '../model/selector.js';
import { kindEntry } from '../model/kinds.js';
import { resourceKey, type KubeObject } from '../model/types.js';
import { targetLeaves, type LogTarget } from './types.js';

export interface LivePod {
  context: string;
  pod: KubeObject;
}

const specKey = (s: WatchSpec): string => `${s.contexts.join(',')}\u0000${s.resource}\u0000${s.namespace ?? ''}`;

/** Flux inventory entries that can own pods, as workload targets in the same context. */
/** The pods and workloads a Flux object's inventory names (none before the object is read). */
export function inventoryWorkloads(store: Pick<FleetStore, 'get'>, t: Extract<LogTarget, { kind: 'flux' }>): Extract<LogTarget, { kind: 'workload' | 'pod' }>[] {
  const obj = store.get(t.context, t.resource, t.namespace, t.name);
  if (!obj) return [];
  return inventory(obj).flatMap((e): Extract<LogTarget, { kind: 'workload' | 'pod' }>[] => {
    const entry = kindEntry(e.group, e.kind);
    const resource = entry?.resource && (entry.pods === 'self' || entry.pods === 'selector') ? resourceKey({ group: e.group, resource: entry.resource }) : undefined;
    if (!resource) return [];
    if (resource === 'pods') return [{ kind: 'pod', context: t.context, namespace: e.namespace, name: e.name }];
    return [{ kind: 'workload', context: t.context, resource, namespace: e.namespace, name: e.name }];
  });
}

/** What must be watched for the target's answer to stay current (depends on the store for Flux). */
export function watchesFor(store: FleetStore, target: LogTarget): WatchSpec[] {
  const out = new Map<string, WatchSpec>();
  const add = (s: WatchSpec): void => void out.set(specKey(s), s);
  for (const t of targetLeaves(target)) {
    switch (t.kind) {
      case 'pod':
        add({ contexts: [t.context], resource: 'pods', namespace: t.namespace });
        break;
      case 'workload':
        add({ contexts: [t.context], resource: 'pods', namespace: t.namespace });
        add({ contexts: [t.context], resource: t.resource, namespace: t.namespace });
        // a CronJob's pods belong to its Jobs
        if (store.resolve(t.context, t.resource)?.kind === 'CronJob') add({ contexts: [t.context], resource: 'jobs.batch', namespace: t.namespace });
        break;
      case 'flux':
        add({ contexts: [t.context], resource: t.resource, namespace: t.namespace });
        for (const w of inventoryWorkloads(store, t)) {
          add({ contexts: [w.context], resource: 'pods', namespace: w.namespace });
          if (w.kind === 'workload') add({ contexts: [w.context], resource: w.resource, namespace: w.namespace });
        }
        break;
      case 'query':
        add({ contexts: t.contexts, resource: 'pods', namespace: t.namespace });
        break;
    }
  }
  return [...out.values()];
}

export function watchKey(s: WatchSpec): string {
  return specKey(s);
}

function selectorPods(store: FleetStore, context: string, namespace: string, selector: unknown): KubeObject[] {
  let sel;
  try {
    sel = labelSelectorFromObject(selector);
  } catch (e) {
    if (e instanceof SelectorError) return [];
    throw e;
  }
  if (!sel || sel.length === 0) return [];
  // the store's label index picks them (a log view re-reads this on every change batch)
  return store.selected(context, sel, namespace).filter((r) => r.resource === 'pods').map((r) => r.object);
}

function workloadPods(store: FleetStore, t: Extract<LogTarget, { kind: 'workload' }>): KubeObject[] {
  const obj = store.get(t.context, t.resource, t.namespace, t.name);
  if (!obj) return [];
  if (obj.kind === 'CronJob' || store.resolve(t.context, t.resource)?.kind === 'CronJob') {
    const uid = obj.metadata.uid;
    const jobs = uid ? store.ownedBy(t.context, uid).filter((r) => r.resource === 'jobs.batch').map((r) => r.object) : [];
    return jobs.flatMap((j) => selectorPods(store, t.context, t.namespace, (j.spec as Record<string, unknown> | undefined)?.selector));
  }
  return selectorPods(store, t.context, t.namespace, (obj.spec as Record<string, unknown> | undefined)?.selector);
}

function leafPods(store: FleetStore, t: Exclude<LogTarget, { kind: 'many' }>): LivePod[] {
  switch (t.kind) {
    case 'pod': {
      const p = store.get(t.context, 'pods', t.namespace, t.name);
      return p ? [{ context: t.context, pod: p }] : [];
    }
    case 'workload':
      return workloadPods(store, t).map((pod) => ({ context: t.context, pod }));
    case 'flux':
      return inventoryWorkloads(store, t).flatMap((w) => leafPods(store, w));
    case 'query':
      return t.contexts.flatMap((context) =>
        store
          .list(context, 'pods', t.namespace)
          .filter((p) => t.pod.test(p.metadata.name) && (!t.selector || matchLabels(t.selector, p.metadata.labels)))
          .map((pod) => ({ context, pod })),
      );
  }
}

/** The target's live pods, each once, in a stable order. */
export function podsFor(store: FleetStore, target: LogTarget): LivePod[] {
  const seen = new Map<string, LivePod>();
  for (const t of targetLeaves(target)) {
    for (const lp of leafPods(store, t)) seen.set(`${lp.context}/${lp.pod.metadata.namespace}/${lp.pod.metadata.name}`, lp);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

export interface ContainerChoice {
  name: string;
  init: boolean;
}

/**
 * The pod's containers (init ones first when asked), then its ephemeral (debug) containers —
 * stern streams those by default (--ephemeral-containers=true) — filtered by the container regex.
 */
export function containersOf(pod: KubeObject, opts: { container?: RegExp; initContainers?: boolean } = {}): ContainerChoice[] {
  const names = (path: string, init: boolean): ContainerChoice[] =>
    arr(pod, 'spec', path).map((c) => ({ name: str(c, 'name') ?? '', init })).filter((c) => c.name !== '');
  const all = [...(opts.initContainers ? names('initContainers', true) : []), ...names('containers', false), ...names('ephemeralContainers', false)];
  return opts.container ? all.filter((c) => opts.container!.test(c.name)) : all;
}

/**
 * `[ctx-glob/]ns/pod-regex` (or a bare pod regex in `namespace`): contexts matched against
 * `available`, `*` or an empty namespace for all namespaces.
 */
export function parseQuery(query: string, available: string[], defaults: { contexts: string[]; namespace?: string; selector?: LabelSelector }): Extract<LogTarget, { kind: 'query' }> {
  const parts = query.split('/');
  let contexts = defaults.contexts;
  let namespace = defaults.namespace;
  let pod: string;
  if (parts.length >= 3) {
    const re = globToRegExp(parts[0]);
    contexts = available.filter((c) => re.test(c));
    namespace = parts[1];
    pod = parts.slice(2).join('/');
  } else if (parts.length === 2) {
    namespace = parts[0];
    pod = parts[1];
  } else pod = parts[0];
  if (namespace === '*' || namespace === '') namespace = undefined;
  return { kind: 'query', contexts, namespace, pod: new RegExp(pod === '' ? '.' : pod), ...(defaults.selector ? { selector: defaults.selector } : {}) };
}

/** `A/B` may be KIND/NAME (resolveTarget asks the context's kinds first), where `ns/pod-regex`
 * and `ctx/ns/pod-regex` name pods only: the one form whose answer needs the served kinds. */
export function namesKind(text: string): boolean {
  const parts = text.split('/');
  return parts.length === 2 && parts[1] !== '';
}

const REGEX_META = /[.*+?^$()[\]{}|\\]/;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * How `A/B` reads where no context serves A as a kind and none has a namespace A: as
 * `ns/pod-regex` (true: a missing namespace) when A can be a namespace's name and B has a regex
 * metacharacter (`. * + ? ^ $ ( ) [ ] { } | \`); else as KIND/NAME (a kind no server has), as
 * kubectl reads `x/y`. Where a context serves A, `A/B` is KIND/NAME there whatever B is.
 */
export function readsAsQuery(text: string): boolean {
  const [a, b, ...rest] = text.split('/');
  return rest.length === 0 && b !== undefined && NAMESPACE_NAME.test(a) && REGEX_META.test(b);
}

/** The namespace a query target reads in `context`; undefined when it reads all (or none there). */
export function queryNamespace(target: LogTarget, context: string): string | undefined {
  return targetLeaves(target).find((l) => l.kind === 'query' && l.contexts.includes(context))?.namespace;
}

/**
 * The namespace a query target reads in `context` when that context does not have it (a 404 on
 * the Namespace: namespaceIn); undefined when it has it, the target reads every namespace there,
 * or the answer is not known (forbidden, unreachable). `fleetdeck logs` and the TUI's log view
 * both ask this, context by context.
 */
export async function missingQueryNamespace(store: Pick<FleetStore, 'request'>, target: LogTarget, context: string, signal?: AbortSignal): Promise<string | undefined> {
  const ns = queryNamespace(target, context);
  return ns !== undefined && (await namespaceIn(store, context, ns, signal)) === 'missing' ? ns : undefined;
}

/**
 * What a log target says when the contexts in `missing` (context → the namespace it reads
 * there, said in `order`) do not have the namespace it names. `everywhere` (no context asked
 * has it): `A/B` that reads as KIND/NAME (readsAsQuery false) is kubectl's line for a kind no
 * server has (`kind`); else one line per namespace with the contexts that lack it (`namespace`:
 * `namespace "nope" not found in dev`). The words of `fleetdeck logs` and the TUI's log view alike.
 */
export function missingNamespaceLines(text: string, missing: ReadonlyMap<string, string>, order: readonly string[], everywhere: boolean): { kind: 'namespace' | 'kind'; lines: string[] } {
  const parts = text.split('/');
  if (everywhere && parts.length === 2 && !readsAsQuery(text)) return { kind: 'kind', lines: [namespaceTypoLine(parts[0])] };
  const byNs = new Map<string, string[]>();
  // in the selection's order, not the order the contexts answered in
  for (const c of order) {
    const ns = missing.get(c);
    if (ns !== undefined) byNs.set(ns, [...(byNs.get(ns) ?? []), c]);
  }
  return { kind: 'namespace', lines: [...byNs].map(([ns, cs]) => namespaceMissingText(ns, cs)) };
}

export interface ResolveOptions {
  /** every context of the kubeconfig: a query naming one that is not selected says which */
  known?: string[];
  /** how to select more contexts, for the message (the shell: `--context NAME`; the TUI: `:ctx NAME`) */
  selectHint?: (context: string) => string;
  /** `-l`: the target is a query (never KIND/NAME) of the pods this selector matches; an empty
   * text then reads each context's namespace (-n, else its default), as kubectl and stern do */
  selector?: LabelSelector;
  /** a Flux kind's namespace without -n: the flux CLI's (fluxDefaultNamespace of the environment) */
  fluxNamespace: string;
}

/**
 * KIND/NAME in each context that serves KIND (namespace: -n, else the context's default as
 * kubectl takes it, or for a Flux kind `fluxNamespace` as the flux CLI takes it), else a pod query `[ctx-glob/]ns/pod-regex`. Throws TargetError when a
 * query's context glob matches no selected context (kubectl: `error: context "x" does not
 * exist` when the kubeconfig lacks it too).
 */
export function resolveTarget(store: FleetStore, text: string, contexts: string[], namespace: string | undefined, ropts: ResolveOptions): LogTarget {
  const parts = text.split('/');
  const { selector } = ropts;
  if (selector && text === '') {
    // grouped by namespace: one query per namespace the contexts default to
    const byNs = new Map<string, string[]>();
    for (const context of contexts) {
      const ns = namespace ?? store.contexts().find((c) => c.name === context)?.namespace ?? 'default';
      byNs.set(ns, [...(byNs.get(ns) ?? []), context]);
    }
    const qs: LogTarget[] = [...byNs].map(([ns, cs]) => ({ kind: 'query', contexts: cs, namespace: ns, pod: /./, selector }));
    return qs.length === 1 ? qs[0] : { kind: 'many', targets: qs };
  }
  if (namesKind(text) && !selector) {
    const targets: LogTarget[] = [];
    for (const context of contexts) {
      const rt = store.resolve(context, parts[0]);
      if (!rt) continue;
      const ns = namespace ?? (isFluxGroup(rt.group) ? ropts.fluxNamespace : (store.contexts().find((c) => c.name === context)?.namespace ?? 'default'));
      const key = resourceKey(rt);
      if (rt.kind === 'Pod') targets.push({ kind: 'pod', context, namespace: ns, name: parts[1] });
      else if (isFluxGroup(rt.group)) targets.push({ kind: 'flux', context, resource: key, namespace: ns, name: parts[1] });
      else targets.push({ kind: 'workload', context, resource: key, namespace: ns, name: parts[1] });
    }
    if (targets.length > 0) return targets.length === 1 ? targets[0] : { kind: 'many', targets };
  }
  const available = store.contexts().map((c) => c.name);
  const q = parseQuery(text, available, { contexts, namespace, selector });
  if (parts.length >= 3 && q.contexts.length === 0) {
    const glob = parts[0];
    const re = globToRegExp(glob);
    const inKubeconfig = (ropts.known ?? []).filter((c) => re.test(c));
    // kubectl --context with a name the kubeconfig lacks
    if (ropts.known && inKubeconfig.length === 0) throw new TargetError(`Error in configuration: context was not found for specified context: ${glob}`);
    const hint = inKubeconfig.length > 0 && ropts.selectHint ? `; ${ropts.selectHint(inKubeconfig[0])}` : '';
    throw new TargetError(`error: context "${glob}" is not selected (selected: ${available.join(', ') || 'none'})${hint}`);
  }
  return q;
}
