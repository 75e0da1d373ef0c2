// Runs an object command (the command table, src/commands/table.ts) on a view's selection:
// the one place the TUI turns "this key on these objects" into a view, a catalog action or a
// terminal session, so every view that reports its selection (View.selection) gets every
// object command. An Event row stands for the object it is about, except for the commands
// that act on the event itself (`self`). Says why, in words, when a command does not apply.
import { podTarget } from '../actions/triage.js';
import type { Target } from '../actions/types.js';
import { attachablePodIn } from '../fleet/attach.js';
import { command, KIND_SECTIONS, OBJECT_COMMANDS, objectCommand, whyNot, type CommandId, type ObjectCommand, type ObjectRun, type ObjectView } from '../commands/table.js';
import type { LogTarget } from '../logs/types.js';
import { storeCoverage } from '../fleet/report.js';
import { gapText } from '../model/coverage.js';
import { capabilitiesOf } from '../model/kinds.js';
import { resourceKey, type ResourceType } from '../model/types.js';
import type { AppContext, View } from './view.js';
import { DescribeView } from './views/describe.js';
import { historyView } from './views/history.js';
import { logTargetFor, LogsView } from './views/logs.js';
import { ResourceTableView } from './views/resource-table.js';
import { TreeView } from './views/tree.js';
import { addressOf, CompareView, TraceView } from './views/triage.js';
import { YamlView } from './views/yaml.js';

/**
 * Does the command apply to an object of type `rt` (in a context serving `served`: a /scale
 * subresource gives `scale`)? `verb`: asked by its `:` word, which takes its verbNeeds kinds too
 * (`:shell` on a Deployment); a key takes `needs` alone.
 */
export function commandApplies(cmd: ObjectCommand, rt: Pick<ResourceType, 'group' | 'kind' | 'resource' | 'version'>, served: readonly ResourceType[] = [], verb = false): boolean {
  if (cmd.needs === 'any') return true;
  const caps = capabilitiesOf(rt, served);
  return caps.has(cmd.needs) || (verb && cmd.verbNeeds !== undefined && caps.has(cmd.verbNeeds.capability));
}

/** The served type of a target (undefined while its context's discovery runs). */
export function typeOfTarget(app: AppContext, t: Target): ResourceType | undefined {
  return app.store.resolve(t.context, t.resource);
}

const isEvent = (t: Target): boolean => t.kind === 'Event' && (t.resource === 'events' || t.resource === 'events.events.k8s.io');

/**
 * What a command acts on in a view: its selection, an Event standing for its involved object
 * (from the store's cache) unless the command is `self`. `missing`: events whose object is not
 * in the cache. Undefined when the view shows no objects.
 */
export function targetsFor(app: AppContext, view: View | undefined, cmd: ObjectCommand): { targets: Target[]; missing: string[] } | undefined {
  const sel = view?.selection?.();
  if (!sel) return undefined;
  if (cmd.self || !sel.some(isEvent)) return { targets: sel, missing: [] };
  const targets: Target[] = [];
  const missing: string[] = [];
  for (const t of sel) {
    if (!isEvent(t)) {
      targets.push(t);
      continue;
    }
    const inv = (t.object.involvedObject ?? t.object.regarding) as { uid?: unknown; kind?: unknown; name?: unknown; namespace?: unknown } | undefined;
    const ref = typeof inv?.uid === 'string' ? app.store.byUid(t.context, inv.uid) : undefined;
    if (!ref) {
      missing.push(`${String(inv?.kind ?? '?')} ${inv?.namespace ? `${String(inv.namespace)}/` : ''}${String(inv?.name ?? '?')}`);
      continue;
    }
    const kind = ref.object.kind ?? app.store.resolve(t.context, ref.resource)?.kind ?? '';
    targets.push({ context: t.context, resource: ref.resource, kind, namespace: ref.object.metadata.namespace, name: ref.object.metadata.name, object: ref.object });
  }
  return { targets, missing };
}

/** Do the command's needs hold for every target? */
export function appliesToAll(app: AppContext, cmd: ObjectCommand, targets: Target[]): boolean {
  return targets.length > 0 && targets.every((t) => {
    const rt = typeOfTarget(app, t);
    return rt !== undefined && commandApplies(cmd, rt, app.store.resources(t.context));
  });
}

/** Why `cmd` cannot run on `targets`, in words; undefined when it can. `verb`: asked by its `:` word (commandApplies). */
export function refusal(app: AppContext, cmd: ObjectCommand, targets: Target[], missing: string[] = [], verb = false): string | undefined {
  if (!targets.length) {
    return missing.length ? `${cmd.title}: the object this event is about (${missing[0]}) is not in the cache: open its kind's view first` : `${cmd.title}: nothing selected`;
  }
  const bad = targets.find((t) => {
    const rt = typeOfTarget(app, t);
    return !rt || !commandApplies(cmd, rt, app.store.resources(t.context), verb);
  });
  if (!bad) return undefined;
  return typeOfTarget(app, bad) ? whyNot(cmd, bad.kind, verb) : `${cmd.title}: ${bad.context} is not discovered yet`;
}

function openLogs(app: AppContext, targets: Target[], previous: boolean): string | undefined {
  const logTargets = targets.flatMap((t) => {
    const rt = typeOfTarget(app, t);
    const lt = rt && logTargetFor(t.context, rt, t.object);
    return lt ? [lt] : [];
  });
  if (!logTargets.length) return `no logs for ${targets[0].kind} objects (pods, workloads and Flux objects have them)`;
  const target: LogTarget = logTargets.length === 1 ? logTargets[0] : { kind: 'many', targets: logTargets };
  const label = targets.length === 1 ? `${targets[0].kind.toLowerCase()}/${targets[0].name}` : `${targets.length} marked`;
  app.push(new LogsView(app, target, { label, previous }));
  return undefined;
}

function openEvents(app: AppContext, t: Target): undefined {
  const uid = t.object.metadata.uid;
  app.push(new ResourceTableView(app, {
    query: 'events', contexts: [t.context], namespace: t.namespace,
    where: (e) => ((e.involvedObject ?? e.regarding) as { uid?: string } | undefined)?.uid === uid,
    sort: { key: 'age', desc: false },
    title: `events ${t.kind.toLowerCase()}/${t.name}`,
  }));
  return undefined;
}

/** The views an object command opens (the first target's; logs over all). */
const VIEWS: Record<ObjectView, (app: AppContext, targets: Target[], rt: ResourceType) => string | undefined> = {
  logs: (app, targets) => openLogs(app, targets, false),
  'previous-logs': (app, targets) => openLogs(app, targets, true),
  tree: (app, [t]) => void app.push(TreeView.forObject(app, t.context, t.resource, t.object)),
  yaml: (app, [t], rt) => void app.push(new YamlView(app, t.context, rt, t.object)),
  describe: (app, [t], rt) => void app.push(new DescribeView(app, t.context, rt, t.object)),
  events: (app, [t]) => openEvents(app, t),
  history: (app, [t], rt) => {
    const view = historyView(app, { context: t.context, rt, object: t.object });
    if (typeof view === 'string') return view;
    app.push(view);
    return undefined;
  },
  trace: (app, [t]) => void app.push(new TraceView(app, addressOf(t.resource, t.object), t.context)),
  compare: (app, [t]) => void app.push(new CompareView(app, addressOf(t.resource, t.object))),
};

/** How long a namespace's finalizer plan waits for the lists of the kinds inside it. */
const INSIDE_WAIT_MS = 15_000;

/**
 * Remove finalizers: the plan names each finalizer and who still holds it — for a namespace,
 * the objects inside it that carry one. Every listable namespaced kind is listed in that
 * namespace first (watched until synced, forbidden or failed, at most INSIDE_WAIT_MS), so a
 * kind no view had open is not read as "nothing holds a finalizer"; what could not be read is
 * named in the plan, and "none inside" is said only over lists that are whole.
 */
function removeFinalizers(app: AppContext, t: Target): string | undefined {
  if (t.kind !== 'Namespace') return void app.act('remove-finalizers', [t]);
  // what the namespace controller must delete before the namespace goes: the kinds it can list
  // and delete (metrics.k8s.io's read-only kinds hold nothing)
  const types = app.store.resources(t.context).filter((rt) => rt.namespaced && !rt.resource.includes('/') && rt.verbs.includes('list') && rt.verbs.includes('delete'));
  const kinds = types.map(resourceKey);
  const subs = kinds.map((resource) => app.store.watch({ contexts: [t.context], resource, namespace: t.name }));
  app.message(`namespace ${t.name}: listing the ${kinds.length} kinds inside it for finalizers…`);
  const deadline = Date.now() + INSIDE_WAIT_MS;
  const plan = (): void => {
    const cov = storeCoverage(app.store, [t.context], kinds, t.name);
    if (cov.some((c) => c.state === 'syncing') && Date.now() < deadline) {
      setTimeout(plan, 50);
      return;
    }
    // the caches stay for the store's grace period; the plan is made from them now
    for (const s of subs) s.close();
    const gaps = cov.filter((c) => c.state !== 'synced');
    // a namespace stuck Terminating waits for the objects inside that still carry finalizers:
    // those are the targets (one typed confirmation for all), each finalizer named with its holders
    const targets: Target[] = (t.object.metadata.finalizers ?? []).length ? [t] : [];
    const holders: Record<string, string[]> = {};
    for (const rt of types) {
      for (const o of app.store.list(t.context, resourceKey(rt), t.name)) {
        const fs = (o.metadata.finalizers ?? []) as string[];
        if (!fs.length) continue;
        targets.push({ context: t.context, resource: resourceKey(rt), kind: o.kind ?? rt.kind, namespace: t.name, name: o.metadata.name, object: { ...o, apiVersion: o.apiVersion ?? (rt.group ? `${rt.group}/${rt.version}` : rt.version) } });
        for (const f of fs) (holders[f] ??= []).push(`${rt.kind} ${t.name}/${o.metadata.name}`);
      }
    }
    const unread = gaps.length ? gapText(gaps) : undefined;
    if (!targets.length) {
      app.message(unread
        ? `namespace ${t.name}: no finalizer in the kinds read, but not every kind could be read (${unread}): cannot say nothing inside holds one`
        : `namespace ${t.name}: no object inside holds a finalizer`, unread ? 'error' : 'info');
      return;
    }
    app.act('remove-finalizers', targets, { finalizers: { holders, ...(unread ? { unread } : {}) } });
  };
  plan();
  return undefined;
}

/** How long `:shell` or `:port-forward` on a workload waits for its namespace's pods to list. */
const PODS_WAIT_MS = 15_000;

/**
 * A pod goes on at once; a workload (`:shell deploy/x`) first has its namespace's pods listed
 * (watched until synced, forbidden or failed, at most PODS_WAIT_MS), then goes on with the pod
 * `fleetdeck exec deploy/x` would pick (attachablePodIn, the CLI's function) and the plan's words
 * on it. No pod found over a list not read whole says so: it is not "no running pod".
 */
function onItsPod(app: AppContext, t: Target, label: string, go: (pod: Target, picked?: string) => void): undefined {
  if (t.kind === 'Pod') return void go(t);
  const object = { ...t.object, kind: t.kind };
  const sub = app.store.watch({ contexts: [t.context], resource: 'pods', namespace: t.namespace });
  app.message(`${label}: listing the pods of ${t.kind} ${t.namespace}/${t.name}…`);
  const deadline = Date.now() + PODS_WAIT_MS;
  const pick = (): void => {
    const cov = storeCoverage(app.store, [t.context], ['pods'], t.namespace);
    if (cov.some((c) => c.state === 'syncing') && Date.now() < deadline) {
      setTimeout(pick, 50);
      return;
    }
    const choice = attachablePodIn(app.store, t.context, object);
    // the cache stays for the store's grace period: the session's pod was read from it already
    sub.close();
    const gaps = cov.filter((c) => c.state !== 'synced');
    if (!choice.ok) return app.message(`${label}: ${choice.error}${gaps.length ? ` among the pods read; not read whole: ${gapText(gaps)}` : ''}`, 'error');
    go(podTarget(t.context, choice.value.pod), choice.value.picked);
  };
  pick();
  return undefined;
}

/** The sessions and UI steps an object command runs (they need a terminal: app.triage). */
const RUNNERS: Record<ObjectRun, (app: AppContext, targets: Target[]) => string | undefined> = {
  shell: (app, [t]) => {
    const triage = app.triage;
    return triage ? onItsPod(app, t, 'shell', (pod, picked) => triage.shell(pod, picked)) : 'a shell needs a terminal session';
  },
  'port-forward': (app, [t]) => {
    const triage = app.triage;
    return triage ? onItsPod(app, t, 'port-forward', (pod, picked) => triage.portForward(pod, picked)) : 'port-forward needs a terminal session';
  },
  edit: (app, [t]) => (app.triage ? void app.triage.edit(t) : 'edit needs a terminal session'),
  copy: (app, targets) => {
    if (!app.triage) return 'copy needs a terminal session';
    const names = targets.map((t) => t.name);
    app.triage.copy(names.length === 1 ? `the name ${names[0]}` : `${names.length} names`, names.join('\n'));
    return undefined;
  },
  'remove-finalizers': (app, [t]) => removeFinalizers(app, t),
};

/**
 * Runs `cmd` on `targets`: its view, its catalog action (`action` overrides the entry's, as
 * `:resume` does; options as `:scale 3` gives them) or its session (`verb`: asked by its `:`
 * word, as commandApplies reads it). Returns why nothing happened, in words.
 */
export function runObjectCommand(app: AppContext, cmd: ObjectCommand, targets: Target[], opts: { action?: string; options?: Parameters<AppContext['act']>[2]; verb?: boolean } = {}): string | undefined {
  const why = refusal(app, cmd, targets, [], opts.verb);
  if (why) return why;
  const effect = cmd.effect;
  if ('action' in effect) {
    const suspended = effect.whenSuspended !== undefined && targets.every((t) => (t.object.spec as { suspend?: unknown } | undefined)?.suspend === true);
    app.act(opts.action ?? (suspended ? effect.whenSuspended! : effect.action), targets, opts.options);
    return undefined;
  }
  if ('run' in effect) return RUNNERS[effect.run](app, targets);
  return VIEWS[effect.view](app, targets, typeOfTarget(app, targets[0])!);
}

/**
 * Of the refusals of one key's commands (`shift-f`: port-forward and force upgrade), the one
 * that speaks for the selection's kind: a command of a kind's own section (KIND_SECTIONS) whose
 * other commands apply to it — on a Kustomization `shift-f` is Flux's force upgrade, which
 * the footer and help offer there, not a pod's port-forward; else the first.
 */
export function closestRefusal(app: AppContext, view: View | undefined, refusals: readonly { id: CommandId; why: string }[]): string | undefined {
  if (refusals.length < 2) return refusals[0]?.why;
  const own = new Set(OBJECT_COMMANDS.filter((c) => {
    if (!KIND_SECTIONS.has(c.section) || c.needs === 'any') return false;
    const sel = targetsFor(app, view, c);
    return sel !== undefined && appliesToAll(app, c, sel.targets);
  }).map((c) => c.section));
  return (refusals.find((r) => own.has(command(r.id).section)) ?? refusals[0]).why;
}

/**
 * One command on the current view, as a key runs it: the view's own handling first, then — an
 * object command — on the view's selection. `ran`: something happened (a view, a dialog, a
 * message); else `why` says why not (undefined: the command is neither the view's nor an
 * object command, e.g. the shell's own).
 */
export function runOnView(app: AppContext, view: View | undefined, id: CommandId): { ran: boolean; why?: string } {
  if (view?.actions.includes(id) && view.handle(id)) return { ran: true };
  const cmd = objectCommand(id);
  if (!cmd) return { ran: false };
  const sel = targetsFor(app, view, cmd);
  if (!sel) return { ran: false, why: `${cmd.title}: this view shows no objects to act on` };
  const refused = refusal(app, cmd, sel.targets, sel.missing);
  if (refused) return { ran: false, why: refused };
  const failed = runObjectCommand(app, cmd, sel.targets);
  if (failed) app.message(failed, 'error');
  return { ran: true };
}
