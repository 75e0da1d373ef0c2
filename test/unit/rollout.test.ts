import { describe, expect, it } from 'vitest';
import { helmReleaseHistory, planRollback, rolloutHistory } from '../../src/model/rollout.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

function template(image: string, extraLabels: Record<string, string> = {}): KubeObject['spec'] {
  return {
    metadata: { labels: { app: 'web', ...extraLabels }, creationTimestamp: null },
    spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }], restartPolicy: 'Always' },
  };
}

function deployment(image: string, extra: { paused?: boolean; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'dep-uid',
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubernetes.io/change-cause': 'image v3',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        ...extra.annotations,
      },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(image),
      ...(extra.paused ? { paused: true } : {}),
    },
  };
}

function replicaSet(rev: number, image: string, hash: string, opts: { owner?: string; created?: string; labels?: Record<string, string>; cause?: string } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'shop',
      uid: `rs-${hash}`,
      creationTimestamp: opts.created ?? '2025-03-01T08:00:00Z',
      labels: opts.labels ?? { app: 'web', 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/revision': String(rev),
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
        ...(opts.cause ? { 'kubernetes.io/change-cause': opts.cause } : {}),
        'example.com/team': `team-${rev}`,
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: opts.owner ?? 'dep-uid', controller: true }],
    },
    spec: { replicas: rev === 3 ? 3 : 0, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: template(image, { 'pod-template-hash': hash }) },
    status: { replicas: rev === 3 ? 3 : 0, readyReplicas: rev === 3 ? 2 : 0 },
  };
}

const rs1 = replicaSet(1, 'web:v1', 'aaa111', { created: '2025-03-01T09:00:00Z' });
const rs2 = replicaSet(2, 'web:v2', 'bbb222', { created: '2025-03-01T10:00:00Z', cause: 'image v2' });
const rs3 = replicaSet(3, 'web:v3', 'ccc333', { created: '2025-03-01T11:00:00Z', cause: 'image v3' });
// not ours: another Deployment's, and one our selector does not match
const foreign = replicaSet(7, 'other:v1', 'ddd444', { owner: 'other-uid' });
const unselected = replicaSet(8, 'web:v8', 'eee555', { labels: { app: 'api' } });
const rss = [rs3, foreign, rs1, unselected, rs2];

describe('Deployment history', () => {
  it('lists its ReplicaSets by revision with change-cause, images, pods, age and the current one', () => {
    const h = rolloutHistory(deployment('web:v3'), { related: rss, now: NOW });
    expect(h.map((r) => [r.revision, r.name, r.changeCause, r.images.join(','), r.current, r.ageSeconds])).toEqual([
      [1, 'web-aaa111', '<none>', 'web:v1', false, 3 * 3600],
      [2, 'web-bbb222', 'image v2', 'web:v2', false, 2 * 3600],
      [3, 'web-ccc333', 'image v3', 'web:v3', true, 3600],
    ]);
    expect(h[2].pods).toEqual({ desired: 3, current: 3, ready: 2 });
    expect(h[0].template).toEqual(template('web:v1'));
  });
});

describe('Deployment rollback (kubectl rollout undo)', () => {
  it('to the previous revision: the JSON patch kubectl sends', () => {
    const plan = planRollback(deployment('web:v3'), rss);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan).toMatchObject({ targetRevision: 2, skipped: false, summary: 'roll back Deployment shop/web to revision 2' });
    expect(plan.requests).toEqual([{
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/shop/deployments/web',
      contentType: 'application/json-patch+json',
      body: [
        { op: 'replace', path: '/spec/template', value: template('web:v2') },
        {
          op: 'replace',
          path: '/metadata/annotations',
          value: {
            // the Deployment's bookkeeping, kept
            'deployment.kubernetes.io/revision': '3',
            'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
            // everything else from the ReplicaSet (not its revision/desired/max bookkeeping)
            'kubernetes.io/change-cause': 'image v2',
            'example.com/team': 'team-2',
          },
        },
      ],
    }]);
    expect(plan.diff).toContain('-    - image: web:v3');
    expect(plan.diff).toContain('+    - image: web:v2');
    expect(plan.diff?.split('\n').slice(0, 2)).toEqual(['--- current', '+++ revision 2']);
  });

  it('--to-revision picks that ReplicaSet; the RS change-cause replaces a missing one', () => {
    const plan = planRollback(deployment('web:v3'), rss, { toRevision: 1 });
    expect(plan.ok && plan.targetRevision).toBe(1);
    if (!plan.ok) return;
    const ops = plan.requests[0].body as { value: unknown }[];
    expect(ops[0].value).toEqual(template('web:v1'));
    expect(ops[1].value).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
      'example.com/team': 'team-1',
    });
  });

  it('an unknown revision, a negative one, and no history at all', () => {
    expect(planRollback(deployment('web:v3'), rss, { toRevision: 9 })).toEqual({ ok: false, error: 'unable to find specified revision 9 in history' });
    expect(planRollback(deployment('web:v3'), rss, { toRevision: -1 })).toEqual({ ok: false, error: 'unable to find specified revision -1 in history' });
    expect(planRollback(deployment('web:v3'), [rs3])).toEqual({ ok: false, error: 'no rollout history found for deployment "web"' });
  });

  it('refuses a paused Deployment with kubectl\'s message (no object name in it, as kubectl prints it)', () => {
    expect(planRollback(deployment('web:v3', { paused: true }), rss)).toEqual({
      ok: false,
      error: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    });
  });

  it('skips when the template already matches (hash label ignored), with kubectl\'s text', () => {
    const plan = planRollback(deployment('web:v3'), rss, { toRevision: 3 });
    expect(plan).toMatchObject({ ok: true, requests: [], skipped: true, targetRevision: 3, summary: 'skipped rollback (current template already matches revision 3)' });
    // kubectl prints the requested number: 0 when rolling back to "previous"
    const same = planRollback(deployment('web:v2'), [rs1, rs2, replicaSet(3, 'web:v2', 'fff666')]);
    expect(same).toMatchObject({ ok: true, skipped: true, targetRevision: 2, summary: 'skipped rollback (current template already matches revision 0)' });
  });
});

function sts(kind: 'StatefulSet' | 'DaemonSet', image: string, updateRevision?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'db', namespace: 'data', uid: `${kind}-uid` },
    spec: { selector: { matchLabels: { app: 'db' } }, template: template(image, { app: 'db' }) },
    ...(updateRevision ? { status: { updateRevision, currentRevision: updateRevision } } : {}),
  };
}

function revision(kind: string, rev: number, image: string, owner = `${kind}-uid`): KubeObject {
  const hash = `h${rev}${rev}${rev}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `db-${hash}`,
      namespace: 'data',
      uid: `cr-${kind}-${rev}`,
      creationTimestamp: `2025-03-01T0${rev}:00:00Z`,
      labels: { app: 'db', 'controller-revision-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'db', uid: owner, controller: true }],
    },
    data: { spec: { template: { ...(template(image, { app: 'db' }) as object), $patch: 'replace' } } },
    revision: rev,
  };
}

function pod(kind: string, name: string, hashLabel: string, ready: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace: 'data', uid: `pod-${name}`,
      labels: { app: 'db', 'controller-revision-hash': hashLabel },
      ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'db', uid: `${kind}-uid`, controller: true }],
    },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe.each(['StatefulSet', 'DaemonSet'] as const)('%s history and rollback', (kind) => {
  const crs = [revision(kind, 3, 'db:v3'), revision(kind, 1, 'db:v1'), revision(kind, 2, 'db:v2'), revision(kind, 5, 'x:v5', 'someone-else')];
  const w = sts(kind, 'db:v3', kind === 'StatefulSet' ? 'db-h333' : undefined);

  it('history: ControllerRevisions ordered by .revision, pods counted per revision, current marked', () => {
    const pods = [pod(kind, 'db-0', kind === 'StatefulSet' ? 'db-h333' : 'h333', true), pod(kind, 'db-1', kind === 'StatefulSet' ? 'db-h333' : 'h333', false), pod(kind, 'db-2', kind === 'StatefulSet' ? 'db-h222' : 'h222', true)];
    const h = rolloutHistory(w, { related: crs, pods, now: NOW });
    expect(h.map((r) => [r.revision, r.name, r.images.join(','), r.current, r.pods.current, r.pods.ready, r.changeCause])).toEqual([
      [1, 'db-h111', 'db:v1', false, 0, 0, '<none>'],
      [2, 'db-h222', 'db:v2', false, 1, 1, '<none>'],
      [3, 'db-h333', 'db:v3', true, 2, 1, '<none>'],
    ]);
    expect(h[0].ageSeconds).toBe(11 * 3600);
  });

  it('previous: the revision data as a strategic merge patch', () => {
    const plan = planRollback(w, crs);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.targetRevision).toBe(2);
    expect(plan.requests).toEqual([{
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/data/${kind.toLowerCase()}s/db`,
      contentType: 'application/strategic-merge-patch+json',
      body: crs[2].data,
    }]);
    expect(plan.diff).toContain('+    - image: db:v2');
    expect(plan.diff).not.toContain('$patch');
  });

  it('--to-revision 1, and unknown revisions', () => {
    const plan = planRollback(w, crs, { toRevision: 1 });
    expect(plan.ok && plan.requests[0].body).toEqual(crs[1].data);
    expect(planRollback(w, crs, { toRevision: 5 })).toEqual({ ok: false, error: 'unable to find specified revision 5 in history' });
  });

  it('skips when the current template equals the revision', () => {
    expect(planRollback(w, crs, { toRevision: 3 })).toMatchObject({
      ok: true, requests: [], skipped: true, summary: 'skipped rollback (current template already matches revision 3)',
    });
  });

  it('no last revision with a single one; a paused flag does not matter', () => {
    expect(planRollback(w, [crs[0]])).toEqual({ ok: false, error: 'no last revision to roll back to' });
    const paused = { ...w, spec: { ...(w.spec as object), paused: true } };
    expect(planRollback(paused, crs).ok).toBe(true);
  });
});

describe('other kinds', () => {
  it('refuses kinds kubectl has no rollbacker for', () => {
    const rs = replicaSet(1, 'a', 'zzz');
    expect(planRollback(rs, [])).toEqual({ ok: false, error: 'no rollbacker has been implemented for "ReplicaSet"' });
    expect(rolloutHistory(rs, { related: [] })).toEqual([]);
  });
});

describe('HelmRelease history', () => {
  it('status.history newest first, the first one current', () => {
    const hr = {
      kind: 'HelmRelease',
      metadata: { name: 'redis', namespace: 'shop' },
      status: {
        history: [
          { name: 'redis', namespace: 'shop', version: 4, status: 'failed', chartName: 'redis', chartVersion: '19.0.1', appVersion: '7.2.4', firstDeployed: '2025-03-01T10:00:00Z', lastDeployed: '2025-03-01T10:00:00Z', digest: 'sha256:abc' },
          { name: 'redis', namespace: 'shop', version: 3, status: 'superseded', chartName: 'redis', chartVersion: '18.6.0' },
          'garbage',
        ],
      },
    };
    expect(helmReleaseHistory(hr)).toEqual([
      { version: 4, status: 'failed', chartName: 'redis', chartVersion: '19.0.1', appVersion: '7.2.4', firstDeployed: '2025-03-01T10:00:00Z', lastDeployed: '2025-03-01T10:00:00Z', digest: 'sha256:abc', current: true },
      { version: 3, status: 'superseded', chartName: 'redis', chartVersion: '18.6.0', current: false },
    ]);
    expect(helmReleaseHistory({ metadata: { name: 'x' } })).toEqual([]);
  });
});
