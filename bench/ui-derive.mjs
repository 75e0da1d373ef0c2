// Where a pod-table update goes at 100k rows, and what a cheaper derive would cost:
// rows rebuilt (rowOf), the view's sortRows (keys computed once per row, then compared), against the
// same order from keys computed once per row and compared with < (decorate-sort), and a
// rebuild of one context's rows only (what a batch naming one context needs). The filter has
// its own figure (bench/ui.mjs --mode filter).
import { arg, dist, emit, median, round } from './lib.mjs';

const { createScenario } = await import(dist('sim/build-cluster.js'));
const { rowOf } = await import(dist('ui/columns.js'));
const { sortRows } = await import(dist('ui/views/resource-table.js'));

const contexts = Number(arg('contexts', '10'));
const [cluster] = createScenario('scale', { contexts: 1, namespaces: 10, deployments: 100, podsPerDeployment: 10 });
const pods = cluster.store.list('pods');
const names = Array.from({ length: contexts }, (_, i) => `scale-${i + 1}`);
const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
const runs = { rowsMs: [], sortRowsMs: [], decoratedSortMs: [], oneContextRowsMs: [] };
for (let r = 0; r < 5; r++) {
  let rows;
  runs.rowsMs.push(time(() => (rows = names.flatMap((c) => pods.map((o) => rowOf(c, 'pods', o))))));
  const a = [...rows];
  runs.sortRowsMs.push(time(() => sortRows(a, 'name', false, () => '')));
  const b = [...rows];
  runs.decoratedSortMs.push(time(() => {
    const keyed = b.map((row) => ({ k: row.obj.metadata.name, t: row.key, row }));
    keyed.sort((x, y) => cmp(x.k, y.k) || cmp(x.t, y.t));
    for (let i = 0; i < keyed.length; i++) b[i] = keyed[i].row;
  }));
  runs.oneContextRowsMs.push(time(() => pods.map((o) => rowOf(names[0], 'pods', o))));
  // same order both ways (ASCII names: < and localeCompare agree)
  if (a.some((row, i) => row !== b[i])) throw new Error('orders differ');
}
const out = { rows: contexts * pods.length };
for (const [k, v] of Object.entries(runs)) out[k] = round(median(v), 1);
emit(out);
