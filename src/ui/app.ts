// The shell: header (contexts with badges, scope, filter, READONLY), the current view's
// visible content, footer (key hints, crumbs, messages, the prompt). All keys go through
// one keypress handler with an explicit prompt mode, so keys arriving in the same chunk as
// the key that opened a prompt land in the prompt (blessed's readInput would send them to
// the global bindings; a pasted `/q` could quit).
import blessed from 'blessed';
import { formatKeySeq, KeyResolver, normalizeKey, type Keymap } from '../config/keymap.js';
import type { Theme } from '../config/theme.js';
import type { ChangeBatch, FleetStore } from '../fleet/types.js';
import { ACTIONS, type ActionId } from './actions.js';
import { BADGE_ROLE, BADGE_SYMBOL, badgeOf } from './badges.js';
import { completions, parseCommand } from './palette.js';
import { escapeTags, fit, paint } from './style.js';
import { registerView, VIEWS, type AppContext, type View } from './view.js';
import { HelpView } from './views/help.js';
import { ContextPicker, NamespacePicker } from './views/pickers.js';
import { ResourceTableView } from './views/resource-table.js';

export interface AppOptions {
  store: FleetStore;
  contexts: string[];
  namespace?: string;
  readonly: boolean;
  keymap: Keymap;
  theme: Theme;
  /** `:pods`, `flux`; default: the fleet view when registered, else pods */
  startCommand?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** terminal type for blessed (tests) */
  terminal?: string;
  now?: () => number;
  /** called with the screen once it exists (tests, guards) */
  onScreen?(screen: blessed.Widgets.Screen): void;
}

const FRAME_MS = 100;
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
  if (ch && ch.length === 1) {
    const k = normalizeKey(ch);
    return k && key?.meta ? `alt-${k}` : k;
  }
  return undefined;
}

/** Leaves the terminal usable on signals and crashes: alternate screen off, cursor shown. */
export function installTerminalGuards(screen: blessed.Widgets.Screen): () => void {
  const restore = (): void => {
    try {
      screen.destroy();
    } catch {
      // the screen may already be half torn down; the process is leaving anyway
    }
  };
  const signals: [NodeJS.Signals, number][] = [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]];
  const handlers = signals.map(([sig, code]) => {
    const h = (): void => {
      restore();
      process.exit(code);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  const crash = (err: unknown): void => {
    restore();
    process.stderr.write(`fleetdeck crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}

/** blessed prints terminfo parse errors to stderr over the UI; they are not fatal. */
function quietly<T>(fn: () => T): T {
  const write = process.stderr.write;
  const error = console.error;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  console.error = () => undefined;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
    console.error = error;
  }
}

registerView({ names: ['help', '?'], help: 'the key bindings', create: (app) => new HelpView(app) });
registerView({ names: ['ctx', 'context', 'contexts'], help: 'pick the contexts the views span', create: (app) => new ContextPicker(app) });
registerView({ names: ['ns', 'namespace'], help: 'pick a namespace', create: (app) => new NamespacePicker(app) });
registerView({
  names: ['events', 'ev'], help: 'events across the selected contexts',
  create: (app, args) => new ResourceTableView(app, { query: 'events', namespace: args[0] }),
});

interface Prompt {
  kind: 'palette' | 'filter';
  text: string;
  history: number;
}

export function runApp(opts: AppOptions): Promise<void> {
  const { store, theme, keymap } = opts;
  const screen = quietly(() =>
    blessed.screen({
      smartCSR: true, fullUnicode: false, autoPadding: false, warnings: false,
      input: opts.input as NodeJS.ReadableStream & { isTTY?: boolean }, output: opts.output as NodeJS.WritableStream, terminal: opts.terminal,
      title: 'fleetdeck',
    } as unknown as blessed.Widgets.IScreenOptions),
  );
  opts.onScreen?.(screen);
  const base = { tags: true, wrap: false, style: theme.styles.body } as const;
  const header = blessed.box({ parent: screen, top: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.header });
  const body = blessed.box({ parent: screen, top: 2, left: 0, right: 0, bottom: 2, ...base });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 2, ...base, style: theme.styles.footer });

  const allNames = store.contexts().map((c) => c.name);
  let selected = opts.contexts.length ? [...opts.contexts] : allNames.slice(0, 1);
  let namespace = opts.namespace;
  const stack: View[] = [];
  let message: { text: string; kind: 'info' | 'error'; at: number } | undefined;
  let prompt: Prompt | undefined;
  const history: string[] = [];
  const resolver = new KeyResolver(keymap);
  let pending: string[] = [];
  let frameTimer: NodeJS.Timeout | undefined;
  let lastFrame = 0;
  let done: () => void = () => undefined;
  let closed = false;
  const now = opts.now ?? Date.now;

  const top = (): View | undefined => stack[stack.length - 1];
  const keysOf = (a: ActionId): string => keymap.bindings[a].map(formatKeySeq)[0] ?? '';

  const app: AppContext = {
    store, theme, keymap, readonly: opts.readonly,
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
      message = { text, kind, at: now() };
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
  };

  function openView(line: string, replace: boolean): boolean {
    const cmd = parseCommand(line, allNames);
    if (!cmd.name) return false;
    const factory = VIEWS.get(cmd.name);
    let view: View | string;
    if (factory) {
      view = factory.create(app, [...(cmd.namespace ? [cmd.namespace] : []), ...cmd.args]);
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
    // a resource or top-level view replaces the stack, as in k9s; pickers and help stack
    const stacked = ['help', '?', 'ctx', 'context', 'contexts', 'ns', 'namespace'].includes(cmd.split(/\s+/)[0]);
    openView(cmd, !stacked);
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
    const left = ` ${v?.title() ?? ''} ${v?.status?.() ?? ''}  ns:${namespace ?? 'all'}${filter ? `  filter:/${filter}` : ''}`;
    const ro = opts.readonly ? ' READONLY ' : '';
    const line2 = paint(theme, 'header.scope', fit(left, Math.max(0, width - ro.length))) + (ro ? paint(theme, 'readonly', ro) : '');
    return [line1, line2];
  }

  function footerLines(width: number): string[] {
    const v = top();
    const globals: ActionId[] = ['palette', 'filter', 'help', 'quit'];
    // globals first, so they stay visible at 80 columns
    const acts = [...globals, ...(v?.actions ?? []).filter((a) => !['up', 'down', 'page-up', 'page-down', 'half-page-up', 'half-page-down', 'top', 'bottom'].includes(a))];
    let hints = '';
    let used = 0;
    for (const a of acts) {
      const k = keysOf(a);
      if (!k || (a === 'filter' && !v?.filter)) continue;
      const text = `<${k}> ${ACTIONS[a].label} `;
      if (used + text.length > width) break;
      hints += paint(theme, 'footer.key', `<${k}>`) + paint(theme, 'footer.hint', ` ${ACTIONS[a].label} `);
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

  function frame(): void {
    frameTimer = undefined;
    if (closed) return;
    lastFrame = Date.now();
    const width = (screen.width as number) || 80;
    const height = (screen.height as number) || 24;
    const bodyHeight = Math.max(1, height - 4);
    header.setContent(headerLines(width).join('\n'));
    const lines = top()?.render(width, bodyHeight) ?? [];
    body.setContent(lines.join('\n'));
    footer.setContent(footerLines(width).join('\n'));
    screen.render();
  }

  function quit(): void {
    if (closed) return;
    closed = true;
    clearTimeout(frameTimer);
    unsubscribe();
    for (const v of stack) v.close?.();
    screen.destroy();
    done();
  }

  function globalAction(a: ActionId): boolean {
    switch (a) {
      case 'quit':
        quit();
        return true;
      case 'back':
        if (stack.length > 1) app.pop();
        else message = undefined;
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
      case 'view.flux': {
        const name = a.slice(5);
        if (!VIEWS.has(name)) app.message(`the ${name} view is not available yet`, 'error');
        else runCommand(name);
        return true;
      }
      default:
        return false;
    }
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
      else setText(p.text.slice(0, -1));
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
    } else if (ch && ch.length === 1 && ch >= ' ' && ch <= '~') {
      setText(p.text + ch);
    }
  }

  function onKey(ch: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean; shift?: boolean; full?: string } | undefined): void {
    if (closed) return;
    const k = keyName(ch, key);
    if (!k) return;
    if (prompt) {
      promptKey(k, ch);
      app.render();
      return;
    }
    pending.push(k);
    const hit = resolver.lookup(pending);
    if (hit.kind === 'prefix') return;
    pending = [];
    if (hit.kind === 'none') return;
    const v = top();
    for (const a of hit.actions) {
      if (v?.actions.includes(a) && v.handle(a)) break;
      if (globalAction(a)) break;
    }
    if (!closed) app.render();
  }

  const unsubscribe = store.onChange((batch: ChangeBatch) => {
    for (const v of stack) v.onChange?.(batch);
    app.render();
  });
  screen.on('keypress', onKey);
  screen.on('resize', () => app.render());

  if (!openView(opts.startCommand ?? (VIEWS.has('fleet') ? 'fleet' : 'pods'), true)) {
    stack.push(new ResourceTableView(app, { query: 'pods' }));
  }
  frame();
  return new Promise<void>((resolve) => {
    done = resolve;
  });
}

