// The object commands: every command that acts on "the selected object(s)", declared once.
// Each entry names its key action id (what keymaps bind, src/commands/keys.ts), what it
// applies to (a capability of the kind registry, src/model/kinds.ts, or any object), what it
// does (open a view over the object, or start an action of the action catalog, which plans
// and runs it through the executor) and what it asks. The shell (src/ui/app.ts) dispatches
// these for every view that reports a selection (View.selection(): tables, Problems, Tree,
// Flux, History, Events on their involved object, Outcomes), its footer shows the ones that
// apply to the selection, and the help screen lists them. Pure data and pure functions.
//
// Adding a command: one entry here (and, for an action, its plan function in the action
// catalog, src/actions/catalog.ts). See README "How to add a command".
import { capabilitiesOf, type Capability } from '../model/kinds.js';
import type { ResourceType } from '../model/types.js';
import type { ActionId } from './keys.js';

/** What an object command does with the selection. */
export type ObjectEffect =
  /** opens a view over the first selected object (logs: over all of them) */
  | { view: 'logs' | 'tree' | 'yaml' | 'describe' | 'events' | 'history' }
  /** starts a catalog action on every selected object (plan → confirm → execute) */
  | { action: string; /** a second catalog action used when every target is already in the first's end state (suspend ↔ resume) */ toggle?: { action: string; when: 'suspended' } };

export interface ObjectCommand {
  /** the key action id keymaps bind */
  id: ActionId;
  title: string;
  /** the kind capability it needs; 'any': every object */
  needs: Capability | 'any';
  effect: ObjectEffect;
  /** what it asks before planning (shown in help) */
  asks?: string;
}

export const OBJECT_COMMANDS: readonly ObjectCommand[] = [
  { id: 'describe', title: 'describe', needs: 'any', effect: { view: 'describe' } },
  { id: 'yaml', title: 'yaml', needs: 'any', effect: { view: 'yaml' } },
  { id: 'events', title: 'events', needs: 'any', effect: { view: 'events' } },
  { id: 'tree', title: 'tree', needs: 'any', effect: { view: 'tree' } },
  { id: 'logs', title: 'logs', needs: 'logs', effect: { view: 'logs' } },
  { id: 'history', title: 'rollout history', needs: 'rollback', effect: { view: 'history' } },
  { id: 'workload.rollback', title: 'rollback', needs: 'rollback', effect: { action: 'rollback' }, asks: 'nothing: the previous revision (from :history, a chosen one)' },
  { id: 'workload.restart', title: 'restart', needs: 'restart', effect: { action: 'restart' } },
  { id: 'workload.scale', title: 'scale', needs: 'scale', effect: { action: 'scale' }, asks: 'the replica count' },
  { id: 'workload.delete', title: 'delete', needs: 'any', effect: { action: 'delete' } },
  { id: 'flux.suspend', title: 'suspend/resume', needs: 'suspend', effect: { action: 'suspend', toggle: { action: 'resume', when: 'suspended' } } },
  { id: 'flux.reconcile', title: 'reconcile', needs: 'reconcile', effect: { action: 'reconcile' } },
  { id: 'flux.force', title: 'force upgrade', needs: 'helm', effect: { action: 'force' } },
  { id: 'flux.reset', title: 'reset failures', needs: 'helm', effect: { action: 'reset' } },
];

export function objectCommand(id: ActionId): ObjectCommand | undefined {
  return OBJECT_COMMANDS.find((c) => c.id === id);
}

/** Does the command apply to an object of type `rt` (in a context serving `served`)? */
export function commandApplies(cmd: ObjectCommand, rt: Pick<ResourceType, 'group' | 'kind' | 'resource' | 'version'>, served: readonly ResourceType[] = []): boolean {
  return cmd.needs === 'any' || capabilitiesOf(rt, served).has(cmd.needs);
}

/** Why a command does not apply to a kind, in words for the footer line. */
export function whyNot(cmd: ObjectCommand, kind: string): string {
  const what: Record<Capability, string> = {
    logs: 'has no pods (pods, workloads, Kustomizations and HelmReleases do)',
    rollback: 'has no rollout history (Deployments, StatefulSets and DaemonSets do)',
    restart: 'cannot be restarted (Deployments, StatefulSets and DaemonSets can)',
    scale: 'has no /scale subresource',
    suspend: 'is not a Flux object that can be suspended',
    reconcile: 'is not a Flux object that reconciles',
    helm: 'is not a HelmRelease',
  };
  return cmd.needs === 'any' ? '' : `${cmd.title}: ${kind} ${what[cmd.needs]}`;
}
