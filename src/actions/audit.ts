// The audit log: one JSON line per executed request, in the user's state directory. It
// holds what was asked and what the server said — never credentials or Secret data.
import { appendFile, chmod, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fallbackDir, stateDir, writableStateDir } from '../platform/xdg.js';
import { isRecord } from '../model/access.js';
import type { ApiRequest, ObjectName } from './types.js';
import { jsonForTerminal } from '../model/sanitize.js';

export interface AuditEntry {
  context: string;
  action: string;
  object: ObjectName;
  request: ApiRequest;
  result: { status?: number; error?: string };
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** the file written (or to be written) */
  readonly path: string;
  /**
   * Once, after the first record: why the log is not where the user looks for it (the state
   * directory could not be written and a fallback was used), for the outcome message.
   */
  takeNotice?(): string | undefined;
}

/** $XDG_STATE_HOME/fleetdeck/audit.log (default ~/.local/state/...); without any home, the temp fallback's. */
export function defaultAuditPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env) ?? join(fallbackDir(), 'state'), 'audit.log');
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

const MASK = '<redacted>';

/** Secret payloads keep their keys (what changed) but never their values. */
function maskSecretPayload(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const out: Record<string, unknown> = { ...body };
  for (const field of ['data', 'stringData']) {
    const v = out[field];
    if (isRecord(v)) out[field] = Object.fromEntries(Object.keys(v).map((k) => [k, MASK]));
    else if (v !== undefined) out[field] = MASK;
  }
  return out;
}

function isSecretRequest(req: ApiRequest): boolean {
  return /\/secrets(\/|$)/.test(req.path) || (isRecord(req.body) && req.body.kind === 'Secret');
}

/** Only the request's own fields go to the log: no headers, so no tokens. */
export function auditRequest(req: ApiRequest): ApiRequest {
  const out: ApiRequest = { method: req.method, path: req.path };
  if (req.query) out.query = req.query;
  if (req.contentType) out.contentType = req.contentType;
  if (req.body !== undefined) out.body = isSecretRequest(req) ? maskSecretPayload(req.body) : req.body;
  return out;
}

/** One JSON line; control characters from cluster text escaped (jsonForTerminal), so `cat audit.log` is safe. */
export function auditLine(entry: AuditEntry, time: Date, user: string): string {
  return jsonForTerminal({
    time: time.toISOString(),
    user,
    context: entry.context,
    action: entry.action,
    object: entry.object,
    request: auditRequest(entry.request),
    result: entry.result,
  });
}

/**
 * The audit log. With `path` it writes exactly there; without, in the state directory of
 * `env`, falling back to a private temp directory when that cannot be written (read-only
 * home on a bastion) — the fallback is said once through takeNotice.
 */
export function createAuditLog(opts: { path?: string; env?: NodeJS.ProcessEnv; now?: () => Date; user?: string } = {}): AuditLog {
  const env = opts.env ?? process.env;
  let path = opts.path ?? defaultAuditPath(env);
  let notice: string | undefined;
  const now = opts.now ?? (() => new Date());
  const user = opts.user ?? localUser();
  let ready: Promise<void> | undefined;
  // Lines are appended in order: concurrent targets queue behind one another.
  let tail: Promise<void> = Promise.resolve();
  const prepare = async () => {
    if (opts.path) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } else {
      const state = await writableStateDir(env);
      path = join(state.dir, 'audit.log');
      notice = state.notice && `audit log: ${state.notice}`;
    }
    const existing = await stat(path).catch(() => undefined);
    if (existing && (existing.mode & 0o077) !== 0) await chmod(path, 0o600);
  };
  return {
    get path() {
      return path;
    },
    takeNotice() {
      const n = notice;
      notice = undefined;
      return n;
    },
    record(entry) {
      ready ??= prepare().catch((err: unknown) => {
        ready = undefined;
        throw err;
      });
      const prepared = ready;
      const line = auditLine(entry, now(), user) + '\n';
      const written = tail.catch(() => undefined).then(() => prepared).then(() => appendFile(path, line, { mode: 0o600 }));
      tail = written;
      return written;
    },
  };
}
