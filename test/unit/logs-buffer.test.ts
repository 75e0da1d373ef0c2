// The log ring and buffer: bounded under a flood, live re-filtering, pause counting, resume
// de-duplication, timestamps, JSON levels and colours.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/logs/buffer.js';
import { compilePattern, highlightRanges, parseJsonLine, podColour, textLevel } from '../../src/logs/filter.js';
import { resumeFrom, ResumePoint, tsKey } from '../../src/logs/resume.js';
import { Ring } from '../../src/logs/ring.js';
import type { LogEntry } from '../../src/logs/types.js';
import { splitTimestamp } from '../../src/kube/logs.js';

const entry = (i: number, text = `line ${i}`, pod = 'web-1'): LogEntry => ({
  context: 'east', namespace: 'shop', pod, container: 'app', ts: `2026-01-01T00:00:00.${String(i).padStart(9, '0')}Z`, text,
});

describe('Ring', () => {
  it('keeps the newest `capacity` items addressed by sequence', () => {
    const r = new Ring<number>(3);
    for (let i = 0; i < 5; i++) r.push(i);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect([r.first, r.total, r.size]).toEqual([2, 5, 3]);
    expect(r.at(1)).toBeUndefined();
    expect(r.at(4)).toBe(4);
  });
});

describe('LogBuffer', () => {
  it('stays bounded under a flood and keeps the newest lines', () => {
    const b = new LogBuffer(1000);
    for (let i = 0; i < 200_000; i++) b.push(entry(i, i % 2 ? 'odd' : 'even'));
    expect(b.size).toBe(1000);
    expect(b.received).toBe(200_000);
    expect(b.length).toBe(1000);
    expect(b.slice(999, 1000)[0].ts).toBe(entry(199_999).ts);
    b.setFilter({ include: 'odd' });
    expect(b.length).toBe(500);
    // matching lines older than the ring's oldest line are not shown again
    for (let i = 0; i < 10_000; i++) b.push(entry(i, 'odd'));
    expect(b.length).toBe(1000);
    expect(b.entries().length).toBe(1000);
  });

  it('re-filters live: include, exclude, notices always shown; a bad regex changes nothing', () => {
    const b = new LogBuffer(100);
    b.push(entry(1, 'GET /healthz 200'));
    b.push(entry(2, 'POST /orders 500 error'));
    b.push(entry(3, 'GET /orders 200'));
    b.push({ ...entry(4, '— pod web-1 ended —'), container: '', notice: true });
    b.setFilter({ include: 'orders' });
    expect(b.slice(0, 10).map((e) => e.text)).toEqual(['POST /orders 500 error', 'GET /orders 200', '— pod web-1 ended —']);
    b.setFilter({ include: 'orders', exclude: 'ERROR' });
    expect(b.slice(0, 10).map((e) => e.text)).toEqual(['POST /orders 500 error', 'GET /orders 200', '— pod web-1 ended —']);
    b.setFilter({ exclude: 'error' });
    expect(b.length).toBe(3);
    expect(() => b.setFilter({ include: '(' })).toThrow(/invalid regex/);
    expect(b.filter).toEqual({ exclude: 'error' });
  });

  it('pause freezes the visible lines and counts the waiting ones', () => {
    const b = new LogBuffer(100);
    for (let i = 0; i < 5; i++) b.push(entry(i));
    b.setPaused(true);
    for (let i = 5; i < 12; i++) b.push(entry(i));
    expect(b.length).toBe(5);
    expect(b.waiting).toBe(7);
    b.setPaused(false);
    expect(b.length).toBe(12);
    expect(b.waiting).toBe(0);
  });

  it('saves the matching lines to a file', async () => {
    const b = new LogBuffer(10);
    b.push(entry(1, 'keep'));
    b.push(entry(2, 'drop'));
    b.setFilter({ exclude: 'drop' });
    const file = join(await mkdtemp(join(tmpdir(), 'fd-logs-')), 'out.log');
    expect(await b.save(file)).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(`east/web-1/app ${entry(1).ts} keep\n`);
  });
});

describe('resume without duplicates', () => {
  it('orders RFC3339Nano timestamps whatever their fraction width', () => {
    expect(tsKey('2026-01-01T00:00:05.1Z') > tsKey('2026-01-01T00:00:05.09Z')).toBe(true);
    expect(tsKey('2026-01-01T00:00:05Z')).toBe('2026-01-01T00:00:05.000000000Z');
    expect(resumeFrom('2026-01-01T00:00:05.123456789Z')).toBe('2026-01-01T00:00:05Z');
  });

  it('drops older lines and already-seen lines at the last timestamp, keeps new ones', () => {
    const r = new ResumePoint();
    const t = (s: number) => `2026-01-01T00:00:0${s}.5Z`;
    expect([r.accept(t(1), 'a'), r.accept(t(2), 'b'), r.accept(t(2), 'c')]).toEqual([true, true, true]);
    r.reconnect();
    // the server repeats the last second, including both lines sharing the last timestamp
    expect([r.accept(t(1), 'a'), r.accept(t(2), 'b'), r.accept(t(2), 'c'), r.accept(t(2), 'd'), r.accept(t(3), 'e')]).toEqual([false, false, false, true, true]);
    expect(r.last).toBe(t(3));
  });
});

describe('lines, levels, colours', () => {
  it('splits the kubelet timestamp off a line', () => {
    expect(splitTimestamp('2026-01-01T00:00:05.123456789Z hello world')).toEqual({ ts: '2026-01-01T00:00:05.123456789Z', text: 'hello world' });
    expect(splitTimestamp('no stamp')).toEqual({ ts: '', text: 'no stamp' });
  });

  it('detects JSON levels and messages, and plain-text levels', () => {
    expect(parseJsonLine('{"level":"warn","msg":"slow query"}')).toMatchObject({ level: 'warn', msg: 'slow query' });
    expect(parseJsonLine('{"severity":"ERROR","message":"boom"}')).toMatchObject({ level: 'error', msg: 'boom' });
    expect(parseJsonLine('not json')).toBeUndefined();
    expect(textLevel('2026-01-01 ERROR upstream timed out')).toBe('error');
    expect(textLevel('level=debug msg=x')).toBe('debug');
  });

  it('smart-case patterns, highlight ranges, stable pod colours', () => {
    expect(compilePattern('error').test('ERROR')).toBe(true);
    expect(compilePattern('Error').test('ERROR')).toBe(false);
    expect(highlightRanges(compilePattern('o', true), 'foo bo')).toEqual([[1, 2], [2, 3], [5, 6]]);
    const a = podColour({ context: 'east', namespace: 'shop', pod: 'web-1' }, 8);
    expect(podColour({ context: 'east', namespace: 'shop', pod: 'web-1' }, 8)).toBe(a);
    const spread = new Set(Array.from({ length: 40 }, (_, i) => podColour({ context: 'c', namespace: 'n', pod: `p-${i}` }, 8)));
    expect(spread.size).toBeGreaterThan(4);
  });
});
