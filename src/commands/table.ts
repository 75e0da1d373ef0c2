// The command table: every command fleetdeck's keys, `:` palette and shell subcommands run,
// declared once. An entry says
//   id        what keymaps bind ("workload.rollback")
//   title     the footer label; `about` the longer text of help and docs/keymaps.md
//   section   the help screen's section
//   keys      its default keys in each built-in keymap (keymaps/*.json are generated from
//             these: `npm run keymaps`; a unit test refuses a file that differs)
//   by        who carries it out: the shell (quit, help, prompts, view switches), the current
//             view on what it shows (navigation, sorting, marks, the log view's own keys), or —
//             an object command — the shell on the selection of whichever view reports one
//             (View.selection: tables, Problems, Tree, Flux, History, Events on their involved
//             object, Outcomes)
//   needs     an object command's kind capability (src/model/kinds.ts) or 'any'
//   effect    what an object command does: open a view over the object, start a catalog action
//             (src/actions/catalog.ts plans it; the executor confirms, enforces read-only and
//             protected contexts, audits), or run a terminal session (shell, port-forward, edit)
//   asks      what it asks before planning
//   verbs     its `:` palette words (`:rollback`, `:scale 3`), run on the current selection
//   cli       its shell subcommands (`fleetdeck rollback deploy/web --to-revision 2`)
//   mutates   it changes the cluster or reaches into it (an action, a shell, a port-forward, an
//             edit): `--readonly` refuses it (the executor enforces that), so the footer, the
//             palette and help read this to leave it out or mark it off there
// Help (`?`), the footers, keymap loading and validation, key dispatch, the palette and the
// shell subcommands all read this table. Pure data and pure functions.
//
// Adding a command: one entry here, and for an action its plan function in the catalog
// (README "How to add a command").
import { KINDS, type Capability } from '../model/kinds.js';

export type Section = 'General' | 'Navigation' | 'Resource' | 'Table' | 'Flux' | 'Workload' | 'Logs' | 'Views';

/** The views an object command opens over the selected object. */
export type ObjectView = 'logs' | 'previous-logs' | 'tree' | 'yaml' | 'describe' | 'events' | 'history' | 'trace' | 'compare';
/** The terminal sessions and UI steps an object command runs (src/ui/objects.ts RUNNERS). */
export type ObjectRun = 'shell' | 'port-forward' | 'edit' | 'copy' | 'remove-finalizers';

/** What an object command does with the selection. */
export type ObjectEffect =
  /** opens a view over the first selected object (logs: over all of them) */
  | { view: ObjectView }
  /** starts a catalog action on every selected object (plan → confirm → execute) */
  | { action: string; /** used instead when every target is suspended (suspend ↔ resume) */ whenSuspended?: string }
  /** runs a session or UI step on the first selected object */
  | { run: ObjectRun };

/** One option of a shell subcommand, as data (src/cli.ts turns it into commander's). */
export interface CliOption {
  flags: string;
  description: string;
  /** the value is a whole number (0 or more) */
  int?: boolean;
  /** with int: the smallest value that means something (`--max-streams 1`); a smaller one is a usage error naming the option */
  min?: number;
  /** with int: -1 is taken too, for "no limit" (kubectl's and stern's `--tail -1`: every line) */
  minusOneIsAll?: boolean;
  required?: boolean;
  choices?: readonly string[];
  default?: string;
  /** may be given more than once: the values in a list */
  repeatable?: boolean;
}

/** A shell subcommand that runs a catalog action: `fleetdeck <name> KIND/NAME`. */
export interface CliCommand {
  name: string;
  description: string;
  options?: readonly CliOption[];
}

interface Base {
  id: string;
  title: string;
  about?: string;
  section: Section;
  /** default keys per built-in keymap; `vim` only where it differs from `default` */
  keys: { readonly default: readonly string[]; readonly vim?: readonly string[] };
}

export interface ShellCommand extends Base {
  by: 'shell';
}
export interface ViewCommand extends Base {
  by: 'view';
}
export interface ObjectCommand extends Base {
  by: 'object';
  needs: Capability | 'any';
  effect: ObjectEffect;
  /** on an Event row: the event itself (yaml, describe, delete); otherwise the object the event is about */
  self?: boolean;
  asks?: string;
  verbs?: readonly string[];
  /** the number its `:` words may take (`:scale 3`, `:rollback 2`; left out, the action asks or
   * takes its default) and the action option it sets; the palette shows `shape` after the word */
  verbArg?: { option: 'replicas' | 'toRevision'; shape: string };
  /**
   * its `:` words also run on kinds with this capability, as `about` says (`:shell` on a
   * Deployment: in the pod kubectl would pick); its keys keep `needs` alone, so that one key
   * stays one command per kind (`s` is scale on a workload)
   */
  verbNeeds?: { capability: Capability; about: string };
  cli?: readonly CliCommand[];
  /** it changes the cluster or reaches into it: refused under --readonly (see isMutation) */
  mutates?: true;
}
export type Command = ShellCommand | ViewCommand | ObjectCommand;

/** What `:shell` and `:port-forward` do on a workload row (verbNeeds 'attach'). */
const WORKLOAD_POD = 'on a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job: its most active pod, as kubectl picks it (ready and running first, fewer restarts, then the oldest)';

const SUSPEND_OWNER: CliOption = { flags: '--suspend-owner', description: 'a Flux-applied workload: suspend its Kustomization/HelmRelease first (resume it when done)' };

const TABLE = [
  // General: the shell's own
  { id: 'quit', title: 'quit', about: 'quit (from a sub-view: back, as esc; `:q` and ctrl-c always quit)', section: 'General', by: 'shell', keys: { default: ['q', 'ctrl-c'] } },
  { id: 'back', title: 'back', about: 'back (a view with a filter — a table, changes, logs: clear the filter first)', section: 'General', by: 'shell', keys: { default: ['esc'], vim: ['esc', 'h'] } },
  { id: 'help', title: 'help', section: 'General', by: 'shell', keys: { default: ['?'] } },
  { id: 'palette', title: 'command', about: 'the `:` command line: views, kinds, and commands on the selection (`:rollback`, `:scale 3`)', section: 'General', by: 'shell', keys: { default: [':'] } },
  { id: 'filter', title: 'filter', section: 'General', by: 'shell', keys: { default: ['/'] } },
  { id: 'contexts', title: 'pick contexts', section: 'General', by: 'shell', keys: { default: ['shift-x'] } },
  { id: 'namespaces', title: 'pick namespace', section: 'General', by: 'shell', keys: { default: ['shift-w'] } },
  {
    id: 'wrap', title: 'wrap lines', section: 'General', by: 'view', keys: { default: ['w'] },
    about: 'wrap long lines, the top line staying in place (text views: YAML, describe, help, compare, trace, outcomes, a row; dialogs wrap from the start); in tables and lists (Problems, tree, history, changes too), the selected row\'s full values under it, or in a view of their own when they do not fit there',
  },

  // Navigation: every list and text view
  { id: 'up', title: 'up', section: 'Navigation', by: 'view', keys: { default: ['up', 'k'] } },
  { id: 'down', title: 'down', section: 'Navigation', by: 'view', keys: { default: ['down', 'j'] } },
  { id: 'page-up', title: 'page up', section: 'Navigation', by: 'view', keys: { default: ['ctrl-b', 'pageup'] } },
  { id: 'page-down', title: 'page down', section: 'Navigation', by: 'view', keys: { default: ['ctrl-f', 'pagedown'] } },
  { id: 'half-page-up', title: 'half page up', section: 'Navigation', by: 'view', keys: { default: [], vim: ['ctrl-u'] } },
  { id: 'half-page-down', title: 'half page down', section: 'Navigation', by: 'view', keys: { default: [], vim: ['ctrl-d'] } },
  { id: 'top', title: 'top', section: 'Navigation', by: 'view', keys: { default: ['g', 'home'], vim: ['g g', 'home'] } },
  { id: 'bottom', title: 'bottom', section: 'Navigation', by: 'view', keys: { default: ['shift-g', 'end'] } },

  // Resource: object commands (and the views' own open / secret / warnings keys)
  { id: 'open', title: 'open', about: 'open: describe a row; expand a tree node; the diff of a revision; trace a change; use only that context (context picker)', section: 'Resource', by: 'view', keys: { default: ['enter'] } },
  { id: 'yaml', title: 'yaml', section: 'Resource', by: 'object', needs: 'any', self: true, effect: { view: 'yaml' }, keys: { default: ['y'] } },
  { id: 'describe', title: 'describe', section: 'Resource', by: 'object', needs: 'any', self: true, effect: { view: 'describe' }, keys: { default: ['d'] } },
  { id: 'events', title: 'events', section: 'Resource', by: 'object', needs: 'any', effect: { view: 'events' }, keys: { default: ['e'] } },
  { id: 'tree', title: 'tree', section: 'Resource', by: 'object', needs: 'any', effect: { view: 'tree' }, keys: { default: ['t'] } },
  {
    id: 'logs', title: 'logs', about: 'logs (marked rows merged; a Kustomization\'s or HelmRelease\'s: the pods of its inventory, in every view)', section: 'Resource', by: 'object', needs: 'logs',
    effect: { view: 'logs' }, keys: { default: ['l'] },
  },
  {
    id: 'history', title: 'rollout history', about: 'rollout history (Deployment, StatefulSet, DaemonSet, HelmRelease)', section: 'Resource', by: 'object', needs: 'history',
    effect: { view: 'history' }, keys: { default: ['h'], vim: ['shift-h'] },
  },
  { id: 'toggle-secret', title: 'reveal secret', about: 'a Secret\'s values decoded (binary values marked `<binary, N bytes>`), in its YAML view', section: 'Resource', by: 'view', keys: { default: ['x'] } },
  {
    id: 'pod.shell', mutates: true, title: 'shell', section: 'Resource', by: 'object', needs: 'exec', effect: { run: 'shell' }, asks: 'the container, when the pod has several',
    about: 'shell in a pod\'s container (container picker when several; the terminal is handed over, resize included, and taken back when the shell exits); on other rows `s` is scale; `:shell` on a workload runs in the pod `kubectl exec deploy/NAME` picks',
    keys: { default: ['s'] }, verbs: ['shell'], verbNeeds: { capability: 'attach', about: WORKLOAD_POD },
  },
  {
    id: 'pod.port-forward', mutates: true, title: 'port-forward', section: 'Resource', by: 'object', needs: 'port-forward', effect: { run: 'port-forward' }, asks: 'the pod port and the local one',
    about: 'port-forward a pod port (`:pf` lists forwards with bytes moved; `ctrl-d` there stops one); on other rows `shift-f` is HelmRelease force; `:port-forward` on a workload forwards to the pod kubectl picks',
    keys: { default: ['shift-f'] }, verbs: ['port-forward'], verbNeeds: { capability: 'attach', about: WORKLOAD_POD },
  },
  {
    id: 'logs.previous', title: 'previous logs', about: 'logs of the previous (crashed) container instances; in the log view: toggle', section: 'Resource', by: 'object', needs: 'logs',
    effect: { view: 'previous-logs' }, keys: { default: ['p'] },
  },
  {
    id: 'edit', mutates: true, title: 'edit', section: 'Resource', by: 'object', needs: 'any', self: true, effect: { run: 'edit' }, asks: 'the edited object, in $VISUAL/$EDITOR',
    about: 'edit in `$VISUAL`/`$EDITOR` (vi): the diff is the plan, applied with the resourceVersion read; a 409 conflict offers a re-edit',
    keys: { default: ['shift-e'] }, verbs: ['edit'],
  },
  {
    id: 'copy', title: 'copy', section: 'Resource', by: 'object', needs: 'any', self: true, effect: { run: 'copy' },
    about: 'copy to the clipboard over OSC 52: the selected objects\' names; in the YAML view the YAML as shown', keys: { default: ['c'] },
  },
  {
    id: 'finalizers.remove', mutates: true, title: 'remove finalizers', section: 'Resource', by: 'object', needs: 'any', self: true, effect: { run: 'remove-finalizers' }, asks: 'the typed confirmation, always',
    about: 'remove finalizers (typed confirmation always; for a namespace, every kind inside is listed first and the objects holding finalizers named)', keys: { default: ['ctrl-k'] }, verbs: ['remove-finalizers'],
  },
  { id: 'events.warnings', title: 'warnings only', about: 'events tables: warnings only (toggle)', section: 'Resource', by: 'view', keys: { default: ['shift-o'] } },
  {
    id: 'compare', title: 'compare contexts', about: 'compare the object across the selected contexts (`:compare KIND/NAME [ns]`)', section: 'Resource', by: 'object', needs: 'any',
    effect: { view: 'compare' }, keys: { default: ['v'] },
  },
  {
    id: 'trace', title: 'trace to source', about: 'trace the object up to its Flux object and source (`:trace KIND/NAME [ns]`)', section: 'Resource', by: 'object', needs: 'any',
    effect: { view: 'trace' }, keys: { default: ['o'] },
  },

  // Table: marks and order
  { id: 'mark', title: 'mark', section: 'Table', by: 'view', keys: { default: ['space'] } },
  { id: 'clear-marks', title: 'clear marks', section: 'Table', by: 'view', keys: { default: ['shift-m'] } },
  { id: 'toggle-wide', title: 'wide', about: 'wide (priority > 0 columns too; when narrow every column stays, squeezed instead of dropped)', section: 'Table', by: 'view', keys: { default: ['ctrl-w'] } },
  { id: 'sort-name', title: 'sort name', section: 'Table', by: 'view', keys: { default: ['shift-n'] } },
  { id: 'sort-age', title: 'sort age', section: 'Table', by: 'view', keys: { default: ['shift-a'] } },
  { id: 'sort-status', title: 'sort status', section: 'Table', by: 'view', keys: { default: ['shift-s'] } },
  { id: 'sort-context', title: 'sort context', section: 'Table', by: 'view', keys: { default: ['shift-c'] } },
  { id: 'sort-namespace', title: 'sort namespace', section: 'Table', by: 'view', keys: { default: ['shift-p'] } },

  // Flux: catalog actions
  {
    id: 'flux.reconcile', mutates: true, title: 'reconcile', section: 'Flux', by: 'object', needs: 'reconcile', effect: { action: 'reconcile' }, keys: { default: ['shift-r'] },
    asks: 'confirmation (tab: with source)', verbs: ['reconcile'],
    cli: [{
      name: 'reconcile', description: 'ask Flux to reconcile now and wait for the outcome',
      options: [
        { flags: '--with-source', description: 'reconcile the source (GitRepository, HelmChart, ...) first' },
        { flags: '--force', description: 'HelmRelease: force a one-off upgrade' },
        { flags: '--reset', description: 'HelmRelease: reset the failure counters' },
        { flags: '--resume-and-reconcile', description: 'resume a suspended object, then reconcile it' },
        // only a reconcile waits for an outcome: the other actions' plans end with their requests
        { flags: '--timeout <seconds>', description: 'how long to wait for the outcome (default 300, as the flux CLI)', int: true, min: 1 },
      ],
    }],
  },
  {
    id: 'flux.suspend', mutates: true, title: 'suspend/resume', about: 'suspend/resume (resume when every target is suspended)', section: 'Flux', by: 'object', needs: 'suspend',
    effect: { action: 'suspend', whenSuspended: 'resume' }, keys: { default: ['shift-t'] }, verbs: ['suspend', 'resume'],
    cli: [
      { name: 'suspend', description: 'suspend Flux reconciliation of an object (spec.suspend: true)' },
      { name: 'resume', description: 'resume Flux reconciliation of an object' },
    ],
  },
  { id: 'flux.force', mutates: true, title: 'force upgrade', about: 'force upgrade (HelmRelease)', section: 'Flux', by: 'object', needs: 'helm', effect: { action: 'force' }, keys: { default: ['shift-f'] }, verbs: ['force'] },
  { id: 'flux.reset', mutates: true, title: 'reset failures', about: 'reset failures (HelmRelease)', section: 'Flux', by: 'object', needs: 'helm', effect: { action: 'reset' }, keys: { default: ['shift-z'] }, verbs: ['reset'] },

  // Workload: catalog actions
  {
    id: 'workload.restart', mutates: true, title: 'restart', section: 'Workload', by: 'object', needs: 'restart', effect: { action: 'restart' }, keys: { default: ['r'] }, verbs: ['restart'],
    cli: [{ name: 'restart', description: 'rollout restart (kubectl.kubernetes.io/restartedAt)', options: [SUSPEND_OWNER] }],
  },
  {
    id: 'workload.scale', mutates: true, title: 'scale', section: 'Workload', by: 'object', needs: 'scale', effect: { action: 'scale' }, asks: 'the replica count (`:scale N` gives it)',
    keys: { default: ['s'] }, verbs: ['scale'], verbArg: { option: 'replicas', shape: '[N] replicas' },
    cli: [{
      name: 'scale', description: 'set the replicas of a Deployment, StatefulSet, ReplicaSet or a CR with /scale',
      options: [{ flags: '--replicas <n>', description: 'the new replica count', int: true, required: true }, SUSPEND_OWNER],
    }],
  },
  {
    id: 'workload.rollback', mutates: true, title: 'rollback', section: 'Workload', by: 'object', needs: 'rollback', effect: { action: 'rollback' },
    asks: 'nothing: the previous revision (`:rollback N` or the history view picks one)', keys: { default: ['shift-b'] }, verbs: ['rollback'],
    verbArg: { option: 'toRevision', shape: '[N] revision' },
    cli: [{
      name: 'rollback', description: 'roll a Deployment, StatefulSet or DaemonSet back as kubectl rollout undo does',
      options: [{ flags: '--to-revision <n>', description: 'the revision to go back to (default: the previous one)', int: true }, SUSPEND_OWNER],
    }],
  },
  {
    id: 'workload.delete', mutates: true, title: 'delete', about: 'delete (in `:pf`: stop the port-forward)', section: 'Workload', by: 'object', needs: 'any', self: true, effect: { action: 'delete' },
    keys: { default: ['ctrl-d'], vim: ['shift-d'] }, verbs: ['delete'],
    cli: [{
      name: 'delete', description: 'delete an object (finalizers that will hold it are shown)',
      options: [{ flags: '--cascade <policy>', description: 'propagation policy', choices: ['Background', 'Foreground', 'Orphan'], default: 'Background' }],
    }],
  },

  // Logs: the log view's own
  { id: 'logs.pause', title: 'pause', about: 'pause (log view)', section: 'Logs', by: 'view', keys: { default: ['s'] } },
  { id: 'logs.timestamps', title: 'timestamps', about: 'timestamps (log view)', section: 'Logs', by: 'view', keys: { default: ['t'] } },
  { id: 'logs.wrap', title: 'wrap', about: 'wrap (log view; every row of a wrapped line keeps its context/pod/container prefix; the ⚠ notices above the lines wrap too)', section: 'Logs', by: 'view', keys: { default: ['w'] } },
  { id: 'logs.json', title: 'json levels', about: 'json levels (log view)', section: 'Logs', by: 'view', keys: { default: ['shift-j'] } },
  {
    id: 'logs.save', title: 'save', about: 'save: asks for the file (default `$XDG_STATE_HOME/fleetdeck/logs/<target>-<time>.log`) and says where it wrote (log view)',
    section: 'Logs', by: 'view', keys: { default: ['ctrl-s'] },
  },
  { id: 'logs.clear', title: 'clear', about: 'clear (log view)', section: 'Logs', by: 'view', keys: { default: ['c'] } },
  { id: 'logs.copy', title: 'copy shown lines', about: 'copy the lines shown (as filtered) over OSC 52 (log view)', section: 'Logs', by: 'view', keys: { default: ['shift-y'] } },

  // Views: the shell switches to them
  { id: 'view.fleet', title: 'fleet', about: 'fleet (the home view)', section: 'Views', by: 'shell', keys: { default: ['0'] } },
  { id: 'view.problems', title: 'problems', section: 'Views', by: 'shell', keys: { default: ['1'] } },
  { id: 'view.flux', title: 'flux', section: 'Views', by: 'shell', keys: { default: ['2'] } },
  { id: 'view.changes', title: 'changes', about: 'changes: the fleet\'s timeline, newest first (`:changes [since]`)', section: 'Views', by: 'shell', keys: { default: ['3'] } },
] as const satisfies readonly Command[];

export type CommandId = (typeof TABLE)[number]['id'];

/** Every command, in help order. */
export const COMMANDS: readonly (Command & { id: CommandId })[] = TABLE;

const BY_ID = new Map<string, Command & { id: CommandId }>(COMMANDS.map((c) => [c.id, c]));

export function isCommandId(s: string): s is CommandId {
  return BY_ID.has(s);
}

export function command(id: CommandId): Command & { id: CommandId } {
  return BY_ID.get(id)!;
}

/** The object command of an id; undefined for shell and view commands. */
export function objectCommand(id: CommandId): (ObjectCommand & { id: CommandId }) | undefined {
  const c = BY_ID.get(id);
  return c?.by === 'object' ? (c as ObjectCommand & { id: CommandId }) : undefined;
}

/** True for a command `--readonly` refuses (the table's `mutates`): the one fact the footer, palette and help read. */
export function isMutation(id: CommandId): boolean {
  const c = BY_ID.get(id);
  return c?.by === 'object' && c.mutates === true;
}

/** Every object command, in table order. */
export const OBJECT_COMMANDS: readonly (ObjectCommand & { id: CommandId })[] = COMMANDS.filter((c): c is ObjectCommand & { id: CommandId } => c.by === 'object');

/** Every `:` word of an object command, in table order: what the palette completes and help lists. */
export const VERBS: readonly string[] = OBJECT_COMMANDS.flatMap((c) => c.verbs ?? []);

/** The object command a `:` word runs, and the catalog action it names (`:resume` → suspend's command, action resume). */
export function verbCommand(word: string): { cmd: ObjectCommand & { id: CommandId }; action?: string } | undefined {
  for (const c of OBJECT_COMMANDS) {
    if (!c.verbs?.includes(word)) continue;
    const e = c.effect;
    return { cmd: c, ...('action' in e ? { action: e.whenSuspended === word ? e.whenSuspended : e.action } : {}) };
  }
  return undefined;
}

/** Every shell subcommand that runs a catalog action, with the catalog action id (its name). */
export function cliCommands(): CliCommand[] {
  return OBJECT_COMMANDS.flatMap((c) => [...(c.cli ?? [])]);
}

/** The built-in keymaps: their name, base and description (the bindings come from the table). */
export const BUILTIN_KEYMAPS = [
  { name: 'default', description: 'k9s-familiar bindings' },
  { name: 'vim', extends: 'default', description: 'vim motions: half pages on ctrl-d/ctrl-u, gg to the top, h to go back' },
] as const;

export type BuiltinKeymap = (typeof BUILTIN_KEYMAPS)[number]['name'];

/** A command's keys in a built-in keymap. */
export function keysIn(c: Command, keymap: BuiltinKeymap): readonly string[] {
  return keymap === 'vim' ? (c.keys.vim ?? c.keys.default) : c.keys.default;
}

/** A built-in keymap file's content as the table declares it (keymaps/<name>.json). */
export function builtinKeymapFile(name: BuiltinKeymap): string {
  const meta = BUILTIN_KEYMAPS.find((k) => k.name === name)!;
  const bindings: Record<string, readonly string[]> = {};
  for (const c of COMMANDS) {
    // a keymap that extends another lists only what differs
    if ('extends' in meta && !c.keys.vim) continue;
    bindings[c.id] = keysIn(c, name);
  }
  const head = [`  "name": ${JSON.stringify(meta.name)},`, ...('extends' in meta ? [`  "extends": ${JSON.stringify(meta.extends)},`] : []), `  "description": ${JSON.stringify(meta.description)},`];
  // one line per command, as people read and edit keymaps
  const lines = Object.entries(bindings).map(([id, keys]) => `    ${JSON.stringify(id)}: ${JSON.stringify(keys).replace(/","/g, '", "')}`);
  return `{\n${head.join('\n')}\n  "bindings": {\n${lines.join(',\n')}\n  }\n}\n`;
}

/** The "Actions and the built-in bindings" table of docs/keymaps.md, from the table. */
export function keymapDocsTable(): string {
  const keys = (ks: readonly string[]) => (ks.length ? ks.map((k) => `\`${k}\``).join(', ') : '—');
  const rows = COMMANDS.map((c) => `| \`${c.id}\` | ${c.about ?? c.title} | ${c.section} | ${keys(keysIn(c, 'default'))} | ${keys(keysIn(c, 'vim'))} | ${isMutation(c.id) ? 'refused' : ''} |`);
  return ['| action id | what | section | default | vim | `--readonly` |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * The sections of the object commands particular to a kind (a Kustomization's reconcile and
 * suspend, a Deployment's restart and rollback), as against the keys every object has: the
 * footer offers them first, and a key none of whose commands applies speaks for the one of them.
 */
export const KIND_SECTIONS: ReadonlySet<Section> = new Set(['Flux', 'Workload']);

/** The kinds a capability is on, in the words the help's shared keys use: `shift-f` force upgrade (HelmReleases). */
const ON_KINDS: Record<Capability, string> = {
  logs: 'pods, workloads, Kustomizations, HelmReleases',
  history: 'Deployments, StatefulSets, DaemonSets, HelmReleases',
  rollback: 'Deployments, StatefulSets, DaemonSets',
  restart: 'Deployments, StatefulSets, DaemonSets',
  scale: 'kinds with /scale',
  suspend: 'Flux objects',
  reconcile: 'Flux objects',
  helm: 'HelmReleases',
  exec: 'pods',
  'port-forward': 'pods',
  attach: 'workloads',
};

/**
 * Where a command runs, as the help says it for a key bound to several: an object command's
 * kinds (`pods`), a log-view key's view; '' for what runs on any object or in any view.
 */
export function whereText(c: Command): string {
  if (c.by === 'object') return c.needs === 'any' ? '' : ON_KINDS[c.needs];
  return c.by === 'view' && c.section === 'Logs' ? 'log view' : '';
}

/** The movement keys every list and text view takes. */
export const NAV_ACTIONS: readonly CommandId[] = ['up', 'down', 'page-up', 'page-down', 'half-page-up', 'half-page-down', 'top', 'bottom'];

/** Rows a movement key moves for a page of `page` rows (±Infinity: to the end); undefined if it is not one. */
export function navDelta(action: CommandId, page: number): number | undefined {
  const moves: Partial<Record<CommandId, number>> = {
    up: -1, down: 1, 'page-up': -page, 'page-down': page, 'half-page-up': -Math.ceil(page / 2), 'half-page-down': Math.ceil(page / 2),
    top: -Infinity, bottom: Infinity,
  };
  return moves[action];
}

const WHY_NOT: Record<Capability, string> = {
  logs: 'has no pods (pods, workloads, Kustomizations and HelmReleases do)',
  history: 'has no rollout history (Deployments, StatefulSets, DaemonSets and HelmReleases do)',
  rollback: 'has no rollout history to roll back (Deployments, StatefulSets and DaemonSets do)',
  restart: 'cannot be restarted (Deployments, StatefulSets and DaemonSets can)',
  scale: 'has no /scale subresource',
  suspend: 'is not a Flux object that can be suspended',
  reconcile: 'is not a Flux object that reconciles',
  helm: 'is not a HelmRelease',
  exec: 'is not a pod (a shell runs in a pod\'s container)',
  'port-forward': 'is not a pod (port-forward connects to a pod\'s port)',
  attach: 'has no pod selector to pick a pod with (workloads do)',
};

/**
 * Why a command does not apply to a kind, in words for the message line; `verb`: it was asked
 * by its `:` word, which may take more kinds (verbNeeds) than its keys.
 */
export function whyNot(cmd: ObjectCommand, kind: string, verb = false): string {
  if (cmd.needs === 'any') return '';
  const why = `${cmd.title}: ${kind} ${WHY_NOT[cmd.needs]}`;
  if (!cmd.verbNeeds || !cmd.verbs?.length) return why;
  return verb ? `${why}; it ${WHY_NOT[cmd.verbNeeds.capability]}` : `${why}; :${cmd.verbs[0]} on a workload picks its pod`;
}

/**
 * Where a command can take a key, for keymap conflicts: in every view (the shell's commands
 * and the movement keys), in the log view only (its own keys), in the other views as their own
 * key (tables, text views), or on the selection of a view that reports one (object commands,
 * with the capability they need).
 */
export type KeyScope = { where: 'every' } | { where: 'log' } | { where: 'views' } | { where: 'objects'; needs: Capability | 'any' };

export function keyScope(c: Command & { id: CommandId }): KeyScope {
  if (c.by === 'shell' || NAV_ACTIONS.includes(c.id)) return { where: 'every' };
  if (c.by === 'object') return { where: 'objects', needs: c.needs };
  return c.section === 'Logs' ? { where: 'log' } : { where: 'views' };
}

/** True when some declared kind has both capabilities (src/model/kinds.ts): one object can be the target of both. */
function capabilitiesMeet(a: Capability | 'any', b: Capability | 'any'): boolean {
  if (a === 'any' || b === 'any' || a === b) return true;
  return KINDS.some((k) => k.can?.includes(a) && k.can.includes(b));
}

/**
 * True when one key bound to both commands would be ambiguous: some view could run either
 * (dispatch would silently take the first in table order). Commands of different views share
 * keys by design (`w` wraps a text view and the log view; `s` is a pod's shell, a workload's
 * scale and the log view's pause: no kind is both a pod and scalable).
 */
export function keysCollide(a: Command & { id: CommandId }, b: Command & { id: CommandId }): boolean {
  if (a.id === b.id) return false;
  const x = keyScope(a);
  const y = keyScope(b);
  if (x.where === 'every' || y.where === 'every') return true;
  if (x.where === 'objects' && y.where === 'objects') return capabilitiesMeet(x.needs, y.needs);
  if (x.where === 'log' || y.where === 'log') return x.where === y.where;
  // a view's own key and an object command: a view with a selection (a table, YAML) takes both
  return true;
}
