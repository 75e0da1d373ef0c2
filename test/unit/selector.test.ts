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

  it('rejects malformed selectors with kubectl\'s words', () => {
    const err = (s: string): string => {
      try {
        parseLabelSelector(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SelectorError);
        return (e as Error).message;
      }
      throw new Error(`${s} parsed`);
    };
    expect(err('app=web,')).toBe("found '', expected: identifier after ','");
    expect(err('=')).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(err('a b')).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(err('app=we b')).toBe("found 'b', expected: ',' or 'end of string'");
    expect(err('app in cart')).toBe("unable to parse requirement: found 'cart' expected: '('");
    expect(err('app in (a b)')).toBe("unable to parse requirement: found 'b', expected: ',' or ')'");
    expect(err('app in (a')).toBe("unable to parse requirement: found '', expected: ',' or ')'");
    expect(err('app==(x)')).toBe("unable to parse requirement: found '(', expected: identifier");
    expect(err('!app=x')).toBe("found '=', expected: ',' or 'end of string'");
    expect(err('a/b/c')).toMatch(/^unable to parse requirement: invalid label key "a\/b\/c": a qualified name must consist of/);
    expect(err('Ex.com/app')).toMatch(/invalid label key "Ex.com\/app": prefix part a lowercase RFC 1123 subdomain/);
    expect(err('app=-x')).toMatch(/^unable to parse requirement: invalid label value: "-x": at key: "app": a valid label must be an empty string or consist of/);
    expect(err(`app=${'x'.repeat(64)}`)).toMatch(/must be no more than 63 characters/);
    expect(err('n>x')).toBe("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
  });

  it('reads the whole grammar: whitespace anywhere between tokens, in/notin as values, empty values', () => {
    expect(parseLabelSelector('  app  in  ( cart-api ,web )  ,  tier != db ')).toEqual([
      { key: 'app', op: 'In', values: ['cart-api', 'web'] },
      { key: 'tier', op: 'NotEquals', values: ['db'] },
    ]);
    // `in` is a keyword only where an operator may stand
    expect(parseLabelSelector('mode=in,x notin (notin)')).toEqual([
      { key: 'mode', op: 'Equals', values: ['in'] },
      { key: 'x', op: 'NotIn', values: ['notin'] },
    ]);
    expect(parseLabelSelector('a=,b in (),c in (,x,,y)')).toEqual([
      { key: 'a', op: 'Equals', values: [''] },
      { key: 'b', op: 'In', values: [''] },
      { key: 'c', op: 'In', values: ['', 'x', 'y'] },
    ]);
    expect(sel('a=', { a: '' })).toBe(true);
    expect(sel('a=', { b: '' })).toBe(false);
    expect(sel('! a', {})).toBe(true);
  });

  it('gt and lt compare integers; a label that is no integer matches neither', () => {
    expect(sel('n>3', { n: '10' })).toBe(true);
    expect(sel('n < 3', { n: '10' })).toBe(false);
    expect(sel('n>3', { n: 'x' })).toBe(false);
    expect(sel('n<3', {})).toBe(false);
    expect(formatLabelSelector(parseLabelSelector('n>3,m<4'))).toBe('n>3,m<4');
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
