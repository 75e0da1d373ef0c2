// Small real proxies on 127.0.0.1 for the kubeconfig proxy tests: a SOCKS5 server (no auth,
// CONNECT to IPv4, IPv6 or a host name) and an HTTP CONNECT proxy, plain or over TLS. Each
// records the destinations it was asked for, so a test can tell the proxy was really used,
// and maps host names through `route` (a name no certificate covers can still reach the sim).
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface TestProxy {
  url: string;
  /** `host:port` per tunnel asked for, in order */
  destinations: string[];
  close(): Promise<void>;
}

export type Route = (host: string) => string;
const direct: Route = (h) => h;

function tunnel(client: net.Socket, host: string, port: number, route: Route, ready: () => void, fail: () => void): void {
  const up = net.connect(port, route(host), () => {
    ready();
    up.pipe(client);
    client.pipe(up);
  });
  up.on('error', () => {
    fail();
    client.destroy();
  });
  client.on('error', () => up.destroy());
  client.on('close', () => up.destroy());
}

/** A SOCKS5 proxy (RFC 1928, "no authentication" only). */
export async function startSocks5(route: Route = direct): Promise<TestProxy> {
  const destinations: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    let buf = Buffer.alloc(0);
    let stage: 'hello' | 'request' | 'piping' = 'hello';
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (stage === 'hello') {
        if (buf.length < 2 || buf.length < 2 + buf[1]) return;
        buf = buf.subarray(2 + buf[1]);
        c.write(Buffer.from([5, 0]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3];
        let host: string;
        let at: number;
        if (atyp === 1) {
          if (buf.length < 10) return;
          host = [...buf.subarray(4, 8)].join('.');
          at = 8;
        } else if (atyp === 3) {
          const n = buf[4];
          if (buf.length < 5 + n + 2) return;
          host = buf.subarray(5, 5 + n).toString('latin1');
          at = 5 + n;
        } else if (atyp === 4) {
          if (buf.length < 22) return;
          host = (buf.subarray(4, 20).toString('hex').match(/.{4}/g) ?? []).join(':');
          at = 20;
        } else {
          c.destroy();
          return;
        }
        const port = buf.readUInt16BE(at);
        const rest = buf.subarray(at + 2);
        stage = 'piping';
        c.off('data', onData);
        destinations.push(`${host}:${port}`);
        c.pause();
        tunnel(
          c,
          host,
          port,
          route,
          () => {
            c.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
            if (rest.length) c.unshift(rest);
            c.resume();
          },
          () => c.write(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])),
        );
      }
    };
    c.on('data', onData);
    c.on('error', () => c.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `socks5://127.0.0.1:${port}`,
    destinations,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** An HTTP CONNECT proxy; with `tls` the proxy itself speaks HTTPS (an https:// proxy-url). */
export async function startConnectProxy(route: Route = direct, tls?: { cert: string; key: string }): Promise<TestProxy> {
  const destinations: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }) : http.createServer();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (_req, res: http.ServerResponse) => {
    res.writeHead(405);
    res.end('CONNECT only');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const i = target.lastIndexOf(':');
    const host = target.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(i + 1));
    destinations.push(`${host}:${port}`);
    if (head.length) client.unshift(head);
    tunnel(
      client,
      host,
      port,
      route,
      () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'),
      () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    destinations,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
