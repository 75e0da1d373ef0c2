// The fixture sources the real Flux controllers fetch, served on 127.0.0.1:
// - /git/<repo>.git/...: Git smart HTTP, one `git http-backend` (CGI) per request over the
//   bare repositories in GIT_ROOT (go-git, in source-controller, cannot use dumb HTTP);
// - /charts/<file>: a static Helm repository (index.yaml + packaged chart .tgz files) in
//   CHARTS_DIR.
// Run: node --import tsx test/controlplane/git-server.ts --port=PORT --git-root=DIR --charts=DIR
import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';

export interface SourceServerOptions {
  port: number;
  gitRoot: string;
  chartsDir: string;
  log?: (line: string) => void;
}

/** Splits a CGI response head ("Status: 200 OK\r\nContent-Type: ...\r\n\r\n") into status and headers. */
export function parseCgiHead(head: string): { status: number; headers: [string, string][] } {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers };
}

function gitBackend(req: IncomingMessage, res: ServerResponse, url: URL, gitRoot: string, log: (l: string) => void): void {
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: gitRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname.slice('/git'.length)),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: req.headers['content-length'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let head = Buffer.alloc(0);
  let headDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    let end = head.indexOf('\r\n\r\n');
    let sepLen = 4;
    if (end < 0) {
      end = head.indexOf('\n\n');
      sepLen = 2;
    }
    if (end < 0) return;
    headDone = true;
    const { status, headers } = parseCgiHead(head.subarray(0, end).toString('latin1'));
    res.writeHead(status, headers);
    res.write(head.subarray(end + sepLen));
  });
  child.stderr.on('data', (d: Buffer) => log(`git http-backend: ${d.toString().trim()}`));
  child.on('close', (code) => {
    if (!headDone) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`git http-backend exited ${code}\n`);
    } else res.end();
  });
  // go-git closes its upload-pack connection itself once it has what it needs
  req.on('error', () => child.kill());
  child.stdin.on('error', () => {});
  req.pipe(child.stdin);
}

function staticFile(res: ServerResponse, root: string, rel: string): void {
  const file = normalize(join(root, rel));
  if (!file.startsWith(normalize(root) + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    const type = file.endsWith('.yaml') ? 'application/x-yaml' : file.endsWith('.tgz') ? 'application/gzip' : 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }
}

/** Starts the server; resolves once it listens. */
export function startSourceServer(opts: SourceServerOptions): Promise<Server> {
  const log = opts.log ?? (() => {});
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    log(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname.startsWith('/git/')) gitBackend(req, res, url, opts.gitRoot, log);
    else if (url.pathname.startsWith('/charts/') && (req.method === 'GET' || req.method === 'HEAD')) staticFile(res, opts.chartsDir, url.pathname.slice('/charts/'.length));
    else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const port = Number(arg('port'));
  const gitRoot = arg('git-root');
  const chartsDir = arg('charts');
  if (!port || !gitRoot || !chartsDir) {
    console.error('usage: git-server.ts --port=PORT --git-root=DIR --charts=DIR');
    process.exit(2);
  }
  const server = await startSourceServer({ port, gitRoot, chartsDir, log: (l) => console.error(`${new Date().toISOString()} ${l}`) });
  console.error(`fixture sources on http://127.0.0.1:${port} (git: /git/, charts: /charts/)`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
