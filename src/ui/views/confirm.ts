// The confirm dialog of an action: the plan exactly as it will be sent (renderPlan: context,
// namespace, object(s), every request), and what confirms it: y/enter, or for protected
// contexts the object name (the count, for bulk) typed out. It takes raw keys, so typing a
// name never triggers a binding. Also the one-line input prompt (scale's replica count).
import { renderPlan } from '../../actions/render.js';
import type { Plan } from '../../actions/types.js';
import type { CommandId } from '../../commands/table.js';
import { editLine, escapeTags, paint, wrapTagged } from '../style.js';
import type { AppContext } from '../view.js';
import { TextView } from './text.js';

export interface ConfirmHandlers {
  confirm(typed: string): void;
  cancel(): void;
  /** tab: re-plan with a toggled option (reconcile --with-source); returns the new plan */
  toggle?: { label: string; on: boolean; run(): Plan };
  /** a line above the plan (why an alternative is offered) */
  lead?: string;
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

  /** A typed confirmation takes `w` as a letter of the name: no wrap toggle is offered then. */
  override get actions(): readonly CommandId[] {
    return this.plan.protected ? super.actions.filter((a) => a !== 'wrap') : super.actions;
  }

  /** Raw keys: the dialog owns the keyboard until it is answered. */
  takeKey(k: string, ch: string | undefined): boolean {
    const protectedPlan = this.plan.protected;
    if (k === 'esc') {
      this.handlers.cancel();
      return true;
    }
    if (k === 'enter') {
      if (!protectedPlan || this.typed === this.plan.confirmText) this.handlers.confirm(this.typed);
      else this.app.message(`type "${this.plan.confirmText}" to confirm, esc to cancel`, 'error');
      return true;
    }
    if (k === 'tab' && this.handlers.toggle) {
      this.plan = this.handlers.toggle.run();
      return true;
    }
    if (k === 'up' || k === 'down' || k === 'pageup' || k === 'pagedown') {
      return this.handle(k === 'pageup' ? 'page-up' : k === 'pagedown' ? 'page-down' : k);
    }
    if (protectedPlan) {
      this.typed = editLine(this.typed, k, ch) ?? this.typed;
      return true;
    }
    if (k === 'w') {
      this.toggleWrap();
      return true;
    }
    if (ch === 'y') this.handlers.confirm('');
    else if (ch === 'n') this.handlers.cancel();
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
    const toggle = this.handlers.toggle ? `   <tab> ${this.handlers.toggle.label}: ${this.handlers.toggle.on ? 'on' : 'off'}` : '';
    if (!this.plan.targets.some((pt) => !pt.refused && !pt.noop)) out.push(paint(t, 'message.error', 'nothing to send: every target is refused or already as asked   <esc> cancel'));
    else if (this.plan.protected) out.push(paint(t, 'prompt', `type "${this.plan.confirmText}" to confirm: ${this.typed}▏`) + escapeTags(`   <enter> confirm  <esc> cancel${toggle}`));
    else out.push(paint(t, 'prompt', '<y>/<enter> confirm  <esc> cancel') + escapeTags(toggle));
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

  override get actions(): readonly CommandId[] {
    return super.actions.filter((a) => a !== 'wrap');
  }

  takeKey(k: string, ch: string | undefined): boolean {
    if (k === 'esc') this.done(undefined);
    else if (k === 'enter') {
      if (this.accept.test(this.text)) this.done(this.text);
      else this.app.message(`not a valid answer: ${JSON.stringify(this.text)}`, 'error');
    } else this.text = editLine(this.text, k, ch) ?? this.text;
    return true;
  }

  protected lines(): string[] {
    const t = this.app.theme;
    return [...this.context.map(escapeTags), ...(this.context.length ? [''] : []), paint(t, 'prompt', `${this.question} ${this.text}▏`), '', escapeTags('<enter> ok  <esc> cancel')];
  }
}
