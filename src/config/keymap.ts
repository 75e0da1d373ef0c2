// Keymaps as data: { name, extends?, bindings: { commandId: ["key", "g g", ...] } }. The ids
// are the command table's (src/commands/table.ts); the built-ins in keymaps/ are generated
// from its default keys (`npm run keymaps`). A user file in $XDG_CONFIG_HOME/fleetdeck/keymap.json (or
// .yaml) is merged over the chosen base, action by action.
import { join } from 'node:path';
import { fileExists, shippedPath } from '../platform/shipped.js';
import { command, COMMANDS, isCommandId, keysCollide, type CommandId } from '../commands/table.js';
import { isRecord } from '../model/access.js';
import { ConfigError, extendsOf, loadConfigFile, loadExtendsChain, resolveBase, userConfigDir, userConfigFile, type LoadedFile, type NamedBase } from './load.js';

/** A key sequence: one or more normalized keys ('g', 'shift-n', 'ctrl-d'). */
export type KeySeq = string[];

export interface Keymap {
  name: string;
  bindings: Record<CommandId, KeySeq[]>;
  /** the files it was built from, base first */
  files: string[];
}

const NAMED = new Set([
  'esc', 'enter', 'tab', 'backspace', 'delete', 'insert', 'home', 'end', 'pageup', 'pagedown',
  'up', 'down', 'left', 'right', 'space',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12',
]);
const ALIASES: Record<string, string> = { escape: 'esc', return: 'enter', pgup: 'pageup', pgdown: 'pagedown', del: 'delete' };
const MODIFIERS = ['ctrl', 'alt', 'shift'] as const;

/** Normalizes one key ('N' → 'shift-n', 'Ctrl-F' → 'ctrl-f'); undefined when it is not a key. */
export function normalizeKey(raw: string): string | undefined {
  if (raw.length === 1) {
    if (raw >= 'A' && raw <= 'Z') return `shift-${raw.toLowerCase()}`;
    return raw > ' ' && raw <= '~' ? raw : undefined;
  }
  const mods = new Set<string>();
  let rest = raw;
  for (;;) {
    const m = /^(ctrl|control|alt|meta|shift)-(.+)$/i.exec(rest);
    if (!m) break;
    const mod = m[1].toLowerCase();
    mods.add(mod === 'control' ? 'ctrl' : mod === 'meta' ? 'alt' : mod);
    rest = m[2];
  }
  let base: string;
  if (rest.length === 1) {
    if (rest > ' ' && rest <= '~') {
      // with a modifier written out, letter case carries no meaning ('Ctrl-F' is ctrl-f)
      if (rest >= 'A' && rest <= 'Z' && mods.size === 0) mods.add('shift');
      base = rest.toLowerCase() >= 'a' && rest.toLowerCase() <= 'z' ? rest.toLowerCase() : rest;
    } else return undefined;
  } else {
    const named = ALIASES[rest.toLowerCase()] ?? rest.toLowerCase();
    if (!NAMED.has(named)) return undefined;
    base = named;
  }
  return [...MODIFIERS.filter((m) => mods.has(m)), base].join('-');
}

/**
 * Why a terminal cannot deliver a (normalized) key, or undefined when it can. Terminals send
 * ctrl only with a letter (ctrl-a … ctrl-z, as control bytes); ctrl-\\, ctrl-1, ctrl-shift-x and
 * the like arrive as something else or not at all, so a binding to them could never fire.
 */
export function undeliverable(key: string): string | undefined {
  const parts = key.split('-');
  const base = key.endsWith('--') ? '-' : parts[parts.length - 1];
  const mods = key.endsWith('--') ? parts.slice(0, -2) : parts.slice(0, -1);
  if (!mods.includes('ctrl')) return undefined;
  if (!/^[a-z]$/.test(base)) return `terminals deliver ctrl only with a letter (ctrl-a … ctrl-z), not "${key}"`;
  if (mods.includes('shift')) return `terminals cannot tell ctrl-shift-${base} from ctrl-${base}`;
  return undefined;
}

/** Parses 'g g' into ['g', 'g']; undefined when any part is not a key. */
export function parseKeySeq(raw: string): KeySeq | undefined {
  const parts = raw.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return undefined;
  const out: string[] = [];
  for (const p of parts) {
    const k = normalizeKey(p);
    if (!k) return undefined;
    out.push(k);
  }
  return out;
}

export function formatKeySeq(seq: KeySeq): string {
  return seq.join(' ');
}

function builtinDir(): string {
  return shippedPath('keymaps');
}

interface RawKeymap {
  name: string;
  extends?: string;
  bindings: Partial<Record<CommandId, KeySeq[]>>;
  /** the line of each command's bindings in its file */
  lines: Partial<Record<CommandId, number>>;
}

function validate(f: LoadedFile): RawKeymap {
  const d = f.data;
  if (!isRecord(d)) throw f.error([], 'a keymap is a JSON object with "name" and "bindings"');
  for (const k of Object.keys(d)) {
    if (!['name', 'extends', 'bindings', 'description'].includes(k)) throw f.error([k], 'unknown field (expected name, extends, bindings)');
  }
  if (d.name !== undefined && typeof d.name !== 'string') throw f.error(['name'], 'must be a string');
  if (d.extends !== undefined && typeof d.extends !== 'string') throw f.error(['extends'], 'must be a keymap name');
  // no bindings: a file that only picks its base (`{"extends": "vim"}`) overrides nothing
  const given = d.bindings === undefined ? {} : d.bindings;
  if (!isRecord(given)) throw f.error(['bindings'], 'must be an object of action id → list of keys');
  const bindings: Partial<Record<CommandId, KeySeq[]>> = {};
  const lines: Partial<Record<CommandId, number>> = {};
  for (const [action, keys] of Object.entries(given)) {
    if (!isCommandId(action)) throw f.error(['bindings', action], `unknown action id "${action}"`);
    lines[action] = f.lineOf(['bindings', action]);
    const list = typeof keys === 'string' ? [keys] : keys;
    if (!Array.isArray(list)) throw f.error(['bindings', action], 'must be a list of keys');
    bindings[action] = list.map((k, i) => {
      const seq = typeof k === 'string' ? parseKeySeq(k) : undefined;
      if (!seq) throw new ConfigError(f.file, `unknown key name ${JSON.stringify(k)}`, f.lineOf(['bindings', action, i]), `bindings.${action}`);
      const why = seq.map(undeliverable).find(Boolean);
      if (why) throw new ConfigError(f.file, `key ${JSON.stringify(k)} can never be typed: ${why}`, f.lineOf(['bindings', action, i]), `bindings.${action}`);
      return seq;
    });
  }
  return { name: typeof d.name === 'string' ? d.name : '', extends: d.extends as string | undefined, bindings, lines };
}

export interface LoadOptions {
  /** default: $XDG_CONFIG_HOME/fleetdeck; null: no user overrides */
  configDir?: string | null;
  /** default: the package's keymaps/ or themes/ */
  builtinDir?: string;
}

/**
 * Loads a keymap by built-in NAME or PATH, then merges the user's keymap file over it. `spec`
 * is a --keymap flag's value (a PATH relative to the working directory) or config.yaml's
 * `keymap:` as a NamedBase (relative to config.yaml, errors naming its line); either one
 * overrides the user file's `extends`. Errors: ConfigError naming the file, line and key.
 */
export function loadKeymap(spec: string | NamedBase | undefined, opts: LoadOptions = {}): Keymap {
  const dir = opts.builtinDir ?? builtinDir();
  const kind = { what: 'keymap', dir, builtins: ['default', 'vim'].filter((n) => fileExists(join(dir, `${n}.json`))) };
  const configDir = opts.configDir === undefined ? userConfigDir() : opts.configDir;
  const user = configDir ? userConfigFile(configDir, 'keymap') : undefined;
  let userChain: { raws: RawKeymap[]; files: string[] } | undefined;
  let baseSpec = typeof spec === 'string' ? spec : spec?.spec;
  let baseFile = spec ? resolveBase(spec, kind) : join(dir, 'default.json');
  if (user) {
    const f = loadConfigFile(user);
    const raw = validate(f);
    // the user file names its base only when neither --keymap nor config.yaml chose one
    if (!spec && raw.extends) {
      baseSpec = raw.extends;
      baseFile = resolveBase(extendsOf(f, raw.extends), kind);
    }
    userChain = { raws: [{ ...raw, extends: undefined }], files: [user] };
  }
  const chain = loadExtendsChain(baseFile, kind, validate);
  const raws = [...chain.raws, ...(userChain?.raws ?? [])];
  const files = [...chain.files, ...(userChain?.files ?? [])];
  const bindings = Object.fromEntries(COMMANDS.map((c) => [c.id, [] as KeySeq[]])) as Record<CommandId, KeySeq[]>;
  /** where each command's bindings come from (the last file that set them) */
  const from = new Map<CommandId, Origin>();
  raws.forEach((r, i) => {
    for (const [a, seqs] of Object.entries(r.bindings)) {
      bindings[a as CommandId] = seqs;
      from.set(a as CommandId, { file: files[i], order: i, line: r.lines[a as CommandId] });
    }
  });
  refuseConflicts(bindings, (a) => from.get(a) ?? { file: files[0], order: 0 });
  const name = chain.raws[chain.raws.length - 1].name || baseSpec || 'default';
  return { name, bindings, files };
}

/**
 * Refuses a keymap where one key would be ambiguous or dead: bound to two commands some view
 * could both run (keysCollide in src/commands/table.ts), or bound alone while also the start
 * of a longer sequence ('g' and 'g g': the resolver waits for the second key, so 'g' alone
 * never fires). The error names the file that made the later of the two bindings, the key and
 * both commands.
 */
interface Origin {
  file: string;
  /** its place in the merge: a base before the keymap extending it, the user's file last */
  order: number;
  line?: number;
}

function refuseConflicts(bindings: Record<CommandId, KeySeq[]>, originOf: (a: CommandId) => Origin): void {
  // the binding made later in the merge made the clash: the error points at it
  const later = (a: CommandId, b: CommandId): [Origin, CommandId] => {
    const x = originOf(a);
    const y = originOf(b);
    return x.order > y.order ? [x, a] : [y, b];
  };
  const fail = (a: CommandId, b: CommandId, detail: string): never => {
    const [o, id] = later(a, b);
    throw new ConfigError(o.file, detail, o.line, `bindings.${id}`);
  };
  const byKey = new Map<string, CommandId[]>();
  for (const c of COMMANDS) {
    for (const seq of bindings[c.id]) {
      const k = formatKeySeq(seq);
      const list = byKey.get(k) ?? [];
      if (!list.includes(c.id)) list.push(c.id);
      byKey.set(k, list);
    }
  }
  for (const [key, ids] of byKey) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        if (!keysCollide(command(ids[i]), command(ids[j]))) continue;
        fail(ids[i], ids[j], `key "${key}" is bound to both ${ids[i]} and ${ids[j]}, which the same view could run: give one of them another key`);
      }
    }
  }
  for (const [key, ids] of byKey) {
    const seq = key.split(' ');
    for (let n = 1; n < seq.length; n++) {
      const head = seq.slice(0, n).join(' ');
      const alone = byKey.get(head);
      if (!alone) continue;
      fail(alone[0], ids[0], `key "${head}" (${alone.join(', ')}) can never fire alone: it starts the sequence "${key}" (${ids.join(', ')})`);
    }
  }
}

export type KeyLookup = { kind: 'actions'; actions: CommandId[] } | { kind: 'prefix' } | { kind: 'none' };

/** Resolves typed keys to actions; multi-key sequences ('g g') wait on their prefix. */
export class KeyResolver {
  private readonly exact = new Map<string, CommandId[]>();
  private readonly prefixes = new Set<string>();

  constructor(keymap: Keymap) {
    for (const [action, seqs] of Object.entries(keymap.bindings) as [CommandId, KeySeq[]][]) {
      for (const seq of seqs) {
        const id = seq.join(' ');
        this.exact.set(id, [...(this.exact.get(id) ?? []), action]);
        for (let i = 1; i < seq.length; i++) this.prefixes.add(seq.slice(0, i).join(' '));
      }
    }
  }

  lookup(pending: KeySeq): KeyLookup {
    const id = pending.join(' ');
    if (this.prefixes.has(id)) return { kind: 'prefix' };
    const actions = this.exact.get(id);
    return actions ? { kind: 'actions', actions } : { kind: 'none' };
  }
}
