// Resolving what a user types to one served resource, as kubectl does: plural, singular,
// short name, kind (case-insensitive), each optionally qualified by its group or a leading
// part of it (`deployments.apps`, `Kustomization.kustomize.toolkit.fluxcd.io`,
// `ks.kustomize`). Collisions go to the earlier resource in discovery order (core first,
// then the server's group order), like kubectl's priority RESTMapper.
import type { ResourceType } from '../model/types.js';

// Stronger matches first: an exact plural beats a singular elsewhere, which beats a short
// name, which beats a kind (nameIndex keys each pass by the name it compares).
const passes = ['plural', 'singular', 'short name', 'kind'] as const;

const groupMatches = (group: string, want: string): boolean => group === want || group.startsWith(`${want}.`);

// Answers per discovery result: views ask for the same kinds of every context on each frame
// (hundreds of kinds per CRD-heavy context). A context's types are replaced, never edited, when
// discovery changes, so the array's identity keys its answers.
const answers = new WeakMap<readonly ResourceType[], Map<string, ResourceType | undefined>>();

/**
 * The served resource a user's word names (kubectl's rules above), or undefined. Memoised per
 * `types` array: callers must not change an array they have resolved against.
 */
export function resolveResource(types: readonly ResourceType[], query: string): ResourceType | undefined {
  let known = answers.get(types);
  if (!known) answers.set(types, (known = new Map()));
  if (known.has(query)) return known.get(query);
  const hit = resolveUncached(types, query);
  known.set(query, hit);
  return hit;
}

/** Per pass, the types each name can match there, in discovery order. */
type NameIndex = Map<string, ResourceType[]>[];
const indexes = new WeakMap<readonly ResourceType[], NameIndex>();

/**
 * The types by the name each pass compares (plural, singular, each short name, lower-case
 * kind): a CRD-heavy context resolves ~220 kinds at once, and a scan of its ~240 types per
 * pass per kind cost 50 such contexts ~0.3 s.
 */
function nameIndex(types: readonly ResourceType[]): NameIndex {
  let idx = indexes.get(types);
  if (idx) return idx;
  idx = passes.map(() => new Map<string, ResourceType[]>());
  const add = (pass: number, name: string, r: ResourceType): void => {
    const m = idx![pass];
    const list = m.get(name);
    if (!list) m.set(name, [r]);
    // a type listing one short name twice is one candidate
    else if (list[list.length - 1] !== r) list.push(r);
  };
  for (const r of types) {
    add(0, r.resource, r);
    add(1, r.singular, r);
    for (const s of r.shortNames) add(2, s, r);
    add(3, r.kind.toLowerCase(), r);
  }
  indexes.set(types, idx);
  return idx;
}

function resolveUncached(types: readonly ResourceType[], query: string): ResourceType | undefined {
  const q = query.trim().toLowerCase();
  if (q === '') return undefined;
  const candidates: { name: string; group?: string }[] = [{ name: q }];
  const dot = q.indexOf('.');
  // `plural.group` is tried before the plain name so `deployments.apps` never matches a
  // resource literally named that way in another group
  if (dot > 0) candidates.unshift({ name: q.slice(0, dot), group: q.slice(dot + 1) });
  const idx = nameIndex(types);
  for (const c of candidates) {
    for (let pass = 0; pass < passes.length; pass++) {
      const hit = idx[pass].get(c.name)?.find((r) => c.group === undefined || groupMatches(r.group, c.group));
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Every resource in a category (`all`, `fluxcd`, ...), in discovery order. */
export function resourcesInCategory(types: readonly ResourceType[], category: string): ResourceType[] {
  const c = category.toLowerCase();
  return types.filter((r) => r.categories.includes(c));
}
