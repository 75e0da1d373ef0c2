// The reflector's paginated LIST against a client the test drives page by page: the first list
// of an empty cache reports each page as it arrives (a view shows the first rows before the
// last page), the phase stays 'syncing' until the list is whole; a relist, and a list started
// over after an expired continue token, diff against what the cache holds (deletions included).
import { describe, expect, it } from 'vitest';
import type { ContextClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { Reflector, type ReflectorSink } from '../../src/kube/reflector.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';

const CONFIGMAPS: ResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', namespaced: true, verbs: ['list', 'watch'], shortNames: [], categories: [] };

const cm = (name: string, rv = '1'): KubeObject => ({ metadata: { namespace: 'ns', name, resourceVersion: rv } });

type Page = { metadata: { resourceVersion: string; continue?: string }; items: KubeObject[] };

/** A client whose LIST pages the test hands out one at a time; watches hang until aborted. */
class PagedClient {
  readonly asked: (string | undefined)[] = [];
  private waiting: ((answer: Page | Error) => void)[] = [];

  listPage(_path: string, query: { continue?: string }): Promise<Page> {
    this.asked.push(query.continue);
    return new Promise((resolve, reject) => this.waiting.push((a) => (a instanceof Error ? reject(a) : resolve(a))));
  }

  openStream(req: { signal?: AbortSignal }): Promise<never> {
    return new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
  }

  /** Answers the oldest pending LIST request. */
  async answer(a: Page | Error): Promise<void> {
    // turns of the loop first; then time, for a request made after a timer (a list-only kind's next list)
    for (let i = 0; i < 2000 && !this.waiting.length; i++) await new Promise((r) => (i < 50 ? setImmediate(r) : setTimeout(r, 1)));
    const next = this.waiting.shift();
    if (!next) throw new Error('no LIST request is pending');
    next(a);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

function recorder(): ReflectorSink & { upserts: string[]; removes: string[] } {
  const upserts: string[] = [];
  const removes: string[] = [];
  return { upserts, removes, upsert: (o) => upserts.push(o.metadata.name), remove: (o) => removes.push(o.metadata.name), status: () => undefined };
}

const page = (items: KubeObject[], cont?: string): Page => ({ metadata: { resourceVersion: '10', ...(cont ? { continue: cont } : {}) }, items });

describe('reflector LIST', () => {
  it('fills an empty cache page by page, syncing until the last page', async () => {
    const client = new PagedClient();
    const sink = recorder();
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink, { pageSize: 2 });
    r.start();
    await client.answer(page([cm('a'), cm('b')], 'p2'));
    expect(sink.upserts).toEqual(['a', 'b']);
    expect([...r.cache.keys()]).toEqual(['ns/a', 'ns/b']);
    expect(r.phase).toBe('syncing');
    await client.answer(page([cm('c')]));
    expect(sink.upserts).toEqual(['a', 'b', 'c']);
    expect(r.phase).toBe('synced');
    expect(client.asked).toEqual([undefined, 'p2']);
    await r.stop();
  });

  it('started over after an expired continue token, drops what the new list no longer has', async () => {
    const client = new PagedClient();
    const sink = recorder();
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink, { pageSize: 2 });
    r.start();
    await client.answer(page([cm('a'), cm('b')], 'p2'));
    await client.answer(new KubeApiError(410, 'Expired', 'continue token expired'));
    // the list again from the start: b is gone, a unchanged, c new
    await client.answer(page([cm('a'), cm('c')], 'q2'));
    expect(sink.removes).toEqual([]);
    expect(r.phase).toBe('syncing');
    await client.answer(page([]));
    expect(sink.removes).toEqual(['b']);
    expect(sink.upserts).toEqual(['a', 'b', 'c']);
    expect([...r.cache.keys()].sort()).toEqual(['ns/a', 'ns/c']);
    expect(r.phase).toBe('synced');
    expect(client.asked).toEqual([undefined, 'p2', undefined, 'q2']);
    await r.stop();
  });

  it('a kind without the watch verb (componentstatuses) is listed again on a timer, never watched; each list replaces the last', async () => {
    // it was never attached: `:cs` said "not loaded yet" forever where kubectl lists three
    const client = new PagedClient();
    let watches = 0;
    const openStream = client.openStream.bind(client);
    client.openStream = (req) => (watches++, openStream(req));
    const sink = recorder();
    const listOnly: ResourceType = { ...CONFIGMAPS, resource: 'componentstatuses', kind: 'ComponentStatus', namespaced: false, verbs: ['get', 'list'] };
    const r = new Reflector(client as unknown as ContextClient, listOnly, undefined, sink, { pollMs: 5 });
    r.start();
    await client.answer(page([cm('a'), cm('b')]));
    expect(r.phase).toBe('synced');
    expect(sink.upserts).toEqual(['a', 'b']);
    await client.answer(page([cm('a'), cm('c')]));
    expect(sink.removes).toEqual(['b']);
    expect(sink.upserts).toEqual(['a', 'b', 'c']);
    expect(r.phase).toBe('synced');
    expect(watches).toBe(0);
    await r.stop();
  });

  it('a seeded cache is diffed once the list is whole', async () => {
    const client = new PagedClient();
    const sink = recorder();
    const seed = new Map([['ns/a', cm('a', '1')], ['ns/b', cm('b', '1')]]);
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink, { pageSize: 2 }, seed);
    r.start();
    await client.answer(page([cm('a', '1'), cm('c')], 'p2'));
    // nothing reported before the list is whole: b may still come on the next page
    expect(sink.upserts).toEqual([]);
    expect(sink.removes).toEqual([]);
    await client.answer(page([]));
    expect(sink.upserts).toEqual(['c']);
    expect(sink.removes).toEqual(['b']);
    expect([...r.cache.keys()].sort()).toEqual(['ns/a', 'ns/c']);
    await r.stop();
  });
});
