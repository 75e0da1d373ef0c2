// Issue 20, case 12: the `/` filter searches what the user sees (the visible columns:
// STATUS, REASON, MESSAGE...), plain typing narrows like a substring, fuzzy ranking is an
// explicit mode (`~`), and one syntax means the same at every table size.
import { describe, expect, it } from 'vitest';
import { filterFor, fuzzyScore, parseFilter, FilterError } from '../../src/model/filter.js';
import type { KubeObject } from '../../src/model/types.js';
import type { AppContext } from '../../src/ui/view.js';
import { ResourceTableView } from '../../src/ui/views/resource-table.js';
import { FakeStore } from '../helpers/fake-store.js';

const NOW = Date.UTC(2026, 10, 20, 10);

function appOver(store: FakeStore, contexts: string[]): AppContext {
  return {
    store, contexts: () => contexts, namespace: () => undefined, now: () => NOW,
    message: () => undefined, render: () => undefined,
  } as unknown as AppContext;
}

function pod(name: string, ns: string, waiting?: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, creationTimestamp: '2026-11-20T09:00:00Z', labels: { app: name.split('-')[0] } },
    spec: { nodeName: 'node-1' },
    status: {
      phase: 'Running', podIP: '10.0.0.1',
      containerStatuses: [waiting
        ? { name: 'app', ready: false, restartCount: 7, state: { waiting: { reason: waiting } } }
        : { name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
    },
  };
}

function event(i: number, reason: string, message: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `ev-${i}`, namespace: 'shop', uid: `ev-${i}`, creationTimestamp: '2026-11-20T09:00:00Z' },
    involvedObject: { kind: 'Pod', name: `web-${i}`, namespace: 'shop' }, reason, message, type: reason === 'Unhealthy' ? 'Warning' : 'Normal',
    lastTimestamp: '2026-11-20T09:59:00Z',
  };
}

function table(store: FakeStore, contexts: string[], query: string, filter: string): ResourceTableView {
  const v = new ResourceTableView(appOver(store, contexts), { query });
  v.setFilterNow(filter);
  return v;
}

describe('the filter searches the visible columns', () => {
  const store = new FakeStore(['dev']);
  for (let i = 0; i < 26; i++) store.put('dev', 'pods', pod(`web-${i}`, 'shop', i < 3 ? 'CrashLoopBackOff' : undefined));
  for (let i = 0; i < 3000; i++) store.put('dev', 'events', event(i, i % 100 === 0 ? 'Unhealthy' : 'Pulled', i % 100 === 0 ? 'Readiness probe failed: HTTP probe failed with statuscode: 503' : 'Container image "nginx" already present'));

  it('STATUS: /CrashLoopBackOff and /Running', () => {
    expect(table(store, ['dev'], 'pods', 'CrashLoopBackOff').rows().length).toBe(3);
    expect(table(store, ['dev'], 'pods', 'crashloop').rows().length).toBe(3);
    expect(table(store, ['dev'], 'pods', 'Running').rows().length).toBe(23);
    expect(table(store, ['dev'], 'pods', '!Running').rows().map((r) => r.obj.metadata.name).sort()).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('REASON and MESSAGE of events: /Unhealthy, a quoted phrase', () => {
    expect(table(store, ['dev'], 'events', 'Unhealthy').rows().length).toBe(30);
    expect(table(store, ['dev'], 'events', '"statuscode: 503"').rows().length).toBe(30);
    expect(table(store, ['dev'], 'events', 'probe 503').rows().length).toBe(30);
    expect(table(store, ['dev'], 'events', 'already present').rows().length).toBe(2970);
  });

  it('ages are not searched (they change with the clock)', () => {
    // every pod is 1h old: "1h" appears in no other column
    expect(table(store, ['dev'], 'pods', '1h').rows().length).toBe(0);
  });

  it('the context and namespace match even when their column is hidden', () => {
    expect(table(store, ['dev'], 'pods', 'dev/shop').rows().length).toBe(26);
  });
});

describe('plain typing narrows; fuzzy is explicit and ranked', () => {
  const store = new FakeStore(['c']);
  for (let d = 0; d < 100; d++) for (let p = 0; p < 100; p++) store.put('c', 'pods', pod(`svc-${d}-${String(p).padStart(5, '0')}`, 'ns'));

  it('`svc-77-` matches the 100 pods of svc-77, not 9,900 of 10,000', () => {
    const v = table(store, ['c'], 'pods', 'svc-77-');
    expect(v.rows().length).toBe(100);
    expect(v.rows().every((r) => r.obj.metadata.name.startsWith('svc-77-'))).toBe(true);
  });

  it('`~svc77` ranks the svc-77 pods first and says it is ranked', () => {
    const v = table(store, ['c'], 'pods', '~svc77');
    expect(v.rows().length).toBeGreaterThan(100);
    expect(v.rows().slice(0, 100).every((r) => r.obj.metadata.name.startsWith('svc-77-'))).toBe(true);
    expect(v.status()).toContain('ranked');
    // `-f` (k9s's flag) is the same mode
    expect(table(store, ['c'], 'pods', '-f svc77').rows().map((r) => r.key)).toEqual(v.rows().map((r) => r.key));
  });
});

describe('one syntax at every table size', () => {
  // the same rows' decisions must not depend on how many other rows the table has
  const small = new FakeStore(['c']);
  const big = new FakeStore(['c']);
  for (let d = 0; d < 20; d++) for (let p = 0; p < 5; p++) small.put('c', 'pods', pod(`svc-${d}-${p}`, 'ns'));
  for (let d = 0; d < 1000; d++) for (let p = 0; p < 60; p++) big.put('c', 'pods', pod(`svc-${d}-${p}`, 'ns'));
  const names = (v: ResourceTableView, under = Infinity): string[] => v.rows().map((r) => r.obj.metadata.name).filter((n) => Number(n.split('-')[1]) < under && Number(n.split('-')[2]) < 5).sort();

  for (const text of ["'svc-13-", 'svc-13-', '~svc13', 'svc 13', '!svc-1', '-l app=svc svc-19-']) {
    it(`"${text}" decides each row alike at 100 and 60,000 rows`, () => {
      const a = table(small, ['c'], 'pods', text);
      const b = table(big, ['c'], 'pods', text);
      expect(names(b, 20)).toEqual(names(a));
      expect(names(a).length).toBeGreaterThan(0);
    });
  }

  it("`'svc-13-` is the substring svc-13- (the quote is fzf's exact marker), at 60,000 rows too", () => {
    expect(table(big, ['c'], 'pods', "'svc-13-").rows().length).toBe(60);
  });
});

describe('parseFilter and fuzzyScore', () => {
  it('parses modes, phrases, selectors', () => {
    expect(parseFilter('web api')).toMatchObject({ mode: 'substring', inverse: false, words: ['web', 'api'] });
    expect(parseFilter('!~Web')).toMatchObject({ mode: 'fuzzy', inverse: true, words: ['web'] });
    expect(parseFilter('"back-off  restarting" x')).toMatchObject({ words: ['back-off  restarting', 'x'] });
    expect(parseFilter('-l app=web -f api').mode).toBe('fuzzy');
    expect(parseFilter('-l app=web').labels).toBeDefined();
    expect(() => parseFilter('"open')).toThrow(FilterError);
  });

  it('scores substrings above scattered letters, boundaries above the middle', () => {
    const exact = fuzzyScore(['svc-77'], 'c/ns/svc-77-0001')!;
    const scattered = fuzzyScore(['svc-77'], 'c/ns/svc-17-0007')!;
    expect(exact).toBeGreaterThan(scattered);
    expect(fuzzyScore(['web'], 'x/web-1')!).toBeGreaterThan(fuzzyScore(['web'], 'x/cobweb')!);
    expect(fuzzyScore(['zz'], 'abc')).toBeUndefined();
    expect(fuzzyScore(['cbo'], 'crashloopbackoff')).toBeDefined();
  });

  it('filterFor keeps order in substring mode and ranks in fuzzy mode', () => {
    const rows = ['a/ab-x', 'a/xaxb', 'a/ab'];
    const subject = { text: (r: string) => r, labels: () => undefined };
    expect(filterFor(parseFilter('ab'), subject).apply(rows)).toEqual(['a/ab-x', 'a/ab']);
    const fuzzy = filterFor(parseFilter('~ab'), subject);
    expect(fuzzy.ranked).toBe(true);
    expect(fuzzy.apply(rows)).toEqual(['a/ab-x', 'a/ab', 'a/xaxb']);
  });
});
