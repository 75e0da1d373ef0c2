// The README's Performance tables, made from a bench result (default bench/RESULTS.json) so the
// table is that run and nothing else: one row per figure, and for the side-by-side figures one
// row per measure with both tools' medians and their ratio.
//   node bench/table.mjs [bench/results/latest.json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

const file = process.argv[2] ?? join(root, 'bench/RESULTS.json');
const doc = JSON.parse(readFileSync(file, 'utf8'));
const out = [];
const yes = (met) => (met === true ? 'yes' : met === false ? '**no**' : '—');
const num = (v) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : String(v ?? '—'));
const target = (t) => (t === undefined ? '—' : typeof t === 'object' ? '' : String(t));

out.push(`Run: \`${doc.command}\`, ${doc.date}, ${doc.machine.cpus} cores (${doc.machine.cpuModel}), load average ${doc.machine.loadAverage.join(' / ')} at the end, Node ${doc.machine.node}.`, '');
// the 1-minute load average as the figure started and ended (recorded since session 7)
const load = (f) => (f.loadAverage ? f.loadAverage.join('→') : '—');
out.push('| figure | unit | target | median | met | load |', '|---|---|---|---|---|---|');
const sideBySide = [];
for (const f of doc.figures) {
  if (f.error) {
    out.push(`| ${f.id} | — | — | error: ${String(f.error).split('\n')[0].slice(0, 120).replace(/\|/g, '/')} | **no** | ${load(f)} |`);
    continue;
  }
  // fleetdeck and its peer (logs-vs-stern adds nodeFloor, `node -e` measured alike: its own rows)
  if (f.median && typeof f.median === 'object' && Object.keys(f.median).filter((k) => k !== 'nodeFloor').length === 2) {
    sideBySide.push(f);
    continue;
  }
  const lower = typeof f.target === 'number' && /ms|MB|s$|B\/s/.test(f.unit) && !/events\/s|lines\/s/.test(f.unit);
  out.push(`| ${f.id} | ${f.unit} | ${typeof f.target === 'number' ? `${lower ? '<' : '≥'} ${f.target}` : target(f.target)} | ${num(f.value)} | ${yes(f.met)} | ${load(f)} |`);
}
out.push('', '| side by side | measure | fleetdeck | peer | ratio (of medians) | target | met | load |', '|---|---|---|---|---|---|---|---|');
for (const f of sideBySide) {
  const [ours, peer] = Object.keys(f.median).filter((k) => k !== 'nodeFloor');
  const ratio = f.ratio ?? (typeof f.value === 'object' ? f.value : {});
  const targets = typeof f.target === 'object' && f.target ? f.target : {};
  for (const k of Object.keys(f.median[ours])) {
    const t = targets[k] ?? (typeof f.target === 'string' && ratio[k] === f.value ? f.target : '');
    const met = t ? (t.startsWith('<=') ? ratio[k] <= Number(t.slice(2)) : ratio[k] >= Number(t.slice(2))) : undefined;
    out.push(`| ${f.id} (${peer}) | ${k} | ${num(f.median[ours][k])} | ${num(f.median[peer][k])} | ${num(ratio[k])} | ${t || '—'} | ${yes(met)} | ${load(f)} |`);
  }
  // what any Node program pays before its first line, against the same peer
  const floor = f.median.nodeFloor;
  if (floor) for (const k of ['firstLineSeconds', 'cpuSeconds']) out.push(`| ${f.id}: \`node -e\` alone (${peer}) | ${k} | ${num(floor[k])} | ${num(f.median[peer][k])} | ${num(f.nodeFloorRatio?.[k])} | — | — | ${load(f)} |`);
}
process.stdout.write(`${out.join('\n')}\n`);
