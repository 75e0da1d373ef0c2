// The shell's state, shared by its parts (src/ui/app.ts wires them): the view stack, the
// selected contexts and namespace, the message line, the open prompt and the palette history.
// Plain data and the stack's own bookkeeping; nothing here draws or reads keys.
import type { View } from './view.js';

/** The `:` palette or the `/` filter being typed. */
export interface Prompt {
  kind: 'palette' | 'filter';
  text: string;
  /** the palette history entry up/down is on */
  history: number;
  /** the filter's value when `/` opened the line: esc puts it back (cancels the edit, as less's and vim's / do) */
  before?: string;
}

/** An action between its key and its dialog. */
export interface Preparing {
  label: string;
  cancel(): void;
  /** keys typed meanwhile, not run (the dialog says so when it opens) */
  dropped: string[];
}

/** The message line: `text` as shown (`(×2) …` when `base` came again), `at` epoch ms. */
export interface Message {
  text: string;
  base: string;
  repeat: number;
  kind: 'info' | 'error';
  at: number;
}

export interface ShellState {
  /** the contexts the views span */
  selected: string[];
  /** undefined: all namespaces */
  namespace: string | undefined;
  message?: Message;
  prompt?: Prompt;
  /** palette lines run, oldest first */
  history: string[];
  /**
   * An action whose plan is being prepared (its reads in flight: the Flux owner, the rollout
   * history): until its dialog shows, keys are not run (a `y` typed ahead would land on the
   * view under the coming dialog); esc cancels it.
   */
  preparing?: Preparing;
  /** set once the app quit: nothing draws or runs after */
  closed: boolean;
}

/** The views, bottom (the start view) to top (what is shown and takes keys). */
export class ViewStack {
  private readonly views: View[] = [];
  /** the view whose widgets are on the body (View.mount) */
  private mounted: View | undefined;

  top(): View | undefined {
    return this.views[this.views.length - 1];
  }

  get depth(): number {
    return this.views.length;
  }

  all(): readonly View[] {
    return this.views;
  }

  push(view: View): void {
    this.views.push(view);
  }

  /**
   * What `back` (esc) does now: clear the top view's `/` filter first, else close the top
   * view; nothing on the last view with no filter. The key handler and the footer both read it,
   * so that the footer offers back only where it works.
   */
  backStep(): 'filter' | 'view' | undefined {
    if (this.top()?.filter?.get()) return 'filter';
    return this.views.length > 1 ? 'view' : undefined;
  }

  /** Closes the top view unless it is the last one; false when nothing was popped. */
  pop(): boolean {
    if (this.views.length <= 1) return false;
    this.views.pop()?.close?.();
    return true;
  }

  /** Closes a view (a dialog) and everything pushed above it; false when it is not on the stack. */
  dismiss(view: View): boolean {
    const i = this.views.indexOf(view);
    if (i < 0) return false;
    for (const v of this.views.splice(i)) v.close?.();
    return true;
  }

  /** Closes every view (a top-level view replaces the stack, as in k9s). */
  clear(): void {
    while (this.views.length) this.views.pop()?.close?.();
  }

  /** Closes every view without emptying the stack (quit). */
  closeAll(): void {
    for (const v of this.views) v.close?.();
  }

  /** The top view, told whether it draws with widgets: a view drawn with widgets that is no longer on top takes them off. */
  mountTop(): View | undefined {
    const v = this.top();
    if (this.mounted && this.mounted !== v) this.mounted.unmount?.();
    this.mounted = v?.mount ? v : undefined;
    return v;
  }
}
