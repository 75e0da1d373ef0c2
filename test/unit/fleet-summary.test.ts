import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderStatusTable } from '../../src/cli/status.js';
import { statusJson, summarizeContext } from '../../src/model/fleet-summary.js';
import { problems } from '../../src/model/problems.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const o = (name: string, rest: Record<string, unknown>): KubeObject => ({ metadata: { name, namespace: 'shop', creationTimestamp: '2024-04-01T00:00:00Z' }, ...rest });
const readyCond = (s: string) => ({ conditions: [{ type: 'Ready', status: s, reason: 'X', message: 'y', lastTransitionTime: '2024-05-01T11:00:00Z' }] });

const objects: Record<string, KubeObject[]> = {
  nodes: [o('n1', { status: readyCond('True') }), o('n2', { status: readyCond('False') })],
  pods: [
    o('a', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }),
    o('b', { status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }),
    o('c', { status: { phase: 'Pending' } }),
    o('d', { status: { phase: 'Failed', reason: 'Evicted' } }),
    o('e', { status: { phase: 'Succeeded' } }),
  ],
  'deployments.apps': [
    o('web', { spec: { replicas: 2 }, status: { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 } }),
    o('api', { spec: { replicas: 2 }, status: { replicas: 2, updatedReplicas: 2, readyReplicas: 0, availableReplicas: 0 } }),
  ],
  'cronjobs.batch': [o('backup', { spec: { suspend: true } })],
  'kustomizations.kustomize.toolkit.fluxcd.io': [o('apps', { status: readyCond('False') }), o('infra', { status: readyCond('True') }), o('paused', { spec: { suspend: true } })],
  'helmreleases.helm.toolkit.fluxcd.io': [o('podinfo', { status: readyCond('True') })],
  'clusters.postgresql.cnpg.io': [o('db', { status: { phase: 'Cluster in healthy state', instances: 3, readyInstances: 2 } })],
  'certificates.cert-manager.io': [o('tls', { status: readyCond('True') })],
  'configmaps': [o('cfg', {})],
  'roles.rbac.authorization.k8s.io': [o('r', {})],
};

describe('summarizeContext', () => {
  it('counts nodes, pods, workloads, Flux and CRs', () => {
    expect(summarizeContext(objects, NOW)).toEqual({
      nodes: { ready: 1, total: 2 },
      pods: { running: 2, pending: 1, succeeded: 1, failed: 1, unknown: 0, total: 5, failing: 1 },
      workloads: { total: 3, unhealthy: 1 },
      flux: { ready: 2, failed: 1, suspended: 1, total: 4 },
      crs: { total: 2, unhealthy: 1 },
    });
  });

  it('pods by the API\'s phase, adding up to the total; failing apart: Failed by health, not by phase', () => {
    const pod = (name: string, status?: Record<string, unknown>) => o(name, status ? { status } : {});
    const crash = { containerStatuses: [{ name: 'app', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] };
    const pods = summarizeContext({ pods: [
      pod('crash', { phase: 'Running', ...crash }),
      pod('pull', { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff' } } }] }),
      pod('evicted', { phase: 'Failed', reason: 'Evicted' }),
      pod('lost', { phase: 'Unknown' }),
      pod('new'), // no status yet: the API server makes every new pod Pending
      pod('odd', { phase: 'Weird' }),
      pod('constructor', { phase: 'constructor' }),
    ] }, NOW).pods;
    expect(pods).toEqual({ running: 1, pending: 2, succeeded: 0, failed: 1, unknown: 3, total: 7, failing: 2 });
    expect(pods.running + pods.pending + pods.succeeded + pods.failed + pods.unknown).toBe(pods.total);
  });

  it('accepts a Map and ignores junk values', () => {
    const m = new Map<string, KubeObject[]>([['pods', objects.pods], ['nodes', 'nope' as unknown as KubeObject[]]]);
    expect(summarizeContext(m, NOW).pods.total).toBe(5);
    expect(summarizeContext(m, NOW).nodes.total).toBe(0);
  });
});

describe('statusJson', () => {
  it('has a stable shape with nulls for what is unknown', () => {
    const rows = Object.entries(objects).flatMap(([resource, list]) => list.map((object) => ({ context: 'prod', resource, object })));
    const doc = statusJson(
      [
        { name: 'prod', state: 'ready', latencyMs: 12, serverVersion: 'v1.31.2', summary: summarizeContext(objects, NOW) },
        { name: 'dr', state: 'unreachable', lastError: 'dial tcp 10.0.0.1:6443: connect: connection refused' },
      ],
      problems(rows, NOW),
    );
    expect(Object.keys(doc)).toEqual(['contexts', 'problems', 'problemsComplete', 'healthy']);
    // dr was not read: its problems are not in the list, which is a lower bound
    expect(doc.problemsComplete).toBe(false);
    expect(doc.healthy).toBe(false);
    expect(doc.contexts[1]).toEqual({ name: 'dr', state: 'unreachable', latencyMs: null, serverVersion: null, nodes: null, pods: null, workloads: null, flux: null, crs: null, lastError: 'dial tcp 10.0.0.1:6443: connect: connection refused', coverage: null, sameClusterAs: null, sameClusterBasis: null });
    expect(doc.problems[0]).toEqual({ context: 'prod', kind: expect.any(String), namespace: 'shop', name: expect.any(String), status: 'Failed', severity: 'failed', reason: expect.any(String), since: expect.any(String), contexts: ['prod'] });
    expect(doc.problems.map((p) => p.name)).toContain('apps');
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('is healthy only when every context is ready and nothing is listed', () => {
    expect(statusJson([{ name: 'a', state: 'ready' }], []).healthy).toBe(true);
    expect(statusJson([{ name: 'a', state: 'degraded' }], []).healthy).toBe(false);
  });

  it('a count whose kinds are not whole is null, and the context is not healthy (issue 20: unknown is never fine)', () => {
    const coverage = { complete: false, syncing: ['deployments.apps'], forbidden: ['pods in kube-system'], failed: [] };
    const doc = statusJson([{ name: 'a', state: 'ready', summary: summarizeContext(objects, NOW), coverage, unknown: ['pods', 'deployments.apps'] }], []);
    expect(doc.contexts[0].pods).toBeNull();
    expect(doc.contexts[0].workloads).toBeNull();
    expect(doc.contexts[0].nodes).not.toBeNull();
    expect(doc.contexts[0].coverage).toEqual(coverage);
    expect(doc.healthy).toBe(false);
    // what was not read may hold problems: the list is a lower bound
    expect(doc.problemsComplete).toBe(false);
    expect(statusJson([{ name: 'a', state: 'ready', coverage: { ...coverage, complete: true, syncing: [], forbidden: [] } }], []).problemsComplete).toBe(true);
  });
});

describe('fleetdeck status table over a context not read whole', () => {
  // staging's user may not read kube-system: PROBLEMS (3) read as the whole count, the TUI said 3+
  it('says every count over the problems is a lower bound (3+), and exact once everything was read', () => {
    const rows = Object.entries(objects).flatMap(([resource, list]) => list.map((object) => ({ context: 'staging', resource, object })));
    const list = problems(rows, NOW);
    const report = (complete: boolean) => {
      const coverage = { complete, syncing: [], forbidden: complete ? [] : ['pods in kube-system'], failed: [] };
      return {
        json: statusJson([{ name: 'staging', state: 'ready', summary: summarizeContext(objects, NOW), coverage }], list),
        problems: list, sameCluster: new Map(), coverage: [],
        incomplete: new Map(complete ? [] : [['staging', 'pods forbidden in kube-system']]),
      };
    };
    const others = list.filter((p) => p.severity !== 'suspended').length;
    const suspended = list.length - others;
    expect(suspended).toBeGreaterThan(0);
    const partial = renderStatusTable(report(false), 1, new Chalk({ level: 0 }), NOW);
    expect(partial).toContain(`PROBLEMS (${list.length}+)`);
    expect(partial).toMatch(new RegExp(`^unhealthy: ${others}\\+ problems, ${suspended}\\+ suspended; unknown: staging: pods forbidden`, 'm'));
    const whole = renderStatusTable(report(true), 1, new Chalk({ level: 0 }), NOW);
    expect(whole).toContain(`PROBLEMS (${list.length})`);
    expect(whole).toMatch(new RegExp(`^unhealthy: ${others} problems, ${suspended} suspended`, 'm'));
  });
});
