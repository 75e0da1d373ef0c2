// Text formatting as kubectl prints it: ages, Go durations, resource quantities, API
// timestamps, and cell truncation. Every function is total: bad input gives a fallback
// ('<unknown>', undefined, '') rather than an exception.
import { termLine } from './sanitize.js';

/** Epoch ms of an API timestamp (RFC3339 or RFC3339Nano), or undefined. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length > 64) return undefined;
  // Date.parse is only specified for millisecond precision; cut nanoseconds down to that.
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  const frac = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : '';
  const t = Date.parse(`${m[1]}${frac}${m[3]}`);
  return Number.isFinite(t) ? t : undefined;
}

/** RFC3339Nano as Go prints it (`2024-05-01T10:00:00.123456789Z`, trailing zeros of the
 * fraction dropped): the Flux request token shape. */
export function rfc3339Nano(at: number | Date, extraNanos = 0): string {
  const iso = new Date(at).toISOString(); // 2024-05-01T10:00:00.123Z
  const nanos = `${iso.slice(20, 23)}${String(Math.max(0, Math.min(999999, Math.trunc(extraNanos)))).padStart(6, '0')}`.replace(/0+$/, '');
  return nanos ? `${iso.slice(0, 19)}.${nanos}Z` : `${iso.slice(0, 19)}Z`;
}

function pad(n: number, w = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(w, '0');
}

/**
 * Go's time.RFC3339 in a given offset (minutes east of UTC, default the local zone):
 * 2024-05-01T14:03:09+02:00, or ...Z at offset 0 — what kubectl writes for restartedAt.
 */
export function rfc3339(date: Date, offsetMinutes = -date.getTimezoneOffset()): string {
  const t = new Date(date.getTime() + offsetMinutes * 60_000);
  const ymd = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  const hms = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  const off = offsetMinutes === 0 ? 'Z' : `${offsetMinutes < 0 ? '-' : '+'}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`;
  return `${ymd}T${hms}${off}`;
}

/** kubectl's HumanDuration (apimachinery/pkg/util/duration): 5s, 3m12s, 2d3h, 45d, 3y. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<unknown>';
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.floor(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Age of an API timestamp at `now`, as the AGE column shows it; '<unknown>' without one. */
export function age(timestamp: unknown, now: number): string {
  const t = parseTime(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("5m0s", "1h", "1.5h", "300ms", "-2m"), in ms; undefined if invalid. */
export function parseGoDuration(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) return undefined;
  let s = v;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * GO_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return sign * total;
}

/** Go's Duration.String() for whole milliseconds: 5m0s, 1h0m0s, 30s, 1.5s, 250ms. */
export function formatGoDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const secs = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
  const out = h > 0 ? `${h}h${m}m${secs}s` : m > 0 ? `${m}m${secs}s` : `${secs}s`;
  return neg ? `-${out}` : out;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A resource.Quantity ("250m", "1.5Gi", "2k", "1e3", 4) as a plain number; undefined if invalid. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.length > 64) return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]];
  if (m[3]) return Number(`${m[1]}${m[3]}`);
  return n * DECIMAL[m[4] ?? ''];
}

/** CPU cores as kubectl top shows them: millicores below ten cores ("250m", "1500m"), else cores. */
export function formatCpu(cores: number): string {
  if (!Number.isFinite(cores)) return '';
  if (cores >= 10) return `${Math.round(cores)}`;
  return `${Math.round(cores * 1000)}m`;
}

/** Bytes in the largest binary unit that keeps the number ≥ 1 ("512Mi", "1.5Gi", "900"). */
export function formatMemory(bytes: number): string {
  if (!Number.isFinite(bytes)) return '';
  const units: [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [u, f] of units) {
    if (Math.abs(bytes) >= f) {
      const x = bytes / f;
      return `${Number.isInteger(x) ? x : Number(x.toFixed(1))}${u}`;
    }
  }
  return `${Math.round(bytes)}`;
}

/**
 * Squashes a message to one printable line: runs of whitespace (newlines, tabs, CR included)
 * → one space; every other control shown visibly by the one sanitizer (termLine: `\e]0;…`,
 * never a bare `]0;…` with its ESC dropped).
 */
export function oneLine(s: string): string {
  return termLine(s.replace(/\s+/g, ' ')).trim();
}

/**
 * A true/false cell (SUSPENDED, SUSPEND) as kubectl's printers (printBool) and `flux get`
 * (strings.Title of FormatBool) print it: `True` / `False`, so `:ks`, `:flux` and `:cronjobs`
 * read as the tools they stand beside.
 */
export function boolCell(v: boolean): 'True' | 'False' {
  return v ? 'True' : 'False';
}

/** The mark put where text was cut; ASCII so it is single-width in every terminal and locale. */
export const TRUNCATION_MARK = '~';

/** Cuts text to `width` cells (one cell per code point), marking the cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  const cps = Array.from(oneLine(s));
  if (cps.length <= width) return cps.join('');
  if (width === 1) return TRUNCATION_MARK;
  return cps.slice(0, width - 1).join('') + TRUNCATION_MARK;
}

/** Pads or cuts text to exactly `width` cells. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(s, width);
  const pad = ' '.repeat(Math.max(0, width - Array.from(t).length));
  return align === 'right' ? pad + t : t + pad;
}
