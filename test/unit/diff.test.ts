import { describe, expect, it } from 'vitest';
import { templateDiff, toYaml, unifiedDiff } from '../../src/model/diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('writes hunks with three lines of context, split when changes are far apart', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n';
    const b = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\nm\n';
    expect(unifiedDiff(a, b)).toBe(
      '--- a\n+++ b\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,5 +9,5 @@\n i\n j\n k\n-l\n+L\n m\n',
    );
  });

  it('joins nearby changes into one hunk and counts pure additions', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nx\nb\nc\ny\n', { a: 'old', b: 'new' })).toBe(
      '--- old\n+++ new\n@@ -1,3 +1,5 @@\n a\n+x\n b\n c\n+y\n',
    );
    expect(unifiedDiff('', 'x\n')).toBe('--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n');
  });
});

describe('templateDiff', () => {
  const t = (image: string, order: 'ab' | 'ba') => {
    const c = order === 'ab' ? { name: 'web', image } : { image, name: 'web' };
    return { metadata: { labels: { app: 'web' } }, spec: { containers: [c] } };
  };

  it('ignores key order and shows the changed line', () => {
    expect(templateDiff(t('web:v1', 'ab'), t('web:v1', 'ba'))).toBe('');
    expect(templateDiff(t('web:v3', 'ab'), t('web:v2', 'ba'), { a: 'current', b: 'revision 2' })).toBe(
      [
        '--- current',
        '+++ revision 2',
        '@@ -3,5 +3,5 @@',
        '     app: web',
        ' spec:',
        '   containers:',
        '-    - image: web:v3',
        '+    - image: web:v2',
        '       name: web',
        '',
      ].join('\n'),
    );
  });

  it('renders YAML with sorted keys and no line folding', () => {
    expect(toYaml({ b: 1, a: { d: 'x'.repeat(120), c: null } })).toBe(`a:\n  c: null\n  d: ${'x'.repeat(120)}\nb: 1\n`);
  });
});
