// Contexts that reach the same cluster (issue 20 case 10): two kubeconfig contexts with
// different names (another user, another default namespace, a copy of a kubeconfig) talking
// to one API server. Recognised so that a view or command counts that cluster's problems once
// and marks the rows. Pure: the caller passes what the store knows of each context.
//
// The rule, in order:
// 1. Both contexts' servers must be the same URL after normalisation (normalizeServer).
// 2. When both know the cluster's kube-system Namespace uid (a GET at connect), they are the
//    same cluster exactly when the uids are equal: a uid is a random UUID the cluster gave the
//    namespace when it was created, so equal uids behind one URL are one cluster, and a rebuilt
//    cluster behind a reused URL has a new one. Basis 'kube-system-uid'.
// 3. When either could not read it (RBAC: a user bound to some namespaces may not GET
//    kube-system), they are the same cluster when both pin the same CA bundle (sha256 of its
//    bytes) and neither skips TLS verification. Basis 'server+ca'. Why this is sound enough: a
//    cluster's API server certificate is signed by a CA made for that cluster (kubeadm, k3s,
//    kind, EKS, GKE and AKS each make a new one per cluster), so a URL reused for another
//    cluster (a rebuilt cluster, a local tunnel port pointing elsewhere) pins a different CA,
//    and the TLS handshake proves the server holds a key that CA vouched for. What it cannot
//    tell apart is a cluster restored from another's backup (CA and all) behind the same URL.
// 4. Otherwise (no CA pinned, TLS not verified, a uid not read yet): not the same. Counting one
//    cluster twice is the safe error; merging two clusters would hide one's problems.

/** What is known of one context's cluster. */
export interface ClusterIdentity {
  name: string;
  /** the kubeconfig cluster's server URL */
  server?: string;
  /** the uid of the cluster's kube-system Namespace, when it could be read */
  kubeSystemUid?: string;
  /** true when reading that uid was tried and refused or failed (RBAC): only then may server + CA decide */
  kubeSystemUidUnreadable?: boolean;
  /** sha256 (hex) of the CA bundle the kubeconfig pins; absent with insecure-skip-tls-verify or no CA */
  caFingerprint?: string;
}

export type SameClusterBasis = 'kube-system-uid' | 'server+ca';

/** A context found to reach the cluster of an earlier one. */
export interface SameCluster {
  /** the first context (in the order given) reaching the same cluster */
  as: string;
  basis: SameClusterBasis;
}

const DEFAULT_PORT: Record<string, string> = { 'https:': '443', 'http:': '80' };

/**
 * A server URL in one spelling: scheme and host lower-cased, the scheme's default port
 * written out, no trailing slash, no query or fragment. `https://API.Example.com/` and
 * `https://api.example.com:443` are the same; host names are not resolved (`localhost` and
 * `127.0.0.1` stay different). Undefined when it is not a URL.
 */
export function normalizeServer(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  const port = u.port || DEFAULT_PORT[u.protocol] || '';
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.hostname.toLowerCase()}${port ? `:${port}` : ''}${path}`;
}

/** Whether two contexts reach the same cluster, and on what basis (the file comment's rule); undefined when not (or not known). */
export function sameClusterBasis(a: ClusterIdentity, b: ClusterIdentity): SameClusterBasis | undefined {
  const sa = normalizeServer(a.server);
  if (!sa || sa !== normalizeServer(b.server)) return undefined;
  return identityBasis(a, b);
}

/** Rules 2-4 of the file comment, for two contexts behind the same server URL. */
function identityBasis(a: ClusterIdentity, b: ClusterIdentity): SameClusterBasis | undefined {
  if (a.kubeSystemUid && b.kubeSystemUid) return a.kubeSystemUid === b.kubeSystemUid ? 'kube-system-uid' : undefined;
  // not read yet on one side: not known, so not the same (yet)
  if (!(a.kubeSystemUid || a.kubeSystemUidUnreadable) || !(b.kubeSystemUid || b.kubeSystemUidUnreadable)) return undefined;
  if (a.caFingerprint && a.caFingerprint === b.caFingerprint) return 'server+ca';
  return undefined;
}

/**
 * The contexts that reach the cluster of an earlier context in `contexts` (the order of the
 * selection), keyed by name: each points at the FIRST context of its cluster, so a cluster's
 * numbers are counted under that one. Contexts not in the map are their cluster's first (or
 * alone). O(n²) over the contexts behind one server URL, O(n) over the rest.
 */
export function sameClusters(contexts: readonly ClusterIdentity[]): Map<string, SameCluster> {
  const out = new Map<string, SameCluster>();
  // each URL parsed once, and only contexts behind one URL compared (views ask every frame)
  const firsts = new Map<string, ClusterIdentity[]>();
  for (const c of contexts) {
    const server = normalizeServer(c.server);
    if (!server) continue;
    const behind = firsts.get(server) ?? [];
    let found: SameCluster | undefined;
    for (const f of behind) {
      const basis = identityBasis(f, c);
      if (basis) {
        found = { as: f.name, basis };
        break;
      }
    }
    if (found) out.set(c.name, found);
    else firsts.set(server, [...behind, c]);
  }
  return out;
}

/** The first context of `name`'s cluster (itself when it is the first or alone). */
export function clusterOf(same: ReadonlyMap<string, SameCluster>, name: string): string {
  return same.get(name)?.as ?? name;
}

/**
 * Items seen through several contexts of one cluster, once: items with the same
 * (cluster, key) are one, the first in the given order kept (callers pass them most severe
 * first) with `contexts` listing every context that saw it, in the order of `order` (the
 * selection). Items of different clusters are never merged.
 */
export function mergeSameCluster<T extends { context: string }>(
  items: readonly T[],
  same: ReadonlyMap<string, SameCluster>,
  keyOf: (item: T) => string,
  order: readonly string[],
): (T & { contexts: string[] })[] {
  const rank = new Map(order.map((c, i) => [c, i]));
  const byKey = new Map<string, T & { contexts: string[] }>();
  const out: (T & { contexts: string[] })[] = [];
  for (const item of items) {
    const k = `${clusterOf(same, item.context)}\u0000${keyOf(item)}`;
    const seen = byKey.get(k);
    if (seen) {
      if (!seen.contexts.includes(item.context)) seen.contexts.push(item.context);
      continue;
    }
    const merged = { ...item, contexts: [item.context] };
    byKey.set(k, merged);
    out.push(merged);
  }
  for (const m of out) if (m.contexts.length > 1) m.contexts.sort((x, y) => (rank.get(x) ?? Infinity) - (rank.get(y) ?? Infinity));
  return out;
}
