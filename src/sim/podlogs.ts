// Log lines of the simulated containers. Each container instance keeps a bounded ring of
// lines; the instance before the current one is kept as `previous` (what `kubectl logs -p`
// shows for a crashed container). Lines are generated lazily: a container catches up to
// "now" when it is read, and the cluster's single ticker only writes to containers someone
// follows — so 10k idle pods cost nothing per tick.
import { randomBytes } from 'node:crypto';
import type { ContainerRef, LogLine, PodLogSource } from './cluster.js';

export interface PodLogOptions {
  /** generated lines per second per running container */
  rate?: number;
  /** lines kept per container instance */
  capacity?: number;
  clock?: () => number;
  /** what a running container writes (default: generateLine's access/app logs); bytes for a
   * line that is not valid UTF-8 */
  lines?: (image: string, seq: number) => string | Uint8Array;
}

interface Instance {
  lines: LogLine[]; // ring: `head` is the oldest once full
  head: number;
}

interface Container {
  image: string;
  current: Instance;
  previous?: Instance;
  running: boolean;
  nextAt: number; // ms of the next generated line
  lastMs: number;
  lastSub: number; // sub-millisecond part (0..999999) of the last timestamp
  seq: number;
}

type Listener = (line: LogLine) => void;

const key = (ns: string, pod: string, c: string): string => `${ns}/${pod}/${c}`;

export class PodLogStore implements PodLogSource {
  readonly rate: number;
  readonly capacity: number;
  private readonly clock: () => number;
  private readonly lines: (image: string, seq: number) => string | Uint8Array;
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(opts: PodLogOptions = {}) {
    this.rate = opts.rate ?? 1;
    this.capacity = opts.capacity ?? 1000;
    this.clock = opts.clock ?? Date.now;
    this.lines = opts.lines ?? generateLine;
  }

  /** A new instance of the container starts (the old one, if any, becomes `previous`). */
  start(ref: ContainerRef, image: string, when = this.clock()): void {
    const at = this.notAhead(when);
    const k = key(ref.namespace, ref.pod, ref.container);
    const old = this.containers.get(k);
    if (old) this.catchUp(k, old, at);
    const c: Container = old ?? { image, current: newInstance(), running: false, nextAt: at, lastMs: 0, lastSub: 0, seq: 0 };
    if (old) {
      c.previous = old.current;
      c.current = newInstance();
    }
    c.image = image;
    c.running = true;
    this.containers.set(k, c);
    for (const text of startupLines(image, ref.container)) this.append(k, c, at, text);
    c.nextAt = at + this.gap();
  }

  /** The container's process ends; a crash writes its fatal error first. */
  stop(ref: ContainerRef, fatal?: string, when = this.clock()): void {
    const at = this.notAhead(when);
    const k = key(ref.namespace, ref.pod, ref.container);
    const c = this.containers.get(k);
    if (!c || !c.running) return;
    this.catchUp(k, c, at);
    if (fatal) for (const text of fatal.split('\n')) this.append(k, c, at, text);
    c.running = false;
  }

  isRunning(ref: ContainerRef): boolean {
    return this.containers.get(key(ref.namespace, ref.pod, ref.container))?.running ?? false;
  }

  /** Writes a line now (controllers use it for messages tied to events). */
  write(ref: ContainerRef, text: string, when = this.clock()): void {
    const at = this.notAhead(when);
    const k = key(ref.namespace, ref.pod, ref.container);
    const c = this.containers.get(k);
    if (!c) return;
    this.catchUp(k, c, at);
    this.append(k, c, at, text);
  }

  /**
   * A kubelet stamps lines with the node's wall clock: a controller's time (the sim clock,
   * which scenarios move ahead to make history) never puts a line in the future.
   */
  private notAhead(at: number): number {
    return Math.min(at, this.clock());
  }

  /** The pod is gone: its containers' logs go with it. */
  removePod(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const k of this.containers.keys()) if (k.startsWith(prefix)) this.containers.delete(k);
  }

  containerCount(): number {
    return this.containers.size;
  }

  /** The cluster ticker: brings every followed container up to now. */
  tick(now = this.clock()): void {
    // a sim clock sped up (--speed) or moved ahead must not write followed lines into the future
    const at = this.notAhead(now);
    for (const k of this.listeners.keys()) {
      const c = this.containers.get(k);
      if (c) this.catchUp(k, c, at);
    }
  }

  history(ref: ContainerRef): LogLine[] | undefined {
    const k = key(ref.namespace, ref.pod, ref.container);
    const c = this.containers.get(k);
    if (!c) return undefined;
    if (ref.previous) return c.previous ? ordered(c.previous) : undefined;
    this.catchUp(k, c, this.clock());
    return ordered(c.current);
  }

  subscribe(ref: ContainerRef, onLine: (line: LogLine) => void): () => void {
    // a previous instance never gets new lines
    if (ref.previous) return () => undefined;
    const k = key(ref.namespace, ref.pod, ref.container);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(onLine);
    return () => {
      const s = this.listeners.get(k);
      if (!s) return;
      s.delete(onLine);
      if (s.size === 0) this.listeners.delete(k);
    };
  }

  private gap(): number {
    if (this.rate <= 0) return Number.POSITIVE_INFINITY;
    return (1000 / this.rate) * (0.5 + Math.random());
  }

  private catchUp(k: string, c: Container, now: number): void {
    if (!c.running || this.rate <= 0) return;
    // a long-idle container only needs the last `capacity` lines; gaps are at most 1.5 mean
    // gaps long, so a window of 1.5 × capacity mean gaps always holds `capacity` lines
    const span = (this.capacity * 1500) / this.rate;
    if (now - c.nextAt > span) c.nextAt = now - span;
    while (c.nextAt <= now) {
      this.append(k, c, c.nextAt, this.lines(c.image, c.seq));
      c.nextAt += this.gap();
    }
  }

  private append(k: string, c: Container, ms: number, content: string | Uint8Array): void {
    c.seq += 1;
    const line: LogLine = typeof content === 'string'
      ? { ts: this.stamp(c, ms), text: content }
      : { ts: this.stamp(c, ms), text: new TextDecoder().decode(content), raw: content };
    const inst = c.current;
    if (inst.lines.length < this.capacity) inst.lines.push(line);
    else {
      inst.lines[inst.head] = line;
      inst.head = (inst.head + 1) % this.capacity;
    }
    const set = this.listeners.get(k);
    if (set) for (const l of set) l(line);
  }

  /** RFC3339Nano with all nine digits, strictly increasing per container. */
  private stamp(c: Container, ms: number): string {
    let t = Math.max(Math.floor(ms), c.lastMs);
    let sub = Math.floor(Math.random() * 999_000);
    if (t === c.lastMs) {
      sub = c.lastSub + 1 + Math.floor(Math.random() * 500);
      if (sub > 999_999) {
        t += 1;
        sub = Math.floor(Math.random() * 999_000);
      }
    }
    // Go's RFC3339Nano drops trailing zeros; a non-zero last digit keeps the width fixed
    if (sub % 10 === 0) sub += 1;
    c.lastMs = t;
    c.lastSub = sub;
    return formatNano(t, sub);
  }
}

export function formatNano(ms: number, subMs: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  return `${iso.slice(0, 23)}${String(subMs).padStart(6, '0')}Z`;
}

function newInstance(): Instance {
  return { lines: [], head: 0 };
}

function ordered(inst: Instance): LogLine[] {
  return inst.head === 0 ? inst.lines.slice() : [...inst.lines.slice(inst.head), ...inst.lines.slice(0, inst.head)];
}

// --- generated content -------------------------------------------------------------------

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const reqId = (): string => randomBytes(8).toString('hex');

const PATHS = ['/api/v1/orders', '/api/v1/payments', '/api/v1/cart', '/healthz', '/readyz', '/metrics', '/api/v1/users/me', '/api/v2/checkout', '/static/app.js'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'] as const;
const WARNS = ['slow query detected', 'retrying upstream request', 'cache miss ratio above threshold', 'connection pool near capacity'];
const ERRORS = ['upstream timed out', 'failed to publish event: broker unavailable', 'context deadline exceeded', 'payment provider returned 502'];
const DEBUGS = ['cache hit', 'loaded feature flags', 'span exported', 'refreshing token'];

type Flavor = 'nginx' | 'postgres' | 'json' | 'plain';

function flavorOf(image: string): Flavor {
  if (/nginx|envoy|ingress/.test(image)) return 'nginx';
  if (/postgres|cnpg|pg/.test(image)) return 'postgres';
  // stable per image so one container's lines keep one format
  let h = 0;
  for (const ch of image) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return (h & 1) === 0 ? 'json' : 'plain';
}

function status(level: string): number {
  if (level === 'ERROR') return pick([500, 502, 503]);
  if (level === 'WARN') return pick([404, 429, 499]);
  return pick([200, 200, 200, 201, 204, 304]);
}

export function generateLine(image: string, seq: number): string {
  const level = pick(LEVELS);
  const latency = level === 'WARN' ? 800 + Math.floor(Math.random() * 2000) : 2 + Math.floor(Math.random() * 180);
  const path = pick(PATHS);
  const method = pick(METHODS);
  switch (flavorOf(image)) {
    case 'nginx':
      return `10.244.${seq % 7}.${(seq * 13) % 250} - - [${new Date().toUTCString()}] "${method} ${path} HTTP/1.1" ${status(level)} ${100 + (seq % 9000)} "-" "Go-http-client/1.1" ${(latency / 1000).toFixed(3)} ${reqId()}`;
    case 'postgres':
      return level === 'WARN' || level === 'ERROR'
        ? `${new Date().toISOString().replace('T', ' ').slice(0, 23)} UTC [${1000 + (seq % 500)}] LOG:  duration: ${latency}.${seq % 1000} ms  statement: SELECT * FROM orders WHERE id = $1`
        : `${new Date().toISOString().replace('T', ' ').slice(0, 23)} UTC [${1000 + (seq % 500)}] LOG:  checkpoint complete: wrote ${seq % 300} buffers (${(seq % 30) / 10}%)`;
    case 'json': {
      const msg = level === 'ERROR' ? pick(ERRORS) : level === 'WARN' ? pick(WARNS) : level === 'DEBUG' ? pick(DEBUGS) : 'request completed';
      return JSON.stringify({
        level: level.toLowerCase(),
        ts: new Date().toISOString(),
        msg,
        request_id: reqId(),
        method,
        path,
        status: status(level),
        latency_ms: latency,
      });
    }
    case 'plain': {
      const msg = level === 'ERROR' ? pick(ERRORS) : level === 'WARN' ? pick(WARNS) : level === 'DEBUG' ? pick(DEBUGS) : `${method} ${path} -> ${status(level)}`;
      return `${new Date().toISOString()} ${level.padEnd(5)} [req=${reqId()}] ${msg} (${latency}ms)`;
    }
  }
}

function startupLines(image: string, container: string): string[] {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
  if (flavorOf(image) === 'postgres') {
    return ['LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu', 'LOG:  listening on IPv4 address "0.0.0.0", port 5432', 'LOG:  database system is ready to accept connections'];
  }
  return [
    `INFO  starting ${container} version=${tag}`,
    'INFO  loaded configuration from /etc/app/config.yaml',
    'INFO  listening on :8080 (metrics on :9090)',
  ];
}

/** The last words of a crashing container (its `previous` log ends with these). */
export function crashLines(image: string): string {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
  return [
    `ERROR failed to initialise: config key "database.url" is required (version=${tag})`,
    'FATAL unable to start server: exiting with code 1',
  ].join('\n');
}
