// readBlockYaml (src/model/block-yaml.ts) reads kubeconfigs without the yaml package: what it
// reads must be what that package's parse() gives, and everything else it must leave to it
// (undefined). Checked on kubeconfigs as kubectl, cloud CLIs and our sim write them, on random
// documents the package itself writes in several styles, and on random damage to them.
import { describe, expect, it } from 'vitest';
import { parse, parseDocument, stringify } from 'yaml';
import { readBlockYaml } from '../../src/model/block-yaml.js';

const kubectlStyle = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJkekNDQVIyZ0F3SUJBZ0lCQURBS0JnZ3Foa2pPUFFRREFqQWpNU0V3SHdZRFZRUUREQmhyTTNNdGMyVnkKZG1WeUxXTmhRREUzTURBd01EQXdNREF3SGhjTk1qUXdNVEF4TURBd01EQXdXaGNOTXpRd01UQXhNREF3TURBdwpXakFqTVNFd0h3WURWUVFEREJock0zTXRjMlZ5ZG1WeUxXTmhRREUzTURBd01EQXdNREF3V1RBVEJnY3Foa2pPClBRSUJCZ2dxaGtqT1BRTUJCd05DQUFRPT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
    server: https://203.0.113.10:6443
  name: prod-eu
- cluster:
    insecure-skip-tls-verify: true
    proxy-url: socks5://localhost:1080
    server: https://kind-control-plane:6443
    tls-server-name: kubernetes
  name: kind-dev
contexts:
- context:
    cluster: prod-eu
    namespace: payments
    user: prod-admin
  name: prod-eu
- context:
    cluster: kind-dev
    user: kind-dev
  name: kind-dev
current-context: prod-eu
kind: Config
preferences: {}
users:
- name: prod-admin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - eks
      - get-token
      - --cluster-name
      - prod-eu
      - --output
      - json
      command: aws
      env:
      - name: AWS_PROFILE
        value: prod
      interactiveMode: IfAvailable
      provideClusterInfo: false
- name: kind-dev
  user:
    client-certificate: ./certs/dev.crt
    client-key: /home/me/.kind/dev.key
    token: null
`;

const indentedStyle = `# written by hand
---
apiVersion: v1
kind: Config
current-context: "gke_acme_europe-west1_main"
clusters:
  - name: gke_acme_europe-west1_main
    cluster:
      server: "https://34.0.0.1"   # the public endpoint
      certificate-authority: 'C:\\kube\\ca.crt'
users:
  - name: gke_acme_europe-west1_main
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: gke-gcloud-auth-plugin
        installHint: "Install gke-gcloud-auth-plugin for use with kubectl by following\\n  https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin"
        provideClusterInfo: true
        args: []
      username: 'it''s me'
      password: "p#ss \\"w\\u00f6rd\\""
  - name: oidc
    user:
      auth-provider:
        name: oidc
        config:
          client-id: kubernetes
          idp-issuer-url: https://dex.example.com
          extra-scopes: groups,email
contexts:
  - name: main
    context:
      cluster: gke_acme_europe-west1_main
      user: gke_acme_europe-west1_main
      namespace: ~
extensions:
  -
    name: x
    extension:
      last-update: Mon, 01 Jan 2024 10:00:00 UTC
      provider: minikube.sigs.k8s.io
`;

describe('readBlockYaml reads kubeconfigs as the yaml package does', () => {
  it.each([
    ['kubectl', kubectlStyle],
    ['indented, quoted, commented', indentedStyle],
    ['CRLF line ends', kubectlStyle.replace(/\n/g, '\r\n')],
    ['empty', ''],
    ['comments only', '# nothing here\n\n   # still nothing\n'],
  ])('%s', (_, text) => {
    const mine = readBlockYaml(text);
    expect(mine).not.toBeUndefined();
    expect(mine).toEqual(parse(text));
  });

  it.each([
    ['an anchor and an alias', 'a: &x b\nc: *x\n'],
    ['a tag', 'a: !!str b\n'],
    ['a block scalar', 'a: |\n  line\n'],
    ['a flow mapping with content', 'a: {b: c}\n'],
    ['a flow sequence with content', 'args: [get-token]\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a tab', 'a:\n\tb: c\n'],
    ['a number', 'port: 6443\n'],
    ['a negative number', 'a: -1\n'],
    ['a float', 'a: .5\n'],
    ['a duplicate key', 'a: b\na: c\n'],
    ['a quoted key', '"a": b\n'],
    ['a second document', 'a: b\n---\nc: d\n'],
    ['a directive', '%YAML 1.2\n---\na: b\n'],
    ['a mapping inside a plain scalar', 'a: b: c\n'],
    ['a nested sequence on one line', 'a:\n- - b\n'],
    ['an unknown escape', 'a: "\\q"\n'],
    ['a __proto__ key', '__proto__: x\n'],
    ['uneven indentation', 'a:\n    b: c\n  d: e\n'],
    ['a scalar document', 'just text\n'],
    ['a BOM', '\ufeffa: b\n'],
  ])('leaves %s to the yaml package', (_, text) => {
    expect(readBlockYaml(text)).toBeUndefined();
  });
});

/** A seeded generator (mulberry32): the same documents every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['name', 'cluster', 'user', 'server', 'args', 'env', 'exec', 'token', 'value', 'client.authentication.k8s.io', 'a-b', 'x_y', 'k8s/path'];
const WORDS = ['v1', 'prod', 'https://h:6443', '--flag', 'a b', 'true', 'False', 'null', '~', 'yes', '', ' lead', 'trail ', "it's", 'say "hi"', 'a #b', 'a#b', 'c: d', 'e:', '-x', '- y', '1', '0x1F', '.5', '1e3', '.inf', 'é ü', 'back\\slash', '{}', '[]', './rel/path', '.info', '+x', '-.5', '*star', '&amp', '!bang', '@at', '`tick', '%pct', '? q', ': c', 'tab\there', 'nl\nhere', 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJkekNDQVIyZ0F3SUJBZ0lCQURBS0JnZ3Foa2pPUFFRREFqQWpNU0V3SHdZRFZRUUREQmhyTTNNdGMyVnkKZG1WeUxXTmhRREUzTURBd01EQXdNREF3SGhjTk1qUXdNVEF4TURBd01EQXdXaGNOTXpRd01UQXhNREF3TURBdw'];

function value(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 3 || k < 0.45) {
    const w = r();
    return w < 0.08 ? null : w < 0.14 ? r() < 0.5 : w < 0.18 ? Math.floor(r() * 1000) : WORDS[Math.floor(r() * WORDS.length)];
  }
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]] = value(r, depth + 1);
  return o;
}

const STYLES = [{}, { indentSeq: false }, { defaultStringType: 'QUOTE_DOUBLE' as const }, { defaultStringType: 'QUOTE_SINGLE' as const }, { lineWidth: 0 }, { lineWidth: 30, indent: 4 }];

describe('readBlockYaml on documents the yaml package writes', () => {
  it('reads what it reads as parse() does, and reads most of them', () => {
    const r = rng(22);
    let read = 0;
    let total = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = { apiVersion: 'v1', kind: 'Config', data: value(r, 0) };
      const text = stringify(doc, STYLES[i % STYLES.length]);
      const mine = readBlockYaml(text);
      total++;
      if (mine === undefined) continue;
      read++;
      expect(mine, text).toEqual(parse(text));
    }
    // the subset is most of what a writer of block YAML makes
    expect(read / total).toBeGreaterThan(0.5);
  });

  it('never reads damaged text differently from the package, nor text it refuses', () => {
    const r = rng(7);
    const base = [kubectlStyle, indentedStyle];
    const damage = [
      (l: string) => ` ${l}`,
      (l: string) => l.slice(1),
      (l: string) => `${l}: x`,
      (l: string) => `${l} #`,
      (l: string) => l.replace(':', ''),
      (l: string) => l.replace(': ', ':'),
      (l: string) => l.replace('- ', '-'),
      (l: string) => l.replace(/ (\S)/, ' "$1'),
      (l: string) => l.replace(/ (\S)/, " '$1"),
      (l: string) => `${l}\n${l}`,
      (l: string) => `${l}\n  - z`,
      (l: string) => `${l}\n- z`,
      (l: string) => l.replace(/\w+/, '7'),
      (l: string) => `${l} &a`,
      (l: string) => '',
    ];
    let read = 0;
    for (let i = 0; i < 4000; i++) {
      const lines = base[i % 2].split('\n');
      for (let n = 1 + Math.floor(r() * 2); n > 0; n--) {
        const at = Math.floor(r() * lines.length);
        lines[at] = damage[Math.floor(r() * damage.length)](lines[at]);
      }
      const text = lines.join('\n');
      const mine = readBlockYaml(text);
      if (mine === undefined) continue;
      read++;
      const doc = parseDocument(text);
      expect(doc.errors, text).toEqual([]);
      expect(mine, text).toEqual(doc.toJS());
    }
    expect(read).toBeGreaterThan(200);
  });
});
