// The reads both stores answer the same way, from their informers' caches and their indexes:
// the fleet store (store.ts) and the lean one of a one-shot command (lean.ts). Each store says
// how a context's kind is resolved (its discovery); the rest is here once.
import type { LabelSelector } from '../model/selector.js';
import type { KubeObject, ResourceType } from '../model/types.js';
import type { ObjectIndex } from './indexers.js';
import type { Informers } from './informers.js';
import type { FleetStore, ReflectorStatus, StoredRef } from './types.js';

export abstract class StoreReads implements Pick<FleetStore, 'list' | 'get' | 'byUid' | 'ownedBy' | 'selected' | 'appliedBy' | 'reflectors'> {
  protected abstract readonly informers: Informers;
  protected abstract readonly indexes: Map<string, ObjectIndex>;

  abstract resolve(context: string, query: string): ResourceType | undefined;

  list(context: string, resource: string, namespace?: string): KubeObject[] {
    const type = this.resolve(context, resource);
    return type ? this.informers.list(context, type, namespace) : [];
  }

  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = this.resolve(context, resource);
    return type ? this.informers.get(context, type, namespace, name) : undefined;
  }

  byUid(context: string, uid: string): StoredRef | undefined {
    return this.indexes.get(context)?.byUid(uid);
  }

  ownedBy(context: string, ownerUid: string): StoredRef[] {
    return this.indexes.get(context)?.ownedBy(ownerUid) ?? [];
  }

  selected(context: string, selector: LabelSelector, namespace?: string): StoredRef[] {
    return this.indexes.get(context)?.selected(selector, namespace) ?? [];
  }

  appliedBy(context: string, group: string, kind: string, namespace: string | undefined, name: string): StoredRef[] {
    return this.indexes.get(context)?.appliedBy(group, kind, namespace, name) ?? [];
  }

  reflectors(context?: string): ReflectorStatus[] {
    return this.informers.statuses(context);
  }
}
