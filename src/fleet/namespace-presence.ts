// Whether a namespace a command was scoped to exists, context by context: one GET of the
// Namespace each (what kubectl's cli-runtime asks after a 404 to say which is missing). A
// scope that names no namespace anywhere is a typo, and a report over it would read "healthy"
// from nothing.
import { KubeApiError } from '../kube/errors.js';
import type { FleetStore } from './types.js';

/** 'found', 'missing' (404), or 'unknown' (forbidden, unreachable, any other answer). */
export type NamespacePresence = 'found' | 'missing' | 'unknown';

/**
 * The namespace's presence in each of `contexts`, by context name. Never throws: a request
 * that fails is 'unknown' (RBAC may forbid GET on Namespaces while allowing the lists).
 */
export async function namespacePresence(store: Pick<FleetStore, 'request'>, contexts: readonly string[], namespace: string, signal?: AbortSignal): Promise<Map<string, NamespacePresence>> {
  const answers = await Promise.all(
    contexts.map(async (context): Promise<[string, NamespacePresence]> => {
      try {
        await store.request(context, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`, signal });
        return [context, 'found'];
      } catch (e) {
        // the store's requests throw an error status as KubeApiError
        return [context, e instanceof KubeApiError && e.code === 404 ? 'missing' : 'unknown'];
      }
    }),
  );
  return new Map(answers);
}
