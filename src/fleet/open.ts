// From the CLI's options to a running fleet store: kubeconfig loaded once, app config read,
// contexts selected (names, globs, fleets), the store connecting in the background.
import { loadAppConfig, type AppConfig } from '../config/app-config.js';
import { loadKubeconfig, contextNames, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { selectContexts, type ContextSelection } from '../kube/select.js';
import { createFleetStore, type Fleet } from './store.js';

export interface FleetOptions extends ContextSelection {
  kubeconfig?: string;
  /** an app config already loaded (tests, demo); else the user's file */
  config?: AppConfig;
}

export interface OpenFleet {
  fleet: Fleet;
  contexts: string[];
  merged: MergedKubeconfig;
  config: AppConfig;
}

export function openFleet(opts: FleetOptions, env: NodeJS.ProcessEnv = process.env): OpenFleet {
  const config = opts.config ?? loadAppConfig();
  const merged = loadKubeconfig({ kubeconfig: opts.kubeconfig, env });
  const contexts = selectContexts(opts, contextNames(merged), merged.currentContext, config.fleets);
  const fleet = createFleetStore({ contexts, merged, env, graceMs: config.watchGraceSeconds * 1000 });
  return { fleet, contexts, merged, config };
}
