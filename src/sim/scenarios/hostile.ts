// The `hostile` fleet: the demo fleet (faults on) whose text is written by someone hostile.
// Seeded, so a failing fuzz run replays: annotations and label values, event reasons and
// messages, Flux paths (which reach Ready messages), certificate issuers (a printer column),
// CR specs and every container's log lines carry escape sequences (title changes, screen
// clears, unclosed colours, DCS/APC/PM/SOS, 8-bit C1), controls (\r, \b, BEL, NUL, tabs),
// blessed tag syntax, lone surrogates, wide characters (CJK, emoji, ZWJ sequences, combining
// marks), bidi overrides, very long runs and, in log lines, invalid UTF-8.
import { mulberry32 as seeded } from '../../model/prng.js';
import type { KubeObject } from '../../model/types.js';
import type { BuiltCluster } from '../build-cluster.js';
import { UNMANAGED } from '../controllers/operators.js';
import { nowSeconds } from '../store.js';
import { demoCluster } from './demo.js';
import type { ScaleOptions } from './index.js';

/** What a hostile writer puts in text: each one something a terminal would act on or mis-measure. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  '\x1b]0;PWNED-TITLE\x07', '\x1b]2;PWNED-TITLE2\x1b\\', '\x1b]52;c;cHduZWQ=\x07', '\u009d0;C1-TITLE\u0007',
  '\x1b[2J\x1b[H', '\x1b[41m', '\x1b[1;31m', '\x1b[?1049l', '\x1b[?25l', '\x1b[6n', '\x1bc', '\x1b[5i', '\u009b2J',
  '\x1bP+q544e\x1b\\', '\x1b_apc-payload\x1b\\', '\x1b^pm-payload\x1b\\', '\x1bXsos-payload\x1b\\', '\u0090dcs\u009c',
  '\r', '\t', '\b\b\b', '\x07', '\x00', '\x7f', '\x0e', '\x1b', '\n',
  '{bold}', '{red-fg}', '{/}', '{open}', '{#ff0000-bg}',
  '\ud800', '\udfff',
  '日本語テキスト', '中文字符', '한국어', '😀🔥', '👨‍👩‍👧', 'e\u0301', '\u202eevil\u202c', 'ｆｕｌｌ',
  'letsencrypt-prod-missing', 'plain words',
];

/** `n` fragments (and a very long run now and then), seeded. */
export function hostileText(rnd: () => number, n = 4): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.05) s += 'long-'.repeat(60 + Math.floor(rnd() * 60));
    else s += HOSTILE_FRAGMENTS[Math.floor(rnd() * HOSTILE_FRAGMENTS.length)];
  }
  return s;
}

const INVALID_UTF8: readonly number[][] = [[0xff], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]];

/** A log line: hostile text, and every third line bytes that are not valid UTF-8. */
export function hostileLine(rnd: () => number, seq: number): string | Uint8Array {
  const text = `hostile#${seq} ${hostileText(rnd, 3)}`.replace(/\n/g, ' ');
  if (seq % 3 !== 0) return text;
  const bad = INVALID_UTF8[Math.floor(rnd() * INVALID_UTF8.length)];
  return Buffer.concat([Buffer.from(text), Buffer.from(bad), Buffer.from(' 日本 tail')]);
}

function poison(c: BuiltCluster, rnd: () => number): void {
  const { store } = c;
  const text = (n = 3): string => hostileText(rnd, n);
  const annotate = (key: string, o: KubeObject): void => {
    store.mutate(key, o.metadata.namespace, o.metadata.name, (x) => {
      x.metadata.annotations = { ...x.metadata.annotations, 'hostile.example/note': text(4), 'hostile.example/日本': text(2) };
      x.metadata.labels = { ...x.metadata.labels, hostile: text(1) };
    });
  };
  for (const key of ['deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'services', 'configmaps', 'pods', 'kustomizations.kustomize.toolkit.fluxcd.io', 'helmreleases.helm.toolkit.fluxcd.io', 'certificates.cert-manager.io', 'clusters.postgresql.cnpg.io']) {
    for (const o of store.list(key)) annotate(key, o);
  }
  // Events are free text from whoever records them
  for (const o of store.list('deployments.apps').concat(store.list('pods').slice(0, 8))) {
    c.events.record(o, rnd() < 0.5 ? 'Warning' : 'Normal', `Hostile${text(1)}`, text(4), 'hostile-controller');
  }
  // a Flux path reaches the Kustomization's Ready message; an issuer is a printer column
  store.mutate('kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', 'apps', (k) => {
    (k.spec as Record<string, unknown>).path = `./apps/${text(2)}`;
  });
  for (const cert of store.list('certificates.cert-manager.io')) {
    store.mutate('certificates.cert-manager.io', cert.metadata.namespace, cert.metadata.name, (x) => {
      (x.spec as { issuerRef: { name: string } }).issuerRef.name = `letsencrypt-${text(2)}`;
    });
  }
}

/**
 * An object name as hostile as an API server lets one be. The fragments minus what no server
 * accepts in any name: '/' and '%' (they end or escape the URL path segment; RBAC names, which
 * are only path segments, may hold anything else: controls, escapes, wide characters) and lone
 * surrogates (a Go server's JSON has none). Prefixed so that a test can find it with the
 * filter. The sim also stores such names on kinds whose names a real server checks as DNS
 * subdomains (Deployments, ConfigMaps, Certificates): fleetdeck may not rely on that check
 * (aggregated APIs, proxies, CRDs served by other servers) and must draw any name safely.
 */
export function hostileName(rnd: () => number, prefix: string): string {
  const body = hostileText(rnd, 3).replace(/[/%]/g, '-').replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
    // keep surrogate pairs (emoji), drop lone halves
    const hi = c >= '\ud800' && c <= '\udbff' && /[\udc00-\udfff]/.test(all[i + 1] ?? '');
    const lo = c >= '\udc00' && /[\ud800-\udbff]/.test(all[i - 1] ?? '');
    return hi || lo ? c : '';
  });
  return `${prefix}${[...body].slice(0, 200).join('')}`;
}

/**
 * Objects named by someone hostile, and status text no controller rewrites: a Deployment (its
 * ReplicaSets and Pods inherit the name; rolled out twice, so history has revisions), ConfigMaps
 * (one owned by an object of a hostile kind),
 * a Certificate left to its clients (sim.fleetdeck.io/unmanaged) whose Ready condition carries a
 * hostile reason and message, a suspended Kustomization whose status says so too, and Events
 * whose involvedObject (kind, namespace, name) is hostile.
 */
function hostileObjects(c: BuiltCluster, rnd: () => number): void {
  const { store } = c;
  const text = (n = 3): string => hostileText(rnd, n);
  const name = hostileName(rnd, 'hx-');
  const labels = { app: 'hx', hostile: 'name' };
  store.create('deployments.apps', {
    metadata: { name, namespace: 'checkout', labels, annotations: { 'kubernetes.io/change-cause': text(2) } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'hx' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'hx', image: 'ghcr.io/acme/hx:1.0.0' }] } } },
  });
  c.runtime.advance(60_000, 5000);
  store.mutate('deployments.apps', 'checkout', name, (d) => {
    d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': text(2) };
    ((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]).image = 'ghcr.io/acme/hx:1.1.0';
  });
  // the first is owned by an object of a kind named by someone hostile (an ownerReference may
  // name any kind; trace and tree print it)
  for (let i = 0; i < 3; i++) {
    const owners = i === 0 ? [{ apiVersion: 'hx.example/v1', kind: 'Hx\x1b]0;PWNED-KIND\x07{bold}日本\u009b2J', name: 'hx-owner', uid: 'hx-owner-uid' }] : undefined;
    store.create('configmaps', { metadata: { name: hostileName(rnd, `hx-cm${i}-`), namespace: 'checkout', ...(owners ? { ownerReferences: owners } : {}) }, data: { note: text(2) } });
  }
  const cert = store.create('certificates.cert-manager.io', {
    metadata: { name: hostileName(rnd, 'hx-cert-'), namespace: 'checkout', annotations: { [UNMANAGED]: 'true' } },
    spec: { secretName: 'hx-tls', dnsNames: ['hx.example.com'], issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' } },
  });
  store.mutate('certificates.cert-manager.io', 'checkout', cert.metadata.name, (x) => {
    x.status = { conditions: [{ type: 'Ready', status: 'False', reason: `Hx${text(1)}`, message: text(4), lastTransitionTime: '2026-01-01T00:00:00Z' }] };
  }, { subresource: 'status' });
  const ks = store.create('kustomizations.kustomize.toolkit.fluxcd.io', {
    metadata: { name: hostileName(rnd, 'hx-ks-'), namespace: 'flux-system' },
    spec: { interval: '10m0s', path: './hx', prune: true, suspend: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
  });
  store.mutate('kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', ks.metadata.name, (x) => {
    x.status = { conditions: [{ type: 'Ready', status: 'False', reason: `Hx${text(1)}`, message: text(4), lastTransitionTime: '2026-01-01T00:00:00Z' }] };
  }, { subresource: 'status' });
  // Events about objects that may not exist, named and namespaced by whoever wrote them
  for (let i = 0; i < 4; i++) {
    store.create('events', {
      metadata: { name: `hx-event-${i}`, namespace: 'checkout' },
      involvedObject: { apiVersion: 'v1', kind: i % 2 ? 'Pod' : `Hx${text(1)}`, name: hostileName(rnd, 'hx-obj-'), namespace: hostileName(rnd, 'hx-ns-'), uid: `hx-${i}` },
      reason: `Hx${text(1)}`, message: text(4), type: i % 2 ? 'Warning' : 'Normal', count: 1,
      firstTimestamp: nowSeconds(), lastTimestamp: nowSeconds(),
      source: { component: text(1) }, reportingComponent: 'hx', reportingInstance: '',
    });
  }
  c.runtime.advance(60_000, 5000);
}

/** The demo fleet with hostile text everywhere (seeded; default seed 16). */
export function hostileFleet(opts: ScaleOptions = {}): BuiltCluster[] {
  const seed = opts.seed ?? 16;
  return (['dev', 'staging', 'prod-eu'] as const).map((env, i) => {
    const logRnd = seeded(seed * 31 + i);
    const c = demoCluster(env, true, { ...opts, logRate: opts.logRate ?? 4, logLines: (_image, seq) => hostileLine(logRnd, seq) });
    poison(c, seeded(seed * 17 + i));
    hostileObjects(c, seeded(seed * 13 + i));
    return c;
  });
}
