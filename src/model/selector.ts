// Label and field selectors as the Kubernetes API understands them: the string forms
// (`app=web,tier in (a,b),!canary`, `status.phase=Running`) and the LabelSelector object of
// Deployments ({matchLabels, matchExpressions}). Parsing fails with a SelectorError whose
// message reads like the API's; matching is pure.
import { isRecord } from './access.js';

/** Gt and Lt compare integers (the string form only; the object form has no such operator). */
export type LabelOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

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

// Label keys and values as validation.IsQualifiedName and IsValidLabelValue check them; the
// messages are theirs without the "(e.g. ..., regex used for validation is ...)" tail.
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_CHARS = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function keyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [`a qualified name ${NAME_CHARS} with an optional DNS subdomain prefix and '/'`];
  const name = parts.at(-1)!;
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (!prefix) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!DNS_SUBDOMAIN.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name && !NAME_PART.test(name)) errs.push(`name part ${NAME_CHARS}`);
  return errs;
}

function valueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (v && !NAME_PART.test(v)) errs.push(`a valid label must be an empty string or ${NAME_CHARS.replace('must ', '')}`);
  return errs;
}

// The string form's grammar is apimachinery's (pkg/labels/selector.go): a lexer of identifiers
// and the symbols = == != ! ( ) , > < and the keywords in/notin, whitespace between any two.
type Tok = 'end' | 'id' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<';
interface Lexeme {
  tok: Tok;
  lit: string;
  /** where it starts in the source */
  at: number;
}

const SYMBOLS: readonly string[] = ['!=', '==', '=', '!', '(', ')', ',', '>', '<'];
const SPECIAL = new Set('=!(),><');
const WHITE = new Set(' \t\r\n');

function lex(src: string, from: number): Lexeme[] {
  const out: Lexeme[] = [];
  let i = from;
  for (;;) {
    while (i < src.length && WHITE.has(src[i])) i++;
    if (i >= src.length) {
      out.push({ tok: 'end', lit: '', at: src.length });
      return out;
    }
    const at = i;
    if (SPECIAL.has(src[i])) {
      // the longest symbol that starts here (`!=` before `!`)
      const sym = SYMBOLS.find((s) => src.startsWith(s, i))!;
      out.push({ tok: sym as Tok, lit: sym, at });
      i += sym.length;
      continue;
    }
    while (i < src.length && !SPECIAL.has(src[i]) && !WHITE.has(src[i])) i++;
    const lit = src.slice(at, i);
    out.push({ tok: lit === 'in' || lit === 'notin' ? lit : 'id', lit, at });
  }
}

const BINARY: Partial<Record<Tok, LabelOperator>> = { in: 'In', notin: 'NotIn', '=': 'Equals', '==': 'Equals', '!=': 'NotEquals', '>': 'Gt', '<': 'Lt' };

/**
 * The parser over one source. `prefix`: the selector is the head of a longer line (the `/`
 * filter's `-l`): it ends before the first token that cannot continue it, and a key followed
 * by anything but an operator is an exists requirement (kubectl would want an operator).
 */
class Parser {
  private pos = 0;
  private readonly items: Lexeme[];

  constructor(private readonly src: string, from: number, private readonly prefix: boolean) {
    this.items = lex(src, from);
  }

  /** In a value's place `in` and `notin` are identifiers (as apimachinery's Values context). */
  private peek(values = true): Lexeme {
    const l = this.items[this.pos];
    return values && (l.tok === 'in' || l.tok === 'notin') ? { ...l, tok: 'id' } : l;
  }

  private next(values = true): Lexeme {
    const l = this.peek(values);
    this.pos++;
    return l;
  }

  parse(): { selector: LabelSelector; end: number } {
    const out: LabelSelector = [];
    if (this.peek().tok === 'end') return { selector: out, end: this.peek().at };
    for (;;) {
      const l = this.peek();
      if (l.tok !== 'id' && l.tok !== '!') throw new SelectorError(`found '${l.lit}', expected: !, identifier, or 'end of string'`);
      try {
        out.push(this.requirement());
      } catch (e) {
        throw e instanceof SelectorError ? new SelectorError(`unable to parse requirement: ${e.message}`) : e;
      }
      const t = this.peek();
      if (t.tok === 'end' || (this.prefix && t.tok !== ',')) return { selector: out, end: t.at };
      this.next();
      if (t.tok !== ',') throw new SelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.tok !== 'id' && after.tok !== '!') throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let l = this.next();
    const absent = l.tok === '!';
    if (absent) l = this.next();
    if (l.tok !== 'id') throw new SelectorError(`found '${l.lit}', expected: identifier`);
    const key = l.lit;
    const errs = keyErrors(key);
    if (errs.length) throw new SelectorError(`invalid label key "${key}": ${errs.join('; ')}`);
    const t = this.peek(false);
    const op = BINARY[t.tok];
    if (absent || t.tok === 'end' || t.tok === ',' || (this.prefix && !op)) return { key, op: absent ? 'DoesNotExist' : 'Exists', values: [] };
    this.next(false);
    if (!op) throw new SelectorError(`found '${t.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = op === 'In' || op === 'NotIn' ? this.set() : [this.exact()];
    if (op === 'Gt' || op === 'Lt') {
      if (!/^[+-]?\d+$/.test(values[0])) throw new SelectorError("for 'Gt', 'Lt' operators, the value must be an integer");
    }
    for (const v of values) {
      const bad = valueErrors(v);
      if (bad.length) throw new SelectorError(`invalid label value: "${v}": at key: "${key}": ${bad.join('; ')}`);
    }
    return { key, op, values };
  }

  /** `(a, b)`; `()` and empty places between commas are the empty value, as apimachinery reads them */
  private set(): string[] {
    const open = this.next();
    if (open.tok !== '(') throw new SelectorError(`found '${open.lit}' expected: '('`);
    const values = new Set<string>();
    const first = this.peek();
    if (first.tok === ')') {
      this.next();
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',') throw new SelectorError(`found '${first.lit}', expected: ',', ')' or identifier`);
    for (;;) {
      const l = this.next();
      if (l.tok === 'id') {
        values.add(l.lit);
        const t = this.peek();
        if (t.tok === ')') break;
        if (t.tok !== ',') throw new SelectorError(`found '${t.lit}', expected: ',' or ')'`);
      } else if (l.tok === ',') {
        if (!values.size) values.add('');
        const t = this.peek();
        if (t.tok === ')') {
          values.add('');
          break;
        }
        if (t.tok === ',') {
          this.next();
          values.add('');
        }
      } else throw new SelectorError(`found '${l.lit}', expected: ',', or identifier`);
    }
    this.next();
    return [...values];
  }

  /** the value after = == != > <; none before a comma or the end is the empty value */
  private exact(): string {
    const t = this.peek();
    if (t.tok === 'end' || t.tok === ',') return '';
    this.next();
    if (t.tok !== 'id') throw new SelectorError(`found '${t.lit}', expected: identifier`);
    return t.lit;
  }
}

/** Parses the string form (kubectl's `-l`, the API's labelSelector); an empty string selects everything. */
export function parseLabelSelector(src: string): LabelSelector {
  return new Parser(src, 0, false).parse().selector;
}

/**
 * A selector at the head of `src[from..]` and where it ends (the `/` filter's `-l`, words
 * after it): the longest run the grammar reads as one selector, empty when only whitespace
 * follows. Throws SelectorError when it is malformed before its end.
 */
export function parseLabelSelectorPrefix(src: string, from: number): { selector: LabelSelector; end: number } {
  return new Parser(src, from, true).parse();
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
      case 'Gt':
      case 'Lt': {
        // a label value that is no integer matches neither (apimachinery's ParseInt failing)
        if (!has || !/^[+-]?\d+$/.test(v)) return false;
        const [a, b] = [BigInt(v), BigInt(r.values[0])];
        if (r.op === 'Gt' ? a <= b : a >= b) return false;
        break;
      }
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
    Gt: (r) => `${r.key}>${r.values[0]}`,
    Lt: (r) => `${r.key}<${r.values[0]}`,
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
