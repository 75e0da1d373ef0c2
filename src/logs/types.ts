// What the log engine deals in: entries in the ring, targets, and the injected opener.
import type { LabelSelector } from '../model/selector.js';
import type { ContainerRef, LogLine, LogStreamOptions } from '../model/types.js';

export type { ContainerRef, LogLine, LogStreamOptions };

export interface LogEntry {
  context: string;
  namespace: string;
  pod: string;
  /** '' for an engine notice about the pod (ended, not streamed) */
  container: string;
  /** RFC3339Nano; for notices the engine's clock */
  ts: string;
  text: string;
  /** the bytes of a line that was not valid UTF-8, as the container wrote them (see LogLine.raw) */
  raw?: Uint8Array;
  /** an engine notice ("— pod X ended —"), not a line the container wrote */
  notice?: boolean;
}

/** Opens one container's log on a context; rejects with the door's errors (src/kube/errors.ts):
 * a numeric `code` is the HTTP status (KubeApiError), a string `code` a network error code. */
export type OpenLog = (context: string, ref: ContainerRef, opts: LogStreamOptions, signal: AbortSignal) => Promise<AsyncIterable<LogLine>>;

/** What to tail. Resources are what a user types or a resourceKey ('deploy', 'deployments.apps'). */
export type LogTarget =
  | { kind: 'pod'; context: string; namespace: string; name: string }
  /** a Deployment/StatefulSet/DaemonSet/ReplicaSet/Job/CronJob: its selector over live pods */
  | { kind: 'workload'; context: string; resource: string; namespace: string; name: string }
  /** a Kustomization or HelmRelease: the pods of the workloads in its inventory */
  | { kind: 'flux'; context: string; resource: string; namespace: string; name: string }
  /** `[ctx-glob/]ns/pod-regex`: contexts already matched; no namespace = all; with `selector`
   * (`-l`) only the pods whose labels it matches, as stern ANDs its query and selector */
  | { kind: 'query'; contexts: string[]; namespace?: string; pod: RegExp; selector?: LabelSelector }
  /** marked rows, across contexts */
  | { kind: 'many'; targets: LogTarget[] };

/** A target's single targets, a `many` flattened: what it names, one object or query each. */
export function targetLeaves(t: LogTarget): Exclude<LogTarget, { kind: 'many' }>[] {
  return t.kind === 'many' ? t.targets.flatMap(targetLeaves) : [t];
}
