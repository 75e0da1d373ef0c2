// A tiny, fully deterministic SimCluster for the HTTP tests: the resource catalog, a few
// namespaces, pods (single, multi-container, waiting, restarted), a Deployment, a
// Kustomization, and an in-memory PodLogSource the test writes lines into.
import type { ContainerRef, LogLine, PodLogSource, SimCluster } from '../../../src/sim/cluster.js';
import { builtinResources, crdResources } from '../../../src/sim/resources.js';
import { ClusterStore } from '../../../src/sim/store.js';
import type { KubeObject } from '../../../src/model/types.js';
import { waitUntil, type Truthy } from '../../helpers/wait.js';

export class MemoryLogs implements PodLogSource {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly subs = new Map<string, Set<(l: LogLine) => void>>();

  private id(ref: ContainerRef): string {
    return `${ref.namespace}/${ref.pod}/${ref.container}/${ref.previous ? 'prev' : 'cur'}`;
  }

  history(ref: ContainerRef): LogLine[] | undefined {
    return this.lines.get(this.id(ref));
  }

  subscribe(ref: ContainerRef, onLine: (line: LogLine) => void): () => void {
    const id = this.id(ref);
    const set = this.subs.get(id) ?? new Set();
    set.add(onLine);
    this.subs.set(id, set);
    return () => set.delete(onLine);
  }

  subscribers(ref: ContainerRef): number {
    return this.subs.get(this.id(ref))?.size ?? 0;
  }

  write(ref: ContainerRef, text: string, at = new Date()): LogLine {
    const line = { ts: at.toISOString().replace('Z', '000000Z').replace(/(\.\d{9})\d*Z$/, '$1Z'), text };
    const id = this.id(ref);
    const list = this.lines.get(id) ?? [];
    list.push(line);
    this.lines.set(id, list);
    for (const s of this.subs.get(id) ?? []) s(line);
    return line;
  }
}

const running = (name: string, restarts = 0, lastTerminated?: Record<string, unknown>): Record<string, unknown> => ({
  name,
  ready: true,
  restartCount: restarts,
  image: `${name}:1`,
  state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
  ...(lastTerminated ? { lastState: { terminated: lastTerminated } } : {}),
});

export function pod(ns: string, name: string, containers: string[], statuses: Record<string, unknown>[], extra: Partial<KubeObject> = {}): KubeObject {
  return {
    metadata: { name, namespace: ns, labels: { app: name.replace(/-\d+$/, '') } },
    spec: { nodeName: 'node-1', containers: containers.map((c) => ({ name: c, image: `${c}:1` })) },
    status: { phase: 'Running', podIP: '10.0.0.1', containerStatuses: statuses },
    ...extra,
  };
}

export interface TestCluster {
  cluster: SimCluster;
  logs: MemoryLogs;
}

export function testCluster(name = 'test', opts: { user?: string; denyResources?: string[]; denyNamespaces?: string[] } = {}): TestCluster {
  const store = new ClusterStore(1000);
  for (const r of [...builtinResources(), ...crdResources()]) store.addResource(r);
  for (const ns of ['default', 'shop', 'flux-system', 'secret-ns']) store.create('namespaces', { metadata: { name: ns } });
  store.create('pods', pod('shop', 'web-1', ['web'], [running('web')]));
  store.create('pods', pod('shop', 'web-2', ['web'], [running('web')]));
  store.create('pods', pod('shop', 'api-1', ['api', 'sidecar'], [running('api'), running('sidecar')], { metadata: { name: 'api-1', namespace: 'shop', labels: { app: 'api', tier: 'back' } } }));
  store.create(
    'pods',
    pod('shop', 'pending-1', ['app'], [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }], {
      status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
    }),
  );
  store.create(
    'pods',
    pod('default', 'crashy-1', ['app'], [
      {
        name: 'app',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date().toISOString() } },
      },
    ]),
  );
  store.create('pods', pod('secret-ns', 'hidden-1', ['app'], [running('app')]));
  store.create('deployments.apps', {
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] }] },
      },
    },
    status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  });
  store.create('kustomizations.kustomize.toolkit.fluxcd.io', {
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc' }] },
  });

  const logs = new MemoryLogs();
  const user = opts.user ?? 'alice';
  const cluster: SimCluster = {
    name,
    store,
    logs,
    token: `token-${name}`,
    user,
    access: opts.denyResources || opts.denyNamespaces ? [{ user, denyResources: opts.denyResources, denyNamespaces: opts.denyNamespaces }] : [],
    faults: { latencyMs: 0, hang: false, forbidAll: false },
    serverVersion: { major: '1', minor: '31', gitVersion: 'v1.31.4' },
    start: () => {},
    stop: () => {},
  };
  return { cluster, logs };
}

/** Polls until `fn` returns a truthy value or the deadline passes. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<Truthy<T>> {
  return waitUntil(what, fn, { timeoutMs });
}
