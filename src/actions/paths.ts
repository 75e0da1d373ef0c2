// Where an object lives in the API, from what the store knows (apiVersion + resourceKey) or
// from discovery, never from hard-coded versions.
import { objectPath, type PathType } from '../model/patches.js';
import { splitApiVersion, typeOfKey, type ResourceType } from '../model/types.js';
import type { Lookup, Target } from './types.js';

/** 'kustomizations.kustomize.toolkit.fluxcd.io' → plural 'kustomizations' */
export function pluralOf(resource: string): string {
  const i = resource.indexOf('.');
  return i < 0 ? resource : resource.slice(0, i);
}

/** Objects from a LIST may lack apiVersion: discovery then gives the version. */
export function targetType(t: Target, lookup?: Lookup): PathType {
  const apiVersion = t.object.apiVersion;
  if (apiVersion) {
    const { group, version } = splitApiVersion(apiVersion);
    return { group, version, resource: pluralOf(t.resource), namespaced: Boolean(t.namespace) };
  }
  const r = lookup && typeOfKey(lookup.resources(t.context), t.resource);
  if (!r) throw new Error(`cannot tell the API version of ${t.kind} ${t.name} in ${t.context}`);
  return r;
}

export function targetPath(t: Target, lookup?: Lookup): string {
  return objectPath(targetType(t, lookup), t.namespace, t.name);
}

/** The object as the request builders read it: kind and metadata always set. */
export function targetObject(t: Target) {
  return { ...t.object, kind: t.kind, metadata: { ...t.object.metadata, name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) } };
}

/** The served resource of a kind in a group, by discovery (the preferred version). */
export function findResource(lookup: Lookup | undefined, context: string, group: string, kind: string): ResourceType | undefined {
  return lookup?.resources(context).find((r) => r.group === group && r.kind === kind && !r.resource.includes('/'));
}
