// Resolving what a user types to one served resource, as kubectl does: plural, singular,
// short name, kind (case-insensitive), each optionally qualified by its group or a leading
// part of it (`deployments.apps`, `Kustomization.kustomize.toolkit.fluxcd.io`,
// `ks.kustomize`). Collisions go to the earlier resource in discovery order (core first,
// then the server's group order), like kubectl's priority RESTMapper.
import type { ResourceType } from '../model/types.js';

type Match = (r: ResourceType, name: string) => boolean;

// Stronger matches first: an exact plural beats a singular elsewhere, which beats a short
// name, which beats a kind.
const passes: Match[] = [
  (r, n) => r.resource === n,
  (r, n) => r.singular === n,
  (r, n) => r.shortNames.includes(n),
  (r, n) => r.kind.toLowerCase() === n,
];

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

function resolveUncached(types: readonly ResourceType[], query: string): ResourceType | undefined {
  const q = query.trim().toLowerCase();
  if (q === '') return undefined;
  const candidates: { name: string; group?: string }[] = [{ name: q }];
  const dot = q.indexOf('.');
  // `plural.group` is tried before the plain name so `deployments.apps` never matches a
  // resource literally named that way in another group
  if (dot > 0) candidates.unshift({ name: q.slice(0, dot), group: q.slice(dot + 1) });
  for (const c of candidates) {
    for (const pass of passes) {
      const hit = types.find((r) => (c.group === undefined || groupMatches(r.group, c.group)) && pass(r, c.name));
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
