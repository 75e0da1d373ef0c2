// Table alignment as a terminal shows it, from a snapshot of its cells (each row's cells'
// characters, '' for the right half of a wide character): shared by the pty fuzz (test/e2e)
// and the rendered-screen tests (test/helpers/ui-rig.ts).

/** The header words of a table's header row: [first, last] cell of each, split at two blanks. */
export function headerWords(head: readonly string[]): [number, number][] {
  const words: [number, number][] = [];
  for (let x = 0; x < head.length; x++) {
    const startsWord = head[x] !== ' ' && head[x] !== '' && (x === 0 || (head[x - 1] === ' ' && (x < 2 || head[x - 2] === ' ')));
    if (!startsWord) continue;
    let e = x;
    while (e + 1 < head.length && !(head[e + 1] === ' ' && (head[e + 2] ?? ' ') === ' ')) e++;
    words.push([x, e]);
    x = e;
  }
  return words;
}

/**
 * Why the table under the header row matching `header` is not aligned, or undefined when it is:
 * for every column after the first, every row below keeps its boundary — a blank cell just
 * before the column's header word (left-aligned) or just after it (right-aligned). A value cut
 * into its neighbour, a wide character measured wrong or a control that moved the cursor puts
 * text there. The table ends at a blank row, at a view's completeness note ("not whole: …") or
 * at a row `end` matches (the next section of a text view: describe's `Events:`).
 */
export function misaligned(cells: readonly (readonly string[])[], header: RegExp, end?: RegExp): string | undefined {
  const rows = cells.map((r) => r.map((c) => c || '').join(''));
  const screen = cells.map((r) => r.join('')).join('\n');
  const h = cells.findIndex((r) => header.test(r.join('')));
  if (h < 0) return `no header ${header} on the screen:\n${screen}`;
  const words = headerWords(cells[h]);
  if (words.length < 2) return `one column only under ${header}:\n${screen}`;
  const body: (readonly string[])[] = [];
  for (let y = h + 1; y < cells.length - 2 && rows[y].trim() !== '' && !rows[y].startsWith('not whole: ') && !end?.test(rows[y]); y++) body.push(cells[y]);
  for (const [x, e] of words.slice(1)) {
    const left = body.every((r) => r[x - 1] === ' ');
    const right = body.every((r) => e + 1 >= r.length || r[e + 1] === ' ');
    if (!left && !right) return `a row runs into the column ${cells[h].slice(x, e + 1).join('')} at ${x}..${e}:\n${screen}`;
  }
  return undefined;
}
