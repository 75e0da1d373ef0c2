// Object lifecycle: the garbage collector (dependents whose owner is gone are deleted) and
// the namespace controller (Terminating → contents deleted → gone once finalizers clear).
import { resourceKey, type KubeObject } from '../../model/types.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';
import { setCondition, statusOf } from './util.js';

export function garbageCollector(ctx: Ctx): Controller {
  const { store } = ctx;
  // uids that some object names as owner: only their deletion needs a scan
  const owners = new Set<string>();
  return {
    name: 'gc',
    watches: store.allResources().map(resourceKey),
    map(ev) {
      if (ev.type !== 'DELETED') {
        for (const ref of ev.object.metadata.ownerReferences ?? []) owners.add(ref.uid);
        return [];
      }
      const uid = ev.object.metadata.uid ?? '';
      if (!owners.has(uid)) return [];
      owners.delete(uid);
      return [`${ev.object.metadata.namespace ?? ''}|${uid}`];
    },
    reconcile(id) {
      const [ns, uid] = id.split('|');
      for (const r of store.allResources()) {
        if (!r.namespaced && ns) continue;
        const key = resourceKey(r);
        for (const o of store.list(key, ns || undefined)) {
          const refs = o.metadata.ownerReferences ?? [];
          if (!refs.some((x) => x.uid === uid) || o.metadata.deletionTimestamp) continue;
          // an object goes when the owner gone was its controller or its only owner
          const ctl = refs.find((x) => x.controller);
          if (refs.length === 1 || ctl?.uid === uid) store.delete(key, o.metadata.namespace, o.metadata.name);
        }
      }
    },
  };
}

export function namespaceController(ctx: Ctx): Controller {
  const { store, rt } = ctx;
  return {
    name: 'namespaces',
    watches: ['namespaces'],
    map: (ev) => (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp ? [ev.object.metadata.name] : []),
    reconcile(name) {
      const ns = store.get('namespaces', undefined, name);
      if (!ns?.metadata.deletionTimestamp) return;
      const left: { key: string; o: KubeObject }[] = [];
      for (const r of store.allResources()) {
        if (!r.namespaced) continue;
        const key = resourceKey(r);
        for (const o of store.list(key, name)) {
          if (!o.metadata.deletionTimestamp) store.delete(key, name, o.metadata.name);
          if (store.get(key, name, o.metadata.name)) left.push({ key, o: store.get(key, name, o.metadata.name)! });
        }
      }
      if (left.length === 0) {
        store.mutate('namespaces', undefined, name, (n) => {
          (n.spec as Record<string, unknown>).finalizers = [];
        });
        return;
      }
      const finalizers = new Map<string, number>();
      for (const { o } of left) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      const kinds = new Map<string, number>();
      for (const { key } of left) kinds.set(key, (kinds.get(key) ?? 0) + 1);
      store.mutate('namespaces', undefined, name, (n) => {
        const st = statusOf(n);
        st.phase = 'Terminating';
        setCondition(st, { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' });
        setCondition(st, { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' });
        setCondition(st, { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' });
        setCondition(st, { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${[...kinds].map(([k, c]) => `${k} has ${c} resource instances`).join(', ')}` });
        setCondition(st, finalizers.size
          ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, c]) => `${f} in ${c} resource instances`).join(', ')}` }
          : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' });
      }, { subresource: 'status' });
      rt.after(5000, 'namespaces', name);
    },
  };
}
