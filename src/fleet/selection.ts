// The CLI's context options resolved to a fleet without connecting: kubeconfig (loaded once),
// contexts selected (names, globs, the named fleets the caller's app config defines). Kept
// apart from the store so the launcher can paint its first frame before the store and the
// kube client are loaded. Loading the app config is the front ends' (src/cli/open.ts, src/ui/launch.ts).
import { contextNames, loadKubeconfig, type MergedKubeconfig } from '../kube/kubeconfig.js';
import { selectContexts, type ContextSelection } from '../kube/select.js';

export interface SelectionOptions extends ContextSelection {
  kubeconfig?: string;
}

export interface FleetSelection {
  contexts: string[];
  merged: MergedKubeconfig;
}

/** `fleets`: the app config's named fleets (name → context names or globs). */
export function selectFleet(opts: SelectionOptions, fleets: Record<string, string[]>, env: NodeJS.ProcessEnv = process.env): FleetSelection {
  const merged = loadKubeconfig({ kubeconfig: opts.kubeconfig, env });
  const contexts = selectContexts(opts, contextNames(merged), merged.currentContext, fleets);
  return { contexts, merged };
}
