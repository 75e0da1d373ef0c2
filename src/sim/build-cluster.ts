// Builds one simulated cluster: a store serving every resource (with the CRD objects of
// the custom ones), a log source, the controllers on one runtime, and faults all off.
import { crdController } from './controllers/crds.js';
import type { AccessRule, SimCluster } from './cluster.js';
import { PodLogStore } from './podlogs.js';
import { builtinResources, crdManifest, crdResources } from './resources.js';
import { ClusterStore } from './store.js';
import { serveCrds } from './crds.js';
import { resourceKey } from '../model/types.js';
import type { Ctx } from './controllers/context.js';
import { type FluxContent, fluxController } from './controllers/flux.js';
import { garbageCollector, namespaceController } from './controllers/lifecycle.js';
import { volumeController } from './controllers/volumes.js';
import { operatorController } from './controllers/operators.js';
import { podController } from './controllers/pods.js';
import { Runtime } from './controllers/runtime.js';
import { EventRecorder } from './controllers/util.js';
import { cronJobController, daemonSetController, deploymentController, jobController, replicaSetController, statefulSetController } from './controllers/workloads.js';

export { createScenario, type ScaleOptions, type ScenarioName } from './scenarios/index.js';

export interface BuildOptions {
  name: string;
  user?: string;
  token?: string;
  access?: AccessRule[];
  /** generated log lines per second per container */
  logRate?: number;
  /** what containers log (default: realistic access/app lines) */
  logLines?: (image: string, seq: number) => string | Uint8Array;
  serverVersion?: SimCluster['serverVersion'];
  /** sim seconds per real second */
  speed?: number;
  /** sim time moves only through sim.runtime.advance() (tests) */
  manualClock?: boolean;
  /** the sim time at start, epoch ms (default: now): a scenario that settles its history
   * starts in the past (src/sim/controllers/runtime.ts SimClock) */
  startAt?: number;
  tickMs?: number;
  /** what the Flux sources contain */
  flux?: FluxContent;
}

/** A SimCluster plus the handles tests and scenarios use to drive it. */
export interface BuiltCluster extends SimCluster {
  runtime: Runtime;
  podLogs: PodLogStore;
  events: EventRecorder;
  flux: FluxContent;
}

export function buildCluster(opts: BuildOptions): BuiltCluster {
  const store = new ClusterStore();
  for (const r of builtinResources()) store.addResource(r);
  const crds = crdResources();
  for (const r of crds) {
    store.addResource(r);
    store.create('customresourcedefinitions.apiextensions.k8s.io', crdManifest(r));
  }
  for (const r of crds) {
    const name = `${r.resource}.${r.group}`;
    store.mutate('customresourcedefinitions.apiextensions.k8s.io', undefined, name, (crd) => {
      crd.status = {
        acceptedNames: (crd.spec as { names: unknown }).names,
        storedVersions: [r.version],
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: crd.metadata.creationTimestamp },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: crd.metadata.creationTimestamp },
        ],
      };
    }, { subresource: 'status' });
  }
  // CRDs applied from now on are served too (src/sim/crds.ts); the built-in kinds stay built in
  serveCrds(store, new Set(builtinResources().map((r) => resourceKey(r))));
  const logs = new PodLogStore({ rate: opts.logRate ?? 1, lines: opts.logLines });
  const runtime = new Runtime(store, logs, { speed: opts.speed, manualClock: opts.manualClock, tickMs: opts.tickMs, startAt: opts.startAt });
  const events = new EventRecorder(store);
  const flux: FluxContent = opts.flux ?? { git: {}, charts: {} };
  const ctx: Ctx = { store, logs, rt: runtime, events };
  for (const c of [
    podController(ctx),
    volumeController(ctx),
    replicaSetController(ctx),
    deploymentController(ctx),
    statefulSetController(ctx),
    daemonSetController(ctx),
    jobController(ctx),
    cronJobController(ctx),
    garbageCollector(ctx),
    namespaceController(ctx),
    fluxController(ctx, flux),
    operatorController(ctx),
    crdController(ctx),
  ]) {
    runtime.register(c);
  }
  const user = opts.user ?? `${opts.name}-admin`;
  return {
    name: opts.name,
    store,
    logs,
    podLogs: logs,
    token: opts.token ?? `sim-${opts.name}-${Math.random().toString(36).slice(2, 12)}`,
    user,
    access: opts.access ?? [],
    faults: { latencyMs: 0, hang: false, forbidAll: false },
    serverVersion: opts.serverVersion ?? { major: '1', minor: '31', gitVersion: 'v1.31.4' },
    runtime,
    events,
    flux,
    start: () => runtime.start(),
    stop: () => runtime.stop(),
  };
}
