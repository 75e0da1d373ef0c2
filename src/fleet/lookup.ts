// The one lookup of an action's or a session's target (fleetdeck scale|restart|...|exec|
// port-forward KIND/NAME): what the caches hold, else the API's own answer to a GET, as kubectl
// reads its target. A cache without the object is no proof it is not there — its list may have
// been forbidden (RBAC), or not synced yet — so only a 404 is ever said as NotFound; a 403, 401
// or an unreachable server is said as that, in kubectl's words.
import { classify, KubeApiError, kubectlErrorLine } from '../kube/errors.js';
import { isFluxGroup } from '../model/flux.js';
import { objectPath } from '../model/patches.js';
import { resourceKey, type KubeObject, type ResourceType } from '../model/types.js';
import type { FleetStore } from './types.js';

export type TargetLookup =
  | { found: true; type: ResourceType; namespace: string | undefined; object: KubeObject }
  | {
      found: false;
      /** what kubectl prints: `Error from server (NotFound): deployments.apps "x" not found`, `Error from server (Forbidden): …`, `Unable to connect to the server: …` */
      error: string;
      /** the server could not be asked (network, credentials): nothing was learnt about the object */
      unreachable: boolean;
    };

/**
 * KIND/NAME in one context. `namespace` undefined, for a namespaced kind: a Flux kind's is
 * `fluxNamespace` (the flux CLI's default, fluxDefaultNamespace), any other's the context's
 * kubeconfig namespace, else `default` (kubectl's rule).
 */
export async function lookupTarget(store: Pick<FleetStore, 'resolve' | 'get' | 'contexts' | 'request'>, context: string, kindQuery: string, namespace: string | undefined, name: string, fluxNamespace: string): Promise<TargetLookup> {
  const type = store.resolve(context, kindQuery);
  if (!type) return { found: false, error: `error: the server doesn't have a resource type "${kindQuery}"`, unreachable: false };
  const byDefault = isFluxGroup(type.group) ? fluxNamespace : (store.contexts().find((c) => c.name === context)?.namespace ?? 'default');
  const ns = type.namespaced ? (namespace ?? byDefault) : undefined;
  const cached = store.get(context, resourceKey(type), ns, name);
  if (cached) return { found: true, type, namespace: ns, object: cached };
  const path = objectPath(type, ns, name);
  try {
    const object = (await store.request(context, { method: 'GET', path })).body as KubeObject | null;
    if (typeof object !== 'object' || object === null || typeof object.metadata?.name !== 'string') {
      return { found: false, error: `error: the server answered GET ${path} with no object`, unreachable: false };
    }
    return { found: true, type, namespace: ns, object };
  } catch (e) {
    // a 401 is the server's answer; a credential plugin that failed or a network error asked nothing
    return { found: false, error: kubectlErrorLine(e), unreachable: !(e instanceof KubeApiError) && ['unreachable', 'unauthorized'].includes(classify(e)) };
  }
}
