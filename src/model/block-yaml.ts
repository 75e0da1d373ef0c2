// The YAML that kubeconfig files are written in, read without the yaml package: block
// mappings and sequences (kubectl's compact `- ` under a key included), plain, single- and
// double-quoted one-line scalars, `{}` and `[]`, comments. Anything else — anchors, tags, block
// scalars, flow collections with content, multi-line scalars, tabs, numbers, duplicate keys —
// and readBlockYaml answers undefined: the caller reads the text with the yaml package, which
// also words the errors. What it does read, it reads as that package's parse() does (YAML 1.2,
// core schema; test/unit/block-yaml.test.ts holds it to that). Why: the yaml package is a third
// of `fleetdeck logs`' code and reading a kubeconfig with it cost ~10 ms of CPU and ~2 MB
// before the first request (issue 22: the tail must start as fast as stern).

type Yaml = null | boolean | string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  /** the line after its indentation */
  text: string;
}

/** Thrown inside the reader for a form it leaves to the yaml package. */
const OUTSIDE = Symbol('outside the block subset');

function outside(): never {
  throw OUTSIDE;
}

/** A plain mapping key as kubeconfigs write them. */
const KEY = /^[A-Za-z_][\w./-]*$/;
/** Characters the reader leaves to the yaml package wherever they are: tabs, controls, YAML's other line breaks, a BOM. */
const UNREAD = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** The document's value, or undefined when it uses a form outside the subset. */
export function readBlockYaml(text: string): unknown {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (UNREAD.test(line)) return undefined;
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    lines.push({ indent: line.length - body.length, text: body.trimEnd() });
  }
  if (lines[0]?.indent === 0 && lines[0].text === '---') lines.shift();
  if (lines.some((l) => l.indent === 0 && /^(---|\.\.\.|%)/.test(l.text))) return undefined;
  if (lines.length === 0) return null;
  try {
    const reader = new Reader(lines);
    const value = reader.node(lines[0].indent);
    return reader.done() ? value : undefined;
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

const isItem = (l: Line): boolean => l.text === '-' || l.text.startsWith('- ');

/** `key: rest` or `key:`; undefined when the line is no mapping entry. */
function entry(text: string): { key: string; rest: string } | undefined {
  const m = /^([^\s:]+):(?: +(.*))?$/.exec(text);
  return m ? { key: m[1], rest: m[2] ?? '' } : undefined;
}

class Reader {
  private at = 0;

  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  private get line(): Line | undefined {
    return this.lines[this.at];
  }

  /** The node whose first line is the current one, at `indent`. */
  node(indent: number): Yaml {
    const l = this.line;
    if (!l || l.indent !== indent) return outside();
    return isItem(l) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Yaml {
    const out: { [key: string]: Yaml } = {};
    for (let l = this.line; l && l.indent === indent && !isItem(l); l = this.line) {
      const e = entry(l.text);
      if (!e || !KEY.test(e.key) || e.key === '__proto__' || Object.hasOwn(out, e.key)) return outside();
      this.at++;
      out[e.key] = this.value(e.rest, indent, true);
    }
    return out;
  }

  private sequence(indent: number): Yaml {
    const out: Yaml[] = [];
    for (let l = this.line; l && l.indent === indent && isItem(l); l = this.line) {
      const body = l.text.slice(1).trimStart();
      const column = indent + (l.text.length - body.length);
      if (body !== '' && (body === '-' || body.startsWith('- '))) return outside();
      if (body !== '' && entry(body)) {
        // `- key: value`: a mapping that starts on the item's line, at the column of its key
        this.lines[this.at] = { indent: column, text: body };
        out.push(this.mapping(column));
        continue;
      }
      this.at++;
      out.push(this.value(body, indent, false));
    }
    return out;
  }

  /** The value after `key:` or `-` at `indent`: on the same line, or the block below it. */
  private value(rest: string, indent: number, ofKey: boolean): Yaml {
    const next = this.line;
    if (rest !== '') {
      // a scalar is one line: a deeper line after it would continue it
      if (next && next.indent > indent) return outside();
      return scalar(rest);
    }
    if (next && next.indent > indent) return this.node(next.indent);
    // kubectl's compact form: a key's sequence at the key's own indentation
    if (ofKey && next && next.indent === indent && isItem(next)) return this.sequence(indent);
    return null;
  }
}

/** A one-line scalar (its comment included), as the yaml package resolves it. */
function scalar(text: string): Yaml {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith("'")) return quoted(text, /^'((?:[^']|'')*)'/, (s) => s.replace(/''/g, "'"));
  if (text.startsWith('"')) return quoted(text, /^"((?:[^"\\]|\\.)*)"/, unescape);
  const hash = text.indexOf(' #');
  const plain = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
  // indicators, a flow collection, a mapping inside, a comment with no text before it
  if (/^[&*!|>%@`{[\]},?:#'"]/.test(plain) || plain === '-' || plain.startsWith('- ') || plain.includes(': ') || plain.endsWith(':')) return outside();
  // numbers (ints, floats, 0x, 0o, .inf, .nan) and anything like them: the package's reading
  if (/^[-+]?(\.?\d|\.(inf|Inf|INF|nan|NaN|NAN)$)/.test(plain)) return outside();
  if (/^(~|null|Null|NULL)?$/.test(plain)) return null;
  if (/^(true|True|TRUE)$/.test(plain)) return true;
  if (/^(false|False|FALSE)$/.test(plain)) return false;
  return plain;
}

function quoted(text: string, re: RegExp, decode: (s: string) => string): string {
  const m = re.exec(text);
  if (!m) return outside();
  const after = text.slice(m[0].length);
  // after the closing quote: nothing, or a comment
  if (after !== '' && !/^ +#/.test(after)) return outside();
  return decode(m[1]);
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' };

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? outside();
  });
}
