import { describe, expect, it } from 'vitest';
import type { ChangeRow } from '../../src/model/changes.js';
import { compareObjects } from '../../src/model/compare.js';
import type { Trace } from '../../src/model/trace.js';
import { plainPaint, renderChanges, renderCompare, renderTrace, renderTraces } from '../../src/model/triage-text.js';
import type { KubeObject } from '../../src/model/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const EVIL = 'ok\u001b]0;PWNED\u0007\u001b[2J\rend';
const ESC = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

const cm = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { v } });

describe('triage text renderers', () => {
  it('compare: side by side with the odd value marked; cluster text never carries a control sequence', () => {
    const r = compareObjects({ kind: 'ConfigMap', namespace: 'n', name: 'c' }, [
      { context: 'a', presence: 'found', object: cm('same') },
      { context: 'b', presence: 'found', object: cm(EVIL) },
      { context: 'c', presence: 'unknown', reason: 'forbidden: \u001b[31mred' },
    ], NOW);
    const lines = renderCompare(r, plainPaint);
    for (const l of lines) expect(l).not.toMatch(ESC);
    const text = lines.join('\n');
    expect(text).toContain('ok\\e]0;PWNED\\a\\e[2J\\rend');
    expect(text).toContain('≠ data.v');
    expect(text).toContain('unknown in: c (forbidden: \\e[31mred)');
    expect(lines[0]).toBe('ConfigMap n/c: DIFFERS across contexts');
  });

  it('compare: found in no context read while one is unknown is not "no difference" (an object no one saw)', () => {
    // `compare deploy/nosuch --context staging,dev` headed: no difference among the contexts read
    const nowhere = compareObjects({ kind: 'Deployment', namespace: 'n', name: 'nosuch' }, [
      { context: 'dev', presence: 'missing' },
      { context: 'staging', presence: 'unknown', reason: 'forbidden' },
    ], NOW);
    expect(nowhere.verdict).toBe('incomplete');
    expect(renderCompare(nowhere, plainPaint)[0]).toBe('Deployment n/nosuch: found in no context read, but not every context could be read');
    const some = compareObjects({ kind: 'ConfigMap', namespace: 'n', name: 'c' }, [
      { context: 'a', presence: 'found', object: cm('same') },
      { context: 'c', presence: 'unknown', reason: 'forbidden' },
    ], NOW);
    expect(renderCompare(some, plainPaint)[0]).toBe('ConfigMap n/c: no difference among the contexts read, but not every context could be read');
  });

  it('compare: the facts table aligns wide characters by terminal columns', () => {
    const d = (image: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'w', image }] } } } });
    const r = compareObjects({ kind: 'Deployment', namespace: 'n', name: 'd' }, [
      { context: '東京', presence: 'found', object: d('x:1') },
      { context: 'b', presence: 'found', object: d('x:2') },
    ], NOW);
    const lines = renderCompare(r, plainPaint, 200);
    const header = lines[1];
    const image = lines.find((l) => l.includes('image w'))!;
    // the column of context b starts at the same terminal column in the header and the row
    expect(header.indexOf(' b')).toBe(image.indexOf('x:2') - 1 - 2);
  });

  it('trace: flux trace style blocks, the attempted revision when it differs, sanitized messages', () => {
    const t: Trace = {
      managed: 'flux',
      steps: [
        { via: 'object', kind: 'Deployment', group: 'apps', namespace: 'n', name: 'web', presence: 'found', health: { status: 'Current', reason: 'ok' } },
        { via: 'flux-label', kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', namespace: 'flux-system', name: 'apps', presence: 'found', path: './apps', appliedRevision: 'main@sha1:a', attemptedRevision: 'main@sha1:b', ready: { status: 'False', reason: 'BuildFailed', message: EVIL, since: '2026-01-01T11:00:00Z' }, suspended: false },
        { via: 'source', kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', namespace: 'flux-system', name: 'flux-system', presence: 'found', url: 'https://example.com/r.git', reference: 'branch main', appliedRevision: 'main@sha1:b', ready: { status: 'True', reason: 'Succeeded', message: 'stored' }, suspended: false },
      ],
    };
    const lines = renderTrace(t, plainPaint);
    for (const l of lines) expect(l).not.toMatch(ESC);
    expect(lines).toContain('Kustomization:  apps  (by its labels)');
    expect(lines).toContain('Revision:       main@sha1:a');
    expect(lines).toContain('Attempted:      main@sha1:b');
    expect(lines).toContain('Status:         NotReady BuildFailed since 2026-01-01T11:00:00Z');
    expect(lines).toContain('Branch:         main');
    expect(lines).toContain('URL:            https://example.com/r.git');
    expect(lines.at(-1)).toBe('Managed by Flux');
    expect(renderTraces([{ context: 'prod', ...t }], plainPaint).split('\n')[0]).toBe('prod: Deployment/n/web → Kustomization/flux-system/apps → GitRepository/flux-system/flux-system @ main@sha1:b');
  });

  it('trace: a step\'s kind (an ownerReference may name any) and the note are sanitized; a long kind keeps a space before its value', () => {
    const t: Trace = {
      managed: 'not-flux', note: `not managed ${EVIL}`,
      steps: [
        { via: 'object', kind: 'Pod', group: '', namespace: 'n', name: 'web-1', presence: 'found', health: { status: 'Current', reason: 'ok' } },
        { via: 'owner', kind: `Hx${EVIL}日本`, group: 'x.io', namespace: 'n', name: 'owner', presence: 'missing', note: 'not found' },
        { via: 'owner', kind: 'ImageUpdateAutomation', group: 'x.io', namespace: 'n', name: 'iua', presence: 'missing', note: 'not found' },
      ],
    };
    const lines = renderTrace(t, plainPaint);
    for (const l of lines) expect(l).not.toMatch(ESC);
    expect(lines).toContain('Hx' + 'ok\\e]0;PWNED\\a\\e[2J\\rend' + '日本: owner');
    expect(lines).toContain('ImageUpdateAutomation: iua');
    expect(lines.at(-1)).toBe('not managed ok\\e]0;PWNED\\a\\e[2J\\rend');
  });

  it('changes: a table newest first with age and time; cluster text sanitized', () => {
    const row = (m: number, what: string): ChangeRow => ({ context: 'prod', kind: 'Deployment', namespace: 'n', name: 'web', change: 'rollout', what, at: new Date(NOW - m * 60_000).toISOString(), atMs: NOW - m * 60_000, evidence: 'x' });
    const lines = renderChanges([row(3, EVIL), row(90, 'revision 1 → 2')], NOW, plainPaint);
    expect(lines[0]).toMatch(/^AGE +TIME +CONTEXT +OBJECT +CHANGE +WHAT$/);
    expect(lines[1]).toMatch(/^3m +11:57:00 +prod +Deployment\/n\/web +rollout +ok\\e\]0;PWNED/);
    expect(lines[2]).toMatch(/^90m +10:30:00 +prod/);
    for (const l of lines) expect(l).not.toMatch(ESC);
  });
});
