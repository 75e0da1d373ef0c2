// The reflector's watchdog: a watch that stays silent past its own timeout + 30 s is dead (a
// half-open connection) and is opened again from the last resourceVersion; one timer serves
// every open watch (a CRD-heavy fleet holds ~11k), and a watch that ends leaves it.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContextClient, KubeRequest } from '../../src/kube/client.js';
import { Reflector, type ReflectorSink } from '../../src/kube/reflector.js';
import { bookmark, CONFIGMAPS, line, turns } from '../helpers/watch-stream.js';


/** Streams the test writes; an aborted request's body fails as undici's and node's do. */
class StreamClient {
  watchList = true;
  readonly queries: Record<string, unknown>[] = [];
  readonly bodies: PassThrough[] = [];
  listSlot = async (): Promise<() => void> => () => undefined;
  async openStream(req: KubeRequest): Promise<unknown> {
    this.queries.push({ ...req.query });
    const body = new PassThrough();
    req.signal?.addEventListener('abort', () => body.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    this.bodies.push(body);
    return { status: 200, headers: {}, body };
  }
}

const sink: ReflectorSink = { upsert: () => undefined, remove: () => undefined, status: () => undefined };

describe('reflector watchdog', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up a watch silent past its timeout + 30 s and watches again from the last resourceVersion; data keeps it open', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const client = new StreamClient();
    const r = new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink, { watchTimeoutSeconds: [10, 10] });
    r.start();
    await turns();
    client.bodies[0].write(bookmark('7', true));
    await turns();
    expect(r.phase).toBe('synced');
    // 35 s silent (the limit is 10 + 30), then a bookmark: still the same watch
    vi.advanceTimersByTime(35_000);
    await turns();
    client.bodies[0].write(bookmark('8'));
    await turns();
    vi.advanceTimersByTime(35_000);
    await turns();
    expect(client.bodies).toHaveLength(1);
    // 45 s silent since the bookmark: dead, and the next watch resumes from it
    vi.advanceTimersByTime(10_000);
    await turns();
    expect(client.bodies).toHaveLength(2);
    expect(client.queries[1]).toMatchObject({ watch: 'true', resourceVersion: '8' });
    expect(client.queries[1].sendInitialEvents).toBeUndefined();
    await r.stop();
    expect(r.phase).toBe('stopped');
  });

  it('one timer for every open watch, gone when the last one ends', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const client = new StreamClient();
    const rs = [1, 2, 3].map(() => new Reflector(client as unknown as ContextClient, CONFIGMAPS, undefined, sink));
    for (const r of rs) r.start();
    await turns();
    expect(client.bodies).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(1);
    await Promise.all(rs.map((r) => r.stop()));
    expect(vi.getTimerCount()).toBe(0);
  });
});
