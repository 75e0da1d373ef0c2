// Flux facts the actions need: which kinds are Flux's, and which sources a reconcile
// --with-source must annotate and wait for first (innermost first, as the flux CLI does:
// a HelmRelease's chart repository, then its HelmChart, then the release).
import { bool, str } from '../model/access.js';
import { helmChartRef, reconcileSourcesFirst, type FluxRef } from '../model/flux.js';
import type { KubeObject, ResourceType } from '../model/types.js';
import { objectPath } from '../model/patches.js';
import { findResource, targetObject } from './paths.js';
import type { Lookup, Target } from './types.js';

export const FLUX_GROUPS = {
  source: 'source.toolkit.fluxcd.io',
  kustomize: 'kustomize.toolkit.fluxcd.io',
  helm: 'helm.toolkit.fluxcd.io',
  notification: 'notification.toolkit.fluxcd.io',
  image: 'image.toolkit.fluxcd.io',
} as const;

export interface SourceObject {
  kind: string;
  namespace: string;
  name: string;
  path: string;
  type: ResourceType;
  /** the source as the store has it, when it has it */
  object?: KubeObject;
  /** set when the source must not be waited for (static) */
  skip?: string;
}

export interface SourceChain {
  sources: SourceObject[];
  notes: string[];
  /** the chain cannot be reconciled; why */
  error?: string;
}

/** The refs to reconcile first, innermost first; a chartRef HelmChart is read from the store for its own source. */
export function sourceRefs(t: Target, lookup: Lookup | undefined): FluxRef[] {
  const obj = targetObject(t);
  const chartRef = t.kind === 'HelmRelease' ? helmChartRef(obj) : undefined;
  const helmChart = chartRef ? getObject(lookup, t.context, chartRef) : undefined;
  return reconcileSourcesFirst(obj, t.kind, helmChart);
}

function getObject(lookup: Lookup | undefined, context: string, ref: FluxRef) {
  const r = findResource(lookup, context, FLUX_GROUPS.source, ref.kind);
  return r ? lookup?.get(context, `${r.resource}.${r.group}`, ref.namespace, ref.name) : undefined;
}

export function sourceChain(t: Target, lookup: Lookup | undefined): SourceChain {
  const refs = sourceRefs(t, lookup);
  if (refs.length === 0) return { sources: [], notes: [`${t.kind} ${t.name} has no source to reconcile first`] };
  const sources: SourceObject[] = [];
  const notes: string[] = [];
  for (const ref of refs) {
    const r = findResource(lookup, t.context, FLUX_GROUPS.source, ref.kind);
    if (!r) return { sources, notes, error: `cannot reconcile the source ${ref.kind} ${ref.namespace}/${ref.name}: ${ref.kind} is not served in ${t.context}` };
    const obj = lookup?.get(t.context, `${r.resource}.${r.group}`, ref.namespace, ref.name);
    const unread = obj ? undefined : lookup?.unread?.(t.context, `${r.resource}.${r.group}`, ref.namespace, ref.name);
    if (unread) return { sources, notes, error: `cannot reconcile the source ${ref.kind} ${ref.namespace}/${ref.name}: ${unread}` };
    if (obj && bool(obj, 'spec', 'suspend') === true) {
      return { sources, notes, error: `source ${ref.kind} ${ref.namespace}/${ref.name} is suspended: Flux ignores reconcile requests on suspended objects` };
    }
    const src: SourceObject = { ...ref, path: objectPath(r, ref.namespace, ref.name), type: r, object: obj };
    if (obj && ref.kind === 'HelmRepository' && str(obj, 'spec', 'type') === 'oci') {
      src.skip = `HelmRepository ${ref.name} is of type oci (static): nothing to reconcile`;
      notes.push(src.skip);
    }
    sources.push(src);
  }
  return { sources, notes };
}
