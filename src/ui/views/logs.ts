// The merged log view: a LogTail feeding a bounded LogBuffer; only the visible lines are
// laid out, and new lines schedule at most one frame per ~100 ms. The `/` filter takes the
// CLI's flags (`error -e healthz -H timeout -c app`); the log actions (pause, timestamps,
// wrap, JSON levels, save, clear) are handled once the shell binds their ids.
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Role } from '../../config/theme.js';
import { LogBuffer } from '../../logs/buffer.js';
import { missingNamespaceLines, missingQueryNamespace, namesKind, resolveTarget } from '../../logs/targets.js';
import { parseLabelSelectorPrefix, type LabelSelector } from '../../model/selector.js';
import { formatFilterText, highlightRanges, parseFilterText, parseJsonLine, podColour, type Level } from '../../logs/filter.js';
import { fleetLogOpener } from '../../logs/open.js';
import { LogTail, type TailOptions } from '../../logs/tail.js';
import { checkTarget } from '../../logs/verify.js';
import { emptyInventories, podCoverage, podGapLine } from '../../logs/coverage.js';
import { targetLeaves, type LogEntry, type LogTarget, type OpenLog } from '../../logs/types.js';
import { fluxDefaultNamespace } from '../../model/flux.js';
import { entryOf } from '../../model/kinds.js';
import type { KubeObject, ResourceType } from '../../model/types.js';
import { resourceKey } from '../../model/types.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { cutToWidth, displayWidth, termLine } from '../../model/sanitize.js';
import { escapeTags, openTag } from '../style.js';
import { InputView } from './confirm.js';
import { connectingContexts, type AppContext, type View, type ViewFactory, type ViewScope } from '../view.js';
import type { ChangeBatch } from '../../fleet/types.js';

/** The log view's own commands (declared in the command table, src/commands/table.ts). */
export const LOG_ACTIONS = ['logs.pause', 'logs.timestamps', 'logs.wrap', 'logs.json', 'logs.save', 'logs.clear', 'logs.previous', 'logs.copy'] as const satisfies readonly CommandId[];

export type LogActionId = (typeof LOG_ACTIONS)[number];

const PALETTE: Role[] = ['log.prefix.0', 'log.prefix.1', 'log.prefix.2', 'log.prefix.3', 'log.prefix.4', 'log.prefix.5', 'log.prefix.6', 'log.prefix.7'];
const LEVEL_ROLES: Record<Level, Role> = { error: 'status.error', warn: 'status.warn', info: 'body', debug: 'status.muted' };
const FRAME_MS = 100;

export interface LogsViewOptions extends TailOptions {
  /** ring capacity (default 10k lines) */
  ringSize?: number;
  /** crumb: `deploy/web`, `3 marked` */
  label?: string;
  openLog?: OpenLog;
  /** where `save` writes (default: the working directory) */
  saveDir?: string;
  /** the target as typed (`:logs nope/.*`): how a namespace no context has is read (missingNamespaceLines) */
  typed?: string;
  /**
   * A KIND/NAME typed while some selected context's discovery runs: the target, read once none
   * is left connecting (a kind not served yet would be read as a namespace, or left out).
   */
  resolve?: () => LogTarget;
}

/** No pod yet: a target that waits for discovery. */
const NO_TARGET: LogTarget = { kind: 'many', targets: [] };

/** The log target of one table row: a pod, a workload's selector, a Flux object's inventory. */
export function logTargetFor(context: string, type: ResourceType, obj: KubeObject): LogTarget | undefined {
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name;
  // how the kind's pods are found is the kind registry's `pods` (src/model/kinds.ts)
  switch (entryOf(type).pods) {
    case 'self':
      return { kind: 'pod', context, namespace, name };
    case 'inventory':
      return { kind: 'flux', context, resource: resourceKey(type), namespace, name };
    case 'selector':
      return { kind: 'workload', context, resource: resourceKey(type), namespace, name };
    default:
      return undefined;
  }
}

interface Segment {
  text: string;
  open: string;
}

/** Cuts (or wraps) coloured segments into rows of at most `width` columns. */
/** Failed streams named one by one above the lines, at most this many (then a count). */
const FAILED_SHOWN = 3;

function layout(segments: Segment[], width: number, wrap: boolean): string[] {
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const s of segments) {
    // cluster text: sanitized before it is measured (a control is shown as `\e`, `\r`; never a new row)
    let text = termLine(s.text);
    while (text.length > 0) {
      let take = cutToWidth(text, width - used);
      if (take === '') {
        // a wide character that does not fit the row's last column starts the next row
        if (used > 0 && wrap) {
          rows.push(row);
          row = '';
          used = 0;
          continue;
        }
        if (used > 0) return [row];
        take = String.fromCodePoint(text.codePointAt(0) ?? 32);
      }
      row += s.open ? `${s.open}${escapeTags(take)}{/}` : escapeTags(take);
      used += displayWidth(take);
      text = text.slice(take.length);
      if (text.length > 0 && used >= width) {
        if (!wrap) return [row];
        rows.push(row);
        row = '';
        used = 0;
      }
    }
  }
  rows.push(row);
  return rows;
}

/**
 * One log entry's rows: its prefix (context/pod/container) on every row — a continuation row of
 * a wrapped line keeps it, so every row says which container wrote it — and the text after it,
 * cut or wrapped in the room left. A prefix wider than two thirds of the row is cut (with …) to
 * that, so that a long pod name never hides the line (a usual one stays whole at 80 columns).
 */
function entryRows(prefix: Segment, body: Segment[], width: number, wrap: boolean): string[] {
  const full = termLine(prefix.text);
  const room = Math.max(2, Math.floor((width * 2) / 3));
  const head = displayWidth(full) < room ? full : `${cutToWidth(full, room - 2)}…`;
  const shown = prefix.open ? `${prefix.open}${escapeTags(head)}{/} ` : `${escapeTags(head)} `;
  return layout(body, Math.max(1, width - displayWidth(head) - 1), wrap).map((row) => shown + row);
}

export class LogsView implements View {
  readonly buffer: LogBuffer;
  readonly tail: LogTail;
  private timestamps = false;
  private wrap = false;
  private json = false;
  /** index of the first shown line while scrolled; undefined: following the newest */
  private anchor: number | undefined;
  private height = 1;
  private frame: NodeJS.Timeout | undefined;
  private filterText = '';
  private filterError: string | undefined;

  constructor(
    private readonly app: AppContext,
    private target: LogTarget,
    private readonly opts: LogsViewOptions = {},
  ) {
    this.buffer = new LogBuffer(opts.ringSize ?? 10_000);
    // init containers are shown by default, as stern does (--init-containers=true)
    this.tail = new LogTail(app.store, opts.openLog ?? fleetLogOpener(app.store), target, { initContainers: true, ...opts });
    this.tail.onLine((e) => {
      this.buffer.push(e);
      this.schedule();
    });
    this.tail.onStatus(() => this.schedule());
    this.tail.start();
    this.pending = opts.resolve;
    if (this.pending) this.settle();
    else this.verify();
  }

  /** a KIND/NAME waiting for the selected contexts' discovery (LogsViewOptions.resolve) */
  private pending: (() => LogTarget) | undefined;

  /** Reads the pending target once no selected context is connecting, and starts on it. */
  private settle(): void {
    if (!this.pending || connectingContexts(this.app).length) return;
    const resolve = this.pending;
    this.pending = undefined;
    try {
      this.target = resolve();
    } catch (e) {
      this.problems = [(e as Error).message];
      this.notFound = true;
      this.app.message(this.problems[0], 'error');
      return;
    }
    this.tail.retarget(this.target, this.opts.container);
    this.verify();
  }

  onChange(batch: ChangeBatch): void {
    // discovery landing (or failing) arrives as a context change
    if (this.pending && batch.contexts.size) {
      this.settle();
      this.app.render();
    }
  }

  /** what the target check found missing (kubectl's words), shown above the lines */
  private problems: string[] = [];
  /** nothing of the target exists: the view says so instead of counting zero streams */
  private notFound = false;
  private closed = false;
  /** the contexts whose namespace the target's queries read, asked once whether they have it (`fleetdeck logs`' check) */
  private nsAsked: string[] = [];
  /** undefined until they answered; then the words for the contexts without it (none: all have it, or cannot tell) */
  private nsMissing: string[] | undefined;
  /** no context asked has the namespace: nothing to wait for, said instead of `0 pods` */
  private nsGone = false;

  /** Reads the named objects once, as kubectl does, and says at once what is not there. */
  private verify(): void {
    this.verifyNamespaces();
    const multiContext = this.app.contexts().length > 1;
    checkTarget(this.app.store, this.target, { multiContext }).then(
      (check) => {
        if (this.closed) return;
        this.problems = check.problems;
        if (!check.target) {
          this.notFound = true;
          if (check.problems[0]) this.app.message(check.problems[0], 'error');
        } else if (check.problems.length > 0) this.tail.retarget(check.target, this.opts.container);
        this.app.render();
      },
      () => undefined,
    );
  }

  /**
   * A query's namespace (`:logs nope/.*`, `:logs -l app=web` in a namespace scope) is asked of
   * each context it reads, as `fleetdeck logs` asks it (missingQueryNamespace) and said in its
   * words (missingNamespaceLines): a namespace no context has is a typo, never `0 pods`.
   */
  private verifyNamespaces(): void {
    this.nsAsked = [...new Set(targetLeaves(this.target).flatMap((l) => (l.kind === 'query' && l.namespace !== undefined ? l.contexts : [])))];
    if (!this.nsAsked.length) return;
    Promise.all(this.nsAsked.map(async (c) => [c, await missingQueryNamespace(this.app.store, this.target, c)] as const)).then(
      (answers) => {
        if (this.closed) return;
        const missing = new Map(answers.filter((a): a is readonly [string, string] => a[1] !== undefined));
        const everywhere = missing.size === this.nsAsked.length;
        const said = missing.size ? missingNamespaceLines(this.opts.typed ?? describeTarget(this.target), missing, this.app.contexts(), everywhere).lines : [];
        this.nsMissing = said;
        this.nsGone = everywhere && targetLeaves(this.target).every((l) => l.kind === 'query');
        if (this.nsGone && said[0]) this.app.message(said[0], 'error');
        this.app.render();
      },
      () => undefined,
    );
  }

  get actions(): readonly CommandId[] {
    return [...LOG_ACTIONS, 'back', ...NAV_ACTIONS];
  }

  title(): string {
    return `logs ${this.opts.label ?? describeTarget(this.target)}${this.opts.previous ? ' (previous)' : ''}`;
  }

  /**
   * What the tail reads, not the app's scope: a pod's or a workload's context and namespace, a
   * query's namespace (every one without), none for a Flux object's (its inventory's pods may
   * be anywhere) or for marked rows of several namespaces. The header said ns:all over one pod.
   */
  scope(): ViewScope {
    // waiting for discovery: nothing read yet, the app's own scope is what it will read
    if (this.pending) return {};
    const leaves = targetLeaves(this.target);
    const contexts = [...new Set(leaves.flatMap((t) => (t.kind === 'query' ? t.contexts : [t.context])))];
    const namespaces = new Set(leaves.map((t) => (t.kind === 'flux' ? '' : t.namespace)));
    if (namespaces.size === 1 && namespaces.has(undefined)) return { contexts, allNamespaces: true };
    const [only] = namespaces;
    return { contexts, namespace: namespaces.size === 1 && only !== undefined ? only : '' };
  }

  /** One frame per FRAME_MS at most, however fast lines arrive. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = setTimeout(() => {
      this.frame = undefined;
      this.app.render();
    }, FRAME_MS);
    this.frame.unref?.();
  }

  readonly filter = {
    get: (): string => this.filterText,
    set: (text: string): void => {
      this.filterText = text;
      try {
        this.buffer.setFilter(parseFilterText(text));
        this.filterError = undefined;
        this.anchor = undefined;
      } catch (e) {
        // keep the last valid filter while the user is still typing
        this.filterError = (e as Error).message;
      }
      this.app.render();
    },
  };

  /** Handles the log actions by id (the shell passes them through handle once registered). */
  handleLog(id: LogActionId): boolean {
    switch (id) {
      case 'logs.pause':
        this.buffer.setPaused(!this.buffer.paused);
        if (!this.buffer.paused) this.anchor = undefined;
        break;
      case 'logs.timestamps':
        this.timestamps = !this.timestamps;
        break;
      case 'logs.wrap':
        this.wrap = !this.wrap;
        break;
      case 'logs.json':
        this.json = !this.json;
        break;
      case 'logs.clear':
        this.buffer.clear();
        this.anchor = undefined;
        break;
      case 'logs.save':
        this.askSave();
        break;
      case 'logs.previous':
        // the previous (crashed) instances: a one-shot read, as kubectl logs -p
        this.app.push(new LogsView(this.app, this.target, { ...this.opts, previous: !this.opts.previous }));
        break;
      case 'logs.copy': {
        const lines = this.buffer.slice(0, this.buffer.length).filter((e) => !e.notice).map((e) => `${e.context}/${e.pod}/${e.container} ${e.text}`);
        if (this.app.triage) this.app.triage.copy(`${lines.length} log lines (as filtered)`, lines.join('\n') + '\n');
        break;
      }
    }
    return true;
  }

  /** The file save offers: under the XDG state directory, named by target and time. */
  defaultSavePath(): string {
    const stamp = new Date(this.app.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const label = (this.opts.label ?? describeTarget(this.target)).replace(/[^A-Za-z0-9_.-]+/g, '_');
    const dir = this.opts.saveDir ?? join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'fleetdeck', 'logs');
    return join(dir, `${label}-${stamp}.log`);
  }

  /** Asks where to write (the default offered), then writes the lines shown when asked (the filter applies) and says where. */
  private askSave(): void {
    const suggested = this.defaultSavePath();
    // the lines as the prompt counts them: more arriving while a path is typed are not added
    const lines = this.buffer.slice(0, this.buffer.length);
    const input: InputView = new InputView(this.app, `save ${lines.length} lines to (enter for ${suggested}):`, /^.*$/, (answer) => {
      this.app.pop();
      if (answer === undefined) return this.app.message('save cancelled');
      const file = resolve(answer.trim() === '' ? suggested : answer.trim().replace(/^~(?=\/)/, homedir()));
      mkdir(dirname(file), { recursive: true, mode: 0o700 })
        .then(() => this.buffer.save(file, lines))
        .then(
          (n) => this.app.message(`saved ${n} lines to ${file}`),
          (e: unknown) => this.app.message(`could not save the logs to ${file}: ${(e as Error).message}`, 'error'),
        );
    });
    this.app.push(input);
  }

  handle(action: CommandId): boolean {
    if ((LOG_ACTIONS as readonly CommandId[]).includes(action)) return this.handleLog(action as LogActionId);
    const d = navDelta(action, Math.max(1, this.height - 1));
    if (d === undefined) return false;
    const total = this.buffer.length;
    const lastTop = Math.max(0, total - this.height);
    const next = Math.min(lastTop, Math.max(0, (this.anchor ?? lastTop) + d));
    // scrolling to the end follows again; anywhere else holds the position
    this.anchor = next >= lastTop && !this.buffer.paused ? undefined : next;
    return true;
  }

  /** An entry's rows at `width`: a notice as one muted text; a line as its prefix and text (entryRows). */
  private rows(e: LogEntry, width: number): string[] {
    const tag = (r: Role): string => openTag(this.app.theme.styles[r]);
    if (e.notice) return layout([{ text: `${e.context}/${e.pod} ${e.text}`, open: tag('status.muted') }], width, this.wrap);
    return entryRows({ text: `${e.context}/${e.pod}/${e.container}`, open: tag(PALETTE[podColour(e, PALETTE.length)]) }, this.segments(e), width, this.wrap);
  }

  /** A line's text after its prefix: the timestamp when shown, the text (JSON levels, highlights). */
  private segments(e: LogEntry): Segment[] {
    const t = this.app.theme;
    const tag = (r: Role): string => openTag(t.styles[r]);
    const out: Segment[] = [];
    if (this.timestamps && e.ts) out.push({ text: `${e.ts} `, open: tag('status.muted') });
    let text = e.text;
    let open = '';
    if (this.json) {
      const j = parseJsonLine(text);
      if (j) {
        const rest = Object.entries(j.fields)
          .filter(([k]) => !['level', 'lvl', 'severity', 'msg', 'message', 'ts', 'time', 'timestamp'].includes(k))
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
        text = [j.level?.toUpperCase().padEnd(5) ?? '', j.msg ?? '', ...rest].filter(Boolean).join(' ');
        if (j.level) open = tag(LEVEL_ROLES[j.level]);
      }
    }
    const ranges = highlightRanges(this.buffer.highlight, text);
    let at = 0;
    for (const [a, b] of ranges) {
      if (a > at) out.push({ text: text.slice(at, a), open });
      out.push({ text: text.slice(a, b), open: `${open}{inverse}` });
      at = b;
    }
    if (at < text.length) out.push({ text: text.slice(at), open });
    return out;
  }

  private capNotice(): string | undefined {
    const capped = this.tail.capped();
    if (capped.length === 0) return undefined;
    return `${capped.length} container${capped.length === 1 ? '' : 's'} not streamed (cap ${this.opts.maxStreams ?? 50}): ${capped.join(', ')}`;
  }

  /**
   * Streams that ended on an error the tail does not retry (401/403, and with `previous` a
   * container with no earlier instance, a 400): each says why, as `kubectl logs` would, where
   * the status only counted them (`0/4 streams`). The first three, then how many more.
   */
  private failedNotices(): string[] {
    const failed = this.tail.streams().filter((s) => s.state === 'failed');
    const shown = failed.slice(0, FAILED_SHOWN).map((s) => `${s.context}/${s.pod}/${s.container}: ${s.reason ?? 'failed'}`);
    const more = failed.length - FAILED_SHOWN;
    return more > 0 ? [...shown, `${more} more stream${more === 1 ? '' : 's'} failed`] : shown;
  }

  /** Pod lists the user may not read, or that failed: each context says why (kubectl's words), where the status would count 0 pods. */
  private coverageNotices(): string[] {
    const gaps = podCoverage(this.app.store, this.target).flatMap((c) => {
      const line = podGapLine(c);
      return line === undefined ? [] : [`${c.context}: ${line}`];
    });
    // a Flux object with no workload in its inventory: no pod will come, said rather than a bare 0 pods (the CLI's words)
    const empty = emptyInventories(this.app.store, this.target).map((l) => `${l.context}: ${l.resource.split('.')[0]}/${l.name}: its inventory holds no workload`);
    return [...gaps, ...empty];
  }

  render(width: number, height: number): string[] {
    const rows: string[] = [];
    const waiting = this.pending ? [`"${this.opts.typed ?? this.opts.label ?? ''}": waiting for discovery of ${connectingContexts(this.app).join(', ')}`] : [];
    const notices = [...waiting, ...this.problems, ...(this.nsMissing ?? []), ...this.coverageNotices(), ...this.failedNotices(), this.capNotice(), this.filterError].filter((x): x is string => !!x);
    // `w` wraps them as it wraps log lines: a notice's end (the namespace, the user refused) is often what it says
    for (const n of notices) rows.push(...layout([{ text: `⚠ ${n}`, open: openTag(this.app.theme.styles['status.warn']) }], width, this.wrap));
    const room = Math.max(1, height - rows.length);
    this.height = room;
    const total = this.buffer.length;
    if (this.anchor !== undefined) {
      this.anchor = Math.min(this.anchor, Math.max(0, total - room));
      for (const e of this.buffer.slice(this.anchor, this.anchor + room)) {
        rows.push(...this.rows(e, width));
        if (rows.length >= height) break;
      }
      return rows.slice(0, height);
    }
    // following: the newest lines, laid out from the bottom up
    const body: string[] = [];
    for (let i = total - 1; i >= 0 && body.length < room; i--) {
      const [e] = this.buffer.slice(i, i + 1);
      body.unshift(...this.rows(e, width));
    }
    return [...rows, ...body.slice(Math.max(0, body.length - room))];
  }

  status(): string {
    const b = this.buffer;
    if (this.pending) return '[waiting for discovery]';
    if (this.notFound) return `[not found: ${this.problems.length} target${this.problems.length === 1 ? '' : 's'} missing]`;
    if (this.nsGone) return `[${(this.nsMissing ?? []).join(' · ')}]`;
    const streams = this.tail.streams();
    const live = streams.filter((s) => s.state === 'streaming').length;
    const waiting = streams.filter((s) => s.state === 'waiting').length;
    const parts = [`${b.length}/${b.size}`, this.podsPart(), `${live}/${streams.length} streams`];
    if (waiting) parts.push(`${waiting} waiting`);
    const failed = streams.filter((s) => s.state === 'failed').length;
    if (failed) parts.push(`${failed} failed`);
    if (this.tail.capped().length) parts.push(`${this.tail.capped().length} capped`);
    if (b.paused) parts.push(`paused +${b.waiting}`);
    const flags = [this.timestamps && 'ts', this.wrap && 'wrap', this.json && 'json'].filter(Boolean);
    if (flags.length) parts.push(flags.join(','));
    return `[${parts.join(' | ')}]`;
  }

  /** `N pods`, and while a pod list is not whole, why: `0 pods (forbidden: staging)`, `3+ pods (syncing: dev)`; `0 pods (namespace: checking)` until the namespace check answers. */
  private podsPart(): string {
    const n = this.tail.podCount();
    const gaps = new Map<string, Set<string>>();
    if (n === 0 && this.nsAsked.length && this.nsMissing === undefined) gaps.set('namespace', new Set(['checking']));
    for (const c of podCoverage(this.app.store, this.target)) {
      if (c.state === 'synced') continue;
      const set = gaps.get(c.state) ?? new Set<string>();
      gaps.set(c.state, set.add(c.context));
    }
    if (gaps.size === 0) return `${n} pods`;
    const why = [...gaps].map(([state, ctxs]) => `${state}: ${[...ctxs].join(', ')}`).join('; ');
    return `${n}${n > 0 ? '+' : ''} pods (${why})`;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.frame);
    this.frame = undefined;
    void this.tail.stop();
  }

  /** the filter as text (for tests and the prompt) */
  filterSpecText(): string {
    return formatFilterText(this.buffer.filter);
  }
}

function describeTarget(t: LogTarget): string {
  switch (t.kind) {
    case 'pod':
      return `pod/${t.name}`;
    case 'workload':
    case 'flux':
      return `${t.resource.split('.')[0]}/${t.name}`;
    case 'query':
      return `${t.namespace ?? '*'}/${t.pod.source}`;
    case 'many':
      return t.targets.length === 1 ? describeTarget(t.targets[0]) : `${t.targets.length} targets`;
  }
}

/** `:logs [ctx-glob/]ns/pod-regex`, `:logs KIND/NAME` or `:logs -l SELECTOR [query]`, over the selected contexts. */
export const logsViewFactory: ViewFactory = {
  names: ['logs', 'log'],
  lineScope: 'contexts',
  help: 'merged logs: logs [ctx-glob/]ns/pod-regex, logs KIND/NAME, or logs -l SELECTOR [query]',
  create(app, args) {
    const text = args.join(' ').trim();
    if (!text) return 'logs: give a target: [ctx-glob/]ns/pod-regex, KIND/NAME or -l SELECTOR';
    try {
      // -l as the shell's: its selector ends where its grammar does (as the / filter's -l); the
      // pods of the view's namespace scope, all namespaces when it has none
      let selector: LabelSelector | undefined;
      let target = text;
      if (/^-l(\s|$)/.test(text)) {
        const read = parseLabelSelectorPrefix(text, 2);
        selector = read.selector;
        target = text.slice(read.end).trim() || (app.namespace() ? '' : '.');
      }
      const resolve = (): LogTarget => resolveTarget(app.store, target, app.contexts(), app.namespace(), { selector, fluxNamespace: app.fluxNamespace ?? fluxDefaultNamespace({}) });
      // KIND/NAME needs the served kinds: while a context's discovery runs (a start command) it waits for them
      if (namesKind(target) && !selector && connectingContexts(app).length) return new LogsView(app, NO_TARGET, { label: text, typed: target, resolve });
      return new LogsView(app, resolve(), { label: text, typed: target });
    } catch (e) {
      return `logs: ${(e as Error).message}`;
    }
  },
};
