// Kubeconfig merge rules (kubectl's: first file wins per name and for current-context,
// missing files skipped) and context selection (names, globs, comma lists, fleets).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextConfig, contextNames, KubeconfigError, kubeconfigFiles, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { globToRegExp, selectContexts } from '../../src/kube/select.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fd-kc-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const a = file(
  'a.yaml',
  `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: { server: "https://one.example:6443/", certificate-authority: certs/ca.pem }
- name: shared
  cluster: { server: "https://from-a.example" }
users:
- name: u1
  user: { token: tok-a, client-certificate: certs/u1.crt, client-key: /abs/u1.key }
contexts:
- name: one
  context: { cluster: c1, user: u1, namespace: team-a }
- name: dup
  context: { cluster: shared, user: u1 }
`,
);
const b = file(
  'b.yaml',
  `current-context: two
clusters:
- name: shared
  cluster: { server: "https://from-b.example" }
- name: c2
  cluster: { server: "http://two.example" }
users:
- name: u2
  user: { token: tok-b }
contexts:
- name: two
  context: { cluster: c2, user: u2 }
- name: dup
  context: { cluster: c2, user: u2 }
`,
);
const empty = file('empty.yaml', '');

describe('kubeconfig loading', () => {
  it('picks the files as kubectl does', () => {
    expect(kubeconfigFiles({ kubeconfig: '/x', env: { KUBECONFIG: '/y' } })).toEqual({ files: ['/x'], explicit: true });
    expect(kubeconfigFiles({ env: { KUBECONFIG: `/y${path.delimiter}${path.delimiter}/z${path.delimiter}/y` } }).files).toEqual(['/y', '/z']);
    expect(kubeconfigFiles({ env: {}, home: '/home/h' }).files).toEqual(['/home/h/.kube/config']);
    expect(kubeconfigFiles({ env: { KUBECONFIG: '' }, home: '/home/h' }).files).toEqual(['/home/h/.kube/config']);
  });

  it('merges: first file wins for names and current-context; missing files are skipped', () => {
    const m = loadKubeconfig({ env: { KUBECONFIG: [path.join(dir, 'missing.yaml'), a, empty, b].join(path.delimiter) } });
    expect(contextNames(m)).toEqual(['one', 'dup', 'two']);
    expect(m.currentContext).toBe('one');
    expect(m.clusters.get('shared')!.value.server).toBe('https://from-a.example');
    expect(m.contexts.get('dup')!.value.cluster).toBe('shared');
    const rev = loadKubeconfig({ env: { KUBECONFIG: [b, a].join(path.delimiter) } });
    expect(rev.currentContext).toBe('two');
    expect(rev.clusters.get('shared')!.value.server).toBe('https://from-b.example');
  });

  it('builds one KubeConfig per context with paths resolved against the file', async () => {
    const m = loadKubeconfig({ env: { KUBECONFIG: [a, b].join(path.delimiter) } });
    const one = contextConfig(m, 'one');
    expect(one.namespace).toBe('team-a');
    expect(one.cluster.server).toBe('https://one.example:6443');
    expect(one.cluster.caFile).toBe(path.join(dir, 'certs/ca.pem'));
    expect(one.user.certFile).toBe(path.join(dir, 'certs/u1.crt'));
    expect(one.user.keyFile).toBe('/abs/u1.key');
    const kc = await one.kc();
    expect(kc.getCurrentContext()).toBe('one');
    expect(kc.getContexts().map((c) => c.name)).toEqual(['one']);
    expect(kc.getCurrentUser()?.token).toBe('tok-a');
    // a plain-http server is spoken to as kubectl does
    expect(contextConfig(m, 'two').cluster.skipTLSVerify).toBe(true);
  });

  it('names the file and the problem for missing and malformed files', () => {
    expect(() => loadKubeconfig({ kubeconfig: path.join(dir, 'nope.yaml') })).toThrow(/nope\.yaml: kubeconfig file not found/);
    const bad = file('bad.yaml', 'clusters:\n  - name: x\n   cluster: [\n');
    expect(() => loadKubeconfig({ kubeconfig: bad })).toThrow(KubeconfigError);
    expect(() => loadKubeconfig({ kubeconfig: bad })).toThrow(/bad\.yaml: invalid YAML at line \d+/);
    const notList = file('notlist.yaml', 'contexts: { a: 1 }\n');
    expect(() => loadKubeconfig({ kubeconfig: notList })).toThrow(/notlist\.yaml: "contexts" must be a list/);
    const noName = file('noname.yaml', 'users:\n- user: { token: x }\n');
    expect(() => loadKubeconfig({ kubeconfig: noName })).toThrow(/noname\.yaml: users\[0\] has no name/);
    const dangling = file('dangling.yaml', 'contexts:\n- name: c\n  context: { cluster: ghost, user: u }\n');
    const m = loadKubeconfig({ kubeconfig: dangling });
    expect(() => contextConfig(m, 'c')).toThrow(/dangling\.yaml: context "c" refers to cluster "ghost", which is not defined/);
  });
});

describe('context selection', () => {
  const avail = ['dev', 'prod-eu', 'prod-us', 'stg-eu'];
  const fleets = { prod: ['prod-*'], eu: ['prod-eu', 'stg-eu'], broken: ['nope'] };

  it('defaults to the current context', () => {
    expect(selectContexts({}, avail, 'dev')).toEqual(['dev']);
    expect(() => selectContexts({}, avail, undefined)).toThrow(/no current context.*available: dev, prod-eu/);
  });

  it('takes names, globs and comma lists, in kubeconfig order, without duplicates', () => {
    expect(selectContexts({ context: ['prod-*'] }, avail, 'dev')).toEqual(['prod-eu', 'prod-us']);
    expect(selectContexts({ context: ['stg-eu,dev', '*-eu'] }, avail, 'dev')).toEqual(['dev', 'prod-eu', 'stg-eu']);
    expect(selectContexts({ allContexts: true }, avail, 'dev')).toEqual(avail);
    // both: which one was meant is a guess (it silently took every context)
    expect(() => selectContexts({ allContexts: true, context: ['dev'] }, avail, 'dev')).toThrow('--all-contexts covers every context: give it or --context/--fleet, not both');
    expect(() => selectContexts({ allContexts: true, fleet: ['prod'] }, avail, 'dev', { prod: ['prod-*'] })).toThrow(/not both/);
    expect(globToRegExp('prod-[eu]?').test('prod-eu')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('expands fleets from the app config', () => {
    expect(selectContexts({ fleet: ['prod'] }, avail, 'dev', fleets)).toEqual(['prod-eu', 'prod-us']);
    expect(selectContexts({ fleet: ['eu'], context: ['dev'] }, avail, 'dev', fleets)).toEqual(['dev', 'prod-eu', 'stg-eu']);
  });

  it('explains unknown names, empty globs and unknown fleets with the available choices', () => {
    expect(() => selectContexts({ context: ['qa'] }, avail, 'dev')).toThrow('unknown context "qa"; available: dev, prod-eu, prod-us, stg-eu');
    expect(() => selectContexts({ context: ['qa-*'] }, avail, 'dev')).toThrow(/"qa-\*" matches no context; available: dev/);
    expect(() => selectContexts({ fleet: ['x'] }, avail, 'dev', fleets)).toThrow('unknown fleet "x"; defined fleets: prod, eu, broken');
    expect(() => selectContexts({ fleet: ['broken'] }, avail, 'dev', fleets)).toThrow(/unknown context "nope" \(in fleet "broken"\)/);
  });
});
