// Watch streams: JSON lines {type, object} over a chunked response. Starts from a
// resourceVersion (history replay) or from the current state (synthetic ADDED), forwards live
// store events through the request's filter, turns selector transitions into ADDED/DELETED,
// sends BOOKMARKs, ends at timeoutSeconds, and drops consumers that stop reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../model/types.js';
import { apiVersionOf, resourceKey } from '../../model/types.js';
import { asServed } from '../crds.js';
import { ApiError, badRequest } from '../errors.js';
import type { ClusterStore, SimEvent, SimResource } from '../store.js';
import type { ObjectFilter } from './fields.js';
import { columnDefinitions, tableRow, type IncludeObject } from './table.js';

/** Stored objects are immutable, so one serialization serves every watch. */
const serialized = new WeakMap<KubeObject, string>();
function objectJson(o: KubeObject): string {
  let s = serialized.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    serialized.set(o, s);
  }
  return s;
}

const maxBuffered = 16 * 1024 * 1024;

export interface WatchOptions {
  resource: SimResource;
  filter: ObjectFilter;
  resourceVersion?: string;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds?: number;
  sendInitialEvents: boolean;
  /** server-side printing: each event's object is a one-row Table */
  table?: IncludeObject;
}

export interface OpenWatch {
  /** ends the stream abruptly, as a dropped connection would */
  drop(): void;
}

export function startWatch(
  store: ClusterStore,
  opts: WatchOptions,
  req: IncomingMessage,
  res: ServerResponse,
  onEnd: (w: OpenWatch) => void,
): OpenWatch {
  const r = opts.resource;
  const key = resourceKey(r);
  const f = opts.filter;
  const rvParam = opts.resourceVersion;
  const fromNow = rvParam === undefined || rvParam === '' || rvParam === '0' || opts.sendInitialEvents;
  const startRv = fromNow ? store.currentRv() : Number(rvParam);
  if (!Number.isInteger(startRv) || startRv < 0) throw badRequest(`invalid resource version: "${rvParam}"`);

  let replay: SimEvent[] = [];
  let tooOld: ApiError | undefined;
  if (!fromNow) {
    try {
      replay = store.eventsSince(startRv);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 410) throw e;
      tooOld = e;
    }
  }

  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  let ended = false;
  let firstTable = true;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};

  const end = (abrupt: boolean): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (abrupt) res.destroy();
    else res.end();
    onEnd(handle);
  };
  const handle: OpenWatch = { drop: () => end(true) };

  const send = (line: string): void => {
    if (ended) return;
    if (!res.write(line) && res.writableLength > maxBuffered) end(true);
  };
  const sendEvent = (type: string, o: KubeObject): void => send(eventLine(type, o));
  const eventLine = (type: string, o: KubeObject): string => {
    if (opts.table) {
      const t = {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { resourceVersion: o.metadata.resourceVersion },
        columnDefinitions: firstTable ? columnDefinitions(r) : [],
        rows: [tableRow(r, o, opts.table)],
      };
      firstTable = false;
      return `{"type":"${type}","object":${JSON.stringify(t)}}\n`;
    }
    return `{"type":"${type}","object":${objectJson(asServed(r, o))}}\n`;
  };
  const bookmark = (annotations?: Record<string, string>, rv = store.currentRv()): void => {
    const md = { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) };
    send(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: r.kind, apiVersion: apiVersionOf(r), metadata: md } })}\n`);
  };

  if (tooOld) {
    send(`${JSON.stringify({ type: 'ERROR', object: tooOld.status() })}\n`);
    end(false);
    return handle;
  }

  // names currently selected, kept only when selectors can move objects in and out
  const selected = f.selective ? new Set<string>() : undefined;
  const id = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const deliver = (ev: SimEvent): void => {
    if (ev.key !== key) return;
    const o = ev.object;
    if (f.namespace !== undefined && o.metadata.namespace !== f.namespace) return;
    if (!selected) {
      sendEvent(ev.type, o);
      return;
    }
    const k = id(o);
    const was = selected.has(k);
    if (ev.type === 'DELETED') {
      if (was || f.matches(o)) sendEvent('DELETED', o);
      selected.delete(k);
      return;
    }
    const is = f.matches(o);
    if (is) selected.add(k);
    else selected.delete(k);
    if (is && (!was || ev.type === 'ADDED')) sendEvent('ADDED', o);
    else if (is) sendEvent('MODIFIED', o);
    else if (was) sendEvent('DELETED', o);
  };

  const current = store.list(key, f.namespace).filter(f.matches);
  if (selected) for (const o of current) selected.add(id(o));
  // the current state as synthetic ADDED events, written in chunks, not a write per event:
  // kube-apiserver flushes a watch only when no more events are queued, so they leave in large
  // writes. Between chunks the server goes on with other requests and the writes leave, as
  // each kube-apiserver streams its watch cache while it reads it (one sim serves every
  // context of a fleet; written in one go, ten 10k-pod lists left one after another, ~2 s
  // later). Changes made meanwhile wait, and follow the initial state in order.
  let initial = fromNow;
  const queued: SimEvent[] = [];
  unsubscribe = store.subscribe((ev) => (initial ? queued.push(ev) : deliver(ev)));
  if (fromNow) {
    let i = 0;
    const writeSome = (): void => {
      if (ended) return;
      let chunk = '';
      while (i < current.length && chunk.length < 256 * 1024) chunk += eventLine('ADDED', current[i++]);
      if (chunk) send(chunk);
      if (i < current.length) {
        setImmediate(writeSome);
        return;
      }
      if (opts.sendInitialEvents && opts.bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' }, startRv);
      initial = false;
      for (const ev of queued.splice(0)) deliver(ev);
    };
    writeSome();
  } else for (const ev of replay) deliver(ev);

  if (opts.bookmarks) {
    const tick = (): void => {
      // no progress bookmark inside the initial state
      if (!initial) bookmark();
      timers[0] = setTimeout(tick, opts.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, opts.bookmarkIntervalMs);
  }
  if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
    timers.push(
      setTimeout(() => {
        if (opts.bookmarks) bookmark();
        end(false);
      }, opts.timeoutSeconds * 1000),
    );
  }
  req.on('close', () => end(true));
  res.on('close', () => end(true));
  return handle;
}
