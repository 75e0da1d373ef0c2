// Exec, port-forward and metrics on every selected backend: the sim (which runs exec'd
// commands as local child processes and answers port-forwards from a local echo/HTTP
// listener) and the real control plane (kwok's ClusterExec runs the command locally,
// ClusterPortForward dials the harness's echo/HTTP listener). Our client over WebSocket,
// and kubectl as an independent client where it speaks the same protocol.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ContextClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { execCapture, openExec } from '../../src/kube/exec.js';
import { contextConfig, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { readNodeMetrics, readPodMetrics } from '../../src/kube/metrics.js';
import { startPortForward } from '../../src/kube/portforward.js';
import { createMetricsPoller } from '../../src/fleet/metrics.js';
import { metricText } from '../../src/model/metrics.js';
import type { KubeObject } from '../../src/model/types.js';
import { waitUntil } from '../helpers/wait.js';
import { backends, type BackendEnv } from './backends.js';

const until = <T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000) => waitUntil(what, probe, { timeoutMs, intervalMs: 100, retryErrors: true });

/** Sends `data` to 127.0.0.1:port and collects what comes back until `enough` says so. */
function roundTrip(port: number, data: string, enough: (got: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no full answer through the forward; got ${JSON.stringify(got)}`));
    }, 20_000);
    s.on('data', (d: Buffer) => {
      got += d.toString('utf8');
      if (enough(got)) {
        clearTimeout(timer);
        s.end();
        resolve(got);
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.write(data);
  });
}

for (const backend of backends) {
  describe(`exec, port-forward and metrics on the ${backend.name} backend`, () => {
    let env: BackendEnv;
    let client: ContextClient;
    const pod = `streams-${randomBytes(3).toString('hex')}`;
    const two = `${pod}-two`;

    beforeAll(async () => {
      env = await backend.setup();
      client = new ContextClient(contextConfig(loadKubeconfig({ kubeconfig: env.kubeconfigPath }), env.adminContext));
      const ns = env.namespace;
      const manifest = (name: string, containers: object[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: name } }, spec: { containers } });
      const objects = [
        manifest(pod, [{ name: 'app', image: 'busybox:1.36', ports: [{ containerPort: 8080, name: 'http' }], env: [{ name: 'GREETING', value: 'hi from the pod' }] }]),
        manifest(two, [{ name: 'a', image: 'busybox:1.36' }, { name: 'b', image: 'busybox:1.36' }]),
      ];
      const r = await env.kubectl(['apply', '--validate=false', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
      if (r.code !== 0) throw new Error(r.stderr);
      const ready = await env.kubectl(['wait', '--for=condition=Ready', '--timeout=60s', '-n', ns, `pod/${pod}`, `pod/${two}`]);
      if (ready.code !== 0) throw new Error(ready.stderr);
    }, 180_000);
    afterAll(async () => {
      await env?.kubectl(['delete', 'pod', pod, two, '-n', env.namespace, '--wait=false']);
      await client?.close();
      await backend.teardown();
    });

    it('exec runs the command and brings back stdout, stderr and the exit code (v5)', async () => {
      const res = await execCapture(client, { namespace: env.namespace, pod, command: ['sh', '-c', 'echo out-$((6*7)); echo err >&2; exit 3'] });
      expect(res.protocol).toBe('v5.channel.k8s.io');
      expect(res.stdout).toBe('out-42\n');
      expect(res.stderr).toBe('err\n');
      expect(res.exitCode).toBe(3);
      const ok = await execCapture(client, { namespace: env.namespace, pod, command: ['true'] });
      expect(ok.exitCode).toBe(0);
    });

    // `head -n 1` ends on the line itself: on the real plane the end of stdin (v5 close) does
    // not reach kwok's local exec yet (`cat` hangs there; an open bug), so this case does not
    // depend on it
    it('exec feeds stdin (the command reads a line and ends)', async () => {
      const res = await execCapture(client, { namespace: env.namespace, pod, command: ['head', '-n', '1'] }, { input: 'ping through stdin\n' });
      expect(res.stdout).toBe('ping through stdin\n');
      expect(res.exitCode).toBe(0);
    });

    it('exec with a tty: output comes back on stdout and a resize is accepted', async () => {
      let out = '';
      // the pause after the echo: kwok's local exec ends the stream when the process exits,
      // before its terminal's last output is copied (seen on the real tier: only the echo of
      // the typed line came back); a shell in a real container keeps the terminal open longer
      const session = await openExec(client, { namespace: env.namespace, pod, command: ['sh', '-c', 'read line; echo "got $line"; sleep 1'], stdin: true, tty: true }, { stdout: (b) => (out += b.toString()) });
      session.resize(100, 30);
      session.write('typed\r');
      const res = await session.done;
      expect(res.exitCode).toBe(0);
      expect(out).toContain('got typed');
    });

    it('exec refusals: a missing pod is 404, an unknown command is a failure without an exit code', async () => {
      const missing = await execCapture(client, { namespace: env.namespace, pod: `${pod}-missing`, command: ['true'] }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(KubeApiError);
      expect((missing as KubeApiError).code).toBe(404);
      const unknown = await execCapture(client, { namespace: env.namespace, pod, command: ['no-such-command-fleetdeck'] }).catch((e: unknown) => e);
      // kwok and the sim both answer with a failure Status; neither invents an exit code of 0
      if (unknown instanceof Error) expect(unknown.message).toMatch(/no-such-command-fleetdeck|not found/);
      else expect((unknown as { exitCode?: number }).exitCode).not.toBe(0);
    });

    it('exec into a pod with two containers needs the container', async () => {
      const err = await execCapture(client, { namespace: env.namespace, pod: two, command: ['true'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeApiError);
      expect((err as KubeApiError).code).toBe(400);
      const res = await execCapture(client, { namespace: env.namespace, pod: two, container: 'b', command: ['echo', 'in b'] });
      expect(res.stdout).toBe('in b\n');
    });

    it('kubectl exec (an independent client) runs against the same backend', async () => {
      // kubectl 1.32's WebSocket executor registers its streams while its read loop already
      // runs (client-go remotecommand/websocket.go, readDemuxLoop): a command that answers at
      // once can have its output dropped with "Unknown stream id 1, discarding message". That
      // is the client's race, not the backend's answer, so only that exact line earns another
      // try; any other stderr, or three races in a row, fails.
      const kubectlRace = /^E\d{4} [\d:.]+ +\d+ websocket\.go:\d+\] Unknown stream id \d+, discarding message\n$/;
      let r = await env.kubectl(['exec', '-n', env.namespace, pod, '--', 'sh', '-c', 'echo via kubectl']);
      for (let retry = 0; retry < 2 && kubectlRace.test(r.stderr); retry++) {
        r = await env.kubectl(['exec', '-n', env.namespace, pod, '--', 'sh', '-c', 'echo via kubectl']);
      }
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('via kubectl\n');
    });

    it('port-forward: bytes go through both ways, HTTP answers, stats count them', async () => {
      const fwd = await startPortForward(client, { namespace: env.namespace, pod, port: 8080 });
      try {
        expect(fwd.localPort).toBeGreaterThan(0);
        const payload = `raw bytes ${randomBytes(8).toString('hex')}\n`;
        const echoed = await roundTrip(fwd.localPort, payload, (got) => got.length >= payload.length);
        expect(echoed).toBe(payload);
        const http = await roundTrip(fwd.localPort, 'GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', (got) => /fleetdeck echo: [^\n]*\nGET \/hello\n/.test(got));
        expect(http).toMatch(/^HTTP\/1\.1 200 OK/);
        await until('the stats to settle', () => fwd.stats().active === 0);
        const st = fwd.stats();
        expect(st.connections).toBe(2);
        expect(st.bytesOut).toBe(payload.length + 'GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'.length);
        expect(st.bytesIn).toBe(Buffer.byteLength(echoed) + Buffer.byteLength(http));
      } finally {
        await fwd.stop();
      }
    });

    it('port-forward to a pod that does not exist reports the 404 on the forward', async () => {
      const fwd = await startPortForward(client, { namespace: env.namespace, pod: `${pod}-missing`, port: 8080 });
      try {
        const s = connect(fwd.localPort, '127.0.0.1');
        await new Promise((r) => s.once('close', r));
        await until('the error in the stats', () => fwd.stats().lastError);
        expect(fwd.stats().lastError).toMatch(/not found/);
      } finally {
        await fwd.stop();
      }
    });

    it('metrics: served with usage by the sim, "not served" (no metrics-server) on the real plane', async () => {
      const req = (r: Parameters<ContextClient['request']>[0]) => client.request(r);
      const pods = await readPodMetrics(req, env.namespace);
      const nodes = await readNodeMetrics(req);
      // the columns' source: the poller over the same door, and the cells it gives a pod
      const poller = createMetricsPoller({ request: (_ctx, r) => client.request(r) });
      const release = poller.lease([env.adminContext]);
      await poller.refresh();
      const podObj = JSON.parse((await env.kubectl(['get', 'pod', pod, '-n', env.namespace, '-o', 'json'])).stdout) as KubeObject;
      const cpu = metricText(poller.snapshot(env.adminContext), 'Pod', podObj, 'cpu');
      const mem = metricText(poller.snapshot(env.adminContext), 'Pod', podObj, 'mem');
      release();
      poller.close();
      if (backend.name === 'sim') {
        expect(cpu).toMatch(/^\d+m$/);
        expect(mem).toMatch(/^\d+Mi$/);
      } else {
        expect(poller.snapshot(env.adminContext)).toMatchObject({ state: 'unserved' });
        expect([cpu, mem]).toEqual(['n/a', 'n/a']);
      }
      if (backend.name === 'sim') {
        if (!pods.served || !nodes.served) throw new Error('the sim serves metrics.k8s.io');
        const mine = pods.items.find((p) => p.name === pod);
        expect(mine?.containers.map((c) => c.name)).toEqual(['app']);
        expect(mine!.containers[0].cpu).toBeGreaterThan(0);
        expect(mine!.containers[0].memory).toBeGreaterThan(0);
        expect(nodes.items.length).toBeGreaterThan(0);
        const top = await env.kubectl(['top', 'pods', '-n', env.namespace, pod]);
        expect(top.stderr).toBe('');
        expect(top.stdout).toMatch(new RegExp(`^NAME\\s+CPU\\(cores\\)\\s+MEMORY\\(bytes\\)\\s*\\n${pod}\\s+\\d+m\\s+\\d+Mi`));
      } else {
        expect(pods).toMatchObject({ served: false });
        expect(nodes).toMatchObject({ served: false });
        const top = await env.kubectl(['top', 'pods', '-n', env.namespace]);
        expect(top.code).not.toBe(0);
        expect(top.stderr).toMatch(/Metrics API not available/);
      }
    });
  });
}
