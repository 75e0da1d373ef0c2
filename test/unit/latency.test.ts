import { describe, expect, it } from 'vitest';
import { addSample, LATENCY_SAMPLES, median } from '../../src/model/latency.js';

describe('LATENCY: the median of recent /version round trips (issue 20 case 9)', () => {
  it('median of odd and even counts; none is unknown', () => {
    expect(median([])).toBeUndefined();
    expect(median([7])).toBe(7);
    expect(median([900, 3, 5])).toBe(5);
    expect(median([4, 2, 8, 6])).toBe(5);
  });

  it('one slow sample (start-up, a GC pause) does not move it', () => {
    let s: number[] = [];
    for (const ms of [1400, 3, 4, 5]) s = addSample(s, ms);
    expect(median(s)).toBe(4.5);
    s = addSample(s, 2);
    expect(median(s)).toBe(4);
  });

  it('keeps the last LATENCY_SAMPLES, drops non-numbers, never mutates', () => {
    const base = [1, 2, 3, 4, 5];
    const next = addSample(base, 6);
    expect(next).toEqual([2, 3, 4, 5, 6]);
    expect(base).toEqual([1, 2, 3, 4, 5]);
    expect(next).toHaveLength(LATENCY_SAMPLES);
    expect(addSample([1], Number.NaN)).toEqual([1]);
    expect(addSample([1], -3)).toEqual([1]);
  });
});
