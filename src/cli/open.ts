// The shell front ends' fleet: the app config (given, or the user's file), the contexts it and
// the options select, the store over them.
import { appConfigPath, loadAppConfig, type AppConfig } from '../config/app-config.js';
import { openSelected, type OpenFleet as StoreOpen } from '../fleet/open.js';
import { selectFleet, type SelectionOptions } from '../fleet/selection.js';

export interface FleetOptions extends SelectionOptions {
  /** an app config already loaded (tests, demo); else the user's file */
  config?: AppConfig;
}

export interface OpenFleet extends StoreOpen {
  config: AppConfig;
}

export function openFleet(opts: FleetOptions, env: NodeJS.ProcessEnv = process.env): OpenFleet {
  const config = opts.config ?? loadAppConfig(appConfigPath(env));
  const sel = selectFleet(opts, config.fleets, env);
  return { ...openSelected(sel, env, { graceMs: config.watchGraceSeconds * 1000 }), config };
}
