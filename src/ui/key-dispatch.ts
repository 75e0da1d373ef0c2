// Key input: blessed's (ch, key) → a keymap key name; one handler for every key with an
// explicit prompt mode (so keys arriving in the same chunk as the key that opened a prompt
// land in the prompt: blessed's readInput would send them to the global bindings, and a
// pasted `/q` could quit); dialogs take raw keys first; the rest go through the keymap to the
// commands of the command table: the view's own, an object command on its selection, or the
// shell's (quit, back, help, palette, filter, pickers, view switches).
import { KeyResolver, normalizeKey, type Keymap } from '../config/keymap.js';
import { command, NAV_ACTIONS, type CommandId } from '../commands/table.js';
import type { FleetStore } from '../fleet/types.js';
import type { ShellState, ViewStack } from './app-state.js';
import { closestRefusal, runOnView } from './objects.js';
import { completions } from './palette.js';
import { dropLast, editLine, typeable } from './style.js';
import { VIEWS, type AppContext, type View } from './view.js';
import { HelpView } from './views/help.js';
import { ContextPicker, NamespacePicker } from './views/pickers.js';
import { ResourceTableView } from './views/resource-table.js';

/** blessed's key event, as much as the shell reads. */
export interface KeyEvent {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  full?: string;
}

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

export interface KeyDispatchDeps {
  app: AppContext;
  store: FleetStore;
  keymap: Keymap;
  state: ShellState;
  stack: ViewStack;
  /** the screen's size in cells (a view's content before and after a key is compared at it) */
  size(): { width: number; height: number };
  /** runs a palette line */
  runCommand(line: string): void;
  quit(): void;
}

/** The shell's keypress handler: (ch, key) as blessed gives them. */
export function createKeyHandler(d: KeyDispatchDeps): (ch: string | undefined, key: KeyEvent | undefined) => void {
  const { app, state, stack } = d;
  const resolver = new KeyResolver(d.keymap);
  let pending: string[] = [];

  function globalAction(a: CommandId): boolean {
    switch (a) {
      case 'quit':
        // k9s: q leaves a sub-view (as esc does); at the top view it quits; :q and ctrl-c always quit
        if (stack.depth > 1) app.pop();
        else d.quit();
        return true;
      case 'back': {
        const step = stack.backStep();
        if (step === 'filter') stack.top()!.filter!.set('');
        else if (step === 'view') app.pop();
        // at the top view: clears the message; with none, says where back leads
        else if (state.message) state.message = undefined;
        else app.message('back: this is the top view (q or :q quits)');
        return true;
      }
      case 'help':
        app.push(new HelpView(app));
        return true;
      case 'palette':
        state.prompt = { kind: 'palette', text: '', history: state.history.length };
        return true;
      case 'filter':
        // a view without a filter still takes the line: refused, the letters typed after `/`
        // ran as keys (`/ready` opened a restart and its `y` confirmed it)
        state.prompt = { kind: 'filter', text: '', history: 0, before: stack.top()?.filter?.get() ?? '' };
        if (!stack.top()?.filter) app.message(`filter: the ${stack.top()?.title().split(' ')[0] ?? ''} view has no filter; what is typed here is dropped (esc)`, 'error');
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
        else if (stack.depth === 1 && stack.top()?.title().split(' ')[0] === name) app.message(`${name}: this is the ${name} view`);
        else d.runCommand(name);
        return true;
      }
      default:
        return false;
    }
  }

  /** The view's visible content at the current size (a movement's before and after). */
  function bodyOf(v: View): string {
    const { width, height } = d.size();
    return `${v.title()} ${v.status?.() ?? ''} ${v.filter?.get() ?? ''}\n` + v.render(width, Math.max(1, height - 4)).join('\n');
  }

  /**
   * One key's commands (a key may be bound to several: `s` is shell, scale and pause), in
   * keymap order: the first the view handles, or — an object command — the first that applies
   * to the view's selection, or the shell's own. Nothing ran: say why (closestRefusal).
   */
  function dispatch(actions: CommandId[]): void {
    const v = stack.top();
    const refusals: { id: CommandId; why: string }[] = [];
    for (const a of actions) {
      // a view's own key that changes nothing on screen says so (a movement at the top or the
      // end, wrap with no line wider than the screen, a sort or wide on an empty table)
      const before = v && command(a).by === 'view' ? bodyOf(v) : undefined;
      const r = runOnView(app, v, a);
      if (r.ran) {
        if (before !== undefined && v === stack.top() && !state.prompt && bodyOf(v!) === before) {
          app.message(`${command(a).title}: ${NAV_ACTIONS.includes(a) ? (/up|top/.test(a) ? 'already at the top' : 'already at the end') : 'nothing changes on this screen'}`);
        }
        return;
      }
      if (r.why !== undefined) refusals.push({ id: a, why: r.why });
      if (globalAction(a)) return;
    }
    // nothing ran: say why (the refusal of the command meant for this kind), or that the key means nothing in this view
    app.message(closestRefusal(app, v, refusals) ?? `${actions.map((a) => command(a).title).join(' / ')}: not available in the ${v?.title().split(' ')[0] ?? ''} view`, 'error');
  }

  function promptKey(k: string, ch: string | undefined): void {
    const p = state.prompt!;
    const setText = (t: string): void => {
      p.text = t;
      if (p.kind === 'filter') stack.top()?.filter?.set(t);
    };
    if (k === 'esc') {
      // the edit is cancelled: the filter shown before `/` (a second esc clears it, as back does)
      if (p.kind === 'filter') stack.top()?.filter?.set(p.before ?? '');
      state.prompt = undefined;
    } else if (k === 'enter') {
      state.prompt = undefined;
      if (p.kind === 'palette') d.runCommand(p.text);
      else if (stack.top() instanceof ResourceTableView) (stack.top() as ResourceTableView).setFilterNow(p.text);
    } else if (k === 'backspace') {
      if (!p.text && p.kind === 'palette') state.prompt = undefined;
      else setText(dropLast(p.text));
    } else if (k === 'tab' && p.kind === 'palette') {
      const words = p.text.split(/\s+/);
      const first = completions(p.text, d.store, state.selected, { readonly: app.readonly })[0];
      if (first) {
        words[words.length - 1] = first;
        p.text = `${words.join(' ')} `;
      }
    } else if ((k === 'up' || k === 'down') && p.kind === 'palette') {
      p.history = Math.max(0, Math.min(state.history.length, p.history + (k === 'up' ? -1 : 1)));
      p.text = state.history[p.history] ?? '';
    } else if (k === 'ctrl-c') {
      d.quit();
    } else {
      // any script: a filter or a :kind line may name 日本語 objects
      const t = editLine(p.text, k, ch);
      if (t !== undefined) setText(t);
    }
  }

  return function onKey(ch, key): void {
    if (state.closed) return;
    const k = keyName(ch, key);
    if (!k) return;
    if (k === 'ctrl-c' && !state.prompt) return d.quit();
    // an action's plan is being read: a key typed ahead (the `y` of `r y`) would run on the
    // view under the coming dialog, or confirm it unseen
    const preparing = state.preparing;
    if (preparing) {
      if (k === 'esc') {
        state.preparing = undefined;
        preparing.cancel();
        app.message(`${preparing.label} cancelled`);
      } else {
        preparing.dropped.push(k);
        app.message(`${preparing.label}: reading what the plan needs; "${k}" was not run (esc cancels)`);
      }
      app.render(true);
      return;
    }
    // the frame that answers a key does not wait out the spacing of cluster-change frames
    if (state.prompt) {
      promptKey(k, ch);
      app.render(true);
      return;
    }
    const dialog = stack.top();
    if (dialog?.takeKey && k !== 'ctrl-c' && dialog.takeKey(k, ch)) {
      app.render(true);
      return;
    }
    pending.push(k);
    const hit = resolver.lookup(pending);
    if (hit.kind === 'prefix') return;
    pending = [];
    if (hit.kind === 'none') return;
    dispatch(hit.actions);
    if (!state.closed) app.render(true);
  };
}
