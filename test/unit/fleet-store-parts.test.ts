// The store's parts that stand alone: the frame batcher (marks coalesced into one batch per
// frame, never two batches within frameMs) and the indexes by uid, owner, label and Flux
// inventory (live refs, entries moved on change, an object still held by another scope stays
// indexed as that scope's copy).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher, resourceMark } from '../../src/fleet/batcher.js';
import { ObjectIndex } from '../../src/fleet/indexers.js';
import type { ChangeBatch } from '../../src/fleet/types.js';
import { parseLabelSelector } from '../../src/model/selector.js';
import type { KubeObject } from '../../src/model/types.js';

describe('FrameBatcher', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
  });
  afterEach(() => vi.useRealTimers());
  const tick = async (ms: number): Promise<void> => {
    now += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  it('coalesces marks into one batch and spaces batches a frame apart', async () => {
    const b = new FrameBatcher({ frameMs: 100, now: () => now });
    const got: ChangeBatch[] = [];
    b.onChange((x) => got.push(x));
    b.markResource('east', 'pods');
    b.markResource('east', 'pods');
    b.markResource('west', 'deployments.apps');
    b.markContext('east');
    expect(got).toHaveLength(0); // never synchronously
    await tick(0);
    expect(got).toHaveLength(1);
    expect([...got[0].resources].sort()).toEqual([resourceMark('east', 'pods'), resourceMark('west', 'deployments.apps')].sort());
    expect([...got[0].contexts]).toEqual(['east']);
    // a mark right after a batch waits for the rest of the frame
    b.markContext('west');
    await tick(60);
    expect(got).toHaveLength(1);
    await tick(40);
    expect(got).toHaveLength(2);
    expect([...got[1].contexts]).toEqual(['west']);
    expect(got[1].resources.size).toBe(0);
    // nothing marked: no batch
    await tick(500);
    expect(got).toHaveLength(2);
  });

  it('a throwing listener does not keep the others from the batch; removed listeners hear nothing', async () => {
    const b = new FrameBatcher({ frameMs: 10, now: () => now });
    const heard: string[] = [];
    b.onChange(() => {
      throw new Error('view broke');
    });
    const off = b.onChange(() => heard.push('a'));
    b.onChange(() => heard.push('b'));
    b.markContext('c');
    await tick(0);
    expect(heard).toEqual(['a', 'b']);
    off();
    b.markContext('c');
    await tick(20);
    expect(heard).toEqual(['a', 'b', 'b']);
  });

  it('delivers nothing after close', async () => {
    const b = new FrameBatcher({ frameMs: 10, now: () => now });
    const got: ChangeBatch[] = [];
    b.onChange((x) => got.push(x));
    b.markContext('c');
    b.close();
    b.markResource('c', 'pods');
    await tick(100);
    expect(got).toHaveLength(0);
  });
});

describe('ObjectIndex', () => {
  const obj = (name: string, uid: string | undefined, owners: string[] = [], rv = '1'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid, resourceVersion: rv, ownerReferences: owners.map((o) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o, uid: o })) },
  });

  it('indexes by uid as a live ref and by owner', () => {
    const ix = new ObjectIndex('east');
    const a = obj('a', 'u-a', ['rs1']);
    ix.add('pods', a);
    const ref = ix.byUid('u-a')!;
    expect(ref).toEqual({ context: 'east', resource: 'pods', object: a });
    expect(ix.ownedBy('rs1').map((r) => r.object.metadata.name)).toEqual(['a']);
    // a change of the same object updates the same ref (views holding it see the new object)
    const a2 = obj('a', 'u-a', ['rs1'], '2');
    ix.add('pods', a2);
    expect(ref.object).toBe(a2);
    expect(ix.byUid('u-a')).toBe(ref);
  });

  it('moves an object between owners when its ownerReferences change', () => {
    const ix = new ObjectIndex('east');
    const a = obj('a', 'u-a', ['rs1']);
    ix.add('pods', a);
    const moved = obj('a', 'u-a', ['rs2'], '2');
    ix.add('pods', moved);
    expect(ix.ownedBy('rs1')).toEqual([]);
    expect(ix.ownedBy('rs2').map((r) => r.object)).toEqual([moved]);
  });

  it('removes an object from both indexes, or points its uid at the scope that still holds it', () => {
    const ix = new ObjectIndex('east');
    const a = obj('a', 'u-a', ['rs1']);
    const b = obj('b', 'u-b', ['rs1']);
    ix.add('pods', a);
    ix.add('pods', b);
    ix.remove(a);
    expect(ix.byUid('u-a')).toBeUndefined();
    expect(ix.ownedBy('rs1').map((r) => r.object.metadata.name)).toEqual(['b']);
    // b leaves one cache while another (the all-namespaces one) still holds its newer copy
    const b2 = obj('b', 'u-b', ['rs1'], '3');
    ix.remove(b, { resource: 'pods', object: b2 });
    expect(ix.byUid('u-b')?.object).toBe(b2);
    expect(ix.ownedBy('rs1').map((r) => r.object)).toEqual([b2]);
    ix.remove(b2);
    expect(ix.ownedBy('rs1')).toEqual([]);
  });

  it('ignores objects without a uid', () => {
    const ix = new ObjectIndex('east');
    ix.add('pods', obj('x', undefined, ['rs1']));
    expect(ix.ownedBy('rs1')).toEqual([]);
  });
});

describe('ObjectIndex by label', () => {
  const pod = (name: string, namespace: string, labels: Record<string, string> | undefined, rv = '1'): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `u-${namespace}-${name}`, resourceVersion: rv, ...(labels ? { labels } : {}) },
  });
  const names = (refs: { object: KubeObject }[]): string[] => refs.map((r) => `${r.object.metadata.namespace}/${r.object.metadata.name}`).sort();
  const sel = parseLabelSelector;

  it('answers selectors as the API matches them, in one namespace or all', () => {
    const ix = new ObjectIndex('east');
    ix.add('pods', pod('web-1', 'shop', { app: 'web', tier: 'front' }));
    ix.add('pods', pod('web-2', 'shop', { app: 'web', tier: 'back' }));
    ix.add('pods', pod('web-1', 'dev', { app: 'web', tier: 'front' }));
    ix.add('pods', pod('db-0', 'shop', { app: 'db' }));
    ix.add('pods', pod('bare', 'shop', undefined));
    ix.add('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'svc', labels: { app: 'web' } } });
    expect(names(ix.selected(sel('app=web'), 'shop'))).toEqual(['shop/web', 'shop/web-1', 'shop/web-2']);
    expect(names(ix.selected(sel('app=web,tier=front')))).toEqual(['dev/web-1', 'shop/web-1']);
    expect(names(ix.selected(sel('app in (db,cache)')))).toEqual(['shop/db-0']);
    expect(names(ix.selected(sel('tier'), 'shop'))).toEqual(['shop/web-1', 'shop/web-2']);
    expect(names(ix.selected(sel('app=web,tier!=front'), 'shop'))).toEqual(['shop/web', 'shop/web-2']);
    // only negative requirements (or none) cannot be narrowed: every object is checked
    expect(names(ix.selected(sel('!app'), 'shop'))).toEqual(['shop/bare']);
    expect(names(ix.selected(sel('app notin (web)'), 'shop'))).toEqual(['shop/bare', 'shop/db-0']);
    expect(ix.selected(sel(''), 'dev')).toHaveLength(1);
    expect(ix.selected(sel('app=nothing'))).toEqual([]);
    // live refs: the same ref byUid gives
    expect(ix.selected(sel('app=db'))[0]).toBe(ix.byUid('u-shop-db-0'));
  });

  it('follows label changes and deletions', () => {
    const ix = new ObjectIndex('east');
    const a = pod('a', 'shop', { app: 'web', track: 'canary' });
    ix.add('pods', a);
    // a change that keeps the labels moves nothing; one that changes them moves the pod
    ix.add('pods', pod('a', 'shop', { app: 'web', track: 'canary' }, '2'));
    expect(names(ix.selected(sel('track=canary')))).toEqual(['shop/a']);
    const relabelled = pod('a', 'shop', { app: 'web', track: 'stable' }, '3');
    ix.add('pods', relabelled);
    expect(ix.selected(sel('track=canary'))).toEqual([]);
    expect(ix.selected(sel('track')).map((r) => r.object)).toEqual([relabelled]);
    expect(ix.selected(sel('track=stable')).map((r) => r.object)).toEqual([relabelled]);
    // labels removed altogether
    ix.add('pods', pod('a', 'shop', undefined, '4'));
    expect(ix.selected(sel('app=web'))).toEqual([]);
    expect(names(ix.selected(sel('!app')))).toEqual(['shop/a']);
    ix.add('pods', pod('a', 'shop', { app: 'web' }, '5'));
    ix.remove(pod('a', 'shop', { app: 'web' }, '5'));
    expect(ix.selected(sel('app=web'))).toEqual([]);
    expect(ix.selected(sel(''))).toEqual([]);
  });

  it('an object held by two scopes is indexed once, as the copy that still holds it', () => {
    const ix = new ObjectIndex('east');
    const all = pod('a', 'shop', { app: 'web', v: '1' });
    const one = pod('a', 'shop', { app: 'web', v: '1' });
    ix.add('pods', all); // the all-namespaces informer
    ix.add('pods', one); // the informer of namespace shop
    expect(ix.selected(sel('app=web'))).toHaveLength(1);
    // the all-namespaces copy moves on to v2; the namespace's copy lags, then leaves its cache
    const newer = pod('a', 'shop', { app: 'web', v: '2' }, '2');
    ix.add('pods', newer);
    ix.remove(one, { resource: 'pods', object: newer });
    expect(ix.selected(sel('v=1'))).toEqual([]);
    expect(ix.selected(sel('v=2')).map((r) => r.object)).toEqual([newer]);
    // the other way round: the lagging copy is the one that stays, so the index follows it back
    ix.remove(newer, { resource: 'pods', object: one });
    expect(ix.selected(sel('v=1')).map((r) => r.object)).toEqual([one]);
    expect(ix.selected(sel('v=2'))).toEqual([]);
    ix.remove(one);
    expect(ix.selected(sel('app=web'))).toEqual([]);
  });
});

describe('ObjectIndex by Flux inventory', () => {
  const KS = 'kustomizations.kustomize.toolkit.fluxcd.io';
  const HR = 'helmreleases.helm.toolkit.fluxcd.io';
  const flux = (kind: 'Kustomization' | 'HelmRelease', name: string, ids: string[], rv = '1'): KubeObject => ({
    apiVersion: kind === 'Kustomization' ? 'kustomize.toolkit.fluxcd.io/v1' : 'helm.toolkit.fluxcd.io/v2', kind,
    metadata: { name, namespace: 'flux-system', uid: `u-${kind}-${name}`, resourceVersion: rv },
    status: { inventory: { entries: ids.map((id) => ({ id, v: 'v1' })) } },
  });
  const holders = (ix: ObjectIndex, group: string, kind: string, ns: string | undefined, name: string): string[] =>
    ix.appliedBy(group, kind, ns, name).map((r) => `${r.object.kind}/${r.object.metadata.name}`).sort();

  it('names the Kustomizations and HelmReleases listing an object, cluster-scoped ones by an empty namespace', () => {
    const ix = new ObjectIndex('east');
    ix.add(KS, flux('Kustomization', 'apps', ['shop_web_apps_Deployment', '_shop__Namespace', 'shop_web_apps_Deployment']));
    ix.add(HR, flux('HelmRelease', 'redis', ['shop_redis-master_apps_StatefulSet', 'shop_web_apps_Deployment']));
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'web')).toEqual(['HelmRelease/redis', 'Kustomization/apps']);
    expect(holders(ix, '', 'Namespace', undefined, 'shop')).toEqual(['Kustomization/apps']);
    expect(holders(ix, '', 'Namespace', '', 'shop')).toEqual(['Kustomization/apps']);
    expect(holders(ix, 'apps', 'StatefulSet', 'shop', 'redis-master')).toEqual(['HelmRelease/redis']);
    expect(holders(ix, 'apps', 'Deployment', 'dev', 'web')).toEqual([]);
    // an inventory on any other kind is not an applier's
    ix.add('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop', uid: 'cm' }, status: { inventory: { entries: [{ id: 'shop_db_apps_Deployment' }] } } });
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'db')).toEqual([]);
  });

  it('follows an inventory that changes, a reconcile that does not change it, and deletion', () => {
    const ix = new ObjectIndex('east');
    ix.add(KS, flux('Kustomization', 'apps', ['shop_web_apps_Deployment']));
    ix.add(KS, flux('Kustomization', 'apps', ['shop_web_apps_Deployment'], '2'));
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'web')).toEqual(['Kustomization/apps']);
    // web pruned from Git, api added
    const next = flux('Kustomization', 'apps', ['shop_api_apps_Deployment'], '3');
    ix.add(KS, next);
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'web')).toEqual([]);
    expect(ix.appliedBy('apps', 'Deployment', 'shop', 'api')[0]?.object).toBe(next);
    // status.inventory gone (a failed first apply) and back
    ix.add(KS, { ...next, status: {}, metadata: { ...next.metadata, resourceVersion: '4' } });
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'api')).toEqual([]);
    ix.add(KS, flux('Kustomization', 'apps', ['shop_api_apps_Deployment'], '5'));
    ix.remove(flux('Kustomization', 'apps', [], '5'));
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'api')).toEqual([]);
  });

  it('a Kustomization held by two scopes is indexed as the copy that stays', () => {
    const ix = new ObjectIndex('east');
    const old = flux('Kustomization', 'apps', ['shop_web_apps_Deployment']);
    const newer = flux('Kustomization', 'apps', ['shop_api_apps_Deployment'], '2');
    ix.add(KS, old); // the flux-system informer
    ix.add(KS, newer); // the all-namespaces one, already further
    ix.remove(newer, { resource: KS, object: old }); // the all-namespaces one stops; flux-system's copy stays
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'web')).toEqual(['Kustomization/apps']);
    expect(holders(ix, 'apps', 'Deployment', 'shop', 'api')).toEqual([]);
  });
});
