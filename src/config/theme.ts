// Themes as data: { name, extends?, styles: { role: colour | {fg, bg, bold, underline, inverse} } }.
// Every colour the UI paints is one of ROLES; colours are the 16 ANSI names, "default",
// or #rrggbb (the terminal library maps those to the nearest of 256 or 16 colours).
import { join } from 'node:path';
import { shippedPath } from '../platform/shipped.js';
import { isRecord } from '../model/access.js';
import { extendsOf, loadConfigFile, loadExtendsChain, resolveBase, userConfigDir, userConfigFile, type LoadedFile, type NamedBase } from './load.js';
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
  // no styles: a file that only picks its base (`{"extends": "light"}`) overrides nothing
  const given = d.styles === undefined ? {} : d.styles;
  if (!isRecord(given)) throw f.error(['styles'], 'must be an object of role → style');
  const styles: Partial<Record<Role, Style>> = {};
  for (const [role, v] of Object.entries(given)) {
    if (!roleSet.has(role)) throw f.error(['styles', role], `unknown role "${role}"`);
    styles[role as Role] = parseStyle(f, role, v);
  }
  return { name: typeof d.name === 'string' ? d.name : '', extends: d.extends as string | undefined, colors: d.colors as 16 | 256 | undefined, styles, lf: f };
}

function builtinDir(): string {
  return shippedPath('themes');
}

export const BUILTIN_THEMES = ['default', 'light', '16color', 'high-contrast'];

/**
 * Loads a theme by built-in NAME or PATH and merges the user's theme file over it, role by role.
 * `spec` is a --theme flag's value (a PATH relative to the working directory) or config.yaml's
 * `theme:` as a NamedBase (relative to config.yaml, errors naming its line); either one
 * overrides the user file's `extends`. Errors: ConfigError naming the file, line and key.
 * The colour count is the one the last file that declares one targets (default 256); with 16,
 * every colour of the merged theme must be one of the 16 ANSI names: a #rrggbb a base sets and
 * nothing overrides is blamed on the `colors: 16` line that made it wrong, not on the base.
 */
export function loadTheme(spec: string | NamedBase | undefined, opts: LoadOptions = {}): Theme {
  const dir = opts.builtinDir ?? builtinDir();
  const kind = { what: 'theme', dir, builtins: BUILTIN_THEMES };
  const configDir = opts.configDir === undefined ? userConfigDir() : opts.configDir;
  const user = configDir ? userConfigFile(configDir, 'theme') : undefined;
  let userRaw: RawTheme | undefined;
  let baseSpec = typeof spec === 'string' ? spec : spec?.spec;
  let baseFile = spec ? resolveBase(spec, kind) : join(dir, 'default.json');
  if (user) {
    userRaw = validate(loadConfigFile(user));
    // the user file names its base only when neither --theme nor config.yaml chose one
    if (!spec && userRaw.extends) {
      baseSpec = userRaw.extends;
      baseFile = resolveBase(extendsOf(userRaw.lf, userRaw.extends), kind);
    }
  }
  const chain = loadExtendsChain(baseFile, kind, validate);
  const raws = [...chain.raws, ...(userRaw ? [userRaw] : [])];
  const styles = Object.fromEntries(ROLES.map((r) => [r, {}])) as Record<Role, Style>;
  /** the file each role's style comes from (the last that set it) */
  const origin = new Map<Role, number>();
  raws.forEach((r, i) => {
    for (const [role, s] of Object.entries(r.styles)) {
      styles[role as Role] = s;
      origin.set(role as Role, i);
    }
  });
  let declared = -1;
  raws.forEach((r, i) => {
    if (r.colors !== undefined) declared = i;
  });
  const colors = declared >= 0 ? (raws[declared].colors ?? 256) : 256;
  if (colors === 16) {
    for (const [role, i] of origin) {
      for (const k of ['fg', 'bg'] as const) {
        const c = styles[role][k];
        if (!c?.startsWith('#')) continue;
        const use = `use ${ANSI16.join(', ')} or default`;
        if (i >= declared) throw raws[i].lf.error(['styles', role, k], `"${c}" is not one of the 16 ANSI colours this theme targets (colors: 16): ${use}`);
        const base = raws[i].lf;
        const line = base.lineOf(['styles', role, k]);
        throw raws[declared].lf.error(
          ['colors'],
          `16, but its base ${base.file}${line !== undefined ? `:${line}` : ''} sets styles.${role}.${k} to "${c}": extend a 16-colour theme (16color), or override styles.${role} here (${use})`,
        );
      }
    }
  }
  const name = chain.raws[chain.raws.length - 1].name || baseSpec || 'default';
  return { name, styles, colors, files: [...chain.files, ...(user ? [user] : [])] };
}
