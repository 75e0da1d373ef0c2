// The fleet-native triage views: `:compare KIND/NAME [ns]` (one object side by side across
// the selected contexts), `:trace KIND/NAME [ns]` (up to the Flux object and source that put
// it there, in every selected context holding it) and `:changes [since]` (the fleet's
// timeline, newest first). `v` (compare) and `o` (trace) open the first two from any object
// row (resource tables, Flux, Problems, the changes timeline). They read the store through
// src/fleet/triage.ts and print with the same renderers as the shell (src/model/triage-text.ts),
// painted with the theme.
import { changeKinds, compareInputFor, findNamed, FLUX_TRACE_KINDS, OWNER_KINDS, traceIn, unreadReason } from '../../fleet/triage.js';
import type { ChangeBatch, Subscription } from '../../fleet/types.js';
import { storeCoverage, storeSameClusters } from '../../fleet/report.js';
import { listedWhole } from '../../fleet/knowledge.js';
import { absentText, gapText, unservedText, type UnreadContext } from '../../model/coverage.js';
import { changesOnce, coverageNotes, observeChange, recordedChanges, timeline, type ChangeRow } from '../../model/changes.js';
import { compareObjects } from '../../model/compare.js';
import { invalidFilterText, rowFilter } from '../../model/filter.js';
import { parseGoDuration } from '../../model/format.js';
import type { Trace } from '../../model/trace.js';
import { CHANGE_COLUMNS, changeSearchText, renderChanges, renderCompare, renderTraces, type Paint } from '../../model/triage-text.js';
import { resourceKey, type KubeObject, type ResourceType } from '../../model/types.js';
import type { Role, Theme } from '../../config/theme.js';
import type { Target } from '../../actions/types.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { escapeTags, fit, openTag } from '../style.js';
import type { AppContext, View, ViewScope } from '../view.js';
import { detailRoom } from '../widgets/table.js';
import { rowDetail, TextView, toggleRowDetail } from './text.js';

/** The renderers' Paint for blessed: theme roles, cluster text escaped for tags. */
export function themePaint(theme: Theme): Paint {
  // paint() escapes its text; the renderers hand it text already through termLine and, for
  // cluster text, through `text` (escapeTags): decorate only what is not escaped yet
  const role = (r: Role) => (s: string) => wrapRole(theme, r, s);
  return { bad: role('status.error'), good: role('status.ok'), warn: role('status.warn'), muted: role('status.muted'), bold: role('table.header'), text: escapeTags };
}

/** A role's open tag around already-escaped text. */
function wrapRole(theme: Theme, r: Role, escaped: string): string {
  const open = openTag(theme.styles[r]);
  return open ? `${open}${escaped}{/}` : escaped;
}

/** Plain text that is not cluster data (headers, labels) escaped for tags, for the renderers' raw pieces. */
function plain(s: string): string {
  return escapeTags(s);
}

/** What a row key opens: compare or trace of KIND/NAME in a namespace. */
export interface ObjectAddress {
  /** what resolves the kind in each context: a resourceKey or what the user typed */
  query: string;
  namespace?: string;
  name: string;
}

export function addressOf(resource: string, object: KubeObject): ObjectAddress {
  return { query: resource, namespace: object.metadata.namespace, name: object.metadata.name };
}

/** Palette arguments `KIND/NAME [ns]` (or `KIND NAME [ns]`). */
export function parseAddress(args: string[]): ObjectAddress | undefined {
  const [a, b, c] = args;
  if (!a) return undefined;
  const slash = a.indexOf('/');
  if (slash > 0 && slash < a.length - 1) return { query: a.slice(0, slash), name: a.slice(slash + 1), ...(b ? { namespace: b } : {}) };
  if (b) return { query: a, name: b, ...(c ? { namespace: c } : {}) };
  return undefined;
}

/** Watches `kinds` in the selected contexts while the view lives (a context discovered later is subscribed when it is). */
class Watches {
  private subs = new Map<string, Subscription>();
  constructor(private readonly app: AppContext, private readonly kinds: (context: string) => { resource: string; namespace?: string }[]) {}
  sync(): void {
    for (const c of this.app.contexts()) {
      if (!this.app.store.contexts().find((s) => s.name === c)?.discovered) continue;
      for (const k of this.kinds(c)) {
        const id = `${c}\u0000${k.resource}\u0000${k.namespace ?? ''}`;
        if (!this.subs.has(id)) this.subs.set(id, this.app.store.watch({ contexts: [c], resource: k.resource, namespace: k.namespace }));
      }
    }
  }
  close(): void {
    for (const s of this.subs.values()) s.close();
    this.subs.clear();
  }
}

const objectKinds = (a: ObjectAddress) => (): { resource: string; namespace?: string }[] => [
  { resource: a.query, namespace: a.namespace },
  ...['pods', ...OWNER_KINDS, ...FLUX_TRACE_KINDS].map((resource) => ({ resource })),
];

/**
 * A live text view of one object across the selected contexts (compare, trace): the kinds it
 * reads are watched while it lives, and the other view of the pair is one key away.
 */
abstract class ObjectTextView extends TextView {
  private readonly watches: Watches;
  constructor(app: AppContext, protected readonly addr: ObjectAddress, kinds: ObjectAddress) {
    super(app);
    this.watches = new Watches(app, objectKinds(kinds));
    this.watches.sync();
  }
  /** `compare`, `trace`: the crumb's first word */
  protected abstract readonly verb: string;
  /** No selected context resolves the kind: waiting for discovery, unknown where a context could not be read, or none serves it (every one discovered). */
  protected unserved(): string {
    const mine = new Set(this.app.contexts());
    return unservedText(this.addr.query, this.app.store.contexts().filter((c) => mine.has(c.name)));
  }
  /** the pair's other view and the command that opens it */
  protected abstract sibling(): { action: CommandId; view: () => View };
  title(): string {
    return `${this.verb} ${this.addr.query.split('.')[0]}/${this.addr.name}`;
  }
  /** Its own namespace, not the app's: the one named, else every namespace is searched for the name. */
  scope(): ViewScope {
    return this.addr.namespace === undefined ? { allNamespaces: true } : { namespace: this.addr.namespace };
  }
  protected override extraActions(): CommandId[] {
    return [this.sibling().action];
  }
  override handle(action: CommandId): boolean {
    const other = this.sibling();
    if (action === other.action) {
      this.app.push(other.view());
      return true;
    }
    return super.handle(action);
  }
  onChange(batch: ChangeBatch): void {
    if (batch.contexts.size) this.watches.sync();
  }
  scopeChanged(): void {
    this.watches.sync();
  }
  close(): void {
    this.watches.close();
  }
}

/** `:compare`: the object side by side across the selected contexts, live. */
export class CompareView extends ObjectTextView {
  protected readonly verb = 'compare';
  constructor(app: AppContext, addr: ObjectAddress) {
    super(app, addr, addr);
  }
  protected sibling(): { action: CommandId; view: () => View } {
    return { action: 'trace', view: () => new TraceView(this.app, this.addr) };
  }
  protected lines(width: number): string[] {
    const store = this.app.store;
    const contexts = this.app.contexts();
    const now = this.app.now();
    const type = contexts.map((c) => store.resolve(c, this.addr.query)).find((t) => t !== undefined);
    if (!type) return [plain(this.unserved())];
    let ns = type.namespaced ? this.addr.namespace : undefined;
    if (type.namespaced && ns === undefined) {
      const found = new Set(contexts.flatMap((c) => { const t = store.resolve(c, this.addr.query); return t ? findNamed(store, c, t, this.addr.name, undefined).map((r) => r.object.metadata.namespace ?? '') : []; }));
      if (found.size > 1) return [plain(`${type.kind}/${this.addr.name} is in namespaces ${[...found].sort().join(', ')}: :compare ${this.addr.query}/${this.addr.name} <namespace>`)];
      ns = [...found][0];
    }
    const inputs = contexts.map((c) => compareInputFor(store, c, this.addr.query, ns, this.addr.name, now));
    const r = compareObjects({ kind: type.kind, namespace: ns ?? '', name: this.addr.name }, inputs, now);
    // wrapped (w): every value whole, folded onto the rows below; else cut to the screen with `~`
    return renderCompare(r, themePaint(this.app.theme), width, { clip: !this.wrapped });
  }
}

/** `:trace`: the chain up to the source in every selected context holding the object, the row's own context first. */
export class TraceView extends ObjectTextView {
  protected readonly verb = 'trace';
  constructor(app: AppContext, addr: ObjectAddress, private readonly first?: string) {
    super(app, addr, { ...addr, namespace: undefined });
  }
  protected sibling(): { action: CommandId; view: () => View } {
    return { action: 'compare', view: () => new CompareView(this.app, this.addr) };
  }
  protected lines(width: number): string[] {
    const store = this.app.store;
    const now = this.app.now();
    const contexts = [...this.app.contexts()].sort((a, b) => (a === this.first ? -1 : b === this.first ? 1 : 0));
    const traces: ({ context: string } & Trace)[] = [];
    const elsewhere: string[] = [];
    const notThere: string[] = [];
    const unread: UnreadContext[] = [];
    let type: ResourceType | undefined;
    for (const c of contexts) {
      const t = store.resolve(c, this.addr.query);
      type ??= t;
      const refs = t ? findNamed(store, c, t, this.addr.name, this.addr.namespace) : [];
      for (const ref of refs) traces.push({ context: c, ...traceIn(store, c, ref, now) });
      if (!refs.length) {
        const why = unreadReason(store, c, t, this.addr.namespace);
        if (why) unread.push({ context: c, reason: why });
        else notThere.push(c);
        elsewhere.push(`${c}: ${why ? `unknown (${why})` : 'not there'}`);
      }
    }
    const p = themePaint(this.app.theme);
    // wrapped (w): messages and names whole, folded onto the rows below
    const room = this.wrapped ? Infinity : width;
    // nothing found: "not found" only of the contexts read whole (the shell's trace says the same)
    const absent = type ? absentText(type, this.addr.name, this.addr.namespace, notThere, unread) : this.unserved();
    const out = traces.length ? renderTraces(traces, p, room).split('\n') : [plain(absent)];
    if (elsewhere.length) out.push('', p.muted(escapeTags(this.wrapped ? elsewhere.join('; ') : fit(elsewhere.join('; '), width))));
    return out;
  }
}

const DEFAULT_WINDOW_MS = 3600_000;
const RECOMPUTE_MS = 1000;

/**
 * `:changes [since]`: the fleet's timeline, newest first — what the objects record, plus the
 * deletions and scale changes its watches see from the moment it opened. `/` filters the rows
 * as every table does (src/model/filter.ts, over the columns as drawn); enter or `o` traces the
 * row's object, `v` compares it.
 */
export class ChangesView implements View {
  readonly actions: readonly CommandId[] = ['open', 'trace', 'compare', 'wrap', 'back', ...NAV_ACTIONS];
  private readonly watches: Watches;
  private readonly since: number;
  /** `w`: the selected change whole under the table */
  private detail = false;
  private width = 80;
  private readonly openedAt: number;
  private readonly seen = new Map<string, Map<string, KubeObject>>();
  private observed: ChangeRow[] = [];
  private rows: ChangeRow[] = [];
  private unread: string[] = [];
  private computedAt = -Infinity;
  private dirty = true;
  // a batch inside the once-a-second bound is drawn when the bound ends, not at the next event
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private selected = 0;
  private top = 0;
  private height = 10;
  private filterText = '';
  private filterError: string | undefined;
  // a new filter recomputes at once (the once-a-second bound is for change batches)
  readonly filter = {
    get: () => this.filterText,
    set: (t: string) => { this.filterText = t; this.dirty = true; this.computedAt = -Infinity; this.selected = 0; },
    error: () => this.filterError,
  };

  constructor(private readonly app: AppContext, windowMs = DEFAULT_WINDOW_MS) {
    this.since = windowMs;
    this.openedAt = app.now();
    this.watches = new Watches(app, (c) => changeKinds(app.store.resources(c)).map((resource) => ({ resource })));
    this.watches.sync();
  }

  title(): string {
    return 'changes';
  }

  status(): string {
    this.derive();
    // changes of kinds not read whole are not shown (the "not read" line says which): the count is a lower bound
    return `[${this.rows.length}${this.unread.length ? '+' : ''}]`;
  }

  scopeChanged(): void {
    this.watches.sync();
    this.dirty = true;
  }

  onChange(batch: ChangeBatch): void {
    if (batch.contexts.size) this.watches.sync();
    const now = this.app.now();
    for (const key of batch.resources) {
      const [context, rk] = key.split('\u0000');
      if (!this.app.contexts().includes(context)) continue;
      const t = this.app.store.resolve(context, rk);
      if (!t || t.kind === 'Event') {
        this.dirty = true;
        continue;
      }
      const listed = listedWhole(this.app.store, context, rk, t.namespaced);
      const list = this.app.store.list(context, rk);
      const next = new Map(list.map((o) => [o.metadata.uid ?? `${o.metadata.namespace}/${o.metadata.name}`, o]));
      const prev = this.seen.get(key);
      // the first complete list is the starting point, not a change
      if (prev && listed) {
        for (const [uid, before] of prev) {
          const after = next.get(uid);
          if (after !== before) this.observed.push(...observeChange(context, { resource: rk, object: after ?? before }, before, after, now));
        }
      }
      if (listed) this.seen.set(key, next);
      this.dirty = true;
    }
  }

  private derive(): void {
    const now = this.app.now();
    if (!this.dirty) return;
    const wait = this.computedAt + RECOMPUTE_MS - now;
    if (wait > 0) {
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        this.app.render();
      }, wait);
      return;
    }
    this.dirty = false;
    this.computedAt = now;
    const store = this.app.store;
    const from = now - this.since;
    const inputs = this.app.contexts().map((c) => ({ context: c, objects: changeKinds(store.resources(c)).flatMap((k) => { const t = store.resolve(c, k); return t && t.kind !== 'Event' ? store.list(c, resourceKey(t)).map((object) => ({ resource: resourceKey(t), object })) : []; }), events: (() => { const t = store.resolve(c, 'events'); return t ? store.list(c, resourceKey(t)) : []; })() }));
    const order = this.app.contexts();
    const all = changesOnce(timeline([...inputs.flatMap((i) => recordedChanges(i, from)), ...this.observed], { since: from, contexts: order, ...(this.app.namespace() !== undefined ? { namespace: this.app.namespace() } : {}) }), storeSameClusters(store, order), order);
    // the one `/` filter of every table, over the columns as drawn; labels are the object's while the store holds it
    const { fn, error } = rowFilter<ChangeRow>(this.filterText, { text: changeSearchText, labels: (r) => this.objectOf(r)?.metadata.labels });
    this.filterError = error;
    this.rows = fn ? fn.apply(all) : all;
    this.unread = [];
    // one model function says what is not whole (src/model/coverage.ts)
    for (const c of this.app.contexts()) {
      const kinds = changeKinds(store.resources(c));
      const gaps = storeCoverage(store, [c], kinds.length ? kinds : ['events']).filter((g) => g.state !== 'synced');
      if (gaps.length) this.unread.push(`${c}: ${gapText(gaps)}`);
    }
    this.selected = Math.max(0, Math.min(this.selected, this.rows.length - 1));
  }

  handle(action: CommandId): boolean {
    this.derive();
    const d = navDelta(action, Math.max(1, this.height - 4));
    if (d !== undefined) {
      this.selected = Math.max(0, Math.min(this.rows.length - 1, this.selected + d));
      return true;
    }
    if (action === 'wrap') {
      const r = this.rows[this.selected];
      this.detail = toggleRowDetail(this.app, this.detail, `row ${r?.name ?? ''}`, r && (() => changeValues(r, this.app.now())), this.width, this.height);
      return true;
    }
    const row = this.rows[this.selected];
    if (!row) return false;
    const addr = { query: row.kind, namespace: row.namespace || undefined, name: row.name };
    if (action === 'open' || action === 'trace') {
      this.app.push(new TraceView(this.app, addr, row.context));
      return true;
    }
    if (action === 'compare') {
      this.app.push(new CompareView(this.app, addr));
      return true;
    }
    return false;
  }

  /** The selected change's object while the store holds it (a deleted one has none): object commands act on it. */
  selection(): Target[] {
    this.derive();
    const row = this.rows[this.selected];
    const rt = row && this.app.store.resolve(row.context, row.kind);
    const object = row && this.objectOf(row);
    return row && rt && object ? [{ context: row.context, resource: resourceKey(rt), kind: rt.kind, namespace: object.metadata.namespace, name: row.name, object }] : [];
  }

  /** The row's object as the store holds it now (none once deleted). */
  private objectOf(row: ChangeRow): KubeObject | undefined {
    const rt = this.app.store.resolve(row.context, row.kind);
    return rt && this.app.store.get(row.context, resourceKey(rt), row.namespace || undefined, row.name);
  }

  render(width: number, height: number): string[] {
    this.width = width;
    this.derive();
    const selected = this.rows[this.selected];
    const detail = this.detail && selected ? rowDetail(changeValues(selected, this.app.now()), width).slice(0, detailRoom(height)) : [];
    const list = this.renderList(width, height - detail.length);
    if (!detail.length) return list;
    while (list.length < height - detail.length) list.push('');
    return [...list, ...detail.map((l) => themePaint(this.app.theme).muted(escapeTags(l)))];
  }

  private renderList(width: number, height: number): string[] {
    this.height = height;
    const p = themePaint(this.app.theme);
    const now = this.app.now();
    const notes = coverageNotes({ since: now - this.since, watchingSince: this.openedAt, now });
    const head = [
      p.muted(escapeTags(fit(`last ${Math.round(this.since / 60000)}m, newest first · ${notes[0]}`, width))),
      ...(this.unread.length ? [p.warn(escapeTags(fit(`not read: ${this.unread.join('; ')} (their changes are not shown)`, width)))] : []),
    ];
    const table = renderChanges(this.rows, now, p, width - 2);
    const bodyHeight = Math.max(1, height - head.length - 1);
    const visible = bodyHeight - 1;
    if (this.selected < this.top) this.top = this.selected;
    if (this.selected >= this.top + visible) this.top = this.selected - visible + 1;
    const rows = table.slice(1 + this.top, 1 + this.top + visible).map((l, i) => (this.top + i === this.selected ? `${wrapRole(this.app.theme, 'table.selected', '›')} ${l}` : `  ${l}`));
    if (this.filterError !== undefined) rows.push(p.bad(escapeTags(fit(invalidFilterText(this.filterText, this.filterError), width))));
    else if (this.rows.length === 0) rows.push(plain(this.filterText ? `no change matches /${this.filterText}` : 'no recorded change in this window in what could be read'));
    return [...head, `  ${table[0]}`, ...rows];
  }

  close(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.watches.close();
  }
}

/** A change row's values, every column whole (w). */
function changeValues(r: ChangeRow, now: number): [string, string][] {
  return CHANGE_COLUMNS.map((c) => [c.header, c.whole ? c.whole(r) : c.value(r, now)]);
}

/** `:changes 30m` → 30 minutes; undefined for a bad duration. */
export function changesWindow(arg: string | undefined): number | undefined {
  if (!arg) return DEFAULT_WINDOW_MS;
  const ms = parseGoDuration(arg);
  return ms !== undefined && ms > 0 ? ms : undefined;
}
