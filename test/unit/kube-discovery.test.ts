// Issue 20, case 4 (pure part): a group's resources over all its served versions.
import { describe, expect, it } from 'vitest';
import { compareKubeVersions, mergeGroupVersions } from '../../src/kube/discovery.js';

const list = (...names: string[]) => ({ resources: names.flatMap((n) => [{ name: n, kind: n[0].toUpperCase() + n.slice(1, -1), namespaced: true }, { name: `${n}/status`, kind: 'x' }]) });

describe('discovery over every served version', () => {
  it('orders versions as Kubernetes does', () => {
    expect(['v1alpha1', 'v2beta1', 'v1', 'v1beta2', 'v2', 'foo', 'v1beta1'].sort(compareKubeVersions)).toEqual(['v2', 'v1', 'v2beta1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });

  it('keeps the preferred version, adds kinds it lacks from the highest other version', () => {
    const types = mergeGroupVersions('source.toolkit.fluxcd.io', 'v1', new Map([
      ['v1beta1', list('gitrepositories', 'ocirepositories', 'buckets')],
      ['v1', list('gitrepositories', 'helmrepositories')],
      ['v1beta2', list('gitrepositories', 'ocirepositories')],
    ]));
    expect(types.map((t) => `${t.resource}@${t.version}`)).toEqual(['gitrepositories@v1', 'helmrepositories@v1', 'ocirepositories@v1beta2', 'buckets@v1beta1']);
  });

  it('a failed version hides only itself', () => {
    expect(mergeGroupVersions('g', 'v1', new Map([['v1beta1', list('things')]])).map((t) => t.version)).toEqual(['v1beta1']);
  });
});
