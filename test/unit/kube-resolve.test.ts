// Resolution of what users type, projection of cached objects, API error shapes, discovery
// printer columns: the pure parts of the cluster door.
import { describe, expect, it } from 'vitest';
import { printerColumns, withPrinterColumns } from '../../src/kube/discovery.js';
import { apiErrorFrom, classify, KubeNetworkError, networkError } from '../../src/kube/errors.js';
import { project } from '../../src/kube/project.js';
import { Backoff } from '../../src/kube/reflector.js';
import { collectionPath as resourcePath } from '../../src/model/patches.js';
import { resolveResource, resourcesInCategory } from '../../src/kube/resolve.js';
import type { ResourceType } from '../../src/model/types.js';

const t = (group: string, resource: string, kind: string, shortNames: string[] = [], extra: Partial<ResourceType> = {}): ResourceType => ({
  group,
  version: 'v1',
  resource,
  kind,
  singular: kind.toLowerCase(),
  namespaced: true,
  verbs: ['list', 'watch', 'get'],
  shortNames,
  categories: [],
  ...extra,
});

const types: ResourceType[] = [
  t('', 'pods', 'Pod', ['po'], { categories: ['all'] }),
  t('', 'events', 'Event', ['ev']),
  t('', 'nodes', 'Node', ['no'], { namespaced: false }),
  t('apps', 'deployments', 'Deployment', ['deploy'], { categories: ['all'] }),
  t('events.k8s.io', 'events', 'Event', ['ev']),
  t('kustomize.toolkit.fluxcd.io', 'kustomizations', 'Kustomization', ['ks'], { categories: ['fluxcd'] }),
  t('helm.toolkit.fluxcd.io', 'helmreleases', 'HelmRelease', ['hr'], { categories: ['fluxcd'] }),
  t('cert-manager.io', 'certificates', 'Certificate', ['cert', 'certs']),
  t('certificates.k8s.io', 'certificatesigningrequests', 'CertificateSigningRequest', ['csr'], { namespaced: false }),
];

const key = (r: ResourceType | undefined): string | undefined => (r ? (r.group ? `${r.resource}.${r.group}` : r.resource) : undefined);

describe('resolving what users type', () => {
  it.each([
    ['po', 'pods'],
    ['pods', 'pods'],
    ['Pod', 'pods'],
    ['POD', 'pods'],
    ['deploy', 'deployments.apps'],
    ['deployment', 'deployments.apps'],
    ['deployments.apps', 'deployments.apps'],
    ['Deployment.apps', 'deployments.apps'],
    ['ks', 'kustomizations.kustomize.toolkit.fluxcd.io'],
    ['kustomizations.kustomize.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io'],
    ['Kustomization.kustomize.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io'],
    ['ks.kustomize', 'kustomizations.kustomize.toolkit.fluxcd.io'],
    ['hr', 'helmreleases.helm.toolkit.fluxcd.io'],
    ['certificate', 'certificates.cert-manager.io'],
    ['certs', 'certificates.cert-manager.io'],
    ['csr', 'certificatesigningrequests.certificates.k8s.io'],
    ['events', 'events'],
    ['events.events.k8s.io', 'events.events.k8s.io'],
    [' no ', 'nodes'],
  ])('%s → %s', (q, want) => {
    expect(key(resolveResource(types, q))).toBe(want);
  });

  it('answers undefined for what the context does not serve', () => {
    expect(resolveResource(types, 'gitrepositories')).toBeUndefined();
    expect(resolveResource(types, 'pods.apps')).toBeUndefined();
    expect(resolveResource(types, '')).toBeUndefined();
  });

  it('lists categories', () => {
    expect(resourcesInCategory(types, 'fluxcd').map((r) => r.kind)).toEqual(['Kustomization', 'HelmRelease']);
  });
});

describe('projection', () => {
  it('drops managedFields, the last-applied annotation and Secret payloads, in place', () => {
    const o = {
      metadata: {
        name: 'x',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":1}', keep: 'me' },
      },
      data: { password: 'c2VjcmV0' },
      stringData: { a: 'b' },
      type: 'Opaque',
    };
    const p = project(o, 'secrets');
    expect(p).toBe(o);
    expect(p).toEqual({ metadata: { name: 'x', annotations: { keep: 'me' } }, type: 'Opaque', fleetdeckDataCount: 1 });
    const cm = project({ metadata: { name: 'c' }, data: { a: '1' } }, 'configmaps');
    expect(cm.data).toEqual({ a: '1' });
  });
});

describe('API errors', () => {
  it('reads a Status, other JSON, text and empty bodies', () => {
    const s = apiErrorFrom(403, JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "x" cannot list' }));
    expect(s).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "x" cannot list' });
    expect(s.status?.kind).toBe('Status');
    expect(apiErrorFrom(500, '{"message":"boom"}')).toMatchObject({ code: 500, reason: 'InternalError', message: 'boom' });
    expect(apiErrorFrom(502, '<html>Bad   gateway</html>\n')).toMatchObject({ reason: 'BadGateway', message: '502 BadGateway: the server answered an HTML page, not an API response (a proxy in the way?): "Bad gateway"' });
    expect(apiErrorFrom(404, '')).toMatchObject({ reason: 'NotFound', message: '404 NotFound' });
    expect(classify(apiErrorFrom(410, ''))).toBe('gone');
    expect(classify(apiErrorFrom(401, ''))).toBe('unauthorized');
  });

  it('names network causes without leaking anything else', () => {
    const refused = networkError(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }), 'context "a"');
    expect(refused).toBeInstanceOf(KubeNetworkError);
    expect(refused.message).toBe('context "a": connection refused');
    expect(classify(refused)).toBe('unreachable');
  });
});

describe('reflector helpers', () => {
  it('builds resource paths for core, groups and namespaces', () => {
    expect(resourcePath(types[0])).toBe('/api/v1/pods');
    expect(resourcePath(types[0], 'shop')).toBe('/api/v1/namespaces/shop/pods');
    expect(resourcePath(types[2], 'shop')).toBe('/api/v1/nodes');
    expect(resourcePath(types[5], 'flux-system')).toBe('/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations');
  });

  it('backs off exponentially with jitter from 0.5 s to 30 s and resets', () => {
    const b = new Backoff();
    const first = b.next();
    expect(first).toBeGreaterThanOrEqual(250);
    expect(first).toBeLessThanOrEqual(500);
    let last = 0;
    for (let i = 0; i < 20; i++) last = b.next();
    expect(last).toBeGreaterThanOrEqual(15_000);
    expect(last).toBeLessThanOrEqual(30_000);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(500);
  });

  it('takes printer columns from CRD objects', () => {
    const crd = {
      metadata: { name: 'kustomizations.kustomize.toolkit.fluxcd.io' },
      spec: {
        group: 'kustomize.toolkit.fluxcd.io',
        names: { plural: 'kustomizations' },
        versions: [{ name: 'v1', additionalPrinterColumns: [{ name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', priority: 1 }] }],
      },
    };
    const typed = withPrinterColumns(types, printerColumns([crd]));
    expect(typed[5].printerColumns).toEqual([
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', priority: 1 },
    ]);
    expect(typed[0].printerColumns).toBeUndefined();
  });
});
