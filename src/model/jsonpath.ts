// The JSONPath subset CRD printer columns use: `.a.b`, `[0]`, `[*]`, `['x.y']`,
// `[?(@.type=="Ready")]`, optionally wrapped in `{}` and led by `$`. One evaluator for the
// client's CRD columns and the simulated API server's Table printer, so both read a path alike.
import { isRecord } from './access.js';

type PathStep = { field: string } | { index: number } | { all: true } | { filter: string[]; value: string; negate: boolean };

const pathCache = new Map<string, PathStep[] | undefined>();

function parsePath(path: string): PathStep[] | undefined {
  if (pathCache.has(path)) return pathCache.get(path);
  const steps: PathStep[] = [];
  let p = path.trim().replace(/^\{(.*)\}$/, '$1').replace(/^\$/, '');
  let ok = true;
  while (p.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]]+)/.exec(p))) steps.push({ field: m[1] });
    else if ((m = /^\[(\d+)\]/.exec(p))) steps.push({ index: Number(m[1]) });
    else if ((m = /^\[\*\]/.exec(p))) steps.push({ all: true });
    else if ((m = /^\[['"]([^'"]+)['"]\]/.exec(p))) steps.push({ field: m[1] });
    else if ((m = /^\[\?\(\s*@((?:\.[^.=!)\s]+)+)\s*(==|!=)\s*["']?([^"')]*)["']?\s*\)\]/.exec(p))) {
      steps.push({ filter: m[1].slice(1).split('.'), value: m[3], negate: m[2] === '!=' });
    } else {
      ok = false;
      break;
    }
    p = p.slice(m[0].length);
  }
  const out = ok ? steps : undefined;
  if (pathCache.size < 1000) pathCache.set(path, out);
  return out;
}

/** Every match of a printer column's JSONPath (the subset CRDs use), in document order; [] if unsupported. */
export function jsonPathValues(obj: unknown, path: string): unknown[] {
  const steps = parsePath(path);
  if (!steps) return [];
  let cur: unknown[] = [obj];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('field' in s) {
        if (isRecord(v) && v[s.field] !== undefined && v[s.field] !== null) next.push(v[s.field]);
      } else if ('index' in s) {
        if (Array.isArray(v) && s.index < v.length) next.push(v[s.index]);
      } else if ('all' in s) {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let x: unknown = item;
          for (const f of s.filter) x = isRecord(x) ? x[f] : undefined;
          if ((x !== undefined && String(x) === s.value) !== s.negate) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}
