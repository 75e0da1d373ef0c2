// A one-shot read of the fleet for commands (`fleetdeck status`, `fleetdeck tree`): watch the
// kinds each context needs and wait until every one of those reflectors has either synced or
// failed for good (forbidden, unauthorized, unreachable), never past a deadline. A dead or
// hanging context costs the deadline at most and shows up as unreachable; it never hangs
// the command.
import { resourceKey, type ResourceType } from '../model/types.js';
import type { ContextStatus, FleetStore, ReflectorPhase, ReflectorStatus, Subscription } from './types.js';

/** Phases after which waiting longer does not change the answer. */
const SETTLED_PHASES: ReadonlySet<ReflectorPhase> = new Set(['synced', 'forbidden', 'unauthorized', 'unreachable', 'stopped']);

export interface SnapshotOptions {
  contexts: string[];
  /** what to watch in one context, from its discovery (queries or resourceKeys) */
  kinds(context: string, types: ResourceType[]): readonly string[];
  namespace?: string;
  /** the absolute time (epoch ms) after which we stop waiting */
  deadline: number;
}

export interface Watched {
  context: string;
  /** the resourceKey */
  resource: string;
  type: ResourceType;
  phase: ReflectorPhase | 'missing';
  reason?: string;
}

export interface Snapshot {
  /** contexts whose discovery finished */
  reachable: string[];
  /** contexts never discovered: their status as the store last saw it */
  unreachable: ContextStatus[];
  /** every (context, resource) watched, with its phase when the wait ended */
  watched: Watched[];
  /** true when the deadline ended the wait */
  timedOut: boolean;
  /** keeps the watches open until called (a second snapshot can reuse the caches) */
  close(): void;
}

function sleepUntil(deadline: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Resolves true when `settled` finished before the deadline. */
async function beforeDeadline(settled: Promise<unknown>, deadline: number): Promise<boolean> {
  const sleep = sleepUntil(deadline);
  try {
    return await Promise.race([settled.then(() => true), sleep.promise.then(() => false)]);
  } finally {
    sleep.cancel();
  }
}

function phaseOf(reflectors: ReflectorStatus[], w: Watched, namespace: string | undefined): ReflectorStatus | undefined {
  const ns = w.type.namespaced ? namespace : undefined;
  return reflectors.find((r) => r.context === w.context && r.resource === w.resource && r.namespace === ns);
}

export async function takeSnapshot(store: FleetStore, opts: SnapshotOptions): Promise<Snapshot> {
  let timedOut = !(await beforeDeadline(store.settled(), opts.deadline));
  const statuses = new Map(store.contexts().map((c) => [c.name, c]));
  const reachable = opts.contexts.filter((c) => statuses.get(c)?.discovered);
  const unreachable = opts.contexts
    .filter((c) => !statuses.get(c)?.discovered)
    .map((c) => statuses.get(c) ?? { name: c, state: 'unreachable' as const, lastError: 'not part of this run' });

  const subs: Subscription[] = [];
  const watched: Watched[] = [];
  for (const context of reachable) {
    const seen = new Set<string>();
    for (const query of opts.kinds(context, store.resources(context))) {
      const type = store.resolve(context, query);
      if (!type || !type.verbs.includes('list') || !type.verbs.includes('watch')) continue;
      const resource = resourceKey(type);
      if (seen.has(resource)) continue;
      seen.add(resource);
      subs.push(store.watch({ contexts: [context], resource, namespace: type.namespaced ? opts.namespace : undefined }));
      watched.push({ context, resource, type, phase: 'missing' });
    }
  }

  const refresh = (): boolean => {
    const reflectors = store.reflectors();
    let done = true;
    for (const w of watched) {
      const r = phaseOf(reflectors, w, opts.namespace);
      w.phase = r?.phase ?? 'missing';
      if (r?.reason) w.reason = r.reason;
      else delete w.reason;
      if (!r || !SETTLED_PHASES.has(r.phase)) done = false;
    }
    return done;
  };

  if (!refresh()) {
    let wake: () => void = () => undefined;
    const off = store.onChange(() => wake());
    const sleep = sleepUntil(opts.deadline);
    try {
      for (;;) {
        const changed = new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
        });
        const more = await Promise.race([changed, sleep.promise.then(() => false)]);
        if (refresh()) break;
        if (!more) {
          timedOut = true;
          break;
        }
      }
    } finally {
      off();
      sleep.cancel();
    }
  }

  return {
    reachable,
    unreachable,
    watched,
    timedOut,
    close: () => {
      for (const s of subs.splice(0)) s.close();
    },
  };
}
