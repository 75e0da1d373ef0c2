// The three patch formats the API accepts: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and strategic merge patch (built-in kinds: lists merged by their merge key,
// `$patch: delete|replace` directives).
import { isRecord } from '../../model/access.js';
import type { JsonObject } from '../../model/types.js';
import { ApiError } from '../errors.js';

const invalidPatch = (msg: string): ApiError => new ApiError(422, 'Invalid', msg);
const clone = <T>(v: T): T => structuredClone(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: JsonObject = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// --- RFC 6902 -------------------------------------------------------------------------------
interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalidPatch(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: unknown; last: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isRecord(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw invalidPatch(`the server rejected our request due to an error in our request: doc is missing path: "${path}"`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] };
}

function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isRecord(cur) ? cur[t] : undefined;
    if (cur === undefined) throw invalidPatch(`doc is missing path: "${path}"`);
  }
  return cur;
}

function arrayIndex(a: unknown[], t: string, forAdd: boolean, path: string): number {
  if (forAdd && t === '-') return a.length;
  const i = Number(t);
  if (!/^\d+$/.test(t) || i > a.length || (!forAdd && i === a.length)) throw invalidPatch(`invalid array index in "${path}"`);
  return i;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false, path), 1)[0];
  if (isRecord(parent) && last in parent) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  throw invalidPatch(`doc is missing path: "${path}"`);
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true, path), 0, value);
  else if (isRecord(parent)) parent[last] = value;
  else throw invalidPatch(`doc is missing path: "${path}"`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isRecord(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw invalidPatch('invalid JSON patch operation');
    const op = raw as unknown as Op;
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, clone(op.value));
        break;
      case 'remove':
        remove(doc, op.path);
        break;
      case 'replace':
        getAt(doc, op.path);
        if (pointer(op.path).length === 0) doc = clone(op.value);
        else {
          remove(doc, op.path);
          doc = add(doc, op.path, clone(op.value));
        }
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw invalidPatch(`testing value ${op.path} failed: test failed`);
        }
        break;
      case 'move': {
        const v = remove(doc, String(op.from));
        doc = add(doc, op.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, clone(getAt(doc, String(op.from))));
        break;
      default:
        throw invalidPatch(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

// --- strategic merge --------------------------------------------------------------------------
/** Merge keys of the built-in types' lists, by field name (the patchMergeKey tags). */
const mergeKeys: Record<string, string | ((item: JsonObject) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  // container ports merge on containerPort, service ports on port
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};
/** Lists of scalars merged as sets (patchStrategy merge). */
const setLists = new Set(['finalizers']);

const directive = '$patch';

function mergeList(field: string, target: unknown[], patch: unknown[]): unknown[] {
  if (patch.some((p) => isRecord(p) && p[directive] === 'replace')) {
    return patch.filter((p) => !(isRecord(p) && p[directive] === 'replace')).map((p) => strategicMerge(undefined, p));
  }
  if (setLists.has(field)) {
    const out = [...target];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  const keySpec = mergeKeys[field];
  if (!keySpec || !patch.every(isRecord)) return patch.map((p) => strategicMerge(undefined, p));
  const out: unknown[] = [...target];
  for (const item of patch as JsonObject[]) {
    const key = typeof keySpec === 'string' ? keySpec : keySpec(item);
    const i = out.findIndex((t) => isRecord(t) && t[key] === item[key]);
    if (item[directive] === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i], item);
    else out.push(strategicMerge(undefined, item));
  }
  return out;
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  if (patch[directive] === 'replace') {
    const rest: JsonObject = { ...patch };
    delete rest[directive];
    return strategicMerge(undefined, rest);
  }
  if (patch[directive] === 'delete') return undefined;
  const out: JsonObject = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === directive || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = (out[field] as unknown[]).filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v);
    else {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const patchTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  return patchTypes[(contentType ?? '').split(';')[0].trim().toLowerCase()];
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  if (type === 'json') return jsonPatch(target, patch);
  if (type === 'merge') return mergePatch(target, patch);
  return strategicMerge(target, patch);
}
