// When frames are drawn and when a typed filter applies (src/ui/schedule.ts), on fake timers:
// cluster changes are coalesced to one frame per spacing, a key's frame does not wait it out,
// a key typed after a pause applies at once and a burst at most once per window.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { frameScheduler, leadingThrottle } from '../../src/ui/schedule.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function rig() {
  const drawn: number[] = [];
  const t0 = Date.now();
  const f = frameScheduler(() => drawn.push(Date.now() - t0), { spacingMs: 100, inputSpacingMs: 16 });
  return { f, drawn };
}

describe('frameScheduler', () => {
  it('draws the first frame at once and coalesces the changes after it to one frame per spacing', () => {
    const { f, drawn } = rig();
    f.request();
    vi.advanceTimersByTime(0);
    expect(drawn).toEqual([0]);
    // a change every 10 ms for 300 ms: never a frame per change
    for (let i = 0; i < 30; i++) {
      f.request();
      vi.advanceTimersByTime(10);
    }
    expect(drawn).toEqual([0, 100, 200, 300]);
  });

  it('a key after a quiet while is drawn at once, not after the spacing', () => {
    const { f, drawn } = rig();
    f.request();
    vi.advanceTimersByTime(50);
    f.request(true);
    vi.advanceTimersByTime(0);
    expect(drawn).toEqual([0, 50]);
  });

  it('a key right after a frame waits the input spacing only', () => {
    const { f, drawn } = rig();
    f.request();
    vi.advanceTimersByTime(5);
    f.request(true);
    vi.advanceTimersByTime(10);
    expect(drawn).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(drawn).toEqual([0, 16]);
  });

  it('a key moves a waiting change frame earlier; a change never delays a waiting key frame', () => {
    const { f, drawn } = rig();
    f.request();
    vi.advanceTimersByTime(20);
    f.request(); // due at 100
    expect(f.pending).toBe(true);
    vi.advanceTimersByTime(10);
    f.request(true); // now (30): the last frame is 30 ms old
    vi.advanceTimersByTime(0);
    expect(drawn).toEqual([0, 30]);
    // the change's frame was drawn with the key's: nothing more is waiting
    expect(f.pending).toBe(false);
    f.request(true); // due at 46
    f.request(); // would be 130: joins the key's frame
    vi.advanceTimersByTime(16);
    expect(drawn).toEqual([0, 30, 46]);
    expect(f.pending).toBe(false);
  });

  it('changes under a stream of keys still get no more than the keys and the spacing allow', () => {
    const { f, drawn } = rig();
    // keys every 150 ms, changes every 5 ms, for 600 ms
    for (let t = 0; t < 600; t += 5) {
      if (t % 150 === 0) f.request(true);
      f.request();
      vi.advanceTimersByTime(5);
    }
    // a frame at each key, and change frames 100 ms after the last frame
    expect(drawn).toEqual([0, 100, 150, 250, 300, 400, 450, 550]);
  });

  it('cancel drops the waiting frame', () => {
    const { f, drawn } = rig();
    f.request();
    vi.advanceTimersByTime(0);
    f.request();
    f.cancel();
    vi.advanceTimersByTime(500);
    expect(drawn).toEqual([0]);
    expect(f.pending).toBe(false);
  });
});

describe('leadingThrottle', () => {
  function typing() {
    const calls: number[] = [];
    const t0 = Date.now();
    const d = leadingThrottle(() => calls.push(Date.now() - t0), 80);
    return { d, calls };
  }

  it('a key typed after a pause applies at once', () => {
    const { d, calls } = typing();
    d.call();
    expect(calls).toEqual([0]);
    vi.advanceTimersByTime(150);
    d.call();
    expect(calls).toEqual([0, 150]);
    vi.advanceTimersByTime(500);
    // nothing was left over: no second call at the end of the window
    expect(calls).toEqual([0, 150]);
  });

  it('a burst applies its first key at once, then at most once per window, its last key included', () => {
    const { d, calls } = typing();
    // keys every 20 ms from 0 to 100
    for (let i = 0; i < 6; i++) {
      d.call();
      vi.advanceTimersByTime(20);
    }
    // 0 at once, the keys of 20-60 at the window's end (80), the key of 100 at the next one's (160)
    expect(calls).toEqual([0, 80]);
    vi.advanceTimersByTime(39);
    expect(calls).toEqual([0, 80]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([0, 80, 160]);
    vi.advanceTimersByTime(500);
    expect(calls).toEqual([0, 80, 160]);
  });

  it('a key read 50 ms after the last one applied waits 30 ms, not a whole window after it', () => {
    const { d, calls } = typing();
    d.call();
    vi.advanceTimersByTime(50);
    d.call();
    vi.advanceTimersByTime(29);
    expect(calls).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([0, 80]);
  });

  it('cancel drops what the burst left; the next key waits out the window of the last run only', () => {
    const { d, calls } = typing();
    d.call();
    d.call();
    d.cancel();
    vi.advanceTimersByTime(200);
    expect(calls).toEqual([0]);
    d.call();
    expect(calls).toEqual([0, 200]);
    d.cancel();
    vi.advanceTimersByTime(30);
    d.call();
    expect(calls).toEqual([0, 200]);
    vi.advanceTimersByTime(50);
    expect(calls).toEqual([0, 200, 280]);
  });
});
