// Compare, trace and changes as lines of text, for the shell (chalk) and the TUI (blessed
// tags) alike: the caller's Paint decides how a highlighted, failing or muted piece looks
// and how cluster text is made safe for its terminal (`text`). Pure.
import type { ChangeRow } from './changes.js';
import type { CompareResult, CompareRow } from './compare.js';
import { searchText } from './filter.js';
import { humanDuration } from './format.js';
import { cutToWidth, displayWidth, termLine } from './sanitize.js';
import type { Trace, TraceStep } from './trace.js';
import { stepLabel, stepState } from './trace.js';

export interface Paint {
  /** a value that differs from the others, a failure */
  bad(s: string): string;
  /** fine */
  good(s: string): string;
  /** in progress, unknown, attention */
  warn(s: string): string;
  muted(s: string): string;
  bold(s: string): string;
  /** cluster text already through the sanitizer (termLine), escaped for the medium: nothing for a shell, tags for blessed */
  text(s: string): string;
}

/** Cluster text for the terminal: the one sanitizer, then the medium's escaping. */
function safe(p: Paint, s: string): string {
  return p.text(termLine(s));
}

/** Sanitized text cut to `max` columns with a `~` (the truncation mark) when longer; Infinity keeps it whole. */
function clip(s: string, max: number): string {
  if (!Number.isFinite(max) || displayWidth(s) <= max) return s;
  return `${cutToWidth(s, Math.max(1, max - 1))}~`;
}

/** s padded with spaces to `width` terminal columns (wide characters count 2). */
function padTo(painted: string, plain: string, width: number): string {
  return painted + ' '.repeat(Math.max(0, width - displayWidth(plain)));
}

export const plainPaint: Paint = { bad: (s) => s, good: (s) => s, warn: (s) => s, muted: (s) => s, bold: (s) => s, text: (s) => s };

const VERDICT_WORDS: Record<CompareResult['verdict'], string> = {
  equal: 'the same in every context',
  differ: 'DIFFERS across contexts',
  incomplete: 'no difference among the contexts read, but not every context could be read',
  absent: 'found in no context',
};

/** `incomplete` where no context read holds the object: "no difference" would read as a verdict on an object no one saw. */
const UNSEEN_WORDS = 'found in no context read, but not every context could be read';

/** The most common value among the found contexts; values other than it are the odd ones. */
function majority(row: CompareRow, found: string[]): string | undefined {
  const counts = new Map<string | undefined, number>();
  for (const c of found) counts.set(row.values[c], (counts.get(row.values[c]) ?? 0) + 1);
  let best: string | undefined;
  let n = -1;
  for (const [v, k] of counts) if (k > n) [best, n] = [v, k];
  return best;
}

/**
 * Compare as text: a header with the verdict, a side-by-side table of the facts (a column per
 * context; values that differ from the majority painted bad, differing rows marked `≠`), then
 * each differing field with its value per context, then missing and unknown contexts.
 * When the table is wider than `width`, each fact is printed as a block instead.
 */
export function renderCompare(r: CompareResult, p: Paint, width = 120, opts: { clip?: boolean } = {}): string[] {
  const room = (used: number): number => (opts.clip ? Math.max(8, width - used) : Infinity);
  const found = r.contexts.filter((c) => c.presence === 'found').map((c) => c.context);
  const out: string[] = [];
  const title = `${r.kind} ${r.namespace ? `${safe(p, r.namespace)}/` : ''}${safe(p, r.name)}`;
  const verdict = r.verdict === 'equal' ? p.good(VERDICT_WORDS.equal) : r.verdict === 'differ' ? p.bad(VERDICT_WORDS.differ) : p.warn(r.verdict === 'incomplete' && found.length === 0 ? UNSEEN_WORDS : VERDICT_WORDS[r.verdict]);
  out.push(`${p.bold(title)}: ${verdict}${r.observedDiffers && r.verdict !== 'differ' ? p.warn(' (observed state differs)') : ''}`);
  if (found.length > 0) {
    const cell = (row: CompareRow, c: string, max = Infinity): { raw: string; painted: string } => {
      const v = row.values[c];
      const raw = v === undefined ? '—' : clip(termLine(v), max);
      const odd = row.differs && v !== majority(row, found);
      return { raw, painted: odd ? p.bad(safe(p, raw)) : row.differs ? safe(p, raw) : p.muted(safe(p, raw)) };
    };
    const header = ['', 'FIELD', ...found.map((c) => termLine(c))];
    const rows = r.facts.map((row) => [row.differs ? '≠' : ' ', termLine(row.field), ...found.map((c) => cell(row, c).raw)]);
    const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((x) => displayWidth(x[i]))));
    // the last column may run long (a health reason): it counts up to 40 cells
    const total = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0) + Math.min(40, widths[widths.length - 1]);
    if (total <= width) {
      const line = (cells: string[], painted: string[]) => cells.map((c, i) => (i === cells.length - 1 ? painted[i] : padTo(painted[i], c, widths[i]))).join('  ').trimEnd();
      out.push(p.muted(line(header, header.map((h) => p.text(h)))));
      const lastRoom = room(widths.slice(0, -1).reduce((a, b) => a + b + 2, 0));
      r.facts.forEach((row, i) => {
        const painted = [row.differs ? p.bad('≠') : ' ', row.differs ? safe(p, row.field) : p.muted(safe(p, row.field)), ...found.map((c, j) => cell(row, c, j === found.length - 1 ? lastRoom : Infinity).painted)];
        out.push(line(rows[i], painted));
      });
    } else {
      const cw = Math.max(...found.map((c) => displayWidth(termLine(c))));
      for (const row of r.facts) {
        out.push(`${row.differs ? p.bad('≠') : ' '} ${row.differs ? safe(p, row.field) : p.muted(safe(p, row.field))}`);
        for (const c of found) out.push(`    ${padTo(safe(p, c), termLine(c), cw)}  ${cell(row, c, room(cw + 6)).painted}`);
      }
    }
  }
  if (r.fields.length > 0) {
    out.push('', p.bold(`fields that differ (${r.fields.length}):`));
    const cw = Math.max(...found.map((c) => displayWidth(termLine(c))));
    for (const f of r.fields) {
      out.push(`≠ ${safe(p, f.field)}`);
      const m = majority(f, found);
      for (const c of found) {
        const v = f.values[c];
        const s = clip(termLine(v === undefined ? '(absent)' : v), room(cw + 6));
        out.push(`    ${padTo(safe(p, c), termLine(c), cw)}  ${v !== m ? p.bad(safe(p, s)) : safe(p, s)}`);
      }
    }
  }
  const missing = r.contexts.filter((c) => c.presence === 'missing');
  const unknown = r.contexts.filter((c) => c.presence === 'unknown');
  if (missing.length) out.push('', `${p.bad('missing')} in: ${missing.map((c) => `${safe(p, c.context)}${c.reason ? ` (${safe(p, c.reason)})` : ''}`).join(', ')}`);
  if (unknown.length) out.push(missing.length ? '' : '', `${p.warn('unknown')} in: ${unknown.map((c) => `${safe(p, c.context)} (${safe(p, c.reason ?? 'not read')})`).join(', ')}`);
  return out;
}

const STEP_TITLE_WIDTH = 16;

/** HH:MM:SS in UTC (the timeline's TIME column; JSON carries the full ISO time). */
export function shortTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function stepStatePainted(s: TraceStep, p: Paint): string {
  const st = stepState(s);
  const word = st.status;
  const painted = word === 'Ready' || word === 'Current' ? p.good(word) : word === 'NotReady' || word === 'Failed' || word === 'NotFound' ? p.bad(word) : p.warn(word);
  return `${painted}${st.reason ? ` ${safe(p, st.reason)}` : ''}`;
}

/** The chain on one line: `Pod/ns/x → ReplicaSet/ns/y → … → GitRepository/flux-system/flux-system @ main@sha1:…`. */
export function traceChainLine(t: Trace, p: Paint): string {
  const parts = t.steps.map((s) => {
    const label = safe(p, stepLabel(s));
    const st = stepState(s).status;
    return st === 'Ready' || st === 'Current' ? label : st === 'NotReady' || st === 'Failed' || st === 'NotFound' ? p.bad(label) : p.warn(label);
  });
  const last = t.steps.at(-1);
  const rev = last?.appliedRevision ? ` @ ${safe(p, last.appliedRevision)}` : '';
  return parts.join(' → ') + rev;
}

/**
 * A trace as `flux trace` prints it, extended to every step: a block per step (`Kind:` name,
 * Namespace, Path/URL/reference, Revision and Attempted, Status with the Ready reason and
 * since when, Message), separated by `---`, then whether Flux manages it.
 */
export function renderTrace(t: Trace, p: Paint, width = Infinity): string[] {
  const long = (v: string): string => safe(p, clip(termLine(v), width - STEP_TITLE_WIDTH));
  const out: string[] = [];
  // a step's kind is cluster text too (an ownerReference names any kind): sanitized, measured in
  // terminal columns, and at least one space before its value
  const kv = (k: string, v: string): void => {
    const label = termLine(`${k}:`);
    out.push(`${p.text(label)}${' '.repeat(Math.max(1, STEP_TITLE_WIDTH - displayWidth(label)))}${v}`);
  };
  t.steps.forEach((s, i) => {
    if (i > 0) out.push(p.muted('---'));
    kv(s.kind, `${safe(p, s.name)}${s.via === 'flux-label' ? p.muted('  (by its labels)') : s.via === 'flux-inventory' ? p.muted('  (in its inventory)') : ''}`);
    if (s.namespace) kv('Namespace', safe(p, s.namespace));
    if (s.targetNamespace) kv('Target', safe(p, s.targetNamespace));
    if (s.path) kv('Path', safe(p, s.path));
    if (s.url) kv('URL', long(s.url));
    if (s.reference) {
      const [k, ...rest] = s.reference.split(' ');
      kv(k[0].toUpperCase() + k.slice(1), safe(p, rest.join(' ')));
    }
    if (s.appliedRevision) kv('Revision', safe(p, s.appliedRevision));
    if (s.attemptedRevision && s.attemptedRevision !== s.appliedRevision) kv('Attempted', p.bad(safe(p, s.attemptedRevision)));
    if (s.presence !== 'found') {
      kv('Status', s.presence === 'missing' ? p.bad('NotFound') : p.warn('Unknown'));
      if (s.note) kv('Message', long(s.note));
      return;
    }
    const since = s.ready?.since ? p.muted(` since ${s.ready.since}`) : '';
    kv('Status', `${stepStatePainted(s, p)}${s.suspended ? p.warn(' (suspended)') : ''}${since}`);
    const msg = s.ready?.message ?? (s.health && s.health.status !== 'Current' ? s.health.reason : undefined);
    if (msg) kv('Message', long(msg));
  });
  out.push(p.muted('---'));
  out.push(t.managed === 'flux' ? `Managed by Flux${t.note ? `: ${safe(p, t.note)}` : ''}` : t.managed === 'unknown' ? p.warn(`Flux management unknown: ${safe(p, t.note ?? '')}`) : p.muted(safe(p, t.note ?? 'not managed by Flux')));
  return out;
}

const CHANGE_PAINT: Record<ChangeRow['change'], keyof Pick<Paint, 'bad' | 'good' | 'warn' | 'muted'>> = {
  rollout: 'warn', rollback: 'warn', scale: 'warn',
  'flux-applied': 'good', 'flux-failed': 'bad', 'source-revision': 'muted',
  'helm-install': 'good', 'helm-upgrade': 'good', 'helm-rollback': 'warn', 'helm-failed': 'bad',
  created: 'muted', deleting: 'warn', deleted: 'warn', warning: 'bad',
};

/**
 * The changes timeline's columns, declared once: the table draws `value`, `w` shows `whole`
 * (else value), the `/` filter searches every column but the volatile AGE.
 */
export const CHANGE_COLUMNS: readonly { header: string; value(r: ChangeRow, now: number): string; whole?(r: ChangeRow): string; volatile?: true }[] = [
  { header: 'AGE', value: (r, now) => humanDuration(now - r.atMs), volatile: true },
  { header: 'TIME', value: (r) => shortTime(r.atMs), whole: (r) => r.at },
  { header: 'CONTEXT', value: (r) => (r.contexts ?? [r.context]).join(',') },
  { header: 'OBJECT', value: (r) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}` },
  { header: 'CHANGE', value: (r) => r.change },
  { header: 'WHAT', value: (r) => r.what },
];

/** A change row's text for the `/` filter: its identity and its columns as drawn (AGE left out, as ages everywhere). */
export function changeSearchText(r: ChangeRow): string {
  const identity = `${(r.contexts ?? [r.context]).join(',')}/${r.namespace}/${r.kind}/${r.name}`;
  return searchText(identity, CHANGE_COLUMNS.filter((c) => !c.volatile).map((c) => c.value(r, 0 /* only AGE reads the clock */)));
}

/** The changes timeline as a table (CHANGE_COLUMNS; newest first, as given). */
export function renderChanges(rows: ChangeRow[], now: number, p: Paint, width = Infinity): string[] {
  const table = [CHANGE_COLUMNS.map((c) => c.header)];
  for (const r of rows) table.push(CHANGE_COLUMNS.map((c) => termLine(c.value(r, now))));
  const widths = table[0].map((_, i) => Math.max(...table.map((x) => displayWidth(x[i]))));
  const last = widths.length - 1;
  if (Number.isFinite(width)) for (const r of table) r[last] = clip(r[last], Math.max(8, width - widths.slice(0, last).reduce((a, b) => a + b + 2, 0)));
  return table.map((cells, ri) =>
    cells
      .map((c, i) => {
        const pad = i === cells.length - 1 ? '' : ' '.repeat(widths[i] - displayWidth(c));
        if (ri === 0) return p.muted(c) + pad;
        const painted = i === 4 ? p[CHANGE_PAINT[rows[ri - 1].change]](c) : i >= 2 ? p.text(c) : c;
        return painted + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Every context's trace: the chain line, then the blocks; traces separated by a blank line. */
export function renderTraces(traces: ({ context: string } & Trace)[], p: Paint, width = Infinity): string {
  return traces.map((t) => [...chainLines(t, p, width), '', ...renderTrace(t, p, width)].join('\n')).join('\n\n');
}

/** The chain line, or — when it is wider than `width` — one step per line (`  → Kind/ns/name`), the revision last. */
function chainLines(t: { context: string } & Trace, p: Paint, width: number): string[] {
  const plainLine = `${termLine(t.context)}: ${traceChainLine(t, plainPaint)}`;
  if (displayWidth(plainLine) <= width) return [p.bold(`${safe(p, t.context)}: `) + traceChainLine(t, p)];
  const rev = t.steps.at(-1)?.appliedRevision;
  return [
    p.bold(`${safe(p, t.context)}:`),
    ...t.steps.map((s, i) => `${i ? '  → ' : '    '}${safe(p, clip(termLine(stepLabel(s)), width - 4))}`),
    ...(rev ? [`    @ ${safe(p, clip(termLine(rev), width - 6))}`] : []),
  ];
}
