// Errors from the cluster door, classified so callers can turn them into visible states.
// Messages are one readable line whatever the body was, and never carry request headers,
// tokens, key material or live terminal escapes (controls are shown as visible escapes).
import { termLine } from '../model/sanitize.js';

/** An HTTP error answer of the API server, with the Status it sent when it sent one. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    /** the parsed Status object, or undefined when the body was not one */
    readonly status?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** The server could not be reached or did not answer in time. */
export class KubeNetworkError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(readable(message, 500));
    this.name = 'KubeNetworkError';
  }
}

/** Getting credentials failed (exec plugin, token file, auth provider). */
export class KubeAuthError extends Error {
  /** the credential error as kubectl prints it after "getting credentials: ", lines kept
   * (a missing exec plugin's installHint is several lines); credentials masked */
  readonly detail: string;
  /** an exec plugin's stderr ends up here: it may print anything, tokens included */
  constructor(message: string, detail?: string) {
    super(readable(message, 500));
    this.name = 'KubeAuthError';
    this.detail = redact(detail ?? message);
  }
}

const reasons: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Longest message kept from a body: error text ends up on one terminal line. */
const maxMessage = 300;

/** Credentials a proxy or server may echo back; they must never reach a screen or a log. */
const secretPatterns: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, '<redacted PEM>'],
  // a credential ends at the next non-token character or where the next "Bearer" starts
  [/\b(proxy-)?authorization["']?\s*[:=]\s*["']?([A-Za-z]+\s+)?(?:(?!bearer)[^\s"',;<])+/gi, '<redacted credential>'],
  [/bearer\s+(?:(?!bearer)[A-Za-z0-9\-._~+/])+=*/gi, '<redacted credential>'],
  // the scheme word as HTTP writes it: "basic auth failed" is prose, not a credential
  [/\bBasic\s+[A-Za-z0-9+/]{6,}=*/g, '<redacted credential>'],
  [/\b(token|client-key-data|client-certificate-data|password)(["']?\s*[:=]\s*["']?)[^\s"',;<]+/gi, '$1$2<redacted>'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '<redacted JWT>'],
];

/** Masks anything that looks like a credential. */
export function redact(text: string): string {
  let out = text;
  for (const [re, by] of secretPatterns) out = out.replace(re, by);
  return out;
}

/**
 * One printable line, credentials masked, at most `max` characters (a longer one keeps its
 * start and its end around ` … `): safe to print or log.
 * Layout whitespace (newlines, tabs) becomes one space and colours go; every other control is shown as the one
 * sanitizer shows cluster text (termLine: `ESC ] 0 ; T BEL` as `\e]0;T\a`), never stripped, so
 * what the server said stays readable as it was sent and nothing of it can drive a terminal.
 */
export function readable(text: string, max = maxMessage): string {
  // masked before and after: an escape shown as text can split or join what a pattern reads.
  // Colours (SGR: an exec plugin's red "error") say nothing once on one line: dropped.
  const line = redact(termLine(redact(text).replace(/\u001b\[[0-9;]*m/g, '').replace(/\s+/g, ' '))).trim();
  if (line.length <= max) return line;
  // cut in the middle: the start says what failed and the end why (a Go error wraps its cause
  // last: `… is invalid: patch: Invalid value: "{…}": json: cannot unmarshal number … of type int32`)
  const head = Math.ceil((max - 3) * 0.4);
  return `${line.slice(0, head)} … ${line.slice(line.length - (max - 3 - head))}`;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The words of an HTML page: its title, else its first heading, else its text. */
function htmlText(html: string): string {
  const pick = (re: RegExp): string | undefined => re.exec(html)?.[1]?.replace(/<[^>]*>/g, ' ').trim() || undefined;
  const text =
    pick(/<title[^>]*>([\s\S]*?)<\/title>/i) ??
    pick(/<h1[^>]*>([\s\S]*?)<\/h1>/i) ??
    html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>?/g, ' ');
  return text.replace(/&(#\d+|[a-z]+);/gi, (m, e: string) => (e[0] === '#' ? String.fromCharCode(Number(e.slice(1))) : (entities[e.toLowerCase()] ?? m)));
}

const isHtml = (body: string): boolean => /^\s*(<!doctype html|<html|<head|<body|<\?xml|<!--)/i.test(body) || /<\/(html|body|title|h1)>/i.test(body);

/** The message of a Status cut off mid-body, if the cut came after it. */
function truncatedMessage(body: string): string | undefined {
  const m = /"message"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(body);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1].replace(/\\$/, '')}"`) as string;
  } catch {
    return m[1];
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** What a Status without a message still says: the kind and name in its details. */
function detailsText(status: Record<string, unknown>): string | undefined {
  const d = status.details;
  if (typeof d !== 'object' || d === null) return undefined;
  const { kind, name } = d as Record<string, unknown>;
  const what = [str(kind), str(name) && `"${str(name)}"`].filter(Boolean).join(' ');
  return what || undefined;
}

/**
 * Builds a KubeApiError from any body: a Status (with or without a message), other JSON,
 * an HTML page from a proxy, truncated JSON, text or nothing. The message is always one
 * readable, bounded line without credentials or terminal escapes.
 */
export function apiErrorFrom(code: number, body: string): KubeApiError {
  let parsed: Record<string, unknown> | undefined;
  const trimmed = body.trim();
  try {
    const v: unknown = JSON.parse(trimmed);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) parsed = v as Record<string, unknown>;
  } catch {
    // not JSON (or cut off): handled below by shape
  }
  const isStatus = parsed?.kind === 'Status';
  const reason = (isStatus && str(parsed?.reason)) || reasons[code] || `HTTP${code}`;
  const head = `${code} ${reason}`;
  let message: string;
  if (parsed) {
    const err = parsed.error;
    const text = str(parsed.message) ?? str(err) ?? (typeof err === 'object' && err !== null ? str((err as Record<string, unknown>).message) : undefined);
    const details = isStatus ? detailsText(parsed) : undefined;
    message = text ?? (details ? `${head}: ${details}` : head);
  } else if (trimmed === '') {
    message = head;
  } else if (isHtml(trimmed)) {
    const words = readable(htmlText(trimmed), 120);
    message = `${head}: the server answered an HTML page, not an API response (a proxy in the way?)${words ? `: "${words}"` : ''}`;
  } else if (/^[{[]/.test(trimmed)) {
    const m = truncatedMessage(trimmed);
    message = m !== undefined ? `${m}… (response cut off after ${body.length} bytes)` : `${head}: unreadable response (JSON cut off after ${body.length} bytes)`;
  } else {
    message = `${head}: ${trimmed}`;
  }
  return new KubeApiError(code, reason, readable(message), isStatus ? parsed : undefined);
}

/**
 * kubectl's StandardErrorMessage for an API error: `Error from server (Reason): message`,
 * `Error from server: message` when the server gave no reason; other errors as `error: …`
 * (kubectl's CheckErr) — e.g. `Unable to connect to the server` comes from the network layer.
 */
export function kubectlErrorLine(e: unknown): string {
  if (e instanceof KubeApiError) return e.reason && !/^HTTP\d+$/.test(e.reason) ? `Error from server (${e.reason}): ${e.message}` : `Error from server: ${e.message}`;
  const name = (e as Error | undefined)?.name;
  if (name === 'KubeNetworkError') return `Unable to connect to the server: ${(e as Error).message}`;
  // kubectl: "Unable to connect to the server: getting credentials: exec: executable x not found\n\n…installHint"
  if (name === 'KubeAuthError') return `Unable to connect to the server: ${(e as Error & { detail?: string }).detail ?? (e as Error).message}`;
  return `error: ${(e as Error | undefined)?.message ?? String(e)}`;
}

/** What a failure means for the thing that hit it. */
export type FailureKind = 'forbidden' | 'unauthorized' | 'unreachable' | 'gone' | 'other';

export function classify(e: unknown): FailureKind {
  if (e instanceof KubeApiError) {
    if (e.code === 403) return 'forbidden';
    if (e.code === 401) return 'unauthorized';
    if (e.code === 410) return 'gone';
    return 'other';
  }
  if (e instanceof KubeAuthError) return 'unauthorized';
  if (e instanceof KubeNetworkError) return 'unreachable';
  return 'other';
}

const netMessages: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  // kubectl's words (net/http: TLS handshake timeout)
  ERR_TLS_HANDSHAKE_TIMEOUT: 'TLS handshake timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no answer (timed out waiting for response headers)',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response',
  UND_ERR_SOCKET: 'connection closed by the server',
  CERT_HAS_EXPIRED: 'server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'server certificate is self-signed (set certificate-authority or insecure-skip-tls-verify)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'server certificate cannot be verified (wrong certificate-authority?)',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the server chain (wrong certificate-authority?)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'server certificate does not match the host name',
};

/** Turns what undici's fetch throws into a KubeNetworkError naming the cause. */
export function networkError(e: unknown, target: string): Error {
  if (e instanceof KubeApiError || e instanceof KubeAuthError || e instanceof KubeNetworkError) return e;
  if (e instanceof Error && e.name === 'AbortError') return e;
  let cause: unknown = e;
  // fetch wraps the socket error: TypeError('fetch failed', { cause })
  while (cause instanceof Error && cause.cause !== undefined && !(cause as NodeJS.ErrnoException).code) cause = cause.cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return new KubeNetworkError(`${target}: ${(cause as Error)?.message ?? String(cause)}`);
  const msg = netMessages[code] ?? (cause as Error).message;
  return new KubeNetworkError(`${target}: ${msg}`, code);
}
