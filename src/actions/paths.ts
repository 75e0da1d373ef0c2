// API paths of objects, built from what the store knows (apiVersion + resourceKey) or from
// discovery, never from hard-coded versions.
import { resourceKey, splitApiVersion, type ResourceType } from '../model/types.js';
import type { Lookup, Target } from './types.js';

export function apiPath(group: string, version: string, plural: string, namespace: string | undefined, name: string): string {
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${plural}/${encodeURIComponent(name)}`;
}

/** 'kustomizations.kustomize.toolkit.fluxcd.io' → plural 'kustomizations' */
export function pluralOf(resource: string): string {
  const i = resource.indexOf('.');
  return i < 0 ? resource : resource.slice(0, i);
}

/** Objects from a LIST may lack apiVersion: discovery then gives the version. */
export function targetPath(t: Target, lookup?: Lookup): string {
  const apiVersion = t.object.apiVersion;
  if (apiVersion) {
    const { group, version } = splitApiVersion(apiVersion);
    return apiPath(group, version, pluralOf(t.resource), t.namespace, t.name);
  }
  const r = lookup?.resources(t.context).find((x) => resourceKey(x) === t.resource);
  if (!r) throw new Error(`cannot tell the API version of ${t.kind} ${t.name} in ${t.context}`);
  return apiPath(r.group, r.version, r.resource, t.namespace, t.name);
}

/** The served resource of a kind in a group, by discovery (the preferred version). */
export function findResource(lookup: Lookup | undefined, context: string, group: string, kind: string): ResourceType | undefined {
  return lookup?.resources(context).find((r) => r.group === group && r.kind === kind && !r.resource.includes('/'));
}
