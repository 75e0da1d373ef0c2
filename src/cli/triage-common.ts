// What the compare, trace and changes front ends share: the KIND/NAME argument, waiting for
// the caches they need, and printing which contexts could not be read.
import { termText } from '../model/sanitize.js';
import type { Writable } from 'node:stream';
import { missingOwnerKinds } from '../fleet/tree-index.js';
import { takeSnapshot, type Snapshot } from '../fleet/snapshot.js';
import type { FleetStore } from '../fleet/types.js';
import type { ObjRef } from '../model/tree.js';
import { contextDownText, unservedText } from '../model/coverage.js';

/** `deploy/web` → kind query and name; undefined when it is not KIND/NAME. */
export function parseTarget(target: string): { kindQuery: string; name: string } | undefined {
  const slash = target.indexOf('/');
  const kindQuery = slash > 0 ? target.slice(0, slash) : '';
  const name = slash > 0 ? target.slice(slash + 1) : '';
  if (!kindQuery || !name || name.includes('/')) return undefined;
  return { kindQuery, name };
}

/**
 * Watches the owner kinds above `roots` that are not watched yet (CR owners, CronJobs, ...),
 * a few rounds up, until the deadline. Returns the snapshots' closers.
 */
export async function watchOwnersAbove(store: FleetStore, roots: Map<string, ObjRef[]>, watched: Map<string, Set<string>>, deadline: number): Promise<Snapshot[]> {
  const snaps: Snapshot[] = [];
  for (let round = 0; round < 5; round++) {
    const more = new Map<string, string[]>();
    for (const [c, refs] of roots) {
      const kinds = missingOwnerKinds(store, c, refs, watched.get(c) ?? new Set());
      if (kinds.length) more.set(c, kinds);
    }
    if (more.size === 0) break;
    for (const [c, kinds] of more) {
      let set = watched.get(c);
      if (!set) watched.set(c, (set = new Set()));
      for (const k of kinds) set.add(k);
    }
    snaps.push(await takeSnapshot(store, { contexts: [...more.keys()], deadline, kinds: (c) => more.get(c) ?? [] }));
  }
  return snaps;
}

/** No reachable context resolves the kind: the one sentence the TUI says too (unservedText), the unreachable contexts unknown. */
export function snapshotUnserved(kindQuery: string, snap: Pick<Snapshot, 'reachable' | 'unreachable'>): string {
  return unservedText(kindQuery, [...snap.reachable.map((name) => ({ name, state: 'ready', discovered: true })), ...snap.unreachable]);
}

/** One line per context that could not be read at all. */
export function reportUnreachable(snap: Snapshot, stderr: Writable): void {
  for (const u of snap.unreachable) stderr.write(termText(`fleetdeck: ${contextDownText(u)}\n`));
}

