// From a selection (src/fleet/selection.ts) to a running fleet store, connecting in the background.
import type { FleetSelection } from './selection.js';
import { join } from 'node:path';
import { cacheDir } from '../platform/xdg.js';
import { diskDiscoveryCache } from '../kube/discovery-cache.js';
import { createFleetStore, type Fleet } from './store.js';

export interface OpenFleet extends FleetSelection {
  fleet: Fleet;
}

/** The store over a selection made already (the launcher paints between the two). */
export function openSelected(sel: FleetSelection, env: NodeJS.ProcessEnv = process.env, opts: { tui?: boolean; graceMs?: number } = {}): OpenFleet {
  // a full-screen UI owns the terminal: exec plugins get no stdin and their stderr is kept
  const client = { tuiOwnsTerminal: opts.tui === true, env };
  // discovery documents kept between runs as kubectl keeps them, revalidated by ETag on each start
  const cache = cacheDir(env);
  const discoveryCache = cache ? diskDiscoveryCache(join(cache, 'discovery')) : undefined;
  const fleet = createFleetStore({ contexts: sel.contexts, merged: sel.merged, env, graceMs: opts.graceMs, client, discoveryCache });
  return { ...sel, fleet };
}
