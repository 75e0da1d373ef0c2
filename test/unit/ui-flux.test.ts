import { describe, expect, it } from 'vitest';
import { fluxSummary } from '../../src/model/flux.js';
import type { KubeObject } from '../../src/model/types.js';
import { fluxRank, lastReconcileText, revisionText } from '../../src/ui/views/flux.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');
const minAgo = (m: number | undefined) => (m === undefined ? undefined : new Date(NOW - m * 60_000).toISOString());
/** `reconciledMinAgo`: history[0].lastReconciled; `handledMinAgo`: a reconcile request handled then */
const ks = (over: { ready?: string; suspend?: boolean; applied?: string; attempted?: string; reconciledMinAgo?: number; handledMinAgo?: number; interval?: string }): KubeObject => {
  const reconciled = minAgo(over.reconciledMinAgo);
  const handled = minAgo(over.handledMinAgo);
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system', ...(handled ? { annotations: { 'reconcile.fluxcd.io/requestedAt': handled } } : {}) },
    spec: { interval: over.interval ?? '10m', suspend: over.suspend, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
    status: {
      ...(handled ? { lastHandledReconcileAt: handled } : {}),
      ...(reconciled ? { history: [{ digest: 'sha256:x', lastReconciled: reconciled, lastReconciledStatus: 'ReconciliationSucceeded' }] } : {}),
      lastAppliedRevision: over.applied, lastAttemptedRevision: over.attempted ?? over.applied,
      conditions: over.ready ? [{ type: 'Ready', status: over.ready, lastTransitionTime: '2026-11-20T08:00:00Z' }] : [],
    },
  };
};
const sum = (o: KubeObject) => fluxSummary(o, 'Kustomization', NOW);

describe('flux view cells', () => {
  it('ranks failing first, then stale, undecided, suspended, ready', () => {
    const failing = sum(ks({ ready: 'False' }));
    const stale = sum(ks({ ready: 'True', reconciledMinAgo: 60 }));
    const unknown = sum(ks({ ready: 'Unknown' }));
    const suspended = sum(ks({ ready: 'False', suspend: true }));
    const ready = sum(ks({ ready: 'True', reconciledMinAgo: 1 }));
    expect(stale.stale).toBe(true);
    expect([ready, suspended, unknown, stale, failing].sort((a, b) => fluxRank(a) - fluxRank(b))).toEqual([failing, stale, unknown, suspended, ready]);
  });

  it('shows applied → attempted while a new revision fails, else the revision', () => {
    const sha = (c: string) => `main@sha1:${c.repeat(40)}`;
    expect(revisionText(sum(ks({ ready: 'False', applied: sha('a'), attempted: sha('b') })))).toBe('main@sha1:aaaaaaaa → main@sha1:bbbbbbbb');
    expect(revisionText(sum(ks({ ready: 'True', applied: sha('a') })))).toBe('main@sha1:aaaaaaaa');
  });

  it('last reconcile against the interval, stale marked', () => {
    expect(lastReconcileText(sum(ks({ ready: 'True', reconciledMinAgo: 3 })), NOW)).toBe('3m/10m');
    expect(lastReconcileText(sum(ks({ ready: 'True', reconciledMinAgo: 60 })), NOW)).toBe('60m/10m stale');
  });

  it('a reconcile handled 10 minutes ago on an object the controller retries: ≤10m, never stale', () => {
    const retried = sum(ks({ ready: 'False', handledMinAgo: 10, interval: '60s' }));
    expect(retried.stale).toBe(false);
    expect(lastReconcileText(retried, NOW)).toBe('≤10m/60s');
    // no time at all
    expect(lastReconcileText(sum(ks({})), NOW)).toBe('-/10m');
  });
});
