// Exec into a container over the pods/exec subresource: a WebSocket speaking the
// Kubernetes channel protocol (v5.channel.k8s.io preferred, v4.channel.k8s.io as fallback).
// Every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 the final
// Status (JSON), 4 terminal resize ({"Width":W,"Height":H}); v5 adds 255 CLOSE ([255, 0]
// half-closes stdin, so `cat`-like commands see EOF). Source: k8s.io/apimachinery
// pkg/util/remotecommand/constants.go and apiserver pkg/util/wsstream/conn.go.
import type WebSocket from 'ws';
import type { ContextClient } from './client.js';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface ExecRequest {
  namespace: string;
  pod: string;
  /** required when the pod has more than one container (the API server refuses otherwise) */
  container?: string;
  /** argv, not a shell line: ['sh', '-c', 'echo hi'] */
  command: string[];
  stdin?: boolean;
  tty?: boolean;
}

/** How an exec ended, from the Status on channel 3 (or the connection closing without one). */
export interface ExecResult {
  /** 0 on Success; the NonZeroExitCode cause otherwise; undefined when the server gave none */
  exitCode: number | undefined;
  /** the Status message on failure (command not found, container gone, ...) */
  message?: string;
  /** the subprotocol the server chose */
  protocol: string;
}

export interface ExecHandlers {
  stdout?(data: Buffer): void;
  stderr?(data: Buffer): void;
}

export interface ExecSession {
  readonly protocol: string;
  /** bytes to the command's stdin (needs stdin: true) */
  write(data: Buffer | string): void;
  /** half-closes stdin (v5); on v4 there is no such signal and stdin stays open */
  closeStdin(): void;
  /** the terminal's new size (tty sessions) */
  resize(cols: number, rows: number): void;
  /** ends the session from this side */
  close(): void;
  /** resolves when the command ended or the connection closed; never rejects */
  readonly done: Promise<ExecResult>;
}

/** The exec subresource's path and query (shown in plans and written to the audit log). */
export function execRequestPath(r: ExecRequest): { path: string; query: Record<string, string | string[]> } {
  const enc = encodeURIComponent;
  const query: Record<string, string | string[]> = { command: r.command, stdout: 'true', stderr: r.tty ? 'false' : 'true' };
  if (r.container) query.container = r.container;
  if (r.stdin) query.stdin = 'true';
  if (r.tty) query.tty = 'true';
  return { path: `/api/v1/namespaces/${enc(r.namespace)}/pods/${enc(r.pod)}/exec`, query };
}

/** Reads the exit code out of a Status: Success → 0, NonZeroExitCode → its ExitCode cause. */
export function exitFromStatus(text: string): { exitCode: number | undefined; message?: string } {
  let st: { status?: string; message?: string; reason?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  try {
    st = JSON.parse(text) as typeof st;
  } catch {
    return { exitCode: undefined, message: text.trim() || 'the server sent an unreadable exec status' };
  }
  if (st.status === 'Success') return { exitCode: 0 };
  const cause = st.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number(cause.message) : NaN;
  if (Number.isInteger(code)) return { exitCode: code, message: st.message };
  // a runtime that reports the exit only in words (kwok's local exec: Go's "exit status 3")
  const words = /\bexit (?:status|code) (\d+)\s*$/.exec(st.message ?? '');
  if (words) return { exitCode: Number(words[1]), message: st.message };
  return { exitCode: undefined, message: st.message ?? 'exec failed' };
}

function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

/**
 * Starts a command in a container. Resolves once the WebSocket is open (errors before that
 * — 403, 404, 400 for a missing container, network — reject as the client's errors); the
 * session's `done` then says how it ended.
 */
export async function openExec(client: Pick<ContextClient, 'openWebSocket'>, r: ExecRequest, handlers: ExecHandlers, signal?: AbortSignal): Promise<ExecSession> {
  const { path, query } = execRequestPath(r);
  const ws: WebSocket = await client.openWebSocket(path, query, [...EXEC_PROTOCOLS], signal);
  const protocol = ws.protocol;
  let status: { exitCode: number | undefined; message?: string } | undefined;
  const done = new Promise<ExecResult>((resolve) => {
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      const data = isBinary ? raw : Buffer.from(raw.toString(), 'utf8');
      if (data.length === 0) return;
      const ch = data[0];
      const body = data.subarray(1);
      if (ch === CHANNEL.stdout) handlers.stdout?.(body);
      else if (ch === CHANNEL.stderr) handlers.stderr?.(body);
      else if (ch === CHANNEL.error && body.length > 0) status = exitFromStatus(body.toString('utf8'));
    });
    ws.once('close', (code: number, reason: Buffer) => {
      signal?.removeEventListener('abort', onAbort);
      if (status) return resolve({ ...status, protocol });
      const why = reason.length > 0 ? reason.toString() : `connection closed (${code})`;
      resolve({ exitCode: undefined, message: `the exec ended without a status: ${why}`, protocol });
    });
    ws.on('error', () => {
      // 'close' follows and resolves
    });
  });
  const onAbort = () => ws.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  const send = (b: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(b);
  };
  return {
    protocol,
    write: (data) => send(frame(CHANNEL.stdin, data)),
    closeStdin: () => {
      if (protocol === EXEC_PROTOCOLS[0]) send(Buffer.from([CHANNEL.close, CHANNEL.stdin]));
    },
    resize: (cols, rows) => send(frame(CHANNEL.resize, JSON.stringify({ Width: cols, Height: rows }))),
    close: () => ws.close(),
    done,
  };
}

/** Runs a command to the end and collects its output (no stdin unless `input` is given). */
export async function execCapture(
  client: Pick<ContextClient, 'openWebSocket'>,
  r: Omit<ExecRequest, 'stdin' | 'tty'>,
  opts: { input?: string | Buffer; signal?: AbortSignal } = {},
): Promise<ExecResult & { stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const session = await openExec(client, { ...r, stdin: opts.input !== undefined }, { stdout: (b) => out.push(b), stderr: (b) => err.push(b) }, opts.signal);
  if (opts.input !== undefined) {
    session.write(opts.input);
    session.closeStdin();
  }
  const res = await session.done;
  return { ...res, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
