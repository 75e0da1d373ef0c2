// Plans and outcomes as plain text: the confirm dialog's body and the shell's --dry-run and
// result lines. Every request is shown exactly as it will be sent.
import { jsonForTerminal, termLine } from '../model/sanitize.js';
import { actionable } from './executor.js';
import type { ApiRequest, Outcome, OutcomeStatus, Plan, PlannedRequest, Target } from './types.js';

/** A target on one line: its names are cluster text (termLine: a newline in a name is not a new line). */
export function targetLine(t: Target): string {
  return termLine(`${t.context} / ${t.namespace ?? '-'} / ${t.kind} ${t.name}`);
}

export function requestLine(r: ApiRequest): string {
  const query = r.query && Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : '';
  return `${r.method} ${r.path}${query}`;
}

function indent(text: string, pad: string): string[] {
  return text.split('\n').map((l) => pad + l);
}

function requestLines(r: PlannedRequest, sameObject: boolean): string[] {
  const lines: string[] = [];
  if (!sameObject) lines.push(termLine(`    ${r.object.kind} ${r.object.namespace ? `${r.object.namespace}/` : ''}${r.object.name}:`));
  lines.push(`    ${requestLine(r)}`);
  if (r.contentType) lines.push(`    Content-Type: ${r.contentType}`);
  // the body as JSON, exactly as sent; cluster text in it (a rollback's template) has its C1 and
  // bidi controls escaped as JSON escapes them (\u009b), never raw on a terminal
  if (r.body !== undefined) lines.push(...indent(jsonForTerminal(r.body, 2), '    '));
  if (r.wait) lines.push(`    then wait until status.lastHandledReconcileAt is ${r.wait.token}, and report Ready`);
  return lines;
}

export function renderPlan(plan: Plan): string {
  const acting = actionable(plan);
  const lines: string[] = [`${plan.label}: ${acting.length} of ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'}`];
  // what matters first: each target and the change in words (summary, notes, the diff of a
  // rollback), then the exact requests; at 80x24 the first screen says what will happen
  for (const pt of plan.targets) {
    lines.push('', `  ${targetLine(pt.target)}`);
    // one-line texts that hold names or server messages: one line each
    if (pt.refused) {
      lines.push(termLine(`    refused: ${pt.refused}`));
      if (pt.alternative) lines.push(`    offered instead: ${pt.alternative}`);
    }
    if (pt.sameObjectAs !== undefined) {
      lines.push(`    sent once, through ${termLine(plan.targets[pt.sameObjectAs].target.context)}: the same object (uid ${termLine(pt.target.object.metadata.uid ?? '')}), one cluster`);
      continue;
    }
    if (pt.summary) lines.push(termLine(`    change: ${pt.summary}`));
    for (const note of pt.notes) {
      const [first, ...rest] = note.split('\n');
      lines.push(`    note: ${first}`, ...rest.map((l) => `      ${l}`));
    }
    if (pt.requests.length) lines.push(`    requests:`);
    for (const r of pt.requests) {
      const same = r.object.kind === pt.target.kind && r.object.name === pt.target.name && r.object.namespace === pt.target.namespace;
      lines.push(...requestLines(r, same));
    }
  }
  if (plan.protected) {
    // typed because a context is protected, or because the action is typed on every context
    // (finalizer removal): an unprotected context is never called protected
    const ask = `type "${plan.confirmText}" to confirm.`;
    const contexts = plan.protectedContexts ?? [];
    lines.push('', contexts.length ? `Protected context (${contexts.join(', ')}): ${ask}` : `${plan.label} is always typed, on any context: ${ask}`);
  }
  return lines.join('\n');
}

const MARK: Record<OutcomeStatus, string> = { succeeded: '✓', failed: '✗', 'timed-out': '▲', skipped: '●' };

export function outcomeLine(o: Outcome): string {
  return `${MARK[o.status]} ${targetLine(o.target)}: ${o.status}: ${termLine(o.message)}`;
}

/** Each outcome's line, then its followed steps as the flux CLI prints them (`✔ fetched revision …`). */
export function renderOutcomes(outcomes: Outcome[]): string {
  return outcomes.flatMap((o) => [outcomeLine(o), ...(o.steps ?? []).map((s) => `  ✔ ${s}`)]).join('\n');
}
