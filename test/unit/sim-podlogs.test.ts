import { describe, expect, it } from 'vitest';
import { PodLogStore } from '../../src/sim/podlogs.js';

const ref = { namespace: 'ns', pod: 'p', container: 'c' };

describe('sim pod logs', () => {
  it('generates bounded, strictly increasing RFC3339Nano lines lazily', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const logs = new PodLogStore({ rate: 50, capacity: 100, clock: () => now });
    logs.start(ref, 'ghcr.io/acme/api:1.0');
    now += 60_000;
    const lines = logs.history(ref)!;
    expect(lines).toHaveLength(100);
    for (const l of lines) expect(l.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{8}[1-9]Z$/);
    for (let i = 1; i < lines.length; i++) expect(lines[i].ts > lines[i - 1].ts).toBe(true);
  });

  it('keeps the crashed instance as previous and streams new lines to followers', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const logs = new PodLogStore({ rate: 10, clock: () => now });
    logs.start(ref, 'app:1.0-crash');
    logs.stop(ref, 'FATAL boom');
    logs.start(ref, 'app:1.0-crash');
    expect(logs.history({ ...ref, previous: true })!.at(-1)!.text).toBe('FATAL boom');
    const got: string[] = [];
    const off = logs.subscribe(ref, (l) => got.push(l.text));
    now += 1_000;
    logs.tick(now);
    off();
    expect(got.length).toBeGreaterThan(3);
    const seen = got.length;
    now += 1_000;
    logs.tick(now);
    expect(got.length).toBe(seen);
  });
});
