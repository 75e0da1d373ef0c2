// The knowledge state model (src/model/coverage.ts): every (context, kind, scope) is synced,
// syncing, forbidden (which namespaces) or failed (why), read from the store's reflector and
// context states; summaries and badges never present a partial set as whole.
import { describe, expect, it } from 'vitest';
import {
  absentText, coverageBadge, coverageJson, coverageOf, coverageText, gapText, isComplete, summarizeCoverage, unreadWhy,
  type CoverageContext, type CoverageReflector,
} from '../../src/model/coverage.js';
import { notReadText, podGapLine } from '../../src/logs/coverage.js';

const ready: CoverageContext[] = [{ name: 'a', state: 'ready', discovered: true }];

describe('coverageOf', () => {
  it('maps each reflector phase to a knowledge state, with the reason', () => {
    const refl: CoverageReflector[] = [
      { context: 'a', resource: 'pods', phase: 'synced' },
      { context: 'a', resource: 'nodes', phase: 'syncing' },
      { context: 'a', resource: 'secrets', phase: 'forbidden', reason: 'secrets is forbidden' },
      { context: 'a', resource: 'events', phase: 'retrying', reason: 'HTTP 500' },
      { context: 'a', resource: 'services', phase: 'unreachable', reason: 'ECONNREFUSED' },
    ];
    const cov = coverageOf(['pods', 'nodes', 'secrets', 'events', 'services', 'configmaps'].map((resource) => ({ context: 'a', resource })), refl, ready);
    expect(cov.map((c) => c.state)).toEqual(['synced', 'syncing', 'forbidden', 'failed', 'failed', 'syncing']);
    expect(cov[2].reason).toBe('secrets is forbidden');
    expect(cov[3].reason).toBe('HTTP 500');
    expect(cov[5].reason).toBe('not watched yet');
    expect(isComplete(cov)).toBe(false);
    expect(isComplete(cov.slice(0, 1))).toBe(true);
  });

  it('a context not discovered: syncing while connecting, failed (with its error) otherwise', () => {
    const ctx: CoverageContext[] = [{ name: 'a', state: 'connecting' }, { name: 'b', state: 'unreachable', lastError: 'dial tcp: refused' }];
    const cov = coverageOf([{ context: 'a', resource: 'pods' }, { context: 'b', resource: 'pods' }, { context: 'c', resource: 'pods' }], [], ctx);
    expect(cov.map((c) => c.state)).toEqual(['syncing', 'failed', 'failed']);
    expect(cov[1].reason).toBe('context unreachable: dial tcp: refused');
  });

  it('a namespace the fallback was refused is forbidden while the other namespaces still sync', () => {
    const refl: CoverageReflector[] = [{ context: 'a', resource: 'pods', phase: 'syncing', lists: 1, namespaces: ['apps', 'kube-system'], forbiddenNamespaces: ['kube-system'] }];
    const [ks, apps] = coverageOf([{ context: 'a', resource: 'pods', namespace: 'kube-system' }, { context: 'a', resource: 'pods', namespace: 'apps' }], refl, ready);
    expect(ks).toMatchObject({ state: 'forbidden', forbiddenNamespaces: ['kube-system'] });
    expect(unreadWhy(ks)).toBe('forbidden to list');
    expect(apps.state).toBe('syncing');
    expect(unreadWhy(apps)).toBe('not listed yet');
  });

  it('unreadWhy: nothing for synced, the few words a tree node or trace step carries otherwise', () => {
    const refl: CoverageReflector[] = [
      { context: 'a', resource: 'pods', phase: 'synced' },
      { context: 'a', resource: 'events', phase: 'retrying', reason: 'HTTP 500' },
    ];
    const cov = coverageOf(['pods', 'events', 'configmaps'].map((resource) => ({ context: 'a', resource })), refl, ready);
    expect(cov.map(unreadWhy)).toEqual([undefined, 'could not list: HTTP 500', 'not watched']);
  });

  it('a namespace fallback with forbidden namespaces: the kind is forbidden there; a readable namespace is synced', () => {
    const refl: CoverageReflector[] = [{ context: 'a', resource: 'pods', phase: 'synced', namespaces: ['apps', 'kube-system'], forbiddenNamespaces: ['kube-system'], namespacesListed: true }];
    const [all, apps, ks, gone] = coverageOf(
      [{ context: 'a', resource: 'pods' }, { context: 'a', resource: 'pods', namespace: 'apps' }, { context: 'a', resource: 'pods', namespace: 'kube-system' }, { context: 'a', resource: 'pods', namespace: 'nope' }],
      refl, ready,
    );
    expect(all).toMatchObject({ state: 'forbidden', forbiddenNamespaces: ['kube-system'] });
    expect(apps.state).toBe('synced');
    expect(ks.state).toBe('forbidden');
    // the namespace list is complete: a namespace not in it has nothing
    expect(gone.state).toBe('synced');
    expect(coverageText(all)).toBe('pods in a: forbidden in kube-system');
  });

  it('a namespace the fallback was refused carries the API\'s answer for that namespace, not the fallback\'s summary', () => {
    const said = 'pods is forbidden: User "staging-dev" cannot list resource "pods" in API group "" in the namespace "kube-system"';
    const refl: CoverageReflector[] = [{
      context: 'a', resource: 'pods', phase: 'synced', reason: 'forbidden in namespace kube-system',
      namespaces: ['apps', 'kube-system'], forbiddenNamespaces: ['kube-system'], forbiddenReasons: { 'kube-system': said }, namespacesListed: true,
    }];
    const [ks] = coverageOf([{ context: 'a', resource: 'pods', namespace: 'kube-system' }], refl, ready);
    expect(ks).toMatchObject({ state: 'forbidden', reason: said });
    expect(podGapLine(ks)).toBe(`Error from server (Forbidden): ${said}`);
    // no answer kept: never the summary dressed as the API's words
    const [bare] = coverageOf([{ context: 'a', resource: 'pods', namespace: 'kube-system' }], [{ ...refl[0], forbiddenReasons: undefined }], ready);
    expect(podGapLine(bare)).toBe('Error from server (Forbidden): pods is forbidden in the namespace "kube-system"');
  });

  it('what a one-shot logs read did not cover, per scope (notReadText): nothing for a synced or loading list', () => {
    const refl: CoverageReflector[] = [
      { context: 'a', resource: 'pods', phase: 'synced', namespaces: ['apps', 'kube-system'], forbiddenNamespaces: ['kube-system'], namespacesListed: true },
      { context: 'b', resource: 'pods', phase: 'forbidden', reason: 'pods is forbidden' },
      { context: 'c', resource: 'pods', phase: 'retrying', reason: 'HTTP 500' },
      { context: 'd', resource: 'pods', phase: 'synced', namespaces: ['default'], namespacesListed: false },
      { context: 'e', resource: 'pods', phase: 'synced' },
    ];
    const contexts = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name, state: 'ready', discovered: true }));
    const texts = coverageOf([
      { context: 'a', resource: 'pods' }, { context: 'a', resource: 'pods', namespace: 'kube-system' }, { context: 'b', resource: 'pods' },
      { context: 'c', resource: 'pods', namespace: 'shop' }, { context: 'd', resource: 'pods' }, { context: 'e', resource: 'pods' }, { context: 'f', resource: 'pods' },
    ], refl, contexts).map(notReadText);
    expect(texts).toEqual([
      'pods in kube-system of a (forbidden)', 'pods in kube-system of a (forbidden)', 'pods in every namespace of b (forbidden)',
      'pods in shop of c (list failed)', 'pods outside default of d (not visible to this user)', undefined, undefined,
    ]);
  });

  it('a fallback whose namespaces are not listable sees only those it knows: never whole', () => {
    const refl: CoverageReflector[] = [{ context: 'a', resource: 'pods', phase: 'synced', namespaces: ['default'], namespacesListed: false }];
    const [all, other] = coverageOf([{ context: 'a', resource: 'pods' }, { context: 'a', resource: 'pods', namespace: 'team-a' }], refl, ready);
    expect(all).toMatchObject({ state: 'forbidden', onlyNamespaces: ['default'] });
    expect(other.state).toBe('forbidden');
    expect(coverageText(all)).toBe('pods in a: only default visible (forbidden elsewhere)');
  });

  it('a namespace the fallback does not cover is answered by that namespace\'s own reflector (the store\'s order)', () => {
    const refl: CoverageReflector[] = [
      { context: 'a', resource: 'pods', phase: 'forbidden', namespaces: ['default'], namespacesListed: false },
      { context: 'a', resource: 'pods', namespace: 'team-a', phase: 'synced' },
    ];
    const [teamA, all] = coverageOf([{ context: 'a', resource: 'pods', namespace: 'team-a' }, { context: 'a', resource: 'pods' }], refl, ready);
    expect(teamA.state).toBe('synced');
    expect(all.state).toBe('forbidden');
  });

  it('a cluster-scoped kind ignores the namespace asked', () => {
    const [n] = coverageOf([{ context: 'a', resource: 'nodes', namespace: 'x', namespaced: false }], [{ context: 'a', resource: 'nodes', phase: 'synced' }], ready);
    expect(n).toMatchObject({ state: 'synced', namespace: undefined });
  });
});

describe('summaries', () => {
  const refl: CoverageReflector[] = [
    { context: 'a', resource: 'pods', phase: 'syncing' },
    { context: 'b', resource: 'pods', phase: 'syncing' },
    { context: 'a', resource: 'deployments.apps', phase: 'syncing' },
    { context: 'a', resource: 'secrets', phase: 'forbidden' },
    { context: 'a', resource: 'nodes', phase: 'synced' },
  ];
  const ctx: CoverageContext[] = [{ name: 'a', state: 'ready', discovered: true }, { name: 'b', state: 'ready', discovered: true }];
  const cov = coverageOf(refl.map((r) => ({ context: r.context, resource: r.resource })), refl, ctx);

  it('counts distinct kinds per state; the badge marks a count as a lower bound', () => {
    const s = summarizeCoverage(cov);
    expect(s).toMatchObject({ complete: false, syncing: 2, forbidden: 1, failed: 0 });
    expect(s.gaps.map((g) => g.state)).toEqual(['syncing', 'syncing', 'syncing', 'forbidden']);
    expect(coverageBadge(s)).toBe('+ · 2 kinds syncing · 1 kind forbidden');
    expect(coverageBadge(summarizeCoverage(cov.filter((c) => c.state === 'synced')))).toBe('');
  });

  it('JSON per context and the one-line gap text', () => {
    const a = cov.filter((c) => c.context === 'a');
    expect(coverageJson(a)).toEqual({ complete: false, syncing: ['pods', 'deployments.apps'], forbidden: ['secrets'], failed: [] });
    expect(gapText(a)).toBe('pods, deployments.apps not synced yet; secrets forbidden');
  });
});

describe('absentText: what is said of an object found in no context', () => {
  const deploy = { kind: 'Deployment', namespaced: true };
  it('"not found" only of the contexts read whole; the others unknown, with why', () => {
    expect(absentText(deploy, 'web', 'shop', ['dev', 'prod'], [])).toBe('Deployment/web not found in namespace shop of dev, prod');
    expect(absentText(deploy, 'web', undefined, ['dev'], [{ context: 'staging', reason: 'forbidden to list' }])).toBe('Deployment/web not found in any namespace of dev; unknown in staging (forbidden to list)');
  });
  it('no context read whole: unknown, never "not found"', () => {
    const text = absentText(deploy, 'coredns', 'kube-system', [], [{ context: 'staging', reason: 'forbidden to list' }, { context: 'edge', reason: 'context unreachable' }]);
    expect(text).toBe('Deployment/coredns in namespace kube-system: unknown, no context could be read (staging: forbidden to list; edge: context unreachable)');
    expect(text).not.toContain('not found');
  });
  it('a cluster-scoped kind has no namespace in the sentence', () => {
    expect(absentText({ kind: 'Node', namespaced: false }, 'n1', undefined, ['dev'], [])).toBe('Node/n1 not found in dev');
  });
});
