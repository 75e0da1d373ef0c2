// Label and field selectors as the Kubernetes API understands them: the string forms
// (`app=web,tier in (a,b),!canary`, `status.phase=Running`) and the LabelSelector object of
// Deployments ({matchLabels, matchExpressions}). Parsing fails with a SelectorError whose
// message reads like the API's; matching is pure.
import { isRecord } from './access.js';

export type LabelOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals';

export interface LabelRequirement {
  key: string;
  op: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

export class SelectorError extends Error {}

// DNS-subdomain prefix + '/' + name, as label keys allow
const keyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, src: string): string {
  if (!keyPattern.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${src}"`);
  return key;
}

function checkValue(v: string, src: string): string {
  if (v.length > 63 || !valuePattern.test(v)) {
    throw new SelectorError(`unable to parse requirement: invalid label value: "${v}" in "${src}"`);
  }
  return v;
}

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const setOp = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;
const binOp = /^([^=!\s]+)\s*(==|!=|=)\s*(.*)$/;

/** Parses the string form; an empty string selects everything. */
export function parseLabelSelector(src: string): LabelSelector {
  const out: LabelSelector = [];
  if (src.trim() === '') return out;
  for (const raw of splitTop(src)) {
    const part = raw.trim();
    if (part === '') throw new SelectorError(`found '', expected: identifier in "${src}"`);
    const set = setOp.exec(part);
    if (set) {
      const values = set[3].split(',').map((v) => checkValue(v.trim(), src));
      out.push({ key: checkKey(set[1], src), op: set[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const bin = binOp.exec(part);
    if (bin) {
      out.push({ key: checkKey(bin[1], src), op: bin[2] === '!=' ? 'NotEquals' : 'Equals', values: [checkValue(bin[3].trim(), src)] });
      continue;
    }
    if (part.startsWith('!')) {
      out.push({ key: checkKey(part.slice(1).trim(), src), op: 'DoesNotExist', values: [] });
      continue;
    }
    out.push({ key: checkKey(part, src), op: 'Exists', values: [] });
  }
  return out;
}

const objectOps: Record<string, LabelOperator> = { In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist' };

/**
 * The LabelSelector object form. A missing selector (undefined/null) matches nothing, as
 * the API treats a nil selector; an empty object matches everything.
 */
export function labelSelectorFromObject(sel: unknown): LabelSelector | undefined {
  if (!isRecord(sel)) return undefined;
  const out: LabelSelector = [];
  if (isRecord(sel.matchLabels)) {
    for (const [key, v] of Object.entries(sel.matchLabels)) out.push({ key, op: 'Equals', values: [String(v)] });
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isRecord(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') {
        throw new SelectorError('invalid matchExpressions entry');
      }
      const op = objectOps[e.operator];
      if (!op) throw new SelectorError(`"${e.operator}" is not a valid label selector operator`);
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      if ((op === 'In' || op === 'NotIn') && values.length === 0) {
        throw new SelectorError(`values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
      }
      out.push({ key: e.key, op, values });
    }
  }
  return out;
}

export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'Equals':
      case 'In':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'NotEquals':
      case 'NotIn':
        if (has && r.values.includes(v)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Back to the string form (for URLs). */
export function formatLabelSelector(sel: LabelSelector): string {
  const fmt: Record<LabelOperator, (r: LabelRequirement) => string> = {
    Equals: (r) => `${r.key}=${r.values[0]}`,
    NotEquals: (r) => `${r.key}!=${r.values[0]}`,
    In: (r) => `${r.key} in (${r.values.join(',')})`,
    NotIn: (r) => `${r.key} notin (${r.values.join(',')})`,
    Exists: (r) => r.key,
    DoesNotExist: (r) => `!${r.key}`,
  };
  return sel.map((r) => fmt[r.op](r)).join(',');
}

/** Splits on unescaped `sep`, keeping escapes for the caller to resolve. */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      parts.push(cur);
      cur = '';
    } else cur += s[i];
  }
  parts.push(cur);
  return parts;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Parses `a=b,c!=d` (`==` too; `\,` `\=` `\\` escape). Empty selects everything. */
export function parseFieldSelector(src: string): FieldSelector {
  const out: FieldSelector = [];
  if (src.trim() === '') return out;
  for (const part of splitEscaped(src, ',')) {
    const m = /^((?:[^=!\\]|\\.)+?)\s*(==|!=|=)(.*)$/.exec(part.trim());
    if (!m) throw new SelectorError(`invalid selector: '${src}'; can't understand '${part}'`);
    out.push({ field: unescape(m[1].trim()), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3].trim()) });
  }
  return out;
}

/** Matches against the field values the resource exposes (`get(field)`). */
export function matchFields(sel: FieldSelector, get: (field: string) => string | undefined): boolean {
  for (const r of sel) {
    const v = get(r.field) ?? '';
    if ((v === r.value) !== (r.op === '=')) return false;
  }
  return true;
}
