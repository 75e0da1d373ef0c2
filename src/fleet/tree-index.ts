// The fleet store's view of one context as a TreeIndex (src/model/tree.ts): what `fleetdeck
// tree` and the Tree view build trees over. Reads the store; the tree model stays pure.
import { unreadWhy } from '../model/coverage.js';
import { kindCoverage } from './knowledge.js';
import type { LabelSelector } from '../model/selector.js';
import { resourceKey, splitApiVersion, type KubeObject } from '../model/types.js';
import type { ObjRef, TreeIndex } from '../model/tree.js';
import type { FleetStore } from './types.js';

const byNamespacedName = (a: KubeObject, b: KubeObject): number =>
  (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);

/**
 * The fleet store's view of one context as a TreeIndex: uids, owners, labels and Flux
 * inventories answered by the store's indexes. `labelKinds` are the resourceKeys searched for
 * Helm-labelled objects (the watched ones, e.g. kindsForTree's answer). With the
 * store's reflectors, an object missing from a kind not listed yet (or forbidden) is Unknown,
 * not NotFound: a tree opened while its caches sync must not report the cluster as missing it.
 */
export function indexFromStore(
  store: Pick<FleetStore, 'byUid' | 'ownedBy' | 'selected' | 'appliedBy' | 'get' | 'resources'> & Partial<Pick<FleetStore, 'reflectors' | 'contexts'>>,
  context: string,
  labelKinds: string[],
): TreeIndex {
  const typeOf = (group: string, kind: string) => store.resources(context).find((r) => r.group === group && r.kind === kind && !r.resource.includes('/'));
  return {
    byUid: (uid) => store.byUid(context, uid),
    ownedBy: (uid) => store.ownedBy(context, uid),
    find: (group, kind, namespace, name) => {
      const rt = typeOf(group, kind);
      if (!rt) return undefined;
      const resource = resourceKey(rt);
      const object = store.get(context, resource, rt.namespaced ? namespace : undefined, name);
      return object && { resource, object };
    },
    unlisted: (group, kind, namespace) => {
      const rt = typeOf(group, kind);
      if (!rt || !store.reflectors) return undefined;
      // one rule for "absent proves absent" (src/model/coverage.ts), as status and the views read it
      return unreadWhy(kindCoverage(store, context, resourceKey(rt), rt.namespaced, namespace));
    },
    withLabels: (labels) => {
      // the store's label index answers; only the kinds asked for count, in their order
      const rank = new Map(labelKinds.map((k, i) => [k, i]));
      const selector: LabelSelector = Object.entries(labels).map(([key, v]) => ({ key, op: 'Equals', values: [v] }));
      return store
        .selected(context, selector)
        .filter((r) => rank.has(r.resource))
        .sort((a, b) => rank.get(a.resource)! - rank.get(b.resource)! || byNamespacedName(a.object, b.object));
    },
    appliedBy: (group, kind, namespace, name) => store.appliedBy(context, group, kind, namespace, name),
  };
}

/** Owner kinds not watched yet, found by walking up from the roots (CRs owning pods, CronJobs, ...). */
export function missingOwnerKinds(store: FleetStore, context: string, roots: ObjRef[], watched: Set<string>): string[] {
  const out = new Set<string>();
  for (const root of roots) {
    let cur: KubeObject | undefined = root.object;
    for (let i = 0; cur && i < 10; i++) {
      const ref: NonNullable<KubeObject['metadata']['ownerReferences']>[number] | undefined = cur.metadata.ownerReferences?.find((r) => r.controller) ?? cur.metadata.ownerReferences?.[0];
      if (!ref) break;
      const up = store.byUid(context, ref.uid);
      if (up) {
        cur = up.object;
        continue;
      }
      const { group } = splitApiVersion(ref.apiVersion);
      const type = store.resources(context).find((t) => t.group === group && t.kind === ref.kind && !t.resource.includes('/'));
      if (type && !watched.has(resourceKey(type))) out.add(resourceKey(type));
      break;
    }
  }
  return [...out];
}
