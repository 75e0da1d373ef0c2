// The store's reflector and context states read through the one rule of what fleetdeck knows
// (src/model/coverage.ts): callers holding a store ask here whether a (context, kind, scope) is
// listed whole, instead of testing reflector phases themselves.
import { coverageOf, type KindCoverage } from '../model/coverage.js';
import type { FleetStore } from './types.js';

/**
 * The knowledge state of one (context, resourceKey, scope). `namespace` is the scope read
 * (ignored for cluster-scoped kinds; undefined: all namespaces). A store without context states
 * (test doubles) counts the context as discovered; one without reflectors knows nothing yet.
 */
export function kindCoverage(store: Partial<Pick<FleetStore, 'reflectors' | 'contexts'>>, context: string, resource: string, namespaced: boolean, namespace?: string): KindCoverage {
  const contexts = store.contexts?.() ?? [{ name: context, state: 'ready', discovered: true }];
  const [cov] = coverageOf([{ context, resource, namespaced, ...(namespaced && namespace !== undefined ? { namespace } : {}) }], store.reflectors?.() ?? [], contexts);
  return cov;
}

/** True when absence in that (context, kind, scope) proves absence: its list is whole and watched. */
export function listedWhole(store: Partial<Pick<FleetStore, 'reflectors' | 'contexts'>>, context: string, resource: string, namespaced: boolean, namespace?: string): boolean {
  return kindCoverage(store, context, resource, namespaced, namespace).state === 'synced';
}
