import { describe, expect, it } from 'vitest';
import { ListGate } from '../../src/kube/list-gate.js';

const later = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ListGate', () => {
  it('runs at most its size at once and the rest in the order they came', async () => {
    const gate = new ListGate(2);
    const started: number[] = [];
    const ends = [later(), later(), later(), later()];
    const runs = ends.map((e, i) => gate.run(async () => {
      started.push(i);
      await e.promise;
      return i;
    }));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    ends[1].resolve();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    ends[0].resolve();
    ends[2].resolve();
    ends[3].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('a list aborted while waiting is never sent and frees nothing it did not hold', async () => {
    const gate = new ListGate(1);
    const hold = later();
    const first = gate.run(() => hold.promise);
    const abort = new AbortController();
    let sent = false;
    const waiting = gate.run(async () => void (sent = true), abort.signal);
    abort.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    hold.resolve();
    await first;
    // the slot is free again: a new list runs at once
    let ran = false;
    await gate.run(async () => void (ran = true));
    expect(ran).toBe(true);
    expect(sent).toBe(false);
  });

  it('a failing list hands its slot on', async () => {
    const gate = new ListGate(1);
    const failing = gate.run(() => Promise.reject(new Error('500')));
    const next = gate.run(async () => 'ok');
    await expect(failing).rejects.toThrow('500');
    expect(await next).toBe('ok');
  });
});
