// The shell's header and footer, as lines of blessed-tagged text: header = the selected
// contexts with their badges, then the top view's title, status, scope, filter and READONLY;
// footer = key hints (globals, the view's own keys, the object commands that apply to its
// selection), then the prompt or the crumbs and the message. `gate` is the last step before
// blessed for every line the shell draws.
import { formatKeySeq, type Keymap } from '../config/keymap.js';
import type { Theme } from '../config/theme.js';
import { command, isMutation, KIND_SECTIONS, NAV_ACTIONS, type CommandId } from '../commands/table.js';
import type { FleetStore } from '../fleet/types.js';
import { displayWidth, escapeUnsafe, termLine } from '../model/sanitize.js';
import type { ShellState, ViewStack } from './app-state.js';
import { BADGE_ROLE, BADGE_SYMBOL, badgeOf } from './badges.js';
import { argumentHint, completions } from './palette.js';
import { cutTagged, escapeTags, fit, paint } from './style.js';

export interface ChromeDeps {
  store: FleetStore;
  theme: Theme;
  keymap: Keymap;
  readonly: boolean;
  state: ShellState;
  stack: ViewStack;
  /** the object commands that apply to the top view's selection, in table order */
  objectCommands(): CommandId[];
}

/** The first key bound to a command ('' when none). */
export function keysOf(keymap: Keymap, a: CommandId): string {
  return keymap.bindings[a].map(formatKeySeq)[0] ?? '';
}

/** the shortest a badge's text can be besides its context's name: ` ✓ NAME ready ` */
const BADGE_FLOOR = Math.min(...Object.keys(BADGE_SYMBOL).map((b) => b.length)) + 5;

/**
 * The header's two lines at `width` columns. Line 1 holds the badges that fit, then how many
 * selected contexts it leaves out (` … +N`: their states are the Fleet view's rows). A badge
 * reads its context's reflectors, so the ones that cannot fit are not computed (50 selected
 * contexts of ~150 kinds each: a frame read them all).
 */
export function headerLines(d: ChromeDeps, width: number): string[] {
  const { store, theme, state } = d;
  const statuses = new Map(store.contexts().map((s) => [s.name, s]));
  let line1 = paint(theme, 'header.title', ' fleetdeck ');
  let used = 11;
  for (const [i, c] of state.selected.entries()) {
    const b = used + BADGE_FLOOR + c.length <= width ? badgeOf(statuses.get(c), store.reflectors(c)) : undefined;
    const text = b ? ` ${BADGE_SYMBOL[b]} ${c} ${b} ` : '';
    if (!b || used + text.length > width) {
      line1 += escapeTags(` … +${state.selected.length - i}`);
      break;
    }
    line1 += paint(theme, BADGE_ROLE[b], text);
    used += text.length;
  }
  const v = d.stack.top();
  const filter = v?.filter?.get();
  // status first: it brings the view's rows (and its filter's verdict) up to date
  const status = v?.status?.() ?? '';
  // an invalid filter keeps no row: the header says so next to it (the view says why)
  const invalid = v?.filter?.error?.() !== undefined ? ' (invalid)' : '';
  // a dialog names what it is about: its own scope (a plan's targets), else the view it is over's
  const under = v?.dialog ? [...d.stack.all()].reverse().find((x) => !x.dialog) : undefined;
  const scope = v?.scope?.() ?? under?.scope?.();
  const ctx = scope?.contexts ? `  ctx:${scope.contexts.join(',')}` : '';
  // a cluster-scoped object's view, or one that reads no namespace (help), has none to name
  const ns = scope?.namespace === '' ? '' : `  ns:${scope?.allNamespaces ? 'all' : (scope?.namespace ?? state.namespace ?? 'all')}`;
  const left = ` ${v?.title() ?? ''} ${status}${ctx}${ns}${filter ? `  filter:/${filter}${invalid}` : ''}`;
  const ro = d.readonly ? ' READONLY ' : '';
  const line2 = paint(theme, 'header.scope', fit(left, Math.max(0, width - ro.length))) + (ro ? paint(theme, 'readonly', ro) : '');
  return [line1, line2];
}

/**
 * The footer's two lines at `width` columns. The object commands particular to the selection's
 * kind (KIND_SECTIONS) come right after the globals, before the keys every object has (yaml,
 * describe, events), which filled the line at 160 columns.
 */
export function footerLines(d: ChromeDeps, width: number): string[] {
  const { theme, state, stack } = d;
  const v = stack.top();
  const globals: CommandId[] = ['palette', 'filter', 'help', 'quit'];
  // globals first, so they stay visible at 80 columns; then the selection's kind's actions,
  // the view's own keys, the other object commands that apply to its selection (the command
  // table, src/commands/objects.ts), and last how the table is ordered and marked (sorts,
  // marks, wide): in the Flux view they filled the line and reconcile/suspend were never shown
  const own = (v?.actions ?? []).filter((a) => !NAV_ACTIONS.includes(a));
  const ordering = own.filter((a) => command(a).section === 'Table');
  const objects = d.objectCommands().filter((a) => !own.includes(a));
  const kindActions = objects.filter((a) => KIND_SECTIONS.has(command(a).section));
  // read-only: what the executor would refuse is not offered (the header says READONLY; help
  // lists those keys marked off), so every hint left is a key that works
  const acts = [
    ...globals, ...kindActions, ...own.filter((a) => !ordering.includes(a)), ...objects.filter((a) => !kindActions.includes(a)), ...ordering,
  ].filter((a) => !(d.readonly && isMutation(a)));
  let hints = '';
  let used = 0;
  const hint = (keys: string, label: string): boolean => {
    const text = `<${keys}> ${label} `;
    if (used + text.length > width) return false;
    hints += paint(theme, 'footer.key', `<${keys}>`) + paint(theme, 'footer.hint', ` ${label} `);
    used += text.length;
    return true;
  };
  // a dialog takes every key: the footer offers its own, as it declares them, and nothing else
  const dialog = v?.dialog?.();
  if (dialog) {
    if (dialog.typing !== undefined) {
      const lead = `${dialog.typing} · `;
      // the name typed is cluster text; the gate cuts the line at the width
      hints += paint(theme, 'footer.hint', escapeTags(lead));
      used += displayWidth(lead);
    }
    for (const k of dialog.keys) if (!hint(k.keys.join('>/<'), k.label)) break;
  }
  // in a sub-view q is "back" too: one hint per word, the first key that does it
  const said = new Set<string>();
  for (const a of dialog ? [] : acts) {
    const k = keysOf(d.keymap, a);
    // back only where it works: not on the top view with no filter to clear
    if (!k || (a === 'filter' && !v?.filter) || (a === 'back' && !stack.backStep())) continue;
    const label = a === 'quit' && stack.depth > 1 ? 'back' : (v?.hints?.[a] ?? command(a).title);
    if (said.has(label)) continue;
    said.add(label);
    if (!hint(k, label)) break;
  }
  let line2: string;
  const { prompt, message } = state;
  if (prompt) {
    const lead = prompt.kind === 'palette' ? ':' : '/';
    const hint = prompt.kind === 'palette' ? argumentHint(prompt.text) : undefined;
    const sugg = hint ? [hint] : prompt.kind === 'palette' ? completions(prompt.text, d.store, state.selected, { readonly: d.readonly }) : [];
    const input = `${lead}${prompt.text}▏`;
    line2 = paint(theme, 'prompt', input) + paint(theme, 'prompt.suggestion', fit(sugg.length ? `  ${sugg.join(' ')}` : '', Math.max(0, width - input.length)));
  } else {
    // titles hold object names (cluster text, any script): measured as drawn, in terminal columns
    const crumbs = termLine(` ${stack.all().map((s) => s.title()).join(' › ')} `);
    const used = Math.min(displayWidth(crumbs), width);
    const msg = message ? ` ${message.text}` : '';
    line2 = paint(theme, 'crumbs', fit(crumbs, used)) + (message ? paint(theme, message.kind === 'error' ? 'message.error' : 'message.info', fit(msg, Math.max(0, width - used))) : '');
  }
  return [hints, line2];
}

/** The last gate before blessed: views sanitize their text (escapeTags, fit); a control
 * character that got past a view anyway is shown escaped, never sent to the terminal. */
export function gate(lines: string[], width: number): string[] {
  // each line cut to the width: blessed would otherwise carry a long line's rest onto the next rows
  return lines.map((l) => cutTagged(escapeUnsafe(l), width));
}
