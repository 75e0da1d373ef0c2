// Whether a namespace a command was scoped to exists, context by context: one GET of the
// Namespace each (what kubectl's cli-runtime asks after a 404 to say which is missing). A
// scope that names no namespace anywhere is a typo, and a report over it would read "healthy"
// from nothing; `fleetdeck logs ns/regex` reads it the same way for kubectl's typo line.
import { KubeApiError } from '../kube/errors.js';
import type { FleetStore } from './types.js';

/** 'found', 'missing' (404), or 'unknown' (forbidden, unreachable, any other answer). */
export type NamespacePresence = 'found' | 'missing' | 'unknown';

/**
 * The namespace's presence in one context. Never throws: a request that fails is 'unknown'
 * (RBAC may forbid GET on Namespaces while allowing the lists). An error status counts whether
 * the store throws it (the clients' KubeApiError) or answers it.
 */
export async function namespaceIn(store: Pick<FleetStore, 'request'>, context: string, namespace: string, signal?: AbortSignal): Promise<NamespacePresence> {
  try {
    const res = await store.request(context, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`, signal });
    return res.status < 400 ? 'found' : res.status === 404 ? 'missing' : 'unknown';
  } catch (e) {
    return e instanceof KubeApiError && e.code === 404 ? 'missing' : 'unknown';
  }
}

/** The namespace's presence in each of `contexts`, by context name (namespaceIn, at once). */
export async function namespacePresence(store: Pick<FleetStore, 'request'>, contexts: readonly string[], namespace: string, signal?: AbortSignal): Promise<Map<string, NamespacePresence>> {
  return new Map(await Promise.all(contexts.map(async (c) => [c, await namespaceIn(store, c, namespace, signal)] as const)));
}

/** What a scope that names a namespace in none of `missing` (every context asked) says: `namespace "x" not found in dev`. */
export function namespaceMissingText(namespace: string, missing: readonly string[]): string {
  return `namespace "${namespace}" not found in ${missing.length === 1 ? missing[0] : `any selected context (${missing.join(', ')})`}`;
}
