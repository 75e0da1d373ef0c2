import { columnsFor } from '../../src/model/columns.js';
import { describe, expect, it } from 'vitest';
import { parseWatchLine, project } from '../../src/kube/project.js';
import type { KubeObject } from '../../src/model/types.js';

const mf = [{ manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:status': { 'k:{"type":"Ready"}': { '.': {} } } }, note: 'a ] and a } and \\" in a string' }];
const line = (obj: unknown): string => JSON.stringify({ type: 'MODIFIED', object: obj });

describe('parseWatchLine', () => {
  it('drops object.metadata.managedFields wherever it sits among the metadata keys', () => {
    for (const metadata of [
      { name: 'a', managedFields: mf, uid: 'u' },
      { managedFields: mf, name: 'a', uid: 'u' },
      { name: 'a', uid: 'u', managedFields: mf },
      { managedFields: mf },
    ]) {
      const ev = parseWatchLine(line({ kind: 'Pod', metadata, spec: { x: [1, { y: '}' }] } })) as { object: KubeObject };
      const { managedFields: _, ...rest } = metadata;
      expect(ev.object.metadata).toEqual(rest);
      expect(ev.object.spec).toEqual({ x: [1, { y: '}' }] });
    }
  });

  it('leaves a field of the same name anywhere but object.metadata', () => {
    const inSpec = { kind: 'X', metadata: { name: 'a' }, spec: { managedFields: mf } };
    expect((parseWatchLine(line(inSpec)) as { object: unknown }).object).toEqual(inSpec);
    const nested = { kind: 'X', spec: { template: { metadata: { managedFields: mf } } }, metadata: { name: 'a' } };
    expect((parseWatchLine(line(nested)) as { object: unknown }).object).toEqual(nested);
    const inString = { kind: 'X', metadata: { name: 'a', annotations: { note: '"managedFields":[1]' } } };
    expect((parseWatchLine(line(inString)) as { object: unknown }).object).toEqual(inString);
    const afterMetadata = { kind: 'X', metadata: { name: 'a', labels: { a: 'b' } }, status: { managedFields: [1] } };
    expect((parseWatchLine(line(afterMetadata)) as { object: unknown }).object).toEqual(afterMetadata);
  });

  it('parses lines without managedFields, and non-compact JSON, as JSON.parse does', () => {
    const o = { type: 'ADDED', object: { metadata: { name: 'a', managedFields: mf } } };
    expect(parseWatchLine(JSON.stringify(o, null, 1))).toEqual(o);
    expect(parseWatchLine('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}}')).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } });
    expect(() => parseWatchLine('{"type":"MODIFIED","object":{"metadata":{"managedFields":[')).toThrow(SyntaxError);
  });
});

describe('project', () => {
  it('drops managedFields and the last-applied annotation, keeping the object itself', () => {
    const o = { kind: 'ConfigMap', metadata: { name: 'a', managedFields: mf, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'y' } } } as unknown as KubeObject;
    const before = o;
    expect(project(o, 'configmaps')).toBe(before);
    expect(o.metadata).toEqual({ name: 'a', annotations: { keep: 'y' } });
  });

  it('drops Secret payloads only for secrets', () => {
    const s = { kind: 'Secret', metadata: { name: 's' }, data: { k: 'dg==' } } as unknown as KubeObject;
    expect(project(s, 'secrets').data).toBeUndefined();
    // issue 20 case 6: the key count stays for the DATA column, never a value
    const two = project({ kind: 'Secret', metadata: { name: 't' }, data: { username: 'dQ==', password: 'cA==' } } as unknown as KubeObject, 'secrets');
    expect(two.data).toBeUndefined();
    expect(JSON.stringify(two)).not.toMatch(/dQ==|cA==/);
    const rt = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', singular: 'secret', namespaced: true, verbs: [], shortNames: [], categories: [] };
    const data = columnsFor(rt).find((c) => c.id === 'data')!;
    expect(data.value(two, 0)).toBe('2');
    expect(data.value(project({ kind: 'Secret', metadata: { name: 'e' } } as unknown as KubeObject, 'secrets'), 0)).toBe('0');
    const c = { kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } } as unknown as KubeObject;
    expect(project(c, 'configmaps').data).toEqual({ k: 'v' });
  });
});

/** A pod as an API server sends it, with the fields no cache reader reads. */
function apiPod(name: string, owner = 'rs-uid-1', labels: Record<string, string> = { app: 'web', 'pod-template-hash': 'abc' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: owner, controller: true, blockOwnerDeletion: true }] },
    spec: {
      nodeName: 'node-1',
      volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      containers: [{ name: 'app', image: 'web:1', env: [{ name: 'A', value: 'b' }], ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '100m' } }, livenessProbe: { httpGet: { path: '/' } } }],
      initContainers: [{ name: 'proxy', image: 'proxy:1', restartPolicy: 'Always', volumeMounts: [{ name: 'token', mountPath: '/t' }] }],
    },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.1',
      podIP: '10.1.0.1',
      qosClass: 'Burstable',
      startTime: '2030-01-01T00:00:00Z',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2030-01-01T00:00:05Z' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [{ name: 'app', image: 'web:1', imageID: 'web@sha256:00', containerID: 'containerd://1', ready: true, started: true, restartCount: 2, state: { running: { startedAt: '2030-01-01T00:00:04Z' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2030-01-01T00:00:03Z' } } }],
      initContainerStatuses: [{ name: 'proxy', image: 'proxy:1', imageID: 'proxy@sha256:00', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2030-01-01T00:00:02Z' } }, lastState: {} }],
    },
  };
}

describe('project: pods', () => {
  it('keeps what the columns, health, logs, exec, port-forward and metrics read, and nothing else', () => {
    const p = project(apiPod('web-abc-1'), 'pods');
    expect(p).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: apiPod('web-abc-1').metadata,
      spec: {
        nodeName: 'node-1',
        containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '100m' } } }],
        initContainers: [{ name: 'proxy', image: 'proxy:1', restartPolicy: 'Always' }],
      },
      status: {
        phase: 'Running',
        podIP: '10.1.0.1',
        // Initialized is read while it has init containers; a True PodScheduled only while Pending
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True', lastTransitionTime: '2030-01-01T00:00:05Z' },
        ],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: '2030-01-01T00:00:03Z' } } }],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 0, state: { running: {} } }],
      },
    });
  });

  it('keeps the conditions read in the state the pod is in', () => {
    const types = (o: KubeObject): string[] => ((o.status as { conditions: { type: string }[] }).conditions).map((c) => c.type);
    const pending = apiPod('web-abc-9');
    const st = pending.status as { phase: string; initContainerStatuses?: unknown };
    st.phase = 'Pending';
    delete st.initContainerStatuses;
    expect(types(project(pending, 'pods'))).toEqual(['Ready', 'PodScheduled']);
    const unscheduled = apiPod('web-abc-10');
    (unscheduled.status as { conditions: unknown[] }).conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }, { type: 'Initialized', status: 'False' }];
    expect(types(project(unscheduled, 'pods'))).toEqual(['PodScheduled', 'Initialized']);
  });

  it('shares the parts equal to its sibling pods (same controller), never parts that differ', () => {
    const a = project(apiPod('web-abc-1'), 'pods');
    const b = project(apiPod('web-abc-2'), 'pods');
    expect(b.metadata.ownerReferences).toBe(a.metadata.ownerReferences);
    expect(b.metadata.labels).toBe(a.metadata.labels);
    expect((b.spec as { containers: unknown }).containers).toBe((a.spec as { containers: unknown }).containers);
    expect((b.status as { containerStatuses: unknown }).containerStatuses).toBe((a.status as { containerStatuses: unknown }).containerStatuses);
    // a restarted sibling keeps its own container statuses
    const restarted = apiPod('web-abc-4');
    ((restarted.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0]).restartCount = 5;
    const r = project(restarted, 'pods');
    expect((r.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0].restartCount).toBe(5);
    expect((a.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0].restartCount).toBe(2);
    // a pod with its own label (a StatefulSet's pod-name) keeps its own labels, equal parts still shared
    const c = project(apiPod('web-abc-3', 'rs-uid-1', { app: 'web', 'pod-template-hash': 'abc', extra: '3' }), 'pods');
    expect(c.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': 'abc', extra: '3' });
    expect(c.metadata.ownerReferences).toBe(a.metadata.ownerReferences);
    // another controller's pods share nothing with these
    const d = project(apiPod('other-1', 'rs-uid-2'), 'pods');
    expect(d.metadata.ownerReferences).not.toBe(a.metadata.ownerReferences);
    expect(d.metadata.ownerReferences?.[0].uid).toBe('rs-uid-2');
  });

  it('leaves other kinds whole but for managedFields and last-applied', () => {
    const rs = { kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: 'b' }] }], volumes: [] } } }, status: { replicas: 1 } } as unknown as KubeObject;
    expect(project(structuredClone(rs), 'replicasets.apps')).toEqual(rs);
  });
});

