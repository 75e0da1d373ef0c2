// The app config file, $XDG_CONFIG_HOME/fleetdeck/config.yaml (~/.config/fleetdeck/...):
//   fleets: { prod: ["prod-*"], staging: ["stg-eu", "stg-us"] }
//   protected: "prod"            # regex: contexts needing typed confirmation
//   watchGraceSeconds: 30        # how long a cache lives after its last view closes
//   keymap: vim                  # default keymap / theme: a name, or a path relative to this file
//   theme: light
// Every problem is reported with the file, line and key so the user can fix it directly.
import { existsSync, readFileSync } from 'node:fs';
import { configDir, homeDir } from '../platform/xdg.js';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError, type NamedBase } from './load.js';

export { ConfigError };

export interface AppConfig {
  fleets: Record<string, string[]>;
  protected: RegExp;
  watchGraceSeconds: number;
  /**
   * default keymap and theme (the --keymap / --theme flags override them), with the file and
   * line naming them: a path is relative to config.yaml, an unknown name blames its line
   */
  keymap?: NamedBase;
  theme?: NamedBase;
  /** the file it was read from, if any */
  file?: string;
}


export const defaultAppConfig = (): AppConfig => ({ fleets: {}, protected: /prod/, watchGraceSeconds: 30 });

/** $XDG_CONFIG_HOME/fleetdeck/config.yaml (default ~/.config/...); undefined without any home directory. */
export function appConfigPath(env: NodeJS.ProcessEnv = process.env, home: string | undefined = homeDir(env)): string | undefined {
  const dir = configDir(home === undefined ? env : { ...env, HOME: home });
  return dir ? path.join(dir, 'config.yaml') : undefined;
}

/** Reads the config file; a missing file (or no home to hold one) means defaults. */
export function loadAppConfig(file = appConfigPath()): AppConfig {
  if (!file || !existsSync(file)) return defaultAppConfig();
  return parseAppConfig(readFileSync(file, 'utf8'), file);
}

export function parseAppConfig(text: string, file: string): AppConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true });
  const lineOf = (n: Node | null | undefined): number | undefined => (n?.range ? lc.linePos(n.range[0]).line : undefined);
  const fail = (n: Node | null | undefined, key: string, msg: string): never => {
    const line = lineOf(n);
    throw new ConfigError(file, msg, line, key);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line;
    throw new ConfigError(file, `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line);
  }
  const cfg = defaultAppConfig();
  cfg.file = file;
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return cfg;
  if (!isMap(root)) return fail(root, '(top level)', 'must be a mapping of settings');

  const handlers: Record<string, (v: Node | null, key: string) => void> = {
    fleets: (v, key) => {
      if (!isMap(v)) return fail(v, key, 'must map fleet names to lists of context names or globs');
      for (const pair of v.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '';
        const k = `${key}.${name}`;
        const list = pair.value as Node | null;
        const items = isSeq(list) ? list.items : isScalar(list) ? [list] : fail(list, k, 'must be a list of context names or globs');
        cfg.fleets[name] = items.map((it) => {
          if (!isScalar(it) || typeof it.value !== 'string' || it.value === '') return fail(it as Node, k, 'entries must be non-empty strings');
          return it.value;
        });
      }
    },
    protected: (v, key) => {
      if (!isScalar(v) || typeof v.value !== 'string') return fail(v, key, 'must be a regular expression string, e.g. "prod"');
      try {
        cfg.protected = new RegExp(v.value);
      } catch (e) {
        fail(v, key, `invalid regular expression: ${(e as Error).message}`);
      }
    },
    watchGraceSeconds: (v, key) => {
      if (!isScalar(v) || typeof v.value !== 'number' || !(v.value >= 0)) return fail(v, key, 'must be a number of seconds ≥ 0');
      cfg.watchGraceSeconds = v.value;
    },
    keymap: (v, key) => {
      cfg.keymap = namedBase(v, key);
    },
    theme: (v, key) => {
      cfg.theme = namedBase(v, key);
    },
  };
  const namedBase = (v: Node | null, key: string): NamedBase => {
    if (!isScalar(v) || typeof v.value !== 'string' || v.value === '') return fail(v, key, 'must be a non-empty string');
    const line = lineOf(v);
    return { spec: v.value, file, error: (detail) => new ConfigError(file, detail, line, key) };
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const handler = handlers[key];
    if (!handler) fail(pair.key as Node, key, `unknown setting (known: ${Object.keys(handlers).join(', ')})`);
    else handler(pair.value as Node | null, key);
  }
  return cfg;
}
