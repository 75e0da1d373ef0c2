// Which field selectors each resource supports (everything else is the API's 400), and the
// filter a list or watch applies: namespace, label selector, field selector.
import { at } from '../../model/access.js';
import type { FieldSelector, LabelSelector } from '../../model/selector.js';
import { SelectorError, matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from '../../model/selector.js';
import type { KubeObject } from '../../model/types.js';
import { resourceKey } from '../../model/types.js';
import { badRequest } from '../errors.js';
import type { SimResource } from '../store.js';

const common = ['metadata.name', 'metadata.namespace'];
const extraFields: Record<string, string[]> = {
  pods: ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP', 'status.nominatedNodeName'],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  secrets: ['type'],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
  'replicasets.apps': ['status.replicas'],
  'jobs.batch': ['status.successful'],
};

function fieldValue(o: KubeObject, field: string): string | undefined {
  if (field === 'source') return String(at(o, 'source', 'component') ?? '');
  const v = at(o, ...field.split('.'));
  return v === undefined || v === null ? undefined : String(v);
}

export interface ObjectFilter {
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  /** true when labels/fields may change whether an object is selected */
  selective: boolean;
  matches(o: KubeObject): boolean;
}

export function objectFilter(r: SimResource, namespace: string | undefined, q: URLSearchParams): ObjectFilter {
  let labels: LabelSelector;
  let fields: FieldSelector;
  try {
    labels = parseLabelSelector(q.get('labelSelector') ?? '');
    fields = parseFieldSelector(q.get('fieldSelector') ?? '');
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  const allowed = [...common, ...(extraFields[resourceKey(r)] ?? [])];
  for (const f of fields) if (!allowed.includes(f.field)) throw badRequest(`field label not supported: ${f.field}`);
  // "metadata.namespace" on a cluster-scoped resource matches the empty string, as in the API
  return {
    namespace,
    labels,
    fields,
    selective: labels.length > 0 || fields.length > 0,
    matches: (o) =>
      (namespace === undefined || o.metadata.namespace === namespace) &&
      matchLabels(labels, o.metadata.labels) &&
      matchFields(fields, (f) => fieldValue(o, f)),
  };
}
