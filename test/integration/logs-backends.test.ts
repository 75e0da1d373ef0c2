// The log tail on every selected backend (the sim, and the real control plane where kwok
// serves pod logs): a Deployment's pod is followed and the pod a scale-up adds is joined.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { fleetLogOpener } from '../../src/logs/open.js';
import { LogTail } from '../../src/logs/tail.js';
import type { LogEntry } from '../../src/logs/types.js';
import { waitUntil as poll, type Truthy } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

const until = <T>(what: string, probe: () => T | Promise<T>, state: () => unknown): Promise<Truthy<T>> =>
  poll(what, probe, { timeoutMs: 60_000, intervalMs: 100, detail: () => `; streams: ${JSON.stringify(state())}` });

for (const backend of backends) {
  describe(`logs on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let store: Fleet;

    beforeAll(async () => {
      env = await backend.setup();
      store = createFleetStore({ contexts: [env.adminContext], kubeconfig: env.kubeconfigPath, graceMs: 0 });
      await store.settled();
    }, 180_000);
    afterAll(async () => {
      await store?.close();
      await backend.teardown();
    });

    it('follows a Deployment and joins the pod a scale-up adds', async () => {
      const name = `logs-${randomBytes(3).toString('hex')}`;
      const ns = env.namespace;
      const created = await env.kubectl(['create', 'deployment', name, '--image=busybox:1.36', '--replicas=1', '-n', ns]);
      expect(created.stderr).toBe('');
      const got: LogEntry[] = [];
      const tail = new LogTail(store, fleetLogOpener(store), { kind: 'workload', context: env.adminContext, resource: 'deployments.apps', namespace: ns, name }, { tailLines: 0 });
      tail.onLine((e) => got.push(e));
      tail.start();
      try {
        const first = await until('a streaming container', () => tail.streams().find((s) => s.state === 'streaming'), () => tail.streams());
        const hello = `hello ${name} ${Date.now()}`;
        await env.writeLog({ namespace: ns, pod: first.pod, container: 'busybox' }, hello);
        await until('the first line', () => got.some((e) => e.pod === first.pod && e.text === hello), () => [tail.streams(), got.slice(-3)]);

        const scaled = await env.kubectl(['scale', `deployment/${name}`, '--replicas=2', '-n', ns]);
        expect(scaled.stderr).toBe('');
        const second = await until('the new pod streaming', () => tail.streams().find((s) => s.state === 'streaming' && s.pod !== first.pod), () => tail.streams());
        const again = `again ${name} ${Date.now()}`;
        await env.writeLog({ namespace: ns, pod: second.pod, container: 'busybox' }, again);
        const line = await until('a line from the new pod', () => got.find((e) => e.pod === second.pod && e.text === again), () => [tail.streams(), got.slice(-3)]);
        expect(line).toMatchObject({ context: env.adminContext, namespace: ns, container: 'busybox' });
        expect(line.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        // no line arrives twice from one container
        const keys = got.filter((e) => !e.notice).map((e) => `${e.pod}/${e.container}/${e.ts}/${e.text}`);
        expect(new Set(keys).size).toBe(keys.length);
      } finally {
        await tail.stop();
        await env.kubectl(['delete', 'deployment', name, '-n', ns, '--wait=false']);
      }
    }, 120_000);
  });
}
