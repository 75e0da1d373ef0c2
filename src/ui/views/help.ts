// The help screen, generated from the command table (src/commands/table.ts) and the active keymap.
import { formatKeySeq, type Keymap } from '../../config/keymap.js';
import { COMMANDS, isMutation, OBJECT_COMMANDS, whereText } from '../../commands/table.js';
import { escapeTags, paint } from '../style.js';
import { NO_NAMESPACE, VIEWS, type ViewScope } from '../view.js';
import { TextView } from './text.js';

/** What a command `--readonly` refuses says after its label: still listed, so its key is known, but seen to be off. */
export const READONLY_OFF = '(off: read-only)';

/** [keys or word, label, off]: off when read-only refuses the command (the table's `mutates`). */
export type HelpEntry = [string, string, boolean];

/** Sections of help entries, unbound commands left out. */
export function helpEntries(keymap: Keymap, readonly = false): Map<string, HelpEntry[]> {
  const out = new Map<string, HelpEntry[]>();
  for (const c of COMMANDS) {
    const seqs = keymap.bindings[c.id];
    if (!seqs.length) continue;
    const list = out.get(c.section) ?? [];
    const off = readonly && isMutation(c.id);
    list.push([seqs.map(formatKeySeq).join(', '), off ? `${c.title} ${READONLY_OFF}` : c.title, off]);
    out.set(c.section, list);
  }
  return out;
}

/**
 * The keys bound to several commands, each command with where it runs: `shift-f` port-forward
 * (pods) · force upgrade (HelmReleases). One key is one command per kind; this says which.
 * Read-only marks the ones it refuses, as the key sections do.
 */
export function sharedKeyEntries(keymap: Keymap, readonly = false): [string, string][] {
  const byKey = new Map<string, string[]>();
  for (const c of COMMANDS) {
    const where = whereText(c);
    const off = readonly && isMutation(c.id) ? ` ${READONLY_OFF}` : '';
    for (const seq of keymap.bindings[c.id]) {
      const k = formatKeySeq(seq);
      const list = byKey.get(k) ?? [];
      list.push(`${c.title}${where ? ` (${where})` : ''}${off}`);
      byKey.set(k, list);
    }
  }
  return [...byKey].filter(([, list]) => list.length > 1).map(([k, list]) => [k, list.join(' · ')]);
}

/** The `:` words that run an object command on the selection, with what each asks. */
export function verbEntries(readonly = false): HelpEntry[] {
  return OBJECT_COMMANDS.filter((c) => c.verbs?.length).map((c) => {
    const off = readonly && isMutation(c.id);
    return [
      `  :${c.verbs!.join(', :')}${c.verbArg ? ` ${c.verbArg.shape}` : ''}`,
      `${off ? `${READONLY_OFF} ` : ''}${c.title}${c.asks ? ` (asks ${c.asks})` : ''}${c.verbNeeds ? `; ${c.verbNeeds.about}` : ''}`,
      off,
    ];
  });
}

/** What the keymap cannot say: the confirm dialog's own keys and how health is read. */
const HELP_NOTES: [string, string[]][] = [
  ['Header badges', [
    '✓ ready  ● syncing  ▲ degraded  ✗ unreachable  ⊘ forbidden (nothing visible to this user)',
    '⊘ limited: ready, but RBAC hides some kinds or namespaces (watched namespace by namespace)',
    '… +N: N more selected contexts than the width holds; the Fleet view has a row for each',
  ]],
  ['Contexts (shift-x, :ctx)', [
    'the picker lists every kubeconfig context with its header badge; one the run has not connected says "not connected"',
    'enter uses that context alone (as k9s), space toggles it in the selection; :ctx NAME and :pods NAME reach any of them',
    'a context the run did not start with (--context prod-eu) is connected once selected or named, not before',
    'a view over one object (history, yaml, describe, tree) names its context and namespace in the header: ctx:prod-eu  ns:checkout',
    'a confirm dialog names its targets\' contexts and namespace there; :trace and :compare their own namespace (ns:all when searched)',
  ]],
  ['Knowledge states', [
    'each (context, kind, namespace) is synced (whole), syncing (not loaded yet), forbidden (RBAC: all, or some namespaces) or failed (why)',
    'shown where the numbers are: problems [7+, 2 failed · 2 kinds syncing] (7 or more, 2 of them failed), ? in a Fleet cell, a "not whole: ..." notice row, "events not loaded yet"',
    'a table\'s count over rows not whole (a context undiscovered, unreachable, forbidden, syncing) is a lower bound: pods [74+], [0+]',
    '  so are a tree\'s (:xray, t: xray deploy [53+], with "not whole: staging: … forbidden in kube-system"), history\'s and changes\'',
    'a view naming a kind opened before discovery (--command \':xray deploy\', :logs deploy/web) waits in place: "deploy": waiting for discovery of prod-eu',
    'a namespace scope a context does not have (a typo) says so under the table: "namespace chekout not found in dev"',
    '  Problems, Pulses and Fleet say it too: problems [namespace chekout not found in dev], never [0] or "no problems"',
    'a context that cannot be asked: Fleet cells and LATENCY ?, Pulses CPU/MEM ? (n/a: not served)',
    'nothing incomplete is shown as fine: no "0 bad", "no problems" or "<none>" over a set still syncing or forbidden',
    'two contexts of one cluster (same server and kube-system uid): counted once; Fleet PROBLEMS =prod-eu, Problems CONTEXT a,b',
  ]],
  ['Log view (l, :logs)', [
    ':logs -l app=web,!canary [query]: pods by label (kubectl\'s selector) in the view\'s namespace; with a query, pods both select',
    '⚠ lines say what is not tailed: a context whose pods are forbidden (the API\'s refusal) or whose list failed, failed streams, capped ones',
    'status [lines | N pods | live/all streams]: a pod count over a list not whole says why: 0 pods (forbidden: staging), 3+ pods (syncing: dev)',
    ':logs nope/.* over a namespace no context has says so, as fleetdeck logs does: namespace "nope" not found in dev (never 0 pods)',
  ]],
  ['Fleet columns', [
    'PODS R/P/F: pods by phase, Running/Pending/Failed (kubectl\'s status.phase); a CrashLoopBackOff pod is still Running',
    'PODS FAILING: pods Failed by health though not by phase: CrashLoopBackOff, image pull, config error, unschedulable',
  ]],
  ['Flux view (:flux)', [
    'LAST RECONCILE: the last reconcile\'s age / the interval (2m/10m); stale past twice the interval + 1m, where a field records',
    'every reconcile (a Ready Kustomization\'s history); ≤16m/60s: the status proves one that long ago, not that none came after',
    '(a retry on a dependency or source, a steady HelmRelease or source, leaves no trace): never stale',
  ]],
  ['Filter (/)', [
    'searches the visible columns (STATUS, REASON, MESSAGE...) and ctx/ns/name, case-insensitive; ages, CPU/MEM are not searched',
    'words: all must appear (substring)   "a phrase"   ~fuzzy or -f fuzzy: letters in order, best first (ranked)',
    '-l app in (a,b),!canary: kubectl label selector, ends where its grammar does (-l app web: app exists, word web)',
    '!text: inverse   the same meaning in every table (resources, Flux, Events, changes) and at every size',
    'a filter that does not parse (-l =, bare -l, open quote) shows no row: the header says (invalid), the table why',
    'esc while typing cancels the edit (the filter from before / comes back); esc again clears it',
  ]],
  ['Narrow terminals', [
    'tables keep identity (CONTEXT, NAMESPACE, NAME; KIND where kinds mix: Problems, Flux) and status (STATUS, READY, HEALTH,',
    'SUSPENDED, REASON, MESSAGE: a suspended object reads READY True); other columns give way',
    'by a priority declared with the columns: IP and NODE first, then CPU/MEM, AGE, counts; ctrl-w keeps all',
    'a KIND too wide for its column reads as kubectl\'s short name (hr, ks, gitrepo, helmrepo, hc, deploy), not a cut word (Hel…)',
    'w reads the selected row whole (tables, Problems, tree, history, changes): under it, or in a view of its own when longer than the room',
    'a text view taller than the screen (YAML, describe, help) says which rows show in its title: [41-80/312]',
  ]],
  ['Keymap (--keymap, ~/.config/fleetdeck/keymap.json)', [
    'one key may run several commands that no view runs together (s: shell on a pod, scale on a workload, pause in logs);',
    'a key bound to two commands one view could run, or a key that starts a longer sequence, is refused at start (file, key, both commands)',
  ]],
  ['Confirm dialog', [
    'y / enter confirm, esc / n cancel; on a protected context type the object name (the count, for bulk) first',
    'the footer offers the open dialog\'s (or prompt\'s) own keys and nothing else',
    'keys typed before the dialog shows (while the plan\'s reads are in flight) are not run; esc then cancels the action',
    'finalizer removal is typed on any context; the plan says which: "Protected context (prod-eu)" or "always typed, on any context"',
    'type the name as the screen shows it, in any script (a control in a name is typed as its visible escape, e.g. \\e)',
    'typing (here, in : and /): backspace a character, ctrl-w a word, ctrl-u the line',
    'tab: reconcile "with source"; rollback / scale of a Flux-applied workload: suspend its Flux owner first (a restart stands: Flux leaves fleetdeck\'s restartedAt)',
    'dialogs wrap from the start; w unwraps (a typed answer takes w as a letter: those stay wrapped)',
  ]],
  ['Health', [
    'kstatus rules (Current, InProgress, Failed, Terminating, NotFound, Unknown) plus Flux, cert-manager, CNPG,',
    'Prometheus, Strimzi and Argo CD rules. Beyond kstatus: Ready=False is Failed with its reason, as flux get shows READY False;',
    'a Flux object\'s too while Reconciling (its controller retries: a dependency or chart not ready, a failed build or install),',
    'HelmRelease and Kustomization alike. Ready=Unknown is InProgress; a pod in phase Failed is Failed. Suspended is its own state.',
  ]],
];

export class HelpView extends TextView {
  title(): string {
    return `help (${this.app.keymap.name})`;
  }

  /** over no namespace: the header names none */
  scope(): ViewScope {
    return NO_NAMESPACE;
  }

  protected lines(width: number): string[] {
    const t = this.app.theme;
    const out: string[] = [];
    const readonly = this.app.readonly;
    if (readonly) {
      out.push(paint(t, 'help.section', 'Read-only (--readonly)'), escapeTags(`  the commands marked ${READONLY_OFF} are refused (the executor says why); the footer and the : line do not offer them`), '');
    }
    const sections = helpEntries(this.app.keymap, readonly);
    const all = [...sections.values()].flat();
    // key column as wide as the longest binding ('ctrl-f, pagedown'), so keys never run into labels
    const keyWidth = Math.max(14, ...all.map(([k]) => k.length)) + 4;
    const colWidth = keyWidth + Math.max(16, ...all.map(([, l]) => l.length)) + 2;
    const perLine = Math.max(1, Math.floor(width / colWidth));
    for (const [section, entries] of sections) {
      out.push(paint(t, 'help.section', section));
      for (let i = 0; i < entries.length; i += perLine) {
        out.push(entries.slice(i, i + perLine).map(([k, l, off]) => paint(t, off ? 'status.muted' : 'help.key', `  ${k}`.padEnd(keyWidth)) + escapeTags(l.padEnd(colWidth - keyWidth))).join(''));
      }
      out.push('');
    }
    const shared = sharedKeyEntries(this.app.keymap, readonly);
    if (shared.length) {
      out.push(paint(t, 'help.section', 'Keys with several commands (the one for the selected row\'s kind runs)'));
      const sharedWidth = Math.max(...shared.map(([k]) => k.length)) + 4;
      for (const [k, l] of shared) out.push(paint(t, 'help.key', `  ${k}`.padEnd(sharedWidth)) + escapeTags(l));
      out.push('');
    }
    out.push(paint(t, 'help.section', 'Commands (:)'));
    const seen = new Set<string>();
    const commands: HelpEntry[] = [];
    for (const f of VIEWS.values()) {
      if (seen.has(f.names[0])) continue;
      seen.add(f.names[0]);
      commands.push([`  :${f.names.join(', :')}`, f.help, false]);
    }
    commands.push(['  :KIND [CTX-GLOB] [NS]', 'any resource: :pods, :deploy prod-*, :ks flux-system', false]);
    // object commands by name, on the current view's selection (the command table's verbs, as the palette completes them)
    commands.push(...verbEntries(readonly));
    // the command column as wide as its longest entry plus two spaces: names never run into their help
    const cmdWidth = Math.max(...commands.map(([c]) => c.length)) + 2;
    for (const [c, h, off] of commands) out.push(paint(t, off ? 'status.muted' : 'help.key', c.padEnd(cmdWidth)) + escapeTags(h));
    out.push('');
    for (const [section, text] of HELP_NOTES) {
      out.push(paint(t, 'help.section', section));
      for (const line of text) out.push(escapeTags(`  ${line}`));
      out.push('');
    }
    return out;
  }
}
