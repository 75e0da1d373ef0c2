// Errors from the cluster door, classified so callers can turn them into visible states.
// Messages never carry request headers or tokens.

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
    super(message);
    this.name = 'KubeNetworkError';
  }
}

/** Getting credentials failed (exec plugin, token file, auth provider). */
export class KubeAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeAuthError';
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
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Builds a KubeApiError from any body: a Status, other JSON, text or nothing. */
export function apiErrorFrom(code: number, body: string): KubeApiError {
  let status: Record<string, unknown> | undefined;
  try {
    const v: unknown = JSON.parse(body);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) status = v as Record<string, unknown>;
  } catch {
    // not JSON: the text itself is the message
  }
  const isStatus = status?.kind === 'Status';
  const reason = (isStatus && typeof status?.reason === 'string' && status.reason) || reasons[code] || `HTTP${code}`;
  const text = body.trim().replace(/\s+/g, ' ');
  const message =
    (isStatus && typeof status?.message === 'string' && status.message) ||
    (status && typeof status.message === 'string' && status.message) ||
    (text && !status ? text.slice(0, 300) : '') ||
    `${code} ${reason}`;
  return new KubeApiError(code, reason, message, isStatus ? status : undefined);
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
