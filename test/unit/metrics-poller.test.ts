// The metrics poller (src/fleet/metrics.ts): each read's pod usage lands in the samples of the
// last one, updated in place (a pod keeps its sample object from read to read, so a poll of
// 10k pods makes no long-lived objects), pods gone are dropped, new ones added, and a read
// that fails half way changes nothing.
import { describe, expect, it } from 'vitest';
import { createMetricsPoller, type MetricsSource } from '../../src/fleet/metrics.js';
import type { ApiRequest, ApiResponse } from '../../src/fleet/types.js';
import type { MetricsSnapshot, PodSample } from '../../src/model/metrics.js';

interface Pod {
  ns: string;
  name: string;
  cpu: string[];
  mem: string[];
  labels?: Record<string, string>;
}

const list = (pods: Pod[]) => ({
  kind: 'PodMetricsList',
  items: pods.map((p) => ({
    metadata: { namespace: p.ns, name: p.name, labels: p.labels ?? { app: p.name } },
    containers: p.cpu.map((c, i) => ({ name: `c${i}`, usage: { cpu: c, memory: p.mem[i] } })),
  })),
});
const NODES = { kind: 'NodeMetricsList', items: [{ metadata: { name: 'n1' }, usage: { cpu: '2', memory: '1Gi' } }] };

/** A source answering each read from `answers` in turn; a `broken` read streams half its list, then fails. */
function source(answers: (Pod[] | { broken: Pod[] })[], streamed: boolean): MetricsSource {
  let read = 0;
  const enc = new TextEncoder();
  const request = async (_c: string, req: ApiRequest): Promise<ApiResponse> => {
    if (req.path.endsWith('/nodes')) return { status: 200, body: NODES };
    const a = answers[read++];
    if ('broken' in a) throw new Error('connection reset');
    return { status: 200, body: list(a) };
  };
  if (!streamed) return { request };
  return {
    request,
    async stream() {
      const a = answers[read++];
      const text = JSON.stringify(list('broken' in a ? a.broken : a));
      return (async function* (): AsyncGenerator<Uint8Array> {
        if (!('broken' in a)) return yield enc.encode(text);
        yield enc.encode(text.slice(0, text.length >> 1));
        throw new Error('connection reset');
      })();
    },
  };
}

function served(s: MetricsSnapshot): Map<string, PodSample> {
  if (s.state !== 'served') throw new Error(`not served: ${s.state}`);
  return s.pods;
}

for (const streamed of [true, false]) {
  describe(`metrics poller (${streamed ? 'streamed' : 'read whole'})`, () => {
    it('keeps each pod\'s sample object from read to read with the new numbers; drops pods gone, adds new ones', async () => {
      const first: Pod[] = [
        { ns: 'a', name: 'web-1', cpu: ['100m', '50m'], mem: ['10Mi', '6Mi'] },
        { ns: 'a', name: 'web-2', cpu: ['1'], mem: ['1Gi'] },
        { ns: 'b', name: 'db-0', cpu: ['250000000n'], mem: ['512Ki'], labels: { app: 'db', tier: 'x' } },
      ];
      const second: Pod[] = [
        { ns: 'a', name: 'web-1', cpu: ['200m', '50m'], mem: ['20Mi', '6Mi'] },
        { ns: 'b', name: 'db-0', cpu: ['1m'], mem: ['1Mi'], labels: { app: 'db', tier: 'y' } },
        { ns: 'b', name: 'db-1', cpu: ['2m'], mem: ['2Mi'] },
      ];
      const poller = createMetricsPoller(source([first, second], streamed), { intervalMs: 60_000 });
      const release = poller.lease(['c']);
      await poller.refresh();
      const one = served(poller.snapshot('c'));
      expect([...one.keys()]).toEqual(['a/web-1', 'a/web-2', 'b/db-0']);
      const web1 = one.get('a/web-1')!;
      const db0 = one.get('b/db-0')!;
      const db0Labels = db0.labels;
      expect(web1).toMatchObject({ namespace: 'a', name: 'web-1', cpu: expect.closeTo(0.15), memory: 16 * 2 ** 20, labels: { app: 'web-1' } });
      expect(db0.cpu).toBeCloseTo(0.25);
      await poller.refresh();
      const snap = poller.snapshot('c');
      const two = served(snap);
      expect([...two.keys()].sort()).toEqual(['a/web-1', 'b/db-0', 'b/db-1']);
      // the same objects, their numbers the new read's
      expect(two.get('a/web-1')).toBe(web1);
      expect(two.get('b/db-0')).toBe(db0);
      expect(web1).toMatchObject({ cpu: expect.closeTo(0.25), memory: 26 * 2 ** 20 });
      expect(db0).toMatchObject({ cpu: expect.closeTo(0.001), memory: 2 ** 20, labels: { app: 'db', tier: 'y' } });
      expect(db0.labels).not.toBe(db0Labels);
      expect(two.get('b/db-1')).toMatchObject({ cpu: expect.closeTo(0.002), memory: 2 * 2 ** 20 });
      expect(snap.state === 'served' && snap.nodes.get('n1')).toEqual({ cpu: 2, memory: 2 ** 30 });
      release();
      poller.close();
    });

    it('a first read that fails is unknown (?), not unserved (n/a): the context could not be asked', async () => {
      const poller = createMetricsPoller(source([{ broken: [] }], streamed), { intervalMs: 60_000 });
      const release = poller.lease(['c']);
      await poller.refresh();
      expect(poller.snapshot('c')).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/connection reset/) });
      release();
      poller.close();
    });

    it('a read that fails half way changes no sample and keeps the snapshot; the error is reported beside it', async () => {
      const first: Pod[] = Array.from({ length: 40 }, (_, i) => ({ ns: 'a', name: `p-${i}`, cpu: [`${i + 1}m`], mem: ['1Mi'] }));
      // the broken read's first half names the same pods with other numbers
      const other = first.map((p) => ({ ...p, cpu: ['7'] }));
      const poller = createMetricsPoller(source([first, { broken: other }], streamed), { intervalMs: 60_000 });
      const release = poller.lease(['c']);
      await poller.refresh();
      const before = served(poller.snapshot('c'));
      const numbers = [...before.values()].map((p) => p.cpu);
      await poller.refresh();
      expect(poller.error('c')).toMatch(/connection reset/);
      const after = served(poller.snapshot('c'));
      expect(after.size).toBe(40);
      expect([...after.values()].map((p) => p.cpu)).toEqual(numbers);
      release();
      poller.close();
    });

    it('a sample older than two intervals when a read fails is unknown (?), not shown as current; a good read brings it back', async () => {
      // an unreachable context's pods showed their last CPU/MEM for minutes under a ✗ header
      const pods: Pod[] = [{ ns: 'a', name: 'web', cpu: ['5m'], mem: ['52Mi'] }];
      let t = 0;
      const poller = createMetricsPoller(source([pods, { broken: [] }, { broken: [] }, pods], streamed), { intervalMs: 15_000, now: () => t });
      const release = poller.lease(['c']);
      await poller.refresh();
      expect(served(poller.snapshot('c')).size).toBe(1);
      // one missed read: a blip, the sample stays
      t = 15_000;
      await poller.refresh();
      expect(served(poller.snapshot('c')).size).toBe(1);
      t = 30_000;
      await poller.refresh();
      expect(poller.snapshot('c')).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/connection reset/) });
      t = 45_000;
      await poller.refresh();
      expect(served(poller.snapshot('c')).get('a/web')).toMatchObject({ memory: 52 * 1024 * 1024 });
      release();
      poller.close();
    });
  });
}
