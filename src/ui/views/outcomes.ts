// `:outcomes`: what the actions of this session did, newest first: each target's verdict
// (succeeded, failed with the API's message, timed out, skipped with the reason) and the
// requests sent with their HTTP status. Live: a reconcile's follow result appears when it lands.
import { outcomeLine, requestLine } from '../../actions/render.js';
import type { Outcome, OutcomeStatus } from '../../actions/types.js';
import type { Role } from '../../config/theme.js';
import { escapeTags, paint } from '../style.js';
import { TextView } from './text.js';

const ROLE: Record<OutcomeStatus, Role> = { succeeded: 'status.ok', failed: 'status.error', 'timed-out': 'status.warn', skipped: 'status.muted' };

export function outcomeLines(outcomes: Outcome[]): { text: string; role?: Role }[] {
  const out: { text: string; role?: Role }[] = [];
  for (const o of [...outcomes].reverse()) {
    out.push({ text: `${o.finishedAt.slice(11, 19)} ${outcomeLine(o)}`, role: ROLE[o.status] });
    for (const r of o.requests) out.push({ text: `           ${requestLine(r.request)} → ${r.status ?? '-'}${r.error ? ` ${r.error}` : ''}` });
  }
  return out;
}

export class OutcomesView extends TextView {
  title(): string {
    return 'outcomes';
  }

  protected lines(): string[] {
    const lines = outcomeLines(this.app.outcomes());
    if (!lines.length) return ['no actions run yet'];
    return lines.map((l) => (l.role ? paint(this.app.theme, l.role, l.text) : escapeTags(l.text)));
  }
}
