// What the fleet summary and the problem list read from the store: the kinds `status`, the
// Fleet view and the Problems view watch, each workload with its pods, and the report (summary
// + problems + what did not sync) over a snapshot. Reads the store; prints nothing (the shell
// front end is src/cli/status.ts, the views are src/ui/views/fleet.ts and problems.ts).
import { summarizeContext, statusJson, type StatusContextInput, type StatusJson } from '../model/fleet-summary.js';
import { entryOfResource, fleetTypes } from '../model/kinds.js';
import { problems, type Problem, type ProblemInput } from '../model/problems.js';
import { ownerRefs } from '../model/tree.js';
import { resourceKey, type KubeObject, type ResourceType } from '../model/types.js';
import type { Snapshot } from './snapshot.js';
import type { FleetStore } from './types.js';

/**
 * The resourceKeys `status`, the Fleet view and the Problems view watch in a context: derived
 * from the kind registry (entries marked `fleet`, Flux kinds) over what discovery serves.
 */
export function statusKinds(types: ResourceType[]): string[] {
  return [...new Set(fleetTypes(types).map(resourceKey))];
}

/** A workload's pods: owned directly, or one level further down (Deployment → ReplicaSet → Pod). */
export function podsBelow(store: Pick<FleetStore, 'ownedBy'>, context: string, obj: KubeObject): KubeObject[] {
  const uid = obj.metadata.uid;
  if (!uid) return [];
  const pods: KubeObject[] = [];
  for (const c of store.ownedBy(context, uid)) {
    if (c.resource === 'pods') pods.push(c.object);
    else if (c.object.metadata.uid) for (const g of store.ownedBy(context, c.object.metadata.uid)) if (g.resource === 'pods') pods.push(g.object);
  }
  return pods;
}

/** Pods owned by a workload are reported through it, unless nothing above them is watched. */
function reportedViaOwner(store: Pick<FleetStore, 'byUid'>, context: string, pod: KubeObject): boolean {
  return ownerRefs(pod).some((r) => store.byUid(context, r.uid) !== undefined);
}

/** What the problem list reads in one context: every object, workloads with their pods, pods
 * with a watched owner left to that owner. */
export function problemInputs(store: Pick<FleetStore, 'ownedBy' | 'byUid'>, context: string, objects: Map<string, KubeObject[]>): ProblemInput[] {
  const rows: ProblemInput[] = [];
  for (const [resource, list] of objects) {
    for (const object of list) {
      if (resource === 'pods' && reportedViaOwner(store, context, object)) continue;
      const row: ProblemInput = { context, resource, object };
      if (entryOfResource(resource)?.podsInVerdict) row.related = podsBelow(store, context, object);
      rows.push(row);
    }
  }
  return rows;
}

export interface FleetReport {
  json: StatusJson;
  problems: Problem[];
  /** contexts whose caches did not all sync: what is missing */
  incomplete: Map<string, string>;
}

/** Summary and problems from a snapshot already taken (with `namespace`, as it was taken). Pure over the store's contents. */
export function fleetReport(store: FleetStore, snap: Snapshot, contexts: string[], now: number, namespace?: string): FleetReport {
  const statuses = new Map(store.contexts().map((c) => [c.name, c]));
  const rows: ProblemInput[] = [];
  const inputs: StatusContextInput[] = [];
  const incomplete = new Map<string, string>();
  for (const name of contexts) {
    const st = statuses.get(name);
    const input: StatusContextInput = { name, state: st?.state ?? 'unreachable' };
    if (st?.latencyMs !== undefined) input.latencyMs = st.latencyMs;
    if (st?.serverVersion !== undefined) input.serverVersion = st.serverVersion;
    if (st?.lastError !== undefined && st.state !== 'ready') input.lastError = st.lastError;
    if (snap.reachable.includes(name)) {
      const mine = snap.watched.filter((w) => w.context === name);
      const unsynced = mine.filter((w) => w.phase !== 'synced' && w.phase !== 'forbidden');
      if (unsynced.length) {
        incomplete.set(name, unsynced.map((w) => `${w.resource} ${w.phase}${w.reason ? ` (${w.reason})` : ''}`).join('; '));
      }
      const objects = new Map<string, KubeObject[]>();
      // a namespaced snapshot has no all-namespaces reflector: its lists must name the namespace
      for (const w of mine) objects.set(w.resource, store.list(name, w.resource, w.type.namespaced ? namespace : undefined));
      input.summary = summarizeContext(objects, now);
      rows.push(...problemInputs(store, name, objects));
    }
    inputs.push(input);
  }
  for (const [name, what] of incomplete) {
    const input = inputs.find((i) => i.name === name)!;
    input.lastError = `not synced in time: ${what}`;
  }
  const list = problems(rows, now);
  return { json: statusJson(inputs, list), problems: list, incomplete };
}

/** 0 healthy, 1 not; see the file comment. Suspended alone is healthy unless failOnSuspended. */
export function statusExitCode(report: FleetReport, failOnSuspended = false): number {
  const failing = report.problems.filter((p) => failOnSuspended || p.severity !== 'suspended');
  const contextsOk = report.json.contexts.every((c) => c.state === 'ready') && report.incomplete.size === 0;
  return failing.length === 0 && contextsOk ? 0 : 1;
}
