import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import { rowOf, type Row } from '../../src/ui/columns.js';
import { filterFor, parseFilter } from '../../src/model/filter.js';
import { sortRows } from '../../src/ui/views/resource-table.js';
import { columnWidths, renderTable, scrollTop } from '../../src/ui/widgets/table.js';

const theme = loadTheme('default', { configDir: null });
const pod = (ctx: string, ns: string, name: string, labels: Record<string, string> = {}, created = '2026-11-20T09:00:00Z'): Row =>
  rowOf(ctx, 'pods', { kind: 'Pod', metadata: { name, namespace: ns, labels, creationTimestamp: created } });

describe('visible window', () => {
  it('keeps the selection in view with minimal scrolling', () => {
    expect(scrollTop(100, 0, 0, 10)).toBe(0);
    expect(scrollTop(100, 9, 0, 10)).toBe(0);
    expect(scrollTop(100, 10, 0, 10)).toBe(1);
    expect(scrollTop(100, 50, 45, 10)).toBe(45);
    expect(scrollTop(100, 3, 45, 10)).toBe(3);
    expect(scrollTop(100, 99, 0, 10)).toBe(90);
    expect(scrollTop(5, 4, 3, 10)).toBe(0);
    expect(scrollTop(0, 0, 7, 10)).toBe(0);
  });

  it('formats only visible rows', () => {
    let calls = 0;
    const rows = Array.from({ length: 100_000 }, (_, i) => i);
    const lines = renderTable({
      columns: [{ header: 'N', value: (r: number) => (calls++, String(r)) }], rows, width: 40, height: 11,
      state: { selected: 50_000, top: 0 }, theme,
    });
    expect(lines.length).toBe(11);
    expect(calls).toBe(10);
  });

  it('gives the last column the rest of the width and shrinks when too wide', () => {
    const cols = [{ header: 'A', value: () => '' }, { header: 'B', value: () => '' }];
    expect(columnWidths(cols, [['aaaa', 'bb']], 20)).toEqual([4, 14]);
    const w = columnWidths(cols, [['a'.repeat(50), 'b'.repeat(50)]], 40);
    expect(w[0] + w[1] + 2).toBe(40);
  });

  it('never cuts the sorted column\'s header and arrow, however narrow (the Flux view read "READ…" at 60 columns)', () => {
    const cols = [{ header: 'KIND', value: () => '' }, { header: 'READY', keep: true, value: () => '' }, { header: 'MESSAGE', squeeze: 2, value: () => '' }];
    const w = columnWidths(cols, [['Kustomization', 'False', 'm'.repeat(80)]], 20, 1);
    expect(w[1]).toBe('READY↑'.length);
  });
});

describe('short forms of cut values', () => {
  // a KIND column mixing kinds, its short names as the kind registry gives them
  const SHORT: Record<string, string> = { HelmRelease: 'hr', HelmRepository: 'helmrepo', HelmChart: 'hc', Kustomization: 'ks' };
  const kinds = ['HelmRelease', 'HelmRepository', 'HelmChart', 'Kustomization', 'Bucket'];
  const columns = [
    { header: 'KIND', keep: true, value: (k: string) => k, short: (k: string) => SHORT[k] },
    { header: 'NAME', keep: true, value: () => 'podinfo' },
  ];
  const draw = (width: number): string[] =>
    renderTable({ columns, rows: kinds, width, height: kinds.length + 1, state: { selected: -1, top: 0 }, theme }).slice(1).map((l) => l.replace(/\{[^}]*\}/g, ''));

  it('a value its width cuts is drawn as its short form, never a cut word ("Hel…")', () => {
    const narrow = draw(20);
    expect(narrow.map((l) => l.split(/\s{2,}/)[0])).toEqual(['hr', 'helmrepo', 'hc', 'ks', 'Bucket']);
    expect(narrow.join('\n')).not.toContain('…  ');
    // the room the short forms leave goes to the others: NAME is whole
    for (const l of narrow) expect(l.split(/\s{2,}/)[1]).toBe('podinfo');
  });

  it('values that fit are drawn whole', () => {
    const wide = draw(80);
    expect(wide.map((l) => l.split(/\s{2,}/)[0])).toEqual(kinds);
  });

  it('the column keeps room for its short forms before the others are at their narrowest', () => {
    const w = columnWidths(columns, kinds.map((k) => [k, 'n'.repeat(40)]), 16, undefined, kinds.map((k) => [SHORT[k], undefined]));
    expect(w[0]).toBe('helmrepo'.length);
  });
});

describe('filter over a table row', () => {
  const rows = [pod('dev', 'shop', 'web-1', { app: 'web' }), pod('prod-eu', 'shop', 'web-2', { app: 'web' }), pod('prod-eu', 'kube-system', 'coredns-x', { app: 'dns' })];
  const run = (text: string): Row[] => filterFor<Row>(parseFilter(text), { text: (r) => r.key.toLowerCase(), labels: (r) => r.labels }).apply(rows);
  it('words over ctx/ns/name, fuzzy on request', () => {
    expect(run('prod web').map((r) => r.key)).toEqual(['prod-eu/shop/web-2']);
    expect(run('crdns')).toEqual([]);
    expect(run('~crdns').map((r) => r.obj.metadata.name)).toEqual(['coredns-x']);
  });
  it('label selectors and inverse', () => {
    expect(run('-l app=web').length).toBe(2);
    expect(run('!-l app=web').map((r) => r.obj.metadata.name)).toEqual(['coredns-x']);
    expect(run('!prod').map((r) => r.context)).toEqual(['dev']);
    expect(run('-l app=web prod').map((r) => r.key)).toEqual(['prod-eu/shop/web-2']);
    expect(() => parseFilter('-l =x')).toThrow();
  });
});

describe('sorting', () => {
  it('sorts by name, age, context; toggles direction', () => {
    const rows = [pod('b', 'x', 'zeta', {}, '2026-11-20T08:00:00Z'), pod('a', 'x', 'alpha', {}, '2026-11-20T09:00:00Z'), pod('c', 'x', 'mid', {}, '2026-11-20T07:00:00Z')];
    const none = () => '';
    expect(sortRows([...rows], 'name', false, none).map((r) => r.obj.metadata.name)).toEqual(['alpha', 'mid', 'zeta']);
    expect(sortRows([...rows], 'name', true, none).map((r) => r.obj.metadata.name)).toEqual(['zeta', 'mid', 'alpha']);
    expect(sortRows([...rows], 'age', false, none).map((r) => r.obj.metadata.name)).toEqual(['alpha', 'zeta', 'mid']);
    expect(sortRows([...rows], 'context', false, none).map((r) => r.context)).toEqual(['a', 'b', 'c']);
    expect(sortRows([...rows], 'status', false, (r) => (r.obj.metadata.name === 'mid' ? 'A' : 'B'))[0].obj.metadata.name).toBe('mid');
  });
});
