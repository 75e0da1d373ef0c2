// The CLI's options resolved to a fleet without connecting: app config, kubeconfig (loaded
// once), contexts selected (names, globs, fleets). Kept apart from the store so the
// launcher can paint its first frame before the store and the kube client are loaded.
import { appConfigPath, loadAppConfig, type AppConfig } from '../config/app-config.js';
import { contextNames, loadKubeconfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { selectContexts, type ContextSelection } from '../kube/select.js';

export interface FleetOptions extends ContextSelection {
  kubeconfig?: string;
  /** an app config already loaded (tests, demo); else the user's file */
  config?: AppConfig;
}

export interface FleetSelection {
  contexts: string[];
  merged: MergedKubeconfig;
  config: AppConfig;
}

export function selectFleet(opts: FleetOptions, env: NodeJS.ProcessEnv = process.env): FleetSelection {
  const config = opts.config ?? loadAppConfig(appConfigPath(env));
  const merged = loadKubeconfig({ kubeconfig: opts.kubeconfig, env });
  const contexts = selectContexts(opts, contextNames(merged), merged.currentContext, config.fleets);
  return { contexts, merged, config };
}
