// Issue 20 case 10: contexts that reach the same cluster. The rule (src/model/same-cluster.ts),
// the merge of what several contexts of one cluster see, and the Fleet and Problems views over
// an in-memory store where a second context holds exactly the first one's objects.
import { describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { problemsOnce } from '../../src/fleet/report.js';
import { statusJson } from '../../src/model/fleet-summary.js';
import type { Problem } from '../../src/model/problems.js';
import { mergeSameCluster, normalizeServer, sameClusterBasis, sameClusters, type ClusterIdentity } from '../../src/model/same-cluster.js';
import type { AppContext } from '../../src/ui/view.js';
import { FleetView } from '../../src/ui/views/fleet.js';
import { ProblemsView } from '../../src/ui/views/problems.js';
import { demoStore, type FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

describe('normalizeServer', () => {
  it('one spelling per server: case of scheme and host, default port, trailing slash; hosts are not resolved', () => {
    expect(normalizeServer('https://API.Example.com/')).toBe('https://api.example.com:443');
    expect(normalizeServer('https://api.example.com:443')).toBe('https://api.example.com:443');
    expect(normalizeServer('HTTPS://api.example.com:6443//')).toBe('https://api.example.com:6443');
    expect(normalizeServer('http://10.0.0.1')).toBe('http://10.0.0.1:80');
    expect(normalizeServer('https://[::1]:6443/')).toBe('https://[::1]:6443');
    expect(normalizeServer('https://proxy.example.com/k8s/clusters/c-1/')).toBe('https://proxy.example.com:443/k8s/clusters/c-1');
    expect(normalizeServer('https://localhost:6443')).not.toBe(normalizeServer('https://127.0.0.1:6443'));
    expect(normalizeServer('https://proxy.example.com/k8s/clusters/c-1')).not.toBe(normalizeServer('https://proxy.example.com/k8s/clusters/c-2'));
    expect(normalizeServer('not a url')).toBeUndefined();
    expect(normalizeServer(undefined)).toBeUndefined();
  });
});

describe('sameClusterBasis', () => {
  const a: ClusterIdentity = { name: 'a', server: 'https://k.example.com', kubeSystemUid: 'u-1', caFingerprint: 'ca-1' };
  it('same server and kube-system uid: the same cluster', () => {
    expect(sameClusterBasis(a, { name: 'b', server: 'https://K.example.com:443/', kubeSystemUid: 'u-1', caFingerprint: 'ca-1' })).toBe('kube-system-uid');
  });
  it('a different uid behind the same server and CA is another cluster (a rebuilt one): the uid decides when both are known', () => {
    expect(sameClusterBasis(a, { name: 'b', server: a.server, kubeSystemUid: 'u-2', caFingerprint: 'ca-1' })).toBeUndefined();
  });
  it('the same uid behind another server is not merged (a restored backup of a cluster is a second cluster)', () => {
    expect(sameClusterBasis(a, { name: 'b', server: 'https://other.example.com', kubeSystemUid: 'u-1', caFingerprint: 'ca-1' })).toBeUndefined();
  });
  it('uid unreadable on one side (RBAC): same server and the same pinned CA decide', () => {
    expect(sameClusterBasis(a, { name: 'b', server: a.server, kubeSystemUidUnreadable: true, caFingerprint: 'ca-1' })).toBe('server+ca');
    expect(sameClusterBasis({ ...a, kubeSystemUid: undefined, kubeSystemUidUnreadable: true }, { name: 'b', server: a.server, kubeSystemUidUnreadable: true, caFingerprint: 'ca-1' })).toBe('server+ca');
    expect(sameClusterBasis(a, { name: 'b', server: a.server, kubeSystemUidUnreadable: true, caFingerprint: 'ca-2' })).toBeUndefined();
  });
  it('no CA pinned (insecure or system roots), or the uid not read yet: not the same — counting twice is the safe error', () => {
    expect(sameClusterBasis({ ...a, caFingerprint: undefined }, { name: 'b', server: a.server, kubeSystemUidUnreadable: true })).toBeUndefined();
    expect(sameClusterBasis(a, { name: 'b', server: a.server, caFingerprint: 'ca-1' })).toBeUndefined();
  });
});

describe('sameClusters and mergeSameCluster', () => {
  const ids: ClusterIdentity[] = [
    { name: 'prod-eu', server: 'https://eu.example.com', kubeSystemUid: 'eu' },
    { name: 'dev', server: 'https://dev.example.com', kubeSystemUid: 'dev' },
    { name: 'prod-eu-admin', server: 'https://eu.example.com/', kubeSystemUid: 'eu' },
    { name: 'prod-eu-ro', server: 'https://eu.example.com', kubeSystemUid: 'eu' },
  ];
  it('each later context points at the first of its cluster, in the order given', () => {
    expect([...sameClusters(ids)]).toEqual([
      ['prod-eu-admin', { as: 'prod-eu', basis: 'kube-system-uid' }],
      ['prod-eu-ro', { as: 'prod-eu', basis: 'kube-system-uid' }],
    ]);
    expect([...sameClusters([ids[2], ids[0]])]).toEqual([['prod-eu', { as: 'prod-eu-admin', basis: 'kube-system-uid' }]]);
  });
  it('one item per (cluster, key), the first kept, every context named in selection order; other clusters never merged', () => {
    const same = sameClusters(ids);
    const items = [
      { context: 'prod-eu-admin', key: 'x', v: 1 },
      { context: 'prod-eu', key: 'x', v: 2 },
      { context: 'dev', key: 'x', v: 3 },
      { context: 'prod-eu-ro', key: 'y', v: 4 },
    ];
    const out = mergeSameCluster(items, same, (i) => i.key, ids.map((i) => i.name));
    expect(out).toEqual([
      { context: 'prod-eu-admin', key: 'x', v: 1, contexts: ['prod-eu', 'prod-eu-admin'] },
      { context: 'dev', key: 'x', v: 3, contexts: ['dev'] },
      { context: 'prod-eu-ro', key: 'y', v: 4, contexts: ['prod-eu-ro'] },
    ]);
  });
  it("status JSON: one problem with every context, the second context's row says which it equals; old keys kept", () => {
    const p = (context: string): Problem => ({ context, kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'pod-1', verdict: { status: 'Failed', reason: 'CrashLoopBackOff' }, severity: 'failed' });
    const same = sameClusters(ids);
    const list = problemsOnce([p('prod-eu'), p('prod-eu-admin'), p('dev')], same, ids.map((i) => i.name));
    const doc = statusJson(ids.map((i) => ({ name: i.name, state: 'ready', ...(same.get(i.name) ? { sameCluster: same.get(i.name) } : {}) })), list);
    // dev's pod has the same uid here, but dev is another cluster
    expect(doc.problems.map((x) => [x.context, x.contexts])).toEqual([['prod-eu', ['prod-eu', 'prod-eu-admin']], ['dev', ['dev']]]);
    expect(Object.keys(doc.problems[0])).toEqual(['context', 'kind', 'namespace', 'name', 'status', 'severity', 'reason', 'since', 'contexts']);
    expect(doc.contexts.map((c) => [c.name, c.sameClusterAs, c.sameClusterBasis])).toEqual([
      ['prod-eu', null, null], ['dev', null, null], ['prod-eu-admin', 'prod-eu', 'kube-system-uid'], ['prod-eu-ro', 'prod-eu', 'kube-system-uid'],
    ]);
  });
});

// --- views --------------------------------------------------------------------------------

function appOn(store: FakeStore, contexts: string[]): AppContext {
  const app = {
    act: () => undefined, openTree: () => false, outcomes: () => [],
    store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), readonly: false,
    contexts: () => contexts, namespace: () => undefined,
    setContexts: () => undefined, setNamespace: () => undefined,
    push: () => undefined, pop: () => undefined, message: () => undefined, render: () => undefined, now: () => NOW, command: () => undefined,
  };
  return app as unknown as AppContext;
}

const plain = (lines: string[]): string[] => lines.map((l) => l.replace(/\{[^}]*\}/g, ''));

/** The demo store with 'prod-eu-2' holding exactly prod-eu's objects (same uids), as a second context of one cluster sees them. */
function twoContextsOneCluster(identity: boolean): FakeStore {
  const store = demoStore({ now: NOW, contexts: ['dev', 'prod-eu', 'prod-eu-2'] });
  for (const t of store.resources('prod-eu')) {
    if (t.resource.includes('/')) continue;
    const key = t.group ? `${t.resource}.${t.group}` : t.resource;
    for (const o of store.list('prod-eu-2', key)) store.remove('prod-eu-2', key, o.metadata.namespace, o.metadata.name);
    for (const o of store.list('prod-eu', key)) store.put('prod-eu-2', key, o);
  }
  const server = { server: 'https://eu.example.com:6443', caFingerprint: 'ca-eu' };
  store.setContext('dev', 'ready', { server: 'https://dev.example.com', kubeSystemUid: 'dev-ks' });
  store.setContext('prod-eu', 'ready', { ...server, ...(identity ? { kubeSystemUid: 'eu-ks' } : {}) });
  store.setContext('prod-eu-2', 'ready', { ...server, ...(identity ? { kubeSystemUid: 'eu-ks' } : {}) });
  return store;
}

describe('views over two contexts of one cluster (issue 20 case 10)', () => {
  it('Problems lists each object once with both context names; without the identity it lists it twice', () => {
    const contexts = ['dev', 'prod-eu', 'prod-eu-2'];
    const view = new ProblemsView(appOn(twoContextsOneCluster(true), contexts));
    const rows = view.allRows();
    const crashing = rows.filter((r) => r.object.metadata.name === 'web-7d9f8-xxxx0' && r.object.metadata.namespace === 'shop');
    expect(crashing.map((r) => r.problem.contexts)).toEqual([['prod-eu', 'prod-eu-2']]);
    expect(plain(view.render(200, 12)).find((l) => l.includes('web-7d9f8-xxxx0'))).toMatch(/^prod-eu,prod-eu-2\s+Pod\s+shop/);
    expect(view.status()).toBe(`[${rows.length}, ${rows.filter((r) => r.problem.severity === 'failed').length} failed]`);

    const unknown = new ProblemsView(appOn(twoContextsOneCluster(false), contexts));
    expect(unknown.allRows().filter((r) => r.object.metadata.name === 'web-7d9f8-xxxx0').map((r) => r.problem.context).sort()).toEqual(['prod-eu', 'prod-eu-2']);
    expect(unknown.allRows().length).toBe(rows.length + crashing.length);
  });

  it('Fleet: the second row says `=prod-eu` instead of counting again; the title counts clusters', () => {
    const store = twoContextsOneCluster(true);
    const view = new FleetView(appOn(store, ['dev', 'prod-eu', 'prod-eu-2']));
    const rows = view.fleetRows();
    const eu = rows.find((r) => r.status.name === 'prod-eu')!;
    const eu2 = rows.find((r) => r.status.name === 'prod-eu-2')!;
    expect(eu.problems).toBe(1);
    expect(eu.sameAs).toBeUndefined();
    expect(eu2.sameAs).toBe('prod-eu');
    const lines = plain(view.render(220, 10));
    const header = lines[0];
    const cell = (line: string) => line.slice(header.indexOf('PROBLEMS') - 2, header.indexOf('PROBLEMS') + 'PROBLEMS'.length).trim();
    expect(cell(lines.find((l) => l.includes('prod-eu-2'))!)).toBe('=prod-eu');
    expect(cell(lines.find((l) => l.includes('prod-eu ') && !l.includes('prod-eu-2'))!)).toBe('1');
    expect(view.status()).toBe('[3 contexts · 2 clusters]');
    expect(new FleetView(appOn(twoContextsOneCluster(false), ['dev', 'prod-eu', 'prod-eu-2'])).status()).toBe('[3 contexts]');
  });
});
