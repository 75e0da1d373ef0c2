// The `:` command line: `:q` quits; an object command's word (`:rollback 2`, `:scale 3`) runs
// on the top view's selection; otherwise a registered view or a resource kind opens — a
// top-level one replaces the stack, as in k9s; pickers and help stack.
import { verbCommand } from '../commands/table.js';
import { kubeconfigContexts, type FleetStore } from '../fleet/types.js';
import type { ShellState, ViewStack } from './app-state.js';
import { refusal, runObjectCommand, targetsFor } from './objects.js';
import { parseCommand, type ParsedCommand } from './palette.js';
import { suggestNames } from '../model/suggest.js';
import { termLine } from '../model/sanitize.js';
import { VIEWS, type AppContext, type View, type ViewFactory, type ViewScope } from './view.js';
import { ResourceTableView } from './views/resource-table.js';

export interface CommandLineDeps {
  app: AppContext;
  store: FleetStore;
  state: ShellState;
  stack: ViewStack;
  quit(): void;
}

export interface CommandLine {
  /** Runs one palette line (with or without its ':'); remembered in the history. */
  run(line: string): void;
  /** Opens a view or resource table by a palette line; false when nothing opened (the message says why). */
  openView(line: string, replace: boolean): boolean;
}

export function createCommandLine(d: CommandLineDeps): CommandLine {
  const { app, store, state, stack } = d;

  function openView(line: string, replace: boolean): boolean {
    // names and globs on the line match every kubeconfig context; one the run has not
    // connected yet starts connecting (`:pods dev` after `--context prod-eu`)
    const cmd = parseCommand(line, kubeconfigContexts(store));
    if (!cmd.name) return false;
    for (const c of cmd.contexts ?? []) store.addContext?.(c);
    const factory = VIEWS.get(cmd.name);
    let view: View | string | undefined;
    if (factory) {
      // a view says how many words it reads; more are refused, never dropped
      view = unexpectedWords(cmd, factory.words, kubeconfigContexts(store)) ?? createView(app, factory, cmd);
      if (view === undefined) return true;
    } else if (state.selected.some((c) => store.resolve(c, cmd.name)) || store.contexts().some((c) => state.selected.includes(c.name) && !c.discovered)) {
      // a table takes contexts and one namespace; while discovery runs it waits and resolves itself when it lands
      view = unexpectedWords(cmd, 1, kubeconfigContexts(store)) ?? new ResourceTableView(app, { query: cmd.name, contexts: cmd.contexts, namespace: cmd.namespace, allNamespaces: cmd.allNamespaces });
    } else view = `unknown resource or view "${cmd.name}"`;
    if (typeof view === 'string') {
      app.message(view, 'error');
      return false;
    }
    if (replace) stack.clear();
    app.push(view);
    return true;
  }

  function run(line: string): void {
    const cmd = line.trim().replace(/^:/, '');
    if (!cmd) return;
    if (cmd === 'q' || cmd === 'quit' || cmd === 'q!') return d.quit();
    state.history.push(cmd);
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
    const takes = hit.cmd.verbArg;
    if (arg !== undefined && !takes) {
      app.message(`:${word} takes no argument`, 'error');
      return true;
    }
    if (arg !== undefined && !/^\d+$/.test(arg)) {
      app.message(`:${word}: "${arg}" is not a number`, 'error');
      return true;
    }
    const options = takes && arg !== undefined ? { [takes.option]: Number(arg) } : undefined;
    const sel = targetsFor(app, stack.top(), hit.cmd);
    const why = sel ? runObjectCommand(app, hit.cmd, sel.targets, { action: hit.action, options, verb: true }) : `:${word}: this view shows no objects to act on`;
    if (why) app.message(sel && !sel.targets.length ? refusal(app, hit.cmd, [], sel.missing)! : why, 'error');
    return true;
  }

  return { run, openView };
}

/**
 * A registered view from its parsed line, the line's context names and namespace handled as
 * the factory declares (LineScope): read by the factory, narrowing the app the view sees, or
 * refused, never dropped. A string is the error to show.
 */
export function createView(app: AppContext, factory: ViewFactory, cmd: ParsedCommand): View | string | undefined {
  const words = [...(cmd.namespace ? [cmd.namespace] : []), ...cmd.args];
  const mode = factory.lineScope;
  if (mode === 'own') return factory.create(app, words, { contexts: cmd.contexts, allNamespaces: cmd.allNamespaces });
  if (!mode) {
    if (cmd.contexts) return `${cmd.name}: takes no context (${cmd.contexts.join(', ')}); pick the contexts with :ctx`;
    return factory.create(app, words, { allNamespaces: cmd.allNamespaces });
  }
  const byNamespace = mode === 'spans' && (cmd.namespace !== undefined || cmd.allNamespaces === true);
  if (!cmd.contexts && !byNamespace) return factory.create(app, words);
  const scope: ViewScope = { ...(cmd.contexts ? { contexts: cmd.contexts } : {}), ...(byNamespace ? (cmd.namespace !== undefined ? { namespace: cmd.namespace } : { allNamespaces: true }) : {}) };
  const narrowed: AppContext = Object.create(app) as AppContext;
  if (cmd.contexts) narrowed.contexts = () => cmd.contexts ?? app.contexts();
  if (byNamespace) narrowed.namespace = () => cmd.namespace;
  const view = factory.create(narrowed, byNamespace ? cmd.args : words);
  // the header names the narrowing, as it does a table's (`ctx:dev  ns:shop`)
  if (view && typeof view !== 'string' && !view.scope) view.scope = () => scope;
  return view;
}

/**
 * The refusal of a line with more free words (a namespace included) than `words` (undefined:
 * any), or undefined. A first free word within cobra's distance of a context name is that
 * context mistyped (`:pods prod-ue checkout`), said as such rather than "unexpected checkout".
 */
function unexpectedWords(cmd: ParsedCommand, words: number | undefined, contexts: readonly string[]): string | undefined {
  // -A (or all) takes the namespace's place
  const free = [...(cmd.namespace !== undefined ? [cmd.namespace] : cmd.allNamespaces ? ['-A'] : []), ...cmd.args];
  if (words === undefined || free.length <= words) return undefined;
  const near = cmd.namespace !== undefined ? suggestNames(cmd.namespace, contexts) : [];
  if (near.length) return `${cmd.name}: no context ${termLine(JSON.stringify(cmd.namespace))} (did you mean ${near.join(', ')}?)`;
  const takes = words === 0 ? 'no word but context names' : words === 1 ? 'context names and one namespace' : `context names and ${words} words`;
  return `${cmd.name}: unexpected ${free.slice(words).map((w) => `"${w}"`).join(' ')} (it takes ${takes})`;
}
