// Resource paths of the API: /api/v1[/namespaces/NS]/RES[/NAME[/SUB]] and the same under
// /apis/GROUP/VERSION. `namespaces` is itself a resource, so /api/v1/namespaces/x/status is
// the namespace's status while /api/v1/namespaces/x/pods lists pods in x.
import type { ClusterStore, SimResource } from '../store.js';
import { atVersion, servesVersion } from '../crds.js';

export interface ResourceRoute {
  resource: SimResource;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The resource served at group/version/plural, as that version serves it (a CRD may serve several). */
function findResource(store: ClusterStore, group: string, version: string, plural: string): SimResource | undefined {
  for (const r of store.allResources()) if (r.group === group && r.resource === plural && servesVersion(r, version)) return atVersion(r, version);
  return undefined;
}

/** Resolves a resource path, or undefined when nothing is served there (404). */
export function parseResourcePath(store: ClusterStore, pathname: string): ResourceRoute | undefined {
  const seg = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) {
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis' && seg.length >= 4) {
    group = seg[1];
    version = seg[2];
    rest = seg.slice(3);
  } else return undefined;

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = findResource(store, group, version, rest[2]);
    if (inner?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  if (rest.length > 3) return undefined;
  const resource = findResource(store, group, version, rest[0]);
  if (!resource) return undefined;
  if (namespace !== undefined && !resource.namespaced) return undefined;
  const [, name, subresource] = rest;
  if (subresource !== undefined && !subresourceServed(resource, subresource)) return undefined;
  return { resource, namespace, name, subresource };
}

export function subresourceServed(r: SimResource, sub: string): boolean {
  if (sub === 'status') return r.subresources.status;
  if (sub === 'scale') return r.subresources.scale !== undefined;
  if (sub === 'log' || sub === 'exec' || sub === 'portforward' || sub === 'ephemeralcontainers') return r.group === '' && r.resource === 'pods';
  return false;
}
