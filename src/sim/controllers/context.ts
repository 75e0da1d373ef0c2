// What every sim controller gets: the store, the logs, the runtime (clock, queues, timers)
// and the Event recorder.
import type { ClusterStore } from '../store.js';
import type { PodLogStore } from '../podlogs.js';
import type { Runtime } from './runtime.js';
import type { EventRecorder } from './util.js';

export interface Ctx {
  store: ClusterStore;
  logs: PodLogStore;
  rt: Runtime;
  events: EventRecorder;
}
