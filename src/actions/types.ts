// Shapes shared by the action catalog, the executor, the renderer and the shell commands.
// A plan is data: every request it will send is known before the user confirms.
import type { ApiRequest, ApiResponse, KubeObject, ObjectName, ResourceType } from '../model/types.js';
import type { EditSpec, ExecSpec, FinalizerSpec, PortForwardSpec } from './triage.js';

export type { ApiRequest, ApiResponse, ObjectName };

/** Sends one request to a context's API server; throws (e.g. KubeApiError) on failure. */
export type Send = (context: string, req: ApiRequest) => Promise<ApiResponse>;
/** Reads one object by its API path (used to poll status while following an action). */
export type Read = (context: string, path: string) => Promise<KubeObject>;

/** One object an action is aimed at, as a view or the shell found it. */
export interface Target {
  context: string;
  /** resourceKey, e.g. 'kustomizations.kustomize.toolkit.fluxcd.io' */
  resource: string;
  kind: string;
  namespace?: string;
  name: string;
  object: KubeObject;
}


/** Wait after the request until status.lastHandledReconcileAt equals the token. */
export interface ReconcileWait {
  token: string;
}

export interface PlannedRequest extends ApiRequest {
  /** what the request touches: the target itself or another object (a Flux source, a Flux owner) */
  object: ObjectName;
  wait?: ReconcileWait;
}

export interface PlanTarget {
  target: Target;
  /** the change in words, e.g. "roll back Deployment shop/web to revision 2" */
  summary?: string;
  requests: PlannedRequest[];
  /** shown with the plan: GitOps warnings, the diff of a rollback, ... */
  notes: string[];
  /** set when this target will not be acted on, with the reason */
  refused?: string;
  /** set when the target already is as asked: nothing is sent and the outcome succeeds with
   * this message (kubectl's "skipped rollback (current template already matches revision N)",
   * exit 0) */
  noop?: string;
  /** catalog id of an action that would do what was meant (e.g. resume-and-reconcile) */
  alternative?: string;
  /**
   * The index in the plan's targets of an earlier target that is the same object (the same
   * metadata.uid: two selected contexts reaching one cluster): nothing is sent for this one,
   * its outcome is that target's. Sending both deleted the object through one context and
   * failed NotFound through the other.
   */
  sameObjectAs?: number;
}

export interface Plan {
  action: string;
  label: string;
  mutating: boolean;
  targets: PlanTarget[];
  /** the confirmation is typed: some target's context matches the protected pattern, or the action is always typed (finalizer removal) */
  protected: boolean;
  /** the acting targets' contexts that match the protected pattern (empty when the action is typed on any context) */
  protectedContexts?: string[];
  /** what the user must type when protected: the object name, or the count for bulk */
  confirmText?: string;
}

export type OutcomeStatus = 'succeeded' | 'failed' | 'timed-out' | 'skipped';

export interface SentRequest {
  request: ApiRequest;
  /** HTTP status, when the server answered */
  status?: number;
  error?: string;
}

export interface Outcome {
  target: Target;
  status: OutcomeStatus;
  message: string;
  /** what each followed step ended with, in order, in the flux CLI's words
   * ("fetched revision main@sha1:…" for a --with-source source, "applied revision …") */
  steps?: string[];
  requests: SentRequest[];
  startedAt: string;
  finishedAt: string;
}

export interface ActionOptions {
  /** reconcile: annotate and wait for the Flux source first */
  withSource?: boolean;
  /** HelmRelease reconcile: one-off upgrade (reconcile.fluxcd.io/forceAt) */
  force?: boolean;
  /** HelmRelease reconcile: reset failure counters (reconcile.fluxcd.io/resetAt) */
  reset?: boolean;
  /** scale */
  replicas?: number;
  /** rollback: 0 or absent for the previous revision */
  toRevision?: number;
  /** delete */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** restart, scale, rollback of a Flux-applied workload: suspend its Flux owner first */
  suspendOwner?: boolean;
  /** exec: the container and the command */
  exec?: ExecSpec;
  /** port-forward: the pod port and the local one */
  portForward?: PortForwardSpec;
  /** edit: the object as read and as edited */
  edit?: EditSpec;
  /** remove-finalizers: who still holds each finalizer */
  finalizers?: FinalizerSpec;
}

/** How plans find objects other than the target (a Kustomization's source, say). */
export interface Lookup {
  resources(context: string): ResourceType[];
  get(context: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** rollback reads the namespace's ReplicaSets / ControllerRevisions through this */
  list(context: string, resource: string, namespace?: string): KubeObject[];
  /** why an object `get` does not give could not be read ("not found (HTTP 404)", "forbidden: ..."); undefined when nobody tried */
  unread?(context: string, resource: string, namespace: string | undefined, name: string): string | undefined;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
