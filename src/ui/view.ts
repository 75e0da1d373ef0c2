// What a view is to the shell: a title, the actions it handles, and a render of the visible
// content only. Views live on a stack (esc pops); the registry maps palette names to views,
// so later views (fleet, problems, tree, flux, logs) register themselves as data.
import type { Widgets } from 'blessed';
import type { ActionOptions, Outcome, Target } from '../actions/types.js';
import type { Keymap } from '../config/keymap.js';
import type { Theme } from '../config/theme.js';
import type { ChangeBatch, FleetStore } from '../fleet/types.js';
import type { KubeObject } from '../model/types.js';
import type { MetricsPoller } from '../fleet/metrics.js';
import type { CommandId } from '../commands/table.js';
import type { Triage } from './triage.js';

export interface AppContext {
  readonly store: FleetStore;
  /** metrics.k8s.io per context (CPU/MEM columns, pulses); absent in tests that do not need it */
  readonly metrics?: MetricsPoller;
  /** shell, port-forward, edit, clipboard (src/ui/triage.ts); absent in view tests without a screen */
  readonly triage?: Triage;
  readonly theme: Theme;
  readonly keymap: Keymap;
  readonly readonly: boolean;
  /** where a Flux kind named without a namespace is read, as the flux CLI (fluxDefaultNamespace); absent in view tests: flux-system */
  readonly fluxNamespace?: string;
  /** the contexts the views span */
  contexts(): string[];
  /** undefined: all namespaces */
  namespace(): string | undefined;
  setContexts(names: string[]): void;
  setNamespace(ns: string | undefined): void;
  push(view: View): void;
  pop(): void;
  message(text: string, kind?: 'info' | 'error'): void;
  /** schedule a frame (coalesced, at most ~10/s); `input`: it answers what the user typed, drawn as soon as the last frame is a few ms old */
  render(input?: boolean): void;
  now(): number;
  /** runs a palette command (`pods`, `deploy prod-*`, `events`) */
  command(line: string): void;
  /** Starts a catalog action (src/actions) on targets: plan, confirm dialog, execute, outcome. */
  act(actionId: string, targets: Target[], options?: ActionOptions): void;
  /** Opens the tree view on an object; false when no tree view is registered. */
  openTree(target: Target): boolean;
  /** what the actions of this session did, oldest first */
  outcomes(): Outcome[];
}

/** The selected contexts whose discovery is still running: what a view naming a kind not served yet waits for. */
export function connectingContexts(app: Pick<AppContext, 'store' | 'contexts'>): string[] {
  const mine = new Set(app.contexts());
  return app.store.contexts().filter((c) => mine.has(c.name) && !c.discovered && c.state === 'connecting').map((c) => c.name);
}

export interface ViewScope {
  contexts?: string[];
  namespace?: string;
  /** every namespace for this view, whatever the app's (`:pods -A`) */
  allNamespaces?: boolean;
}

/** The scope of a view that reads no namespace (help, outcomes, port-forwards): the header names none. */
export const NO_NAMESPACE: ViewScope = Object.freeze({ namespace: '' });

/** The scope of a view over one object (yaml, describe, history, tree): its context and namespace,
 * which the header names (three contexts may each have a cart-api). */
export function objectScope(context: string, obj: KubeObject): ViewScope {
  return { contexts: [context], namespace: obj.metadata.namespace ?? '' };
}

export interface View {
  /** crumb text: `pods`, `yaml pod/web-1` */
  title(): string;
  /** the actions this view handles, in footer-hint order */
  readonly actions: readonly CommandId[];
  /** footer words for keys that do something particular here (the context picker's enter uses
   * only that context); the command table's title otherwise */
  readonly hints?: Partial<Record<CommandId, string>>;
  /** true when handled */
  handle(action: CommandId): boolean;
  /** the visible lines (blessed tags allowed), at most `height` */
  render(width: number, height: number): string[];
  /** right side of the header's second line (`[42/1200]`) */
  status?(): string;
  onChange?(batch: ChangeBatch): void;
  /** the selected contexts or the namespace changed */
  scopeChanged?(): void;
  /**
   * The object(s) the view's selection stands for (marked rows, else the selected row), as
   * action targets: every object command (src/commands/objects.ts) the view does not handle
   * itself runs on them. Views without objects (fleet, logs, help) leave it out.
   */
  selection?(): Target[];
  /** the view's own narrowing of the app's scope (`:pods prod-eu databases`, one object's
   * context and namespace), for the header; namespace '' for a cluster-scoped object */
  scope?(): ViewScope;
  /** views with a `/` filter (src/model/filter.ts rowFilter); `error`: why the line in force does not parse */
  filter?: { get(): string; set(text: string): void; error?(): string | undefined };
  close?(): void;
  /**
   * Views drawn with blessed widgets (pulses: blessed-contrib charts): called after render()
   * on every frame while the view is on top, with the shell's body box and its size; the view
   * mounts its widgets there (children of the body, drawn over its text lines) or updates them.
   */
  mount?(body: Widgets.BoxElement, width: number, height: number): void;
  /** the view is no longer on top (another was pushed, or it is closing): take the widgets off the body */
  unmount?(): void;
  /** Dialogs take raw keys before the keymap (typed confirmations); true when consumed. */
  takeKey?(key: string, ch: string | undefined): boolean;
  /**
   * A dialog that takes every key (takeKey consumes all of them): its answer, declared once.
   * Its takeKey runs these keys, its answer line says them, and the footer offers them and
   * nothing else while it is on top (the keymap's `:`, `?`, `q` do nothing there).
   */
  dialog?(): DialogAnswer;
}

/** A key of a dialog (raw key names: `y`, `enter`, `esc`, `tab`) and what it does. */
export interface DialogKey {
  keys: readonly string[];
  label: string;
  /** `key`: which of its keys was pressed */
  run(key: string): void;
}

export interface DialogAnswer {
  /** what the answer is typed as (`type "cart-api"`), when every other key is typed into it */
  typing?: string;
  keys: readonly DialogKey[];
}

/**
 * What a view does with the context names (and the namespace) its `:` line gives, declared
 * once per view so that no word is dropped (`:events staging checkout` showed every context):
 *   own       the factory reads them itself (`:ctx`, `:ns`, a table's `:events dev shop`)
 *   spans     the view spans the app's contexts and namespace (Problems, Flux, Pulses): the
 *             line's contexts and first free word narrow it alone, as `:pods dev shop` narrows
 *             a table, and the header names them
 *   contexts  the same for the contexts only; its free words are its own (`:changes 30m`,
 *             `:compare deploy/web`)
 *   none      (absent) a context word is refused: the view has no use for one (`-A` is
 *             still passed: `:ns all`)
 */
export type LineScope = 'own' | 'spans' | 'contexts';

export interface ViewFactory {
  /** palette names: the first is the canonical one */
  names: string[];
  help: string;
  lineScope?: LineScope;
  /**
   * How many free words (a namespace included) its line may have; more are refused, never
   * dropped (`:pods dev shop extra`). Absent: any number, the factory reads them all (`:logs`).
   */
  words?: number;
  /**
   * `args`: the line's free words (a namespace first); `scope.contexts`: the contexts the line
   * named by name or glob (`:ctx prod-eu`, `:pods prod-* shop`); `scope.allNamespaces`: `-A`
   * or `all` was given. A string is an error to show; undefined means the command did its
   * work without opening a view.
   */
  create(app: AppContext, args: string[], scope?: { contexts?: string[]; allNamespaces?: boolean }): View | string | undefined;
}

export const VIEWS = new Map<string, ViewFactory>();

export function registerView(f: ViewFactory): void {
  for (const n of f.names) VIEWS.set(n, f);
}
