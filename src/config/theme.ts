// Themes as data: { name, extends?, styles: { role: colour | {fg, bg, bold, underline, inverse} } }.
// Every colour the UI paints is one of ROLES; colours are the 16 ANSI names, "default",
// or #rrggbb (the terminal library maps those to the nearest of 256 or 16 colours).
import { dirname, join, resolve } from 'node:path';
import { fileExists, shippedPath } from './shipped.js';
import { isRecord } from '../model/access.js';
import { ConfigError, loadConfigFile, userConfigDir, type LoadedFile } from './load.js';
import type { LoadOptions } from './keymap.js';

export const ROLES = [
  'body', 'header', 'header.title', 'header.scope', 'readonly',
  'badge.ready', 'badge.syncing', 'badge.degraded', 'badge.unreachable', 'badge.forbidden',
  'footer', 'footer.key', 'footer.hint', 'crumbs', 'message.info', 'message.error',
  'prompt', 'prompt.suggestion', 'prompt.selected',
  'table.header', 'table.row', 'table.selected', 'table.marked', 'table.context',
  'status.ok', 'status.warn', 'status.error', 'status.muted', 'status.progress',
  'yaml.key', 'yaml.string', 'yaml.number', 'yaml.bool', 'yaml.null', 'yaml.punct', 'yaml.masked',
  'describe.label', 'describe.section',
  'help.section', 'help.key',
  'log.prefix.0', 'log.prefix.1', 'log.prefix.2', 'log.prefix.3',
  'log.prefix.4', 'log.prefix.5', 'log.prefix.6', 'log.prefix.7',
] as const;

export type Role = (typeof ROLES)[number];

export interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface Theme {
  name: string;
  styles: Record<Role, Style>;
  /** the colours the theme targets: 16 (ANSI names only) or 256 (names and #rrggbb) */
  colors: 16 | 256;
  files: string[];
}

export const ANSI16 = [
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white',
  'brightblack', 'brightred', 'brightgreen', 'brightyellow', 'brightblue', 'brightmagenta', 'brightcyan', 'brightwhite',
] as const;

export function isColour(c: string): boolean {
  return c === 'default' || (ANSI16 as readonly string[]).includes(c) || /^#[0-9a-fA-F]{6}$/.test(c);
}

/**
 * A theme colour as blessed's tag syntax names it: `brightwhite` is `bright-white` in a tag
 * (`{bright-white-fg}`; blessed's tag parser knows no `brightwhite` and would print the tag
 * literally), the others as they are (`red`, `default`, `#rrggbb`).
 */
export function tagColour(c: string): string {
  return /^bright[a-z]/.test(c) ? `bright-${c.slice(6)}` : c;
}

const roleSet = new Set<string>(ROLES);

function parseStyle(f: LoadedFile, role: string, v: unknown): Style {
  const path = ['styles', role];
  if (typeof v === 'string') {
    if (!isColour(v)) throw f.error(path, `unknown colour "${v}" (use one of ${ANSI16.join(', ')}, default or #rrggbb)`);
    return { fg: v };
  }
  if (!isRecord(v)) throw f.error(path, 'must be a colour or {fg, bg, bold, underline, inverse}');
  const out: Style = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'fg' || k === 'bg') {
      if (typeof x !== 'string' || !isColour(x)) throw f.error([...path, k], `unknown colour ${JSON.stringify(x)} (use one of ${ANSI16.join(', ')}, default or #rrggbb)`);
      out[k] = x;
    } else if (k === 'bold' || k === 'underline' || k === 'inverse') {
      if (typeof x !== 'boolean') throw f.error([...path, k], 'must be true or false');
      out[k] = x;
    } else throw f.error([...path, k], 'unknown style field (expected fg, bg, bold, underline, inverse)');
  }
  return out;
}

interface RawTheme {
  name: string;
  extends?: string;
  colors?: 16 | 256;
  styles: Partial<Record<Role, Style>>;
  lf: LoadedFile;
}

function validate(f: LoadedFile): RawTheme {
  const d = f.data;
  if (!isRecord(d)) throw f.error([], 'a theme is a JSON object with "name" and "styles"');
  for (const k of Object.keys(d)) {
    if (!['name', 'extends', 'styles', 'description', 'colors'].includes(k)) throw f.error([k], 'unknown field (expected name, extends, colors, styles)');
  }
  if (d.colors !== undefined && d.colors !== 16 && d.colors !== 256) throw f.error(['colors'], 'must be 16 or 256 (the colours the theme targets)');
  if (d.extends !== undefined && typeof d.extends !== 'string') throw f.error(['extends'], 'must be a theme name');
  if (!isRecord(d.styles)) throw f.error(['styles'], 'must be an object of role → style');
  const styles: Partial<Record<Role, Style>> = {};
  for (const [role, v] of Object.entries(d.styles)) {
    if (!roleSet.has(role)) throw f.error(['styles', role], `unknown role "${role}"`);
    styles[role as Role] = parseStyle(f, role, v);
  }
  return { name: typeof d.name === 'string' ? d.name : '', extends: d.extends as string | undefined, colors: d.colors as 16 | 256 | undefined, styles, lf: f };
}

function builtinDir(): string {
  return shippedPath('themes');
}

export const BUILTIN_THEMES = ['default', 'light', '16color', 'high-contrast'];

function isPath(spec: string): boolean {
  return spec.includes('/') || /\.(json|ya?ml)$/.test(spec);
}

function resolveBuiltin(name: string, dir: string, from?: string): string {
  const file = join(dir, `${name}.json`);
  if (!fileExists(file)) throw new ConfigError(from ?? name, `unknown theme "${name}" (built-in: ${BUILTIN_THEMES.join(', ')})`, undefined, from ? 'extends' : undefined);
  return file;
}

function loadChain(file: string, dir: string, seen: string[]): { raws: RawTheme[]; files: string[] } {
  if (seen.includes(file)) throw new ConfigError(file, `extends loops back (${[...seen, file].join(' → ')})`, undefined, 'extends');
  const raw = validate(loadConfigFile(file));
  if (!raw.extends) return { raws: [raw], files: [file] };
  const parent = loadChain(isPath(raw.extends) ? resolve(dirname(file), raw.extends) : resolveBuiltin(raw.extends, dir, file), dir, [...seen, file]);
  return { raws: [...parent.raws, raw], files: [...parent.files, file] };
}

/** Loads a theme by built-in NAME or PATH and merges the user's theme file over it, role by role. */
export function loadTheme(spec: string | undefined, opts: LoadOptions = {}): Theme {
  const dir = opts.builtinDir ?? builtinDir();
  const configDir = opts.configDir === undefined ? userConfigDir() : opts.configDir;
  const user = configDir ? ['json', 'yaml', 'yml'].map((e) => join(configDir, `theme.${e}`)).find((p) => fileExists(p)) : undefined;
  let userRaw: RawTheme | undefined;
  let baseSpec = spec;
  if (user) {
    userRaw = validate(loadConfigFile(user));
    if (!baseSpec && userRaw.extends) baseSpec = userRaw.extends;
  }
  const baseFile = !baseSpec ? join(dir, 'default.json') : isPath(baseSpec) ? resolve(baseSpec) : resolveBuiltin(baseSpec, dir);
  const chain = loadChain(baseFile, dir, []);
  const raws = [...chain.raws, ...(userRaw ? [userRaw] : [])];
  // the colour count the last file that declares one targets; every file is checked against it
  const colors = [...raws].reverse().find((r) => r.colors)?.colors ?? 256;
  const styles = Object.fromEntries(ROLES.map((r) => [r, {}])) as Record<Role, Style>;
  for (const r of raws) {
    for (const [role, s] of Object.entries(r.styles)) {
      if (colors === 16) {
        for (const k of ['fg', 'bg'] as const) {
          const c = s[k];
          if (c?.startsWith('#')) throw r.lf.error(['styles', role, k], `"${c}" is not one of the 16 ANSI colours this theme targets (colors: 16): use ${ANSI16.join(', ')} or default`);
        }
      }
      styles[role as Role] = s;
    }
  }
  const name = chain.raws[chain.raws.length - 1].name || baseSpec || 'default';
  return { name, styles, colors, files: [...chain.files, ...(user ? [user] : [])] };
}
