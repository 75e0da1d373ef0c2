// "Did you mean this?" for a mistyped subcommand, as cobra (kubectl's command library) finds
// its suggestions: a name within two single-character edits of what was typed, or one that
// starts with it, in the order the names are given.
import { termLine } from './sanitize.js';

/** Edits (insert, delete, substitute one character) that turn `a` into `b`, case ignored. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[t.length];
}

/** The names cobra would suggest for `typed` (its SuggestionsMinimumDistance is 2). */
export function suggestNames(typed: string, names: readonly string[]): string[] {
  const low = typed.toLowerCase();
  return names.filter((n) => editDistance(typed, n) <= 2 || (low !== '' && n.toLowerCase().startsWith(low)));
}

/**
 * cobra's error for a word that names no subcommand, with fleetdeck for kubectl:
 * `error: unknown command "x" for "fleetdeck"`, the suggestions, then where help is.
 */
export function unknownCommandText(program: string, typed: string, names: readonly string[]): string {
  const near = suggestNames(typed, names);
  const suggestions = near.length ? `\n\nDid you mean this?\n${near.map((n) => `\t${n}\n`).join('')}` : '';
  // the typed word may hold anything (a pasted escape): through the sanitizer, quoted as Go's %q
  return `error: unknown command ${termLine(JSON.stringify(typed))} for ${JSON.stringify(program)}${suggestions}\nRun '${program} --help' for usage.`;
}
