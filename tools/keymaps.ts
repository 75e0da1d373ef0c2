// Writes what the command table (src/commands/table.ts) declares about keys: the built-in
// keymaps (keymaps/default.json, keymaps/vim.json) and the table of docs/keymaps.md between
// its markers. `npm run keymaps`; test/unit/command-table.test.ts refuses files that differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { BUILTIN_KEYMAPS, builtinKeymapFile, keymapDocsTable } from '../src/commands/table.js';

export const DOCS = 'docs/keymaps.md';
export const START = '<!-- generated from src/commands/table.ts by npm run keymaps: do not edit -->';
export const END = '<!-- end of generated table -->';

/** docs/keymaps.md with its generated table replaced by the table's current one. */
export function docsWithTable(doc: string): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOCS}: the generated-table markers are missing`);
  return `${doc.slice(0, a + START.length)}\n${keymapDocsTable()}\n${doc.slice(b)}`;
}

if (process.argv[1]?.endsWith('keymaps.ts')) {
  for (const k of BUILTIN_KEYMAPS) writeFileSync(`keymaps/${k.name}.json`, builtinKeymapFile(k.name));
  writeFileSync(DOCS, docsWithTable(readFileSync(DOCS, 'utf8')));
  process.stdout.write(`wrote keymaps/{${BUILTIN_KEYMAPS.map((k) => k.name).join(',')}}.json and ${DOCS}\n`);
}
