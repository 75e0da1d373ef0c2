// The actions as shell subcommands (fleetdeck suspend|resume|reconcile|... KIND/NAME): the
// same plans, confirmations and executor as the TUI, for scripts and for one change across
// many contexts. src/cli.ts parses the flags and calls runActionCommand.
import { createInterface } from 'node:readline/promises';
import { actionable, type Executor } from '../actions/executor.js';
import { renderOutcomes, renderPlan } from '../actions/render.js';
import type { ActionOptions, Target } from '../actions/types.js';
import { termText } from '../model/sanitize.js';

export interface ActionCommandOptions extends ActionOptions {
  /** KIND/NAME, e.g. ks/apps, kustomization/apps, hr/podinfo */
  target: string;
  namespace?: string;
  dryRun?: boolean;
  yes?: boolean;
  protectedOk?: boolean;
}

/** A target found in one context, or why not: `error` as kubectl says it; `unreachable` when the server could not be asked at all. */
export type Found = { found: true; target: Target } | { found: false; error: string; unreachable: boolean };

export interface Output {
  write(text: string): unknown;
}

export interface ActionCommandDeps {
  executor: Executor;
  /** the contexts the command covers, already selected (names, globs, fleets) and reached */
  contexts: string[];
  /** the selected contexts that could not be reached, as "name: why": the action does not happen there */
  unreachable?: string[];
  /** finds the object in one context; when it cannot, why in kubectl's words (NotFound only on a 404) */
  find(context: string, kind: string, namespace: string | undefined, name: string): Promise<Found>;
  stdout: Output;
  stderr: Output;
  /** asks on the terminal; default readline on stdin/stdout */
  ask?: (question: string) => Promise<string>;
}

/**
 * Exit codes, the README's one rule: 1 the action did not happen everywhere (refused, failed,
 * not found, not confirmed, a selected context unreachable while others were acted on), 2 a
 * usage error or no selected context reachable (nothing could be read).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 2 } as const;

export function parseTarget(text: string): { kind: string; name: string } | undefined {
  const i = text.indexOf('/');
  if (i <= 0 || i === text.length - 1 || text.indexOf('/', i + 1) >= 0) return undefined;
  return { kind: text.slice(0, i), name: text.slice(i + 1) };
}

function terminalAsk(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // A closed stdin (a script without --yes) answers nothing: that is a refusal.
  return new Promise<string>((resolve) => {
    rl.once('close', () => resolve(''));
    rl.question(question).then(resolve, () => resolve(''));
  }).finally(() => rl.close());
}

export async function runActionCommand(actionId: string, opts: ActionCommandOptions, deps: ActionCommandDeps): Promise<number> {
  // plans, outcomes and messages carry cluster text (names, API messages): the one sanitizer, lines kept
  const out = (s: string) => deps.stdout.write(termText(s) + '\n');
  const err = (s: string) => deps.stderr.write(termText(s) + '\n');
  const parsed = parseTarget(opts.target);
  if (!parsed) {
    err(`fleetdeck ${actionId}: expected KIND/NAME, got ${JSON.stringify(opts.target)}`);
    return EXIT.usage;
  }
  const contexts = deps.contexts;
  const missing: string[] = [...(deps.unreachable ?? [])];
  if (contexts.length === 0) {
    for (const m of missing) err(`✗ ${m}`);
    err(`fleetdeck ${actionId}: no reachable context to act on`);
    return EXIT.unreachable;
  }

  // a context whose server could not be asked for the target counts as unreachable (exit 2 when
  // every one was); any answer of the server (NotFound, Forbidden) is a "no" (exit 1)
  let asked = 0;
  const found = await Promise.all(
    contexts.map(async (context) => {
      try {
        const r = await deps.find(context, parsed.kind, opts.namespace, parsed.name);
        if (r.found || !r.unreachable) asked++;
        if (r.found) return r.target;
        missing.push(`${context}: ${r.error}`);
      } catch (e) {
        asked++;
        missing.push(`${context}: ${(e as Error).message}`);
      }
      return undefined;
    }),
  );
  for (const m of missing) err(`✗ ${m}`);
  const targets = found.filter((t): t is Target => t !== undefined);
  if (targets.length === 0) return asked === 0 ? EXIT.unreachable : EXIT.failed;

  let plan;
  try {
    // what the plan reads besides its targets (a Flux owner, sources) and no cache holds: a GET
    const lookup = await deps.executor.readMissing(actionId, targets, opts);
    plan = deps.executor.plan(actionId, targets, opts, lookup);
  } catch (e) {
    err(`fleetdeck ${actionId}: ${(e as Error).message}`);
    return EXIT.usage;
  }
  out(renderPlan(plan));
  const acting = actionable(plan);
  const refused = plan.targets.some((t) => t.refused);
  if (opts.dryRun) {
    out('\n(dry run: nothing sent)');
    return !refused && missing.length === 0 ? EXIT.ok : EXIT.failed;
  }

  let typed: string | undefined;
  if (acting.length > 0) {
    const ask = deps.ask ?? terminalAsk;
    if (plan.protected && opts.yes && opts.protectedOk) typed = plan.confirmText;
    else if (plan.protected) typed = (await ask(`\nType "${plan.confirmText}" to confirm: `)).trim();
    else if (!opts.yes) {
      const answer = (await ask('\nProceed? [y/N] ')).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') {
        err('aborted: nothing sent');
        return EXIT.failed;
      }
    }
  }
  const outcomes = await deps.executor.execute(plan, { typed });
  out('');
  out(renderOutcomes(outcomes));
  return outcomes.every((o) => o.status === 'succeeded') && missing.length === 0 ? EXIT.ok : EXIT.failed;
}
