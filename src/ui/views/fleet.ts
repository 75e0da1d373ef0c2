// The Fleet view (home): a row per context of the run: state and API latency, version, nodes,
// pods, unhealthy workloads, Flux, unhealthy CRs, problem count with a text sparkline of its
// trend, last error. A context that is not ready is a red row. Enter narrows the other views
// to that context. The trend is a single-width text sparkline in the row (a blessed-contrib
// widget cannot live inside the table's lines).
import type { ChangeBatch } from '../../fleet/types.js';
import { namespaceAbsentIn, namespaceAbsentText, problemInputs, storeSameClusters } from '../../fleet/report.js';
import type { KindCoverage } from '../../model/coverage.js';
import { summarizeContext, unknownCells, type ContextSummary, type SummaryCell } from '../../model/fleet-summary.js';
import { problems } from '../../model/problems.js';
import type { ContextStatus } from '../../fleet/types.js';
import type { CommandId } from '../../commands/table.js';
import { viewColumn } from '../../model/columns.js';
import type { AppContext, View } from '../view.js';
import { escapeTags, paint } from '../style.js';
import { cutToWidth, termLine } from '../../model/sanitize.js';
import { detailFits, renderTable, type Column, type TableState } from '../widgets/table.js';
import { RowView } from './text.js';
import { StatusWatcher } from './problems.js';

const SPARKS = '▁▂▃▄▅▆▇█';
const TREND_LENGTH = 12;
/**
 * A context whose watched kinds are not all synced is summarised again (and its gaps read
 * again while some are in their first list) at most this often: 50 CRD-heavy contexts syncing
 * together changed every frame, and reading each of them whole per frame cost about a third
 * of the client's CPU. Its row says `+`/`?` meanwhile.
 */
const PARTIAL_EVERY_MS = 500;
/**
 * Past this many contexts with kinds in their first list, each is read less often, in
 * proportion (50 syncing together: every 2.5 s each), so the reads of partial rows cost what
 * those of this many would: at 50 CRD-heavy contexts they were ~15% of the client's CPU while
 * every context synced.
 */
const PARTIAL_CONTEXTS = 10;
/** A trend point is taken at most this often, so a burst of batches is one point. */
const TREND_EVERY_MS = 5_000;

/** A single-width sparkline of the last values, scaled to their maximum. Pure. */
export function sparkline(values: number[], length = TREND_LENGTH): string {
  const v = values.slice(-length);
  const max = Math.max(0, ...v);
  return v.map((x) => (max === 0 ? SPARKS[0] : SPARKS[Math.min(SPARKS.length - 1, Math.round((x / max) * (SPARKS.length - 1)))])).join('');
}

export interface FleetRow {
  status: ContextStatus;
  summary?: ContextSummary;
  problems: number;
  failed: number;
  trend: number[];
  selected: boolean;
  /** cells whose kinds are not whole (syncing, forbidden, failed): shown as `?`, never as a count */
  unknown?: Set<SummaryCell>;
  /** some watched kind of the context is not whole: PROBLEMS is a lower bound (`7+`) */
  partial?: boolean;
  /** an earlier context reaches the same cluster: its problems are counted in that row (`=prod-eu`) */
  sameAs?: string;
  /** the namespace scope names a namespace this context does not have (a typo): its namespaced counts are `no ns`, never 0 */
  absent?: boolean;
}

// a count never read (a context never reached, or not summarised yet) is unknown: `?`, never `-`
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '?' : `${a}/${b}`);
/** what a namespaced count cell of a context without the scope's namespace says */
const NO_NS = 'no ns';
/** a context that cannot be asked now: its last latency is not current */
const unreachable = (s: ContextStatus): boolean => s.state === 'unreachable' || s.state === 'auth-error';

/**
 * The fleet table's columns. Their places at narrow widths are declared with every other
 * table's (VIEW_COLUMNS.fleet in src/model/columns.ts): identity and the problem columns stay.
 */
export function fleetColumns(): Column<FleetRow>[] {
  const dead = (r: FleetRow) => (r.status.state === 'ready' ? undefined : ('status.error' as const));
  // a count over kinds not whole is unknown (issue 20): `?`, coloured as unknown
  const q = (r: FleetRow, cell: SummaryCell): boolean => !!r.summary && !!r.unknown?.has(cell);
  const unknownRole = (r: FleetRow, cell: SummaryCell) => (q(r, cell) || !r.summary ? ('status.warn' as const) : undefined);
  // a namespaced count: `no ns` where the scope's namespace is not there, `?` where not whole or never read
  const count = (r: FleetRow, cell: SummaryCell, text: (s: ContextSummary) => string): string => (r.absent ? NO_NS : q(r, cell) || !r.summary ? '?' : text(r.summary));
  return [
    { ...viewColumn('fleet', 'CONTEXT'), maxWidth: 20, value: (r) => `${r.selected ? '*' : ' '}${r.status.name}`, role: dead },
    { ...viewColumn('fleet', 'STATE'), value: (r) => r.status.state, role: (r) => dead(r) ?? 'status.ok' },
    // the last round trip of a context that cannot be asked now is not its latency: `?`
    { ...viewColumn('fleet', 'LATENCY'), align: 'right', optional: true, value: (r) => (r.status.latencyMs === undefined || unreachable(r.status) ? '?' : `${Math.round(r.status.latencyMs)}ms`), role: dead },
    { ...viewColumn('fleet', 'VERSION'), optional: true, value: (r) => r.status.serverVersion ?? '?', role: dead },
    { ...viewColumn('fleet', 'NODES'), align: 'right', optional: true, value: (r) => (q(r, 'nodes') ? '?' : ratio(r.summary?.nodes.ready, r.summary?.nodes.total)), role: (r) => dead(r) ?? unknownRole(r, 'nodes') ?? (r.summary && r.summary.nodes.ready < r.summary.nodes.total ? 'status.warn' : undefined) },
    // by phase (Running/Pending/Failed), as `status`; FAILING: not phase Failed but Failed by health (CrashLoopBackOff...)
    { ...viewColumn('fleet', 'PODS R/P/F'), optional: true, value: (r) => count(r, 'pods', (s) => `${s.pods.running}/${s.pods.pending}/${s.pods.failed}`), role: (r) => dead(r) ?? unknownRole(r, 'pods') ?? (r.summary?.pods.failed ? 'status.error' : undefined) },
    { ...viewColumn('fleet', 'PODS FAILING'), align: 'right', optional: true, value: (r) => count(r, 'pods', (s) => String(s.pods.failing)), role: (r) => dead(r) ?? unknownRole(r, 'pods') ?? (r.summary?.pods.failing ? 'status.error' : undefined) },
    { ...viewColumn('fleet', 'WORKLOADS'), align: 'right', value: (r) => count(r, 'workloads', (s) => `${s.workloads.unhealthy} bad`), role: (r) => dead(r) ?? unknownRole(r, 'workloads') ?? (r.summary?.workloads.unhealthy ? 'status.error' : undefined) },
    { ...viewColumn('fleet', 'FLUX OK/FAIL/SUSP'), value: (r) => count(r, 'flux', (s) => `${s.flux.ready}/${s.flux.failed}/${s.flux.suspended}`), role: (r) => dead(r) ?? unknownRole(r, 'flux') ?? (r.summary?.flux.failed ? 'status.error' : undefined) },
    { ...viewColumn('fleet', 'CRS'), align: 'right', value: (r) => count(r, 'crs', (s) => `${s.crs.unhealthy} bad`), role: (r) => dead(r) ?? unknownRole(r, 'crs') ?? (r.summary?.crs.unhealthy ? 'status.error' : undefined) },
    // a second context of one cluster: counted once, in the first context's row (issue 20 case 10)
    {
      ...viewColumn('fleet', 'PROBLEMS'), align: 'right',
      value: (r) => (r.sameAs ? `=${r.sameAs}` : r.absent ? NO_NS : r.summary ? `${r.problems}${r.partial ? '+' : ''}` : '?'),
      role: (r) => dead(r) ?? (r.sameAs ? 'status.muted' : r.absent || !r.summary ? 'status.warn' : r.failed ? 'status.error' : r.problems || r.partial ? 'status.warn' : 'status.ok'),
    },
    { ...viewColumn('fleet', 'TREND'), optional: true, value: (r) => sparkline(r.trend) },
    { ...viewColumn('fleet', 'LAST ERROR'), optional: true, squeeze: 2, value: (r) => (r.status.state === 'ready' ? '' : (r.status.lastError ?? '')), role: dead },
  ];
}

export class FleetView implements View {
  readonly actions: readonly CommandId[] = ['open', 'wrap', 'up', 'down', 'page-up', 'page-down', 'top', 'bottom'];
  /** `w`: the selected context's full values under the table */
  private detail = false;
  private size = { width: 80, height: 24 };
  private readonly watcher: StatusWatcher;
  private readonly state: TableState = { selected: 0, top: 0 };
  /** per context: its summary and its problems (not suspended) by object uid, true when failed */
  private readonly cache = new Map<string, { summary: ContextSummary; problems: Map<string, boolean> }>();
  private readonly trends = new Map<string, { at: number; values: number[] }>();
  private readonly stale = new Set<string>();
  /** per context: its watched kinds not synced (its coverage gaps), read again only when its states changed */
  private readonly gaps = new Map<string, KindCoverage[]>();
  private readonly gapsStale = new Set<string>();
  /** when each context's gaps were last read (the view's clock), and over which of its watched kinds */
  private readonly gapsAt = new Map<string, { at: number; kinds: readonly string[] | undefined }>();
  /** when each context was last summarised (the view's clock) */
  private readonly derivedAt = new Map<string, number>();
  private rows: FleetRow[] = [];

  constructor(private readonly app: AppContext) {
    this.watcher = new StatusWatcher(app.store, () => app.namespace());
    this.all().forEach((c) => (this.stale.add(c), this.gapsStale.add(c)));
    this.watcher.sync(this.all());
  }

  private all(): string[] {
    return this.app.store.contexts().map((c) => c.name);
  }

  title(): string {
    return 'fleet';
  }

  status(): string {
    const all = this.all();
    const same = storeSameClusters(this.app.store, all);
    if (!same.size) return `[${all.length} contexts]`;
    // a context whose cluster identity was never read (never reached) may be any cluster or a
    // new one: the count is a lower bound over the others, `1+ clusters`, never counting it as one
    const unknown = this.app.store.contexts().filter((s) => !s.kubeSystemUid && s.identityError === undefined && !same.has(s.name)).length;
    return `[${all.length} contexts · ${all.length - same.size - unknown}${unknown ? '+' : ''} clusters${unknown ? ` (${unknown} not known)` : ''}]`;
  }

  /** a new namespace scope: every context's counts are read again */
  scopeChanged(): void {
    this.all().forEach((c) => (this.stale.add(c), this.gapsStale.add(c)));
  }

  onChange(batch: ChangeBatch): void {
    if (batch.contexts.size) {
      // the watched kinds changed (discovery): every context's gaps are read again
      if (this.watcher.sync(this.all())) this.all().forEach((c) => this.gapsStale.add(c));
      // a context's reflector states and its own state come as a changed context
      for (const c of batch.contexts) (this.stale.add(c), this.gapsStale.add(c));
    }
    // only the contexts whose objects changed are summarised again
    for (const key of batch.resources) this.stale.add(key.slice(0, key.indexOf('\u0000')));
  }

  private derive(): void {
    const now = this.app.now();
    // per context, not over the fleet: 50 CRD-heavy contexts watch ~10k kinds, and a frame
    // during their sync would read every kind's state of every context
    const statuses = new Map(this.app.store.contexts().map((s) => [s.name, s]));
    let partial = 0;
    for (const g of this.gaps.values()) if (g.length > 0) partial++;
    const every = PARTIAL_EVERY_MS * Math.max(1, partial / PARTIAL_CONTEXTS);
    // the contexts whose gaps are read in this frame: summarised in it too
    const read = new Set<string>();
    for (const c of this.gapsStale) {
      // a context with kinds in their first list has gaps (`+`) until they are done: read them
      // at most `every` ms, and at once when none is syncing any more, when it had none (a
      // kind that stops being whole shows at the next frame) or when its watched kinds are
      // not those they were read over (gaps read before discovery name only pods: the other
      // kinds, watched since, would read as whole)
      const at = this.gapsAt.get(c);
      const kinds = this.watcher.kinds.get(c);
      if ((this.gaps.get(c)?.length ?? 0) > 0 && (statuses.get(c)?.syncing ?? 0) > 0 && at !== undefined && at.kinds === kinds && now - at.at < every) continue;
      this.gapsAt.set(c, { at: now, kinds });
      this.gapsStale.delete(c);
      this.gaps.set(c, this.watcher.coverage([c]).filter((g) => g.state !== 'synced'));
      read.add(c);
    }
    for (const c of new Set([...this.stale, ...read])) {
      if (!this.watcher.kinds.has(c)) continue;
      // a context still syncing is summarised at most every `every` ms (its counts carry
      // `+` meanwhile); once whole, at once. Its counts are never older than its gaps: a
      // summary taken while a kind was in its first list (`0/0` nodes) would show as whole
      // once the gaps say that kind synced, so the frame that reads the gaps summarises too
      const last = this.derivedAt.get(c);
      if (!read.has(c) && (this.gaps.get(c)?.length ?? 0) > 0 && last !== undefined && now - last < every) continue;
      this.derivedAt.set(c, now);
      this.stale.delete(c);
      const lists = this.watcher.objects(c, 'problems');
      const list = problems(problemInputs(this.app.store, c, lists), now).filter((p) => p.severity !== 'suspended');
      // without a namespace scope both uses read the same lists (listsInScope)
      const summaryLists = this.app.namespace() === undefined ? lists : this.watcher.objects(c, 'summary');
      this.cache.set(c, { summary: summarizeContext(summaryLists, now), problems: new Map(list.map((p) => [p.uid ?? `${p.kind}/${p.namespace}/${p.name}`, p.severity === 'failed'])) });
      const t = this.trends.get(c) ?? { at: 0, values: [] };
      if (now - t.at >= TREND_EVERY_MS) this.trends.set(c, { at: now, values: [...t.values, list.length].slice(-TREND_LENGTH) });
      else t.values[t.values.length - 1] = list.length;
    }
    const selected = new Set(this.app.contexts());
    const same = storeSameClusters(this.app.store, this.all());
    const gapsOf = (c: string): KindCoverage[] => this.gaps.get(c) ?? [];
    const absent = new Set(namespaceAbsentIn(this.app.store, this.all(), this.app.namespace()));
    this.rows = this.app.store.contexts().map((status) => {
      const c = this.cache.get(status.name);
      const gaps = gapsOf(status.name);
      // a cluster reached by several contexts: its first row counts every object once, over all of them
      const group = [status.name, ...[...same].filter(([, sc]) => sc.as === status.name).map(([n]) => n)];
      const union = new Map<string, boolean>();
      for (const n of group) for (const [k, f] of this.cache.get(n)?.problems ?? []) union.set(k, (union.get(k) ?? false) || f);
      const sameAs = same.get(status.name)?.as;
      // the union is whole when one of the group's contexts sees the cluster whole
      const partial = group.every((n) => gapsOf(n).length > 0);
      return {
        status, summary: c?.summary, problems: union.size, failed: [...union.values()].filter(Boolean).length, trend: this.trends.get(status.name)?.values ?? [], selected: selected.has(status.name),
        unknown: unknownCells(gaps.map((g) => g.resource)), partial, ...(sameAs ? { sameAs } : {}), ...(absent.has(status.name) ? { absent: true } : {}),
      };
    });
  }

  fleetRows(): readonly FleetRow[] {
    this.derive();
    return this.rows;
  }

  handle(action: CommandId): boolean {
    if (action === 'wrap') {
      this.derive();
      const row = this.rows[this.state.selected];
      // values too long for the rows under the table: a view of their own, wrapped and scrollable
      if (!this.detail && row && !detailFits(fleetColumns(), row, this.size.width, this.size.height)) {
        this.app.push(new RowView(this.app, `row ${row.status.name}`, () => fleetColumns().map((c) => [c.header, c.value(row)])));
      } else this.detail = !this.detail;
      return true;
    }
    this.derive();
    const moves: Partial<Record<CommandId, number>> = { up: -1, down: 1, 'page-up': -10, 'page-down': 10, top: -Infinity, bottom: Infinity };
    const d = moves[action];
    if (d !== undefined) {
      this.state.selected = Math.max(0, Math.min(this.rows.length - 1, this.state.selected + d));
      return true;
    }
    const row = this.rows[this.state.selected];
    if (action === 'open' && row) {
      this.app.setContexts([row.status.name]);
      this.app.message(`views now cover ${row.status.name}`);
      return true;
    }
    return false;
  }

  render(width: number, height: number): string[] {
    this.size = { width, height };
    this.derive();
    // a namespace scope some contexts do not have (a typo) is said under the table, as every table says it
    const ns = this.app.namespace();
    const absent = this.rows.filter((r) => r.absent).map((r) => r.status.name);
    const notice = absent.length && ns !== undefined ? [paint(this.app.theme, 'status.warn', escapeTags(cutToWidth(termLine(namespaceAbsentText(ns, absent)), width)))] : [];
    const lines = renderTable({ columns: fleetColumns(), rows: this.rows, width, height: height - notice.length, state: this.state, theme: this.app.theme, detail: this.detail });
    if (!notice.length) return lines;
    while (lines.length < height - notice.length) lines.push('');
    return [...lines, ...notice];
  }

  close(): void {
    this.watcher.close();
  }
}
