// Issue 15: adding a kind is one entry of the kind registry. Argo Rollouts (argoproj.io Rollout)
// is declared with one entry in src/model/kinds.ts (plus its columns and health rule); every
// reader — columns, health, capabilities, the kinds the Fleet/Problems views and `status`
// watch — picks it up, and scale comes from discovery listing rollouts/scale.
import { describe, expect, it } from 'vitest';
import { health } from '../../src/model/health.js';
import { capabilitiesOf, entryOf, fleetTypes } from '../../src/model/kinds.js';
import type { KubeObject, ResourceType } from '../../src/model/types.js';

const rolloutType: ResourceType = {
  group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts', kind: 'Rollout', singular: 'rollout', namespaced: true,
  verbs: ['get', 'list', 'watch', 'patch'], shortNames: ['ro'], categories: [], subresourceNames: ['scale', 'status'],
};

const rollout = (phase: string, message?: string): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout',
  metadata: { name: 'checkout', namespace: 'shop', uid: 'r1', generation: 3 },
  spec: { replicas: 4 },
  status: { phase, ...(message ? { message } : {}), replicas: 4, readyReplicas: 3, updatedReplicas: 2, availableReplicas: 3, observedGeneration: '3' },
});

describe('Argo Rollouts through the kind registry', () => {
  it('columns, health from status.phase, logs and scale (from discovery), watched by the Fleet/Problems views', () => {
    const entry = entryOf(rolloutType);
    expect(entry.columns!().map((c) => c.header)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'HEALTH', 'AGE']);
    const ref = { group: 'argoproj.io', kind: 'Rollout' };
    expect(health(rollout('Degraded', 'RolloutAborted: metric "error-rate" assessed Failed'), ref, {})).toMatchObject({ status: 'Failed', reason: expect.stringContaining('RolloutAborted') });
    expect(health(rollout('Paused', 'CanaryPauseStep'), ref, {}).status).toBe('Suspended');
    expect(health(rollout('Progressing'), ref, {}).status).toBe('InProgress');
    expect(health(rollout('Healthy'), ref, {})).toMatchObject({ status: 'Current', reason: 'Healthy (3/4 available)' });
    const can = capabilitiesOf(rolloutType, [rolloutType]);
    expect(can.has('scale')).toBe(true);
    expect(can.has('logs')).toBe(true);
    expect(can.has('rollback')).toBe(false);
    // without /scale in discovery, no scale
    const noScale: ResourceType = { ...rolloutType, subresourceNames: ['status'] };
    expect(capabilitiesOf(noScale, [noScale]).has('scale')).toBe(false);
    expect(fleetTypes([rolloutType]).map((t) => t.resource)).toEqual(['rollouts']);
  });
});
