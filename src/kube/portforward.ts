// Port-forward over the pods/portforward subresource: a local TCP listener on 127.0.0.1;
// each accepted connection opens one WebSocket (v4.channel.k8s.io, the kubelet's
// portforward.k8s.io WebSocket protocol) for one port. Channels: 0 data, 1 error; the first
// message on each channel is the port number, 2 bytes little-endian, before any data.
// Source: kubelet pkg/cri/streaming/portforward/websocket.go (handleWebSocketStreams).
// kubectl's newer SPDY-over-WebSocket tunnel (SPDY/3.1+portforward.k8s.io) is not spoken.
import { createServer, type Server, type Socket } from 'node:net';
import type WebSocket from 'ws';
import type { ContextClient } from './client.js';

export const PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io'] as const;

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  /** the pod's port */
  port: number;
}

export function portForwardPath(t: PortForwardTarget): { path: string; query: Record<string, string> } {
  const enc = encodeURIComponent;
  return { path: `/api/v1/namespaces/${enc(t.namespace)}/pods/${enc(t.pod)}/portforward`, query: { ports: String(t.port) } };
}

/** One forwarded connection as a duplex pair of callbacks over one WebSocket. */
export interface PortStream {
  write(data: Buffer): void;
  close(): void;
  /** resolves when the stream ended, with the pod side's error text if it sent one */
  readonly done: Promise<{ error?: string }>;
}

/**
 * Opens one connection to a pod's port. `onData` gets the bytes the pod sends. Rejects on
 * HTTP errors before the upgrade (403, 404, ...) as the client's errors.
 */
export async function openPortStream(
  client: Pick<ContextClient, 'openWebSocket'>,
  t: PortForwardTarget,
  onData: (data: Buffer) => void,
  signal?: AbortSignal,
): Promise<PortStream> {
  const { path, query } = portForwardPath(t);
  const ws: WebSocket = await client.openWebSocket(path, query, [...PORTFORWARD_PROTOCOLS], signal);
  // each channel's first 2 bytes are the port; strip them once per channel
  const prefix = [2, 2];
  let error = '';
  const done = new Promise<{ error?: string }>((resolve) => {
    ws.on('message', (raw: Buffer) => {
      if (raw.length === 0) return;
      const ch = raw[0];
      let body = raw.subarray(1);
      if (ch > 1) return;
      const skip = Math.min(prefix[ch], body.length);
      prefix[ch] -= skip;
      body = body.subarray(skip);
      if (body.length === 0) return;
      if (ch === 0) onData(body);
      else error += body.toString('utf8');
    });
    ws.on('error', () => {
      // 'close' follows
    });
    ws.once('close', () => resolve(error ? { error: error.trim() } : {}));
  });
  return {
    write: (data) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([0]), data]));
    },
    close: () => ws.close(),
    done,
  };
}

export interface ForwardStats {
  /** connections accepted so far */
  connections: number;
  /** connections open now */
  active: number;
  /** bytes from the local client to the pod */
  bytesOut: number;
  /** bytes from the pod to the local client */
  bytesIn: number;
  /** the last error a connection met (pod side or API) */
  lastError?: string;
}

export interface PortForward {
  readonly localPort: number;
  /** where it listens, as kubectl prints them: `127.0.0.1:PORT`, `[::1]:PORT` (the families that could be bound) */
  readonly addresses: readonly string[];
  readonly target: PortForwardTarget;
  stats(): ForwardStats;
  /** called after every change of the stats (bytes, connections, errors) */
  onChange(fn: () => void): () => void;
  /** closes the listener and every open connection */
  stop(): Promise<void>;
}

/**
 * Listens on localhost as kubectl does (`--address localhost`: 127.0.0.1 and ::1, the same
 * port on both; localPort 0 = a free port picked on the first) and forwards each connection to
 * the pod's port. As kubectl's "any" failure mode for localhost, one family that cannot be
 * bound (no IPv6 loopback, the port taken on ::1 only) is left out; rejects with the IPv4
 * error when neither can be bound (EADDRINUSE, EACCES).
 */
export async function startPortForward(client: Pick<ContextClient, 'openWebSocket'>, target: PortForwardTarget, localPort = 0): Promise<PortForward> {
  const stats: ForwardStats = { connections: 0, active: 0, bytesOut: 0, bytesIn: 0 };
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const fn of listeners) fn();
  };
  const sockets = new Set<Socket>();
  const aborts = new AbortController();

  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    stats.connections++;
    stats.active++;
    changed();
    socket.pause();
    let stream: PortStream | undefined;
    socket.once('close', () => {
      sockets.delete(socket);
      stats.active--;
      stream?.close();
      changed();
    });
    socket.on('error', () => socket.destroy());
    openPortStream(
      client,
      target,
      (data) => {
        stats.bytesIn += data.length;
        socket.write(data);
        changed();
      },
      aborts.signal,
    ).then(
      (s) => {
        stream = s;
        if (socket.destroyed) return s.close();
        socket.on('data', (chunk: Buffer) => {
          stats.bytesOut += chunk.length;
          s.write(chunk);
          changed();
        });
        socket.once('end', () => s.close());
        socket.resume();
        void s.done.then(({ error }) => {
          if (error) {
            stats.lastError = error;
            changed();
          }
          socket.end();
        });
      },
      (err: Error) => {
        stats.lastError = err.message;
        changed();
        socket.destroy();
      },
    );
  };

  const servers: Server[] = [];
  const addresses: string[] = [];
  let bound = localPort;
  let firstError: Error | undefined;
  for (const host of LOCALHOST) {
    const server: Server = createServer(onConnection);
    try {
      await listen(server, bound, host);
    } catch (e) {
      firstError ??= e as Error;
      continue;
    }
    const addr = server.address();
    if (typeof addr === 'object' && addr) bound = addr.port;
    servers.push(server);
    addresses.push(host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`);
  }
  if (!servers.length) throw firstError ?? new Error('unable to listen on localhost');
  return {
    localPort: bound,
    addresses,
    target,
    stats: () => ({ ...stats }),
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        aborts.abort();
        for (const s of sockets) s.destroy();
        let open = servers.length;
        for (const server of servers) server.close(() => --open || resolve());
      }),
  };
}

/** Where a forward listens, in a line or a column: `localhost:PORT` on both loopbacks, else the one address bound. */
export function listenText(fwd: Pick<PortForward, 'addresses' | 'localPort'>): string {
  return fwd.addresses.length > 1 ? `localhost:${fwd.localPort}` : (fwd.addresses[0] ?? `localhost:${fwd.localPort}`);
}

/** kubectl's `localhost`: both loopbacks, IPv4 first (the port a free-port request picks is taken there) */
const LOCALHOST = ['127.0.0.1', '::1'] as const;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
