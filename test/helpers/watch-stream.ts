// What the reflector tests write into a watch stream they drive: the ConfigMaps type, one
// watch event per line as kube-apiserver sends them, the watch-list's end mark (KEP 3157), and
// a few turns of the event loop for the reflector to read them.
import type { ResourceType } from '../../src/model/types.js';

export const CONFIGMAPS: ResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', namespaced: true, verbs: ['list', 'watch'], shortNames: [], categories: [] };

/** One watch event as a line of the stream. */
export const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

/** A ConfigMap BOOKMARK at `rv`; `end`: the one marking the initial state whole (k8s.io/initial-events-end). */
export const bookmark = (rv: string, end = false): string =>
  line('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv, ...(end ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) } });

export const turns = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
