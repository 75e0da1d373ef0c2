// The triage actions' plans and gates (exec, port-forward, edit, finalizer removal), the
// pod/port resolution kubectl does for exec and port-forward, and the exec status reading.
import { describe, expect, it } from 'vitest';
import { createExecutor, SessionRefused } from '../../src/actions/executor.js';
import { renderPlan } from '../../src/actions/render.js';
import type { ApiRequest, Target } from '../../src/actions/types.js';
import { exitFromStatus } from '../../src/kube/exec.js';
import { attachablePod, mostActiveFirst, parsePortPair, remotePort } from '../../src/model/attach.js';
import type { KubeObject } from '../../src/model/types.js';

const pod = (name: string, extra: Partial<KubeObject> & { phase?: string; ready?: boolean; restarts?: number; created?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'web' }, creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z', resourceVersion: '5' },
  spec: { nodeName: 'n1', containers: [{ name: 'app', ports: [{ containerPort: 8080, name: 'http' }] }, { name: 'side' }] },
  status: {
    phase: extra.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }],
    containerStatuses: [{ name: 'app', restartCount: extra.restarts ?? 0 }],
  },
});

const target = (o: KubeObject, context = 'dev'): Target => ({ context, resource: 'pods', kind: o.kind ?? 'Pod', namespace: o.metadata.namespace, name: o.metadata.name, object: o });

function executor(opts: { readonly?: boolean; sent?: ApiRequest[] } = {}) {
  return createExecutor({
    send: async (_c, req) => {
      opts.sent?.push(req);
      return { status: 200, body: {} };
    },
    read: async () => ({ metadata: { name: 'x' } }),
    readonly: opts.readonly ?? false,
  });
}

describe('exec and port-forward plans', () => {
  it('exec plans the exec subresource with every argument as its own command parameter', () => {
    const plan = executor().plan('exec', [target(pod('web-1'))], { exec: { container: 'app', command: ['sh', '-c', 'echo a b'], stdin: true, tty: true } });
    expect(plan.targets[0].requests).toEqual([
      { method: 'GET', path: '/api/v1/namespaces/shop/pods/web-1/exec?command=sh&command=-c&command=echo+a+b&container=app&stdin=true&stdout=true&stderr=false&tty=true', object: { kind: 'Pod', namespace: 'shop', name: 'web-1' } },
    ]);
    expect(plan.protected).toBe(false);
  });

  it('exec refuses an unknown container and an empty command', () => {
    const e = executor();
    expect(e.plan('exec', [target(pod('web-1'))], { exec: { container: 'nope', command: ['sh'] } }).targets[0].refused).toMatch(/container nope is not in pod web-1 \(it has app, side\)/);
    expect(e.plan('exec', [target(pod('web-1'))], { exec: { command: [] } }).targets[0].refused).toBe('exec needs a command');
  });

  it('a session is opened through the gates: read-only, protected contexts, one target; the audit gets status 101', async () => {
    const ro = executor({ readonly: true });
    const roPlan = ro.plan('exec', [target(pod('web-1'))], { exec: { command: ['true'] } });
    await expect(ro.session(roPlan, {}, async () => 'opened')).rejects.toThrow(/read-only mode: Exec is not allowed/);

    const e = executor();
    const prod = e.plan('port-forward', [target(pod('web-1'), 'prod-eu')], { portForward: { port: 8080 } });
    expect(prod.protected).toBe(true);
    let opened = 0;
    await expect(e.session(prod, { typed: 'web' }, async () => ++opened)).rejects.toBeInstanceOf(SessionRefused);
    expect(opened).toBe(0);
    expect(await e.session(prod, { typed: 'web-1' }, async (_t, req) => (++opened, req.path))).toBe('/api/v1/namespaces/shop/pods/web-1/portforward');
    expect(e.outcomes().at(-1)).toMatchObject({ status: 'succeeded', requests: [{ status: 101 }] });
    // a session plan is never "executed" as plain requests
    const outcomes = await e.execute(prod, { typed: 'web-1' });
    expect(outcomes[0]).toMatchObject({ status: 'skipped', message: 'Port-forward is a session: it is opened, not executed' });
  });

  it('a failed open is audited as failed and rethrown', async () => {
    const e = executor();
    const plan = e.plan('exec', [target(pod('web-1'))], { exec: { command: ['true'] } });
    await expect(e.session(plan, {}, async () => Promise.reject(Object.assign(new Error('pods "web-1" not found'), { code: 404 })))).rejects.toThrow('not found');
    expect(e.outcomes().at(-1)).toMatchObject({ status: 'failed', requests: [{ status: 404, error: 'pods "web-1" not found' }] });
  });
});

describe('edit plans', () => {
  const original = pod('web-1');
  it('a change is a PUT of the edited object with the resourceVersion as read, the diff in the notes', () => {
    const edited = structuredClone(original);
    (edited.metadata.labels as Record<string, string>).tier = 'front';
    edited.metadata.resourceVersion = '999';
    const plan = executor().plan('edit', [target(original)], { edit: { original, edited } });
    const r = plan.targets[0].requests[0];
    expect(r).toMatchObject({ method: 'PUT', path: '/api/v1/namespaces/shop/pods/web-1' });
    expect((r.body as KubeObject).metadata.resourceVersion).toBe('5');
    expect(plan.targets[0].notes.join('\n')).toMatch(/\+\s+tier: front/);
  });

  it('no change is kubectl\'s "Edit cancelled"; a renamed object is refused', () => {
    const e = executor();
    expect(e.plan('edit', [target(original)], { edit: { original, edited: structuredClone(original) } }).targets[0].refused).toBe('Edit cancelled, no changes made.');
    const renamed = { ...structuredClone(original), metadata: { ...original.metadata, name: 'other' } };
    expect(e.plan('edit', [target(original)], { edit: { original, edited: renamed } }).targets[0].refused).toMatch(/metadata.name cannot change/);
  });
});

describe('finalizer removal', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['example.com/cleanup'] } };
  const t: Target = { context: 'dev', resource: 'namespaces', kind: 'Namespace', name: 'legacy', object: ns };
  it('names each finalizer and who holds it; a JSON patch that tests what it saw; typed confirmation on any context', () => {
    const plan = executor().plan('remove-finalizers', [t], { finalizers: { holders: { 'example.com/cleanup': ['ConfigMap legacy/report'] } } });
    expect(plan.protected).toBe(true);
    expect(plan.confirmText).toBe('legacy');
    expect(plan.targets[0].notes[0]).toBe('finalizer example.com/cleanup: still held by ConfigMap legacy/report');
    expect(plan.targets[0].requests[0]).toMatchObject({
      method: 'PATCH',
      path: '/api/v1/namespaces/legacy',
      contentType: 'application/json-patch+json',
      body: [{ op: 'test', path: '/metadata/finalizers', value: ['example.com/cleanup'] }, { op: 'remove', path: '/metadata/finalizers' }],
    });
  });

  it('an object without finalizers is refused; execute without the typed name sends nothing', async () => {
    const sent: ApiRequest[] = [];
    const e = executor({ sent });
    expect(e.plan('remove-finalizers', [{ ...t, object: { ...ns, metadata: { name: 'legacy' } } }]).targets[0].refused).toMatch(/has no finalizers/);
    const out = await e.execute(e.plan('remove-finalizers', [t]));
    expect(out[0].status).toBe('skipped');
    expect(sent).toEqual([]);
  });
});

describe('the typed confirmation says why it is asked', () => {
  // finalizer removal is typed on every context: the dialog said "Protected context (dev)" on an
  // unprotected one, and the executor's refusal "protected context" too
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['example.com/cleanup'] } };
  const t: Target = { context: 'dev', resource: 'namespaces', kind: 'Namespace', name: 'legacy', object: ns };
  const e = createExecutor({ send: async () => ({ status: 200, body: {} }), read: async () => ({ metadata: { name: 'x' } }), readonly: false, protectedPattern: /^prod/ });

  it('an unprotected context is never called protected: the removal is always typed', async () => {
    const plan = e.plan('remove-finalizers', [t]);
    expect(plan).toMatchObject({ protected: true, protectedContexts: [], confirmText: 'legacy' });
    const text = renderPlan(plan);
    expect(text).not.toMatch(/protected/i);
    expect(text).toContain('Remove finalizers is always typed, on any context: type "legacy" to confirm.');
    const [out] = await e.execute(plan, { typed: 'wrong' });
    expect(out).toMatchObject({ status: 'skipped', message: 'Remove finalizers is always typed: type "legacy" to confirm' });
  });

  it('a protected context is named as such, for finalizer removal and for any other action', async () => {
    const prod = { ...t, context: 'prod-eu' };
    const plan = e.plan('remove-finalizers', [prod, { ...t, context: 'dev' }]);
    expect(plan.protectedContexts).toEqual(['prod-eu']);
    expect(renderPlan(plan)).toContain('Protected context (prod-eu): type "2" to confirm.');
    const [out] = await e.execute(e.plan('remove-finalizers', [prod]), {});
    expect(out.message).toBe('protected context: type "legacy" to confirm');
    const original = { ...ns, metadata: { ...ns.metadata, resourceVersion: '5' } };
    const edit = { edit: { original, edited: { ...original, metadata: { ...original.metadata, labels: { a: 'b' } } } } };
    expect(renderPlan(e.plan('edit', [prod], edit))).toContain('Protected context (prod-eu): type "legacy" to confirm.');
    const devEdit = e.plan('edit', [t], edit);
    expect(devEdit.protected).toBe(false);
    expect(renderPlan(devEdit)).not.toMatch(/to confirm/);
  });
});

describe('a typed confirmation of a hostile name', () => {
  // RBAC names may hold controls and any script: the name to type is the one the screen shows
  // (escapes visible), so it can be typed at all
  it('asks for the name as shown and accepts it typed so; the request still names the object as stored', async () => {
    const sent: ApiRequest[] = [];
    const e = createExecutor({ send: async (_c, req) => (sent.push(req), { status: 200, body: {} }), read: async () => ({ metadata: { name: 'x' } }), readonly: false, protectedPattern: /^prod/ });
    const name = 'hx-\x1b[6n日本';
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', finalizers: ['example.com/x'] } };
    const t: Target = { context: 'prod-eu', resource: 'configmaps', kind: 'ConfigMap', namespace: 'shop', name, object: cm };
    const plan = e.plan('remove-finalizers', [t]);
    expect(plan.confirmText).toBe('hx-\\e[6n日本');
    expect(renderPlan(plan)).toContain('Protected context (prod-eu): type "hx-\\e[6n日本" to confirm.');
    const [out] = await e.execute(plan, { typed: 'hx-\\e[6n日本' });
    expect(out.status).toBe('succeeded');
    expect(sent[0].path).toBe(`/api/v1/namespaces/shop/configmaps/${encodeURIComponent(name)}`);
  });
});

describe('kubectl pod and port resolution', () => {
  const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } } };
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }, { port: 9000, targetPort: 9001 }] } };

  it('picks the most active pod: ready and running, then fewer restarts, then the oldest', () => {
    const pods = [pod('a', { ready: false }), pod('b', { restarts: 3 }), pod('c', { created: '2026-02-01T00:00:00Z' }), pod('d'), pod('e', { phase: 'Pending' })];
    expect(mostActiveFirst(pods).map((p) => p.metadata.name)).toEqual(['d', 'c', 'b', 'a', 'e']);
    expect(attachablePod(deploy, pods)).toMatchObject({ ok: true, value: { metadata: { name: 'd' } } });
    expect(attachablePod(deploy, [pod('x', { phase: 'Pending' })])).toMatchObject({ ok: false, error: 'Deployment web: no running pod (1 pod, none running)' });
  });

  it('service ports become the pod targetPort, by name or number', () => {
    const p = pod('d');
    expect(remotePort(svc, p, '80')).toMatchObject({ ok: true, value: { port: 8080 } });
    expect(remotePort(svc, p, 'web')).toMatchObject({ ok: true, value: { port: 8080 } });
    expect(remotePort(svc, p, '9000')).toMatchObject({ ok: true, value: { port: 9001 } });
    expect(remotePort(svc, p, '81')).toMatchObject({ ok: false, error: 'Service web does not have a service port 81' });
    expect(remotePort(deploy, p, 'http')).toMatchObject({ ok: true, value: { port: 8080 } });
    expect(remotePort(deploy, p, '5432')).toMatchObject({ ok: true, value: { port: 5432 } });
  });

  it('parses [LOCAL:]REMOTE as kubectl does', () => {
    expect(parsePortPair('8080')).toEqual({ ok: true, value: { local: 8080, remote: '8080' } });
    expect(parsePortPair(':80')).toEqual({ ok: true, value: { local: 0, remote: '80' } });
    expect(parsePortPair('8443:https')).toEqual({ ok: true, value: { local: 8443, remote: 'https' } });
    expect(parsePortPair('https')).toEqual({ ok: true, value: { local: 0, remote: 'https' } });
    expect(parsePortPair('a:b:c').ok).toBe(false);
  });
});

describe('exec status', () => {
  it('reads Success, NonZeroExitCode and other failures', () => {
    expect(exitFromStatus('{"metadata":{},"status":"Success"}')).toEqual({ exitCode: 0 });
    expect(exitFromStatus(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', message: 'exit code 3', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }))).toEqual({ exitCode: 3, message: 'exit code 3' });
    expect(exitFromStatus(JSON.stringify({ status: 'Failure', message: 'exec: "x": executable file not found in $PATH' }))).toEqual({ exitCode: undefined, message: 'exec: "x": executable file not found in $PATH' });
    // kwok's local exec reports the code only in its message (Go's exec.ExitError text)
    expect(exitFromStatus(JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'Internal error occurred: error executing command in container: exit status 3' }))).toMatchObject({ exitCode: 3 });
  });
});
