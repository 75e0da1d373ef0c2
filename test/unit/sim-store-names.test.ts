// The sim draws a pod's name suffix again when the name is taken, as kube-apiserver retries
// generateName: a ReplicaSet's pods in the scale scenario (100k pods) collided now and then,
// and `fleetdeck sim --scenario scale` died with `pods "svc-91-…" already exists`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinResources } from '../../src/sim/resources.js';
import { ClusterStore } from '../../src/sim/store.js';

afterEach(() => vi.restoreAllMocks());

/** Math.random answers that make suffix() spell `b` five times, then `c` five times, ... */
function spell(...letters: number[]): void {
  const seq = letters.flatMap((l) => Array(5).fill((l + 0.5) / 27));
  let i = 0;
  vi.spyOn(Math, 'random').mockImplementation(() => seq[i++ % seq.length]);
}

describe('sim names', () => {
  it('freeName and generateName draw again while the name is taken in that namespace', () => {
    const store = new ClusterStore(100);
    for (const r of builtinResources()) store.addResource(r);
    store.create('pods', { metadata: { name: 'web-bbbbb', namespace: 'shop' } });
    spell(0, 1);
    expect(store.freeName('pods', 'shop', 'web-')).toBe('web-ccccc');
    // another namespace does not hold it
    spell(0);
    expect(store.freeName('pods', 'other', 'web-')).toBe('web-bbbbb');
    spell(0, 1);
    expect(store.create('pods', { metadata: { generateName: 'web-', namespace: 'shop' } } as never).metadata.name).toBe('web-ccccc');
    // cluster-scoped kinds too
    store.create('namespaces', { metadata: { name: 'ns-bbbbb' } });
    spell(0, 2);
    expect(store.freeName('namespaces', undefined, 'ns-')).toBe('ns-ddddd');
  });
});
