// Every action a key can trigger: its id (what keymaps bind), a human label and the help
// section it is listed under. Views declare which of these they handle; the help screen
// and the footer hints are generated from this table and the active keymap.

export interface ActionInfo {
  label: string;
  section: 'General' | 'Navigation' | 'Resource' | 'Table' | 'Flux' | 'Workload' | 'Logs' | 'Views';
}

export const ACTIONS = {
  quit: { label: 'quit', section: 'General' },
  back: { label: 'back', section: 'General' },
  help: { label: 'help', section: 'General' },
  palette: { label: 'command', section: 'General' },
  filter: { label: 'filter', section: 'General' },
  contexts: { label: 'pick contexts', section: 'General' },
  namespaces: { label: 'pick namespace', section: 'General' },
  wrap: { label: 'wrap lines', section: 'General' },

  up: { label: 'up', section: 'Navigation' },
  down: { label: 'down', section: 'Navigation' },
  'page-up': { label: 'page up', section: 'Navigation' },
  'page-down': { label: 'page down', section: 'Navigation' },
  'half-page-up': { label: 'half page up', section: 'Navigation' },
  'half-page-down': { label: 'half page down', section: 'Navigation' },
  top: { label: 'top', section: 'Navigation' },
  bottom: { label: 'bottom', section: 'Navigation' },

  open: { label: 'open', section: 'Resource' },
  yaml: { label: 'yaml', section: 'Resource' },
  describe: { label: 'describe', section: 'Resource' },
  events: { label: 'events', section: 'Resource' },
  tree: { label: 'tree', section: 'Resource' },
  logs: { label: 'logs', section: 'Resource' },
  history: { label: 'rollout history', section: 'Resource' },
  'toggle-secret': { label: 'reveal secret', section: 'Resource' },
  // before workload.scale and flux.force: on a pod row `s` is the shell and `F` the
  // port-forward (k9s); on other rows those views decline and the later binding acts
  'pod.shell': { label: 'shell', section: 'Resource' },
  'pod.port-forward': { label: 'port-forward', section: 'Resource' },
  'logs.previous': { label: 'previous logs', section: 'Resource' },
  edit: { label: 'edit', section: 'Resource' },
  copy: { label: 'copy', section: 'Resource' },
  'finalizers.remove': { label: 'remove finalizers', section: 'Resource' },
  'events.warnings': { label: 'warnings only', section: 'Resource' },
  compare: { label: 'compare contexts', section: 'Resource' },
  trace: { label: 'trace to source', section: 'Resource' },

  mark: { label: 'mark', section: 'Table' },
  'clear-marks': { label: 'clear marks', section: 'Table' },
  'toggle-wide': { label: 'wide', section: 'Table' },
  'sort-name': { label: 'sort name', section: 'Table' },
  'sort-age': { label: 'sort age', section: 'Table' },
  'sort-status': { label: 'sort status', section: 'Table' },
  'sort-context': { label: 'sort context', section: 'Table' },
  'sort-namespace': { label: 'sort namespace', section: 'Table' },

  'flux.reconcile': { label: 'reconcile', section: 'Flux' },
  'flux.suspend': { label: 'suspend/resume', section: 'Flux' },
  'flux.force': { label: 'force upgrade', section: 'Flux' },
  'flux.reset': { label: 'reset failures', section: 'Flux' },

  'workload.restart': { label: 'restart', section: 'Workload' },
  'workload.scale': { label: 'scale', section: 'Workload' },
  'workload.rollback': { label: 'rollback', section: 'Workload' },
  'workload.delete': { label: 'delete', section: 'Workload' },

  // the log view's own keys (src/ui/views/logs.ts LOG_ACTIONS)
  'logs.pause': { label: 'pause', section: 'Logs' },
  'logs.timestamps': { label: 'timestamps', section: 'Logs' },
  'logs.wrap': { label: 'wrap', section: 'Logs' },
  'logs.json': { label: 'json levels', section: 'Logs' },
  'logs.save': { label: 'save', section: 'Logs' },
  'logs.clear': { label: 'clear', section: 'Logs' },
  'logs.copy': { label: 'copy shown lines', section: 'Logs' },

  'view.fleet': { label: 'fleet', section: 'Views' },
  'view.problems': { label: 'problems', section: 'Views' },
  'view.flux': { label: 'flux', section: 'Views' },
  'view.changes': { label: 'changes', section: 'Views' },
} as const satisfies Record<string, ActionInfo>;

export type ActionId = keyof typeof ACTIONS;

export function isActionId(s: string): s is ActionId {
  return Object.prototype.hasOwnProperty.call(ACTIONS, s);
}

/** The movement keys every list and text view takes. */
export const NAV_ACTIONS: readonly ActionId[] = ['up', 'down', 'page-up', 'page-down', 'half-page-up', 'half-page-down', 'top', 'bottom'];

/** Rows a movement key moves for a page of `page` rows (±Infinity: to the end); undefined if it is not one. */
export function navDelta(action: ActionId, page: number): number | undefined {
  const moves: Partial<Record<ActionId, number>> = {
    up: -1, down: 1, 'page-up': -page, 'page-down': page, 'half-page-up': -Math.ceil(page / 2), 'half-page-down': Math.ceil(page / 2),
    top: -Infinity, bottom: Infinity,
  };
  return moves[action];
}
