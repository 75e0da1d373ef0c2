// ComponentStatus (`:cs`) through the kind registry: kubectl's STATUS/MESSAGE/ERROR columns and
// a verdict from its Healthy condition. The kind has no status: its conditions are top-level,
// so the generic rule said Current of an Unhealthy scheduler. The objects are as the real
// control plane serves them (kube-apiserver 1.36, no scheduler or controller-manager running).
import { describe, expect, it } from 'vitest';
import { health } from '../../src/model/health.js';
import { entryOf } from '../../src/model/kinds.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';

const csType: ResourceType = { group: '', version: 'v1', resource: 'componentstatuses', kind: 'ComponentStatus', singular: 'componentstatus', namespaced: false, verbs: ['get', 'list'], shortNames: ['cs'], categories: [] };
const cs = (name: string, status: string, message: string, error?: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name }, conditions: [{ type: 'Healthy', status, message, ...(error ? { error } : {}) }] }) as KubeObject;
const REFUSED = 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused';

describe('ComponentStatus', () => {
  it('kubectl\'s columns, and Failed with its message when Unhealthy; Current when Healthy; Unknown without the condition', () => {
    const cols = entryOf(csType).columns!();
    expect(cols.map((c) => c.header)).toEqual(['NAME', 'STATUS', 'MESSAGE', 'ERROR']);
    const cell = (o: KubeObject, h: string): string => cols.find((c) => c.header === h)!.value(o, 0);
    const down = cs('scheduler', 'False', REFUSED);
    expect([cell(down, 'STATUS'), cell(down, 'MESSAGE'), cell(down, 'ERROR')]).toEqual(['Unhealthy', REFUSED, '']);
    const ref = { group: '', kind: 'ComponentStatus' };
    expect(health(down, ref, {})).toMatchObject({ status: 'Failed', reason: `Unhealthy: ${REFUSED}` });
    const up = cs('etcd-0', 'True', 'ok');
    expect(cell(up, 'STATUS')).toBe('Healthy');
    expect(health(up, ref, {}).status).toBe('Current');
    expect(health({ apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name: 'x' } }, ref, {}).status).toBe('Unknown');
  });
});
