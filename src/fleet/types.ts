// The contract of the fleet store: what every view and command reads. Implemented in
// src/fleet/store.ts over the reflectors of src/kube.
import type { KubeRequest, KubeResponse } from '../kube/client.js';
import type { LabelSelector } from '../model/selector.js';
import type { ObjRef } from '../model/tree.js';
import type { KubeObject, ReflectorPhase, ResourceType } from '../model/types.js';

export type ContextState = 'connecting' | 'ready' | 'degraded' | 'unreachable' | 'auth-error';

export interface ContextStatus {
  name: string;
  state: ContextState;
  /** LATENCY: the median round trip (ms) of GET /version over the last samples taken after start (src/model/latency.ts) */
  latencyMs?: number;
  /** those samples, ms, oldest first */
  latencySamples?: number[];
  serverVersion?: string;
  lastError?: string;
  /** resourceKeys whose reflectors are forbidden (403) in this context */
  forbidden?: string[];
  /** the kubeconfig context's default namespace */
  namespace?: string;
  /** the API server URL */
  server?: string;
  /** the uid of the cluster's kube-system Namespace (one GET once connected): with `server`, the
   * cluster's identity (src/model/same-cluster.ts); absent when it could not be read (`identityError` says why) */
  kubeSystemUid?: string;
  /** why kube-system's uid is not known (RBAC, not found, an error), as the API said it */
  identityError?: string;
  /** how the last discovery went: aggregated (with how many of its 2 documents the disk cache answered by 304) or legacy, requests made, wall ms */
  discovery?: { mode: 'aggregated' | 'legacy'; requests: number; notModified: number; ms: number };
  /** sha256 (hex) of the CA bundle the kubeconfig pins for this cluster; absent without one or with insecure-skip-tls-verify */
  caFingerprint?: string;
  /** true once discovery finished: resolve() and resources() answer for this context */
  discovered?: boolean;
  /** how many of the context's reflectors have not finished their first list (phase 'syncing') */
  syncing?: number;
}

export type { ReflectorPhase };

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
  /** completed LISTs: 1 after the first sync, +1 per relist (410 Gone) */
  lists?: number;
  /** set when the all-namespaces list was forbidden (403) and the store watches namespace by namespace */
  namespaces?: string[];
  /** namespaces of that fallback that answered 403 (also in ContextStatus.forbidden as "pods in kube-system") */
  forbiddenNamespaces?: string[];
  /** of those, what the API answered each, in its words */
  forbiddenReasons?: Record<string, string>;
  /** with `namespaces`: true when they come from a complete namespace list, false when only the
   * kubeconfig namespace is known (the user may not list namespaces: the rest is unseen) */
  namespacesListed?: boolean;
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

/** Refs from byUid/ownedBy/selected/appliedBy are live: `object` follows the cached object as it changes. */
export interface StoredRef extends ObjRef {
  context: string;
}

/** Changes since the last batch; delivered at most once per frame. */
export interface ChangeBatch {
  /** `${context}\u0000${resourceKey}` of every (context, resource) whose objects changed */
  resources: Set<string>;
  /** for some of those marks, every object that changed (added, changed or gone), by
   * `${namespace}/${name}` (namespace '' when cluster-scoped): read them with get(), and only
   * them. A mark of `resources` absent here may have changed anything (a relist, a scope that
   * stopped): list it again. */
  objects?: Map<string, Set<string>>;
  /** contexts whose ContextStatus or reflector states changed */
  contexts: Set<string>;
}

/** One API request (the action executor's unit): the door's request shape. Errors are thrown as
 * src/kube/errors.ts's KubeApiError (code, reason, Status message), KubeNetworkError or KubeAuthError. */
export type ApiRequest = KubeRequest;

/** The answer to an ApiRequest: status and body (parsed JSON when the answer is JSON, else the text). */
export type ApiResponse = KubeResponse;

export interface FleetStore {
  /** The contexts this store connects: those it was created with, then those addContext added. */
  contexts(): ContextStatus[];
  /** Every context the kubeconfig defines, in its order, connected or not (absent in stores
   * without a kubeconfig: their contexts() are all there are; see kubeconfigContexts below). */
  kubeconfigContexts?(): string[];
  /** Starts connecting a kubeconfig context the store was not created with (one it has stays
   * as it is); false when the kubeconfig defines no such context. */
  addContext?(name: string): boolean;
  /** Resource types a context serves (after discovery). */
  resources(context: string): ResourceType[];
  /** Resolves what a user types to the resource in that context, or undefined if not served there. */
  resolve(context: string, query: string): ResourceType | undefined;
  watch(spec: WatchSpec): Subscription;
  list(context: string, resource: string, namespace?: string): KubeObject[];
  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  byUid(context: string, uid: string): StoredRef | undefined;
  ownedBy(context: string, ownerUid: string): StoredRef[];
  /** Objects of any resource (of `namespace` when given) whose labels satisfy `selector`: which
   * pods a workload's or Service's selector picks, what carries a Flux owner's labels. */
  selected(context: string, selector: LabelSelector, namespace?: string): StoredRef[];
  /** The Kustomizations and HelmReleases whose status.inventory lists this object (namespace '' or undefined: cluster-scoped). */
  appliedBy(context: string, group: string, kind: string, namespace: string | undefined, name: string): StoredRef[];
  /** The reflectors' states: of `context` when given (a store may answer with more; callers match by context) */
  reflectors(context?: string): ReflectorStatus[];
  onChange(fn: (batch: ChangeBatch) => void): () => void;
  /** Resolves once every context (with `context`: that one alone) has been warmed and discovered,
   * or has failed trying once; never rejects. An unknown context resolves at once. */
  settled(context?: string): Promise<void>;
  /** Takes `n` /version round trips per context into LATENCY's samples (absent in stores without clients). */
  measureLatency?(contexts: string[], n?: number): Promise<void>;
  /** One request on a context, through its client (auth, TLS, reused connections). */
  request(context: string, req: ApiRequest): Promise<ApiResponse>;
  /** A WebSocket on a context (exec, port-forward); see ContextClient.openWebSocket. Absent in stores that cannot stream. */
  openWebSocket?(context: string, path: string, query: Record<string, string | string[] | number | boolean | undefined>, protocols: string[], signal?: AbortSignal): Promise<import('ws').WebSocket>;
  /** A streaming GET (logs with follow=true): the body's chunks; abort with req.signal. */
  stream(context: string, req: ApiRequest): Promise<AsyncIterable<Uint8Array>>;
  close(): Promise<void>;
}

/** Every context the user can select: the kubeconfig's, or the store's own where it has no kubeconfig. */
export function kubeconfigContexts(store: FleetStore): string[] {
  return store.kubeconfigContexts?.() ?? store.contexts().map((c) => c.name);
}
