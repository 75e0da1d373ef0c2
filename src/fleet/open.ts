// From the CLI's options to a running fleet store: the fleet selected (src/fleet/selection.ts),
// the store connecting in the background.
import { selectFleet, type FleetOptions, type FleetSelection } from './selection.js';
import { createFleetStore, type Fleet } from './store.js';
import { join } from 'node:path';
import { cacheDir } from '../config/xdg.js';
import { diskDiscoveryCache } from '../kube/discovery-cache.js';

export type { FleetOptions } from './selection.js';

export interface OpenFleet extends FleetSelection {
  fleet: Fleet;
}

/** The store over a selection made already (the launcher paints between the two). */
export function openSelected(sel: FleetSelection, env: NodeJS.ProcessEnv = process.env, opts: { tui?: boolean } = {}): OpenFleet {
  // a full-screen UI owns the terminal: exec plugins get no stdin and their stderr is kept
  const client = { tuiOwnsTerminal: opts.tui === true, env };
  // discovery documents kept between runs as kubectl keeps them, revalidated by ETag on each start
  const cache = cacheDir(env);
  const discoveryCache = cache ? diskDiscoveryCache(join(cache, 'discovery')) : undefined;
  const fleet = createFleetStore({ contexts: sel.contexts, merged: sel.merged, env, graceMs: sel.config.watchGraceSeconds * 1000, client, discoveryCache });
  return { ...sel, fleet };
}

export function openFleet(opts: FleetOptions, env: NodeJS.ProcessEnv = process.env): OpenFleet {
  return openSelected(selectFleet(opts, env), env);
}
