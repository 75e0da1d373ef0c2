// The shared loader for user-editable config files (keymaps, themes, app config): JSON or
// YAML, with every error naming the file, the line and the key, so a typo in a user file is
// found without reading our source.
import { dirname, join, resolve } from 'node:path';
import { fileExists, readTextFile } from '../platform/shipped.js';
import { configDir } from '../platform/xdg.js';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly key?: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${key !== undefined ? `${key}: ` : ''}${detail}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedFile {
  file: string;
  data: unknown;
  /** 1-based line of the value at a key path ('bindings', 'quit'), or of the key itself. */
  lineOf(path: (string | number)[]): number | undefined;
  /** A ConfigError at the key path, with the line looked up. */
  error(path: (string | number)[], detail: string): ConfigError;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Node 20 says "... in JSON at position N"; newer Nodes add "(line L column C)". */
function jsonErrorLine(text: string, message: string): number | undefined {
  const lc = /line (\d+) column/.exec(message);
  if (lc) return Number(lc[1]);
  const pos = /at position (\d+)/.exec(message);
  if (pos) return lineOfOffset(text, Number(pos[1]));
  if (/Unexpected end of JSON/.test(message)) return lineOfOffset(text, text.length);
  // Node 20 names no position for some errors: find the shortest prefix that fails other
  // than by ending early; its end is the offending character
  const failsHard = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      return !/end of JSON|Unterminated|Expected/.test((e as Error).message);
    }
  };
  let lo = 0;
  let hi = text.length;
  if (!failsHard(hi)) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsHard(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lineOfOffset(text, lo - 1);
}

export function parseConfigText(file: string, text: string): LoadedFile {
  const isJson = file.endsWith('.json');
  let data: unknown;
  if (isJson) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      throw new ConfigError(file, `invalid JSON: ${msg.replace(/^[^:]*JSON[^:]*: /, '')}`, jsonErrorLine(text, msg));
    }
  }
  // YAML's document (kept for the lines of errors) is built only when needed: for a JSON file,
  // only once an error names a line (the shipped keymap and theme are JSON, read at every start:
  // their YAML documents cost ~20 ms of CPU before the first paint)
  const counter = new LineCounter();
  let doc: ReturnType<typeof parseDocument> | undefined;
  const document = (): ReturnType<typeof parseDocument> => (doc ??= parseDocument(text, { lineCounter: counter, prettyErrors: false }));
  if (!isJson) {
    const err = document().errors[0];
    if (err) throw new ConfigError(file, `invalid YAML: ${err.message.split('\n')[0]}`, err.linePos?.[0]?.line);
    data = document().toJS();
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    let node: unknown = document().contents;
    let keyNode: Node | undefined;
    for (const p of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === p);
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof p === 'number') {
        node = node.items[p];
        keyNode = node as Node;
      } else break;
    }
    const target = (keyNode ?? (node as Node | null)) as Node | null;
    return target?.range ? counter.linePos(target.range[0]).line : undefined;
  };
  return {
    file,
    data,
    lineOf,
    error: (path, detail) => new ConfigError(file, detail, lineOf(path), path.length ? path.join('.') : undefined),
  };
}

export function loadConfigFile(file: string): LoadedFile {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
  return parseConfigText(file, text);
}

/** $XDG_CONFIG_HOME/fleetdeck, defaulting to ~/.config/fleetdeck as the XDG spec says; undefined without any home. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return configDir(env);
}

/** Which kind of file an `extends` chain is made of, and where its built-ins live. */
export interface BaseKind {
  /** "keymap" or "theme", as the errors say it */
  what: string;
  /** the folder of the built-in files (NAME.json) */
  dir: string;
  /** the built-in names, for the error that lists them */
  builtins: readonly string[];
}

function isPath(spec: string): boolean {
  return spec.includes('/') || /\.(json|ya?ml)$/.test(spec);
}

/**
 * A base as a file names it (an `extends`, config.yaml's `keymap:`): `spec` (NAME or PATH),
 * the `file` naming it, whose folder a relative PATH is resolved against, and the error that
 * blames the line and key naming it. A command-line flag's value is a plain string instead.
 */
export interface NamedBase {
  spec: string;
  file: string;
  error(detail: string): ConfigError;
}

/** A loaded file's `extends` as a NamedBase; its line is looked up only for an error. */
export function extendsOf(f: LoadedFile, spec: string): NamedBase {
  return { spec, file: f.file, error: (detail) => f.error(['extends'], detail) };
}

/**
 * The file a base names: a built-in NAME (kind.dir/NAME.json) or a PATH, relative to the file
 * naming it or, for a command-line flag (a plain string), to the working directory.
 * Errors: ConfigError from `base.error` (the user's file, line and key, not ours), or naming
 * the flag's value.
 */
export function resolveBase(base: string | NamedBase, kind: BaseKind): string {
  const named = typeof base === 'string' ? undefined : base;
  const spec = typeof base === 'string' ? base : base.spec;
  const file = isPath(spec) ? (named ? resolve(dirname(named.file), spec) : resolve(spec)) : join(kind.dir, `${spec}.json`);
  if (fileExists(file)) return file;
  const detail = isPath(spec) ? `no such ${kind.what} file ${file}` : `unknown ${kind.what} "${spec}" (built-in: ${kind.builtins.join(', ')})`;
  throw named ? named.error(detail) : new ConfigError(spec, detail);
}

/**
 * The user's NAME.json, NAME.yaml or NAME.yml in `dir`, or undefined when there is none.
 * Errors: ConfigError naming every one present when there are several: which would be used
 * is a guess the user should not have to make, and an error in the other would go unseen.
 */
export function userConfigFile(dir: string, name: string): string | undefined {
  const found = ['json', 'yaml', 'yml'].map((e) => join(dir, `${name}.${e}`)).filter((p) => fileExists(p));
  const others = found.slice(1);
  if (others.length === 1) throw new ConfigError(found[0], `${others[0]} exists too: keep one ${name} file (remove or rename the other)`);
  if (others.length > 1) throw new ConfigError(found[0], `${others.join(' and ')} exist too: keep one ${name} file (remove or rename the others)`);
  return found[0];
}

/**
 * The files from `file` down its `extends` chain, base first: `{ raws, files }` in merge order.
 * Errors: ConfigError for a loop (naming every file in it), a missing base (resolveBase) or
 * whatever `validate` refuses.
 */
export function loadExtendsChain<R extends { extends?: string }>(
  file: string,
  kind: BaseKind,
  validate: (f: LoadedFile) => R,
  seen: readonly string[] = [],
): { raws: R[]; files: string[] } {
  if (seen.includes(file)) throw new ConfigError(file, `extends loops back (${[...seen, file].join(' → ')})`, undefined, 'extends');
  const f = loadConfigFile(file);
  const raw = validate(f);
  if (!raw.extends) return { raws: [raw], files: [file] };
  const parent = loadExtendsChain(resolveBase(extendsOf(f, raw.extends), kind), kind, validate, [...seen, file]);
  return { raws: [...parent.raws, raw], files: [...parent.files, file] };
}
