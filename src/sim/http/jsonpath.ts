// The small JSONPath subset CRD printer columns use: `.a.b`, `[0]`, `[*]`, `['x.y']`,
// `[?(@.type=="Ready")]`. Returns every match, in document order.
import { isRecord } from '../../model/access.js';

type Step = { field: string } | { index: number } | { all: true } | { filter: string[]; value: string; negate: boolean };

function parse(path: string): Step[] {
  const steps: Step[] = [];
  let p = path.trim().replace(/^\{|\}$/g, '').replace(/^\$/, '');
  while (p.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]]+)/.exec(p))) steps.push({ field: m[1] });
    else if ((m = /^\[(\d+)\]/.exec(p))) steps.push({ index: Number(m[1]) });
    else if ((m = /^\[\*\]/.exec(p))) steps.push({ all: true });
    else if ((m = /^\[['"]([^'"]+)['"]\]/.exec(p))) steps.push({ field: m[1] });
    else if ((m = /^\[\?\(@((?:\.[^.=!)\s]+)+)\s*(==|!=)\s*["']?([^"')]*)["']?\)\]/.exec(p))) {
      steps.push({ filter: m[1].slice(1).split('.'), value: m[3], negate: m[2] === '!=' });
    } else throw new Error(`unsupported JSONPath ${path}`);
    p = p.slice(m[0].length);
  }
  return steps;
}

const cache = new Map<string, Step[]>();

export function jsonPath(obj: unknown, path: string): unknown[] {
  let steps = cache.get(path);
  if (!steps) {
    steps = parse(path);
    cache.set(path, steps);
  }
  let cur: unknown[] = [obj];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('field' in s) {
        if (isRecord(v) && v[s.field] !== undefined) next.push(v[s.field]);
      } else if ('index' in s) {
        if (Array.isArray(v) && s.index < v.length) next.push(v[s.index]);
      } else if ('all' in s) {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let x: unknown = item;
          for (const f of s.filter) x = isRecord(x) ? x[f] : undefined;
          if ((String(x) === s.value) !== s.negate) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}
