// One result from several `node bench/run.mjs --only ...` runs (a full run in parts, one after
// another or side by side): the figures in the order given, each run's command, date and
// machine under `invocations`, the last run's machine and date on top.
//   node bench/merge.mjs --why "TEXT" PART.json [PART.json ...] > bench/RESULTS.json
import { readFileSync } from 'node:fs';
import { arg } from './lib.mjs';

const why = arg('why');
const files = process.argv.slice(2).filter((a, i, all) => a !== '--why' && all[i - 1] !== '--why');
if (!files.length) throw new Error('usage: node bench/merge.mjs [--why TEXT] PART.json [PART.json ...]');
const docs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const commands = docs.map((d) => d.command.replace(/^npm run bench -- /, 'node bench/run.mjs '));
const last = docs.at(-1);
const doc = {
  figures: docs.flatMap((d) => d.figures),
  machine: last.machine,
  date: last.date,
  quick: docs.some((d) => d.quick),
  command: `npm run build, then ${docs.length} invocations: ${commands.join('; ')}`,
  invocations: docs.map((d, i) => ({ command: commands[i], date: d.date, machine: d.machine })),
  ...(why ? { why } : {}),
};
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
