// A change batch names the objects that changed per (context, resource), so a table moves
// only their rows; past MAX_OBJECTS_PER_MARK in one frame, or after a change that names no
// object (a relist, a scope that stopped), it says "anything" and the table lists again.
import { describe, expect, it } from 'vitest';
import { FrameBatcher, MAX_OBJECTS_PER_MARK, resourceMark } from '../../src/fleet/batcher.js';
import type { ChangeBatch } from '../../src/fleet/types.js';

function collect(): { batcher: FrameBatcher; batches: ChangeBatch[]; flush: () => Promise<void> } {
  const batcher = new FrameBatcher({ frameMs: 0 });
  const batches: ChangeBatch[] = [];
  batcher.onChange((b) => batches.push(b));
  return { batcher, batches, flush: () => new Promise((r) => setTimeout(r, 5)) };
}

describe('change batches name the objects', () => {
  it('per mark, every object changed in the frame, once', async () => {
    const { batcher, batches, flush } = collect();
    batcher.markResource('dev', 'pods', 'shop/a');
    batcher.markResource('dev', 'pods', 'shop/b');
    batcher.markResource('dev', 'pods', 'shop/a');
    batcher.markResource('prod', 'nodes', '/n1');
    await flush();
    expect(batches).toHaveLength(1);
    const [b] = batches;
    expect(b.resources).toEqual(new Set([resourceMark('dev', 'pods'), resourceMark('prod', 'nodes')]));
    expect(b.objects).toEqual(new Map([[resourceMark('dev', 'pods'), new Set(['shop/a', 'shop/b'])], [resourceMark('prod', 'nodes'), new Set(['/n1'])]]));
    // the next frame starts empty
    batcher.markResource('dev', 'pods', 'shop/c');
    await flush();
    expect(batches[1].objects).toEqual(new Map([[resourceMark('dev', 'pods'), new Set(['shop/c'])]]));
    batcher.close();
  });

  it('a change naming no object makes the mark "anything" for the rest of the frame', async () => {
    const { batcher, batches, flush } = collect();
    batcher.markResource('dev', 'pods', 'shop/a');
    batcher.markResource('dev', 'pods');
    batcher.markResource('dev', 'pods', 'shop/b');
    batcher.markResource('dev', 'services', 'shop/s');
    await flush();
    expect(batches[0].resources.has(resourceMark('dev', 'pods'))).toBe(true);
    expect(batches[0].objects?.has(resourceMark('dev', 'pods'))).toBe(false);
    expect(batches[0].objects?.get(resourceMark('dev', 'services'))).toEqual(new Set(['shop/s']));
    batcher.close();
  });

  it(`past ${MAX_OBJECTS_PER_MARK} objects in one frame, the mark says "anything"`, async () => {
    const { batcher, batches, flush } = collect();
    for (let i = 0; i < MAX_OBJECTS_PER_MARK; i++) batcher.markResource('dev', 'pods', `shop/p${i}`);
    batcher.markResource('dev', 'pods', 'shop/p0');
    await flush();
    expect(batches[0].objects?.get(resourceMark('dev', 'pods'))?.size).toBe(MAX_OBJECTS_PER_MARK);
    for (let i = 0; i <= MAX_OBJECTS_PER_MARK; i++) batcher.markResource('dev', 'pods', `shop/p${i}`);
    await flush();
    expect(batches[1].resources.has(resourceMark('dev', 'pods'))).toBe(true);
    expect(batches[1].objects?.has(resourceMark('dev', 'pods'))).toBe(false);
    batcher.close();
  });

  it('flushSoon delivers the pending marks at once, inside a frame that has not ended', async () => {
    const batcher = new FrameBatcher({ frameMs: 600_000 });
    const batches: ChangeBatch[] = [];
    batcher.onChange((b) => batches.push(b));
    batcher.markResource('dev', 'pods', 'shop/a');
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toHaveLength(1);
    // the frame begun by the first batch holds the next one back ...
    batcher.markResource('dev', 'pods', 'shop/b');
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toHaveLength(1);
    // ... unless it is asked for now
    batcher.flushSoon();
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toHaveLength(2);
    expect(batches[1].objects).toEqual(new Map([[resourceMark('dev', 'pods'), new Set(['shop/b'])]]));
    batcher.close();
  });
});
