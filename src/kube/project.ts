// What the caches keep of an object: everything a view reads, minus the bulk nobody reads
// in a table (managedFields, the last-applied copy of the whole object) and minus Secret
// payloads, which are fetched on demand so they never sit in memory or in a dump.
import { SECRET_DATA_COUNT, type KubeObject } from '../model/types.js';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/** A copy of `o` without `key`: a fresh object keeps V8's fast properties, where `delete`
 * would turn a cached object into a slower, larger dictionary-mode one. */
function without<T extends object>(o: T, key: string): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (k !== key) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}

/** Strips the object (it was just parsed and belongs to the cache) and returns it; the
 * object itself is kept, its metadata may be replaced by a stripped copy. */
export function project(o: KubeObject, resourceKey: string): KubeObject {
  let m = o.metadata;
  if (m) {
    if (m.managedFields !== undefined) m = without(m, 'managedFields');
    const annotations = m.annotations;
    if (annotations && annotations[lastApplied] !== undefined) {
      if (m === o.metadata) m = { ...m };
      m.annotations = without(annotations, lastApplied);
    }
    if (m !== o.metadata) o.metadata = m;
  }
  if (resourceKey === 'secrets') {
    // the count of keys stays (the DATA column, as kubectl prints it); never a value
    const count = o.data && typeof o.data === 'object' ? Object.keys(o.data).length : 0;
    delete o.data;
    delete o.stringData;
    o[SECRET_DATA_COUNT] = count;
  }
  return o;
}

const MANAGED = '"managedFields":[';

/** Index just past the string starting at s[i] (a quote), or -1. */
function skipString(s: string, i: number): number {
  for (;;) {
    const q = s.indexOf('"', i + 1);
    if (q < 0) return -1;
    let b = q - 1;
    while (s.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q;
  }
}

/** True when the last string before `i` is the key `name` directly followed by `:` at i-1. */
function keyBefore(s: string, strStart: number, strEnd: number, i: number, name: string): boolean {
  return strEnd === strStart + name.length + 2 && i === strEnd + 1 && s.charCodeAt(strEnd) === 58 && s.startsWith(name, strStart + 1);
}

/**
 * [start, end) of `"managedFields":[...]` when it is the key of the watch event's
 * object.metadata (compact JSON, as API servers write it), else undefined. The text before
 * it is scanned for that path, so a field of the same name elsewhere is never touched.
 */
function managedFieldsSpan(s: string): [number, number] | undefined {
  const at = s.indexOf(MANAGED);
  if (at < 0) return undefined;
  let depth = 0;
  // whether the open depth-2 object is the event's "object", the depth-3 one its "metadata"
  let inObject = false;
  let inMetadata = false;
  let strStart = -1;
  let strEnd = -1;
  let i = 0;
  while (i < at) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      const e = skipString(s, i);
      if (e < 0) return undefined;
      strStart = i;
      strEnd = e;
      i = e;
      continue;
    }
    if (c === 123 || c === 91) {
      depth++;
      if (depth === 2) inObject = c === 123 && keyBefore(s, strStart, strEnd, i, 'object');
      else if (depth === 3) inMetadata = inObject && c === 123 && keyBefore(s, strStart, strEnd, i, 'metadata');
    } else if (c === 125 || c === 93) {
      depth--;
    }
    i++;
  }
  if (i !== at || depth !== 3 || !inMetadata) return undefined;
  // the array's end: brackets outside strings
  let d = 0;
  i = at + MANAGED.length - 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      i = skipString(s, i);
      if (i < 0) return undefined;
      continue;
    }
    if (c === 123 || c === 91) d++;
    else if ((c === 125 || c === 93) && --d === 0) return [at, i + 1];
    i++;
  }
  return undefined;
}

/**
 * JSON.parse of one watch event line, with object.metadata.managedFields cut out of the text
 * first: on a real API server it is often the larger half of an object, and never parsing
 * it saves its parse time and its garbage on the hottest path.
 */
export function parseWatchLine(line: string): unknown {
  const span = managedFieldsSpan(line);
  if (span) {
    const [a, b] = span;
    if (line.charCodeAt(a - 1) === 44) line = line.slice(0, a - 1) + line.slice(b);
    else if (line.charCodeAt(b) === 44) line = line.slice(0, a) + line.slice(b + 1);
    else line = line.slice(0, a) + line.slice(b);
  }
  return JSON.parse(line);
}
