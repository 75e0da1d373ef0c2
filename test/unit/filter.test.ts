// Issue 20, case 12: the `/` filter searches what the user sees (the visible columns:
// STATUS, REASON, MESSAGE...), plain typing narrows like a substring, fuzzy ranking is an
// explicit mode (`~`), and one syntax means the same at every table size.
import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import { filterFor, fuzzyScore, parseFilter, FilterError, rowFilter } from '../../src/model/filter.js';
import type { KubeObject } from '../../src/model/types.js';
import type { AppContext } from '../../src/ui/view.js';
import { ResourceTableView } from '../../src/ui/views/resource-table.js';
import { FakeStore } from '../helpers/fake-store.js';

const NOW = Date.UTC(2026, 10, 20, 10);

function appOver(store: FakeStore, contexts: string[], messages: string[] = []): AppContext {
  return {
    store, contexts: () => contexts, namespace: () => undefined, now: () => NOW, theme: loadTheme(undefined, { configDir: null }),
    message: (m: string) => void messages.push(m), render: () => undefined,
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

describe('-l takes kubectl\'s whole selector grammar; the grammar says where it ends', () => {
  const err = (line: string): string => {
    try {
      parseFilter(line);
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError);
      return (e as Error).message;
    }
    throw new Error(`${line} parsed`);
  };

  it('set-based requirements, bare or quoted as a shell would pass them', () => {
    const inCart = [{ key: 'app', op: 'In', values: ['cart-api'] }];
    expect(parseFilter('-l app in (cart-api)')).toMatchObject({ labels: inCart, words: [] });
    expect(parseFilter('-l "app in (cart-api)"')).toMatchObject({ labels: inCart, words: [] });
    expect(parseFilter("-l 'app in (cart-api)' web")).toMatchObject({ labels: inCart, words: ['web'] });
    expect(parseFilter('-l app notin (a, b),!canary')).toMatchObject({ labels: [{ key: 'app', op: 'NotIn', values: ['a', 'b'] }, { key: 'canary', op: 'DoesNotExist' }] });
  });

  it('words after the selector are words: it ends where the grammar can no longer go on', () => {
    expect(parseFilter('-l app in (a, b) web')).toMatchObject({ labels: [{ key: 'app', op: 'In', values: ['a', 'b'] }], words: ['web'] });
    expect(parseFilter('api -l app = web,tier!=db Running')).toMatchObject({ labels: [{ key: 'app', op: 'Equals', values: ['web'] }, { key: 'tier', op: 'NotEquals', values: ['db'] }], words: ['api', 'running'] });
    // a key with no operator after it is "exists"
    expect(parseFilter('-l app web')).toMatchObject({ labels: [{ key: 'app', op: 'Exists' }], words: ['web'] });
    expect(parseFilter('-l app "back off"')).toMatchObject({ labels: [{ key: 'app', op: 'Exists' }], words: ['back off'] });
    // -l is a word of its own: a name fragment that starts with it is searched
    expect(parseFilter('-logs -leader')).toMatchObject({ words: ['-logs', '-leader'] });
    expect(parseFilter('-logs').labels).toBeUndefined();
  });

  it('a bad selector, a bare -l and an open quote are errors with kubectl\'s words', () => {
    expect(err('-l')).toBe("flag needs an argument: 'l' in -l");
    expect(err('web -l   ')).toBe("flag needs an argument: 'l' in -l");
    expect(err('-l =')).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(err('-l app in (a')).toBe("unable to parse requirement: found '', expected: ',' or ')'");
    expect(err('-l app in')).toBe("unable to parse requirement: found '' expected: '('");
    expect(err('-l "app in (a)')).toBe('unterminated quote in the filter');
    expect(err('"open')).toBe('unterminated quote in the filter');
  });

  it('matches as kubectl -l does', () => {
    const rows: { n: string; l: Record<string, string> }[] = [{ n: 'a', l: { app: 'cart-api' } }, { n: 'b', l: { app: 'web', canary: 'yes' } }, { n: 'c', l: {} }];
    const names = (line: string): string[] => rowFilter<(typeof rows)[number]>(line, { text: (r) => r.n, labels: (r) => r.l }).fn!.apply(rows).map((r) => r.n);
    expect(names('-l app in (cart-api)')).toEqual(['a']);
    expect(names('-l app notin (cart-api)')).toEqual(['b', 'c']);
    expect(names('-l app')).toEqual(['a', 'b']);
    expect(names('-l !app')).toEqual(['c']);
    expect(names('-l app,!canary')).toEqual(['a']);
    expect(names('!-l app in (cart-api)')).toEqual(['b', 'c']);
  });
});

describe('an invalid filter keeps no row and says why until a filter parses', () => {
  it('rowFilter: none for an empty line, nothing kept and the reason for a bad one', () => {
    const subject = { text: (r: string) => r, labels: () => undefined };
    expect(rowFilter('  ', subject)).toEqual({});
    const bad = rowFilter('-l =', subject);
    expect(bad.error).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(bad.fn!.apply(['a', 'b'])).toEqual([]);
    expect(rowFilter('a', subject).error).toBeUndefined();
  });

  it('a table: [0/n] with the reason under it (never every row), said once, cleared by a filter that parses', () => {
    const store = new FakeStore(['dev']);
    for (let i = 0; i < 6; i++) store.put('dev', 'pods', pod(`${i % 2 ? 'cart' : 'web'}-${i}`, 'shop'));
    const messages: string[] = [];
    const v = new ResourceTableView(appOver(store, ['dev'], messages), { query: 'pods' });
    for (const line of ['-l =', 'unterminated "quote', '-l']) {
      v.setFilterNow(line);
      expect(v.rows().length).toBe(0);
      expect(v.status()).toBe('[0/6]');
      expect(v.filter.error()).toBeDefined();
      expect(v.render(120, 20).join('\n')).toContain(`invalid filter /${line}: ${v.filter.error()}`);
      // rows changing meanwhile do not bring them back
      v.onChange({ resources: new Set(['dev\u0000pods']), contexts: new Set() } as never);
      expect(v.rows().length).toBe(0);
    }
    v.setFilterNow('-l app=cart');
    expect(v.rows().map((r) => r.obj.metadata.name)).toEqual(['cart-1', 'cart-3', 'cart-5']);
    expect(v.filter.error()).toBeUndefined();
    expect(v.render(120, 20).join('\n')).not.toContain('invalid filter');
    // the reason is part of the view, not a message that outlives it
    expect(messages).toEqual([]);
  });
});
