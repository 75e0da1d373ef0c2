import { describe, expect, it } from 'vitest';
import {
  age,
  fit,
  formatCpu,
  formatGoDuration,
  formatMemory,
  humanDuration,
  oneLine,
  parseGoDuration,
  parseQuantity,
  parseTime,
  rfc3339Nano,
  truncate,
} from '../../src/model/format.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [-5 * S, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 12 * S, '3m12s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 5 * M, '8h'],
    [47 * H, '47h'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D, '7d'],
    [45 * D, '45d'],
    [729 * D, '729d'],
    [800 * D, '2y70d'],
    [365 * 9 * D, '9y'],
    [Number.NaN, '<unknown>'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('ages an API timestamp', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(age('2024-05-01T11:56:48Z', now)).toBe('3m12s');
    expect(age('2024-05-01T11:59:55.123456789Z', now)).toBe('4s');
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age('yesterday', now)).toBe('<unknown>');
  });
});

describe('timestamps', () => {
  it.each([
    ['2024-05-01T12:00:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00:00.5Z', Date.UTC(2024, 4, 1, 12, 0, 0, 500)],
    ['2024-05-01T12:00:00.123456789Z', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
    ['2024-05-01T14:00:00+02:00', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01', undefined],
    ['', undefined],
    [42, undefined],
  ])('parseTime(%j)', (v, want) => {
    expect(parseTime(v)).toBe(want);
  });

  it('writes RFC3339Nano as Go does (trailing zeros dropped)', () => {
    const t = Date.UTC(2024, 4, 1, 12, 0, 0, 120);
    expect(rfc3339Nano(t)).toBe('2024-05-01T12:00:00.12Z');
    expect(rfc3339Nano(t, 3456)).toBe('2024-05-01T12:00:00.120003456Z');
    expect(rfc3339Nano(Date.UTC(2024, 4, 1))).toBe('2024-05-01T00:00:00Z');
    expect(parseTime(rfc3339Nano(t, 3456))).toBe(t);
  });
});

describe('Go durations', () => {
  it.each([
    ['5m0s', 5 * M],
    ['1h', H],
    ['30s', 30 * S],
    ['1h30m', 90 * M],
    ['1.5h', 90 * M],
    ['300ms', 300],
    ['-2m', -2 * M],
    ['0', 0],
    ['10m0s', 10 * M],
    ['2h45m10.5s', 2 * H + 45 * M + 10_500],
    ['1500us', 1.5],
    ['', undefined],
    ['5', undefined],
    ['5 m', undefined],
    ['1d', undefined],
    ['m', undefined],
  ])('parseGoDuration(%j) = %j', (s, want) => {
    expect(parseGoDuration(s)).toBe(want);
  });

  it.each([
    [5 * M, '5m0s'],
    [H, '1h0m0s'],
    [30 * S, '30s'],
    [1500, '1.5s'],
    [250, '250ms'],
    [0, '0s'],
    [-90 * S, '-1m30s'],
  ])('formatGoDuration(%d) = %s', (ms, want) => {
    expect(formatGoDuration(ms)).toBe(want);
    expect(parseGoDuration(want)).toBe(ms);
  });
});

describe('quantities', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1.5', 1.5],
    ['1Ki', 1024],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2k', 2000],
    ['1M', 1e6],
    ['1e3', 1000],
    ['100n', 1e-7],
    [4, 4],
    ['12 Gi', undefined],
    ['abc', undefined],
    ['1Zi', undefined],
    [null, undefined],
  ])('parseQuantity(%j) = %j', (q, want) => {
    const got = parseQuantity(q);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(want, 12);
  });

  it.each([
    [0.25, '250m'],
    [1.5, '1500m'],
    [12, '12'],
  ])('formatCpu(%d) = %s', (c, want) => expect(formatCpu(c)).toBe(want));

  it.each([
    [512 * 2 ** 20, '512Mi'],
    [1.5 * 2 ** 30, '1.5Gi'],
    [2048, '2Ki'],
    [900, '900'],
  ])('formatMemory(%d) = %s', (b, want) => expect(formatMemory(b)).toBe(want));
});

describe('cells', () => {
  it('squashes messages to one line', () => {
    expect(oneLine('a\n  b\tc\u0007d ')).toBe('a b c\\ad');
    expect(oneLine('\u001b]0;PWNED\u0007 x')).toBe('\\e]0;PWNED\\a x');
  });

  it.each([
    ['checkout-7d9f', 20, 'checkout-7d9f'],
    ['checkout-7d9f', 8, 'checkou~'],
    ['abc', 1, '~'],
    ['abc', 0, ''],
    ['a\nb', 3, 'a b'],
  ])('truncate(%j, %d) = %j', (s, w, want) => {
    expect(truncate(s, w)).toBe(want);
  });

  it('fits to an exact width', () => {
    expect(fit('ab', 5)).toBe('ab   ');
    expect(fit('ab', 5, 'right')).toBe('   ab');
    expect(fit('abcdefgh', 5)).toBe('abcd~');
  });
});
