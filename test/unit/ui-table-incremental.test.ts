// The resource table keeps its sorted rows between frames and moves only the rows of
// changed objects: after any sequence of changes, sort keys and filters it must show what
// a table built from scratch over the same store shows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeBatch } from '../../src/fleet/types.js';
import type { KubeObject } from '../../src/model/types.js';
import type { CommandId } from '../../src/commands/table.js';
import { loadTheme } from '../../src/config/theme.js';
import { rowOf } from '../../src/ui/columns.js';
import type { AppContext } from '../../src/ui/view.js';
import { ResourceTableView, sortRows, type SortKey } from '../../src/ui/views/resource-table.js';
import { FakeStore } from '../helpers/fake-store.js';
import { mulberry32 } from '../../src/model/prng.js';

// mixed case, '_' and ':' collate differently from code units: the collator path runs too
const CONTEXTS = ['dev', 'Prod_EU', 'arn:aws:eks:x', 'prod-us'];
const NAMES = ['web', 'Web', 'api', 'api-1', 'api.1', 'api_1', 'a', 'z9', 'db-0', 'db-10', 'db-2', 'édge', 'cache'];
const NAMESPACES = ['default', 'kube-system', 'Shop'];

function pod(rand: () => number, i: number): KubeObject {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const ts = new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 5) * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `${pick(NAMES)}${rand() < 0.5 ? `-${i % 7}` : ''}`, namespace: pick(NAMESPACES), uid: `u${i}`, creationTimestamp: ts, labels: { app: pick(['web', 'api']) } },
    spec: {}, status: { phase: pick(['Running', 'Pending', 'Failed']) },
  };
}

function appOver(store: FakeStore): AppContext {
  return {
    store, contexts: () => CONTEXTS, namespace: () => undefined, now: () => Date.UTC(2026, 0, 2),
    message: () => undefined, render: () => undefined, theme: loadTheme('default', { configDir: null }),
  } as unknown as AppContext;
}

const SORT_ACTION: Record<SortKey, CommandId> = { name: 'sort-name', age: 'sort-age', status: 'sort-status', context: 'sort-context', namespace: 'sort-namespace' };

// a view left open goes on building its rows' search texts in setImmediate slices: hundreds
// of them (one per rebuilt table) held the event loop for the later tests' awaits
const open: ResourceTableView[] = [];
function table(app: AppContext, opts: ConstructorParameters<typeof ResourceTableView>[1]): ResourceTableView {
  const v = new ResourceTableView(app, opts);
  open.push(v);
  return v;
}
afterEach(() => {
  for (const v of open.splice(0)) v.close();
});

function fresh(app: AppContext, sort: { key: SortKey; desc: boolean }, filter: string): string[] {
  const v = new ResourceTableView(app, { query: 'pods', sort });
  try {
    v.setFilterNow(filter);
    return v.rows().map((r) => r.key);
  } finally {
    v.close();
  }
}

describe('incremental resource table', () => {
  // 60 rows sit in one block of the sorted rows; 1,500 in several (512 each), so rows move
  // between blocks, and equal sort values run across their borders
  for (const [key, desc, filter, initial] of [['name', false, '', 60], ['age', true, '', 60], ['namespace', false, 'api', 60], ['context', true, '!-l app=web', 60], ['status', false, 'db', 60], ['name', false, 'failed', 60], ['age', false, '~ap1', 60], ['context', false, '!~ap1', 60], ['namespace', false, '', 1500], ['name', true, 'api', 1500], ['context', false, '-l app=web', 1500]] as const) {
    it(`after random changes equals a rebuilt table (${initial} rows, sort ${key}${desc ? ' desc' : ''}, filter "${filter}")`, () => {
      const rand = mulberry32(key.length * 31 + filter.length + initial);
      const store = new FakeStore(CONTEXTS);
      const batches: ChangeBatch[] = [];
      store.onChange((b) => batches.push(b));
      const app = appOver(store);
      let n = 0;
      for (let i = 0; i < initial; i++) store.put(CONTEXTS[i % CONTEXTS.length], 'pods', pod(rand, n++));
      const view = table(app, { query: 'pods', sort: { key: key === 'name' ? 'age' : 'name', desc: false } });
      view.handle(SORT_ACTION[key]);
      if (desc) view.handle(SORT_ACTION[key]);
      view.setFilterNow(filter);
      expect(view.rows().map((r) => r.key)).toEqual(fresh(app, { key, desc }, filter));
      for (let step = 0; step < 40; step++) {
        // a batch of 1..100 changes: small ones take the binary-search path, large ones the merge
        const changes = step % 5 === 4 ? 100 : 1 + Math.floor(rand() * 4);
        const named = new Set<string>();
        // the fleet store's batches name the objects that changed (by namespace/name); a batch
        // that does not (a relist) makes the table list the pair again: both, alternately
        const objects = new Map<string, Set<string>>();
        const touch = (c: string, o: KubeObject): void => {
          const mark = `${c}\u0000pods`;
          if (!objects.has(mark)) objects.set(mark, new Set());
          objects.get(mark)!.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
        };
        for (let j = 0; j < changes; j++) {
          const c = CONTEXTS[Math.floor(rand() * CONTEXTS.length)];
          const existing = store.list(c, 'pods');
          const o = existing[Math.floor(rand() * existing.length)];
          const r = rand();
          if (o && r < 0.3) {
            store.remove(c, 'pods', o.metadata.namespace, o.metadata.name);
            touch(c, o);
          } else if (o && r < 0.7) {
            const next = { ...o, metadata: { ...o.metadata, creationTimestamp: pod(rand, n++).metadata.creationTimestamp }, status: { phase: 'Running' } };
            store.put(c, 'pods', next);
            touch(c, next);
          } else {
            const next = pod(rand, n++);
            store.put(c, 'pods', next);
            touch(c, next);
          }
          named.add(`${c}\u0000pods`);
        }
        view.onChange({ resources: named, contexts: new Set(), ...(step % 2 === 0 ? { objects } : {}) });
        expect(view.rows().map((r) => r.key)).toEqual(fresh(app, { key, desc }, filter));
      }
    });
  }

  it('a batch naming the changed objects reads only those (no list of the pair) and moves only their rows', () => {
    const rand = mulberry32(11);
    const store = new FakeStore(CONTEXTS);
    const app = appOver(store);
    for (let i = 0; i < 200; i++) store.put(CONTEXTS[i % CONTEXTS.length], 'pods', pod(rand, i));
    const view = table(app, { query: 'pods', sort: { key: 'name', desc: false } });
    // a copy: a few changes are spliced into the rows in place
    const before = [...view.rows()];
    const byKey = new Map(before.map((r) => [r.key, r]));
    let lists = 0;
    const list = store.list.bind(store);
    store.list = (...args) => {
      lists++;
      return list(...args);
    };
    const [changed, gone] = store.list('dev', 'pods');
    lists = 0;
    const next = { ...changed, metadata: { ...changed.metadata, labels: { app: 'changed' } } };
    store.put('dev', 'pods', next);
    store.remove('dev', 'pods', gone.metadata.namespace, gone.metadata.name);
    const id = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;
    view.onChange({ resources: new Set(['dev\u0000pods']), contexts: new Set(), objects: new Map([['dev\u0000pods', new Set([id(changed), id(gone)])]]) });
    const after = view.rows();
    expect(lists).toBe(0);
    expect(after).toHaveLength(before.length - 1);
    const keyOf = (o: KubeObject): string => rowOf('dev', 'pods', o).key;
    expect(after.find((r) => r.key === keyOf(next))?.obj).toBe(next);
    expect(after.some((r) => r.key === keyOf(gone))).toBe(false);
    // every other row is the very row it was
    for (const r of after) if (r.key !== keyOf(next)) expect(r).toBe(byKey.get(r.key));
    expect(after.map((r) => r.key)).toEqual(fresh(app, { key: 'name', desc: false }, ''));
  });

  it('typing on narrows from the rows shown, after changes too, to what a rebuilt table shows', () => {
    const rand = mulberry32(9);
    const store = new FakeStore(CONTEXTS);
    const app = appOver(store);
    for (let i = 0; i < 1500; i++) store.put(CONTEXTS[i % CONTEXTS.length], 'pods', pod(rand, i));
    const view = table(app, { query: 'pods', sort: { key: 'name', desc: false } });
    let n = 1500;
    for (const text of ['a', 'ap', 'api', 'api-', 'api', 'a', 'e', 'ed', '"d', '"db"']) {
      view.setFilterNow(text);
      expect(view.rows().map((r) => r.key)).toEqual(fresh(app, { key: 'name', desc: false }, text));
      // rows change between two keys: the next key filters the changed rows too
      const objects = new Map<string, Set<string>>();
      for (let j = 0; j < 30; j++) {
        const c = CONTEXTS[Math.floor(rand() * CONTEXTS.length)];
        const o = pod(rand, n++);
        store.put(c, 'pods', o);
        if (!objects.has(`${c}\u0000pods`)) objects.set(`${c}\u0000pods`, new Set());
        objects.get(`${c}\u0000pods`)!.add(`${o.metadata.namespace}/${o.metadata.name}`);
      }
      view.onChange({ resources: new Set(objects.keys()), contexts: new Set(), objects });
      expect(view.rows().map((r) => r.key)).toEqual(fresh(app, { key: 'name', desc: false }, text));
    }
  });

  it('a key typed after a pause filters at once, asking for a frame that answers input; a burst of keys filters at most once per window, its last key included', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const rand = mulberry32(17);
      const store = new FakeStore(CONTEXTS);
      const asked: (boolean | undefined)[] = [];
      const app = { ...appOver(store), render: (input?: boolean) => void asked.push(input) } as AppContext;
      for (let i = 0; i < 300; i++) store.put(CONTEXTS[i % CONTEXTS.length], 'pods', pod(rand, i));
      const view = table(app, { query: 'pods', sort: { key: 'name', desc: false } });
      view.render(120, 30);
      const shown = (): string[] => (view.render(120, 30), view.rows().map((r) => r.key));
      view.filter.set('api');
      // no timer has run: the frame is asked for now, and it shows the filter's rows
      expect(asked).toEqual([true]);
      expect(shown()).toEqual(fresh(app, { key: 'name', desc: false }, 'api'));
      // two more keys within the window of the first: a burst, applied at the window's end
      vi.advanceTimersByTime(10);
      view.filter.set('api-');
      vi.advanceTimersByTime(10);
      view.filter.set('api-1');
      expect(asked).toEqual([true]);
      expect(shown()).toEqual(fresh(app, { key: 'name', desc: false }, 'api'));
      vi.advanceTimersByTime(59);
      expect(asked).toEqual([true]);
      vi.advanceTimersByTime(1);
      expect(asked).toEqual([true, true]);
      expect(shown()).toEqual(fresh(app, { key: 'name', desc: false }, 'api-1'));
      view.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a typed filter that does not finish in its frame goes on in slices: the old rows stay shown until it is done, then a frame shows its rows', async () => {
    const rand = mulberry32(13);
    const store = new FakeStore(CONTEXTS);
    let renders = 0;
    const app = { ...appOver(store), render: () => void renders++ } as AppContext;
    for (let i = 0; i < 3000; i++) store.put(CONTEXTS[i % CONTEXTS.length], 'pods', pod(rand, i));
    const all = fresh(app, { key: 'name', desc: false }, '');
    // a frame spends nothing on it: 256 rows, then the rest in slices
    const view = table(app, { query: 'pods', sort: { key: 'name', desc: false }, filterFrameMs: 0 });
    view.render(120, 30);
    // the slices run in setImmediate (the first after a timer); the last one asks for a frame
    const done = (): Promise<void> => vi.waitFor(() => expect(renders).toBeGreaterThan(0), { timeout: 10_000, interval: 1 });
    const total = all.length;
    view.setFilterNow('api');
    view.render(120, 30);
    // not done: every row is still shown
    expect(view.status()).toBe(`[${total}]`);
    renders = 0;
    await done();
    expect(renders).toBe(1);
    const api = fresh(app, { key: 'name', desc: false }, 'api');
    expect(view.status()).toBe(`[${api.length}/${total}]`);
    expect(view.rows().map((r) => r.key)).toEqual(api);
    // typing on narrows, in slices too; a change batch while it goes on: it finishes first, then the changes apply
    view.setFilterNow('api-');
    view.render(120, 30);
    expect(view.status()).toBe(`[${api.length}/${total}]`);
    const objects = new Map<string, Set<string>>();
    for (let j = 0; j < 50; j++) {
      const o = pod(rand, 5000 + j);
      store.put('dev', 'pods', o);
      if (!objects.has('dev\u0000pods')) objects.set('dev\u0000pods', new Set());
      objects.get('dev\u0000pods')!.add(`${o.metadata.namespace}/${o.metadata.name}`);
    }
    view.onChange({ resources: new Set(objects.keys()), contexts: new Set(), objects });
    view.render(120, 30);
    expect(view.rows().map((r) => r.key)).toEqual(fresh(app, { key: 'name', desc: false }, 'api-'));
    // rows() finishes a filter still going on
    view.setFilterNow('db');
    view.render(120, 30);
    expect(view.rows().map((r) => r.key)).toEqual(fresh(app, { key: 'name', desc: false }, 'db'));
  });

  it('the selected row stays selected by its key while rows enter and leave above it, and through a filter', () => {
    const rand = mulberry32(5);
    const store = new FakeStore(CONTEXTS);
    const app = appOver(store);
    for (let i = 0; i < 1500; i++) {
      const o = pod(rand, i);
      store.put(CONTEXTS[i % CONTEXTS.length], 'pods', { ...o, metadata: { ...o.metadata, name: `${o.metadata.name}-${i}` } });
    }
    const view = table(app, { query: 'pods', sort: { key: 'name', desc: false } });
    view.render(120, 30);
    expect(view.rows()).toHaveLength(1500);
    for (let i = 0; i < 700; i++) view.handle('down');
    view.render(120, 30);
    const key = view.selected()!.key;
    const at = view.rows().findIndex((r) => r.key === key);
    expect(at).toBe(700);
    // rows that sort first enter (and some leave) above the selection, in several batches
    let n = 10_000;
    for (let step = 0; step < 5; step++) {
      const objects = new Map<string, Set<string>>();
      for (let j = 0; j < 40; j++) {
        const c = CONTEXTS[j % CONTEXTS.length];
        const o = { ...pod(rand, n++), metadata: { ...pod(rand, n).metadata, name: `0-first-${n}`, namespace: 'default' } };
        store.put(c, 'pods', o);
        if (!objects.has(`${c}\u0000pods`)) objects.set(`${c}\u0000pods`, new Set());
        objects.get(`${c}\u0000pods`)!.add(`default/${o.metadata.name}`);
      }
      view.onChange({ resources: new Set(objects.keys()), contexts: new Set(), objects });
      view.render(120, 30);
      expect(view.selected()!.key).toBe(key);
    }
    expect(view.rows().findIndex((r) => r.key === key)).toBe(700 + 200);
    // a filter that keeps the row: still the one selected, at its place among the rows kept
    const name = view.selected()!.obj.metadata.name;
    view.setFilterNow(name);
    view.render(120, 30);
    expect(view.selected()!.key).toBe(key);
    view.setFilterNow('');
    view.render(120, 30);
    expect(view.selected()!.key).toBe(key);
  });

  // warnings only (shift-o, kubectl's `--field-selector type=Warning`) is asked of every object
  // again when toggled: the rows kept between frames once kept every Normal event regardless
  it('warnings only keeps only Warning events at once, for events arriving later and with a / filter, as a rebuilt table does', () => {
    const rand = mulberry32(23);
    const store = new FakeStore(CONTEXTS);
    const app = appOver(store);
    let n = 0;
    const event = (): KubeObject => {
      const i = n++;
      const warning = rand() < 0.3;
      return {
        apiVersion: 'v1', kind: 'Event', type: warning ? 'Warning' : 'Normal', reason: warning ? 'BackOff' : 'Completed',
        metadata: { name: `ev-${i}`, namespace: NAMESPACES[i % NAMESPACES.length], uid: `e${i}`, creationTimestamp: '2026-01-01T00:00:00Z' },
        involvedObject: { kind: 'Pod', name: `web-${i % 5}`, namespace: NAMESPACES[i % NAMESPACES.length], uid: `p${i % 5}` },
        lastTimestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      };
    };
    for (let i = 0; i < 600; i++) store.put(CONTEXTS[i % CONTEXTS.length], 'events', event());
    const opts = { query: 'events', sort: { key: 'age' as const, desc: false } };
    const rebuilt = (filter: string, warnings: boolean): string[] => {
      const v = new ResourceTableView(app, opts);
      try {
        if (warnings) v.handle('events.warnings');
        v.setFilterNow(filter);
        return v.rows().map((r) => r.key);
      } finally {
        v.close();
      }
    };
    const warningKeys = (): Set<string> => new Set(CONTEXTS.flatMap((c) => store.list(c, 'events').filter((e) => e.type === 'Warning').map((e) => rowOf(c, 'events', e).key)));
    const view = table(app, opts);
    view.render(120, 30);
    expect(view.rows()).toHaveLength(600);
    expect(view.handle('events.warnings')).toBe(true);
    expect(view.title()).toBe('events (warnings)');
    const kept = view.rows().map((r) => r.key);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(600);
    expect(new Set(kept)).toEqual(warningKeys());
    expect(kept).toEqual(rebuilt('', true));
    // events arriving (and changing type) later, named or not, and a filter typed on top
    for (const [step, filter] of ['', 'backoff', 'completed', '!default'].entries()) {
      view.setFilterNow(filter);
      const objects = new Map<string, Set<string>>();
      for (let j = 0; j < 20; j++) {
        const c = CONTEXTS[j % CONTEXTS.length];
        const existing = store.list(c, 'events');
        const o = j % 3 === 0 ? { ...existing[j], type: existing[j].type === 'Warning' ? 'Normal' : 'Warning' } : event();
        store.put(c, 'events', o);
        if (!objects.has(`${c}\u0000events`)) objects.set(`${c}\u0000events`, new Set());
        objects.get(`${c}\u0000events`)!.add(`${o.metadata.namespace}/${o.metadata.name}`);
      }
      view.onChange({ resources: new Set(objects.keys()), contexts: new Set(), ...(step % 2 === 0 ? { objects } : {}) });
      const rows = view.rows().map((r) => r.key);
      expect(rows).toEqual(rebuilt(filter, true));
      expect(rows.every((k) => warningKeys().has(k))).toBe(true);
    }
    // off again: every type, at once
    view.setFilterNow('');
    view.handle('events.warnings');
    expect(view.title()).toBe('events');
    expect(view.rows().map((r) => r.key)).toEqual(rebuilt('', false));
  });

  it('sortRows orders as localeCompare would, ties by key', () => {
    const rand = mulberry32(7);
    const rows = Array.from({ length: 300 }, (_, i) => rowOf(CONTEXTS[i % CONTEXTS.length], 'pods', pod(rand, i)));
    for (const key of ['name', 'context', 'namespace'] as const) {
      const get = (r: (typeof rows)[number]): string => (key === 'name' ? r.obj.metadata.name : key === 'context' ? r.context : (r.obj.metadata.namespace ?? ''));
      const expected = [...rows].sort((a, b) => get(a).localeCompare(get(b)) || a.key.localeCompare(b.key));
      expect(sortRows([...rows], key, false, () => '').map((r) => r.key)).toEqual(expected.map((r) => r.key));
    }
  });
});
