import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../src/config/theme.js';
import { rowOf, type Row } from '../../src/ui/columns.js';
import { applyFilter, parseFilter, SUBSTRING_ABOVE } from '../../src/ui/filter.js';
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
});

describe('filter', () => {
  const rows = [pod('dev', 'shop', 'web-1', { app: 'web' }), pod('prod-eu', 'shop', 'web-2', { app: 'web' }), pod('prod-eu', 'kube-system', 'coredns-x', { app: 'dns' })];
  it('fuzzy over ctx/ns/name', () => {
    expect(applyFilter(rows, parseFilter('prod web')).map((r) => r.key)).toEqual(['prod-eu/shop/web-2']);
    expect(applyFilter(rows, parseFilter('corend')).map((r) => r.obj.metadata.name)).toEqual(['coredns-x']);
  });
  it('label selectors and inverse', () => {
    expect(applyFilter(rows, parseFilter('-l app=web')).length).toBe(2);
    expect(applyFilter(rows, parseFilter('!-l app=web')).map((r) => r.obj.metadata.name)).toEqual(['coredns-x']);
    expect(applyFilter(rows, parseFilter('!prod')).map((r) => r.context)).toEqual(['dev']);
    expect(applyFilter(rows, parseFilter('-l app=web prod')).map((r) => r.key)).toEqual(['prod-eu/shop/web-2']);
    expect(() => parseFilter('-l =x')).toThrow();
  });
  it('falls back to substrings above the fuzzy limit', () => {
    const many = Array.from({ length: SUBSTRING_ABOVE + 1 }, (_, i) => pod('c', 'ns', `pod-${i}`));
    const t = Date.now();
    expect(applyFilter(many, parseFilter('pod-4999')).length).toBe(11);
    expect(Date.now() - t).toBeLessThan(1000);
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
