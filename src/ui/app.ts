// The shell: header (contexts with badges, scope, filter, READONLY), the current view's
// visible content, footer (key hints, crumbs, messages, the prompt). All keys go through
// one keypress handler with an explicit prompt mode, so keys arriving in the same chunk as
// the key that opened a prompt land in the prompt (blessed's readInput would send them to
// the global bindings; a pasted `/q` could quit).
import blessed from 'blessed';
import { createMetricsPoller } from '../fleet/metrics.js';
import { createTriage, ForwardsView, type Triage } from './triage.js';
import { formatKeySeq, KeyResolver, normalizeKey, type Keymap } from '../config/keymap.js';
import type { Theme } from '../config/theme.js';
import { createAuditLog, type AuditLog } from '../actions/audit.js';
import { actionable, createExecutor, type Executor } from '../actions/executor.js';
import { outcomeLine } from '../actions/render.js';
import type { ActionOptions, Lookup, Outcome, Plan, Target } from '../actions/types.js';
import type { ChangeBatch, FleetStore } from '../fleet/types.js';
import type { KubeObject } from '../model/types.js';
import { command, NAV_ACTIONS, OBJECT_COMMANDS, verbCommand, type CommandId } from '../commands/table.js';
import { appliesToAll, refusal, runObjectCommand, runOnView, targetsFor } from './objects.js';
import { fluxManaged } from '../model/patches.js';
import { historyOf } from '../model/kinds.js';
import { groupOfResource } from '../model/types.js';
import { BADGE_ROLE, BADGE_SYMBOL, badgeOf } from './badges.js';
import { completions, parseCommand } from './palette.js';
import { openScreen } from './shell.js';
import { teachBlessedWidths, uncutLines } from './unicode.js';
import { escapeUnsafe } from '../model/sanitize.js';
import { cutTagged, dropLast, escapeTags, fit, paint, typeable } from './style.js';
import { registerView, VIEWS, type AppContext, type View } from './view.js';
import { HelpView } from './views/help.js';
import { ConfirmView, InputView } from './views/confirm.js';
import { FleetView } from './views/fleet.js';
import { FluxView } from './views/flux.js';
import { logsViewFactory } from './views/logs.js';
import { OutcomesView } from './views/outcomes.js';
import { ContextPicker, NamespacePicker } from './views/pickers.js';
import { ProblemsView, StatusWatcher } from './views/problems.js';
import { PulsesView } from './views/pulses.js';
import { TreeView } from './views/tree.js';
import { ChangesView, changesWindow, CompareView, parseAddress, TraceView } from './views/triage.js';
import { ResourceTableView } from './views/resource-table.js';

export { installTerminalGuards } from './shell.js';

export interface AppOptions {
  store: FleetStore;
  contexts: string[];
  namespace?: string;
  readonly: boolean;
  /** contexts needing the typed confirmation (the app config's `protected`); default /prod/ */
  protectedPattern?: RegExp;
  /** default: the user's audit log ($XDG_STATE_HOME/fleetdeck/audit.log) */
  audit?: AuditLog;
  /** how long a reconcile is followed (default 5 minutes) and how often it is polled */
  followTimeoutMs?: number;
  pollIntervalMs?: number;
  keymap: Keymap;
  theme: Theme;
  /** `:pods`, `flux`; default: the fleet view when registered, else pods */
  startCommand?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** terminal type for blessed (tests) */
  terminal?: string;
  now?: () => number;
  /** a screen already open (the launcher's, showing the shell); else one is opened */
  screen?: blessed.Widgets.Screen;
  /** keys typed before the app was ready (the launcher queues them from the first paint): applied in order once the start view is open */
  typeahead?(): [string | undefined, KeyEvent][];
  /** called with the screen once it exists (tests, guards) */
  onScreen?(screen: blessed.Widgets.Screen): void;
}

const FRAME_MS = 100;
/** Clock-driven cells (AGE, SINCE, "Terminating for 38s", stuck/slow) are drawn again this
 * often with no change batch: a frame renders only the visible rows, nothing is re-derived. */
const CLOCK_MS = 1000;

/** blessed's key event, as much as the shell reads. */
export interface KeyEvent {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  full?: string;
}
const HISTORY_WAIT_MS = 5000;
const NAMED_KEYS = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'tab', 'backspace', 'delete', 'insert', 'space', 'enter', 'esc']);
const F_KEY = /^f\d{1,2}$/;

/** blessed's (ch, key) → a keymap key name ('ctrl-f', 'shift-n', 'esc', ':'). */
export function keyName(ch: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean; shift?: boolean } | undefined): string | undefined {
  let name = key?.name;
  if (name === 'escape') name = 'esc';
  // blessed emits a synthetic 'enter' before every 'return' (\r): count it once
  if (name === 'return') return undefined;
  if (name === 'linefeed') name = 'enter';
  if (name && key?.ctrl && /^[a-z0-9\\\]]$/.test(name)) return `ctrl-${name}`;
  if (name && (NAMED_KEYS.has(name) || F_KEY.test(name))) return `${key?.meta ? 'alt-' : ''}${key?.shift && name !== 'space' ? 'shift-' : ''}${name}`;
  if (ch && ch.length === 1 && ch <= '~') {
    const k = normalizeKey(ch);
    return k && key?.meta ? `alt-${k}` : k;
  }
  // a character of another script (日本, é, an emoji): bound to nothing, typed into prompts
  if (typeable(ch) && ch > '~') return ch;
  return undefined;
}

registerView({ names: ['help', '?'], help: 'the key bindings', create: (app) => new HelpView(app) });
registerView({
  names: ['ctx', 'context', 'contexts'], help: 'pick the contexts the views span; ctx NAME|GLOB… selects them at once',
  create: (app, args, scope) => {
    if (args.length) return `ctx: no context named ${args.join(', ')} (the kubeconfig has ${app.store.contexts().map((c) => c.name).join(', ')})`;
    const contexts = scope?.contexts;
    if (!contexts) return new ContextPicker(app);
    app.setContexts(contexts);
    app.message(`contexts: ${contexts.join(', ')}`);
    return undefined;
  },
});
registerView({
  names: ['ns', 'namespace'], help: 'pick a namespace; ns NAME (or all) sets it at once',
  create: (app, args, scope) => {
    if (scope?.allNamespaces) app.setNamespace(undefined);
    else if (args.length) app.setNamespace(args[0]);
    else return new NamespacePicker(app);
    app.message(`namespace: ${app.namespace() ?? 'all'}`);
    return undefined;
  },
});
registerView({ names: ['fleet', 'home'], help: 'a row per context: reachability, nodes, pods, workloads, Flux, problems', create: (app) => new FleetView(app) });
registerView({ names: ['problems', 'pr'], help: 'everything not healthy across the selected contexts, most severe first', create: (app) => new ProblemsView(app) });
registerView({
  names: ['xray'], help: 'ownership trees of every top owner of a kind: xray KIND [ns]',
  // the palette reads the first free word as a namespace: here it is the kind
  create: (app, args) => (args[0] ? TreeView.xray(app, args[0], args[1]) : 'xray: give a kind, e.g. xray deploy'),
});
registerView(logsViewFactory);
registerView({ names: ['flux'], help: 'every Flux object across the selected contexts, failing first', create: (app, args) => new FluxView(app, { namespace: args[0] }) });
registerView({
  names: ['compare', 'cmp'], help: 'one object side by side across the selected contexts: compare KIND/NAME [ns]',
  create: (app, args) => { const a = parseAddress(args); return a ? new CompareView(app, a) : 'compare: give KIND/NAME, e.g. compare deploy/cart-api'; },
});
registerView({
  names: ['trace'], help: 'an object up to the Flux object and source that put it there: trace KIND/NAME [ns]',
  create: (app, args) => { const a = parseAddress(args); return a ? new TraceView(app, a) : 'trace: give KIND/NAME, e.g. trace deploy/payments-api'; },
});
registerView({
  names: ['changes', 'ch'], help: 'what changed across the fleet, newest first: changes [since, e.g. 30m]',
  create: (app, args) => { const w = changesWindow(args[0]); return w === undefined ? `changes: "${args[0]}" is not a duration (30m, 1h, 2h30m)` : new ChangesView(app, w); },
});
registerView({ names: ['outcomes', 'out'], help: 'what the actions of this session did', create: (app) => new OutcomesView(app) });
registerView({
  names: ['events', 'ev'], help: 'events across the selected contexts',
  // newest first (by when each was last seen), as k9s; `w` keeps only warnings
  create: (app, args) => new ResourceTableView(app, { query: 'events', namespace: args[0], sort: { key: 'age', desc: false } }),
});
registerView({
  names: ['pulses', 'pu'], help: 'per-context charts: events/s, problems, restarts, CPU/MEM against allocatable',
  create: (app) => new PulsesView(app),
});
registerView({
  names: ['pf', 'port-forwards', 'portforwards'], help: 'active port-forwards: bytes each way, stop with ctrl-d',
  create: (app) => (app.triage ? new ForwardsView(app, app.triage) : 'port-forwards need a terminal session'),
});

interface Prompt {
  kind: 'palette' | 'filter';
  text: string;
  history: number;
}

export function runApp(opts: AppOptions): Promise<void> {
  const { store, theme, keymap } = opts;
  teachBlessedWidths();
  const screen = opts.screen ?? openScreen(opts);
  opts.onScreen?.(screen);
  const base = { tags: true, wrap: false, style: theme.styles.body } as const;
  const header = blessed.box({ parent: screen, top: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.header });
  const body = blessed.box({ parent: screen, top: 2, left: 0, right: 0, bottom: 2, ...base });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.footer });
  for (const b of [header, body, footer]) uncutLines(b);

  const allNames = store.contexts().map((c) => c.name);
  let selected = opts.contexts.length ? [...opts.contexts] : allNames.slice(0, 1);
  let namespace = opts.namespace;
  const stack: View[] = [];
  let message: { text: string; base: string; repeat: number; kind: 'info' | 'error'; at: number } | undefined;
  let prompt: Prompt | undefined;
  const history: string[] = [];
  const resolver = new KeyResolver(keymap);
  let pending: string[] = [];
  let frameTimer: NodeJS.Timeout | undefined;
  let lastFrame = 0;
  let done: () => void = () => undefined;
  let closed = false;
  /** the view whose widgets are on the body (View.mount) */
  let mounted: View | undefined;
  const now = opts.now ?? Date.now;

  const top = (): View | undefined => stack[stack.length - 1];
  const keysOf = (a: CommandId): string => keymap.bindings[a].map(formatKeySeq)[0] ?? '';

  const metrics = createMetricsPoller(store);
  const offMetrics = metrics.onChange(() => app.render());
  // the kinds the Fleet and Problems views and the header need are watched for as long as the
  // app is open (issue 20), not only while one of those views is: pressing 1 after a while in
  // another view shows whole numbers at once, not a list still filling in
  const fleetWatch = new StatusWatcher(store);
  fleetWatch.sync(allNames);
  const clock = setInterval(() => app.render(), CLOCK_MS);
  clock.unref();
  const app: AppContext = {
    store, theme, keymap, readonly: opts.readonly, metrics,
    get triage() {
      return triage;
    },
    contexts: () => selected,
    namespace: () => namespace,
    setContexts(names) {
      selected = names;
      for (const v of stack) v.scopeChanged?.();
      app.render();
    },
    setNamespace(ns) {
      namespace = ns;
      for (const v of stack) v.scopeChanged?.();
      app.render();
    },
    push(view) {
      stack.push(view);
      app.render();
    },
    pop() {
      if (stack.length <= 1) return;
      stack.pop()?.close?.();
      app.render();
    },
    message(text, kind = 'info') {
      // the same message again says so: a key pressed twice is seen to have been read
      const repeat = message && message.base === text ? message.repeat + 1 : 1;
      message = { text: repeat > 1 ? `(×${repeat}) ${text}` : text, base: text, repeat, kind, at: now() };
      app.render();
    },
    render() {
      if (frameTimer || closed) return;
      // coalesce: at most one frame per FRAME_MS however many changes arrive
      frameTimer = setTimeout(frame, Math.max(0, lastFrame + FRAME_MS - Date.now()));
    },
    now,
    command(line) {
      runCommand(line);
    },
    act(actionId, targets, options) {
      act(actionId, targets, options ?? {});
    },
    openTree(t) {
      app.push(TreeView.forObject(app, t.context, t.resource, t.object));
      return true;
    },
    outcomes: () => executor.outcomes(),
  };

  const executorLookup: Lookup = { resources: (c) => store.resources(c), get: (c, r, ns, n) => store.get(c, r, ns, n), list: (c, r, ns) => store.list(c, r, ns) };
  const executor: Executor = createExecutor({
    send: (context, req) => store.request(context, req),
    read: async (context, path) => {
      const res = await store.request(context, { method: 'GET', path });
      if (res.status >= 400) {
        const msg = (res.body as { message?: unknown } | null)?.message;
        throw Object.assign(new Error(typeof msg === 'string' ? msg : `HTTP ${res.status}`), { code: res.status });
      }
      return res.body as KubeObject;
    },
    readonly: opts.readonly,
    protectedPattern: opts.protectedPattern,
    audit: opts.audit ?? createAuditLog(),
    lookup: executorLookup,
    followTimeoutMs: opts.followTimeoutMs,
    pollIntervalMs: opts.pollIntervalMs,
  });
  const triage: Triage = createTriage({ app, screen, executor, store, dismiss: (v) => dismiss(v) });
  const offOutcome = executor.onOutcome((o) => {
    if (!closed) app.message(outcomeLine(o), o.status === 'succeeded' ? 'info' : 'error');
  });

  /** Pops a dialog (and anything pushed above it) off the stack. */
  function dismiss(view: View): void {
    const i = stack.indexOf(view);
    if (i < 0) return;
    for (const v of stack.splice(i)) v.close?.();
    app.render();
  }

  function summarize(label: string, outcomes: Outcome[]): void {
    if (outcomes.length === 1) {
      const o = outcomes[0];
      return app.message(outcomeLine(o) + (o.steps?.length ? ` (${o.steps.join('; ')})` : ''), o.status === 'succeeded' ? 'info' : 'error');
    }
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
    const ok = outcomes.every((o) => o.status === 'succeeded');
    app.message(`${label}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')} (:outcomes for each target)`, ok ? 'info' : 'error');
  }

  function run(plan: Plan, typed: string): void {
    const acting = actionable(plan).length;
    app.message(`${plan.label}: running on ${acting} target${acting === 1 ? '' : 's'}…`);
    executor.execute(plan, { typed }).then(
      (outcomes) => !closed && summarize(plan.label, outcomes),
      (err: unknown) => !closed && app.message(`${plan.label} failed: ${err instanceof Error ? err.message : String(err)}`, 'error'),
    );
  }

  /** Rollback plans read the workloads' ReplicaSets / ControllerRevisions from the store:
   * watch them (in the targets' namespaces) until synced, then plan. */
  function withHistory(targets: Target[], then: () => void): void {
    const wanted = targets.flatMap((t) => {
      const src = historyOf(t.kind, groupOfResource(t.resource));
      return src ? [{ context: t.context, resource: src.resource, namespace: t.namespace }] : [];
    });
    const subs = wanted.map((w) => store.watch({ contexts: [w.context], resource: w.resource, namespace: w.namespace }));
    const synced = (): boolean =>
      wanted.every((w) => store.reflectors().some((r) => r.context === w.context && r.resource === w.resource && r.phase === 'synced' && (r.namespace === undefined || r.namespace === w.namespace)));
    const deadline = Date.now() + HISTORY_WAIT_MS;
    const poll = (): void => {
      if (closed) return;
      if (!synced() && Date.now() < deadline) {
        setTimeout(poll, 50);
        return;
      }
      then();
      // the dialog's plan is made; the store keeps the caches for its grace period
      for (const sub of subs) sub.close();
    };
    poll();
  }

  function act(actionId: string, targets: Target[], options: ActionOptions, historyWatched = false, read?: Lookup): void {
    if (actionId === 'rollback' && !historyWatched) {
      withHistory(targets, () => act(actionId, targets, options, true));
      return;
    }
    if (!read) {
      // what the plan reads besides its targets (the Flux owner, sources) and the cache lacks
      // is read with a GET first, for the plan and for the dialog's toggle alike
      const all = { ...options, suspendOwner: true, withSource: true };
      executor.readMissing(actionId, targets, all).then(
        (lookup) => !closed && act(actionId, targets, options, historyWatched, lookup ?? executorLookup),
        (err: unknown) => !closed && app.message(`${actionId}: ${err instanceof Error ? err.message : String(err)}`, 'error'),
      );
      return;
    }
    if (actionId === 'scale' && options.replicas === undefined) {
      const current = targets.map((t) => `${t.context} / ${t.namespace ?? '-'} / ${t.kind} ${t.name}: ${String((t.object.spec as { replicas?: unknown } | undefined)?.replicas ?? 1)} replicas`);
      const input: InputView = new InputView(app, `scale ${targets.length === 1 ? targets[0].name : `${targets.length} targets`} to replicas:`, /^\d+$/, (answer) => {
        dismiss(input);
        if (answer !== undefined) act(actionId, targets, { ...options, replicas: Number(answer) }, historyWatched, read);
      }, current);
      app.push(input);
      return;
    }
    let plan = executor.plan(actionId, targets, options, read);
    let lead: string | undefined;
    const acting = actionable(plan);
    // already as asked everywhere (a rollback to the running template): kubectl's words, no dialog
    if (!acting.length && plan.targets.length > 0 && plan.targets.every((t) => t.noop)) {
      app.message(plan.targets.length === 1 ? plan.targets[0].noop! : `${plan.label}: no change on ${plan.targets.length} targets (${plan.targets[0].noop})`, 'info');
      return;
    }
    if (!acting.length) {
      const alt = plan.targets[0]?.alternative;
      // reconcile on a suspended object: Flux would ignore it; offer to resume first
      if (alt && plan.targets.every((t) => t.alternative === alt)) {
        lead = `${plan.targets[0].refused} — ${alt.replace(/-/g, ' ')} instead?`;
        actionId = alt;
        plan = executor.plan(alt, targets, options, read);
      } else {
        app.message(plan.targets[0]?.refused ?? `${plan.label}: nothing to do`, 'error');
        return;
      }
    }
    // tab re-plans with the one option that changes what is sent: the Flux source for a
    // reconcile; suspending the Flux owner first for a workload change Flux would revert
    const reconciles = ['reconcile', 'resume-and-reconcile', 'force', 'reset'].includes(actionId);
    const gitOps = ['rollback', 'restart', 'scale'].includes(actionId) && targets.some((t) => fluxManaged(t.object));
    const option: 'withSource' | 'suspendOwner' | undefined = reconciles ? 'withSource' : gitOps ? 'suspendOwner' : undefined;
    let toggled = option ? options[option] ?? false : false;
    const dialog: ConfirmView = new ConfirmView(app, plan, {
      lead,
      confirm: (typed) => {
        dismiss(dialog);
        run(plan, typed);
      },
      cancel: () => {
        dismiss(dialog);
        app.message(`${plan.label} cancelled`);
      },
      toggle: option
        ? {
            label: option === 'withSource' ? 'with source' : 'suspend Flux owner first',
            get on() {
              return toggled;
            },
            run: () => {
              toggled = !toggled;
              plan = executor.plan(actionId, targets, { ...options, [option]: toggled }, read);
              return plan;
            },
          }
        : undefined,
    });
    app.push(dialog);
  }

  function openView(line: string, replace: boolean): boolean {
    const cmd = parseCommand(line, allNames);
    if (!cmd.name) return false;
    const factory = VIEWS.get(cmd.name);
    let view: View | string | undefined;
    if (factory) {
      view = factory.create(app, [...(cmd.namespace ? [cmd.namespace] : []), ...cmd.args], { contexts: cmd.contexts, allNamespaces: cmd.allNamespaces });
      if (view === undefined) return true;
    } else if (selected.some((c) => store.resolve(c, cmd.name)) || store.contexts().some((c) => selected.includes(c.name) && !c.discovered)) {
      // while discovery runs the table waits and resolves itself when it lands
      view = new ResourceTableView(app, { query: cmd.name, contexts: cmd.contexts, namespace: cmd.namespace });
    } else view = `unknown resource or view "${cmd.name}"`;
    if (typeof view === 'string') {
      app.message(view, 'error');
      return false;
    }
    if (replace) while (stack.length) stack.pop()?.close?.();
    app.push(view);
    return true;
  }

  function runCommand(line: string): void {
    const cmd = line.trim().replace(/^:/, '');
    if (!cmd) return;
    if (cmd === 'q' || cmd === 'quit' || cmd === 'q!') return quit();
    history.push(cmd);
    if (runVerb(cmd)) return;
    // a resource or top-level view replaces the stack, as in k9s; pickers and help stack
    const stacked = ['help', '?', 'ctx', 'context', 'contexts', 'ns', 'namespace'].includes(cmd.split(/\s+/)[0]);
    openView(cmd, !stacked);
  }

  /**
   * `:rollback [N]`, `:scale N`, `:suspend`, `:resume`, ...: an object command of the command
   * table by its word, on the current view's selection. False when the word is no command's.
   */
  function runVerb(line: string): boolean {
    const [word = '', arg] = line.split(/\s+/);
    const hit = verbCommand(word.toLowerCase());
    if (!hit) return false;
    const n = arg === undefined ? undefined : /^\d+$/.test(arg) ? Number(arg) : NaN;
    if (Number.isNaN(n)) {
      app.message(`:${word}: "${arg}" is not a number`, 'error');
      return true;
    }
    const options = n === undefined ? undefined : word === 'scale' ? { replicas: n } : word === 'rollback' ? { toRevision: n } : undefined;
    if (n !== undefined && !options) {
      app.message(`:${word} takes no argument`, 'error');
      return true;
    }
    const sel = targetsFor(app, top(), hit.cmd);
    const why = sel ? runObjectCommand(app, hit.cmd, sel.targets, { action: hit.action, options }) : `:${word}: this view shows no objects to act on`;
    if (why) app.message(sel && !sel.targets.length ? refusal(app, hit.cmd, [], sel.missing)! : why, 'error');
    return true;
  }

  function headerLines(width: number): string[] {
    const statuses = store.contexts();
    const reflectors = store.reflectors();
    let line1 = paint(theme, 'header.title', ' fleetdeck ');
    let used = 11;
    for (const c of selected) {
      const b = badgeOf(statuses.find((s) => s.name === c), reflectors);
      const text = ` ${BADGE_SYMBOL[b]} ${c} ${b} `;
      if (used + text.length > width) {
        line1 += escapeTags(' …');
        break;
      }
      line1 += paint(theme, BADGE_ROLE[b], text);
      used += text.length;
    }
    const v = top();
    const filter = v?.filter?.get();
    const scope = v?.scope?.();
    const ctx = scope?.contexts ? `  ctx:${scope.contexts.join(',')}` : '';
    const left = ` ${v?.title() ?? ''} ${v?.status?.() ?? ''}${ctx}  ns:${scope?.namespace ?? namespace ?? 'all'}${filter ? `  filter:/${filter}` : ''}`;
    const ro = opts.readonly ? ' READONLY ' : '';
    const line2 = paint(theme, 'header.scope', fit(left, Math.max(0, width - ro.length))) + (ro ? paint(theme, 'readonly', ro) : '');
    return [line1, line2];
  }

  function footerLines(width: number): string[] {
    const v = top();
    const globals: CommandId[] = ['palette', 'filter', 'help', 'quit'];
    // globals first, so they stay visible at 80 columns; then the view's own keys, then the
    // object commands that apply to its selection (the command table, src/commands/objects.ts)
    const own = (v?.actions ?? []).filter((a) => !NAV_ACTIONS.includes(a));
    const acts = [...globals, ...own, ...objectCommandsFor(v).filter((a) => !own.includes(a))];
    let hints = '';
    let used = 0;
    for (const a of acts) {
      const k = keysOf(a);
      if (!k || (a === 'filter' && !v?.filter)) continue;
      const label = a === 'quit' && stack.length > 1 ? 'back' : command(a).title;
      const text = `<${k}> ${label} `;
      if (used + text.length > width) break;
      hints += paint(theme, 'footer.key', `<${k}>`) + paint(theme, 'footer.hint', ` ${label} `);
      used += text.length;
    }
    let line2: string;
    if (prompt) {
      const lead = prompt.kind === 'palette' ? ':' : '/';
      const sugg = prompt.kind === 'palette' ? completions(prompt.text, store, selected) : [];
      const input = `${lead}${prompt.text}▏`;
      line2 = paint(theme, 'prompt', input) + paint(theme, 'prompt.suggestion', fit(sugg.length ? `  ${sugg.join(' ')}` : '', Math.max(0, width - input.length)));
    } else {
      const crumbs = ` ${stack.map((s) => s.title()).join(' › ')} `;
      const msg = message ? ` ${message.text}` : '';
      line2 = paint(theme, 'crumbs', fit(crumbs, Math.min(crumbs.length, width))) + (message ? paint(theme, message.kind === 'error' ? 'message.error' : 'message.info', fit(msg, Math.max(0, width - crumbs.length))) : '');
    }
    return [hints, line2];
  }

  /** The last gate before blessed: views sanitize their text (escapeTags, fit); a control
   * character that got past a view anyway is shown escaped, never sent to the terminal. */
  function gate(lines: string[], width: number): string {
    // each line cut to the width: blessed would otherwise carry a long line's rest onto the next rows
    return lines.map((l) => cutTagged(escapeUnsafe(l), width)).join('\n');
  }

  function frame(): void {
    frameTimer = undefined;
    if (closed) return;
    lastFrame = Date.now();
    const width = (screen.width as number) || 80;
    const height = (screen.height as number) || 24;
    const bodyHeight = Math.max(1, height - 4);
    const v = top();
    // a view drawn with widgets (pulses) takes them off the body once another is on top
    if (mounted && mounted !== v) mounted.unmount?.();
    mounted = v?.mount ? v : undefined;
    header.setContent(gate(headerLines(width), width));
    body.setContent(gate(v?.render(width, bodyHeight) ?? [], width));
    v?.mount?.(body, width, bodyHeight);
    footer.setContent(gate(footerLines(width), width));
    screen.render();
  }

  function quit(): void {
    if (closed) return;
    closed = true;
    clearTimeout(frameTimer);
    clearInterval(clock);
    fleetWatch.close();
    unsubscribe();
    offOutcome();
    offMetrics();
    metrics.close();
    void triage.close();
    for (const v of stack) v.close?.();
    screen.destroy();
    done();
  }

  /** The object commands that apply to the top view's selection, in table order. */
  function objectCommandsFor(v: View | undefined): CommandId[] {
    if (!v?.selection) return [];
    return OBJECT_COMMANDS.filter((c) => {
      const sel = targetsFor(app, v, c);
      return sel !== undefined && appliesToAll(app, c, sel.targets);
    }).map((c) => c.id);
  }

  function globalAction(a: CommandId): boolean {
    switch (a) {
      case 'quit':
        // k9s: q leaves a sub-view (as esc does); at the top view it quits; :q and ctrl-c always quit
        if (stack.length > 1) app.pop();
        else quit();
        return true;
      case 'back':
        if (stack.length > 1) app.pop();
        // at the top view: clears the message; with none, says where back leads
        else if (message) message = undefined;
        else app.message('back: this is the top view (q or :q quits)');
        return true;
      case 'help':
        app.push(new HelpView(app));
        return true;
      case 'palette':
        prompt = { kind: 'palette', text: '', history: history.length };
        return true;
      case 'filter':
        if (!top()?.filter) return false;
        prompt = { kind: 'filter', text: '', history: 0 };
        return true;
      case 'contexts':
        app.push(new ContextPicker(app));
        return true;
      case 'namespaces':
        app.push(new NamespacePicker(app));
        return true;
      case 'view.fleet':
      case 'view.problems':
      case 'view.flux':
      case 'view.changes': {
        const name = a.slice(5);
        if (!VIEWS.has(name)) app.message(`the ${name} view is not available yet`, 'error');
        else if (stack.length === 1 && top()?.title().split(' ')[0] === name) app.message(`${name}: this is the ${name} view`);
        else runCommand(name);
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * One key's commands (a key may be bound to several: `s` is shell, scale and pause), in
   * keymap order: the first the view handles, or — an object command — the first that applies
   * to the view's selection, or the shell's own. Nothing ran: say why (the first refusal).
   */
  function dispatch(actions: CommandId[]): void {
    const v = top();
    let why: string | undefined;
    for (const a of actions) {
      // a view's own key that changes nothing on screen says so (a movement at the top or the
      // end, wrap with no line wider than the screen, a sort or wide on an empty table)
      const before = v && command(a).by === 'view' ? bodyOf(v) : undefined;
      const r = runOnView(app, v, a);
      if (r.ran) {
        if (before !== undefined && v === top() && !prompt && bodyOf(v!) === before) {
          app.message(`${command(a).title}: ${NAV_ACTIONS.includes(a) ? (/up|top/.test(a) ? 'already at the top' : 'already at the end') : 'nothing changes on this screen'}`);
        }
        return;
      }
      why ??= r.why;
      if (globalAction(a)) return;
    }
    // nothing ran: say why (the first refusal), or that the key means nothing in this view
    app.message(why ?? `${actions.map((a) => command(a).title).join(' / ')}: not available in the ${v?.title().split(' ')[0] ?? ''} view`, 'error');
  }

  /** The view's visible content at the current size (a movement's before and after). */
  function bodyOf(v: View): string {
    return `${v.title()} ${v.status?.() ?? ''} ${v.filter?.get() ?? ''}\n` + v.render((screen.width as number) || 80, Math.max(1, ((screen.height as number) || 24) - 4)).join('\n');
  }

  function promptKey(k: string, ch: string | undefined): void {
    const p = prompt!;
    const setText = (t: string): void => {
      p.text = t;
      if (p.kind === 'filter') top()?.filter?.set(t);
    };
    if (k === 'esc') {
      if (p.kind === 'filter') top()?.filter?.set('');
      prompt = undefined;
    } else if (k === 'enter') {
      prompt = undefined;
      if (p.kind === 'palette') runCommand(p.text);
      else if (top() instanceof ResourceTableView) (top() as ResourceTableView).setFilterNow(p.text);
    } else if (k === 'backspace') {
      if (!p.text && p.kind === 'palette') prompt = undefined;
      else setText(dropLast(p.text));
    } else if (k === 'tab' && p.kind === 'palette') {
      const words = p.text.split(/\s+/);
      const first = completions(p.text, store, selected)[0];
      if (first) {
        words[words.length - 1] = first;
        p.text = `${words.join(' ')} `;
      }
    } else if ((k === 'up' || k === 'down') && p.kind === 'palette') {
      p.history = Math.max(0, Math.min(history.length, p.history + (k === 'up' ? -1 : 1)));
      p.text = history[p.history] ?? '';
    } else if (k === 'ctrl-c') {
      quit();
    } else if (typeable(ch)) {
      // any script: a filter or a :kind line may name 日本語 objects
      setText(p.text + ch);
    }
  }

  function onKey(ch: string | undefined, key: KeyEvent | undefined): void {
    if (closed) return;
    const k = keyName(ch, key);
    if (!k) return;
    if (k === 'ctrl-c' && !prompt) return quit();
    if (prompt) {
      promptKey(k, ch);
      app.render();
      return;
    }
    const dialog = top();
    if (dialog?.takeKey && k !== 'ctrl-c' && dialog.takeKey(k, ch)) {
      app.render();
      return;
    }
    pending.push(k);
    const hit = resolver.lookup(pending);
    if (hit.kind === 'prefix') return;
    pending = [];
    if (hit.kind === 'none') return;
    dispatch(hit.actions);
    if (!closed) app.render();
  }

  const unsubscribe = store.onChange((batch: ChangeBatch) => {
    if (batch.contexts.size) fleetWatch.sync(allNames);
    for (const v of stack) v.onChange?.(batch);
    app.render();
  });
  screen.on('keypress', onKey);
  screen.on('resize', () => app.render());

  if (!openView(opts.startCommand ?? (VIEWS.has('fleet') ? 'fleet' : 'pods'), true)) {
    stack.push(new ResourceTableView(app, { query: 'pods' }));
  }
  // keys typed while the app loaded, in the order typed (never echoed: the launcher's listener held the terminal in raw mode)
  for (const [ch, key] of opts.typeahead?.() ?? []) onKey(ch, key);
  frame();
  return new Promise<void>((resolve) => {
    done = resolve;
  });
}

