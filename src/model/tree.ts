// Ownership trees within one context: owners upward by ownerReferences, descendants
// downward by owner uid, plus what Flux applied (Kustomization inventories, HelmRelease
// labels and inventories), which carries no ownerReferences. Pure: everything is read
// through a TreeIndex the caller provides (the fleet store, or indexFromObjects).
import { arr, isRecord, str, strMap } from './access.js';
import { FLUX_KIND_GROUPS, fluxOwner, inventory, sourceRefOf } from './flux.js';
import { health } from './health.js';
import { entryOf } from './kinds.js';
import type { KubeObject, OwnerReference, ResourceType } from './types.js';
import { resourceKey, splitApiVersion } from './types.js';

/** An object as the store holds it: its resourceKey ('deployments.apps') and the object. */
export interface ObjRef {
  resource: string;
  object: KubeObject;
}

/**
 * What tree building and traces read, all within ONE context. The fleet store's indexes answer
 * byUid/ownedBy/appliedBy;
 * `find` resolves a group+kind (as inventories name them) through discovery; `withLabels`
 * is optional — without it a HelmRelease's children come from its inventory only.
 */
export interface TreeIndex {
  byUid(uid: string): ObjRef | undefined;
  /** objects whose ownerReferences name this uid */
  ownedBy(uid: string): ObjRef[];
  find(group: string, kind: string, namespace: string | undefined, name: string): ObjRef | undefined;
  /** objects of any watched kind carrying all these labels */
  withLabels?(labels: Record<string, string>): ObjRef[];
  /** the Kustomizations and HelmReleases whose status.inventory lists this object */
  appliedBy(group: string, kind: string, namespace: string | undefined, name: string): ObjRef[];
  /** why the absence of a kind's object proves nothing yet (not listed, forbidden); undefined once listed */
  unlisted?(group: string, kind: string, namespace: string | undefined): string | undefined;
}

/** The health model's verdict, as much of it as a tree needs. */
export interface NodeVerdict {
  status: string;
  reason?: string;
  message?: string;
}

export type HealthFn = (ref: ObjRef) => NodeVerdict;

export type Via = 'root' | 'owner' | 'inventory' | 'helm-label' | 'group';

export interface MissingRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface TreeNode {
  /** stable across rebuilds: the uid, or a synthetic id for missing and group nodes */
  id: string;
  ref?: ObjRef;
  missing?: MissingRef;
  kind: string;
  namespace: string;
  name: string;
  verdict: NodeVerdict;
  /** worst state of this node and everything below it, and how many below are Failed */
  rolledUp: NodeVerdict & { failing: number };
  children: TreeNode[];
  /** a fan-out collapsed into one node until its id is in `expanded` */
  group?: { count: number; kind: string; failing: number };
  via: Via;
  /** Flux: where a Kustomization / HelmRelease gets its source, and what it waits for */
  info?: { source?: string; dependsOn?: string[] };
  /** already drawn elsewhere in this tree (a cycle or a second path): not expanded again */
  repeat?: boolean;
}

export interface TreeOptions {
  /** default: the health model over the object and the pods below it (healthFromIndex) */
  healthOf?: HealthFn;
  /** ids of group nodes the user opened */
  expanded?: Set<string>;
  /** more children of one kind than this are grouped; default 20 */
  groupThreshold?: number;
  /** safety bound on depth; default 30 */
  maxDepth?: number;
}

const KS_GROUP = FLUX_KIND_GROUPS.Kustomization;
const HR_GROUP = FLUX_KIND_GROUPS.HelmRelease;
const HR_LABELS = { name: `${HR_GROUP}/name`, namespace: `${HR_GROUP}/namespace` };

// Worst first; statuses the table does not know rank just above Current.
const severity: Record<string, number> = {
  Failed: 6,
  NotFound: 5,
  Unknown: 4,
  InProgress: 3,
  Terminating: 2,
  Suspended: 1,
  Current: 0,
};

export function severityOf(status: string): number {
  return severity[status] ?? 1;
}

export function kindOf(ref: ObjRef): string {
  return str(ref.object, 'kind') ?? ref.resource.split('.')[0];
}

export function groupOf(ref: ObjRef): string {
  const av = str(ref.object, 'apiVersion');
  if (av) return splitApiVersion(av).group;
  const i = ref.resource.indexOf('.');
  return i < 0 ? '' : ref.resource.slice(i + 1);
}

function uidOf(o: unknown): string | undefined {
  return str(o, 'metadata', 'uid') || undefined;
}

function nameOf(o: unknown): string {
  return str(o, 'metadata', 'name') ?? '';
}

function nsOf(o: unknown): string {
  return str(o, 'metadata', 'namespace') ?? '';
}

/** Well-formed ownerReferences, the controller first (as kubectl-tree and `describe` read them). */
export function ownerRefs(obj: unknown): OwnerReference[] {
  const refs = arr(obj, 'metadata', 'ownerReferences').filter(
    (r): r is OwnerReference =>
      isRecord(r) && typeof r.uid === 'string' && typeof r.kind === 'string' && typeof r.name === 'string',
  );
  return [...refs.filter((r) => r.controller === true), ...refs.filter((r) => r.controller !== true)];
}

export interface Owner {
  reference: OwnerReference;
  /** undefined when the owner is gone (a dangling reference) */
  ref?: ObjRef;
}

export function ownersOf(ref: ObjRef, index: TreeIndex): Owner[] {
  return ownerRefs(ref.object).map((reference) => ({ reference, ref: index.byUid(reference.uid) }));
}

/** The Flux object whose labels say it applied this object (the HelmRelease before its Kustomization). */
export function fluxOwnerOf(obj: unknown): { kind: string; group: string; namespace: string; name: string } | undefined {
  const f = fluxOwner(obj);
  return f && { ...f, group: FLUX_KIND_GROUPS[f.kind] ?? '' };
}

/**
 * Follows controller (else first) owners up to the top; with `flux` (default) it then
 * continues through the Flux object whose labels claim the top object. Stops at dangling
 * references and cycles.
 */
export function topOwner(ref: ObjRef, index: TreeIndex, opts: { flux?: boolean } = {}): ObjRef {
  const seen = new Set<string>();
  let cur = ref;
  for (;;) {
    const uid = uidOf(cur.object);
    if (uid) {
      if (seen.has(uid)) return cur;
      seen.add(uid);
    }
    const up = ownersOf(cur, index).find((o) => o.ref)?.ref;
    if (up) {
      cur = up;
      continue;
    }
    if (opts.flux === false) return cur;
    const f = fluxOwnerOf(cur.object);
    const fluxRef = f && index.find(f.group, f.kind, f.namespace, f.name);
    const fluxUid = fluxRef && uidOf(fluxRef.object);
    if (!fluxRef || (fluxUid && seen.has(fluxUid)) || fluxRef.object === cur.object) return cur;
    cur = fluxRef;
  }
}

function isFlux(ref: ObjRef, kind: string): boolean {
  const g = groupOf(ref);
  return kindOf(ref) === kind && (g === KS_GROUP || g === HR_GROUP || g === '');
}

function fluxInfo(ref: ObjRef): TreeNode['info'] {
  const o = ref.object;
  const ns = nsOf(o);
  const src = sourceRefOf(o, kindOf(ref));
  const source = src && `${src.kind}/${src.namespace}/${src.name}`;
  const dependsOn = arr(o, 'spec', 'dependsOn')
    .map((d) => {
      const n = str(d, 'name');
      return n ? `${str(d, 'namespace') || ns}/${n}` : undefined;
    })
    .filter((d): d is string => d !== undefined);
  if (!source && dependsOn.length === 0) return undefined;
  return { ...(source ? { source } : {}), ...(dependsOn.length ? { dependsOn } : {}) };
}

// unlisted: the index's words for why the kind's list is not whole (src/model/coverage.ts unreadWhy)
const missingVerdict = (m: MissingRef, unlisted: string | undefined): NodeVerdict => unlisted ? {
  status: 'Unknown',
  reason: unlisted.startsWith('forbidden') ? 'Forbidden' : 'NotListed',
  message: `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name} is in the inventory; its kind is ${unlisted}`,
} : ({
  status: 'NotFound',
  reason: 'NotFound',
  message: `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name} is in the inventory but not in the cluster`,
});

function worst(self: NodeVerdict, children: TreeNode[]): NodeVerdict & { failing: number } {
  let w: NodeVerdict = self;
  let failing = 0;
  for (const c of children) {
    failing += c.rolledUp.failing + (c.verdict.status === 'Failed' && !c.group ? 1 : 0);
    if (c.group) failing += c.group.failing;
    if (severityOf(c.rolledUp.status) > severityOf(w.status)) w = c.rolledUp;
  }
  return { status: w.status, ...(w.reason ? { reason: w.reason } : {}), ...(w.message ? { message: w.message } : {}), failing };
}

/** Is `x` below any object of `set` through ownerReferences (bounded walk)? */
function ownedWithin(x: ObjRef, set: Set<string>, index: TreeIndex): boolean {
  let cur: ObjRef | undefined = x;
  for (let i = 0; i < 10 && cur; i++) {
    const owners = ownerRefs(cur.object);
    if (owners.some((o) => set.has(o.uid))) return true;
    cur = owners.length ? index.byUid(owners[0].uid) : undefined;
  }
  return false;
}

interface Child {
  ref?: ObjRef;
  missing?: MissingRef;
  via: Via;
}

function childrenOf(ref: ObjRef, index: TreeIndex): Child[] {
  const out: Child[] = [];
  const seen = new Set<string>();
  const push = (c: Child): void => {
    const key = c.ref ? (uidOf(c.ref.object) ?? `${kindOf(c.ref)}/${nsOf(c.ref.object)}/${nameOf(c.ref.object)}`) : `missing:${c.missing?.group}/${c.missing?.kind}/${c.missing?.namespace}/${c.missing?.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c);
  };
  const uid = uidOf(ref.object);
  const selfKey = `${groupOf(ref)}/${kindOf(ref)}/${nsOf(ref.object)}/${nameOf(ref.object)}`;
  const isKs = isFlux(ref, 'Kustomization');
  const isHr = isFlux(ref, 'HelmRelease');
  if (isKs || isHr) {
    for (const e of inventory(ref.object)) {
      if (`${e.group}/${e.kind}/${e.namespace}/${e.name}` === selfKey) continue;
      const found = index.find(e.group, e.kind, e.namespace || undefined, e.name);
      push(found ? { ref: found, via: 'inventory' } : { missing: { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name }, via: 'inventory' });
    }
  }
  if (isHr && index.withLabels) {
    const labelled = index
      .withLabels({ [HR_LABELS.name]: nameOf(ref.object), [HR_LABELS.namespace]: nsOf(ref.object) })
      .filter((x) => x.object !== ref.object);
    const uids = new Set(labelled.map((x) => uidOf(x.object)).filter((u): u is string => !!u));
    // Pods and ReplicaSets inherit template labels: show them under their owners, once.
    for (const x of labelled) if (!ownedWithin(x, uids, index)) push({ ref: x, via: 'helm-label' });
  }
  if (uid) for (const x of index.ownedBy(uid)) push({ ref: x, via: 'owner' });
  return out;
}

function plural(kind: string, n: number): string {
  if (n === 1) return kind;
  if (/(s|x|ch|sh)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/** "500 Pods (3 failing)" */
export function groupLabel(g: { count: number; kind: string; failing: number }): string {
  return `${g.count} ${plural(g.kind, g.count)}${g.failing ? ` (${g.failing} failing)` : ''}`;
}

/**
 * The health model's verdict for tree nodes, given the pods up to two owner levels below
 * (a Deployment's pods hang under its ReplicaSets) so reasons can name what ails them.
 */
export function healthFromIndex(index: TreeIndex, now?: number): HealthFn {
  return (ref) => {
    const pods: KubeObject[] = [];
    const uid = uidOf(ref.object);
    const level1 = uid ? index.ownedBy(uid) : [];
    for (const c of level1) {
      if (kindOf(c) === 'Pod') pods.push(c.object);
      const cu = uidOf(c.object);
      if (cu && kindOf(c) !== 'Pod') for (const g of index.ownedBy(cu)) if (kindOf(g) === 'Pod') pods.push(g.object);
    }
    const group = groupOf(ref);
    const kind = kindOf(ref);
    const more = relatedFromIndex(index, ref, group, kind);
    return health(ref.object, { group, kind }, { ...(now !== undefined ? { now } : {}), related: [...pods, ...(more?.related ?? [])], ...(more ? { listed: more.listed } : {}) });
  };
}

/**
 * The objects the kind registry says sharpen a verdict (its entry's `related`), read through
 * the index, and the related kinds it has listed where the object looks (index.unlisted says
 * undefined; an index that cannot say lists nothing).
 */
function relatedFromIndex(index: TreeIndex, ref: ObjRef, group: string, kind: string): { related: KubeObject[]; listed: string[] } | undefined {
  const spec = entryOf({ group, kind }).related;
  if (!spec) return undefined;
  const uid = uidOf(ref.object);
  const ns = nsOf(ref.object) || undefined;
  const related: KubeObject[] = [];
  const stamp = (r: ObjRef): KubeObject => ({ ...r.object, kind: kindOf(r), apiVersion: str(r.object, 'apiVersion') ?? `${groupOf(r)}/v1` });
  for (const k of spec.owned ?? []) for (const c of uid ? index.ownedBy(uid) : []) if (kindOf(c) === k.kind && groupOf(c) === k.group) related.push(stamp(c));
  for (const r of spec.refs?.(ref.object) ?? []) {
    const found = index.find(r.group, r.kind, r.namespace, r.name);
    if (found) related.push(stamp(found));
  }
  const listed = index.unlisted
    ? [...(spec.owned ?? []), ...(spec.named ?? [])].filter((k) => index.unlisted!(k.group, k.kind, ns) === undefined).map((k) => `${k.group}/${k.kind}`)
    : [];
  return { related, listed };
}


/** Builds the tree below `root`. Never throws on malformed objects; every uid is expanded once. */
export function buildTree(root: ObjRef, index: TreeIndex, opts: TreeOptions = {}): TreeNode {
  const healthOf = opts.healthOf ?? healthFromIndex(index);
  const expanded = opts.expanded ?? new Set<string>();
  const threshold = opts.groupThreshold ?? 20;
  const maxDepth = opts.maxDepth ?? 30;
  const visited = new Set<string>();

  const verdictOf = (ref: ObjRef): NodeVerdict => {
    try {
      return healthOf(ref);
    } catch (e) {
      return { status: 'Unknown', reason: 'HealthError', message: e instanceof Error ? e.message : String(e) };
    }
  };

  const grouped = (parentId: string, children: TreeNode[]): TreeNode[] => {
    const byKind = new Map<string, TreeNode[]>();
    for (const c of children) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
    const out: TreeNode[] = [];
    for (const c of children) {
      const same = byKind.get(c.kind);
      if (!same) continue;
      const id = `${parentId}/group:${c.kind}`;
      if (same.length <= threshold || expanded.has(id)) {
        if (same[0] === c) out.push(...same);
        continue;
      }
      byKind.delete(c.kind);
      const failing = same.filter((x) => x.verdict.status === 'Failed').length
        + same.reduce((n, x) => n + x.rolledUp.failing, 0);
      const group = { count: same.length, kind: c.kind, failing };
      const w = worst({ status: 'Current' }, same);
      out.push({
        id,
        kind: c.kind,
        namespace: c.namespace,
        name: groupLabel(group),
        verdict: { status: w.status, ...(w.reason ? { reason: w.reason } : {}) },
        rolledUp: { ...w, failing: 0 },
        children: same,
        group,
        via: 'group',
      });
    }
    return out;
  };

  const node = (c: Child, parentId: string, depth: number): TreeNode => {
    if (c.missing) {
      const m = c.missing;
      const v = missingVerdict(m, index.unlisted?.(m.group, m.kind, m.namespace || undefined));
      return {
        id: `missing:${m.group}/${m.kind}/${m.namespace}/${m.name}`,
        missing: m,
        kind: m.kind,
        namespace: m.namespace,
        name: m.name,
        verdict: v,
        rolledUp: { ...v, failing: 0 },
        children: [],
        via: c.via,
      };
    }
    const ref = c.ref as ObjRef;
    const uid = uidOf(ref.object);
    const id = uid ?? `${parentId}/${kindOf(ref)}/${nsOf(ref.object)}/${nameOf(ref.object)}`;
    const verdict = verdictOf(ref);
    const base = { id, ref, kind: kindOf(ref), namespace: nsOf(ref.object), name: nameOf(ref.object), verdict, via: c.via };
    const info = isFlux(ref, 'Kustomization') || isFlux(ref, 'HelmRelease') ? fluxInfo(ref) : undefined;
    const withInfo = info ? { info } : {};
    if (visited.has(id) || depth >= maxDepth) {
      return { ...base, ...withInfo, rolledUp: { ...verdict, failing: 0 }, children: [], repeat: true };
    }
    visited.add(id);
    const kids = grouped(id, childrenOf(ref, index).map((k) => node(k, id, depth + 1)));
    return { ...base, ...withInfo, rolledUp: worst(verdict, kids), children: kids };
  };

  return node({ ref: root, via: 'root' }, '', 0);
}

export interface TreeRow {
  node: TreeNode;
  depth: number;
  /** tree-drawing prefix, single-width: '├─ ', '└─ ', '│  ' */
  prefix: string;
  /** 'Deployment/web', with the namespace when it differs from the parent's ('Deployment/shop/web'; always with namespaceAlways) */
  label: string;
  hasChildren: boolean;
  open: boolean;
}

function labelOf(n: TreeNode, parentNs: string | undefined, always: boolean): string {
  if (n.group) return n.name;
  const ns = n.namespace && (always || (parentNs !== undefined && n.namespace !== parentNs)) ? `${n.namespace}/` : '';
  return `${n.kind}/${ns}${n.name}`;
}

/**
 * Rows for the view: every node is open unless its id is in `collapsed` (group nodes are
 * opened in buildTree through `expanded`, so their members are built on demand).
 */
export function flattenTree(tree: TreeNode, collapsed: Set<string> = new Set(), opts: { namespaceAlways?: boolean } = {}): TreeRow[] {
  const always = opts.namespaceAlways === true;
  const rows: TreeRow[] = [];
  const walk = (n: TreeNode, depth: number, lead: string, branch: string, parentNs: string | undefined): void => {
    const open = !collapsed.has(n.id) && !n.group;
    rows.push({ node: n, depth, prefix: lead + branch, label: labelOf(n, parentNs, always), hasChildren: n.children.length > 0, open: open && n.children.length > 0 });
    if (!open) return;
    const next = depth === 0 ? '' : lead + (branch === '├─ ' ? '│  ' : '   ');
    n.children.forEach((c, i) => walk(c, depth + 1, next, i === n.children.length - 1 ? '└─ ' : '├─ ', n.namespace));
  };
  walk(tree, 0, '', '', undefined);
  return rows;
}

function statusText(n: TreeNode): string {
  const v = n.group ? n.rolledUp : n.verdict;
  const r = v.reason && v.reason !== v.status ? ` ${v.reason}` : '';
  const m = v.message ? `: ${v.message}` : '';
  return `${v.status}${r}${m}`;
}

/** `fleetdeck tree -o text`: one line per node, with its health, reason and Flux info. */
export function treeToText(tree: TreeNode, collapsed?: Set<string>): string {
  return flattenTree(tree, collapsed)
    .map((r) => {
      const extra: string[] = [];
      if (r.node.info?.source) extra.push(`source ${r.node.info.source}`);
      if (r.node.info?.dependsOn) extra.push(`dependsOn ${r.node.info.dependsOn.join(',')}`);
      if (r.node.repeat) extra.push('(shown above)');
      return `${r.prefix}${r.label}  ${statusText(r.node)}${extra.length ? `  [${extra.join('; ')}]` : ''}`;
    })
    .join('\n');
}

export interface TreeJson {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  via: Via;
  status: string;
  reason?: string;
  message?: string;
  missing?: boolean;
  repeat?: boolean;
  group?: { count: number; kind: string; failing: number };
  info?: { source?: string; dependsOn?: string[] };
  rolledUp: { status: string; failing: number };
  children: TreeJson[];
}

/** `fleetdeck tree -o json`: the whole tree (groups included with their members), no object bodies. */
export function treeToJson(n: TreeNode): TreeJson {
  return {
    id: n.id,
    kind: n.kind,
    namespace: n.namespace,
    name: n.name,
    via: n.via,
    status: n.verdict.status,
    ...(n.verdict.reason ? { reason: n.verdict.reason } : {}),
    ...(n.verdict.message ? { message: n.verdict.message } : {}),
    ...(n.missing ? { missing: true } : {}),
    ...(n.repeat ? { repeat: true } : {}),
    ...(n.group ? { group: n.group } : {}),
    ...(n.info ? { info: n.info } : {}),
    rolledUp: { status: n.rolledUp.status, failing: n.rolledUp.failing },
    children: n.children.map(treeToJson),
  };
}

/**
 * The resourceKeys to watch for trees in a context: every kind it serves that can be listed
 * and watched (one version per group/kind, the preferred one first), as kubectl-tree lists
 * every listable kind — any object may carry an ownerReference (a Namespace owned by a
 * cluster-scoped custom resource, a StatefulSet owned by an operator's CR), so no fixed list
 * of "owned" kinds can be complete. Kinds whose registry entry says `tree: false` (Events:
 * many, and never an owner or owned) are left out. `fluxObjects` is accepted for callers that
 * pass inventories; every kind an inventory can name is already included.
 */
export function kindsForTree(resources: ResourceType[], _fluxObjects: KubeObject[] = []): string[] {
  const out = new Map<string, string>();
  for (const r of resources) {
    const k = `${r.group}/${r.kind}`;
    // subresources are not listed kinds; keep the first (preferred) version
    if (r.resource.includes('/') || out.has(k)) continue;
    if (!r.verbs.includes('list') || !r.verbs.includes('watch')) continue;
    if (entryOf(r).tree === false) continue;
    out.set(k, resourceKey(r));
  }
  return [...new Set(out.values())];
}

/**
 * Every top of `ref`'s ownership: owners followed through EVERY ownerReference (controller
 * or not) up to objects with no owner in the index, then (with `flux`, default) through the
 * Flux object whose labels claim them. A pod owned by a StatefulSet and by an operator's CR
 * has two tops; each gets its tree. Cycles and dangling references end a path; the order is
 * the controller path first.
 */
export function topOwners(ref: ObjRef, index: TreeIndex, opts: { flux?: boolean } = {}): ObjRef[] {
  const tops: ObjRef[] = [];
  const seenTops = new Set<unknown>();
  const visited = new Set<string>();
  const walk = (cur: ObjRef, depth: number): void => {
    const uid = uidOf(cur.object);
    if (uid) {
      if (visited.has(uid)) return;
      visited.add(uid);
    }
    const ups = depth < 30 ? ownersOf(cur, index).filter((o) => o.ref).map((o) => o.ref as ObjRef) : [];
    if (ups.length) {
      for (const up of ups) walk(up, depth + 1);
      return;
    }
    const top = topOwner(cur, index, opts);
    if (!seenTops.has(top.object)) {
      seenTops.add(top.object);
      tops.push(top);
    }
  };
  walk(ref, 0);
  return tops;
}

/**
 * A TreeIndex over a plain list of objects of one context (for `fleetdeck tree`, tests and
 * any caller without the fleet store's indexes).
 */
export function indexFromObjects(refs: ObjRef[]): TreeIndex {
  const uids = new Map<string, ObjRef>();
  const owned = new Map<string, ObjRef[]>();
  const named = new Map<string, ObjRef>();
  const applied = new Map<string, ObjRef[]>();
  for (const r of refs) {
    if (!isRecord(r.object)) continue;
    const uid = uidOf(r.object);
    if (uid) uids.set(uid, r);
    for (const o of ownerRefs(r.object)) owned.set(o.uid, [...(owned.get(o.uid) ?? []), r]);
    named.set(`${groupOf(r)}/${kindOf(r)}/${nsOf(r.object)}/${nameOf(r.object)}`, r);
    if (isFlux(r, 'Kustomization') || isFlux(r, 'HelmRelease')) {
      for (const e of inventory(r.object)) {
        const k = `${e.group}/${e.kind}/${e.namespace}/${e.name}`;
        applied.set(k, [...(applied.get(k) ?? []), r]);
      }
    }
  }
  return {
    byUid: (uid) => uids.get(uid),
    ownedBy: (uid) => owned.get(uid) ?? [],
    find: (group, kind, namespace, name) => named.get(`${group}/${kind}/${namespace ?? ''}/${name}`),
    appliedBy: (group, kind, namespace, name) => applied.get(`${group}/${kind}/${namespace ?? ''}/${name}`) ?? [],
    withLabels: (labels) =>
      refs.filter((r) => {
        const l = strMap(r.object, 'metadata', 'labels');
        return Object.entries(labels).every(([k, v]) => l[k] === v);
      }),
  };
}

/** One single-width mark per health state, shared with the TUI's tree view. */
export const HEALTH_MARK: Record<string, string> = {
  Current: '✓',
  Failed: '✗',
  InProgress: '~',
  Terminating: '!',
  Suspended: '‖',
  NotFound: '?',
  Unknown: '?',
};

export function healthMark(status: string): string {
  return HEALTH_MARK[status] ?? '?';
}

/** One owner above a tree's root, as `fleetdeck tree` prints it. */
export interface OwnerLine {
  kind: string;
  namespace: string;
  name: string;
  /** absent when the owner is gone (a dangling reference) */
  status?: string;
}

/** Owners upward by controller (else first) reference, stopping at dangling ones and cycles. */
export function ownerChain(ref: ObjRef, index: TreeIndex): OwnerLine[] {
  const out: OwnerLine[] = [];
  const seen = new Set<string>([ref.object.metadata.uid ?? '']);
  let cur: ObjRef | undefined = ref;
  while (cur && out.length < 30) {
    const owner: ReturnType<typeof ownersOf>[number] | undefined = ownersOf(cur, index)[0];
    if (!owner) break;
    const { reference } = owner;
    const ns = cur.object.metadata.namespace ?? '';
    if (!owner.ref) {
      out.push({ kind: reference.kind, namespace: ns, name: reference.name });
      break;
    }
    if (seen.has(reference.uid)) break;
    seen.add(reference.uid);
    const o: KubeObject = owner.ref.object;
    out.push({ kind: reference.kind, namespace: o.metadata.namespace ?? '', name: reference.name, status: health(o, { group: splitApiVersion(reference.apiVersion).group, kind: reference.kind }).status });
    cur = owner.ref;
  }
  return out;
}
