// The persistent-volume binder, as a cluster with one default provisioner behaves: a new
// claim is Pending; a claim of the default class (or of no class) is bound to a volume; a
// claim naming any other class stays Pending with the provisioning event the real control
// plane gives when no provisioner serves it.
import { str } from '../../model/access.js';
import type { Ctx } from './context.js';
import type { Controller } from './runtime.js';
import { statusOf } from './util.js';

/** The sim's one StorageClass, the default. */
export const DEFAULT_STORAGE_CLASS = 'standard';

export function volumeController(ctx: Ctx): Controller {
  const { store, events } = ctx;
  return {
    name: 'volumes',
    watches: ['persistentvolumeclaims'],
    map: (ev) => (ev.type === 'DELETED' || str(ev.object, 'status', 'phase') === 'Bound' ? [] : [`${ev.object.metadata.namespace}/${ev.object.metadata.name}`]),
    reconcile(id) {
      const [ns, name] = id.split('/');
      const claim = store.get('persistentvolumeclaims', ns, name);
      if (!claim || claim.metadata.deletionTimestamp || str(claim, 'status', 'phase') === 'Bound') return;
      const cls = str(claim, 'spec', 'storageClassName') ?? DEFAULT_STORAGE_CLASS;
      if (cls !== DEFAULT_STORAGE_CLASS) {
        if (!str(claim, 'status', 'phase')) {
          store.mutate('persistentvolumeclaims', ns, name, (c) => {
            statusOf(c).phase = 'Pending';
          }, { subresource: 'status' });
          events.record(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${cls}" not found`, 'persistentvolume-controller');
        }
        return;
      }
      const volume = `pvc-${claim.metadata.uid}`;
      store.mutate('persistentvolumeclaims', ns, name, (c) => {
        (c.spec as Record<string, unknown>).volumeName = volume;
        (c.spec as Record<string, unknown>).storageClassName = cls;
      });
      store.mutate('persistentvolumeclaims', ns, name, (c) => {
        const st = statusOf(c);
        st.phase = 'Bound';
        st.accessModes = (c.spec as Record<string, unknown>).accessModes ?? ['ReadWriteOnce'];
        st.capacity = { storage: str(c, 'spec', 'resources', 'requests', 'storage') ?? '1Gi' };
      }, { subresource: 'status' });
    },
  };
}
