import { describe, expect, it } from 'vitest';
import { ContextPulse, eventOccurrences, fleetCapacity, knownTail, pulseNumber, restartTotal, Ring, toLevels } from '../../src/model/pulses.js';
import type { KubeObject } from '../../src/model/types.js';

const ev = (uid: string, count?: number): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: uid, namespace: 'd', uid }, ...(count === undefined ? {} : { count }) });
const pod = (statuses: Record<string, number[]>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' },
  status: Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, v.map((restartCount, i) => ({ name: `c${i}`, restartCount }))])),
});
const node = (cpu?: string, memory?: string, capacity?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' },
  status: { allocatable: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) }, ...(capacity ? { capacity } : {}) },
});

describe('Ring', () => {
  it('keeps the newest `capacity` values, oldest first', () => {
    const r = new Ring<number>(3);
    expect(r.values()).toEqual([]);
    expect(r.latest()).toBeUndefined();
    for (const v of [1, 2]) r.push(v);
    expect(r.values()).toEqual([1, 2]);
    for (const v of [3, 4, 5]) r.push(v);
    expect(r.values()).toEqual([3, 4, 5]);
    expect(r.values(2)).toEqual([4, 5]);
    expect(r.values(0)).toEqual([]);
    expect(r.latest()).toBe(5);
    expect(r.length).toBe(3);
  });
  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
    expect(() => new Ring(1.5)).toThrow(RangeError);
  });
});

describe('eventOccurrences', () => {
  it('the first look is the baseline; then new Events count 1 and repeated ones their growth', () => {
    const a = eventOccurrences(undefined, [ev('a', 3), ev('b')]);
    expect(a.fresh).toBe(0);
    const b = eventOccurrences(a.seen, [ev('a', 5), ev('b'), ev('c', 1)]);
    expect(b.fresh).toBe(2 + 1);
    // an Event that went away is forgotten; a count that went down adds nothing
    const c = eventOccurrences(b.seen, [ev('a', 4)]);
    expect(c.fresh).toBe(0);
    expect([...c.seen.keys()]).toEqual(['a']);
  });
  it('reads series.count (events.k8s.io) when there is no count', () => {
    const e = (n: number): KubeObject => ({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 's', uid: 's' }, series: { count: n } });
    const a = eventOccurrences(undefined, [e(2)]);
    expect(eventOccurrences(a.seen, [e(7)]).fresh).toBe(5);
  });
});

describe('restartTotal', () => {
  it('sums regular, init and ephemeral containers over pods', () => {
    expect(restartTotal([pod({ containerStatuses: [2, 3], initContainerStatuses: [1] }), pod({ ephemeralContainerStatuses: [4] })])).toBe(10);
    expect(restartTotal([])).toBe(0);
  });
});

describe('fleetCapacity', () => {
  it('sums allocatable (capacity where it is missing); unknown when a node does not say or there are none', () => {
    expect(fleetCapacity([node('4', '8Gi'), node(undefined, undefined, { cpu: '2', memory: '1Gi' })])).toEqual({ cpu: 6, memory: 9 * 2 ** 30 });
    expect(fleetCapacity([node('4', '8Gi'), node(undefined, '1Gi')])).toEqual({ cpu: undefined, memory: 9 * 2 ** 30 });
    expect(fleetCapacity([])).toEqual({});
  });
});

describe('ContextPulse', () => {
  it('turns occurrences into a rate over the time between samples and restarts into new ones', () => {
    const p = new ContextPulse(4);
    p.sample({ at: 0, events: 0, problems: 2, restarts: 10, cpu: { used: 1, capacity: 4 } });
    // the first sample has no previous one: no rate, no new restarts (unknown, not 0)
    expect(p.series('events')).toEqual([undefined]);
    expect(p.series('restarts')).toEqual([undefined]);
    expect(p.series('cpu')).toEqual([25]);
    p.sample({ at: 2000, events: 5, problems: 3, restarts: 13, cpu: { used: 2, capacity: 4 } });
    expect(p.series('events')).toEqual([undefined, 2.5]);
    expect(p.series('restarts')).toEqual([undefined, 3]);
    expect(p.series('problems')).toEqual([2, 3]);
    expect(p.series('cpu')).toEqual([25, 50]);
    expect(p.series('memory')).toEqual([undefined, undefined]);
    // pods went away: restarts never negative; unknown inputs stay unknown
    p.sample({ at: 4000, restarts: 1 });
    expect(p.series('restarts')).toEqual([undefined, 3, 0]);
    expect(p.latest('problems')).toBeUndefined();
    expect(p.latest('events')).toBeUndefined();
    p.sample({ at: 5000, events: 1, restarts: 2 });
    p.sample({ at: 6000, events: 1, restarts: 2 });
    // capacity 4: the oldest sample dropped
    expect(p.at()).toEqual([2000, 4000, 5000, 6000]);
    expect(p.series('events')).toEqual([2.5, undefined, 1, 1]);
    expect(p.series('restarts', 2)).toEqual([1, 0]);
    expect(p.samples).toBe(4);
    expect(p.version).toBe(5);
  });
  it('a capacity of 0 is not a share', () => {
    const p = new ContextPulse();
    p.sample({ at: 0, memory: { used: 5, capacity: 0 } });
    expect(p.latest('memory')).toBeUndefined();
  });
});

describe('ContextPulse figures', () => {
  it('a figure counted over a kind read in part is a lower bound (N+); unknown stays ?, whole stays plain', () => {
    const p = new ContextPulse();
    p.sample({ at: 0, events: 0, problems: 3, restarts: 5, partial: ['events', 'problems'] });
    expect(p.figure('events')).toBe('?');
    expect(p.figure('problems')).toBe('3+');
    expect(p.restartsFigure()).toBe('5');
    p.sample({ at: 2000, events: 0, problems: 3, restarts: 5, partial: ['events', 'restarts'] });
    expect(p.figure('events')).toBe('0+');
    expect(p.figure('problems')).toBe('3');
    expect(p.figure('restarts')).toBe('0+');
    expect(p.restartsFigure()).toBe('5+');
  });
});

describe('chart helpers', () => {
  it('knownTail drops the unknown start and carries the last known value over gaps', () => {
    expect(knownTail([undefined, undefined, 1, undefined, 3])).toEqual([1, 1, 3]);
    expect(knownTail([undefined])).toEqual([]);
  });
  it('toLevels scales to integers 0..levels of the maximum', () => {
    expect(toLevels([0, 0.5, 1])).toEqual([0, 50, 100]);
    expect(toLevels([0, 0])).toEqual([0, 0]);
    expect(toLevels([1, 3], 3)).toEqual([1, 3]);
  });
  it('pulseNumber: one decimal below 10, ? when unknown', () => {
    expect(pulseNumber(0.25)).toBe('0.3');
    expect(pulseNumber(4)).toBe('4');
    expect(pulseNumber(12.6)).toBe('13');
    expect(pulseNumber(undefined)).toBe('?');
    expect(pulseNumber(Number.NaN)).toBe('?');
  });
});
