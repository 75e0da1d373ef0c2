// The store's parts that stand alone: the frame batcher (marks coalesced into one batch per
// frame, never two batches within frameMs) and the uid/owner indexes (live refs, owners
// moved on change, an object still held by another scope stays indexed there).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher, resourceMark } from '../../src/fleet/batcher.js';
import { ObjectIndex } from '../../src/fleet/indexers.js';
import type { ChangeBatch } from '../../src/fleet/types.js';
import type { KubeObject } from '../../src/model/types.js';

describe('FrameBatcher', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
  });
  afterEach(() => vi.useRealTimers());
  const tick = async (ms: number): Promise<void> => {
    now += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  it('coalesces marks into one batch and spaces batches a frame apart', async () => {
    const b = new FrameBatcher({ frameMs: 100, now: () => now });
    const got: ChangeBatch[] = [];
    b.onChange((x) => got.push(x));
    b.markResource('east', 'pods');
    b.markResource('east', 'pods');
    b.markResource('west', 'deployments.apps');
    b.markContext('east');
    expect(got).toHaveLength(0); // never synchronously
    await tick(0);
    expect(got).toHaveLength(1);
    expect([...got[0].resources].sort()).toEqual([resourceMark('east', 'pods'), resourceMark('west', 'deployments.apps')].sort());
    expect([...got[0].contexts]).toEqual(['east']);
    // a mark right after a batch waits for the rest of the frame
    b.markContext('west');
    await tick(60);
    expect(got).toHaveLength(1);
    await tick(40);
    expect(got).toHaveLength(2);
    expect([...got[1].contexts]).toEqual(['west']);
    expect(got[1].resources.size).toBe(0);
    // nothing marked: no batch
    await tick(500);
    expect(got).toHaveLength(2);
  });

  it('a throwing listener does not keep the others from the batch; removed listeners hear nothing', async () => {
    const b = new FrameBatcher({ frameMs: 10, now: () => now });
    const heard: string[] = [];
    b.onChange(() => {
      throw new Error('view broke');
    });
    const off = b.onChange(() => heard.push('a'));
    b.onChange(() => heard.push('b'));
    b.markContext('c');
    await tick(0);
    expect(heard).toEqual(['a', 'b']);
    off();
    b.markContext('c');
    await tick(20);
    expect(heard).toEqual(['a', 'b', 'b']);
  });

  it('delivers nothing after close', async () => {
    const b = new FrameBatcher({ frameMs: 10, now: () => now });
    const got: ChangeBatch[] = [];
    b.onChange((x) => got.push(x));
    b.markContext('c');
    b.close();
    b.markResource('c', 'pods');
    await tick(100);
    expect(got).toHaveLength(0);
  });
});

describe('ObjectIndex', () => {
  const obj = (name: string, uid: string | undefined, owners: string[] = [], rv = '1'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid, resourceVersion: rv, ownerReferences: owners.map((o) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o, uid: o })) },
  });

  it('indexes by uid as a live ref and by owner', () => {
    const ix = new ObjectIndex('east');
    const a = obj('a', 'u-a', ['rs1']);
    ix.add('pods', a, undefined);
    const ref = ix.byUid('u-a')!;
    expect(ref).toEqual({ context: 'east', resource: 'pods', object: a });
    expect(ix.ownedBy('rs1').map((r) => r.object.metadata.name)).toEqual(['a']);
    // a change of the same object updates the same ref (views holding it see the new object)
    const a2 = obj('a', 'u-a', ['rs1'], '2');
    ix.add('pods', a2, a);
    expect(ref.object).toBe(a2);
    expect(ix.byUid('u-a')).toBe(ref);
  });

  it('moves an object between owners when its ownerReferences change', () => {
    const ix = new ObjectIndex('east');
    const a = obj('a', 'u-a', ['rs1']);
    ix.add('pods', a, undefined);
    const moved = obj('a', 'u-a', ['rs2'], '2');
    ix.add('pods', moved, a);
    expect(ix.ownedBy('rs1')).toEqual([]);
    expect(ix.ownedBy('rs2').map((r) => r.object)).toEqual([moved]);
  });

  it('removes an object from both indexes, or points its uid at the scope that still holds it', () => {
    const ix = new ObjectIndex('east');
    const a = obj('a', 'u-a', ['rs1']);
    const b = obj('b', 'u-b', ['rs1']);
    ix.add('pods', a, undefined);
    ix.add('pods', b, undefined);
    ix.remove(a);
    expect(ix.byUid('u-a')).toBeUndefined();
    expect(ix.ownedBy('rs1').map((r) => r.object.metadata.name)).toEqual(['b']);
    // b leaves one cache while another (the all-namespaces one) still holds its newer copy
    const b2 = obj('b', 'u-b', ['rs1'], '3');
    ix.remove(b, { resource: 'pods', object: b2 });
    expect(ix.byUid('u-b')?.object).toBe(b2);
    expect(ix.ownedBy('rs1').map((r) => r.object)).toEqual([b2]);
    ix.remove(b2);
    expect(ix.ownedBy('rs1')).toEqual([]);
  });

  it('ignores objects without a uid', () => {
    const ix = new ObjectIndex('east');
    ix.add('pods', obj('x', undefined, ['rs1']), undefined);
    expect(ix.ownedBy('rs1')).toEqual([]);
  });
});
