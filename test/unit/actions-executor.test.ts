import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuditLog, defaultAuditPath } from '../../src/actions/audit.js';
import { CATALOG, type CatalogEntry } from '../../src/actions/catalog.js';
import { createExecutor } from '../../src/actions/executor.js';
import { renderPlan } from '../../src/actions/render.js';
import type { Target } from '../../src/actions/types.js';
import { fakeClock, fakeLookup, fakeServer, fluxTarget } from './actions-fixtures.js';

/** A target of every kind an entry applies to, in states that make each plan non-empty. */
function targetsFor(kinds: CatalogEntry['kinds'], suspended: boolean): Target[] {
  const list = kinds === 'any' ? [{ group: 'apps', kind: 'Deployment' }, { group: '', kind: 'Pod' }] : kinds;
  return list.map(({ group, kind }) => {
    const resource = `${kind.toLowerCase()}s${group ? `.${group}` : ''}`;
    const object = {
      apiVersion: group ? `${group}/v1` : 'v1',
      kind,
      metadata: { name: 'x', namespace: 'ns' },
      spec: { suspend: suspended, replicas: 2, sourceRef: { kind: 'GitRepository', name: 'repo' } },
    };
    return { context: 'dev', resource, kind, namespace: 'ns', name: 'x', object };
  });
}

describe('read-only mode', () => {
  it('no catalog action sends a mutating request, whatever the plan says', async () => {
    const server = fakeServer();
    const send = vi.fn(server.send);
    const readonly = createExecutor({ send, read: server.read, readonly: true, clock: fakeClock(), lookup: fakeLookup() });
    // Plans made by a writable executor, handed to the read-only one: the executor still refuses.
    const writable = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock(), lookup: fakeLookup() });
    let planned = 0;
    for (const entry of CATALOG) {
      for (const suspended of [false, true]) {
        for (const options of [{}, { withSource: true, force: true, reset: true }]) {
          const targets = targetsFor(entry.kinds, suspended);
          const own = readonly.plan(entry.id, targets, options);
          if (entry.mutating) expect(own.targets.every((t) => t.refused && t.requests.length === 0)).toBe(true);
          const forged = writable.plan(entry.id, targets, options);
          planned += forged.targets.reduce((n, t) => n + t.requests.length, 0);
          const forgedAsReadOnly = { ...forged, mutating: false, protected: false };
          for (const plan of [own, forged, forgedAsReadOnly]) {
            const outcomes = await readonly.execute(plan, { typed: plan.confirmText });
            for (const o of outcomes) expect(o.status).toBe('skipped');
          }
        }
      }
    }
    expect(planned).toBeGreaterThan(CATALOG.length); // the forged plans did carry requests
    expect(send).not.toHaveBeenCalled();
  });
});

describe('protected contexts', () => {
  function setup() {
    const server = fakeServer();
    const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock() });
    return { server, ex };
  }

  it('one target: the object name must be typed; a wrong text is refused and sends nothing', async () => {
    const { server, ex } = setup();
    const plan = ex.plan('suspend', [fluxTarget('prod-eu', 'Kustomization', 'apps')]);
    expect(plan).toMatchObject({ protected: true, confirmText: 'apps' });
    for (const typed of [undefined, '', 'app', 'yes']) {
      const [o] = await ex.execute(plan, { typed });
      expect(o.status).toBe('skipped');
      expect(o.message).toMatch(/type "apps"/);
    }
    expect(server.sent).toHaveLength(0);
    const [o] = await ex.execute(plan, { typed: 'apps' });
    expect(o.status).toBe('succeeded');
    expect(server.sent).toHaveLength(1);
  });

  it('bulk: the count must be typed; any protected context protects the whole plan', async () => {
    const { server, ex } = setup();
    const plan = ex.plan('suspend', [fluxTarget('dev', 'Kustomization', 'a'), fluxTarget('prod-us', 'Kustomization', 'b')]);
    expect(plan).toMatchObject({ protected: true, confirmText: '2' });
    expect((await ex.execute(plan, { typed: 'b' })).map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(server.sent).toHaveLength(0);
    expect((await ex.execute(plan, { typed: '2' })).map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('the pattern is configurable; unprotected plans need no typing', async () => {
    const server = fakeServer();
    const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock(), protectedPattern: /^live-/ });
    expect(ex.plan('suspend', [fluxTarget('prod-eu', 'Kustomization', 'a')]).protected).toBe(false);
    const plan = ex.plan('suspend', [fluxTarget('live-1', 'Kustomization', 'a')]);
    expect(plan.protected).toBe(true);
    // a plan that claims to be unprotected is checked again against its contexts
    const [o] = await ex.execute({ ...plan, protected: false, confirmText: undefined });
    expect(o.status).toBe('skipped');
    expect(server.sent).toHaveLength(0);
  });
});

describe('bulk across contexts', () => {
  it('one plan with every target; each target reports its own outcome', async () => {
    const server = fakeServer();
    const clock = fakeClock();
    const failing = createExecutor({
      send: (context, req) => (context === 'stage' ? Promise.reject(Object.assign(new Error('the server is unavailable'), { code: 503 })) : server.send(context, req)),
      read: server.read,
      readonly: false,
      clock,
    });
    const seen: string[] = [];
    failing.onOutcome((o) => seen.push(`${o.target.context}:${o.status}`));
    const plan = failing.plan('reconcile', [fluxTarget('dev', 'Kustomization', 'apps'), fluxTarget('stage', 'Kustomization', 'apps'), fluxTarget('qa', 'Kustomization', 'apps')]);
    expect(plan.targets.map((t) => t.target.context)).toEqual(['dev', 'stage', 'qa']);
    const outcomes = await failing.execute(plan);
    expect(outcomes.map((o) => [o.target.context, o.status, o.message])).toEqual([
      ['dev', 'succeeded', 'Applied revision: main@sha1:1eabc9a4'],
      ['stage', 'failed', 'the server is unavailable'],
      ['qa', 'succeeded', 'Applied revision: main@sha1:1eabc9a4'],
    ]);
    expect(seen.sort()).toEqual(['dev:succeeded', 'qa:succeeded', 'stage:failed']);
    expect(failing.outcomes()).toHaveLength(3);
  });

  it('runs targets concurrently, but no more than the bound at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const pending: (() => void)[] = [];
    const send = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => pending.push(r));
      inFlight--;
      return { status: 200, body: {} };
    };
    const ex = createExecutor({ send, read: async () => ({ metadata: { name: 'x' } }), readonly: false, clock: fakeClock(), concurrency: 3 });
    const targets = Array.from({ length: 7 }, (_, i) => fluxTarget(`c${i}`, 'Kustomization', 'apps'));
    const done = ex.execute(ex.plan('suspend', targets));
    for (let released = 0; released < 7; released++) {
      await vi.waitFor(() => expect(pending.length).toBeGreaterThan(0));
      expect(inFlight).toBeLessThanOrEqual(3);
      pending.shift()?.();
    }
    const outcomes = await done;
    expect(outcomes.every((o) => o.status === 'succeeded')).toBe(true);
    expect(peak).toBe(3);
  });
});

describe('audit log', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('defaults to $XDG_STATE_HOME/fleetdeck/audit.log, else ~/.local/state', () => {
    expect(defaultAuditPath({ XDG_STATE_HOME: '/s' })).toBe('/s/fleetdeck/audit.log');
    expect(defaultAuditPath({})).toMatch(/\/\.local\/state\/fleetdeck\/audit\.log$/);
  });

  it('one JSON line per executed request, with every field, private permissions, and no secrets', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetdeck-audit-'));
    const path = join(dir, 'state', 'fleetdeck', 'audit.log');
    const audit = createAuditLog({ path, user: 'alice' });
    const token = 'sha256~SECRET-BEARER-TOKEN';
    const server = fakeServer();
    // the transport knows a token; the executor never hands it to the log
    const send = (context: string, req: Parameters<typeof server.send>[1]) => server.send(context, { ...req, ...({ headers: { Authorization: `Bearer ${token}` } } as object) });
    const ex = createExecutor({ send, read: server.read, readonly: false, clock: fakeClock(), audit, lookup: fakeLookup() });
    const ks = fluxTarget('dev', 'Kustomization', 'apps', { spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } } });
    await ex.execute(ex.plan('reconcile', [ks], { withSource: true }));
    await ex.execute(ex.plan('suspend', [fluxTarget('stage', 'Kustomization', 'web')]));
    // A Secret write through the same log keeps the keys but never the values.
    await audit.record({
      context: 'dev',
      action: 'apply',
      object: { kind: 'Secret', namespace: 'ns', name: 's' },
      request: { method: 'PUT', path: '/api/v1/namespaces/ns/secrets/s', body: { kind: 'Secret', data: { password: 'aHVudGVyMg==' }, stringData: { token: 'hunter2' } } },
      result: { status: 200 },
    });

    const text = await readFile(path, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      user: 'alice',
      context: 'dev',
      action: 'reconcile',
      object: { kind: 'GitRepository', namespace: 'flux-system', name: 'repo' },
      request: { method: 'PATCH', path: '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/repo', contentType: 'application/merge-patch+json' },
      result: { status: 200 },
    });
    expect(lines[1]).toMatchObject({ context: 'dev', object: { kind: 'Kustomization', name: 'apps' } });
    expect(lines[2]).toMatchObject({ context: 'stage', action: 'suspend', request: { body: { spec: { suspend: true } } } });
    for (const l of lines) expect(Date.parse(l.time)).not.toBeNaN();
    expect(lines[3].request.body).toEqual({ kind: 'Secret', data: { password: '<redacted>' }, stringData: { token: '<redacted>' } });
    for (const needle of [token, 'Bearer', 'Authorization', 'headers', 'aHVudGVyMg==', 'hunter2']) expect(text).not.toContain(needle);

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state', 'fleetdeck'))).mode & 0o777).toBe(0o700);
  });

  it('a failed request is logged with its error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetdeck-audit-'));
    const path = join(dir, 'audit.log');
    const ex = createExecutor({
      send: () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 })),
      read: async () => ({ metadata: { name: 'x' } }),
      readonly: false,
      clock: fakeClock(),
      audit: createAuditLog({ path }),
    });
    await ex.execute(ex.plan('suspend', [fluxTarget('dev', 'Kustomization', 'apps')]));
    const [line] = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(line.result).toEqual({ status: 403, error: 'forbidden' });
  });
});

describe('one object through two contexts (one cluster)', () => {
  // `delete cm/x --context real-admin,real-restricted` on two contexts of one cluster sent the
  // DELETE twice: one succeeded, the other failed NotFound, and the command exited 1
  const twin = (context: string, name = 'apps', uid = 'uid-apps') => fluxTarget(context, 'Kustomization', name, { metadata: { name, namespace: 'flux-system', uid } });

  it('is sent once, through the first context; the other target\'s outcome is that one\'s, and says so', async () => {
    const server = fakeServer();
    const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock() });
    const plan = ex.plan('suspend', [twin('dev-admin'), twin('dev-viewer'), twin('dev-admin', 'other', 'uid-other')]);
    expect(plan.targets.map((t) => t.sameObjectAs)).toEqual([undefined, 0, undefined]);
    expect(plan.targets[1].requests).toEqual([]);
    expect(renderPlan(plan)).toMatch(/^Suspend: 2 of 3 targets/);
    expect(renderPlan(plan)).toContain('sent once, through dev-admin: the same object (uid uid-apps), one cluster');
    const outcomes = await ex.execute(plan);
    expect(server.sent).toHaveLength(2);
    expect(outcomes.map((o) => [o.target.context, o.target.name, o.status])).toEqual([['dev-admin', 'apps', 'succeeded'], ['dev-viewer', 'apps', 'succeeded'], ['dev-admin', 'other', 'succeeded']]);
    expect(outcomes[1].message).toMatch(/\(sent once, through dev-admin: the same object\)$/);
    expect(outcomes[1].requests).toEqual([]);
  });

  it('a failure through the acting context is the other\'s too; without a uid nothing is merged', async () => {
    const server = fakeServer();
    const failing = createExecutor({ send: async () => ({ status: 403, body: { kind: 'Status', message: 'forbidden' } }), read: server.read, readonly: false, clock: fakeClock() });
    const outcomes = await failing.execute(failing.plan('suspend', [twin('dev-admin'), twin('dev-viewer')]));
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock() });
    const noUid = ex.plan('suspend', [fluxTarget('a', 'Kustomization', 'apps'), fluxTarget('b', 'Kustomization', 'apps')]);
    expect(noUid.targets.map((t) => t.sameObjectAs)).toEqual([undefined, undefined]);
  });

  it('a protected context among them still asks for the typed name, of the one object acted on', async () => {
    const server = fakeServer();
    const ex = createExecutor({ send: server.send, read: server.read, readonly: false, clock: fakeClock() });
    const plan = ex.plan('suspend', [twin('staging-admin'), twin('prod-eu')]);
    expect(plan).toMatchObject({ protected: true, protectedContexts: ['prod-eu'], confirmText: 'apps' });
    expect((await ex.execute(plan, { typed: '2' }))[0].status).toBe('skipped');
    expect(server.sent).toHaveLength(0);
    expect((await ex.execute(plan, { typed: 'apps' })).map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
    expect(server.sent).toHaveLength(1);
  });
});
