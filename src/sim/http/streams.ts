// The streaming pod subresources of the simulated API server, over WebSocket as the real
// API server accepts them: pods/exec (v5.channel.k8s.io / v4.channel.k8s.io) and
// pods/portforward (v4.channel.k8s.io, the kubelet's portforward.k8s.io WebSocket form).
//
// Exec does what kwok's ClusterExec "local" target does on the real control plane: the
// command really runs, as a child process of the sim on this machine, in a working
// directory of its own per container (<tmp>/fleetdeck-sim-exec-<pid>/<cluster>/<ns>/<pod>/<container>),
// with a clean environment (PATH, HOME=that directory, HOSTNAME=the pod, TERM, and the
// container's literal env values — never the user's own variables). It is not a security
// sandbox: the sim is a local development server on 127.0.0.1 behind a bearer token, and
// the command runs as the user who started it, exactly as with kwok. With tty=true and
// node-pty installed (a development dependency) the command gets a real pseudo-terminal
// and resize messages reach it; without node-pty it runs on pipes.
//
// Port-forward dials, per forwarded (pod, port), a local echo/HTTP listener (sim/echo.ts)
// started on first use — only for ports a container of the pod declares; any other port gets
// the kubelet's "connection refused" text on the error channel, as a real pod without a
// listener would.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { arr, num, rec, str } from '../../model/access.js';
import type { KubeObject } from '../../model/types.js';
import type { SimCluster } from '../cluster.js';
import { startEchoListener, type EchoListener } from '../echo.js';
import { ApiError, badRequest, notFound } from '../errors.js';

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io'];

/** Writes an API error as the HTTP answer to an upgrade request, then closes the socket. */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const e = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${String((err as Error)?.message ?? err)}`);
  const body = JSON.stringify(e.status());
  socket.end(`HTTP/1.1 ${e.code} ${e.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function offered(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function choose(req: IncomingMessage, supported: string[]): string {
  const asked = offered(req);
  const pick = supported.find((p) => asked.includes(p));
  if (!pick) throw badRequest(`unable to upgrade connection: none of the requested subprotocols (${asked.join(', ') || 'none'}) is supported; supported: ${supported.join(', ')}`);
  return pick;
}

function containerOf(pod: KubeObject, asked: string | null): { spec: unknown; name: string } {
  const name = pod.metadata.name;
  const all = [...arr(pod, 'spec', 'containers'), ...arr(pod, 'spec', 'initContainers'), ...arr(pod, 'spec', 'ephemeralContainers')];
  const mains = arr(pod, 'spec', 'containers').map((c) => str(c, 'name') ?? '');
  if (!asked) {
    if (mains.length !== 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${mains.join(' ')}]`);
    asked = mains[0];
  }
  const spec = all.find((c) => str(c, 'name') === asked);
  if (!spec) throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return { spec, name: asked };
}

/** The API server's and kubelet's refusals for a pod that cannot take an exec. */
function checkRunning(pod: KubeObject, container: string): void {
  const name = pod.metadata.name;
  const phase = str(pod, 'status', 'phase');
  if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (!str(pod, 'spec', 'nodeName')) throw badRequest(`pod ${name} does not have a host assigned`);
  const statuses = [...arr(pod, 'status', 'containerStatuses'), ...arr(pod, 'status', 'initContainerStatuses'), ...arr(pod, 'status', 'ephemeralContainerStatuses')];
  const st = statuses.find((s) => str(s, 'name') === container);
  if (!rec(st, 'state', 'running')) throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
}

type PtyModule = typeof import('node-pty');
let ptyModule: Promise<PtyModule | undefined> | undefined;
function loadPty(): Promise<PtyModule | undefined> {
  ptyModule ??= import('node-pty').then(
    (m) => ((m as { default?: PtyModule }).default ?? m) as PtyModule,
    () => undefined,
  );
  return ptyModule;
}

interface Running {
  write(data: Buffer): void;
  endInput(): void;
  resize(cols: number, rows: number): void;
  kill(): void;
}

function exitStatus(argv: string[], code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function failureStatus(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };

export interface StreamServer {
  /** handles an upgrade request already routed to pods/exec or pods/portforward */
  upgrade(kind: 'exec' | 'portforward', ns: string, pod: string, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  /** ends every open session (a server restart drops them) */
  drop(): void;
  close(): Promise<void>;
}

export function streamServer(cluster: SimCluster): StreamServer {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (set) => [...EXEC_PROTOCOLS, ...PORTFORWARD_PROTOCOLS].find((p) => set.has(p)) ?? false });
  const root = join(tmpdir(), `fleetdeck-sim-exec-${process.pid}`, cluster.name.replace(/[^A-Za-z0-9_.-]/g, '_'));
  const listeners = new Map<string, Promise<EchoListener>>();
  const live = new Set<WebSocket>();
  const procs = new Set<Running>();

  const unsubscribe = cluster.store.subscribe((ev) => {
    if (ev.type !== 'DELETED' || ev.key !== 'pods') return;
    const prefix = `${ev.object.metadata.namespace}/${ev.object.metadata.name}/`;
    for (const [k, l] of listeners) {
      if (!k.startsWith(prefix)) continue;
      listeners.delete(k);
      void l.then((x) => x.close(), () => {});
    }
  });

  function accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
    return new Promise((resolve) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        live.add(ws);
        ws.once('close', () => live.delete(ws));
        resolve(ws);
      });
    });
  }

  async function exec(ns: string, podName: string, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const pod = cluster.store.get('pods', ns, podName);
    if (!pod) throw notFound('pods', '', podName);
    const argv = q.getAll('command');
    if (argv.length === 0 || argv[0] === '') throw badRequest('you must specify at least 1 command');
    const { spec, name: container } = containerOf(pod, q.get('container'));
    checkRunning(pod, container);
    const tty = q.get('tty') === 'true';
    const wantStdin = q.get('stdin') === 'true';
    const wantStderr = q.get('stderr') !== 'false' && !tty;
    choose(req, EXEC_PROTOCOLS);
    // loaded before the upgrade: from the upgrade on, everything up to the message handler is synchronous, so no early stdin or resize is lost
    const pty = tty ? await loadPty() : undefined;
    const ws = await accept(req, socket, head);
    const v5 = ws.protocol === EXEC_PROTOCOLS[0];

    const dir = join(root, ns, podName, container);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: dir, HOSTNAME: podName, TERM: tty ? 'xterm-256color' : 'dumb' };
    for (const e of arr(spec, 'env')) {
      const k = str(e, 'name');
      const v = str(e, 'value');
      if (k && v !== undefined) env[k] = v;
    }
    const send = (ch: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data) : data]));
    };
    let finished = false;
    const finish = (status: Record<string, unknown>) => {
      if (finished) return;
      finished = true;
      send(3, JSON.stringify(status));
      ws.close(1000);
    };

    let proc: Running;
    if (pty) {
      let term;
      try {
        term = pty.spawn(argv[0], argv.slice(1), { name: env.TERM, cols: 80, rows: 24, cwd: dir, env });
      } catch (e) {
        return finish(failureStatus(`exec: ${JSON.stringify(argv[0])}: ${(e as Error).message}`));
      }
      term.onData((d) => send(1, d));
      term.onExit(({ exitCode }) => {
        procs.delete(proc);
        finish(exitStatus(argv, exitCode));
      });
      proc = {
        write: (d) => term.write(d.toString('utf8')),
        endInput: () => term.write('\x04'),
        resize: (c, r) => term.resize(Math.max(1, c), Math.max(1, r)),
        kill: () => term.kill('SIGHUP'),
      };
    } else {
      const child = spawn(argv[0], argv.slice(1), { cwd: dir, env, stdio: [wantStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => send(1, d));
      child.stderr!.on('data', (d: Buffer) => send(wantStderr ? 2 : 1, d));
      child.stdin?.on('error', () => {});
      child.once('error', (e: NodeJS.ErrnoException) => {
        procs.delete(proc);
        const why = e.code === 'ENOENT' ? 'executable file not found in $PATH' : e.message;
        finish(failureStatus(`exec: ${JSON.stringify(argv[0])}: ${why}`));
      });
      child.once('close', (code, signal) => {
        procs.delete(proc);
        finish(exitStatus(argv, code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0)));
      });
      proc = {
        write: (d) => child.stdin?.write(d),
        endInput: () => child.stdin?.end(),
        resize: () => {},
        kill: () => child.kill('SIGKILL'),
      };
    }
    procs.add(proc);
    ws.on('message', (raw: Buffer) => {
      if (raw.length === 0) return;
      const ch = raw[0];
      const body = raw.subarray(1);
      if (ch === 0 && wantStdin) proc.write(body);
      else if (ch === 4) {
        try {
          const size = JSON.parse(body.toString('utf8')) as { Width?: number; Height?: number };
          if (size.Width && size.Height) proc.resize(size.Width, size.Height);
        } catch {
          // a malformed resize is ignored, as the kubelet does
        }
      } else if (ch === 255 && v5 && body[0] === 0) proc.endInput();
    });
    ws.once('close', () => {
      if (!finished) {
        finished = true;
        proc.kill();
      }
    });
  }

  function declaredPorts(pod: KubeObject): Set<number> {
    const out = new Set<number>();
    for (const c of [...arr(pod, 'spec', 'containers'), ...arr(pod, 'spec', 'initContainers')]) {
      for (const p of arr(c, 'ports')) {
        const n = num(p, 'containerPort');
        if (n !== undefined) out.add(n);
      }
    }
    return out;
  }

  function listenerFor(ns: string, pod: string, port: number): Promise<EchoListener> {
    const key = `${ns}/${pod}/${port}`;
    let l = listeners.get(key);
    if (!l) {
      l = startEchoListener(`${cluster.name} pod ${ns}/${pod} port ${port}`);
      listeners.set(key, l);
    }
    return l;
  }

  async function portforward(ns: string, podName: string, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const pod = cluster.store.get('pods', ns, podName);
    if (!pod) throw notFound('pods', '', podName);
    const phase = str(pod, 'status', 'phase');
    if (phase !== 'Running') throw badRequest(`unable to forward port because pod is not running. Current status=${phase ?? 'Unknown'}`);
    const ports = q.getAll('ports').flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
    if (ports.length === 0) throw badRequest('query parameter "port" is required');
    const nums = ports.map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw badRequest(`unable to parse "${p}" as a port: port must be in the range 1-65535`);
      return n;
    });
    choose(req, PORTFORWARD_PROTOCOLS);
    const ws = await accept(req, socket, head);
    const declared = declaredPorts(pod);
    const send = (ch: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data) : data]));
    };
    const conns: (Socket | undefined)[] = [];
    // bytes the client sent before the pod side's connection was up
    const pending: Buffer[][] = nums.map(() => []);
    let closed = false;
    let open = nums.length;
    const oneDone = () => {
      open--;
      if (open === 0) ws.close(1000);
    };
    nums.forEach((port, i) => {
      const le = Buffer.alloc(2);
      le.writeUInt16LE(port);
      send(2 * i, le);
      send(2 * i + 1, le);
      if (!declared.has(port)) {
        send(2 * i + 1, `error forwarding port ${port} to pod ${pod.metadata.uid ?? podName}, uid : failed to connect to localhost:${port} inside namespace ${ns}/${podName}: dial tcp4 127.0.0.1:${port}: connect: connection refused`);
        oneDone();
        return;
      }
      void listenerFor(ns, podName, port).then((l) => {
        if (closed) return;
        const s = connect(l.port, '127.0.0.1');
        // a socket buffers writes until it is connected
        conns[i] = s;
        for (const b of pending[i].splice(0)) s.write(b);
        s.on('data', (d: Buffer) => send(2 * i, d));
        s.on('error', (e) => send(2 * i + 1, `error forwarding port ${port}: ${e.message}`));
        s.once('close', oneDone);
      }, (e: Error) => {
        send(2 * i + 1, `error forwarding port ${port}: ${e.message}`);
        oneDone();
      });
    });
    ws.on('message', (raw: Buffer) => {
      if (raw.length < 1) return;
      const ch = raw[0];
      if (ch % 2 !== 0) return;
      const i = ch / 2;
      if (i >= nums.length) return;
      if (conns[i]) conns[i].write(raw.subarray(1));
      else pending[i].push(Buffer.from(raw.subarray(1)));
    });
    ws.once('close', () => {
      for (const c of conns) c?.destroy();
      closed = true;
    });
  }

  return {
    async upgrade(kind, ns, pod, q, req, socket, head) {
      try {
        if (kind === 'exec') await exec(ns, pod, q, req, socket, head);
        else await portforward(ns, pod, q, req, socket, head);
      } catch (e) {
        rejectUpgrade(socket, e);
      }
    },
    drop() {
      for (const p of procs) p.kill();
      for (const ws of live) ws.terminate();
    },
    async close() {
      unsubscribe();
      this.drop();
      await Promise.all([...listeners.values()].map((l) => l.then((x) => x.close(), () => {})));
      listeners.clear();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
