// The contract of the fleet store: what every view and command reads. Implemented in
// src/fleet/store.ts over the reflectors of src/kube.
import type { KubeObject, ResourceType } from '../model/types.js';

export type ContextState = 'connecting' | 'ready' | 'degraded' | 'unreachable' | 'auth-error';

export interface ContextStatus {
  name: string;
  state: ContextState;
  /** round trip of the last health request, ms */
  latencyMs?: number;
  serverVersion?: string;
  lastError?: string;
  /** true when some watched resources are forbidden (403) in this context */
  forbidden?: string[];
}

export type ReflectorPhase = 'syncing' | 'synced' | 'retrying' | 'forbidden' | 'unauthorized' | 'unreachable' | 'stopped';

export interface ReflectorStatus {
  context: string;
  resource: string; // resourceKey
  namespace?: string;
  phase: ReflectorPhase;
  /** why it is not synced, as the API said it */
  reason?: string;
  /** epoch ms of the next retry when phase is 'retrying' */
  nextAttemptAt?: number;
  objects: number;
}

/** A watched (contexts × resource [× namespace]) set; reflectors run while it is open. */
export interface WatchSpec {
  contexts: string[];
  /** what the user typed or a resourceKey: 'po', 'deploy', 'ks', 'deployments.apps' */
  resource: string;
  namespace?: string;
}

export interface Subscription {
  close(): void;
}

export interface StoredRef {
  context: string;
  resource: string; // resourceKey
  object: KubeObject;
}

/** Changes since the last batch; delivered at most once per frame. */
export interface ChangeBatch {
  /** `${context}\u0000${resourceKey}` of every (context, resource) whose objects changed */
  resources: Set<string>;
  /** contexts whose ContextStatus or reflector states changed */
  contexts: Set<string>;
}

export interface FleetStore {
  contexts(): ContextStatus[];
  /** Resource types a context serves (after discovery). */
  resources(context: string): ResourceType[];
  /** Resolves what a user types to the resource in that context, or undefined if not served there. */
  resolve(context: string, query: string): ResourceType | undefined;
  watch(spec: WatchSpec): Subscription;
  list(context: string, resource: string, namespace?: string): KubeObject[];
  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  byUid(context: string, uid: string): StoredRef | undefined;
  ownedBy(context: string, ownerUid: string): StoredRef[];
  reflectors(): ReflectorStatus[];
  onChange(fn: (batch: ChangeBatch) => void): () => void;
  close(): Promise<void>;
}
