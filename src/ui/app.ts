// The shell: header (contexts with badges, scope, filter, READONLY), the current view's
// visible content, footer (key hints, crumbs, messages, the prompt). runApp wires its parts:
//   app-state.ts      the view stack and the shell's state (contexts, namespace, message, prompt)
//   chrome.ts         header and footer lines, and the gate every drawn line passes
//   key-dispatch.ts   keys → the prompt, a dialog, or the command table's commands
//   command-line.ts   the `:` line: quit, object command words, views and resource tables
//   action-runner.ts  AppContext.act: plan, ask, confirm dialog, execute, outcome
//   builtin-views.ts  the palette's views, registered as data
// Keys typed while the app loads are applied in order once the start view is open.
import blessed from 'blessed';
import { createMetricsPoller } from '../fleet/metrics.js';
import { createTriage, type Triage } from './triage.js';
import type { Keymap } from '../config/keymap.js';
import type { Theme } from '../config/theme.js';
import { createAuditLog, type AuditLog } from '../actions/audit.js';
import { createExecutor, type Executor } from '../actions/executor.js';
import { outcomeLine } from '../actions/render.js';
import type { Lookup } from '../actions/types.js';
import type { ChangeBatch, FleetStore } from '../fleet/types.js';
import type { KubeObject } from '../model/types.js';
import { fluxDefaultNamespace } from '../model/flux.js';
import { OBJECT_COMMANDS, type CommandId } from '../commands/table.js';
import { appliesToAll, targetsFor } from './objects.js';
import { openScreen } from './shell.js';
import { teachBlessedWidths } from './unicode.js';
import { lineLayer } from './line-layer.js';
import { VIEWS, type AppContext, type View } from './view.js';
import { StatusWatcher } from './views/problems.js';
import { TreeView } from './views/tree.js';
import { ResourceTableView } from './views/resource-table.js';
import { ViewStack, type ShellState } from './app-state.js';
import { footerLines, gate, headerLines, type ChromeDeps } from './chrome.js';
import { createKeyHandler, type KeyEvent } from './key-dispatch.js';
import { createCommandLine } from './command-line.js';
import { createActionRunner } from './action-runner.js';
import { frameScheduler } from './schedule.js';
import './builtin-views.js';

export { installTerminalGuards } from './shell.js';
export { keyName, type KeyEvent } from './key-dispatch.js';

export interface AppOptions {
  store: FleetStore;
  contexts: string[];
  namespace?: string;
  readonly: boolean;
  /** where a Flux kind named without a namespace is read (`:logs ks/apps`): the launcher's fluxDefaultNamespace of its environment; default flux-system */
  fluxNamespace?: string;
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
  /** called at the end of every frame, `drawn` false when its text was the last one drawn (bench, tests) */
  onFrame?(drawn: boolean): void;
}

/** frames asked for by cluster changes: at most one per FRAME_MS however many changes arrive */
const FRAME_MS = 100;
/** a frame that answers a key is drawn once the last one is this old (a 60 Hz display's frame) */
const INPUT_FRAME_MS = 16;

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
/** Clock-driven cells (AGE, SINCE, "Terminating for 38s", stuck/slow) are drawn again this
 * often with no change batch: a frame renders only the visible rows, nothing is re-derived. */
const CLOCK_MS = 1000;

export function runApp(opts: AppOptions): Promise<void> {
  const { store, theme, keymap } = opts;
  teachBlessedWidths();
  const screen = opts.screen ?? openScreen(opts);
  opts.onScreen?.(screen);
  const base = { tags: true, wrap: false, style: theme.styles.body } as const;
  const header = blessed.box({ parent: screen, top: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.header });
  const body = blessed.box({ parent: screen, top: 2, left: 0, right: 0, bottom: 2, ...base });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.footer });
  // drawn from lines, each row parsed once per change of its text (src/ui/line-layer.ts)
  const [headerRows, bodyRows, footerRows] = [header, body, footer].map(lineLayer);

  /** the contexts the store connects: those of the start, then those selected since */
  const connected = (): string[] => store.contexts().map((c) => c.name);
  const state: ShellState = { selected: opts.contexts.length ? [...opts.contexts] : connected().slice(0, 1), namespace: opts.namespace, history: [], closed: false };
  const stack = new ViewStack();
  const frames = frameScheduler(frame, { spacingMs: FRAME_MS, inputSpacingMs: INPUT_FRAME_MS });
  let done: () => void = () => undefined;
  const now = opts.now ?? Date.now;
  const size = (): { width: number; height: number } => ({ width: (screen.width as number) || 80, height: (screen.height as number) || 24 });

  const metrics = createMetricsPoller(store);
  const offMetrics = metrics.onChange(() => app.render());
  // the kinds the Fleet and Problems views and the header need are watched for as long as the
  // app is open (issue 20), not only while one of those views is: pressing 1 after a while in
  // another view shows whole numbers at once, not a list still filling in
  const fleetWatch = new StatusWatcher(store);
  fleetWatch.sync(connected());
  const clock = setInterval(() => app.render(), CLOCK_MS);
  clock.unref();
  const app: AppContext = {
    store, theme, keymap, readonly: opts.readonly, metrics, fluxNamespace: opts.fluxNamespace ?? fluxDefaultNamespace({}),
    get triage() {
      return triage;
    },
    contexts: () => state.selected,
    namespace: () => state.namespace,
    setContexts(names) {
      // a kubeconfig context the run did not start with starts connecting now
      for (const n of names) store.addContext?.(n);
      state.selected = names;
      for (const v of stack.all()) v.scopeChanged?.();
      app.render();
    },
    setNamespace(ns) {
      state.namespace = ns;
      for (const v of stack.all()) v.scopeChanged?.();
      app.render();
    },
    push(view) {
      // a message is about the view it was said in: another view starts without it
      state.message = undefined;
      stack.push(view);
      app.render();
    },
    pop() {
      if (!stack.pop()) return;
      state.message = undefined;
      app.render();
    },
    message(text, kind = 'info') {
      // the same message again says so: a key pressed twice is seen to have been read
      const m = state.message;
      const repeat = m && m.base === text ? m.repeat + 1 : 1;
      state.message = { text: repeat > 1 ? `(×${repeat}) ${text}` : text, base: text, repeat, kind, at: now() };
      app.render();
    },
    render(input) {
      if (!state.closed) frames.request(input);
    },
    now,
    command(line) {
      commandLine.run(line);
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
  /** Pops a dialog (and anything pushed above it) off the stack. */
  const dismiss = (view: View): void => {
    if (stack.dismiss(view)) app.render();
  };
  const triage: Triage = createTriage({ app, screen, executor, store, dismiss });
  const offOutcome = executor.onOutcome((o) => {
    if (!state.closed) app.message(outcomeLine(o), o.status === 'succeeded' ? 'info' : 'error');
  });
  const act = createActionRunner({ app, store, executor, lookup: executorLookup, dismiss, closed: () => state.closed, preparing: (p) => (state.preparing = p) });
  const commandLine = createCommandLine({ app, store, state, stack, quit });

  /** The object commands that apply to the top view's selection, in table order. */
  function objectCommandsFor(v: View | undefined): CommandId[] {
    if (!v?.selection) return [];
    return OBJECT_COMMANDS.filter((c) => {
      const sel = targetsFor(app, v, c);
      return sel !== undefined && appliesToAll(app, c, sel.targets);
    }).map((c) => c.id);
  }
  const chrome: ChromeDeps = { store, theme, keymap, readonly: opts.readonly, state, stack, objectCommands: () => objectCommandsFor(stack.top()) };

  /** what the last drawn frame showed: a frame with the same text and no widgets is not drawn again */
  let drawn: { width: number; height: number; texts: string[][] } | undefined;
  function frame(): void {
    if (state.closed) return;
    const { width, height } = size();
    const bodyHeight = Math.max(1, height - 4);
    // a view drawn with widgets (pulses) takes them off the body once another is on top
    const v = stack.mountTop();
    const texts = [gate(headerLines(chrome, width), width), gate(v?.render(width, bodyHeight) ?? [], width), gate(footerLines(chrome, width), width)];
    // under churn most frames change no visible text (the changed rows are off screen): blessed
    // would parse and lay out the whole screen again to write nothing
    const widgets = !!v?.mount || body.children.length > 0;
    if (!widgets && drawn && drawn.width === width && drawn.height === height && texts.every((t, i) => sameLines(t, drawn!.texts[i]))) {
      opts.onFrame?.(false);
      return;
    }
    headerRows.setLines(texts[0]); // terminal-safe: every text is gate()'s result (above)
    bodyRows.setLines(texts[1]); // terminal-safe: gate()'s result
    v?.mount?.(body, width, bodyHeight);
    footerRows.setLines(texts[2]); // terminal-safe: gate()'s result
    screen.render();
    drawn = widgets ? undefined : { width, height, texts };
    opts.onFrame?.(true);
  }

  function quit(): void {
    if (state.closed) return;
    state.closed = true;
    frames.cancel();
    clearInterval(clock);
    fleetWatch.close();
    unsubscribe();
    offOutcome();
    offMetrics();
    metrics.close();
    void triage.close();
    stack.closeAll();
    screen.destroy();
    done();
  }

  const onKey = createKeyHandler({ app, store, keymap, state, stack, size, runCommand: (line) => commandLine.run(line), quit });
  const unsubscribe = store.onChange((batch: ChangeBatch) => {
    if (batch.contexts.size) fleetWatch.sync(connected());
    for (const v of stack.all()) v.onChange?.(batch);
    app.render();
  });
  screen.on('keypress', onKey);
  screen.on('resize', () => app.render());

  if (!commandLine.openView(opts.startCommand ?? (VIEWS.has('fleet') ? 'fleet' : 'pods'), true)) {
    stack.push(new ResourceTableView(app, { query: 'pods' }));
  }
  // keys typed while the app loaded, in the order typed (never echoed: the launcher's listener held the terminal in raw mode)
  for (const [ch, key] of opts.typeahead?.() ?? []) onKey(ch, key);
  frame();
  return new Promise<void>((resolve) => {
    done = resolve;
  });
}
