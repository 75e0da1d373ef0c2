// Include / exclude / highlight regexes over log entries, smart-case (a pattern with an
// upper-case letter is case-sensitive), plus the JSON level detection and per-pod colours.
import { fnv32a } from '../model/hash.js';
import type { LogEntry } from './types.js';

export interface LogFilterSpec {
  include?: string;
  exclude?: string;
  highlight?: string;
  /** container name regex */
  container?: string;
}

export interface LogFilter {
  include?: RegExp;
  exclude?: RegExp;
  highlight?: RegExp;
  container?: RegExp;
}

/** A user's pattern as a RegExp; throws SyntaxError with the pattern named. */
export function compilePattern(src: string, global = false): RegExp {
  const flags = (/[A-Z]/.test(src) ? '' : 'i') + (global ? 'g' : '');
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new SyntaxError(`invalid regex /${src}/: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

export function compileFilter(spec: LogFilterSpec): LogFilter {
  const out: LogFilter = {};
  if (spec.include) out.include = compilePattern(spec.include);
  if (spec.exclude) out.exclude = compilePattern(spec.exclude);
  if (spec.highlight) out.highlight = compilePattern(spec.highlight, true);
  if (spec.container) out.container = compilePattern(spec.container);
  return out;
}

/** Notices always pass: they tell what happened to the pods. */
export function passes(f: LogFilter, e: LogEntry): boolean {
  if (e.notice) return true;
  if (f.container && !f.container.test(e.container)) return false;
  if (f.include && !f.include.test(e.text)) return false;
  if (f.exclude && f.exclude.test(e.text)) return false;
  return true;
}

/** [start, end) ranges of the highlight's matches in `text`. */
export function highlightRanges(re: RegExp | undefined, text: string): [number, number][] {
  if (!re) return [];
  const out: [number, number][] = [];
  const g = re.global ? re : new RegExp(re.source, `${re.flags}g`);
  g.lastIndex = 0;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    if (m[0] === '') {
      g.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

export type Level = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<string, Level> = {
  fatal: 'error', panic: 'error', critical: 'error', crit: 'error', error: 'error', err: 'error', emerg: 'error', alert: 'error',
  warning: 'warn', warn: 'warn',
  info: 'info', notice: 'info', information: 'info',
  debug: 'debug', trace: 'debug',
};

const LEVEL_FIELDS = ['level', 'lvl', 'severity', 'log.level', 'loglevel'];
const MSG_FIELDS = ['msg', 'message', 'log'];

export interface JsonLine {
  level?: Level;
  msg?: string;
  fields: Record<string, unknown>;
}

/** A JSON object line's level and message (structured loggers' common field names). */
export function parseJsonLine(text: string): JsonLine | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const fields = v as Record<string, unknown>;
  const lv = LEVEL_FIELDS.map((f) => fields[f]).find((x) => typeof x === 'string' || typeof x === 'number');
  const msg = MSG_FIELDS.map((f) => fields[f]).find((x) => typeof x === 'string') as string | undefined;
  return { level: typeof lv === 'string' ? LEVELS[lv.toLowerCase()] : undefined, msg, fields };
}

/** The level of a plain-text line (`ERROR ...`, `level=warn`), for colouring. */
export function textLevel(text: string): Level | undefined {
  const m = /\b(FATAL|PANIC|ERROR|ERR|WARN|WARNING|INFO|DEBUG|TRACE)\b|level=(\w+)/i.exec(text.slice(0, 120));
  const w = (m?.[1] ?? m?.[2])?.toLowerCase();
  return w ? LEVELS[w] : undefined;
}

/** FNV-1a of context/namespace/pod → a stable palette index. */
export function podColour(e: Pick<LogEntry, 'context' | 'namespace' | 'pod'>, paletteSize: number): number {
  return fnv32a(`${e.context}/${e.namespace}/${e.pod}`) % paletteSize;
}

const FLAG_FIELDS: Record<string, keyof LogFilterSpec> = { i: 'include', e: 'exclude', H: 'highlight', c: 'container' };

/**
 * The log view's one-line filter: `INCLUDE [-e EXCLUDE] [-H HIGHLIGHT] [-c CONTAINER]`, the
 * CLI's flags (each value runs to the next flag, so it may hold spaces).
 */
export function parseFilterText(text: string): LogFilterSpec {
  const out: LogFilterSpec = {};
  const parts = ` ${text}`.split(/\s+-([ieHc])\s+/);
  const head = parts[0].trim();
  if (head) out.include = head;
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const v = parts[i + 1].trim();
    if (v) out[FLAG_FIELDS[parts[i]]] = v;
  }
  return out;
}

export function formatFilterText(spec: LogFilterSpec): string {
  const flags = (['exclude', 'highlight', 'container'] as const)
    .filter((k) => spec[k])
    .map((k) => `-${Object.keys(FLAG_FIELDS).find((f) => FLAG_FIELDS[f] === k)} ${spec[k]}`);
  return [spec.include ?? '', ...flags].filter(Boolean).join(' ');
}
