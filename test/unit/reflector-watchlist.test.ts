// The reflector's watch-list (KEP 3157: one WATCH with sendInitialEvents instead of LIST then
// WATCH) against a client the test drives: the initial state streams in as ADDED events and is
// whole only at the BOOKMARK marked k8s.io/initial-events-end (syncing until then, a list slot
// held until then); a server that refuses the request as invalid (a kube-apiserver without the
// WatchList feature answers 422) gets LIST then WATCH from then on, and so does a scope whose
// watch-list ended before its initial state was whole (a server that ignored the parameter).
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { ContextClient, KubeRequest } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { Reflector, type ReflectorSink } from '../../src/kube/reflector.js';
import type { KubeObject } from '../../src/model/types.js';
import { bookmark, CONFIGMAPS, line, turns } from '../helpers/watch-stream.js';

const cm = (name: string, rv = '1'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name, resourceVersion: rv } });
const endMark = (rv: string): string => bookmark(rv, true);

/** A client whose streams the test writes; LISTs answer what `pages` holds. */
class StreamClient {
  watchList = true;
  readonly queries: Record<string, unknown>[] = [];
  readonly bodies: PassThrough[] = [];
  held = 0;
  refuse: KubeApiError | undefined;
  lists = 0;

  listSlot = async (_signal?: AbortSignal): Promise<() => void> => {
    this.held++;
    let once = true;
    return () => {
      if (once) this.held--;
      once = false;
    };
  };

  async listPage(): Promise<unknown> {
    this.lists++;
    return { metadata: { resourceVersion: '50' }, items: [cm('from-list', '50')] };
  }

  async openStream(req: KubeRequest): Promise<unknown> {
    this.queries.push({ ...req.query });
    if (this.refuse && req.query?.sendInitialEvents) throw this.refuse;
    const body = new PassThrough();
    req.signal?.addEventListener('abort', () => body.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    this.bodies.push(body);
    return { status: 200, headers: {}, body };
  }
}

function recorder(): ReflectorSink & { upserts: string[]; removes: string[] } {
  const upserts: string[] = [];
  const removes: string[] = [];
  return { upserts, removes, upsert: (o) => upserts.push(o.metadata.name), remove: (o) => removes.push(o.metadata.name), status: () => undefined };
}

describe('reflector watch-list', () => {
  it('streams the initial state into an empty cache, syncing and holding a list slot until the end mark, then watches on', async () => {
    const client = new StreamClient();
    const sink = recorder();
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink);
    r.start();
    await turns();
    expect(client.queries[0]).toMatchObject({ watch: 'true', sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true' });
    expect(client.queries[0].resourceVersion).toBeUndefined();
    const body = client.bodies[0];
    body.write(line('ADDED', cm('a', '5')) + line('ADDED', cm('b', '6')));
    await turns();
    // rows show as they arrive; the set is not whole yet
    expect(sink.upserts).toEqual(['a', 'b']);
    expect(r.phase).toBe('syncing');
    expect(client.held).toBe(1);
    body.write(endMark('7'));
    await turns();
    expect(r.phase).toBe('synced');
    expect(r.resourceVersion).toBe('7');
    expect(client.held).toBe(0);
    expect(r.stats.lists).toBe(1);
    // the same stream carries the changes after the mark
    body.write(line('MODIFIED', cm('a', '8')) + line('DELETED', cm('b', '9')));
    await turns();
    expect(sink.upserts).toEqual(['a', 'b', 'a']);
    expect(sink.removes).toEqual(['b']);
    expect(r.resourceVersion).toBe('9');
    // a watch that ends after the mark resumes from its resourceVersion, without initial events
    body.end();
    await turns(20);
    expect(client.queries[1]).toMatchObject({ watch: 'true', resourceVersion: '9' });
    expect(client.queries[1].sendInitialEvents).toBeUndefined();
    expect(client.lists).toBe(0);
    await r.stop();
  });

  it('a seeded cache is diffed once the initial state is whole', async () => {
    const client = new StreamClient();
    const sink = recorder();
    const seed = new Map([['ns/a', cm('a', '1')], ['ns/b', cm('b', '1')]]);
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink, {}, seed);
    r.start();
    await turns();
    client.bodies[0].write(line('ADDED', cm('a', '1')) + line('ADDED', cm('c', '2')));
    await turns();
    // nothing reported before the state is whole: b may still come
    expect(sink.upserts).toEqual([]);
    expect(sink.removes).toEqual([]);
    client.bodies[0].write(endMark('3'));
    await turns();
    expect(sink.upserts).toEqual(['c']);
    expect(sink.removes).toEqual(['b']);
    expect([...r.cache.keys()].sort()).toEqual(['ns/a', 'ns/c']);
    expect(r.phase).toBe('synced');
    await r.stop();
  });

  it('a server refusing the watch-list as invalid gets LIST then WATCH, and no more watch-lists from this client', async () => {
    const client = new StreamClient();
    client.refuse = new KubeApiError(422, 'Invalid', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled');
    const sink = recorder();
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink);
    r.start();
    await turns(20);
    expect(client.watchList).toBe(false);
    expect(client.lists).toBe(1);
    expect(client.held).toBe(0);
    expect(r.phase).toBe('synced');
    expect(sink.upserts).toEqual(['from-list']);
    expect(client.queries.at(-1)).toMatchObject({ watch: 'true', resourceVersion: '50' });
    await r.stop();
  });

  it('a watch-list that ends before its end mark is not taken as whole: the scope lists instead', async () => {
    const client = new StreamClient();
    const sink = recorder();
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink, { backoffMs: [1, 1] });
    r.start();
    await turns();
    client.bodies[0].write(line('ADDED', cm('a', '5')));
    client.bodies[0].end();
    // past the 1 ms backoff before the list
    await new Promise((r) => setTimeout(r, 20));
    await turns(30);
    expect(client.held).toBe(0);
    expect(client.lists).toBe(1);
    // the list is whole: what the cut stream had and the list has not is gone
    expect(sink.removes).toEqual(['a']);
    expect([...r.cache.keys()]).toEqual(['ns/from-list']);
    expect(r.phase).toBe('synced');
    await r.stop();
  });

  it('a watch-list given up while it waited for a list slot is not taken as whole: it asks again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      const client = new StreamClient();
      let slots = 0;
      // every slot is taken: the wait ends only when the watch gives up (its silence bound)
      client.listSlot = (signal?: AbortSignal) => {
        slots++;
        return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
      };
      const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, recorder(), { watchTimeoutSeconds: [0, 0], backoffMs: [1, 1] });
      r.start();
      await vi.advanceTimersByTimeAsync(36_000);
      expect(slots).toBe(2);
      expect(r.phase).toBe('syncing');
      // nothing was opened: no plain watch started as if the state were whole
      expect(client.queries).toEqual([]);
      await r.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
