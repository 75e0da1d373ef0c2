// The engine's OpenLog over the fleet store: each context's streams go through its one
// client (shared dispatcher, auth), via FleetStore.stream.
import type { FleetStore } from '../fleet/types.js';
import { openContainerLog } from '../kube/logs.js';
import type { OpenLog } from './types.js';

export function fleetLogOpener(store: Pick<FleetStore, 'stream'>): OpenLog {
  return (context, ref, opts, signal) => openContainerLog((req) => store.stream(context, req), ref, opts, signal);
}
