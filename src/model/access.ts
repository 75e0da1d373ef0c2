// Safe readers for plain-JSON objects: any path may be missing or of the wrong type
// (fuzzed, truncated or foreign objects); readers answer undefined instead of throwing.
import type { Condition, JsonObject } from './types.js';

export function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function at(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof p === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[p];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[p];
    }
  }
  return cur;
}

export function str(obj: unknown, ...path: (string | number)[]): string | undefined {
  const v = at(obj, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function num(obj: unknown, ...path: (string | number)[]): number | undefined {
  const v = at(obj, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(obj: unknown, ...path: (string | number)[]): boolean | undefined {
  const v = at(obj, ...path);
  return typeof v === 'boolean' ? v : undefined;
}

export function arr(obj: unknown, ...path: (string | number)[]): unknown[] {
  const v = at(obj, ...path);
  return Array.isArray(v) ? v : [];
}

export function rec(obj: unknown, ...path: (string | number)[]): JsonObject | undefined {
  const v = at(obj, ...path);
  return isRecord(v) ? v : undefined;
}

export function strMap(obj: unknown, ...path: (string | number)[]): Record<string, string> {
  const v = rec(obj, ...path);
  const out: Record<string, string> = {};
  if (v) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** status.conditions, keeping only well-formed entries. */
export function conditions(obj: unknown): Condition[] {
  return arr(obj, 'status', 'conditions').filter(
    (c): c is Condition => isRecord(c) && typeof c.type === 'string' && typeof c.status === 'string',
  );
}

export function condition(obj: unknown, type: string): Condition | undefined {
  return conditions(obj).find((c) => c.type === type);
}

/** table[key] for the table's own keys only: a key from the wire ('constructor', '__proto__') never reaches Object.prototype. */
export function lookup<T>(table: Record<string, T>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
