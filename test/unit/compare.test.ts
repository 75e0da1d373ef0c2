import { describe, expect, it } from 'vitest';
import { compareExitCode, compareObjects, desiredState, flattenFields, type CompareInput } from '../../src/model/compare.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function deploy(image: string, opts: { replicas?: number; ready?: number; revision?: string; labels?: Record<string, string>; uid?: string; rv?: string; extraContainer?: boolean } = {}): KubeObject {
  const containers = [{ name: 'cart-api', image }, ...(opts.extraContainer ? [{ name: 'envoy', image: 'envoyproxy/envoy:v1.31.0' }] : [])];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'cart-api',
      namespace: 'checkout',
      uid: opts.uid ?? 'u1',
      resourceVersion: opts.rv ?? '100',
      generation: 3,
      creationTimestamp: '2025-12-01T00:00:00Z',
      labels: { app: 'cart-api', ...opts.labels },
      annotations: { 'deployment.kubernetes.io/revision': opts.revision ?? '2', 'kubernetes.io/change-cause': 'kubectl set image' },
      managedFields: [{ manager: 'kubectl', time: '2025-12-01T00:00:00Z' }],
    },
    spec: { replicas: opts.replicas ?? 3, selector: { matchLabels: { app: 'cart-api' } }, template: { metadata: { labels: { app: 'cart-api' } }, spec: { containers } } },
    status: {
      observedGeneration: 3,
      replicas: opts.replicas ?? 3,
      updatedReplicas: opts.replicas ?? 3,
      readyReplicas: opts.ready ?? opts.replicas ?? 3,
      availableReplicas: opts.ready ?? opts.replicas ?? 3,
      conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2025-12-01T00:00:00Z', lastUpdateTime: '2025-12-02T00:00:00Z' }],
    },
  };
}

const found = (context: string, object: KubeObject, extra: Partial<CompareInput> = {}): CompareInput => ({ context, presence: 'found', object, ...extra });
const REF = { kind: 'Deployment', namespace: 'checkout', name: 'cart-api' };

describe('compareObjects', () => {
  it('equal everywhere: noise (uid, resourceVersion, managedFields, generation, revision annotation, status times) is left out', () => {
    const r = compareObjects(REF, [found('dev', deploy('a:1', { uid: 'x', rv: '5', revision: '2' })), found('prod', deploy('a:1', { uid: 'y', rv: '999', revision: '7' }))], NOW);
    expect(r.fields).toEqual([]);
    expect(r.verdict).toBe('equal');
    expect(compareExitCode(r)).toBe(0);
    // the revision is a fact, shown and highlighted, but observed: not part of the verdict
    const rev = r.facts.find((f) => f.field === 'rollout revision')!;
    expect(rev).toMatchObject({ values: { dev: '2', prod: '7' }, differs: true, class: 'observed' });
    expect(r.observedDiffers).toBe(true);
  });

  it("names the differing image per container and the field path, and exits 1", () => {
    const r = compareObjects(REF, [found('dev', deploy('cart:1.5.0')), found('staging', deploy('cart:1.5.0')), found('prod-eu', deploy('cart:1.6.0-bad', { ready: 1 }))], NOW);
    expect(r.verdict).toBe('differ');
    expect(compareExitCode(r)).toBe(1);
    expect(r.facts.find((f) => f.field === 'image cart-api')).toMatchObject({ differs: true, values: { dev: 'cart:1.5.0', staging: 'cart:1.5.0', 'prod-eu': 'cart:1.6.0-bad' } });
    expect(r.facts.find((f) => f.field === 'replicas ready')).toMatchObject({ differs: true, values: { dev: '3', 'prod-eu': '1' } });
    expect(r.fields.map((f) => f.field)).toEqual(['spec.template.spec.containers[name=cart-api].image']);
    expect(r.facts.find((f) => f.field === 'health')!.values['prod-eu']).toMatch(/^InProgress: /);
  });

  it('a container present in one context only, labels and replicas differ', () => {
    const r = compareObjects(REF, [found('a', deploy('x:1', { replicas: 2, labels: { tier: 'web' } })), found('b', deploy('x:1', { extraContainer: true }))], NOW);
    const paths = r.fields.map((f) => f.field);
    expect(paths).toContain('spec.replicas');
    expect(paths).toContain('metadata.labels.tier');
    expect(paths).toContain('spec.template.spec.containers[name=envoy].image');
    expect(r.fields.find((f) => f.field === 'spec.template.spec.containers[name=envoy].image')!.values).toEqual({ a: undefined, b: 'envoyproxy/envoy:v1.31.0' });
    expect(r.facts.find((f) => f.field === 'image envoy')!.differs).toBe(true);
  });

  it('missing where the list was complete: differ; unknown (forbidden) alone: incomplete, never equal', () => {
    const missing = compareObjects(REF, [found('a', deploy('x:1')), { context: 'b', presence: 'missing' }], NOW);
    expect(missing.verdict).toBe('differ');
    expect(compareExitCode(missing)).toBe(1);
    const unknown = compareObjects(REF, [found('a', deploy('x:1')), found('c', deploy('x:1')), { context: 'b', presence: 'unknown', reason: 'forbidden' }], NOW);
    expect(unknown.verdict).toBe('incomplete');
    expect(compareExitCode(unknown)).toBe(2);
    expect(unknown.contexts).toContainEqual({ context: 'b', presence: 'unknown', reason: 'forbidden' });
    // a proven difference stays a difference even with a context unknown
    const both = compareObjects(REF, [found('a', deploy('x:1')), found('c', deploy('x:2')), { context: 'b', presence: 'unknown' }], NOW);
    expect(both.verdict).toBe('differ');
    expect(compareObjects(REF, [{ context: 'a', presence: 'missing' }, { context: 'b', presence: 'missing' }], NOW).verdict).toBe('absent');
    expect(compareObjects(REF, [{ context: 'a', presence: 'missing' }, { context: 'b', presence: 'unknown' }], NOW).verdict).toBe('incomplete');
  });

  it('Flux owner and source revision are facts; a different Git revision is a desired difference', () => {
    const ks = (rev: string): KubeObject => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '10m', sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
      status: { lastAppliedRevision: rev, lastAttemptedRevision: rev, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${rev}` }] },
    });
    const r = compareObjects(REF, [
      found('a', deploy('x:1'), { flux: { owner: ks('main@sha1:aaa') } }),
      found('b', deploy('x:1'), { flux: { owner: ks('main@sha1:bbb') } }),
      found('c', deploy('x:1'), { flux: { unknown: 'forbidden to list' } }),
    ], NOW);
    expect(r.facts.find((f) => f.field === 'flux owner')!.values).toEqual({ a: 'Kustomization/flux-system/apps', b: 'Kustomization/flux-system/apps', c: 'unknown (forbidden to list)' });
    expect(r.facts.find((f) => f.field === 'flux applied revision')).toMatchObject({ differs: true, values: { a: 'main@sha1:aaa', b: 'main@sha1:bbb' } });
    expect(r.verdict).toBe('differ');
  });

  it('any kind: a ConfigMap data difference; Service IPs and node ports are per-cluster noise', () => {
    const cm = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { LOG_LEVEL: v, 'config.yaml': 'a: 1\n' } });
    const r = compareObjects({ kind: 'ConfigMap', namespace: 'n', name: 'c' }, [found('a', cm('info')), found('b', cm('debug'))], NOW);
    expect(r.fields).toEqual([{ field: 'data.LOG_LEVEL', class: 'desired', values: { a: 'info', b: 'debug' }, differs: true }]);
    const svc = (ip: string, nodePort: number): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' }, spec: { type: 'NodePort', clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'http', port: 80, nodePort }] } });
    const s = compareObjects({ kind: 'Service', namespace: 'n', name: 's' }, [found('a', svc('10.0.0.1', 30001)), found('b', svc('10.9.9.9', 31999))], NOW);
    expect(s.fields).toEqual([]);
    expect(s.verdict).toBe('equal');
  });

  it('flattenFields keys named lists by name (reordering is no change) and quotes non-identifier keys', () => {
    const a = flattenFields({ spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }] }, metadata: { labels: { 'app.kubernetes.io/name': 'x' } } });
    const b = flattenFields({ spec: { containers: [{ name: 'b', image: '2' }, { name: 'a', image: '1' }] }, metadata: { labels: { 'app.kubernetes.io/name': 'x' } } });
    expect(Object.fromEntries(a)).toEqual(Object.fromEntries(b));
    expect(a.get('spec.containers[name=b].image')).toBe('2');
    expect(a.get('metadata.labels["app.kubernetes.io/name"]')).toBe('x');
    expect(flattenFields({ x: [], y: {}, z: null, n: 3 })).toEqual(new Map([['n', '3'], ['x', '[]'], ['y', '{}'], ['z', 'null']]));
  });

  it('desiredState drops status, identity and bookkeeping annotations', () => {
    const d = desiredState(deploy('x:1'));
    expect(Object.keys(d).sort()).toEqual(['metadata', 'spec']);
    expect(d.metadata).toEqual({ labels: { app: 'cart-api' }, annotations: { 'kubernetes.io/change-cause': 'kubectl set image' } });
  });
});
