// Line diffs of YAML renderings, unified style, for "what will this rollback change".
// Keys are sorted before rendering so that key order never shows up as a change.
import { stringify } from 'yaml';
import { isRecord } from './access.js';

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}

export function toYaml(v: unknown): string {
  if (v === undefined) return '';
  return stringify(sortKeys(v), { lineWidth: 0 });
}

type Op = { t: ' ' | '-' | '+'; line: string };

/** An LCS table over lines: templates are a few hundred lines at most. */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // beyond this the table is too big: show a replacement instead of a minimal diff
  if (n * m > 4_000_000) return [...a.map((line): Op => ({ t: '-', line })), ...b.map((line): Op => ({ t: '+', line }))];
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) ops.push({ t: '-', line: a[i++] });
    else ops.push({ t: '+', line: b[j++] });
  }
  while (i < n) ops.push({ t: '-', line: a[i++] });
  while (j < m) ops.push({ t: '+', line: b[j++] });
  return ops;
}

function lines(s: string): string[] {
  if (s === '') return [];
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** Unified diff of two texts ('' when equal), `context` lines around each change. */
export function unifiedDiff(a: string, b: string, labels: { a: string; b: string } = { a: 'a', b: 'b' }, context = 3): string {
  const ops = diffLines(lines(a), lines(b));
  if (!ops.some((o) => o.t !== ' ')) return '';
  const out = [`--- ${labels.a}`, `+++ ${labels.b}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === ' ') {
      k++;
      continue;
    }
    // a hunk: from `context` lines before this change to `context` after the last change
    // that is within 2*context lines of the previous one
    const start = Math.max(0, k - context);
    let end = k;
    let gap = 0;
    for (let x = k; x < ops.length; x++) {
      if (ops[x].t !== ' ') {
        end = x;
        gap = 0;
      } else if (++gap > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    let aLine = 1;
    let bLine = 1;
    for (let x = 0; x < start; x++) {
      if (ops[x].t !== '+') aLine++;
      if (ops[x].t !== '-') bLine++;
    }
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aCount ? aLine : aLine - 1},${aCount} +${bCount ? bLine : bLine - 1},${bCount} @@`);
    for (const o of hunk) out.push(`${o.t}${o.line}`);
    k = stop;
  }
  return `${out.join('\n')}\n`;
}

/** The diff of two pod templates as YAML, '' when they render the same. */
export function templateDiff(a: unknown, b: unknown, labels: { a: string; b: string } = { a: 'current', b: 'target' }): string {
  return unifiedDiff(toYaml(a), toYaml(b), labels);
}
