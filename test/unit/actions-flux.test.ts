import { describe, expect, it } from 'vitest';
import { createExecutor, rfc3339Nano } from '../../src/actions/executor.js';
import { fakeClock, fakeLookup, fakeServer, fluxTarget } from './actions-fixtures.js';

const KS_PATH = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps';
const HR_PATH = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases/podinfo';
const MP = 'application/merge-patch+json';

function setup(opts: Parameters<typeof fakeServer>[0] = {}, lookup = fakeLookup()) {
  const server = fakeServer(opts);
  const clock = fakeClock();
  const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock, lookup, followTimeoutMs: 30_000 });
  return { server, clock, ex };
}

describe('Flux actions: exact requests', () => {
  it('suspend sends a merge patch setting spec.suspend and nothing else', async () => {
    const { server, ex } = setup();
    const plan = ex.plan('suspend', [fluxTarget('dev', 'Kustomization', 'apps')]);
    const [o] = await ex.execute(plan);
    expect(server.sent).toEqual([{ context: 'dev', req: { method: 'PATCH', path: KS_PATH, contentType: MP, body: { spec: { suspend: true } } } }]);
    expect(o.status).toBe('succeeded');
    expect(o.message).toBe('suspended');
  });

  it('resume removes spec.suspend with a null in the merge patch', async () => {
    const { server, ex } = setup();
    const t = fluxTarget('dev', 'Kustomization', 'apps', { spec: { suspend: true } });
    const [o] = await ex.execute(ex.plan('resume', [t]));
    expect(server.sent.map((s) => s.req)).toEqual([{ method: 'PATCH', path: KS_PATH, contentType: MP, body: { spec: { suspend: null } } }]);
    expect(o.status).toBe('succeeded');
  });

  it('reconcile annotates requestedAt with an RFC3339Nano token and waits for it to be handled', async () => {
    const { server, clock, ex } = setup({ lag: 3 });
    const plan = ex.plan('reconcile', [fluxTarget('dev', 'Kustomization', 'apps')]);
    const token = '2026-03-01T10:00:00.123Z';
    expect(plan.targets[0].requests[0]).toMatchObject({
      method: 'PATCH',
      path: KS_PATH,
      contentType: MP,
      body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } },
      wait: { token },
    });
    const [o] = await ex.execute(plan);
    expect(o).toMatchObject({ status: 'succeeded', message: 'Applied revision: main@sha1:1eabc9a4' });
    expect(server.sent).toHaveLength(1);
    // polled once a second until the third read saw the token handled
    expect(clock.sleeps).toBe(2);
  });

  it('reconcile reports Ready=False with its reason and message', async () => {
    const { ex } = setup({ ready: () => ({ status: 'False', reason: 'BuildFailed', message: 'kustomize build failed: missing file' }) });
    const [o] = await ex.execute(ex.plan('reconcile', [fluxTarget('dev', 'Kustomization', 'apps')]));
    expect(o).toMatchObject({ status: 'failed', message: 'BuildFailed: kustomize build failed: missing file' });
  });

  it('reconcile times out when the token is never handled', async () => {
    const { ex, clock } = setup({ lag: Number.POSITIVE_INFINITY });
    const [o] = await ex.execute(ex.plan('reconcile', [fluxTarget('dev', 'Kustomization', 'apps')]));
    expect(o.status).toBe('timed-out');
    expect(o.message).toMatch(/timed out after 30s/);
    expect(clock.sleeps).toBe(30);
  });

  it('a suspended object: reconcile is refused and resume-and-reconcile is offered, which resumes then reconciles', async () => {
    const { server, ex } = setup();
    const t = fluxTarget('dev', 'Kustomization', 'apps', { spec: { suspend: true } });
    const plan = ex.plan('reconcile', [t]);
    expect(plan.targets[0]).toMatchObject({ requests: [], alternative: 'resume-and-reconcile' });
    expect(plan.targets[0].refused).toMatch(/suspended/);
    const [skipped] = await ex.execute(plan);
    expect(skipped.status).toBe('skipped');
    expect(server.sent).toHaveLength(0);

    const [o] = await ex.execute(ex.plan('resume-and-reconcile', [t]));
    expect(server.sent.map((s) => s.req.body)).toEqual([
      { spec: { suspend: null } },
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-03-01T10:00:00.123Z' } } },
    ]);
    expect(o.status).toBe('succeeded');
  });

  it('HelmRelease force and reset put forceAt / resetAt equal to requestedAt in the same patch', async () => {
    const { server, ex } = setup();
    const hr = fluxTarget('dev', 'HelmRelease', 'podinfo');
    // planned before any runs, so all three share the clock's first instant
    const plans = [ex.plan('force', [hr]), ex.plan('reset', [hr]), ex.plan('reconcile', [hr], { force: true, reset: true })];
    for (const p of plans) await ex.execute(p);
    const token = '2026-03-01T10:00:00.123Z';
    expect(server.sent.map((s) => [s.req.path, s.req.body])).toEqual([
      [HR_PATH, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token, 'reconcile.fluxcd.io/forceAt': token } } }],
      [HR_PATH, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token, 'reconcile.fluxcd.io/resetAt': token } } }],
      [HR_PATH, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token, 'reconcile.fluxcd.io/forceAt': token, 'reconcile.fluxcd.io/resetAt': token } } }],
    ]);
  });

  it('reconcile --with-source annotates and waits for the GitRepository before the Kustomization', async () => {
    const { server, ex } = setup();
    const ks = fluxTarget('dev', 'Kustomization', 'apps', { spec: { sourceRef: { kind: 'GitRepository', name: 'flux-system' } } });
    const plan = ex.plan('reconcile', [ks], { withSource: true });
    const order: string[] = [];
    const read = server.read;
    const ex2 = createExecutor({
      send: server.send,
      read: (c, p) => {
        order.push(p);
        return read(c, p);
      },
      readonly: false,
      clock: fakeClock(),
      lookup: fakeLookup(),
    });
    const [o] = await ex2.execute(plan);
    const git = '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system';
    expect(server.sent.map((s) => s.req.path)).toEqual([git, KS_PATH]);
    // the source was followed to its end before the Kustomization was patched
    expect(order.filter((p) => p === git).length).toBeGreaterThanOrEqual(2);
    expect(order.indexOf(KS_PATH)).toBeGreaterThan(order.lastIndexOf(git));
    expect(o.status).toBe('succeeded');
  });

  it('with-source on a HelmRelease with spec.chart goes repository, then its HelmChart, then the release', () => {
    const { ex } = setup();
    const hr = fluxTarget('dev', 'HelmRelease', 'podinfo', {
      spec: { chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
    });
    const plan = ex.plan('reconcile', [hr], { withSource: true });
    expect(plan.targets[0].requests.map((r) => r.path)).toEqual([
      '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/helmrepositories/podinfo',
      '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/helmcharts/flux-system-podinfo',
      HR_PATH,
    ]);
  });

  it('with-source refuses when the source is suspended', () => {
    const lookup = fakeLookup({
      'dev/gitrepositories.source.toolkit.fluxcd.io/flux-system/repo': { metadata: { name: 'repo' }, spec: { suspend: true } },
    });
    const { ex } = setup({}, lookup);
    const ks = fluxTarget('dev', 'Kustomization', 'apps', { spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } } });
    const plan = ex.plan('reconcile', [ks], { withSource: true });
    expect(plan.targets[0].refused).toMatch(/source GitRepository flux-system\/repo is suspended/);
  });

  it('suspending an object applied by a Kustomization warns that its source may set it back', () => {
    const { ex } = setup();
    const t = fluxTarget('dev', 'HelmRelease', 'podinfo', {
      metadata: { name: 'podinfo', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
    });
    const plan = ex.plan('suspend', [t]);
    expect(plan.targets[0].notes.join('\n')).toMatch(/Kustomization flux-system\/apps applies this HelmRelease from its source: if the manifest there sets spec.suspend, its next reconcile sets it back/);
    expect(ex.plan('suspend', [fluxTarget('dev', 'HelmRelease', 'podinfo')]).targets[0].notes).toEqual([]);
  });

  it('actions are refused on kinds they do not apply to', () => {
    const { ex } = setup();
    const plan = ex.plan('reconcile', [fluxTarget('dev', 'Alert', 'slack')]);
    expect(plan.targets[0].refused).toMatch(/does not apply to Alert/);
  });

  it('a failed request reports the API message', async () => {
    const clock = fakeClock();
    const ex = createExecutor({
      send: async () => {
        throw Object.assign(new Error('kustomizations "apps" is forbidden: User "dev" cannot patch'), { code: 403, reason: 'Forbidden' });
      },
      read: async () => ({ metadata: { name: 'x' } }),
      readonly: false,
      clock,
    });
    const [o] = await ex.execute(ex.plan('suspend', [fluxTarget('dev', 'Kustomization', 'apps')]));
    expect(o).toMatchObject({ status: 'failed', message: 'kustomizations "apps" is forbidden: User "dev" cannot patch' });
    expect(o.requests[0]).toMatchObject({ status: 403 });
    expect(ex.outcomes()).toEqual([o]);
  });

  it('tokens are Go RFC3339Nano: UTC with trailing zeros of the fraction dropped', () => {
    expect(rfc3339Nano(new Date('2026-03-01T10:00:00.120Z'))).toBe('2026-03-01T10:00:00.12Z');
    expect(rfc3339Nano(new Date('2026-03-01T10:00:00.000Z'))).toBe('2026-03-01T10:00:00Z');
    expect(rfc3339Nano(new Date('2026-03-01T10:00:00.123Z'))).toBe('2026-03-01T10:00:00.123Z');
  });
});
