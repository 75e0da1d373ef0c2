// Which contexts a run covers: the current one by default; names, globs and comma lists
// (--context, repeatable), --all-contexts, or named fleets from the app config.
import { globToRegExp } from '../model/glob.js';
import { KubeconfigError } from './kubeconfig.js';

export { globToRegExp };

export interface ContextSelection {
  /** --context values; each may be a comma list of names and globs */
  context?: string[];
  allContexts?: boolean;
  /** --fleet names */
  fleet?: string[];
}

const isGlob = (p: string): boolean => /[*?[]/.test(p);

function availableList(available: string[]): string {
  return available.length > 0 ? available.join(', ') : '(none: the kubeconfig defines no contexts)';
}

/** Expands patterns against the available names, keeping kubeconfig order, no duplicates. */
function expand(patterns: string[], available: string[], what: string): string[] {
  const chosen = new Set<string>();
  for (const p of patterns) {
    if (isGlob(p)) {
      const re = globToRegExp(p);
      const hits = available.filter((n) => re.test(n));
      if (hits.length === 0) throw new KubeconfigError(`${what} "${p}" matches no context; available: ${availableList(available)}`);
      for (const h of hits) chosen.add(h);
    } else {
      if (!available.includes(p)) throw new KubeconfigError(`unknown context "${p}"${what === 'context' ? '' : ` (in ${what})`}; available: ${availableList(available)}`);
      chosen.add(p);
    }
  }
  return available.filter((n) => chosen.has(n));
}

/**
 * Resolves the selection to context names. Throws KubeconfigError (listing the available
 * contexts) for unknown names, globs matching nothing, unknown fleets or no current context.
 */
export function selectContexts(
  sel: ContextSelection,
  available: string[],
  currentContext: string | undefined,
  fleets: Record<string, string[]> = {},
): string[] {
  const patterns = (sel.context ?? []).flatMap((c) => c.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (sel.allContexts) {
    // which one the user meant is a guess: on an action, the wider one would act on every context
    if (patterns.length > 0 || (sel.fleet ?? []).length > 0) throw new KubeconfigError(`--all-contexts covers every context: give it or --context/--fleet, not both`);
    if (available.length === 0) throw new KubeconfigError('--all-contexts: the kubeconfig defines no contexts');
    return [...available];
  }
  const out = new Set(expand(patterns, available, 'context'));
  for (const f of sel.fleet ?? []) {
    const members = fleets[f];
    if (!members) {
      const known = Object.keys(fleets);
      throw new KubeconfigError(`unknown fleet "${f}"; defined fleets: ${known.length > 0 ? known.join(', ') : '(none: add `fleets:` to the config file)'}`);
    }
    for (const n of expand(members, available, `fleet "${f}"`)) out.add(n);
  }
  if (patterns.length > 0 || (sel.fleet ?? []).length > 0) return available.filter((n) => out.has(n));
  if (!currentContext) throw new KubeconfigError(`no current context is set; choose one with --context; available: ${availableList(available)}`);
  if (!available.includes(currentContext))
    throw new KubeconfigError(`the current context "${currentContext}" is not defined; available: ${availableList(available)}`);
  return [currentContext];
}
