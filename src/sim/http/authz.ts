// authorization.k8s.io/v1 on the simulated API server: SelfSubjectAccessReview (what
// `kubectl auth can-i VERB RESOURCE` and k9s ask before showing a resource) and
// SelfSubjectRulesReview (`kubectl auth can-i --list`). Both answer from the same access rule
// the server enforces on every request, so a review never disagrees with the request it
// predicts. Shapes: k8s.io/api/authorization/v1 (types.go).
import { ApiError } from '../errors.js';
import type { ClusterStore } from '../store.js';

export const AUTHZ_GROUP = 'authorization.k8s.io';
export const AUTHZ_VERSION = 'v1';
const GV = `${AUTHZ_GROUP}/${AUTHZ_VERSION}`;

/** Whether the user may do `verb` on the resource: undefined when allowed, else the 403. */
export type AccessDecision = (verb: string, r: { group: string; resource: string; namespaced: boolean }, namespace: string | undefined, name?: string, subresource?: string) => ApiError | undefined;

/** The APIGroup entry for /apis and /apis/authorization.k8s.io. */
export function authzGroupDoc(): Record<string, unknown> {
  const v = { groupVersion: GV, version: AUTHZ_VERSION };
  return { name: AUTHZ_GROUP, versions: [v], preferredVersion: v };
}

/** The APIResourceList of /apis/authorization.k8s.io/v1 (the self-subject kinds only). */
export function authzResourceList(): Record<string, unknown> {
  const entry = (name: string, kind: string) => ({ name, singularName: '', namespaced: false, kind, verbs: ['create'] });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GV,
    resources: [entry('selfsubjectaccessreviews', 'SelfSubjectAccessReview'), entry('selfsubjectrulesreviews', 'SelfSubjectRulesReview')],
  };
}

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

// what every authenticated user may read (the system:discovery and system:basic-user roles)
const DISCOVERY_PATHS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/readyz', '/version', '/version/'];

/**
 * Answers POST /apis/authorization.k8s.io/v1/{selfsubjectaccessreviews|selfsubjectrulesreviews}.
 * `body` is the parsed request; the answer echoes it with `status` filled, as kube-apiserver
 * does. Errors: 400 for a body that is not the named kind, 404 for another resource.
 */
export function review(resource: string, body: unknown, store: ClusterStore, decide: AccessDecision): Json {
  const req = rec(body);
  const spec = rec(req.spec);
  const meta = { ...rec(req.metadata), creationTimestamp: null };
  if (resource === 'selfsubjectaccessreviews') {
    if (req.kind !== undefined && req.kind !== 'SelfSubjectAccessReview') throw new ApiError(400, 'BadRequest', `the body is a ${String(req.kind)}, not a SelfSubjectAccessReview`);
    const ra = rec(spec.resourceAttributes);
    const nra = rec(spec.nonResourceAttributes);
    let status: Json;
    if (spec.resourceAttributes !== undefined) {
      const group = text(ra.group);
      const name = text(ra.resource);
      const served = store.allResources().find((r) => r.group === group && r.resource === name);
      const ns = text(ra.namespace) || undefined;
      const denied = decide(text(ra.verb), { group, resource: name, namespaced: served?.namespaced ?? ns !== undefined }, ns, text(ra.name) || undefined, text(ra.subresource) || undefined);
      // RBAC has no opinion on what no rule allows: no reason, as kube-apiserver answers
      status = denied ? { allowed: false } : { allowed: true, reason: 'RBAC: allowed by the simulated cluster\'s access rule' };
    } else if (spec.nonResourceAttributes !== undefined) {
      const path = text(nra.path);
      const ok = text(nra.verb) === 'get' && DISCOVERY_PATHS.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
      status = ok ? { allowed: true, reason: 'allowed: discovery' } : { allowed: false };
    } else throw new ApiError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io is invalid: spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
    return { kind: 'SelfSubjectAccessReview', apiVersion: GV, metadata: meta, spec, status };
  }
  if (resource === 'selfsubjectrulesreviews') {
    if (req.kind !== undefined && req.kind !== 'SelfSubjectRulesReview') throw new ApiError(400, 'BadRequest', `the body is a ${String(req.kind)}, not a SelfSubjectRulesReview`);
    const ns = text(spec.namespace);
    if (!ns) throw new ApiError(422, 'Invalid', 'SelfSubjectRulesReview.authorization.k8s.io is invalid: spec.namespace: Required value: the namespace must be specified');
    // RBAC rules only allow: list, per API group, each resource the rule does not deny here
    const byGroup = new Map<string, string[]>();
    for (const r of store.allResources()) {
      if (decide('get', r, r.namespaced ? ns : undefined)) continue;
      const list = byGroup.get(r.group) ?? [];
      list.push(r.resource, ...(r.subresources.status ? [`${r.resource}/status`] : []), ...(r.subresources.scale ? [`${r.resource}/scale`] : []));
      byGroup.set(r.group, list);
    }
    const resourceRules = [
      { verbs: ['create'], apiGroups: [AUTHZ_GROUP], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      ...[...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, resources]) => ({ verbs: ['*'], apiGroups: [group], resources: resources.sort() })),
    ];
    const status = { resourceRules, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: DISCOVERY_PATHS }], incomplete: false };
    return { kind: 'SelfSubjectRulesReview', apiVersion: GV, metadata: meta, spec, status };
  }
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
