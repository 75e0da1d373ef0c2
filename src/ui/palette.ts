// The `:` command line: parsing (`deploy prod-* shop`) and fuzzy completion over views,
// resource names, the object commands' words (the command table's verbs), contexts and namespaces.
import Fuse from 'fuse.js';
import { isMutation, VERBS, verbCommand } from '../commands/table.js';
import { kubeconfigContexts, type FleetStore } from '../fleet/types.js';
import { globToRegExp } from '../model/glob.js';
import { VIEWS } from './view.js';

export interface ParsedCommand {
  name: string;
  /** context names the command narrows to, from globs or exact names */
  contexts?: string[];
  namespace?: string;
  /** `-A` or `all` was given */
  allNamespaces?: boolean;
  /** arguments that are neither contexts nor a namespace (for registered views) */
  args: string[];
}

export function parseCommand(line: string, allContexts: string[]): ParsedCommand {
  const [name = '', ...rest] = line.trim().replace(/^:/, '').split(/\s+/).filter(Boolean);
  const out: ParsedCommand = { name: name.toLowerCase(), args: [] };
  for (const a of rest) {
    const re = globToRegExp(a);
    const hit = allContexts.filter((c) => re.test(c));
    if (hit.length && (a.includes('*') || a.includes('?') || allContexts.includes(a))) out.contexts = [...(out.contexts ?? []), ...hit];
    else if (a === '-A' || a === 'all') {
      out.namespace = undefined;
      out.allNamespaces = true;
    }
    // after -A a word is no namespace (`:pods -A foo` is not foo's pods)
    else if (!out.namespace && !out.allNamespaces) out.namespace = a;
    else out.args.push(a);
  }
  return out;
}

/** The object command whose `:` word the line starts with, once its argument is being typed. */
function verbOf(words: string[]): ReturnType<typeof verbCommand> {
  return words.length > 1 ? verbCommand(words[0].replace(/^:/, '').toLowerCase()) : undefined;
}

/** What the argument being typed after an object command's word is (`:scale ` → `[N] replicas`, from the command table). */
export function argumentHint(line: string): string | undefined {
  const words = line.split(/\s+/);
  const verb = verbOf(words);
  return verb && words.length === 2 ? verb.cmd.verbArg?.shape : undefined;
}

/**
 * Completions for the word being typed: names first, then contexts/namespaces for arguments.
 * After an object command's word (`:scale `) none: it takes a number or nothing (argumentHint says which).
 * Read-only: the words of commands it refuses are not offered (typed whole, the executor says why).
 */
export function completions(line: string, store: FleetStore, contexts: string[], opts: { readonly?: boolean; limit?: number } = {}): string[] {
  const limit = opts.limit ?? 6;
  const words = line.split(/\s+/);
  const last = words[words.length - 1] ?? '';
  if (verbOf(words)) return [];
  let candidates: string[];
  if (words.length <= 1) {
    const set = new Set<string>([...VIEWS.keys(), ...VERBS.filter((v) => !(opts.readonly && isMutation(verbCommand(v)!.cmd.id)))]);
    for (const c of contexts) for (const r of store.resources(c)) {
      set.add(r.resource);
      for (const s of r.shortNames) set.add(s);
      set.add(r.kind.toLowerCase());
    }
    candidates = [...set];
  } else {
    const set = new Set<string>(kubeconfigContexts(store));
    for (const c of contexts) for (const ns of store.list(c, 'namespaces')) set.add(ns.metadata.name);
    candidates = [...set];
  }
  if (!last) return candidates.sort().slice(0, limit);
  const prefix = candidates.filter((c) => c.startsWith(last)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const fuzzy = new Fuse(candidates, { threshold: 0.4, ignoreLocation: true }).search(last).map((r) => r.item);
  return [...new Set([...prefix, ...fuzzy])].slice(0, limit);
}
