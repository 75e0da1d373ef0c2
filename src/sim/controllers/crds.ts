// The apiextensions part of the API server: a CustomResourceDefinition created through the
// API is served (discovery, list, watch, writes) once it is stored, and stops being served
// when it is deleted. The simulated store serves one version per resource: the CRD's
// highest-priority served version (a real server serves each served version; a CRD whose
// kinds need several served versions at once is not simulated).
import { arr, isRecord, rec, str } from '../../model/access.js';
import type { PrinterColumn } from '../../model/types.js';
import { compareVersions } from '../http/discovery.js';
import { ALL_VERBS } from '../resources.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';

const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

export function crdController(ctx: Ctx): Controller {
  const { store } = ctx;
  /** resources this controller started serving (the catalog's own CRDs are left alone) */
  const mine = new Set<string>();
  return {
    name: 'crds',
    watches: [CRD_KEY],
    map: (ev) => [ev.object.metadata.name],
    reconcile(name) {
      const crd = store.get(CRD_KEY, undefined, name);
      if (!crd || crd.metadata.deletionTimestamp) {
        if (mine.delete(name)) store.removeResource(name);
        return;
      }
      if (store.resource(name) && !mine.has(name)) return;
      const group = str(crd, 'spec', 'group') ?? '';
      const names = isRecord(crd.spec) ? crd.spec.names : undefined;
      const plural = str(names, 'plural') ?? '';
      const kind = str(names, 'kind') ?? '';
      const served = arr(crd, 'spec', 'versions').filter((v) => isRecord(v) && v.served !== false && typeof v.name === 'string');
      served.sort((a, b) => compareVersions(str(a, 'name')!, str(b, 'name')!));
      const v = served[0];
      if (!group || !plural || !kind || !v || `${plural}.${group}` !== name) return;
      const printer = arr(v, 'additionalPrinterColumns').filter(isRecord) as unknown as PrinterColumn[];
      store.addResource({
        group, version: str(v, 'name')!, resource: plural, kind,
        singular: str(names, 'singular') ?? kind.toLowerCase(),
        namespaced: str(crd, 'spec', 'scope') !== 'Cluster',
        verbs: ALL_VERBS,
        shortNames: arr(names, 'shortNames').filter((s): s is string => typeof s === 'string'),
        categories: arr(names, 'categories').filter((s): s is string => typeof s === 'string'),
        subresources: { status: isRecord(rec(v, 'subresources')?.status) },
        crd: true,
        ...(printer.length ? { printerColumns: printer } : {}),
      });
      mine.add(name);
      if (!arr(crd, 'status', 'conditions').length) {
        store.mutate(CRD_KEY, undefined, name, (o) => {
          o.status = {
            acceptedNames: names,
            storedVersions: [str(v, 'name')],
            conditions: [
              { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: o.metadata.creationTimestamp },
              { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: o.metadata.creationTimestamp },
            ],
          };
        }, { subresource: 'status' });
      }
    },
  };
}
