// The confirm dialog of an action: the plan exactly as it will be sent (renderPlan: context,
// namespace, object(s), every request), and what confirms it: y/enter, or for protected
// contexts the object name (the count, for bulk) typed out. It takes raw keys, so typing a
// name never triggers a binding. Also the one-line input prompt (scale's replica count).
import { actionable } from '../../actions/executor.js';
import { renderPlan } from '../../actions/render.js';
import type { Plan } from '../../actions/types.js';
import type { CommandId } from '../../commands/table.js';
import { editLine, escapeTags, paint, wrapTagged } from '../style.js';
import type { AppContext, DialogAnswer, DialogKey, ViewScope } from '../view.js';
import { TextView } from './text.js';

export interface ConfirmHandlers {
  confirm(typed: string): void;
  cancel(): void;
  /** tab: re-plan with a toggled option (reconcile --with-source); returns the new plan */
  toggle?: { label: string; on: boolean; run(): Plan };
  /** a line above the plan (why an alternative is offered) */
  lead?: string;
}


/** A dialog's keys as its answer line and the footer say them: `<y>/<enter> confirm  <esc> cancel`. */
export function dialogKeysText(keys: readonly DialogKey[]): string {
  return keys.map((k) => `${k.keys.map((x) => `<${x}>`).join('/')} ${k.label}`).join('  ');
}

/** Runs the declared key `k` of a dialog; false when it declares none. */
function runDeclared(answer: DialogAnswer, k: string): boolean {
  const hit = answer.keys.find((d) => d.keys.includes(k));
  hit?.run(k);
  return hit !== undefined;
}

export class ConfirmView extends TextView {
  private typed = '';

  constructor(
    app: AppContext,
    private plan: Plan,
    private readonly handlers: ConfirmHandlers,
  ) {
    super(app);
    // a plan is read before it is confirmed: long lines (bodies, messages) wrap from the start
    this.wrapped = true;
  }

  title(): string {
    return `confirm ${this.plan.label.toLowerCase()}`;
  }

  /** The plan's targets: their contexts, and their namespace when they share one (none named when they do not, or are cluster-scoped). */
  scope(): ViewScope {
    const targets = this.plan.targets.map((pt) => pt.target);
    const namespaces = new Set(targets.map((t) => t.namespace ?? ''));
    return { contexts: [...new Set(targets.map((t) => t.context))], namespace: namespaces.size === 1 ? [...namespaces][0] : '' };
  }

  /** Every key is the dialog's (dialog()): none of the keymap's commands runs while it is open. */
  override get actions(): readonly CommandId[] {
    return [];
  }

  private sendable(): boolean {
    return actionable(this.plan).length > 0;
  }

  /**
   * Its keys, once: y/enter confirm (a protected context: enter, once the name is typed; every
   * other key is typed, `w` too), esc (or n) cancels, tab toggles the plan's option, w wraps.
   * A plan with nothing to send can only be cancelled.
   */
  dialog(): DialogAnswer {
    const h = this.handlers;
    const cancel = (keys: string[]): DialogKey => ({ keys, label: 'cancel', run: () => h.cancel() });
    if (!this.sendable()) return { keys: [cancel(['esc']), ...this.scroll()] };
    const toggle: DialogKey[] = h.toggle ? [{ keys: ['tab'], label: `${h.toggle.label}: ${h.toggle.on ? 'on' : 'off'}`, run: () => void (this.plan = h.toggle!.run()) }] : [];
    if (this.plan.protected) {
      const confirm = (): void => {
        if (this.typed === this.plan.confirmText) h.confirm(this.typed);
        else this.app.message(`type "${this.plan.confirmText}" to confirm, esc to cancel`, 'error');
      };
      return { typing: `type "${this.plan.confirmText}"`, keys: [{ keys: ['enter'], label: 'confirm', run: confirm }, cancel(['esc']), ...this.scroll(), ...toggle] };
    }
    return { keys: [{ keys: ['y', 'enter'], label: 'confirm', run: () => h.confirm('') }, cancel(['esc', 'n']), ...this.scroll(), ...toggle, { keys: ['w'], label: 'wrap lines', run: () => this.toggleWrap() }] };
  }

  /** A plan taller than the screen: the keys that bring the rest into view (the header says where, `[1-18/30]`). */
  private scroll(): DialogKey[] {
    if (this.total <= this.height) return [];
    return [{ keys: ['down', 'up'], label: 'more', run: (k) => void this.handle(k === 'up' ? 'up' : 'down') }];
  }

  /** Raw keys: the dialog owns the keyboard until it is answered. */
  takeKey(k: string, ch: string | undefined): boolean {
    const answer = this.dialog();
    if (runDeclared(answer, k)) return true;
    // a page at a time too (the footer names the line keys only: the room is the answer's)
    if (k === 'pageup' || k === 'pagedown') return this.handle(k === 'pageup' ? 'page-up' : 'page-down');
    if (answer.typing !== undefined) this.typed = editLine(this.typed, k, ch) ?? this.typed;
    return true;
  }

  protected lines(width: number): string[] {
    const t = this.app.theme;
    const out: string[] = [];
    if (this.handlers.lead) out.push(paint(t, 'status.warn', this.handlers.lead), '');
    for (const l of renderPlan(this.plan).split('\n')) {
      const role = /^\s+refused:/.test(l) ? 'status.error' : /^\s+note:/.test(l) ? 'status.warn' : /^\s+(GET|PATCH|POST|PUT|DELETE) /.test(l) ? 'describe.label' : undefined;
      out.push(role ? paint(t, role, l) : escapeTags(l));
    }
    out.push('');
    const answer = this.dialog();
    const keys = dialogKeysText(answer.keys);
    if (!this.sendable()) out.push(paint(t, 'message.error', escapeTags(`nothing to send: every target is refused or already as asked   ${keys}`)));
    else if (answer.typing !== undefined) out.push(paint(t, 'prompt', `${answer.typing} to confirm: ${this.typed}▏`) + escapeTags(`   ${keys}`));
    else out.push(paint(t, 'prompt', escapeTags(keys)));
    return out;
  }

  override render(width: number, height: number): string[] {
    // the answer line (all its rows, when it wraps) stays visible however long the plan is; a
    // page is the plan's window
    this.width = width;
    const lines = this.lines(width);
    const fold = (ls: string[]): string[] => (this.wrapped ? ls.flatMap((l) => wrapTagged(l, width)) : ls);
    const answer = fold(lines.slice(-1));
    const body = fold(lines.slice(0, -1));
    this.height = Math.max(1, height - answer.length);
    // the header's `[1-18/30]` (status) and the dialog's scroll keys read these
    this.total = body.length + answer.length <= height ? 0 : body.length;
    if (body.length + answer.length <= height) return [...body, ...answer];
    this.top = Math.min(this.top, Math.max(0, body.length - this.height));
    return [...body.slice(this.top, this.top + this.height), ...answer];
  }
}

/** A one-line question with a typed answer (digits for a replica count). */
export class InputView extends TextView {
  private text = '';

  constructor(
    app: AppContext,
    private readonly question: string,
    private readonly accept: RegExp,
    private readonly done: (answer: string | undefined) => void,
    private readonly context: string[] = [],
  ) {
    super(app);
    // every key is typed (w too): the question and what it is about are read whole, wrapped
    this.wrapped = true;
  }

  title(): string {
    return 'input';
  }

  /** Every key is the dialog's (dialog()). */
  override get actions(): readonly CommandId[] {
    return [];
  }

  /** enter answers (a valid answer), esc cancels; every other key is typed into the answer. */
  dialog(): DialogAnswer {
    const ok = (): void => {
      if (this.accept.test(this.text)) this.done(this.text);
      else this.app.message(`not a valid answer: ${JSON.stringify(this.text)}`, 'error');
    };
    return { typing: 'type the answer', keys: [{ keys: ['enter'], label: 'ok', run: ok }, { keys: ['esc'], label: 'cancel', run: () => this.done(undefined) }] };
  }

  takeKey(k: string, ch: string | undefined): boolean {
    if (!runDeclared(this.dialog(), k)) this.text = editLine(this.text, k, ch) ?? this.text;
    return true;
  }

  protected lines(): string[] {
    const t = this.app.theme;
    return [...this.context.map(escapeTags), ...(this.context.length ? [''] : []), paint(t, 'prompt', `${this.question} ${this.text}▏`), '', escapeTags(dialogKeysText(this.dialog().keys))];
  }
}
