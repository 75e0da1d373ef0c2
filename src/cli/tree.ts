// `fleetdeck tree KIND/NAME`: the object's ownership tree in every selected context that has
// it (ownerReferences down, Flux inventories and Helm labels included), with each node's
// health, as text or JSON. Rooted at the named object; its owners up to the top are printed
// above it. Exit 0 when printed everywhere it could be; 1 when no context has the object, or
// when it is printed but a selected context could not be read (unreachable, its kind not
// listed whole: the README's "not done on a selected context"); 2 on errors.
import type { ChalkInstance } from 'chalk';
import type { FleetOptions, OpenFleet } from './open.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import { indexFromStore, missingOwnerKinds } from '../fleet/tree-index.js';
import { buildTree, flattenTree, healthFromIndex, healthMark, kindsForTree, ownerChain, ownersOf, treeToJson, type ObjRef, type OwnerLine, type TreeJson, type TreeNode } from '../model/tree.js';
import { resourceKey, type ResourceType } from '../model/types.js';
import { commandColours, withFleet, type CommandIO } from './io.js';
import { storeSameClusters } from '../fleet/report.js';
import { findNamed, unreadReason } from '../fleet/triage.js';
import type { SameCluster } from '../model/same-cluster.js';
import { jsonForTerminal, termLine, termText } from '../model/sanitize.js';
import { absentText, contextDownText } from '../model/coverage.js';
import { snapshotUnserved } from './triage-common.js';

export interface TreeCommandOptions extends FleetOptions {
  namespace?: string;
  output?: 'text' | 'json';
  /** how long to wait for the caches (default 20 s) */
  timeoutMs?: number;
}

const COLOUR: Record<string, 'green' | 'red' | 'yellow' | 'gray' | 'magenta'> = {
  Current: 'green', Failed: 'red', InProgress: 'yellow', Terminating: 'yellow', Suspended: 'gray', NotFound: 'red', Unknown: 'magenta',
};

export interface FoundTree {
  context: string;
  /** controller owners from the object up to the top, nearest first */
  owners: OwnerLine[];
  /** its other direct owners (non-controller ownerReferences): each has its own tree */
  alsoOwnedBy: OwnerLine[];
  tree: TreeNode;
  /** an earlier context of the selection reaches the same cluster and printed this object's tree */
  sameClusterAs?: SameCluster;
}

/** `fleetdeck tree -o json`: one entry per context holding the object. */
export interface TreeCommandJson {
  /** sameClusterAs: the earlier context reaching the same cluster whose entry holds the same tree, else null */
  trees: { context: string; owners: OwnerLine[]; alsoOwnedBy: OwnerLine[]; tree: TreeJson; sameClusterAs: string | null }[];
  /** selected contexts whose list of the kind is whole and does not have the object */
  notFound: string[];
  /** selected contexts where the object's absence proves nothing (unreachable, not listed, forbidden): why */
  unknown: { context: string; reason: string }[];
  /** selected contexts that could not be read */
  unreachable: { context: string; state: string; error: string | null }[];
}

/**
 * The tree as text: a mark, the tree prefix, KIND/NAMESPACE/NAME (every namespaced node names
 * its namespace), the health and its reason. A context reaching the cluster of one printed
 * before is one line saying so, not the same tree again.
 */
export function renderTreeText(found: FoundTree, c: ChalkInstance): string {
  const lines: string[] = [];
  if (found.sameClusterAs) {
    const how = found.sameClusterAs.basis === 'kube-system-uid' ? 'same server and kube-system uid' : 'same server and CA';
    return c.bold(termLine(found.context)) + c.gray(termLine(`  same cluster as ${found.sameClusterAs.as} (${how}): its tree is the one above`));
  }
  // names, reasons and messages are cluster text: each piece through termLine before colouring
  const t = termLine;
  const owners = found.owners.map((o) => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.status ? '' : ' (gone)'}`);
  const also = found.alsoOwnedBy.map((o) => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.status ? '' : ' (gone)'}`);
  lines.push(c.bold(t(found.context)) + (owners.length ? c.gray(t(`  owned by ${owners.join(' ← ')}`)) : '') + (also.length ? c.gray(t(`; also owned by ${also.join(', ')}`)) : ''));
  for (const r of flattenTree(found.tree, undefined, { namespaceAlways: true })) {
    const n = r.node;
    const v = n.group ? n.rolledUp : n.verdict;
    const paint = c[COLOUR[v.status] ?? 'magenta'];
    const why = v.reason && v.reason !== v.status ? ` ${v.reason}` : '';
    const msg = v.message ? `: ${v.message}` : '';
    const extra: string[] = [];
    if (n.info?.source) extra.push(`source ${n.info.source}`);
    if (n.info?.dependsOn) extra.push(`dependsOn ${n.info.dependsOn.join(',')}`);
    if (n.repeat) extra.push('shown above');
    lines.push(`${paint(healthMark(v.status))} ${r.prefix}${t(r.label)}  ${paint(v.status)}${t(`${why}${msg}`)}${extra.length ? c.gray(t(`  [${extra.join('; ')}]`)) : ''}`);
  }
  return lines.join('\n');
}

export async function runTreeCommand(target: string, opts: TreeCommandOptions, io: CommandIO): Promise<number> {
  const slash = target.indexOf('/');
  const kindQuery = slash > 0 ? target.slice(0, slash) : '';
  const name = slash > 0 ? target.slice(slash + 1) : '';
  if (!kindQuery || !name || name.includes('/')) {
    io.stderr.write(termText(`fleetdeck: tree wants KIND/NAME (e.g. deploy/web, ks/apps), got "${target}"\n`));
    return 2;
  }
  return withFleet(opts, io, (opened) => printTrees(kindQuery, name, opts, io, opened));
}

/** The trees of KIND/NAME in the opened fleet, written to io; the exit code. */
async function printTrees(kindQuery: string, name: string, opts: TreeCommandOptions, io: CommandIO, { fleet, contexts }: OpenFleet): Promise<number> {
  const closers: (() => void)[] = [];
  try {
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    // first: the object's kind and the Flux objects whose inventories say what else to watch
    const first = await takeSnapshot(fleet, { contexts, deadline, kinds: () => [kindQuery] });
    closers.push(first.close);
    for (const u of first.unreachable) io.stderr.write(termText(`fleetdeck: ${contextDownText(u)}\n`));
    if (first.reachable.length === 0) {
      io.stderr.write(termText('fleetdeck: no context is reachable\n'));
      return 2;
    }
    const types = new Map<string, ResourceType>();
    for (const c of first.reachable) {
      const t = fleet.resolve(c, kindQuery);
      if (t) types.set(c, t);
    }
    if (types.size === 0) {
      io.stderr.write(termText(`fleetdeck: ${snapshotUnserved(kindQuery, first)}\n`));
      return 2;
    }
    const found = new Map<string, ObjRef[]>();
    const unknown: { context: string; reason: string }[] = first.unreachable.map((u) => ({ context: u.name, reason: `context ${u.state}${u.lastError ? `: ${u.lastError}` : ''}` }));
    const notFound: string[] = [];
    for (const c of first.reachable) {
      const t = types.get(c);
      const m = t ? findNamed(fleet, c, t, name, opts.namespace) : [];
      if (m.length) found.set(c, m);
      else {
        // absent only where the kind's list is whole (src/model/coverage.ts); else unknown, with why
        const why = unreadReason(fleet, c, t, opts.namespace);
        if (why) unknown.push({ context: c, reason: why });
        else notFound.push(c);
      }
    }
    for (const u of unknown.slice(first.unreachable.length)) io.stderr.write(termText(`fleetdeck: ${u.context}: unknown (${u.reason})\n`));
    if (found.size === 0) {
      io.stderr.write(termText(`fleetdeck: ${absentText([...types.values()][0], name, opts.namespace, notFound, unknown)}\n`));
      if (opts.output === 'json') {
        const doc: TreeCommandJson = { trees: [], notFound, unknown, unreachable: first.unreachable.map((u) => ({ context: u.name, state: u.state, error: u.lastError ?? null })) };
        io.stdout.write(`${jsonForTerminal(doc, 2)}\n`);
      }
      // as trace: 2 when no context could be read at all, 1 when the object is absent where read
      return notFound.length === 0 ? 2 : 1;
    }

    // then: every listable kind (kubectl-tree's rule: any object may own or be owned), and the owners above
    const watched = new Map<string, Set<string>>();
    const treeKinds = (c: string, resources: ResourceType[]): string[] => {
      const kinds = [...kindsForTree(resources), resourceKey(types.get(c)!)];
      watched.set(c, new Set(kinds));
      return kinds;
    };
    const second = await takeSnapshot(fleet, { contexts: [...found.keys()], deadline, kinds: treeKinds });
    closers.push(second.close);
    for (let round = 0; round < 5; round++) {
      const more = new Map<string, string[]>();
      for (const [c, refs] of found) {
        const kinds = missingOwnerKinds(fleet, c, refs, watched.get(c) ?? new Set());
        if (kinds.length) more.set(c, kinds);
      }
      if (more.size === 0) break;
      for (const [c, kinds] of more) for (const k of kinds) watched.get(c)?.add(k);
      const snap = await takeSnapshot(fleet, { contexts: [...more.keys()], deadline, kinds: (c) => more.get(c) ?? [] });
      closers.push(snap.close);
    }
    for (const w of [...first.watched, ...second.watched]) {
      if (w.phase !== 'synced' && w.phase !== 'forbidden' && found.has(w.context)) io.stderr.write(termText(`fleetdeck: ${w.context}: ${w.resource} ${w.phase}${w.reason ? `: ${w.reason}` : ''}; the tree may be incomplete\n`));
    }

    const now = Date.now();
    const trees: FoundTree[] = [];
    const same = storeSameClusters(fleet, contexts);
    for (const [c, refs] of found) {
      // the fresh objects: the first lookup may predate the second sync
      const index = indexFromStore(fleet, c, [...(watched.get(c) ?? [])]);
      for (const ref of refs) {
        const live = fleet.get(c, ref.resource, ref.object.metadata.namespace, ref.object.metadata.name) ?? ref.object;
        const root: ObjRef = { resource: ref.resource, object: live };
        const tree = buildTree(root, index, { healthOf: healthFromIndex(index, now) });
        const chain = ownerChain(root, index);
        const alsoOwnedBy = ownersOf(root, index).slice(1).map((o): OwnerLine => ({
          kind: o.reference.kind, namespace: o.ref?.object.metadata.namespace ?? '', name: o.reference.name,
          ...(o.ref ? { status: healthFromIndex(index, now)(o.ref).status } : {}),
        }));
        // the same object (uid) already found through an earlier context of its cluster
        const sc = same.get(c);
        const dup = sc && trees.some((t) => t.context === sc.as && t.tree.ref?.object.metadata.uid === live.metadata.uid);
        trees.push({ context: c, owners: chain, alsoOwnedBy, tree, ...(dup ? { sameClusterAs: sc } : {}) });
      }
    }
    if (opts.output === 'json') {
      const doc: TreeCommandJson = {
        trees: trees.map((t) => ({ context: t.context, owners: t.owners, alsoOwnedBy: t.alsoOwnedBy, tree: treeToJson(t.tree), sameClusterAs: t.sameClusterAs?.as ?? null })),
        notFound,
        unknown,
        unreachable: first.unreachable.map((u) => ({ context: u.name, state: u.state, error: u.lastError ?? null })),
      };
      io.stdout.write(`${jsonForTerminal(doc, 2)}\n`);
    } else {
      const c = commandColours(io);
      io.stdout.write(`${trees.map((t) => renderTreeText(t, c)).join('\n\n')}\n`);
    }
    // the trees printed are not the selection's whole answer: the unknown ones were said on stderr
    return unknown.length > 0 ? 1 : 0;
  } finally {
    for (const close of closers) close();
  }
}
