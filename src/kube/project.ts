// What the caches keep of an object: everything a view reads, minus the bulk nobody reads
// in a table (managedFields, the last-applied copy of the whole object) and minus Secret
// payloads, which are fetched on demand so they never sit in memory or in a dump.
import type { KubeObject } from '../model/types.js';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/** Strips the object in place (it was just parsed and belongs to the cache) and returns it. */
export function project(o: KubeObject, resourceKey: string): KubeObject {
  const m = o.metadata;
  if (m) {
    if (m.managedFields !== undefined) delete m.managedFields;
    if (m.annotations && m.annotations[lastApplied] !== undefined) delete m.annotations[lastApplied];
  }
  if (resourceKey === 'secrets') {
    delete o.data;
    delete o.stringData;
  }
  return o;
}
