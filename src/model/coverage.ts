// Knowledge state as data (issue 20): how complete a set of rows is, per (context, kind,
// namespace scope). Every view and command that shows numbers or a verdict over the cache
// reads its completeness here, from the store's reflector states, and says "syncing",
// "forbidden" or "failed" where the numbers are instead of presenting a partial set as the
// whole. Pure: the caller passes what the store reports (ReflectorStatus, ContextStatus shapes).
import type { ReflectorPhase } from './types.js';

/**
 * One (context, kind, scope) as far as fleetdeck knows it:
 * - `synced`: the list finished and the watch keeps it; absence of an object proves it absent
 * - `syncing`: the first list is not done yet (or nothing watches it yet)
 * - `forbidden`: RBAC refused it, whole (no namespaces named) or in `forbiddenNamespaces`,
 *   or only `onlyNamespaces` could be listed (the user may not list namespaces)
 * - `failed`: unreachable, unauthorized, retrying after an error, or the context is down (`reason`)
 */
export type Knowledge = 'synced' | 'syncing' | 'forbidden' | 'failed';

/** What a view or command reads: a kind (resourceKey) of a context, all namespaces when `namespace` is undefined. */
export interface CoverageWant {
  context: string;
  /** resourceKey ('pods', 'deployments.apps') */
  resource: string;
  /** the scope read; undefined: all namespaces (or a cluster-scoped kind) */
  namespace?: string;
  /** false for cluster-scoped kinds (their scope is always the whole cluster); default true */
  namespaced?: boolean;
}

/** The store's ReflectorStatus fields this reads (src/fleet/types.ts). */
export interface CoverageReflector {
  context: string;
  resource: string;
  namespace?: string;
  phase: ReflectorPhase;
  reason?: string;
  lists?: number;
  /** a namespace-by-namespace fallback (the all-namespaces list was 403): the namespaces it watches */
  namespaces?: string[];
  /** of those, the ones that answered 403 */
  forbiddenNamespaces?: string[];
  /** of those, what the API answered each (kubectl's `pods is forbidden: User … in the namespace "x"`) */
  forbiddenReasons?: Record<string, string>;
  /** the fallback's namespaces come from a complete namespace list (false: only the kubeconfig namespace is known) */
  namespacesListed?: boolean;
}

/** The store's ContextStatus fields this reads. */
export interface CoverageContext {
  name: string;
  state: string;
  discovered?: boolean;
  lastError?: string;
}

export interface KindCoverage extends CoverageWant {
  state: Knowledge;
  /** forbidden: the namespaces refused (absent: the whole kind, unless onlyNamespaces) */
  forbiddenNamespaces?: string[];
  /** forbidden: the kind is seen only in these namespaces (the rest is not visible to this user) */
  onlyNamespaces?: string[];
  /** why it is not synced, as the API or the store said it */
  reason?: string;
}

const FAILED_PHASES: ReadonlySet<ReflectorPhase> = new Set(['retrying', 'unreachable', 'unauthorized', 'stopped']);

function ofReflector(w: CoverageWant, r: CoverageReflector): KindCoverage {
  const out: KindCoverage = { ...w, state: 'synced' };
  if (r.reason) out.reason = r.reason;
  if (r.phase === 'forbidden') return { ...out, state: 'forbidden' };
  if (FAILED_PHASES.has(r.phase)) return { ...out, state: 'failed', reason: r.reason ?? r.phase };
  // a namespace the fallback was refused stays refused while the others still sync
  // in the API's words for that namespace (the fallback's own reason sums up all of them)
  if (w.namespace !== undefined && r.forbiddenNamespaces?.includes(w.namespace)) {
    const said = r.forbiddenReasons?.[w.namespace];
    const refused: KindCoverage = { ...out, state: 'forbidden', forbiddenNamespaces: [w.namespace] };
    if (said) refused.reason = said;
    else delete refused.reason;
    return refused;
  }
  if (r.phase === 'syncing') return { ...out, state: 'syncing' };
  if (r.namespaces === undefined) {
    delete out.reason;
    return out;
  }
  // a namespace-by-namespace fallback
  if (w.namespace !== undefined) {
    if (r.namespaces.includes(w.namespace) || r.namespacesListed) {
      delete out.reason;
      return out;
    }
    return { ...out, state: 'forbidden', forbiddenNamespaces: [w.namespace], reason: `namespace ${w.namespace} is not among those this user may list` };
  }
  if (!r.namespacesListed) {
    return { ...out, state: 'forbidden', onlyNamespaces: [...r.namespaces], reason: `listed only in ${r.namespaces.join(', ') || 'no namespace'}: the user may not list all namespaces` };
  }
  if (r.forbiddenNamespaces?.length) return { ...out, state: 'forbidden', forbiddenNamespaces: [...r.forbiddenNamespaces] };
  delete out.reason;
  return out;
}

/**
 * The knowledge state of each wanted (context, kind, scope), in the order given. A want is
 * answered by the context's all-namespaces reflector of the kind, or by one for exactly its
 * namespace (the store's own order: a fallback that does not cover the namespace yields to a
 * reflector of that namespace). A context not discovered yet is `syncing` while connecting and
 * `failed` (with its state and last error) otherwise; a kind nothing watches yet is `syncing`.
 */
export function coverageOf(wants: readonly CoverageWant[], reflectors: readonly CoverageReflector[], contexts: readonly CoverageContext[]): KindCoverage[] {
  const ctx = new Map(contexts.map((c) => [c.name, c]));
  // context → resource → scope ('' for all): no key strings built per lookup (views ask per frame, ~10k kinds at fleet scale)
  const byKey = new Map<string, Map<string, Map<string, CoverageReflector>>>();
  for (const r of reflectors) {
    let kinds = byKey.get(r.context);
    if (!kinds) byKey.set(r.context, (kinds = new Map()));
    let scopes = kinds.get(r.resource);
    if (!scopes) kinds.set(r.resource, (scopes = new Map()));
    scopes.set(r.namespace ?? '', r);
  }
  return wants.map((w): KindCoverage => {
    const c = ctx.get(w.context);
    if (!c?.discovered) {
      const state = c?.state ?? 'unreachable';
      return { ...w, state: state === 'connecting' ? 'syncing' : 'failed', reason: `context ${state}${c?.lastError ? `: ${c.lastError}` : ''}` };
    }
    const scoped = w.namespaced !== false && w.namespace !== undefined;
    const scopes = byKey.get(w.context)?.get(w.resource);
    const all = scopes?.get('');
    const one = scoped ? scopes?.get(w.namespace!) : undefined;
    const r = all && !(one && all.namespaces && !all.namespaces.includes(w.namespace!)) ? all : one;
    if (!r) return { ...w, state: 'syncing', reason: 'not watched yet' };
    return ofReflector(scoped ? w : { ...w, namespace: undefined }, r);
  });
}

/** True when every entry is synced: absence proves absence, counts are whole. */
export function isComplete(cov: readonly KindCoverage[]): boolean {
  return cov.every((c) => c.state === 'synced');
}

/** The kind's plural as people read it: 'deployments.apps' → 'deployments'. */
export function kindLabel(resource: string): string {
  const dot = resource.indexOf('.');
  return dot < 0 ? resource : resource.slice(0, dot);
}

/**
 * Why the absence of an object of this (context, kind, scope) proves nothing, in the few
 * words a tree node or trace step carries ("not listed yet", "forbidden to list", "could not
 * list: …"); undefined when synced (absent means absent). Trees, trace and compare all read
 * their "unknown, not missing" from here.
 */
export function unreadWhy(c: KindCoverage): string | undefined {
  switch (c.state) {
    case 'synced':
      return undefined;
    case 'syncing':
      return c.reason === 'not watched yet' ? 'not watched' : 'not listed yet';
    case 'forbidden':
      if (c.forbiddenNamespaces && !c.namespace) return `forbidden to list in ${c.forbiddenNamespaces.join(', ')}`;
      return 'forbidden to list';
    case 'failed':
      return `could not list: ${c.reason ?? 'failed'}`;
  }
}

/** Where one context stands on an object it did not show: why its list of the kind proves nothing. */
export interface UnreadContext {
  context: string;
  reason: string;
}

/**
 * What `tree`, `trace` (and the TUI's trace) say when KIND/NAME was found in no context, the
 * object spelled one way for all (`Deployment/coredns`, the kind as its tree node reads):
 * "not found" only of the contexts whose list of the kind was read whole; the others are
 * unknown, named with why. No context read whole: unknown, never "not found".
 */
export function absentText(type: { kind: string; namespaced: boolean }, name: string, namespace: string | undefined, notFound: readonly string[], unread: readonly UnreadContext[]): string {
  const what = `${type.kind}/${name}`;
  const where = !type.namespaced ? '' : namespace ? ` in namespace ${namespace}` : ' in any namespace';
  if (notFound.length === 0) return `${what}${where}: unknown, no context could be read (${unread.map((u) => `${u.context}: ${u.reason}`).join('; ')})`;
  const rest = unread.length ? `; unknown in ${unread.map((u) => `${u.context} (${u.reason})`).join(', ')}` : '';
  return `${what} not found${where} ${where ? 'of' : 'in'} ${notFound.join(', ')}${rest}`;
}

/** A context that could not be read, as the commands say it on stderr: `context dead is unreachable: connect ECONNREFUSED`. */
export function contextDownText(c: { name: string; state: string; lastError?: string }): string {
  return `context ${c.name} is ${c.state}${c.lastError ? `: ${c.lastError}` : ''}`;
}

/**
 * What a view or command says when no selected context resolves the kind `query`. "No selected
 * context serves" is a claim about servers: only when every context was discovered. Contexts
 * still connecting are waited for; the ones that could not be read are unknown, with why.
 */
export function unservedText(query: string, contexts: readonly CoverageContext[]): string {
  const waiting = contexts.filter((c) => !c.discovered && c.state === 'connecting').map((c) => c.name);
  const down = contexts.filter((c) => !c.discovered && c.state !== 'connecting');
  const read = contexts.filter((c) => c.discovered).map((c) => c.name);
  const downText = down.map((c) => contextDownText(c)).join('; ');
  if (waiting.length) return `"${query}": waiting for discovery of ${waiting.join(', ')}${down.length ? `; unknown: ${downText}` : ''}`;
  if (!down.length) return `no selected context serves the kind "${query}"`;
  if (!read.length) return `no context is reachable: ${downText}`;
  return `${read.join(', ')} ${read.length === 1 ? 'does' : 'do'} not serve the kind "${query}"; unknown: ${downText}`;
}

/** One entry in words: "secrets in staging: forbidden", "pods in staging: forbidden in kube-system". */
export function coverageText(c: KindCoverage): string {
  const where = `${kindLabel(c.resource)} in ${c.context}${c.namespace ? `/${c.namespace}` : ''}`;
  switch (c.state) {
    case 'synced':
      return `${where}: synced`;
    case 'syncing':
      return `${where}: not loaded yet`;
    case 'failed':
      return `${where}: failed${c.reason ? ` (${c.reason})` : ''}`;
    case 'forbidden':
      if (c.onlyNamespaces) return `${where}: only ${c.onlyNamespaces.join(', ') || 'no namespace'} visible (forbidden elsewhere)`;
      if (c.forbiddenNamespaces && !c.namespace) return `${where}: forbidden in ${c.forbiddenNamespaces.join(', ')}`;
      return `${where}: forbidden`;
  }
}

/** Counts by state, and the distinct kinds in each: what a title says ("2 kinds syncing"). */
export interface CoverageSummary {
  complete: boolean;
  syncing: number;
  forbidden: number;
  failed: number;
  /** the not-synced entries, worst (failed) first, then syncing, then forbidden */
  gaps: KindCoverage[];
}

const GAP_ORDER: Record<Knowledge, number> = { failed: 0, syncing: 1, forbidden: 2, synced: 3 };

export function summarizeCoverage(cov: readonly KindCoverage[]): CoverageSummary {
  const kinds = (s: Knowledge): number => new Set(cov.filter((c) => c.state === s).map((c) => c.resource)).size;
  const gaps = cov.filter((c) => c.state !== 'synced').sort((a, b) => GAP_ORDER[a.state] - GAP_ORDER[b.state]);
  return { complete: gaps.length === 0, syncing: kinds('syncing'), forbidden: kinds('forbidden'), failed: kinds('failed'), gaps };
}

/**
 * A count's suffix when its set is incomplete, for titles: "" when complete, else
 * "+ · 2 kinds syncing · 1 kind forbidden" (the count is a lower bound: "7+").
 */
export function coverageBadge(s: CoverageSummary): string {
  if (s.complete) return '';
  const parts = [
    s.failed ? `${s.failed} kind${s.failed === 1 ? '' : 's'} failed` : '',
    s.syncing ? `${s.syncing} kind${s.syncing === 1 ? '' : 's'} syncing` : '',
    s.forbidden ? `${s.forbidden} kind${s.forbidden === 1 ? '' : 's'} forbidden` : '',
  ].filter(Boolean);
  return `+ · ${parts.join(' · ')}`;
}

/** Per context, as `status -o json` carries it: complete, and each gap in words with its state. */
export interface ContextCoverageJson {
  complete: boolean;
  syncing: string[];
  forbidden: string[];
  failed: string[];
}

/** The JSON shape of one context's coverage: resourceKeys (with " in ns, ns" for partial ones) per state. */
export function coverageJson(cov: readonly KindCoverage[]): ContextCoverageJson {
  const out: ContextCoverageJson = { complete: isComplete(cov), syncing: [], forbidden: [], failed: [] };
  for (const c of cov) {
    if (c.state === 'synced') continue;
    const label =
      c.state === 'forbidden' && c.onlyNamespaces ? `${c.resource} outside ${c.onlyNamespaces.join(', ') || 'every namespace'}`
      : c.state === 'forbidden' && c.forbiddenNamespaces && !c.namespace ? `${c.resource} in ${c.forbiddenNamespaces.join(', ')}`
      : c.state === 'failed' && c.reason ? `${c.resource}: ${c.reason}`
      : c.resource;
    out[c.state].push(label);
  }
  return out;
}

/** What a context's gaps say in one line: "pods, deployments forbidden in kube-system; nodes syncing". */
export function gapText(cov: readonly KindCoverage[]): string {
  const groups = new Map<string, string[]>();
  for (const g of summarizeCoverage(cov).gaps) {
    const how =
      g.state === 'forbidden' ? (g.onlyNamespaces ? `forbidden outside ${g.onlyNamespaces.join(', ') || 'every namespace'}` : g.forbiddenNamespaces && !g.namespace ? `forbidden in ${g.forbiddenNamespaces.join(', ')}` : 'forbidden')
      : g.state === 'syncing' ? 'not synced yet'
      : `failed${g.reason ? ` (${g.reason})` : ''}`;
    const list = groups.get(how) ?? [];
    list.push(g.resource);
    groups.set(how, list);
  }
  return [...groups].map(([how, kinds]) => `${kinds.length > 4 ? `${kinds.slice(0, 4).join(', ')} and ${kinds.length - 4} more` : kinds.join(', ')} ${how}`).join('; ');
}

