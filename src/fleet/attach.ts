// The pod an exec or a port-forward on KIND/NAME lands on, from a store's cache: kubectl's rule
// (src/model/attach.ts attachablePod) over the pods the object's selector picks in its
// namespace (the store's label index). One function for `fleetdeck exec|port-forward` and the
// TUI's `:shell` / `:port-forward`; the caller has the namespace's pods listed first.
import { attachablePod, pickedPod, podSelectorOf, type Choice } from '../model/attach.js';
import type { KubeObject } from '../model/types.js';
import type { FleetStore } from './types.js';

/**
 * The pod, and — when `object` is not that pod — the plan's words on why it is this one
 * (pickedPod). `object` must carry its kind (list items may not: the caller adds the served type's).
 */
export function attachablePodIn(store: Pick<FleetStore, 'selected'>, context: string, object: KubeObject): Choice<{ pod: KubeObject; picked?: string }> {
  const sel = podSelectorOf(object);
  const pods = sel ? store.selected(context, sel, object.metadata.namespace).filter((r) => r.resource === 'pods').map((r) => r.object) : [];
  const choice = attachablePod(object, pods);
  if (!choice.ok) return choice;
  return { ok: true, value: { pod: choice.value, ...(choice.value === object ? {} : { picked: pickedPod(object, choice.value) }) } };
}
