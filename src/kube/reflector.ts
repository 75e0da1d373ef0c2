// A list+watch cache of one (context, resource, namespace scope), as client-go's reflector
// does it and client-node's informer does not (see REFERENCE-client.md): a watch-list (one
// WATCH with sendInitialEvents that streams the current state, then the changes; KEP 3157),
// or where the server refuses one a paginated LIST, then a WATCH from the list's
// resourceVersion, with bookmarks and a randomized timeout, resume
// from the last seen resourceVersion after a dropped or ended watch, relist on 410 Gone with
// deletions for what vanished, backoff with jitter on errors, and every condition visible
// as a phase. A kind served without the watch verb (componentstatuses) is listed again every
// pollMs instead. Objects stay plain JSON, projected.
import type { Readable } from 'node:stream';
import type { KubeObject, ReflectorPhase, ResourceType } from '../model/types.js';
import { collectionPath } from '../model/patches.js';
import { apiVersionOf, resourceKey } from '../model/types.js';
import type { ContextClient, KubeStream } from './client.js';
import { apiErrorFrom, classify, KubeApiError } from './errors.js';
import { parseWatchLine, project } from './project.js';


export interface ReflectorSink {
  /** an object was added or changed; prev is the cached object it replaces */
  upsert(obj: KubeObject, prev: KubeObject | undefined): void;
  /** an object is gone */
  remove(prev: KubeObject): void;
  /** phase, reason or nextAttemptAt changed */
  status(): void;
}

export interface ReflectorOptions {
  pageSize?: number;
  /** watch timeoutSeconds is drawn from [min, max] per watch */
  watchTimeoutSeconds?: [number, number];
  backoffMs?: [number, number];
  /** ask for a watch-list instead of LIST then WATCH, where the client says the server takes one (default true) */
  watchList?: boolean;
  /** a kind served without the watch verb (componentstatuses) is listed again every this many ms (default 30 s) */
  pollMs?: number;
}

export class Backoff {
  private attempt = 0;
  constructor(
    private readonly baseMs = 500,
    private readonly capMs = 30_000,
  ) {}
  /** the next delay: exponential, capped, with jitter in [d/2, d] so retries spread out */
  next(): number {
    const d = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return d / 2 + Math.random() * (d / 2);
  }
  reset(): void {
    this.attempt = 0;
  }
}

/** `${namespace}/${name}`: the cache key inside one reflector. */
export const objectKey = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;


interface WatchEvent {
  type: string;
  object: KubeObject & { code?: number; message?: string; reason?: string; kind?: string };
}

class Stopped extends Error {}

/** An open watch as the watchdog sees it: aborted once silent past `limitMs`. */
interface Watched {
  lastData: number;
  limitMs: number;
  ac: AbortController;
}

// One timer for every open watch instead of an interval each: a CRD-heavy fleet holds ~11k
// watches, whose 11k intervals fired ~2k callbacks a second and were as many timer objects.
const watched = new Set<Watched>();
let watchdog: NodeJS.Timeout | undefined;

function guard(w: Watched): void {
  watched.add(w);
  if (watchdog) return;
  watchdog = setInterval(() => {
    const now = Date.now();
    for (const x of watched) if (now - x.lastData > x.limitMs) x.ac.abort();
  }, 5_000);
  watchdog.unref();
}

function unguard(w: Watched): void {
  watched.delete(w);
  if (watched.size > 0 || !watchdog) return;
  clearInterval(watchdog);
  watchdog = undefined;
}

/**
 * Reads a body of newline-separated lines (a watch) to its end, calling `onLine` for each
 * non-empty line and `w.lastData` touched per chunk. Rejects with the body's error, with what
 * `onLine` threw (the body is then destroyed), or when the body closes before its end (a
 * dropped or cancelled stream). Listeners instead of `for await`: no async iterator and
 * promise per chunk for each of ~11k mostly idle watches.
 */
function readLines(body: Readable, w: Watched, onLine: (line: string) => void): Promise<void> {
  body.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const finish = (e?: unknown): void => {
      if (done) return;
      done = true;
      body.off('data', onData);
      if (e === undefined) resolve();
      else reject(e);
    };
    const onData = (chunk: string): void => {
      w.lastData = Date.now();
      buf += chunk;
      let nl = buf.indexOf('\n');
      if (nl < 0) return;
      let start = 0;
      try {
        while (nl >= 0) {
          if (nl > start) onLine(buf.slice(start, nl));
          start = nl + 1;
          nl = buf.indexOf('\n', start);
        }
      } catch (e) {
        finish(e);
        body.destroy();
        return;
      }
      buf = buf.slice(start);
    };
    body.on('data', onData);
    body.once('error', finish);
    body.once('end', () => {
      try {
        if (buf.trim() !== '') onLine(buf);
        finish();
      } catch (e) {
        finish(e);
      }
    });
    body.once('close', () => finish(Object.assign(new Error('the watch closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
  });
}

export class Reflector {
  readonly key: string;
  /** the cache: `${namespace}/${name}` → object; only this reflector writes it */
  private objects: Map<string, KubeObject>;
  phase: ReflectorPhase = 'syncing';
  reason: string | undefined;
  nextAttemptAt: number | undefined;
  resourceVersion = '';
  /** counters for tests and the status line */
  readonly stats = { lists: 0, watches: 0, events: 0, relists410: 0, watchLists: 0 };

  /** stop() was called: no request is made after */
  private stopped = false;
  /** the request in flight (a list or a watch): stop() aborts it. One per request, none per
   * reflector: a listener on a reflector-wide signal per watch cost ~25 µs each */
  private op: AbortController | undefined;
  private readonly backoff: Backoff;
  private readonly pageSize: number;
  private readonly watchTimeout: [number, number];
  private readonly apiVersion: string;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private watchList: boolean;
  /** the kind cannot be watched (no watch verb): LIST every pollMs, each list replacing the last */
  private readonly pollMs: number | undefined;
  /** a watch-list's initial state while it streams in: `next` is the cache itself on a first sync, else built aside */
  private initial: { old: Map<string, KubeObject>; next: Map<string, KubeObject>; opened: boolean } | undefined;

  constructor(
    private readonly client: ContextClient,
    readonly resource: ResourceType,
    readonly namespace: string | undefined,
    private readonly sink: ReflectorSink,
    opts: ReflectorOptions = {},
    /** what an earlier cache of the same scope held: the first LIST diffs against it (no upsert
     * for an unchanged object, a remove for one that is gone) instead of starting empty */
    seed: Map<string, KubeObject> = new Map(),
  ) {
    this.objects = seed;
    this.key = resourceKey(resource);
    this.pageSize = opts.pageSize ?? 500;
    this.watchTimeout = opts.watchTimeoutSeconds ?? [240, 360];
    this.backoff = new Backoff(...(opts.backoffMs ?? [500, 30_000]));
    this.apiVersion = apiVersionOf(resource);
    this.watchList = opts.watchList ?? true;
    this.pollMs = resource.verbs.includes('watch') ? undefined : (opts.pollMs ?? 30_000);
  }

  /** The cached objects by `${namespace}/${name}` (read-only: the reflector alone changes them). */
  get cache(): ReadonlyMap<string, KubeObject> {
    return this.objects;
  }

  /** Gives up the cache (to seed whatever serves this scope next) and holds nothing after. */
  handOver(): Map<string, KubeObject> {
    const out = this.objects;
    this.objects = new Map();
    return out;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.op?.abort();
    this.wake?.();
    await this.running;
    this.setPhase('stopped', undefined);
  }

  /** Retry now instead of at nextAttemptAt (e.g. the context came back). */
  retryNow(): void {
    this.wake?.();
  }

  private setPhase(phase: ReflectorPhase, reason: string | undefined, nextAttemptAt?: number): void {
    if (this.phase === phase && this.reason === reason && this.nextAttemptAt === nextAttemptAt) return;
    this.phase = phase;
    this.reason = reason;
    this.nextAttemptAt = nextAttemptAt;
    this.sink.status();
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (this.pollMs !== undefined) {
          // list-only: kubectl get lists it once; a view keeps it current by listing again
          await this.list();
          this.backoff.reset();
          this.setPhase('synced', undefined);
          await this.sleep(this.pollMs);
          continue;
        }
        if (needList && this.watchList && this.client.watchList) {
          const got = await this.watch(true);
          if (got === 'refused') continue; // the server takes no watch-list: LIST then WATCH
          if (this.initial === undefined) {
            needList = false;
            this.backoff.reset();
          } else {
            // it ended before the initial state was whole. Once the server had answered: a
            // server that ignored the request (it never marks the end) or a dropped stream, and
            // this scope lists from now on; before (given up waiting): it asks again
            if (this.initial.opened) this.watchList = false;
            this.initial = undefined;
            await this.sleep(this.backoff.next());
          }
          continue;
        }
        if (needList) {
          await this.list();
          needList = false;
          this.backoff.reset();
          this.setPhase('synced', undefined);
        }
        const delivered = await this.watch(false);
        if (delivered) this.backoff.reset();
        else await this.sleep(this.backoff.next());
      } catch (e) {
        this.initial = undefined;
        if (this.stopped || e instanceof Stopped) break;
        const kind = classify(e);
        const reason = (e as Error).message;
        if (kind === 'gone') {
          // the resourceVersion is compacted away: start over from a fresh list
          this.stats.relists410++;
          needList = true;
          continue;
        }
        if (kind === 'forbidden') {
          // retrying cannot help until someone changes RBAC; no retry storm
          this.setPhase('forbidden', reason);
          return;
        }
        const delay = this.backoff.next();
        const phase = kind === 'unauthorized' ? 'unauthorized' : kind === 'unreachable' ? 'unreachable' : 'retrying';
        this.setPhase(phase, reason, Date.now() + Math.round(delay));
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private adopt(o: KubeObject): KubeObject {
    // list items carry no kind/apiVersion on a real server; views want them
    o.kind ??= this.resource.kind;
    o.apiVersion ??= this.apiVersion;
    return project(o, this.key);
  }

  /**
   * Paginated LIST. The first list of an empty cache fills it page by page, reporting each
   * page's objects as it arrives, so a view shows the first rows long before the last page of
   * 10k pods (the phase stays 'syncing' until the list is whole, so a view still says it is
   * not). A relist, a seeded cache, or a list started over after an expired continue token
   * builds the new list aside and reports one diff against the cache (deletions included).
   */
  private async list(): Promise<void> {
    const path = collectionPath(this.resource, this.namespace);
    const old = this.objects;
    let next = old.size === 0 ? old : new Map<string, KubeObject>();
    let cont: string | undefined;
    let rv = '';
    const ac = (this.op = new AbortController());
    for (;;) {
      let page: { metadata?: { resourceVersion?: string; continue?: string }; items?: KubeObject[] };
      try {
        page = await this.client.listPage(path, { limit: this.pageSize, continue: cont }, ac.signal);
      } catch (e) {
        // an expired continue token: the whole list starts over (from the first page, not out
        // of the loop with what the pages so far held), diffed against what they put in the cache
        if (cont && e instanceof KubeApiError && e.code === 410) {
          next = new Map();
          cont = undefined;
          continue;
        }
        throw e;
      }
      for (const item of page.items ?? []) {
        const o = this.adopt(item);
        const k = objectKey(o);
        if (next === old) {
          const prev = old.get(k);
          old.set(k, o);
          this.sink.upsert(o, prev);
        } else next.set(k, o);
      }
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
      if (!cont) break;
    }
    this.stats.lists++;
    this.commit(old, next);
    this.resourceVersion = rv;
  }

  /** A whole new state: built aside (`next` is not `old`), it replaces the cache as one diff against it. */
  private commit(old: Map<string, KubeObject>, next: Map<string, KubeObject>): void {
    if (next === old) return;
    for (const [k, prev] of old) if (!next.has(k)) this.sink.remove(prev);
    for (const [k, o] of next) {
      const prev = old.get(k);
      if (prev && prev.metadata.resourceVersion === o.metadata.resourceVersion) next.set(k, prev);
      else this.sink.upsert(o, prev);
    }
    this.objects = next;
  }

  /**
   * One WATCH until it ends; returns whether it delivered anything (for backoff). `initial`:
   * a watch-list, from no resourceVersion with sendInitialEvents (the server streams every
   * object as ADDED, then a BOOKMARK marked k8s.io/initial-events-end, then the changes); it
   * holds a list slot until that mark, stays 'syncing' until then (`this.initial` is left set
   * when it ended before), and returns 'refused' when the server answered it as an invalid
   * request (the client then asks for no more).
   */
  private async watch(initial: true): Promise<boolean | 'refused'>;
  private async watch(initial: false): Promise<boolean>;
  private async watch(initial: boolean): Promise<boolean | 'refused'> {
    const [min, max] = this.watchTimeout;
    const timeoutSeconds = Math.round(min + Math.random() * (max - min));
    const ac = (this.op = new AbortController());
    // a watch that goes silent past its own timeout is dead (half-open connection)
    const w: Watched = { lastData: Date.now(), limitMs: (timeoutSeconds + 30) * 1000, ac };
    guard(w);
    let delivered = false;
    let release: (() => void) | undefined;
    try {
      const query: Record<string, string | number> = initial
        ? { watch: 'true', sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true', timeoutSeconds }
        : { watch: 'true', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds };
      if (initial) {
        // set before the wait: a watch-list given up at any point is never taken as whole
        this.initial = { old: this.objects, next: this.objects.size === 0 ? this.objects : new Map(), opened: false };
        release = await this.client.listSlot(ac.signal);
      }
      this.stats.watches++;
      let res: KubeStream;
      try {
        res = await this.client.openStream({ path: collectionPath(this.resource, this.namespace), query, signal: ac.signal });
      } catch (e) {
        if (initial && e instanceof KubeApiError && (e.code === 400 || e.code === 422)) {
          this.client.watchList = false;
          this.initial = undefined;
          return 'refused';
        }
        throw e;
      }
      if (this.initial) {
        this.initial.opened = true;
        this.stats.watchLists++;
      }
      // the watch is established: the cache is current again
      else this.setPhase('synced', undefined);
      try {
        await readLines(res.body, w, (line) => {
          this.apply(parseWatchLine(line) as WatchEvent);
          delivered = true;
          if (release && !this.initial) {
            release();
            release = undefined;
          }
        });
      } catch (e) {
        if (this.stopped) throw new Stopped();
        // a dropped stream is the normal end of a watch: resume from the last resourceVersion
        if (e instanceof KubeApiError || e instanceof SyntaxError) throw e;
        return delivered;
      }
      return delivered;
    } catch (e) {
      if (this.stopped) throw new Stopped();
      if (ac.signal.aborted) return delivered; // idle timeout
      throw e;
    } finally {
      release?.();
      unguard(w);
    }
  }

  private apply(ev: WatchEvent): void {
    const o = ev.object;
    const initial = this.initial;
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const kept = this.adopt(o);
        const k = objectKey(kept);
        if (initial && initial.next !== initial.old) {
          initial.next.set(k, kept);
          break;
        }
        const prev = this.objects.get(k);
        this.objects.set(k, kept);
        this.sink.upsert(kept, prev);
        break;
      }
      case 'DELETED': {
        const k = objectKey(o);
        if (initial && initial.next !== initial.old) {
          initial.next.delete(k);
          break;
        }
        const prev = this.objects.get(k);
        if (prev) {
          this.objects.delete(k);
          this.sink.remove(prev);
        }
        break;
      }
      case 'BOOKMARK':
        if (initial && o.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true') {
          // the initial state is whole: it replaces the cache, and the watch goes on from here
          this.initial = undefined;
          this.stats.lists++;
          this.commit(initial.old, initial.next);
          this.resourceVersion = o.metadata.resourceVersion ?? this.resourceVersion;
          this.setPhase('synced', undefined);
          return;
        }
        break;
      case 'ERROR':
        throw apiErrorFrom(typeof o.code === 'number' ? o.code : 500, JSON.stringify(o));
      default:
        throw new Error(`unexpected watch event type "${ev.type}"`);
    }
    this.stats.events++;
    // while the initial state streams in, its resourceVersions are not the cache's to resume from
    if (initial) return;
    const rv = o.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
  }
}
