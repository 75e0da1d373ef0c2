// The sim's watch-list (sendInitialEvents): the current state leaves in chunks with a turn of
// the event loop between them, as each kube-apiserver streams its watch cache while reading
// it (one sim serves every context of a fleet: written in one go, ten 10k-pod lists left one
// after another); a change made meanwhile follows the end mark, which carries the state's
// resourceVersion, and no progress bookmark comes before that mark.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { objectFilter } from '../../src/sim/http/fields.js';
import { startWatch } from '../../src/sim/http/watch.js';
import { builtinResources } from '../../src/sim/resources.js';
import { ClusterStore } from '../../src/sim/store.js';

/** What a response would have sent, line by line. */
class Sink extends EventEmitter {
  text = '';
  writableLength = 0;
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
  end(): void {}
  destroy(): void {}
  lines(): { type: string; object: { metadata: { name?: string; resourceVersion: string; annotations?: Record<string, string> } } }[] {
    return this.text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('sim watch-list', () => {
  it('writes the initial state in chunks between turns; a change meanwhile comes after the end mark, which carries the state\'s resourceVersion', async () => {
    const store = new ClusterStore(100);
    const cms = builtinResources().find((r) => r.resource === 'configmaps')!;
    for (const r of builtinResources()) store.addResource(r);
    // ~1.5 MB of ConfigMaps: several 256 KB chunks
    for (let i = 0; i < 300; i++) store.create('configmaps', { metadata: { name: `cm-${i}`, namespace: 'bulk' }, data: { v: 'x'.repeat(5000) } });
    const rv = String(store.currentRv());
    const res = new Sink();
    const req = new EventEmitter();
    startWatch(store, { resource: cms, filter: objectFilter(cms, 'bulk', new URLSearchParams()), bookmarks: true, bookmarkIntervalMs: 1, sendInitialEvents: true }, req as unknown as IncomingMessage, res as unknown as ServerResponse, () => undefined);
    const first = res.lines().length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(300);
    store.mutate('configmaps', 'bulk', 'cm-0', (c) => ((c.data as Record<string, string>).v = 'changed'));
    for (let i = 0; i < 20 && !res.text.includes('initial-events-end'); i++) await turn();
    const lines = res.lines();
    const end = lines.findIndex((l) => l.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true');
    expect(lines.slice(0, end).map((l) => l.type)).toEqual(Array(300).fill('ADDED'));
    expect(lines[end].object.metadata.resourceVersion).toBe(rv);
    const after = lines.slice(end + 1).filter((l) => l.type !== 'BOOKMARK');
    expect(after.map((l) => `${l.type} ${l.object.metadata.name}`)).toEqual(['MODIFIED cm-0']);
    expect(Number(after[0].object.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    req.emit('close');
  });
});
