// `fleetdeck` and `fleetdeck demo`: configuration loaded and checked before the screen
// opens (a bad keymap or theme exits 2 with its file, line and key), then the app runs on a
// fleet store until quit; the store's connections are closed afterwards.
import { loadKeymap } from '../config/keymap.js';
import { loadTheme } from '../config/theme.js';
import { openFleet, type FleetOptions } from '../fleet/open.js';
import { installTerminalGuards, runApp } from './app.js';

export interface TuiOptions extends FleetOptions {
  namespace?: string;
  readonly?: boolean;
  keymap?: string;
  theme?: string;
  /** the start view, e.g. ':flux' or 'pods' */
  command?: string;
}

export async function launchTui(opts: TuiOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { fleet, contexts, config } = openFleet(opts, env);
  try {
    const keymap = loadKeymap(opts.keymap ?? config.keymap);
    const theme = loadTheme(opts.theme ?? config.theme);
    await runApp({
      store: fleet,
      contexts,
      namespace: opts.namespace,
      readonly: opts.readonly ?? false,
      protectedPattern: config.protected,
      keymap,
      theme,
      startCommand: opts.command?.replace(/^:/, ''),
      onScreen: (screen) => installTerminalGuards(screen),
    });
  } finally {
    await fleet.close();
  }
  return 0;
}
