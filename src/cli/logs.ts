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
import { fluxDefaultNamespace } from '../model/flux.js';
import { parseGoDuration } from '../model/format.js';
import { parseLabelSelector, type LabelSelector } from '../model/selector.js';
import { jsonForTerminal, termLine, termText } from '../model/sanitize.js';
import { compileFilter, compilePattern, highlightRanges, passes, podColour, type LogFilter } from '../logs/filter.js';
import { fleetLogOpener } from '../logs/open.js';
import { missingNamespaceLines, missingQueryNamespace, namesKind, podsFor, resolveTarget } from '../logs/targets.js';
import { checkTarget, TargetError, unreachableLine } from '../logs/verify.js';
import { emptyInventories, notReadText, podCoverage, podGapLine, whollyForbidden } from '../logs/coverage.js';
import { namespaceIn } from '../fleet/namespace-presence.js';
import { LogTail } from '../logs/tail.js';
import { targetLeaves, type LogEntry, type LogTarget, type OpenLog } from '../logs/types.js';

export interface LogsCommandOptions {
  namespace?: string;
  /** `-l`: a label selector (kubectl's grammar); with a TARGET, the pods both select (stern) */
  selector?: string;
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
  /** a Flux kind's namespace without -n (default: the process environment's, fluxDefaultNamespace) */
  fluxNamespace?: string;
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
 * One entry as a stdout line (no newline). JSON escapes every control character (jsonForTerminal).
 * Names, timestamps and notices always pass termLine (controls shown as `\e`, `\r`, never sent):
 * the prefix is ours, whatever reads the pipe. The container's line does too on a terminal; to a
 * pipe `raw` keeps it as written, as kubectl and stern do.
 */
export function formatEntry(e: LogEntry, f: LineFormat): string {
  if (f.output === 'json') {
    return jsonForTerminal({ context: e.context, namespace: e.namespace, pod: e.pod, container: e.container, ts: e.ts, message: e.text, ...(e.notice ? { notice: true } : {}) });
  }
  const line = f.terminal ? termLine(e.text) : e.text;
  const c = f.chalk;
  if (!c || c.level === 0) {
    // no colours (a pipe, the bench): the line as text, no styling calls
    if (e.notice) return termLine(`${e.context}/${e.pod} ${e.text}`);
    return `${termLine(`${e.context}/${e.pod}/${e.container}`)} ${f.timestamps && e.ts ? `${termLine(e.ts)} ` : ''}${line}`;
  }
  const colour = PALETTE[podColour(e, PALETTE.length)];
  if (e.notice) return c.dim(termLine(`${e.context}/${e.pod} ${e.text}`));
  const prefix = c[colour](termLine(`${e.context}/${e.pod}/${e.container}`));
  const ts = f.timestamps && e.ts ? `${c.dim(termLine(e.ts))} ` : '';
  return `${prefix} ${ts}${paintHighlights(c, f.highlight, line)}`;
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

/** The exit code when no selected context answers: nothing could be read, as for every command. */
const NO_CONTEXT = 2;

/** stern's default --max-log-requests, our --max-streams */
export const DEFAULT_MAX_STREAMS = 50;

/**
 * Runs until the signal (or, with --previous, until every stream is read). Each selected
 * context is tailed once it has answered, whatever the others do. Exit code: 0; 1 when every
 * context has answered and none has the target (kubectl's `Error from server (NotFound): …` on
 * stderr; a context that cannot be reached counts as answered), a query names no selected
 * context, the stream cap is reached (stern: "reached the maximum number of log requests"), or
 * --previous ended without reading part of the selection (a context down, pods or the object
 * refused: the README's "not done on a selected context"); 2 on a usage error or when no
 * selected context answers (the README's one rule; kubectl says it with the same line and exit
 * 1). Rejects only on an unexpected error.
 */
export async function runLogsCommand(target: string, opts: LogsCommandOptions, deps: LogsCommandDeps): Promise<number> {
  const { store, stdout, stderr } = deps;
  let filter: LogFilter;
  let container: RegExp | undefined;
  let since: number | undefined;
  let selector: LabelSelector | undefined;
  try {
    if (target === '' && opts.selector === undefined) throw new SyntaxError(`give a TARGET (a pod, KIND/NAME or [ctx-glob/]ns/pod-regex) or -l SELECTOR`);
    try {
      selector = opts.selector === undefined ? undefined : parseLabelSelector(opts.selector);
    } catch (e) {
      // the API's words for it (apimachinery's parser), said before anything is asked
      throw new SyntaxError(`-l "${opts.selector}": ${(e as Error).message}`);
    }
    filter = compileFilter({ include: opts.include, exclude: opts.exclude, highlight: opts.highlight });
    container = opts.container ? compilePattern(opts.container) : undefined;
    since = sinceSeconds(opts.since);
    if (opts.tail !== undefined && (!Number.isInteger(opts.tail) || opts.tail < -1)) throw new SyntaxError(`--tail: must be a whole number, or -1 for all lines`);
  } catch (e) {
    stderr.write(`fleetdeck logs: ${termLine((e as Error).message)}\n`);
    return 2;
  }
  const fluxNamespace = deps.fluxNamespace ?? fluxDefaultNamespace(process.env);
  const own = deps.signal ? undefined : signalFromProcess();
  const signal = deps.signal ?? own!.signal;
  try {
    const resolveOver = (contexts: string[]): LogTarget | number => {
      try {
        return resolveTarget(store, target, contexts, opts.namespace, { known: deps.known, selectHint: (c) => `add --context ${c}`, selector, fluxNamespace });
      } catch (e) {
        if (e instanceof TargetError) {
          stderr.write(`${termLine(e.message)}\n`);
          return 1;
        }
        stderr.write(`fleetdeck logs: ${termLine((e as Error).message)}\n`);
        return 2;
      }
    };
    const maxStreams = opts.maxStreams ?? DEFAULT_MAX_STREAMS;
    const chalk = (deps.colour ?? stdout.isTTY === true) ? new (await import('chalk')).Chalk({ level: 1 }) : undefined;
    const format: LineFormat = { output: opts.output ?? 'raw', timestamps: opts.timestamps ?? false, chalk, highlight: filter.highlight, terminal: stdout.isTTY === true };
    let pipeClosed = false;
    let code = 0;
    /** the command is ending: what is answered after it says nothing more */
    let over = false;
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => {
      end = () => {
        over = true;
        resolve();
      };
    });
    signal.addEventListener('abort', () => end(), { once: true });
    if (signal.aborted) end();
    stdout.on('error', () => {
      pipeClosed = true;
      end();
    });
    const fail = (c: number): void => {
      if (code === 0) code = c;
      end();
    };
    // the lines of one turn of the event loop (every stream's chunks read in it) go out in one
    // write: a write per line is a system call per line on a pipe or terminal
    let pending: LogEntry[] = [];
    const flush = (): void => {
      const batch = pending;
      pending = [];
      if (batch.length > 0 && !pipeClosed) stdout.write(entriesOutput(batch, format));
    };
    let tail: LogTail | undefined;
    /** contexts that have answered: found down, or reachable and (for `A/B`) read */
    const answered = new Set<string>();
    /**
     * --previous ends once every context has answered, every pod list of the target is done
     * (a list still loading may hold pods yet to read) and every stream is read; a context found
     * down is said first.
     */
    const previousRead = (): void => {
      const s = tail?.streams() ?? [];
      if (!opts.previous || over || !current || answered.size !== deps.contexts.length || s.length === 0 || !s.every((x) => x.state === 'done' || x.state === 'failed')) return;
      if (podCoverage(store, current).some((c) => c.state === 'syncing' && !down.has(c.context))) return;
      // kubectl logs -p exits 1 when a previous instance cannot be read
      if (s.some((x) => x.state === 'failed')) return fail(1);
      // the lines are not the selection's: what was not read is said, and it is not "done"
      const gaps = notRead();
      if (gaps.length === 0) return end();
      stderr.write(termText(`fleetdeck logs: not read: ${gaps.join(', ')}\n`));
      fail(1);
    };
    /** what is tailed now (the last target followed) */
    let current: LogTarget | undefined;
    /** Tails `t`: the tail starts with the first target, later ones retarget it (contexts that answered since). */
    const follow = (t: LogTarget): void => {
      current = t;
      if (tail) return tail.retarget(t, container);
      const lt = new LogTail(store, deps.openLog ?? fleetLogOpener(store), t, {
        container,
        initContainers: opts.initContainers,
        previous: opts.previous,
        sinceSeconds: since,
        // -1: every line, as kubectl and stern read it (the API's default without tailLines)
        tailLines: opts.tail === -1 ? undefined : opts.tail,
        maxStreams,
      });
      tail = lt;
      // stern stops when one more container would exceed the cap, rather than leave it out quietly
      lt.onStatus(() => {
        if (code !== 0 || lt.capped().length === 0) return;
        stderr.write(termText(`fleetdeck logs: reached the maximum number of log streams (${maxStreams}), use --max-streams to increase the limit\n`));
        fail(1);
      });
      lt.onStatus(previousRead);
      lt.onLine((e) => {
        if (pipeClosed || !passes(filter, e)) return;
        if (pending.push(e) === 1) setImmediate(flush);
      });
      // each failure once, as it happens (and again only if its reason changes)
      const told = new Map<string, string>();
      lt.onStatus(() => {
        for (const s of lt.streams()) {
          if (s.state !== 'failed') continue;
          const key = `${s.context}/${s.pod}/${s.container}`;
          const reason = s.reason ?? 'failed';
          if (told.get(key) === reason) continue;
          told.set(key, reason);
          // names and API reasons are cluster text
          stderr.write(termText(`fleetdeck logs: ${key}: ${reason}\n`));
        }
      });
      // -c matching no container: a named pod is kubectl's error; pods of a workload or query
      // are said once, and the tail waits for pods that have one (as stern waits)
      let toldUnmatched = '';
      lt.onStatus(() => {
        const none = lt.unmatched();
        if (none.length === 0 || lt.streams().length > 0) return;
        if (targetLeaves(t).every((l) => l.kind === 'pod')) {
          stderr.write(termText(`error: container ${opts.container} is not valid for pod ${none[0].pod}\n`));
          return fail(1);
        }
        const said = none.map((u) => `${u.context}/${u.pod} (${u.containers.join(', ')})`).join(', ');
        if (said === toldUnmatched) return;
        toldUnmatched = said;
        stderr.write(termText(`fleetdeck logs: no container matches -c ${opts.container} in ${said}; waiting for pods that have one\n`));
      });
      lt.start();
    };

    // Each context answers on its own: discovered (KIND/NAME needs its kinds), else asked
    // /version — a context that cannot be reached is said as kubectl would ("Unable to connect
    // to the server: …") and left out. One that hangs holds up only itself: the others are
    // tailed as soon as they have answered, and it joins later if it answers.
    const multi = deps.contexts.length > 1;
    const down = new Set<string>();
    /** KIND/NAME: contexts whose object could not be read (refused, failed: not a NotFound) */
    const unreadObject = new Set<string>();
    /** KIND/NAME: per answered context that serves KIND, the target as read there (undefined: not found) */
    const found = new Map<string, LogTarget | undefined>();
    /** `ns/pod-regex`: per answered context that does not serve the first word as a kind, whether it has the namespace */
    const namespaces = new Map<string, 'found' | 'missing' | 'unknown'>();
    /** a query with a namespace (`ctx/ns/regex`, `-n`, `-l`): per answered context, the namespace it reads there, when missing */
    const missingNs = new Map<string, string>();
    /** Says a namespace no answering context has, one line per namespace (a typo: nothing to wait for), or the kind `A/B` named. */
    const sayMissing = (byContext: ReadonlyMap<string, string>): void => {
      const said = missingNamespaceLines(target, byContext, deps.contexts, true);
      for (const l of said.lines) stderr.write(`${termLine(said.kind === 'namespace' ? `fleetdeck logs: ${l}` : l)}\n`);
    };

    // A bare regex or `ctx-glob/ns/pod-regex` names pods only and needs no answer to start: its
    // pods are listed and its streams opened while /version is asked, as stern does (one round
    // trip less before the first line), and a context found down leaves the tail then. A bad one
    // is said once every context has answered, as for every other target. `A/B` (KIND/NAME or
    // `ns/pod-regex`) is read in each context as it answers.
    const parts = target.split('/');
    let early: LogTarget | undefined;
    if (parts.length !== 2) {
      try {
        early = resolveTarget(store, target, deps.contexts, opts.namespace, { known: deps.known, selector, fluxNamespace });
      } catch {
        // said once every context has answered
      }
      if (early) follow(early);
    }

    /** `A/B` in one reachable context: kubectl reads the object first and says at once when it is not there. */
    const read = async (context: string): Promise<void> => {
      const r = resolveOver([context]);
      if (typeof r === 'number') return fail(r);
      if (r.kind !== 'query') {
        const check = await checkTarget(store, r, { multiContext: multi, signal });
        if (over) return;
        for (const p of check.problems) stderr.write(`${termText(p)}\n`); // the API's messages are cluster text (a credential error keeps its lines)
        if (check.unread > 0) unreadObject.add(context);
        found.set(context, check.target);
      } else namespaces.set(context, r.namespace === undefined ? 'found' : await namespaceIn(store, context, r.namespace, signal));
    };

    /** What the answers so far say: start, retarget or end. */
    const decide = (changedDown: boolean): void => {
      const all = answered.size === deps.contexts.length;
      const up = deps.contexts.filter((c) => answered.has(c) && !down.has(c));
      if (early) {
        if (changedDown) {
          const rest = deps.contexts.filter((c) => !down.has(c));
          const r = rest.length === 0 ? NO_CONTEXT : resolveOver(rest);
          if (typeof r === 'number') return fail(r);
          follow(r);
        }
        // a namespace that no reachable context has is a typo: waiting would never show a line
        if (all && up.length > 0 && up.every((c) => missingNs.has(c))) {
          sayMissing(missingNs);
          fail(1);
        }
        return;
      }
      if (parts.length !== 2) {
        if (!all) return;
        const r = up.length === 0 ? NO_CONTEXT : resolveOver(up);
        return typeof r === 'number' ? fail(r) : follow(r);
      }
      // --previous reads each container once and ends when every stream is read: it starts with
      // every context's answer, or the first context's streams could end it alone
      if (opts.previous && !all) return;
      let t: LogTarget | undefined;
      if (found.size > 0) {
        const got = deps.contexts.map((c) => found.get(c)).filter((x): x is LogTarget => x !== undefined);
        t = got.length === 0 ? undefined : got.length === 1 ? got[0] : { kind: 'many', targets: got };
      } else if ([...namespaces.values()].some((a) => a !== 'missing')) {
        const r = resolveOver(up);
        if (typeof r === 'number') return fail(r);
        t = r;
      }
      if (t) return follow(t);
      if (!all) return;
      // every context has answered and none has the target; a namespace no reachable context
      // has is a typo kubectl refuses
      // (`nope/.*` reads as a namespace, `deploymnt/web` as a kind: readsAsQuery, in missingNamespaceLines)
      if (found.size === 0 && up.length > 0) sayMissing(new Map(up.map((c) => [c, parts[0]])));
      fail(up.length === 0 ? NO_CONTEXT : 1);
    };

    // Pods the user may not list are not "no pods": each context's refusal (or failed list) is
    // said once, as kubectl says it, and when no context can list any pod of the target there
    // is nothing to wait for (kubectl logs -l …: Forbidden, exit 1). A context that is down was
    // said already (unreachableLine); one not answered yet is not judged.
    const toldGap = new Map<string, string>();
    const judgeCoverage = (): void => {
      if (!current || over) return;
      const cov = podCoverage(store, current).filter((c) => answered.has(c.context) && !down.has(c.context));
      for (const c of cov) {
        const line = podGapLine(c);
        const key = `${c.context}\u0000${c.namespace ?? ''}`;
        if (line === undefined || toldGap.get(key) === line) continue;
        toldGap.set(key, line);
        // kubectl's own line is prefixed `context: ` as every kubectl error here; ours names the context always
        const text = !whollyForbidden(c) ? `fleetdeck logs: ${c.context}: ${line}` : multi ? `${c.context}: ${line}` : line;
        stderr.write(`${termText(text)}\n`);
      }
      if (answered.size === deps.contexts.length && cov.length > 0 && cov.every(whollyForbidden)) fail(1);
      judgeNone();
      previousRead();
    };
    /** What of the selection the target's read has not covered: contexts down, objects or pods refused, lists failed. */
    const notRead = (): string[] => {
      const cov = current ? podCoverage(store, current).filter((c) => !down.has(c.context)) : [];
      return [
        ...deps.contexts.filter((c) => down.has(c)).map((c) => `${c} (unreachable)`),
        ...deps.contexts.filter((c) => unreadObject.has(c)).map((c) => `${target} in ${c} (could not be read)`),
        ...cov.map(notReadText).filter((t): t is string => t !== undefined),
      ];
    };
    // Every scope's pods listed (whole, or all the user may see) and none matches: said, not a
    // silent wait. kubectl logs -l says `No resources found in NS namespace.` and exits 0, which
    // --previous (a read that ends) does here over the whole selection; a follow says so once and
    // waits for a pod to come, as stern waits. Where part of the selection was not read (a
    // context down, pods refused) that verdict would be false: the line says what was read and
    // what was not, and --previous exits 1.
    let toldNone = false;
    const judgeNone = (): void => {
      if (toldNone || !current || over || answered.size !== deps.contexts.length) return;
      const cov = podCoverage(store, current).filter((c) => !down.has(c.context));
      // a Flux object read whose inventory names no pod or workload (a ConfigMap, a Namespace):
      // no pod is to come from it until a reconcile adds one; it waited in silence
      if (cov.length === 0 && emptyInventories(store, current).length > 0) {
        toldNone = true;
        if (opts.previous) {
          stderr.write(termText(`No resources found (${target}: its inventory holds no workload).\n`));
          return end();
        }
        stderr.write(termText(`fleetdeck logs: no pod matches yet (${target}: its inventory holds no workload); waiting for one\n`));
        return;
      }
      const read = cov.filter((c) => c.state === 'synced' || (c.state === 'forbidden' && !whollyForbidden(c)));
      if (read.length === 0 || cov.some((c) => c.state === 'syncing') || podsFor(store, current).length > 0) return;
      toldNone = true;
      const where = [...new Set(read.map((c) => (c.namespace === undefined ? '' : ` in ${c.namespace} namespace`)))].join(',');
      const contexts = [...new Set(read.map((c) => c.context))].join(', ');
      const gaps = notRead();
      if (gaps.length > 0) {
        stderr.write(termText(`fleetdeck logs: no pod matches${opts.previous ? '' : ' yet'} in what was read (${contexts}${where}); not read: ${gaps.join(', ')}${opts.previous ? '' : '; waiting for one'}\n`));
        if (opts.previous) fail(1);
        return;
      }
      if (opts.previous) {
        stderr.write(termText(`${multi ? `${contexts}: ` : ''}No resources found${where}.\n`));
        return end();
      }
      stderr.write(termText(`fleetdeck logs: no pod matches yet (${contexts}${where}); waiting for one\n`));
    };
    const offChange = store.onChange(judgeCoverage);

    /** an error no answer should throw: the caller's, once the tail has stopped */
    let thrown: { error: unknown } | undefined;
    for (const context of deps.contexts) {
      void (async () => {
        await store.settled(context);
        if (over) return;
        const line = await unreachableLine(store, context, signal);
        if (over) return;
        if (line !== undefined) {
          down.add(context);
          stderr.write(`${termText(multi ? `${context}: ${line}` : line)}\n`);
        } else if (!early) await read(context);
        else {
          const ns = await missingQueryNamespace(store, early, context, signal);
          if (ns !== undefined) missingNs.set(context, ns);
        }
        if (over) return;
        answered.add(context);
        decide(line !== undefined);
        judgeCoverage();
        previousRead();
      })().catch((error: unknown) => {
        thrown ??= { error };
        end();
      });
    }
    // no context selected: none will answer
    if (deps.contexts.length === 0) decide(false);
    await ended;
    offChange();
    await tail?.stop();
    flush();
    if (thrown) throw thrown.error;
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
export async function runLogs(target: string | undefined, opts: LogsCommandOptions & SelectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // V8's optimizing compiler (TurboFan) stays off for the tail: its first compile pages in ~5 MB
  // of compiler and zone memory and costs CPU on its threads, where a tail's per-line work runs
  // well enough on the baseline code (50 pods: peak RSS 62.7 -> 57.6 MB; 100 pods x 100 lines/s:
  // the same lines/s for ~10% more CPU; issue 22)
  setFlagsFromString('--max-opt=1');
  const config = loadAppConfig(appConfigPath(env));
  const sel = selectFleet(opts, config.fleets, env);
  // with -l a target is always a pod query: no kind to discover
  const store = openLean(sel, env, { discover: target !== undefined && namesKind(target) && opts.selector === undefined });
  try {
    return await runLogsCommand(target ?? '', opts, { store, contexts: sel.contexts, known: [...sel.merged.contexts.keys()], stdout: process.stdout, stderr: process.stderr, fluxNamespace: fluxDefaultNamespace(env) });
  } finally {
    await store.close();
  }
}
