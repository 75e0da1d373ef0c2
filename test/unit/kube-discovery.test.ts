// Issue 20, case 4 (pure part): a group's resources over all its served versions; issue 22:
// aggregated discovery documents and their cache on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareKubeVersions, mergeGroupVersions, typesFromAggregated } from '../../src/kube/discovery.js';
import { diskDiscoveryCache, serverDirName } from '../../src/kube/discovery-cache.js';

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

describe('aggregated discovery (apidiscovery.k8s.io/v2)', () => {
  const res = (resource: string, kind: string, extra: Record<string, unknown> = {}) => ({ resource, responseKind: { group: '', version: '', kind }, scope: 'Namespaced', singularResource: kind.toLowerCase(), verbs: ['get', 'list', 'watch'], ...extra });
  it('versions in the server order (the first preferred), kinds only at another version kept, Stale versions left out, subresources folded in', () => {
    const types = typesFromAggregated({
      kind: 'APIGroupDiscoveryList',
      items: [
        {
          metadata: { name: 'source.toolkit.fluxcd.io' },
          versions: [
            { version: 'v1', resources: [res('gitrepositories', 'GitRepository', { subresources: [{ subresource: 'status', verbs: ['get', 'patch'] }] })], freshness: 'Current' },
            { version: 'v1beta2', resources: [res('gitrepositories', 'GitRepository'), res('ocirepositories', 'OCIRepository', { shortNames: ['ocirepo'] })], freshness: 'Current' },
          ],
        },
        { metadata: { name: 'metrics.k8s.io' }, versions: [{ version: 'v1beta1', resources: [res('pods', 'PodMetrics')], freshness: 'Stale' }] },
      ],
    });
    expect(types.map((t) => `${t.group}/${t.version}/${t.resource}`)).toEqual(['source.toolkit.fluxcd.io/v1/gitrepositories', 'source.toolkit.fluxcd.io/v1beta2/ocirepositories']);
    expect(types[0]).toMatchObject({ kind: 'GitRepository', namespaced: true, singular: 'gitrepository', subresourceNames: ['status'] });
    expect(types[1].shortNames).toEqual(['ocirepo']);
  });
});

describe('the discovery cache on disk', () => {
  it("names a server's directory as kubectl does, safe as one path segment", () => {
    expect(serverDirName('https://API.example.com:6443')).toBe('api.example.com_6443');
    expect(serverDirName('https://10.0.0.1')).toBe('10.0.0.1_443');
    expect(serverDirName('https://h:8443/k8s/clusters/c-1/')).toBe('h_8443_k8s_clusters_c-1');
  });
  it('keeps a document with its ETag; a corrupt file or an unwritable directory is ignored, never an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetdeck-dc-'));
    try {
      const cache = diskDiscoveryCache(dir);
      expect(await cache.get('https://h:1', '/apis')).toBeUndefined();
      await cache.put('https://h:1', '/apis', { etag: '"e1"', body: { kind: 'APIGroupDiscoveryList', items: [] } });
      expect(await cache.get('https://h:1', '/apis')).toEqual({ etag: '"e1"', body: { kind: 'APIGroupDiscoveryList', items: [] } });
      expect(await cache.get('https://h:1', '/api')).toBeUndefined();
      await writeFile(join(dir, 'h_1', 'apis.json'), '{"etag": "e1", "bo');
      expect(await cache.get('https://h:1', '/apis')).toBeUndefined();
      await writeFile(join(dir, 'file'), 'x');
      await expect(diskDiscoveryCache(join(dir, 'file')).put('https://h:1', '/api', { etag: '"e"', body: {} })).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
