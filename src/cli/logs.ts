// `fleetdeck logs TARGET`: the tail engine to stdout, stern-like. TARGET is KIND/NAME (a pod,
// a workload, a Flux object) in every selected context that has it, or a query
// `[ctx-glob/]ns/pod-regex` (a bare regex: pods of -n, or of all namespaces without it).
import type { ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { appConfigPath, loadAppConfig } from '../config/app-config.js';
import { openLean } from '../fleet/lean.js';
import { selectFleet, type SelectionOptions } from '../fleet/selection.js';
import type { FleetStore } from '../fleet/types.js';
import { parseGoDuration } from '../model/format.js';
import { jsonForTerminal, termLine, termText } from '../model/sanitize.js';
import { compileFilter, compilePattern, highlightRanges, passes, podColour, type LogFilter } from '../logs/filter.js';
import { fleetLogOpener } from '../logs/open.js';
import { namesKind, resolveTarget } from '../logs/targets.js';
import { checkQueryNamespace, checkTarget, TargetError, unreachableContexts } from '../logs/verify.js';
import { LogTail } from '../logs/tail.js';
import type { LogEntry, LogTarget, OpenLog } from '../logs/types.js';

export interface LogsCommandOptions {
  namespace?: string;
  /** a Go duration: 30s, 5m, 1h */
  since?: string;
  tail?: number;
  /** container name regex */
  container?: string;
  include?: string;
  exclude?: string;
  highlight?: string;
  output?: 'raw' | 'json';
  timestamps?: boolean;
  previous?: boolean;
  initContainers?: boolean;
  maxStreams?: number;
}

export interface LogsCommandDeps {
  store: FleetStore;
  /** the selected contexts */
  contexts: string[];
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  /** colours; default: stdout is a TTY */
  colour?: boolean;
  /** every context of the kubeconfig (for "context X is not selected") */
  known?: string[];
  /** ends the tail (default: SIGINT or SIGTERM) */
  signal?: AbortSignal;
  openLog?: OpenLog;
}

/** Stern's palette order; the TUI takes its colours from the theme's log.prefix roles. */
const PALETTE = ['cyan', 'green', 'magenta', 'yellow', 'blue', 'red', 'cyanBright', 'greenBright'] as const;

export interface LineFormat {
  output: 'raw' | 'json';
  timestamps: boolean;
  /** colours; absent: none (chalk is loaded only for a terminal) */
  chalk?: ChalkInstance;
  highlight?: RegExp;
  /** stdout is a terminal: cluster text goes through the sanitizer (termLine); to a pipe,
   * `raw` keeps the line as the container wrote it */
  terminal?: boolean;
}

function paintHighlights(c: ChalkInstance, re: RegExp | undefined, text: string): string {
  if (!re) return text;
  const ranges = highlightRanges(re, text);
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [a, b] of ranges) {
    out += text.slice(at, a) + c.inverse(text.slice(a, b));
    at = b;
  }
  return out + text.slice(at);
}

/**
 * One entry as a stdout line (no newline). JSON escapes every control character (jsonForTerminal);
 * on a terminal every name and the text pass termLine (controls shown as `\e`, `\r`, never sent).
 */
export function formatEntry(e: LogEntry, f: LineFormat): string {
  if (f.output === 'json') {
    return jsonForTerminal({ context: e.context, namespace: e.namespace, pod: e.pod, container: e.container, ts: e.ts, message: e.text, ...(e.notice ? { notice: true } : {}) });
  }
  const safe = f.terminal ? termLine : (s: string): string => s;
  const c = f.chalk;
  if (!c || c.level === 0) {
    // no colours (a pipe, the bench): the line as text, no styling calls
    if (e.notice) return safe(`${e.context}/${e.pod} ${e.text}`);
    return `${safe(`${e.context}/${e.pod}/${e.container}`)} ${f.timestamps && e.ts ? `${safe(e.ts)} ` : ''}${safe(e.text)}`;
  }
  const colour = PALETTE[podColour(e, PALETTE.length)];
  if (e.notice) return c.dim(safe(`${e.context}/${e.pod} ${e.text}`));
  const prefix = c[colour](safe(`${e.context}/${e.pod}/${e.container}`));
  const ts = f.timestamps && e.ts ? `${c.dim(safe(e.ts))} ` : '';
  return `${prefix} ${ts}${paintHighlights(c, f.highlight, safe(e.text))}`;
}

/** What one entry writes to stdout, newline included: bytes as they came for `-o raw` to a pipe. */
export function entryOutput(e: LogEntry, f: LineFormat): string | Uint8Array {
  if (f.output === 'raw' && !f.terminal && e.raw && !e.notice) {
    const head = formatEntry({ ...e, text: '' }, f);
    return Buffer.concat([Buffer.from(head), e.raw, Buffer.from('\n')]);
  }
  return `${formatEntry(e, f)}\n`;
}

/** What a run of entries writes to stdout as one write: their entryOutput, in order. */
export function entriesOutput(es: readonly LogEntry[], f: LineFormat): string | Uint8Array {
  const parts = es.map((e) => entryOutput(e, f));
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

function sinceSeconds(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = parseGoDuration(since);
  if (ms === undefined || ms <= 0) throw new SyntaxError(`--since: "${since}" is not a duration (e.g. 30s, 5m, 1h)`);
  return Math.ceil(ms / 1000);
}

function signalFromProcess(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** stern's default --max-log-requests, our --max-streams */
export const DEFAULT_MAX_STREAMS = 50;

/**
 * Runs until the signal (or, with --previous, until every stream is read). Exit code: 0; 1
 * when the target does not exist (kubectl's `Error from server (NotFound): …` on stderr), a
 * query names no selected context, or the stream cap is reached (stern: "reached the maximum
 * number of log requests"); 2 on a usage error.
 */
export async function runLogsCommand(target: string, opts: LogsCommandOptions, deps: LogsCommandDeps): Promise<number> {
  const { store, stdout, stderr } = deps;
  let filter: LogFilter;
  let container: RegExp | undefined;
  let since: number | undefined;
  try {
    filter = compileFilter({ include: opts.include, exclude: opts.exclude, highlight: opts.highlight });
    container = opts.container ? compilePattern(opts.container) : undefined;
    since = sinceSeconds(opts.since);
    if (opts.tail !== undefined && (!Number.isInteger(opts.tail) || opts.tail < -1)) throw new SyntaxError(`--tail: must be a whole number, or -1 for all lines`);
  } catch (e) {
    stderr.write(`fleetdeck logs: ${termLine((e as Error).message)}\n`);
    return 2;
  }
  const own = deps.signal ? undefined : signalFromProcess();
  const signal = deps.signal ?? own!.signal;
  try {
    await Promise.race([store.settled(), new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
    if (signal.aborted) return 0;
    const resolveOver = (contexts: string[]): LogTarget | number => {
      try {
        return resolveTarget(store, target, contexts, opts.namespace, { known: deps.known, selectHint: (c) => `add --context ${c}` });
      } catch (e) {
        if (e instanceof TargetError) {
          stderr.write(`${termLine(e.message)}\n`);
          return 1;
        }
        stderr.write(`fleetdeck logs: ${termLine((e as Error).message)}\n`);
        return 2;
      }
    };
    // a context that could not be discovered (credentials, network) cannot resolve KIND/NAME:
    // say why as kubectl would ("Unable to connect to the server: …") and go on without it
    /** the tail ended: an answer of the probe after it says nothing more */
    let over = false;
    const probe = unreachableContexts(store, deps.contexts, signal).then((down) => {
      if (!signal.aborted && !over) for (const [name, line] of down) stderr.write(`${termText(deps.contexts.length > 1 ? `${name}: ${line}` : line)}\n`);
      return down;
    });
    // A pod query (`[ctx-glob/]ns/pod-regex`) needs nothing of that to start: its pods are listed
    // and its streams opened while /version is asked, as stern does (one round trip less before
    // the first line), and a context found down leaves the tail then. `ns/regex` waits for it:
    // a namespace no context has is a typo kubectl refuses.
    const parts = target.split('/');
    let early: LogTarget | undefined;
    if (!namesKind(target) && parts.length !== 2) {
      try {
        early = resolveTarget(store, target, deps.contexts, opts.namespace, { known: deps.known });
      } catch {
        // said once the probe is in, as for every other target
      }
    }
    let resolved: LogTarget;
    if (early) resolved = early;
    else {
      const down = await probe;
      const contexts = deps.contexts.filter((c) => !down.has(c));
      if (signal.aborted) return 0;
      if (contexts.length === 0) return 1;
      const r = resolveOver(contexts);
      if (typeof r === 'number') return r;
      // kubectl reads the object first and says at once when it is not there
      const check = await checkTarget(store, r, { multiContext: contexts.length > 1, signal });
      for (const p of check.problems) stderr.write(`${termText(p)}\n`); // the API's messages are cluster text (a credential error keeps its lines)
      if (signal.aborted) return 0;
      if (!check.target) return 1;
      const typo = parts.length === 2 ? await checkQueryNamespace(store, check.target, parts[0], signal) : undefined;
      if (typo) {
        stderr.write(`${termLine(typo)}\n`);
        return 1;
      }
      resolved = check.target;
    }
    const maxStreams = opts.maxStreams ?? DEFAULT_MAX_STREAMS;
    const chalk = (deps.colour ?? stdout.isTTY === true) ? new (await import('chalk')).Chalk({ level: 1 }) : undefined;
    const format: LineFormat = { output: opts.output ?? 'raw', timestamps: opts.timestamps ?? false, chalk, highlight: filter.highlight, terminal: stdout.isTTY === true };
    const tail = new LogTail(store, deps.openLog ?? fleetLogOpener(store), resolved, {
      container,
      initContainers: opts.initContainers,
      previous: opts.previous,
      sinceSeconds: since,
      // -1: every line, as kubectl and stern read it (the API's default without tailLines)
      tailLines: opts.tail === -1 ? undefined : opts.tail,
      maxStreams,
    });
    let pipeClosed = false;
    let code = 0;
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
      // stern stops when one more container would exceed the cap, rather than leave it out quietly
      tail.onStatus(() => {
        if (code !== 0 || tail.capped().length === 0) return;
        code = 1;
        stderr.write(termText(`fleetdeck logs: reached the maximum number of log streams (${maxStreams}), use --max-streams to increase the limit\n`));
        resolve();
      });
      signal.addEventListener('abort', () => resolve(), { once: true });
      stdout.on('error', () => {
        pipeClosed = true;
        resolve();
      });
      if (opts.previous) {
        tail.onStatus(() => {
          const s = tail.streams();
          if (s.length > 0 && s.every((x) => x.state === 'done' || x.state === 'failed')) resolve();
        });
      }
    });
    // the lines of one turn of the event loop (every stream's chunks read in it) go out in one
    // write: a write per line is a system call per line on a pipe or terminal
    let pending: LogEntry[] = [];
    const flush = (): void => {
      const batch = pending;
      pending = [];
      if (batch.length > 0 && !pipeClosed) stdout.write(entriesOutput(batch, format));
    };
    tail.onLine((e) => {
      if (pipeClosed || !passes(filter, e)) return;
      if (pending.push(e) === 1) setImmediate(flush);
    });
    let told = '';
    tail.onStatus(() => {
      const failed = tail.streams().filter((s) => s.state === 'failed');
      const note = failed.map((s) => `${s.context}/${s.pod}/${s.container}: ${s.reason ?? 'failed'}`).join('\n');
      // names and API reasons are cluster text
      if (note && note !== told) stderr.write(termText(`fleetdeck logs: ${note}\n`));
      told = note;
    });
    tail.start();
    if (early) {
      void probe.then((down) => {
        if (signal.aborted || over || down.size === 0) return;
        const up = deps.contexts.filter((c) => !down.has(c));
        const r = up.length === 0 ? 1 : resolveOver(up);
        if (typeof r === 'number') {
          code = r;
          end();
        } else tail.retarget(r, container);
      });
    }
    await ended;
    over = true;
    await tail.stop();
    flush();
    return code;
  } finally {
    own?.dispose();
  }
}

/**
 * The shell's `fleetdeck logs`: the selected contexts over the lean store (src/fleet/lean.ts),
 * which does what stern does — pods listed and watched, one stream per container — and learns
 * the served kinds only for a KIND/NAME target.
 */
export async function runLogs(target: string, opts: LogsCommandOptions & SelectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // V8's optimizing compiler (TurboFan) stays off for the tail: its first compile pages in ~5 MB
  // of compiler and zone memory and costs CPU on its threads, where a tail's per-line work runs
  // well enough on the baseline code (50 pods: peak RSS 62.7 -> 57.6 MB; 100 pods x 100 lines/s:
  // the same lines/s for ~10% more CPU; issue 22)
  setFlagsFromString('--max-opt=1');
  const config = loadAppConfig(appConfigPath(env));
  const sel = selectFleet(opts, config.fleets, env);
  const store = openLean(sel, env, { discover: namesKind(target) });
  try {
    return await runLogsCommand(target, opts, { store, contexts: sel.contexts, known: [...sel.merged.contexts.keys()], stdout: process.stdout, stderr: process.stderr });
  } finally {
    await store.close();
  }
}
