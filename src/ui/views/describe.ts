// kubectl-describe-like text: metadata, labels, annotations, a spec summary, conditions,
// containers for pods, and the object's events (involvedObject.uid) from the store. The object
// is read from the API (the caches keep projected copies), again whenever the cached copy
// changes; until the first answer, or when it fails, the cached copy is shown, said so at the end.
import { arr, conditions, isRecord, num, str } from '../../model/access.js';
import { age } from '../../model/format.js';
import { resourceKey, type KubeObject, type ResourceType } from '../../model/types.js';
import { coverageText } from '../../model/coverage.js';
import { storeCoverage } from '../../fleet/report.js';
import type { Subscription } from '../../fleet/types.js';
import { displayWidth, termLine } from '../../model/sanitize.js';
import { escapeTags, paint, textColumns } from '../style.js';
import { objectScope, type AppContext, type ViewScope } from '../view.js';
import { FullObject } from './full-object.js';
import { TextView } from './text.js';

/** Events about the object, newest first, across the store's events of its context. */
export function eventsFor(app: AppContext, context: string, obj: KubeObject): KubeObject[] {
  const uid = obj.metadata.uid;
  if (!uid) return [];
  const when = (e: KubeObject): string => str(e, 'lastTimestamp') ?? str(e, 'eventTime') ?? e.metadata.creationTimestamp ?? '';
  return app.store
    .list(context, 'events', obj.metadata.namespace)
    .filter((e) => str(e, 'involvedObject', 'uid') === uid)
    .sort((a, b) => when(b).localeCompare(when(a)));
}

function scalar(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * What the Events section says when the list is empty: `<none>` only when the events of the
 * object's namespace are fully listed; else that they are not loaded yet, forbidden or failed
 * (issue 20: an incomplete list is never shown as "none").
 */
export function noEventsText(app: Pick<AppContext, 'store'>, context: string, namespace: string | undefined): string {
  const [cov] = storeCoverage(app.store, [context], ['events'], namespace);
  if (!cov || cov.state === 'synced') return '<none>';
  if (cov.state === 'syncing') return '(events not loaded yet)';
  return `(${coverageText({ ...cov, resource: 'events' }).replace(/^events in [^:]+: /, 'events ')})`;
}

/**
 * Describe's lines with its fields laid out: each run of consecutive fields at one indent gets
 * one value column, two past its widest label and at least at column 14 (kubectl's); `label`
 * paints a label padded to a width. Values are cluster text (escaped here).
 */
export function layoutFields(entries: readonly (string | { indent: number; label: string; value: string })[], label: (text: string, width: number) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < entries.length; ) {
    const e = entries[i];
    if (typeof e === 'string') {
      out.push(e);
      i++;
      continue;
    }
    let j = i;
    let width = 14 - e.indent;
    for (; j < entries.length; j++) {
      const f = entries[j];
      if (typeof f === 'string' || f.indent !== e.indent) break;
      width = Math.max(width, displayWidth(f.label) + 2);
    }
    for (const f of entries.slice(i, j) as { indent: number; label: string; value: string }[]) out.push(' '.repeat(f.indent) + label(f.label, width) + escapeTags(f.value));
    i = j;
  }
  return out;
}

export class DescribeView extends TextView {
  /** the object's events are watched while describe is open (nothing else may be watching them) */
  private readonly events: Subscription;
  private readonly full: FullObject;

  constructor(
    app: AppContext,
    private readonly context: string,
    private readonly rt: ResourceType,
    private readonly obj: KubeObject,
  ) {
    super(app);
    this.events = app.store.watch({ contexts: [context], resource: 'events', namespace: obj.metadata.namespace });
    this.full = new FullObject(app, context, rt, obj.metadata.namespace, obj.metadata.name);
  }

  close(): void {
    this.events.close();
    this.full.close();
  }

  title(): string {
    return `describe ${this.rt.kind.toLowerCase()}/${this.obj.metadata.name}`;
  }

  scope(): ViewScope {
    return objectScope(this.context, this.obj);
  }

  protected lines(width: number): string[] {
    const t = this.app.theme;
    // the conditions' and events' columns before the message: cut to a quarter of the screen
    // (a hostile reason cannot push the message off it), whole when wrapped (w)
    const columnMax = this.wrapped ? Infinity : Math.max(16, Math.floor(width / 4));
    const cached = this.app.store.get(this.context, resourceKey(this.rt), this.obj.metadata.namespace, this.obj.metadata.name) ?? this.obj;
    this.full.refresh(cached.metadata.resourceVersion);
    const o = this.full.object ?? cached;
    // lines, and fields laid out at the end: a run of fields at one indent has its values in one
    // column, past its widest label (kubectl's tabwriter); a label's width is its terminal width
    const out: (string | { indent: number; label: string; value: string })[] = [];
    const field = (label: string, value: string, indent = 0): void => void out.push({ indent, label: `${termLine(label)}:`, value });
    /** the next value of a map (a label, an annotation) under the first, in the same column */
    const more = (value: string, indent = 0): void => void out.push({ indent, label: '', value });
    const section = (name: string): void => void out.push(paint(t, 'describe.section', name));
    /** A container state as kubectl describe prints it: the state, its reason, exit code, times. */
    const stateLines = (label: string, state: unknown): void => {
      const kind = isRecord(state) ? Object.keys(state)[0] : undefined;
      if (!kind) return field(label, 'unknown', 4);
      const sv = (state as Record<string, unknown>)[kind];
      field(label, kind[0].toUpperCase() + kind.slice(1), 4);
      const reason = str(sv, 'reason');
      if (reason) field('Reason', reason, 6);
      const message = str(sv, 'message');
      if (message) field('Message', message, 6);
      const exit = num(sv, 'exitCode');
      if (exit !== undefined) field('Exit Code', String(exit), 6);
      const signal = num(sv, 'signal');
      if (signal !== undefined) field('Signal', String(signal), 6);
      for (const [k, l] of [['startedAt', 'Started'], ['finishedAt', 'Finished']] as const) {
        const at = str(sv, k);
        if (at) field(l, at, 6);
      }
    };
    const map = (label: string, m: Record<string, string>): void => {
      const entries = Object.entries(m);
      if (!entries.length) return field(label, '<none>');
      entries.forEach(([k, v], i) => (i === 0 ? field(label, `${k}=${v}`) : more(`${k}=${v}`)));
    };
    const now = this.app.now();
    field('Name', o.metadata.name);
    if (o.metadata.namespace) field('Namespace', o.metadata.namespace);
    field('Context', this.context);
    field('Kind', `${o.kind ?? this.rt.kind} (${o.apiVersion ?? ''})`);
    field('Created', `${o.metadata.creationTimestamp ?? '<unknown>'} (${age(o.metadata.creationTimestamp, now)} ago)`);
    map('Labels', o.metadata.labels ?? {});
    const ann = { ...(o.metadata.annotations ?? {}) };
    delete ann['kubectl.kubernetes.io/last-applied-configuration'];
    map('Annotations', ann);
    const owners = o.metadata.ownerReferences ?? [];
    if (owners.length) field('Controlled By', owners.map((r) => `${r.kind}/${r.name}`).join(', '));
    const spec = o.spec;
    if (isRecord(spec)) {
      section('Spec:');
      for (const [k, v] of Object.entries(spec)) {
        const s = scalar(v);
        if (s !== undefined) field(k, s, 2);
        else if (isRecord(v) && Object.values(v).every((x) => scalar(x) !== undefined)) field(k, Object.entries(v).map(([a, b]) => `${a}=${String(b)}`).join(', '), 2);
      }
    }
    if (this.rt.kind === 'Pod') {
      // kubectl describe's order: Init Containers, Containers, Ephemeral Containers
      const groups: [string, string, string][] = [
        ['Init Containers:', 'initContainers', 'initContainerStatuses'],
        ['Containers:', 'containers', 'containerStatuses'],
        ['Ephemeral Containers:', 'ephemeralContainers', 'ephemeralContainerStatuses'],
      ];
      for (const [title, specKey, statusKey] of groups) {
        const list = arr(o, 'spec', specKey);
        if (!list.length) continue;
        section(title);
        const statuses = arr(o, 'status', statusKey);
        for (const c of list) {
          const name = str(c, 'name') ?? '';
          const st = statuses.find((s) => str(s, 'name') === name);
          out.push(`  ${paint(t, 'describe.label', `${name}:`)}`);
          field('Image', str(c, 'image') ?? '', 4);
          if (specKey === 'ephemeralContainers' && str(c, 'targetContainerName')) field('Target', str(c, 'targetContainerName')!, 4);
          const command = arr(c, 'command').map(String);
          if (command.length) field('Command', command.join(' '), 4);
          stateLines('State', st && isRecord(st) ? st.state : undefined);
          // the crash that restarted it: what `kubectl logs -p` shows the logs of
          if (st && isRecord(st) && isRecord(st.lastState) && Object.keys(st.lastState).length) stateLines('Last State', st.lastState);
          field('Ready', String(st && isRecord(st) ? st.ready === true : false), 4);
          field('Restarts', String(num(st, 'restartCount') ?? 0), 4);
          const ports = arr(c, 'ports').map((p) => `${num(p, 'containerPort')}/${str(p, 'protocol') ?? 'TCP'}`);
          if (ports.length) field('Ports', ports.join(', '), 4);
        }
      }
    }
    const phase = str(o, 'status', 'phase');
    if (phase) field('Status', phase);
    const conds = conditions(o);
    if (conds.length) {
      section('Conditions:');
      const rows = textColumns([['Type', 'Status', 'Reason', 'Message'], ...conds.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? ''])], '  ', columnMax);
      out.push(paint(t, 'describe.label', rows[0]), ...rows.slice(1).map(escapeTags));
    }
    // the object's part ends here: said last, so its lines do not move when the answer comes
    if (!this.full.object) {
      const why = this.full.error ? `the API did not answer (${this.full.error})` : 'reading it from the API…';
      out.push(paint(t, 'status.muted', escapeTags(termLine(`(${why}: the cached copy, without the fields no table reads)`))));
    }
    section('Events:');
    const events = eventsFor(this.app, this.context, o);
    if (!events.length) out.push(`  ${escapeTags(noEventsText(this.app, this.context, o.metadata.namespace))}`);
    else {
      const rows = textColumns([
        ['Type', 'Reason', 'Age', 'Count', 'Message'],
        ...events.map((e) => [str(e, 'type') ?? '', str(e, 'reason') ?? '', age(str(e, 'lastTimestamp') ?? str(e, 'eventTime') ?? e.metadata.creationTimestamp, now), String(num(e, 'count') ?? 1), str(e, 'message') ?? '']),
      ], '  ', columnMax);
      out.push(paint(t, 'describe.label', rows[0]));
      events.forEach((e, i) => out.push(str(e, 'type') === 'Warning' ? paint(t, 'status.warn', rows[i + 1]) : escapeTags(rows[i + 1])));
    }
    return layoutFields(out, (label, width) => paint(t, 'describe.label', label + ' '.repeat(width - displayWidth(label))));
  }
}
