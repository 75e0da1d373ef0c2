import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../src/kube/errors.js';
import { listItems, streamPodMetrics, type PodUsage } from '../../src/kube/metrics.js';

const enc = new TextEncoder();

/** The text's bytes in chunks of the given sizes (cycled), so that keys, strings, escapes and multi-byte characters are cut anywhere. */
async function* chunked(text: string, sizes: number[]): AsyncIterable<Uint8Array> {
  const bytes = enc.encode(text);
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    yield bytes.slice(at, at + n);
    at += n;
  }
}

async function collect(text: string, sizes: number[]): Promise<{ found: boolean; items: unknown[] }> {
  const items: unknown[] = [];
  const found = await listItems(chunked(text, sizes), (i) => items.push(i));
  return { found, items };
}

const LIST = {
  kind: 'PodMetricsList',
  metadata: { note: 'a "quoted" } ] { [ value', items: ['not these'] },
  items: [
    { metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web', 'x/y': 'a\\"b}' } }, containers: [{ name: 'app', usage: { cpu: '105n', memory: '12Ki' } }] },
    { metadata: { name: 'ünïcødé-😀', namespace: 'ns' }, containers: [] },
    { metadata: { name: 'nested' }, containers: [{ name: 'a', usage: { cpu: '1' } }, { name: 'b', usage: { memory: '1Mi' } }], extra: [[1, [2]], { k: [] }] },
  ],
  after: { items: [{ not: 'this one' }] },
};

describe('listItems', () => {
  it('gives each object of the top-level items array, whatever the chunks cut', async () => {
    const text = JSON.stringify(LIST);
    for (const sizes of [[text.length], [1], [2, 3, 5], [7, 1, 13], [64]]) {
      const got = await collect(text, sizes);
      expect(got.found).toBe(true);
      expect(got.items).toEqual(LIST.items);
    }
  });

  it('says when the answer holds no items array', async () => {
    expect((await collect(JSON.stringify({ kind: 'Status', message: 'items' }), [4])).found).toBe(false);
    expect((await collect(JSON.stringify({ kind: 'List', items: [] }), [4])).found).toBe(true);
  });
});

describe('streamPodMetrics', () => {
  it('gives each pod\'s usage as its item is read, as the whole read does', async () => {
    const items: PodUsage[] = [];
    const r = await streamPodMetrics(async () => chunked(JSON.stringify(LIST), [9]), (p) => items.push(p));
    expect(r.served).toBe(true);
    expect(items.map((p) => [p.namespace, p.name, p.containers.length])).toEqual([['shop', 'web-1', 1], ['ns', 'ünïcødé-😀', 0], ['', 'nested', 2]]);
    expect(items[0].labels).toEqual({ app: 'web', 'x/y': 'a\\"b}' });
    expect(items[0].containers[0].memory).toBe(12 * 1024);
  });

  it('a cluster without metrics-server (404) is "not served", not an error', async () => {
    const r = await streamPodMetrics(async () => {
      throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
    }, () => undefined);
    expect(r.served).toBe(false);
  });
});
