// The log tail on every selected backend (the sim, and the real control plane where kwok
// serves pod logs): a Deployment's pod is followed and the pod a scale-up adds is joined.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { PassThrough } from 'node:stream';
import { runLogsCommand, type LogsCommandOptions } from '../../src/cli/logs.js';
import { fleetLogOpener } from '../../src/logs/open.js';
import { LogTail } from '../../src/logs/tail.js';
import { LeanStore } from '../../src/fleet/lean.js';
import { loadKubeconfig } from '../../src/kube/kubeconfig.js';
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
      // a follow with tailLines 0 starts at the end of the log once the runtime has opened it,
      // which is after the response headers that make a stream "streaming" (kubectl logs -f
      // --tail=0 has the same window): a line written inside that window is rightly not shown,
      // so a fresh line is written each second until one arrives
      const writeUntilSeen = async (pod: string, word: string, what: string): Promise<LogEntry> => {
        const deadline = Date.now() + 60_000;
        for (let i = 0; ; i++) {
          const text = `${word} ${name} ${i}`;
          await env.writeLog({ namespace: ns, pod, container: 'busybox' }, text);
          const seen = await poll(what, () => got.find((e) => e.pod === pod && e.text.startsWith(`${word} ${name} `)), { timeoutMs: 1000, intervalMs: 50 }).catch(() => undefined);
          if (seen) return seen;
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; streams: ${JSON.stringify([tail.streams(), got.slice(-3)])}`);
        }
      };
      try {
        const first = await until('a streaming container', () => tail.streams().find((s) => s.state === 'streaming'), () => tail.streams());
        await writeUntilSeen(first.pod, 'hello', 'the first line');

        const scaled = await env.kubectl(['scale', `deployment/${name}`, '--replicas=2', '-n', ns]);
        expect(scaled.stderr).toBe('');
        const second = await until('the new pod streaming', () => tail.streams().find((s) => s.state === 'streaming' && s.pod !== first.pod), () => tail.streams());
        const line = await writeUntilSeen(second.pod, 'again', 'a line from the new pod');
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

    // `fleetdeck logs` runs on the lean store, whose clients speak node's own HTTP/2 to a server
    // reached directly over h2 (h2-transport.ts), not undici as the fleet store above: the same
    // follow, through the command, on that transport
    it('fleetdeck logs (lean store, node:http2) follows a Deployment\'s pod: a line written after the start is printed', async () => {
      const name = `lean-${randomBytes(3).toString('hex')}`;
      const ns = env.namespace;
      expect((await env.kubectl(['create', 'deployment', name, '--image=busybox:1.36', '--replicas=1', '-n', ns])).stderr).toBe('');
      const lean = new LeanStore({ contexts: [env.adminContext], merged: loadKubeconfig({ kubeconfig: env.kubeconfigPath }), discover: true });
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const ac = new AbortController();
      const done = runLogsCommand(`deploy/${name}`, { namespace: ns, tail: 0 }, { store: lean, contexts: [env.adminContext], stdout, stderr, signal: ac.signal });
      try {
        const pod = await until('the Deployment\'s pod', async () => {
          const r = await env.kubectl(['get', 'pods', '-n', ns, '-l', `app=${name}`, '-o', 'jsonpath={.items[0].metadata.name}']);
          return r.stdout.trim();
        }, () => err);
        // written each second until one is printed: a follow with --tail 0 starts at the log's end once open
        const deadline = Date.now() + 60_000;
        for (let i = 0; !out.includes(`lean ${name} `); i++) {
          if (Date.now() > deadline) throw new Error(`no line printed in 60 s; stderr: ${err}; stdout: ${out.slice(-500)}`);
          await env.writeLog({ namespace: ns, pod, container: 'busybox' }, `lean ${name} ${i}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
        expect(out).toMatch(new RegExp(`${pod}.*lean ${name} \\d+`));
      } finally {
        ac.abort();
        expect(await done, err).toBe(0);
        await lean.close();
        await env.kubectl(['delete', 'deployment', name, '-n', ns, '--wait=false']);
      }
    }, 120_000);

    /** `fleetdeck logs` beside `kubectl logs` on the same state: the same stderr and exit code. */
    async function both(target: string, namespace: string | undefined, extra: Partial<LogsCommandOptions> = {}) {
      const kc = await env.kubectl(['logs', target, ...(namespace ? ['-n', namespace] : [])]);
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const ac = new AbortController();
      // a tail that hangs instead of failing fast is ended (and fails the exit-code check)
      const hang = setTimeout(() => ac.abort(), 20_000);
      const code = await runLogsCommand(target, { namespace, ...extra }, { store, contexts: [env.adminContext], known: [env.adminContext, env.restrictedContext], stdout, stderr, signal: ac.signal });
      clearTimeout(hang);
      return { kc, fd: { code, err } };
    }

    it('a Deployment that does not exist: kubectl\'s NotFound line and exit code, at once', async () => {
      const { kc, fd } = await both('deploy/does-not-exist', env.namespace);
      expect(kc.code).toBe(1);
      expect(kc.stderr).toContain('(NotFound): deployments.apps "does-not-exist" not found');
      expect(fd).toEqual({ code: kc.code, err: kc.stderr });
    }, 60_000);

    it('a pod that does not exist, and an unknown kind, read as kubectl reads them', async () => {
      const pod = await both('pod/nope', env.namespace);
      expect(pod.fd).toEqual({ code: pod.kc.code, err: pod.kc.stderr });
      expect(pod.kc.stderr).toContain('pods "nope" not found');
      const ns = await both('deploy/web', 'no-such-namespace');
      expect(ns.fd).toEqual({ code: ns.kc.code, err: ns.kc.stderr });
      expect(ns.kc.stderr).toContain('namespaces "no-such-namespace" not found');
      const kind = await both('deploymnt/web', undefined);
      expect(kind.kc.stderr).toBe('error: the server doesn\'t have a resource type "deploymnt"\n');
      expect(kind.fd).toEqual({ code: kind.kc.code, err: kind.kc.stderr });
    }, 60_000);

    it('without -n the namespace is the context\'s default, not a search: an object elsewhere is NotFound as in kubectl', async () => {
      const ns = `logs-ns-${randomBytes(3).toString('hex')}`;
      const name = `elsewhere-${randomBytes(3).toString('hex')}`;
      expect((await env.kubectl(['create', 'namespace', ns])).stderr).toBe('');
      try {
        expect((await env.kubectl(['create', 'deployment', name, '--image=busybox:1.36', '-n', ns])).stderr).toBe('');
        const { kc, fd } = await both(`deploy/${name}`, undefined);
        expect(kc.code).toBe(1);
        expect(kc.stderr).toContain(`deployments.apps "${name}" not found`);
        expect(fd).toEqual({ code: kc.code, err: kc.stderr });
      } finally {
        await env.kubectl(['delete', 'namespace', ns, '--wait=false']);
      }
    }, 60_000);

    it('a query naming a context that is not selected says so (exit 1); one unknown to the kubeconfig as kubectl words it', async () => {
      const notSelected = await both(`${env.restrictedContext}/${env.namespace}/web`, undefined);
      expect(notSelected.fd.code).toBe(1);
      expect(notSelected.fd.err).toBe(`error: context "${env.restrictedContext}" is not selected (selected: ${env.adminContext}); add --context ${env.restrictedContext}\n`);
      const unknown = await env.kubectl(['logs', 'x'], { context: 'no-such-context' });
      const fd = await both(`no-such-context/${env.namespace}/web`, undefined);
      expect(fd.fd).toEqual({ code: unknown.code, err: unknown.stderr });
    }, 60_000);

    /** `fleetdeck logs` over the lean store (the command's own) on `contexts`, ended after `ms` if it has not ended. */
    async function lean(target: string, contexts: string[], opts: Partial<LogsCommandOptions> = {}, ms = 20_000) {
      const store = new LeanStore({ contexts, merged: loadKubeconfig({ kubeconfig: env.kubeconfigPath }) });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      stdout.resume();
      const ac = new AbortController();
      const hang = setTimeout(() => ac.abort(), ms);
      try {
        const code = await runLogsCommand(target, opts, { store, contexts, stdout, stderr, signal: ac.signal });
        return { code, err, aborted: ac.signal.aborted };
      } finally {
        clearTimeout(hang);
        await store.close();
      }
    }

    it('a pod query over a namespace the user may not list: kubectl\'s Forbidden line and exit code, at once, not a silent wait', async () => {
      const kc = await env.kubectl(['logs', '-l', 'app=any', '-n', env.forbiddenNamespace], { context: env.restrictedContext });
      expect(kc.code).toBe(1);
      // the verb is the request's: kubectl lists, the store's first request is a watch-list
      const forbidden = new RegExp(`^Error from server \\(Forbidden\\): pods is forbidden: User "[^"]+" cannot (list|watch) resource "pods" in API group "" in the namespace "${env.forbiddenNamespace}"\n$`);
      expect(kc.stderr).toMatch(forbidden);
      for (const target of [`${env.forbiddenNamespace}/.*`, `${env.restrictedContext}/${env.forbiddenNamespace}/.*`]) {
        const fd = await lean(target, [env.restrictedContext], { tail: 1 });
        expect(fd, target).toMatchObject({ code: kc.code, aborted: false });
        expect(fd.err).toMatch(forbidden);
      }
      const withN = await lean('.*', [env.restrictedContext], { namespace: env.forbiddenNamespace, tail: 1 });
      expect(withN).toMatchObject({ code: 1, aborted: false });
    }, 90_000);

    it('a pod query where one context may read the namespace and another may not: the readable one is tailed, the other named once', async () => {
      const fd = await lean(`${env.forbiddenNamespace}/.*`, [env.adminContext, env.restrictedContext], { tail: 1 }, 4000);
      expect(fd.aborted).toBe(true);
      expect(fd.code).toBe(0);
      const lines = fd.err.split('\n').filter(Boolean);
      expect(lines[0]).toMatch(new RegExp(`^${env.restrictedContext}: Error from server \\(Forbidden\\): pods is forbidden: `));
      // where the readable namespace has no pod (the sim's kube-system), that is said once, with
      // what was not read: never a bare "no pod matches" over a selection read in part
      const empty = (await env.kubectl(['get', 'pods', '-n', env.forbiddenNamespace, '-o', 'name'])).stdout.trim() === '';
      const none = `fleetdeck logs: no pod matches yet in what was read (${env.adminContext} in ${env.forbiddenNamespace} namespace); not read: pods in ${env.forbiddenNamespace} of ${env.restrictedContext} (forbidden); waiting for one`;
      expect(lines.slice(1), fd.err).toEqual(empty ? [none] : []);
    }, 60_000);

    it('a query over a namespace no context has is said at once (exit 1), in every form: ns/regex, ctx/ns/regex, -n, -l; a plain A/B is a kind', async () => {
      const said = `fleetdeck logs: namespace "nope" not found in ${env.adminContext}\n`;
      for (const [target, opts] of [['nope/.*', {}], [`${env.adminContext}/nope/web`, {}], ['.*', { namespace: 'nope' }], ['', { selector: 'app=web', namespace: 'nope' }]] as const) {
        const fd = await lean(target, [env.adminContext], opts);
        expect(fd, target).toEqual({ code: 1, err: said, aborted: false });
      }
      const kind = await lean('nope/web', [env.adminContext]);
      expect(kind).toEqual({ code: 1, err: 'error: the server doesn\'t have a resource type "nope"\n', aborted: false });
    }, 60_000);

    it('at the stream cap it stops with stern\'s error instead of leaving pods out quietly', async () => {
      const name = `cap-${randomBytes(3).toString('hex')}`;
      expect((await env.kubectl(['create', 'deployment', name, '--image=busybox:1.36', '--replicas=3', '-n', env.namespace])).stderr).toBe('');
      try {
        const { fd } = await both(`deploy/${name}`, env.namespace, { maxStreams: 2, tail: 0 });
        expect(fd.code).toBe(1);
        expect(fd.err).toContain('fleetdeck logs: reached the maximum number of log streams (2), use --max-streams to increase the limit');
      } finally {
        await env.kubectl(['delete', 'deployment', name, '-n', env.namespace, '--wait=false']);
      }
    }, 90_000);
  });
}
