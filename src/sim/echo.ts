// The stand-in for a container's listening port: a TCP listener on 127.0.0.1 that answers
// HTTP requests with a short text page naming what it stands for (so `curl` through a
// port-forward shows where it landed) and echoes every other byte stream back unchanged
// (so a test can prove bytes went both ways). The simulated fleet starts one per forwarded
// (pod, port); the real control plane's kwok dials one through ClusterPortForward.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Socket } from 'node:net';

export interface EchoListener {
  port: number;
  close(): Promise<void>;
}

const HTTP_START = /^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) \S+ HTTP\/1\.[01]\r?\n/;

/**
 * Starts the listener on 127.0.0.1:port (0 = any free port). `label` is the first line of
 * every HTTP answer, e.g. "pod checkout/web-1 port 8080".
 */
export async function startEchoListener(label: string, port = 0): Promise<EchoListener> {
  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = `fleetdeck echo: ${label}\n${req.method} ${req.url}\n${Buffer.concat(chunks).toString('utf8')}`;
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      if (HTTP_START.test(first.subarray(0, 64).toString('latin1'))) {
        socket.pause();
        socket.unshift(first);
        http.emit('connection', socket);
        socket.resume();
        return;
      }
      socket.write(first);
      socket.pipe(socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
