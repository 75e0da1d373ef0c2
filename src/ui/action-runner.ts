// The action runner: what AppContext.act does. A catalog action (src/actions) on targets:
// rollback waits for the history it reads; what the plan reads and the cache lacks is read
// first; scale asks for the replica count; then the plan goes into a confirm dialog (lead,
// target, change in words, requests; tab toggles the one option that changes what is sent)
// and, confirmed, to the executor, whose outcome lands on the message line.
import { actionable, type Executor } from '../actions/executor.js';
import { outcomeLine } from '../actions/render.js';
import type { ActionOptions, Lookup, Outcome, Plan, Target } from '../actions/types.js';
import type { FleetStore } from '../fleet/types.js';
import { listedWhole } from '../fleet/knowledge.js';
import { historyOf } from '../model/kinds.js';
import { fluxManaged } from '../model/patches.js';
import { groupOfResource } from '../model/types.js';
import type { Preparing } from './app-state.js';
import type { AppContext, View } from './view.js';
import { ConfirmView, InputView } from './views/confirm.js';

/** An action on its way to its dialog: cancelled by esc meanwhile; the keys typed meanwhile. */
interface Job {
  cancelled: boolean;
  dropped: string[];
}

/** How long a rollback waits for the targets' revision objects to sync before planning, ms. */
const HISTORY_WAIT_MS = 5000;

export interface ActionRunnerDeps {
  app: AppContext;
  store: FleetStore;
  executor: Executor;
  /** the store's reads, as the executor plans over them */
  lookup: Lookup;
  /** pops a dialog (and anything above it) off the stack */
  dismiss(view: View): void;
  /** true once the app quit: late answers are dropped */
  closed(): boolean;
  /** an action's plan is being prepared (its reads in flight), or no longer (undefined) */
  preparing(p: Preparing | undefined): void;
}

/** AppContext.act over the deps: plan, ask, confirm, execute. */
export function createActionRunner(d: ActionRunnerDeps): (actionId: string, targets: Target[], options: ActionOptions) => void {
  const { app, store, executor } = d;

  function summarize(label: string, outcomes: Outcome[]): void {
    if (outcomes.length === 1) {
      const o = outcomes[0];
      // the executor's outcome line is on the message line already (app.ts onOutcome): the same
      // text again read "(×2)", as a twice-run action on a protected context would
      if (!o.steps?.length) return;
      return app.message(`${outcomeLine(o)} (${o.steps.join('; ')})`, o.status === 'succeeded' ? 'info' : 'error');
    }
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
    const ok = outcomes.every((o) => o.status === 'succeeded');
    app.message(`${label}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')} (:outcomes for each target)`, ok ? 'info' : 'error');
  }

  function run(plan: Plan, typed: string): void {
    const acting = actionable(plan).length;
    app.message(`${plan.label}: running on ${acting} target${acting === 1 ? '' : 's'}…`);
    executor.execute(plan, { typed }).then(
      (outcomes) => !d.closed() && summarize(plan.label, outcomes),
      (err: unknown) => !d.closed() && app.message(`${plan.label} failed: ${err instanceof Error ? err.message : String(err)}`, 'error'),
    );
  }

  /** Rollback plans read the workloads' ReplicaSets / ControllerRevisions from the store:
   * watch them (in the targets' namespaces) until synced, then plan. */
  function withHistory(targets: Target[], then: () => void): void {
    const wanted = targets.flatMap((t) => {
      const src = historyOf(t.kind, groupOfResource(t.resource));
      return src ? [{ context: t.context, resource: src.resource, namespace: t.namespace }] : [];
    });
    const subs = wanted.map((w) => store.watch({ contexts: [w.context], resource: w.resource, namespace: w.namespace }));
    const synced = (): boolean =>
      wanted.every((w) => listedWhole(store, w.context, w.resource, true, w.namespace));
    const deadline = Date.now() + HISTORY_WAIT_MS;
    const poll = (): void => {
      if (d.closed()) return;
      if (!synced() && Date.now() < deadline) {
        setTimeout(poll, 50);
        return;
      }
      then();
      // the dialog's plan is made; the store keeps the caches for its grace period
      for (const sub of subs) sub.close();
    };
    poll();
  }

  /** What answers one action's key: its dialog or prompt, said over the keys typed before it showed. */
  function ask(job: Job, view: View): void {
    app.push(view);
    if (job.dropped.length) app.message(`typed before this showed, not run: ${job.dropped.join(' ')}`);
  }

  /** One action from its key to its dialog; `job.cancelled` once esc cancelled it while its reads were in flight. */
  function act(job: Job, actionId: string, targets: Target[], options: ActionOptions, historyWatched = false, read?: Lookup): void {
    if (d.closed() || job.cancelled) return;
    if (actionId === 'rollback' && !historyWatched) {
      withHistory(targets, () => act(job, actionId, targets, options, true));
      return;
    }
    if (!read) {
      // what the plan reads besides its targets (the Flux owner, sources) and the cache lacks
      // is read with a GET first, for the plan and for the dialog's toggle alike
      const all = { ...options, suspendOwner: true, withSource: true };
      executor.readMissing(actionId, targets, all).then(
        (lookup) => act(job, actionId, targets, options, historyWatched, lookup ?? d.lookup),
        (err: unknown) => {
          if (d.closed() || job.cancelled) return;
          d.preparing(undefined);
          app.message(`${actionId}: ${err instanceof Error ? err.message : String(err)}`, 'error');
        },
      );
      return;
    }
    // from here on, synchronous: a dialog, a prompt or a message answers the key
    d.preparing(undefined);
    if (actionId === 'scale' && options.replicas === undefined) {
      const current = targets.map((t) => `${t.context} / ${t.namespace ?? '-'} / ${t.kind} ${t.name}: ${String((t.object.spec as { replicas?: unknown } | undefined)?.replicas ?? 1)} replicas`);
      const input: InputView = new InputView(app, `scale ${targets.length === 1 ? targets[0].name : `${targets.length} targets`} to replicas:`, /^\d+$/, (answer) => {
        d.dismiss(input);
        if (answer !== undefined) act(job, actionId, targets, { ...options, replicas: Number(answer) }, historyWatched, read);
      }, current);
      ask(job, input);
      return;
    }
    let plan = executor.plan(actionId, targets, options, read);
    let lead: string | undefined;
    const acting = actionable(plan);
    // already as asked everywhere (a rollback to the running template): kubectl's words, no dialog
    if (!acting.length && plan.targets.length > 0 && plan.targets.every((t) => t.noop)) {
      app.message(plan.targets.length === 1 ? plan.targets[0].noop! : `${plan.label}: no change on ${plan.targets.length} targets (${plan.targets[0].noop})`, 'info');
      return;
    }
    if (!acting.length) {
      const alt = plan.targets[0]?.alternative;
      // reconcile on a suspended object: Flux would ignore it; offer to resume first
      if (alt && plan.targets.every((t) => t.alternative === alt)) {
        lead = `${plan.targets[0].refused} — ${alt.replace(/-/g, ' ')} instead?`;
        actionId = alt;
        plan = executor.plan(alt, targets, options, read);
      } else {
        app.message(plan.targets[0]?.refused ?? `${plan.label}: nothing to do`, 'error');
        return;
      }
    }
    // tab re-plans with the one option that changes what is sent: the Flux source for a
    // reconcile; suspending the Flux owner first for a workload change Flux would revert
    const reconciles = ['reconcile', 'resume-and-reconcile', 'force', 'reset'].includes(actionId);
    // a restart stands under Flux (fluxRestartNotes): suspending the owner first is not offered
    const gitOps = ['rollback', 'scale'].includes(actionId) && targets.some((t) => fluxManaged(t.object));
    const option: 'withSource' | 'suspendOwner' | undefined = reconciles ? 'withSource' : gitOps ? 'suspendOwner' : undefined;
    let toggled = option ? options[option] ?? false : false;
    const dialog: ConfirmView = new ConfirmView(app, plan, {
      lead,
      confirm: (typed) => {
        d.dismiss(dialog);
        run(plan, typed);
      },
      cancel: () => {
        d.dismiss(dialog);
        app.message(`${plan.label} cancelled`);
      },
      toggle: option
        ? {
            label: option === 'withSource' ? 'with source' : 'suspend Flux owner first',
            get on() {
              return toggled;
            },
            run: () => {
              toggled = !toggled;
              plan = executor.plan(actionId, targets, { ...options, [option]: toggled }, read);
              return plan;
            },
          }
        : undefined,
    });
    ask(job, dialog);
  }

  return (actionId, targets, options) => {
    const job: Job = { cancelled: false, dropped: [] };
    d.preparing({ label: actionId, cancel: () => (job.cancelled = true), dropped: job.dropped });
    act(job, actionId, targets, options);
  };
}
