import { describe, expect, it } from 'vitest';
import {
  SelectorError,
  formatLabelSelector,
  labelSelectorFromObject,
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../src/model/selector.js';

const sel = (s: string, labels: Record<string, string>): boolean => matchLabels(parseLabelSelector(s), labels);

describe('label selectors (string form)', () => {
  it('parses every operator', () => {
    expect(parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g')).toEqual([
      { key: 'a', op: 'Equals', values: ['1'] },
      { key: 'b', op: 'Equals', values: ['2'] },
      { key: 'c', op: 'NotEquals', values: ['3'] },
      { key: 'd', op: 'In', values: ['x', 'y'] },
      { key: 'e', op: 'NotIn', values: ['z'] },
      { key: 'f', op: 'Exists', values: [] },
      { key: 'g', op: 'DoesNotExist', values: [] },
    ]);
  });

  it('matches as the API does', () => {
    const l = { app: 'web', tier: 'front', 'app.kubernetes.io/name': 'shop' };
    expect(sel('', l)).toBe(true);
    expect(sel('app=web', l)).toBe(true);
    expect(sel('app==api', l)).toBe(false);
    expect(sel('app!=api', l)).toBe(true);
    expect(sel('missing!=x', l)).toBe(true);
    expect(sel('tier in (front,back)', l)).toBe(true);
    expect(sel('tier notin (front)', l)).toBe(false);
    expect(sel('missing notin (front)', l)).toBe(true);
    expect(sel('app.kubernetes.io/name', l)).toBe(true);
    expect(sel('!app', l)).toBe(false);
    expect(sel('!canary,app=web', l)).toBe(true);
    expect(sel('app=web,tier=back', l)).toBe(false);
  });

  it('rejects malformed selectors with a clear message', () => {
    expect(() => parseLabelSelector('app=web,')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a b')).toThrow(/invalid label key "a b"/);
    expect(() => parseLabelSelector('app=we b')).toThrow(/invalid label value/);
  });

  it('formats back to a string that parses to the same selector', () => {
    const s = 'a=1,c!=3,d in (x,y),e notin (z),f,!g';
    expect(formatLabelSelector(parseLabelSelector(s))).toBe(s);
  });
});

describe('label selectors (object form)', () => {
  it('combines matchLabels and matchExpressions', () => {
    const s = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    })!;
    expect(matchLabels(s, { app: 'web', tier: 'front' })).toBe(true);
    expect(matchLabels(s, { app: 'web', tier: 'front', canary: 'y' })).toBe(false);
    expect(matchLabels(s, { app: 'web' })).toBe(false);
  });

  it('treats a missing selector as nothing and an empty one as everything', () => {
    expect(labelSelectorFromObject(undefined)).toBeUndefined();
    expect(matchLabels(labelSelectorFromObject({})!, { any: 'x' })).toBe(true);
  });

  it('rejects unknown operators and In without values', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt' }] })).toThrow(/not a valid/);
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      /must be specified/,
    );
  });
});

describe('field selectors', () => {
  const fields: Record<string, string> = { 'metadata.name': 'web,1', 'status.phase': 'Running' };
  const get = (f: string): string | undefined => fields[f];

  it('parses =, == and != with escapes', () => {
    expect(parseFieldSelector('metadata.name=web\\,1,status.phase!=Failed,spec.nodeName==n1')).toEqual([
      { field: 'metadata.name', op: '=', value: 'web,1' },
      { field: 'status.phase', op: '!=', value: 'Failed' },
      { field: 'spec.nodeName', op: '=', value: 'n1' },
    ]);
  });

  it('matches, treating a missing field as empty', () => {
    expect(matchFields(parseFieldSelector('metadata.name=web\\,1,status.phase=Running'), get)).toBe(true);
    expect(matchFields(parseFieldSelector('status.phase!=Running'), get)).toBe(false);
    expect(matchFields(parseFieldSelector('spec.nodeName='), get)).toBe(true);
  });

  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/invalid selector/);
  });
});
