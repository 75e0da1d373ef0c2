import { columnsFor } from '../../src/model/columns.js';
import { describe, expect, it } from 'vitest';
import { parseWatchLine, project } from '../../src/kube/project.js';
import type { KubeObject } from '../../src/model/types.js';

const mf = [{ manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:status': { 'k:{"type":"Ready"}': { '.': {} } } }, note: 'a ] and a } and \\" in a string' }];
const line = (obj: unknown): string => JSON.stringify({ type: 'MODIFIED', object: obj });

describe('parseWatchLine', () => {
  it('drops object.metadata.managedFields wherever it sits among the metadata keys', () => {
    for (const metadata of [
      { name: 'a', managedFields: mf, uid: 'u' },
      { managedFields: mf, name: 'a', uid: 'u' },
      { name: 'a', uid: 'u', managedFields: mf },
      { managedFields: mf },
    ]) {
      const ev = parseWatchLine(line({ kind: 'Pod', metadata, spec: { x: [1, { y: '}' }] } })) as { object: KubeObject };
      const { managedFields: _, ...rest } = metadata;
      expect(ev.object.metadata).toEqual(rest);
      expect(ev.object.spec).toEqual({ x: [1, { y: '}' }] });
    }
  });

  it('leaves a field of the same name anywhere but object.metadata', () => {
    const inSpec = { kind: 'X', metadata: { name: 'a' }, spec: { managedFields: mf } };
    expect((parseWatchLine(line(inSpec)) as { object: unknown }).object).toEqual(inSpec);
    const nested = { kind: 'X', spec: { template: { metadata: { managedFields: mf } } }, metadata: { name: 'a' } };
    expect((parseWatchLine(line(nested)) as { object: unknown }).object).toEqual(nested);
    const inString = { kind: 'X', metadata: { name: 'a', annotations: { note: '"managedFields":[1]' } } };
    expect((parseWatchLine(line(inString)) as { object: unknown }).object).toEqual(inString);
    const afterMetadata = { kind: 'X', metadata: { name: 'a', labels: { a: 'b' } }, status: { managedFields: [1] } };
    expect((parseWatchLine(line(afterMetadata)) as { object: unknown }).object).toEqual(afterMetadata);
  });

  it('parses lines without managedFields, and non-compact JSON, as JSON.parse does', () => {
    const o = { type: 'ADDED', object: { metadata: { name: 'a', managedFields: mf } } };
    expect(parseWatchLine(JSON.stringify(o, null, 1))).toEqual(o);
    expect(parseWatchLine('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}}')).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } });
    expect(() => parseWatchLine('{"type":"MODIFIED","object":{"metadata":{"managedFields":[')).toThrow(SyntaxError);
  });
});

describe('project', () => {
  it('drops managedFields and the last-applied annotation, keeping the object itself', () => {
    const o = { kind: 'Pod', metadata: { name: 'a', managedFields: mf, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'y' } } } as unknown as KubeObject;
    const before = o;
    expect(project(o, 'pods')).toBe(before);
    expect(o.metadata).toEqual({ name: 'a', annotations: { keep: 'y' } });
  });

  it('drops Secret payloads only for secrets', () => {
    const s = { kind: 'Secret', metadata: { name: 's' }, data: { k: 'dg==' } } as unknown as KubeObject;
    expect(project(s, 'secrets').data).toBeUndefined();
    // issue 20 case 6: the key count stays for the DATA column, never a value
    const two = project({ kind: 'Secret', metadata: { name: 't' }, data: { username: 'dQ==', password: 'cA==' } } as unknown as KubeObject, 'secrets');
    expect(two.data).toBeUndefined();
    expect(JSON.stringify(two)).not.toMatch(/dQ==|cA==/);
    const rt = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', singular: 'secret', namespaced: true, verbs: [], shortNames: [], categories: [] };
    const data = columnsFor(rt).find((c) => c.id === 'data')!;
    expect(data.value(two, 0)).toBe('2');
    expect(data.value(project({ kind: 'Secret', metadata: { name: 'e' } } as unknown as KubeObject, 'secrets'), 0)).toBe('0');
    const c = { kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } } as unknown as KubeObject;
    expect(project(c, 'configmaps').data).toEqual({ k: 'v' });
  });
});
