// `fleetdeck` and `fleetdeck demo`: configuration loaded and checked before the screen
// opens (a bad keymap or theme exits 2 with its file, line and key); then the shell is
// painted (header with the contexts connecting; keys typed from then on are queued, not
// echoed, and applied in order once the app is up), and only then are the app and the fleet
// store loaded (~70 modules, the kube client and undici) and the app run until quit; the
// store's connections are closed afterwards.
import { appConfigPath, loadAppConfig, type AppConfig } from '../config/app-config.js';
import { loadKeymap } from '../config/keymap.js';
import { loadTheme } from '../config/theme.js';
import type { OpenFleet } from '../fleet/open.js';
import { selectFleet, type SelectionOptions } from '../fleet/selection.js';
import type { KeyEvent } from './app.js';
import { installTerminalGuards, openScreen, paintShell } from './shell.js';
import { TerminalError, terminalProblem } from './terminal.js';
import { collectGarbage } from '../platform/heap.js';
import { fluxDefaultNamespace } from '../model/flux.js';

export interface TuiOptions extends SelectionOptions {
  /** an app config already loaded (tests, demo); else the user's file */
  config?: AppConfig;
  namespace?: string;
  readonly?: boolean;
  keymap?: string;
  theme?: string;
  /** the start view, e.g. ':flux' or 'pods' */
  command?: string;
}

/** Refuses a terminal the UI cannot draw on (TERM unset or dumb) with TerminalError, before anything starts. */
export function checkTerminal(env: NodeJS.ProcessEnv = process.env): void {
  const problem = terminalProblem(env);
  if (problem) throw new TerminalError(problem);
}

/** after the first lists are in, the interval between the scavenges that give back the young generation (see launchTui) */
const QUIET_MS = 6500;

export async function launchTui(opts: TuiOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  checkTerminal(env);
  const config = opts.config ?? loadAppConfig(appConfigPath(env));
  const selection = selectFleet(opts, config.fleets, env);
  // a flag over config.yaml's setting: a flag's path is relative to the working directory,
  // config.yaml's to config.yaml (it carries its file and line for that and for its errors)
  const keymap = loadKeymap(opts.keymap ?? config.keymap);
  const theme = loadTheme(opts.theme ?? config.theme);
  const screen = openScreen({ env });
  installTerminalGuards(screen);
  // from the first paint, keys are read (blessed puts the terminal in raw mode once a key
  // listener exists, so nothing typed is echoed) and queued until the app applies them
  const early: [string | undefined, KeyEvent][] = [];
  const queue = (ch: string | undefined, key: KeyEvent): void => {
    // ctrl-c while loading leaves at once, as SIGINT would have (the terminal guard restores it)
    if (key?.ctrl && key.name === 'c') process.kill(process.pid, 'SIGINT');
    else early.push([ch, key]);
  };
  screen.on('keypress', queue);
  const unpaint = paintShell(screen, theme, selection.contexts);
  // an error from here on is printed by the CLI, on the terminal as it was
  const leave: (e: unknown) => never = (e) => {
    screen.destroy();
    throw e;
  };
  const [{ openSelected }, { runApp }] = await Promise.all([import('../fleet/open.js'), import('./app.js')]).catch(leave);
  let opened: OpenFleet;
  try {
    opened = openSelected(selection, env, { tui: true, graceMs: config.watchGraceSeconds * 1000 });
  } catch (e) {
    leave(e);
  }
  const { fleet, contexts } = opened;
  // once every list started so far is in (synced, forbidden or failing: none still syncing),
  // one full collection: the garbage of the first LISTs goes (measured on one context of 10k
  // pods: RSS 165-169 MB instead of 175-188, 2 runs each, load average ~14)
  // Then two scavenges QUIET_MS apart: V8 gives back the young generation the LISTs grew (its
  // semi-spaces at 2 x 16 MB, all resident once the session has allocated through them) only
  // at a scavenge whose last 5 s of allocation were slow (< 1 MB/s), which an idle session
  // reaches by itself only after half a minute or more. The first scavenge starts that quiet
  // interval, the second ends it (measured on one context of 10k pods, RSS 20 s after the
  // table is whole: 124 MB instead of ~140).
  const quiet: NodeJS.Timeout[] = [];
  const firstLists = setInterval(() => {
    const rs = fleet.reflectors();
    if (!rs.length || rs.some((r) => r.phase === 'syncing')) return;
    clearInterval(firstLists);
    collectGarbage();
    for (const at of [QUIET_MS, 2 * QUIET_MS]) {
      const t = setTimeout(() => collectGarbage('minor'), at);
      t.unref();
      quiet.push(t);
    }
  }, 500);
  firstLists.unref();
  try {
    unpaint();
    await runApp({
      screen,
      store: fleet,
      contexts,
      namespace: opts.namespace,
      readonly: opts.readonly ?? false,
      fluxNamespace: fluxDefaultNamespace(env),
      protectedPattern: config.protected,
      keymap,
      theme,
      startCommand: opts.command?.replace(/^:/, ''),
      typeahead: () => {
        screen.off('keypress', queue);
        return early.splice(0);
      },
    });
  } finally {
    clearInterval(firstLists);
    for (const t of quiet) clearTimeout(t);
    await fleet.close();
  }
  return 0;
}
