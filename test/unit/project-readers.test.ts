// The cache keeps projected objects (src/kube/project.ts): only what is read. This holds the
// projection to that: for every object of the demo and hostile scenarios (every kind, every
// fault they stage), each column (wide view included), health verdict (alone and with the
// namespace's pods as related objects) and the pod readers of logs, exec, metrics and Pulses
// read the same from the projected copy as from the object the API serves.
import { describe, expect, it } from 'vitest';
import { project } from '../../src/kube/project.js';
import { containersOf } from '../../src/logs/targets.js';
import { cellColor, cellSortValue, cellText, columnsFor } from '../../src/model/columns.js';
import { health } from '../../src/model/health.js';
import { podStatusText } from '../../src/model/health/pod-status.js';
import { podResources } from '../../src/model/metrics.js';
import { restartTotal } from '../../src/model/pulses.js';
import { apiVersionOf, resourceKey, type KubeObject } from '../../src/model/types.js';
import { createScenario } from '../../src/sim/build-cluster.js';
import { execContainers } from '../../src/ui/triage.js';

const now = Date.parse('2030-01-01T00:00:00Z');

/** What the reflector does to a list item: kind and apiVersion set, then projected; the original untouched. */
function cached(o: KubeObject, kind: string, apiVersion: string, rk: string): KubeObject {
  const wire = JSON.parse(JSON.stringify(o)) as KubeObject;
  delete wire.kind;
  delete wire.apiVersion;
  wire.kind ??= kind;
  wire.apiVersion ??= apiVersion;
  return project(wire, rk);
}

const t0 = '2029-12-31T23:50:00Z';
const running = { running: { startedAt: t0 } };
/** Pod states the scenarios do not stage at creation: pending, initializing, sidecars, pull errors, evicted, terminating. */
const stagedPods: { spec: Record<string, unknown>; status: Record<string, unknown>; deletionTimestamp?: string }[] = [
  { spec: { containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available', lastTransitionTime: t0 }] } },
  { spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'True', lastTransitionTime: t0 }, { type: 'Ready', status: 'False', lastTransitionTime: t0 }, { type: 'PodScheduled', status: 'True', lastTransitionTime: t0 }], containerStatuses: [{ name: 'a', image: 'a:1', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }] } },
  { spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: t0 }], containerStatuses: [{ name: 'a', image: 'a:1', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "a:1"' } } }] } },
  {
    spec: { nodeName: 'n1', initContainers: [{ name: 'migrate', image: 'm:1' }, { name: 'proxy', image: 'p:1', restartPolicy: 'Always' }], containers: [{ name: 'a', image: 'a:1' }] },
    status: { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'False', lastTransitionTime: t0 }, { type: 'PodScheduled', status: 'True', lastTransitionTime: t0 }],
      initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: t0 } } }, { name: 'proxy', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] },
  },
  {
    spec: { nodeName: 'n1', initContainers: [{ name: 'migrate', image: 'm:1' }, { name: 'proxy', image: 'p:1', restartPolicy: 'Always' }], containers: [{ name: 'a', image: 'a:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True', lastTransitionTime: t0 }, { type: 'Ready', status: 'True', lastTransitionTime: t0 }, { type: 'PodScheduled', status: 'True', lastTransitionTime: t0 }],
      initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: t0 } } }, { name: 'proxy', ready: true, started: true, restartCount: 1, state: running, lastState: { terminated: { exitCode: 137, finishedAt: t0 } } }],
      containerStatuses: [{ name: 'a', ready: true, started: true, restartCount: 0, state: running }] },
  },
  { spec: { nodeName: 'n1', initContainers: [{ name: 'i', image: 'i:1' }], containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'True', lastTransitionTime: t0 }], initContainerStatuses: [{ name: 'i', ready: false, restartCount: 0, state: running }], containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] } },
  { spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t0 }] } },
  { spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t0 }, { type: 'ContainersReady', status: 'True' }], containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: running }] }, deletionTimestamp: t0 },
  { spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'a:1' }] }, status: { phase: 'Unknown', reason: 'NodeLost' } },
];

describe('projected objects read as the API serves them', () => {
  it('pods in every state the readers tell apart', () => {
    stagedPods.forEach((x, i) => {
      const o: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'shop', uid: `u${i}`, creationTimestamp: t0, ...(x.deletionTimestamp ? { deletionTimestamp: x.deletionTimestamp } : {}) }, spec: x.spec, status: x.status };
      const p = cached(o, 'Pod', 'v1', 'pods');
      for (const c of columnsFor({ group: '', kind: 'Pod' })) expect(cellText(c, p, now), `p${i} ${c.header}`).toBe(cellText(c, o, now));
      expect(health(p, { group: '', kind: 'Pod' }, { now }), `p${i}`).toEqual(health(o, { group: '', kind: 'Pod' }, { now }));
      expect(podStatusText(p), `p${i}`).toEqual(podStatusText(o));
      expect(execContainers(p), `p${i}`).toEqual(execContainers(o));
      expect(restartTotal([p]), `p${i}`).toBe(restartTotal([o]));
    });
  });

  for (const scenario of ['demo', 'hostile'] as const) {
    it(`${scenario}: every column, health verdict and pod reader`, () => {
      let pods = 0;
      let objects = 0;
      for (const cluster of createScenario(scenario)) {
        for (const rt of cluster.store.allResources()) {
          const rk = resourceKey(rt);
          const ref = { group: rt.group, kind: rt.kind };
          const columns = columnsFor(rt);
          for (const o of cluster.store.list(rk)) {
            const full: KubeObject = { ...o, kind: rt.kind, apiVersion: apiVersionOf(rt) };
            const p = cached(o, rt.kind, apiVersionOf(rt), rk);
            const at = `${cluster.name} ${rk} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
            objects++;
            for (const c of columns) {
              expect(cellText(c, p, now), `${at} ${c.header}`).toBe(cellText(c, full, now));
              expect(cellSortValue(c, p, now), `${at} ${c.header} sort`).toEqual(cellSortValue(c, full, now));
              expect(cellColor(c, p, now), `${at} ${c.header} colour`).toBe(cellColor(c, full, now));
            }
            expect(health(p, ref, { now }), at).toEqual(health(full, ref, { now }));
            expect(p.metadata.ownerReferences, at).toEqual(full.metadata.ownerReferences);
            expect(p.metadata.labels, at).toEqual(full.metadata.labels);
            if (rk === 'pods') {
              pods++;
              expect(podStatusText(p), at).toEqual(podStatusText(full));
              expect(containersOf(p, { initContainers: true }), at).toEqual(containersOf(full, { initContainers: true }));
              expect(execContainers(p), at).toEqual(execContainers(full));
              for (const which of ['requests', 'limits'] as const) expect(podResources(p, which), at).toEqual(podResources(full, which));
              expect(restartTotal([p]), at).toBe(restartTotal([full]));
            }
          }
          // workloads judged with their namespace's pods, as Problems and the tables judge them
          if (rk === 'pods') continue;
          for (const o of cluster.store.list(rk)) {
            const ns = o.metadata.namespace;
            if (!ns) continue;
            const related = cluster.store.list('pods', ns).map((x) => ({ ...x, kind: 'Pod', apiVersion: 'v1' }));
            const relatedCached = cluster.store.list('pods', ns).map((x) => cached(x, 'Pod', 'v1', 'pods'));
            const full: KubeObject = { ...o, kind: rt.kind, apiVersion: apiVersionOf(rt) };
            expect(health(cached(o, rt.kind, apiVersionOf(rt), rk), ref, { now, related: relatedCached }), `${rk} ${ns}/${o.metadata.name}`).toEqual(health(full, ref, { now, related }));
          }
        }
      }
      expect(pods).toBeGreaterThan(10);
      expect(objects).toBeGreaterThan(100);
    });
  }
});
