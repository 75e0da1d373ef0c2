// The pulses view (`:pulses`): per selected context, charts of events per second, the problem
// count, new container restarts and CPU/memory used against the nodes' allocatable, drawn with
// blessed-contrib widgets (line chart, sparklines, gauges) mounted into the shell's body box
// while the view is on top (View.mount/unmount); its text lines are the per-context labels.
//
// Where the numbers come from: the store's caches (the kinds the Fleet view watches, plus
// Events), marked dirty by the store's change batches, and the metrics poller's snapshots
// (src/fleet/metrics.ts, leased for the contexts while the view is open). A sample is taken
// every SAMPLE_MS while the view is open — never per event, and no timer once it is closed —
// into the pure series of src/model/pulses.ts. The charts are redrawn only when a sample moved.
//
// Layout: at 80x24 (or when the contexts do not leave 10 rows each) a panel is 4 rows: the
// label and a row of five sparklines; with room (>= 100 columns, >= 10 rows a context) a line
// chart of events/s and problems, a restarts sparkline and CPU/MEM gauges. Colours are theme
// roles, mapped to the 8 base ANSI colours blessed-contrib's canvas draws with (16-colour safe).
import type blessed from 'blessed';
import type { LineElement } from 'blessed-contrib/lib/widget/charts/line.js';
import type { SparklineElement } from 'blessed-contrib/lib/widget/sparkline.js';
import type { GaugeElement } from 'blessed-contrib/lib/widget/gauge.js';
import blessedLib from 'blessed';
import { namespaceAbsentIn, namespaceAbsentText, problemInputs, storeSameClusters } from '../../fleet/report.js';
import { kindCoverage } from '../../fleet/knowledge.js';
import type { ChangeBatch, Subscription } from '../../fleet/types.js';
import { formatCpu } from '../../model/format.js';
import { problems } from '../../model/problems.js';
import { ContextPulse, eventOccurrences, fleetCapacity, knownTail, pulseNumber, restartTotal, toLevels, type Load, type PulseMetric } from '../../model/pulses.js';
import { resourceKey } from '../../model/types.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import type { Role, Theme } from '../../config/theme.js';
import { tagColour } from '../../config/theme.js';
import { fit, paint } from '../style.js';
import type { AppContext, View } from '../view.js';
import { StatusWatcher } from './problems.js';

interface ContribWidgets {
  line: typeof import('blessed-contrib/lib/widget/charts/line.js').default;
  sparkline: typeof import('blessed-contrib/lib/widget/sparkline.js').default;
  gauge: typeof import('blessed-contrib/lib/widget/gauge.js').default;
}
let widgets: ContribWidgets | undefined;
let loadingWidgets: Promise<void> | undefined;

/**
 * The blessed-contrib widgets, loaded when pulses first opens rather than when the TUI starts
 * (with their canvas, lodash and gl-matrix they were ~0.3 s of a start on a loaded 2-core
 * machine and ~3 MB of heap that most sessions never draw). Until they are in, the view shows
 * its label lines; the charts are mounted on the frame after.
 */
function loadWidgets(): Promise<void> {
  loadingWidgets ??= Promise.all([
    import('blessed-contrib/lib/widget/charts/line.js'),
    import('blessed-contrib/lib/widget/sparkline.js'),
    import('blessed-contrib/lib/widget/gauge.js'),
  ]).then(([l, s, g]) => {
    widgets = { line: l.default, sparkline: s.default, gauge: g.default };
  });
  return loadingWidgets;
}

/** How often a sample is taken while the view is open. */
export const SAMPLE_MS = 2_000;
const COMPACT_ROWS = 4;
const ROOMY_ROWS = 10;
const ROOMY_WIDTH = 100;
const GAUGE_ROWS = 6;

const BASE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/** A theme colour as blessed-contrib's canvas takes it: one of its 8 names (bright ones as their base), [r,g,b] for #rrggbb, 'normal' for the terminal's default. */
export function canvasColour(c: string | undefined): string | number[] {
  if (!c || c === 'default') return 'normal';
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const base = c.replace(/^bright/, '');
  return BASE.includes(base) ? base : 'normal';
}

const fgOf = (theme: Theme, role: Role): string | undefined => theme.styles[role].fg;

interface Layout {
  roomy: boolean;
  panel: number;
  shown: string[];
  total: number;
}

interface Panel {
  context: string;
  widgets: blessed.Widgets.BoxElement[];
  sparks: { metric: PulseMetric; el: SparklineElement }[];
  chart?: LineElement;
  gauges: { metric: 'cpu' | 'memory'; el: GaugeElement }[];
  drawn: number;
}

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(b >= 10 * 2 ** 30 ? 0 : 1)}Gi`;

export class PulsesView implements View {
  readonly actions: readonly CommandId[] = [...NAV_ACTIONS];
  private readonly watcher: StatusWatcher;
  private readonly eventSubs = new Map<string, { key: string; sub: Subscription }>();
  private readonly pulses = new Map<string, ContextPulse>();
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly dirty = new Set<string>();
  private readonly problemCount = new Map<string, number>();
  private releaseMetrics?: () => void;
  private timer?: NodeJS.Timeout;
  private panels: Panel[] = [];
  private parent?: blessed.Widgets.BoxElement;
  private layoutKey = '';
  private first = 0;
  private lastPanelRows = COMPACT_ROWS;

  constructor(private readonly app: AppContext) {
    this.watcher = new StatusWatcher(app.store, () => app.namespace());
    this.aim();
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref?.();
    if (!widgets) void loadWidgets().then(() => this.app.render());
  }

  title(): string {
    return 'pulses';
  }

  status(): string {
    const n = this.app.contexts().length;
    const shown = Math.min(n, this.lastShown);
    return shown < n ? `[${this.first + 1}-${this.first + shown}/${n} contexts, ↑↓ more]` : `[${n} context${n === 1 ? '' : 's'}, every ${SAMPLE_MS / 1000}s]`;
  }

  private lastShown = Infinity;

  /** Watches, event caches and the metrics lease follow the selected contexts. */
  private aim(): void {
    const contexts = this.app.contexts();
    this.watcher.sync(contexts);
    for (const [c, e] of this.eventSubs) {
      if (contexts.includes(c)) continue;
      e.sub.close();
      this.eventSubs.delete(c);
    }
    for (const c of contexts) {
      if (this.eventSubs.has(c)) continue;
      const rt = this.app.store.resolve(c, 'events');
      if (!rt) continue;
      this.eventSubs.set(c, { key: resourceKey(rt), sub: this.app.store.watch({ contexts: [c], resource: 'events' }) });
    }
    for (const c of [...this.pulses.keys()]) if (!contexts.includes(c)) this.pulses.delete(c);
    this.releaseMetrics?.();
    this.releaseMetrics = this.app.metrics?.lease(contexts);
  }

  scopeChanged(): void {
    this.aim();
    // counts in the new namespace scope, from the next sample
    for (const c of this.app.contexts()) this.dirty.add(c);
    this.first = 0;
    this.app.render();
  }

  onChange(batch: ChangeBatch): void {
    if (batch.contexts.size) {
      // discovery may have landed: the watches can now be aimed
      if (this.watcher.sync(this.app.contexts()) || [...batch.contexts].some((c) => !this.eventSubs.has(c))) this.aim();
      for (const c of batch.contexts) this.dirty.add(c);
    }
    // only marks: the next sample reads what changed (never a redraw per event)
    for (const key of batch.resources) this.dirty.add(key.slice(0, key.indexOf('\u0000')));
  }

  /**
   * Whether the kinds are read (src/model/coverage.ts): every one synced (whole), some
   * forbidden in places and the rest synced (partial: counts are lower bounds, shown `N+`,
   * as the Fleet view does), or not yet (still listing, failed: no number at all).
   */
  private synced(context: string, keys: readonly string[]): false | 'whole' | 'partial' {
    const store = this.app.store;
    if (keys.length === 0) return false;
    const states = keys.map((k) => kindCoverage(store, context, k, store.resolve(context, k)?.namespaced ?? true).state);
    if (states.some((s) => s === 'syncing' || s === 'failed')) return false;
    return states.every((s) => s === 'synced') ? 'whole' : 'partial';
  }

  /** One sample per selected context from the caches and the metrics poller. */
  sample(): void {
    const at = this.app.now();
    for (const c of this.app.contexts()) {
      let pulse = this.pulses.get(c);
      if (!pulse) this.pulses.set(c, (pulse = new ContextPulse()));
      const kinds = this.watcher.kinds.get(c) ?? [];
      const objects = this.watcher.objects(c, 'summary');
      const statusSynced = this.synced(c, kinds);
      const podsSynced = this.synced(c, ['pods']);
      if (statusSynced && (this.dirty.has(c) || !this.problemCount.has(c))) {
        const list = problems(problemInputs(this.app.store, c, this.watcher.objects(c, 'problems')), at).filter((p) => p.severity !== 'suspended');
        this.problemCount.set(c, list.length);
      }
      let events: number | undefined;
      const ev = this.eventSubs.get(c);
      const eventsSynced = ev ? this.synced(c, [ev.key]) : false;
      if (ev && eventsSynced) {
        const before = this.seen.get(c);
        if (!before || this.dirty.has(c)) {
          const r = eventOccurrences(before, this.app.store.list(c, ev.key));
          this.seen.set(c, r.seen);
          events = before ? r.fresh : undefined;
        } else events = 0;
      }
      const pods = objects.get('pods');
      // capacity from a nodes list not whole would be a share of part of the cluster
      const { cpu, memory } = this.synced(c, ['nodes']) === 'whole' ? this.load(c, objects.get('nodes') ?? []) : {};
      // each figure carries its own kinds' completeness: events/s over Events forbidden in a
      // namespace is a lower bound as much as problems or restarts are
      const partial: PulseMetric[] = [];
      if (eventsSynced === 'partial') partial.push('events');
      if (statusSynced === 'partial') partial.push('problems');
      if (podsSynced === 'partial') partial.push('restarts');
      pulse.sample({
        at,
        events,
        problems: statusSynced ? this.problemCount.get(c) : undefined,
        restarts: pods && podsSynced ? restartTotal(pods) : undefined,
        cpu,
        memory,
        partial,
      });
    }
    this.dirty.clear();
    this.app.render();
  }

  /** CPU and memory in use (node metrics, else the pods' sum) against the nodes' allocatable. */
  private load(context: string, nodes: Parameters<typeof fleetCapacity>[0]): { cpu?: Load; memory?: Load } {
    const snap = this.app.metrics?.snapshot(context);
    if (snap?.state !== 'served') return {};
    const cap = fleetCapacity(nodes);
    const usage = [...(snap.nodes.size ? snap.nodes.values() : snap.pods.values())];
    const cpu = usage.reduce((a, u) => a + u.cpu, 0);
    const mem = usage.reduce((a, u) => a + u.memory, 0);
    return {
      cpu: cap.cpu === undefined ? undefined : { used: cpu, capacity: cap.cpu },
      memory: cap.memory === undefined ? undefined : { used: mem, capacity: cap.memory },
    };
  }

  handle(action: CommandId): boolean {
    const d = navDelta(action, 1);
    if (d === undefined) return false;
    const n = this.app.contexts().length;
    const fits = Math.min(n, this.lastShown);
    this.first = Math.max(0, Math.min(Math.max(0, n - fits), this.first + (Number.isFinite(d) ? d : d > 0 ? n : -n)));
    return true;
  }

  private layout(width: number, height: number): Layout {
    const contexts = this.app.contexts();
    const n = Math.max(1, contexts.length);
    const each = Math.floor(height / n);
    const roomy = width >= ROOMY_WIDTH && each >= ROOMY_ROWS;
    const panel = roomy ? each : COMPACT_ROWS;
    const fits = Math.max(1, Math.floor(height / panel));
    this.first = Math.max(0, Math.min(this.first, contexts.length - fits));
    return { roomy, panel, shown: contexts.slice(this.first, this.first + fits), total: contexts.length };
  }

  private metricsWord(context: string, l: Load | undefined, what: 'cpu' | 'memory'): string {
    const snap = this.app.metrics?.snapshot(context);
    if (!snap || snap.state === 'pending') return '…';
    // a context that could not be asked (unreachable): unknown, never "not served"
    const reach = this.app.store.contexts().find((s) => s.name === context)?.state;
    if (snap.state === 'unknown' || reach === 'unreachable' || reach === 'auth-error') return '?';
    if (snap.state === 'unserved') return 'n/a';
    if (!l) return this.synced(context, ['nodes']) === 'whole' ? 'n/a (no node capacity)' : '? (nodes not listed)';
    const pct = `${pulseNumber((l.used / l.capacity) * 100)}%`;
    return what === 'cpu' ? `${pct} of ${l.capacity >= 1 ? `${pulseNumber(l.capacity)} cores` : formatCpu(l.capacity)}` : `${pct} of ${gib(l.capacity)}`;
  }

  /** Whether the namespace scope names a namespace this context does not have (namespaceAbsentIn): its counts are not 0s. */
  private absentIn(context: string): string | undefined {
    const ns = this.app.namespace();
    return ns !== undefined && namespaceAbsentIn(this.app.store, [context], ns).length ? namespaceAbsentText(ns, [context]) : undefined;
  }

  private label(context: string, width: number): string {
    const p = this.pulses.get(context);
    const absent = this.absentIn(context);
    const parts = absent ? [absent] : [
      // a context seen only in part (RBAC): each count over a kind read in part is a lower bound (`N+`)
      `events/s ${p?.figure('events') ?? '?'}`,
      `problems ${p?.figure('problems') ?? '?'}`,
      `restarts ${p?.restartsFigure() ?? '?'}`,
      `CPU ${this.metricsWord(context, p?.cpu, 'cpu')}`,
      `MEM ${this.metricsWord(context, p?.memory, 'memory')}`,
    ];
    const problemsNow = p?.latest('problems');
    const role: Role = absent ? 'status.warn' : problemsNow === undefined ? 'status.muted' : problemsNow > 0 ? 'status.warn' : 'status.ok';
    // a context reaching the cluster of one shown before carries its name, as the Fleet row does
    const sameAs = storeSameClusters(this.app.store, this.app.contexts()).get(context)?.as;
    const name = ` ${context}${sameAs ? ` =${sameAs}` : ''} `;
    return paint(this.app.theme, 'table.context', name) + paint(this.app.theme, role, fit(`  ${parts.join('  ')}`, Math.max(0, width - name.length)));
  }

  render(width: number, height: number): string[] {
    const lay = this.layout(width, height);
    this.lastShown = lay.shown.length;
    this.lastPanelRows = lay.panel;
    if (!lay.total) return [paint(this.app.theme, 'status.muted', 'no context selected (:ctx)')];
    const lines: string[] = [];
    for (const c of lay.shown) {
      lines.push(this.label(c, width));
      for (let i = 1; i < lay.panel; i++) lines.push('');
    }
    return lines.slice(0, height);
  }

  /** Mounts (or updates) the charts in the shell's body box; rebuilt when the layout changed. */
  mount(body: blessed.Widgets.BoxElement, width: number, height: number): void {
    if (!widgets) return;
    const lay = this.layout(width, height);
    const metricsStates = lay.shown.map((c) => (this.pulses.get(c)?.cpu ? 'c' : '-') + (this.pulses.get(c)?.memory ? 'm' : '-')).join('');
    const key = `${width}x${height}|${lay.roomy}|${lay.shown.join('\u0000')}|${metricsStates}`;
    if (key !== this.layoutKey || this.parent !== body) {
      this.unmount();
      this.parent = body;
      this.layoutKey = key;
      this.panels = lay.shown.map((c, i) => this.build(body, c, i * lay.panel, width, lay));
    }
    for (const p of this.panels) this.draw(p);
  }

  unmount(): void {
    for (const p of this.panels) for (const w of p.widgets) w.destroy();
    this.panels = [];
    this.parent = undefined;
    this.layoutKey = '';
  }

  private sparkOptions(left: number, top: number, width: number): Record<string, unknown> {
    const t = this.app.theme;
    return {
      left, top, width, height: 3, tags: true,
      style: { fg: fgOf(t, 'status.progress') ?? 'default', titleFg: tagColour(fgOf(t, 'body') ?? 'default') },
    };
  }

  private build(body: blessed.Widgets.BoxElement, context: string, top: number, width: number, lay: Layout): Panel {
    const t = this.app.theme;
    const { line, sparkline, gauge } = widgets!;
    const panel: Panel = { context, widgets: [], sparks: [], gauges: [], drawn: -1 };
    const add = <T extends blessed.Widgets.BoxElement>(w: T): T => {
      body.append(w);
      panel.widgets.push(w);
      return w;
    };
    const pulse = this.pulses.get(context);
    if (!lay.roomy) {
      const metrics: PulseMetric[] = ['events', 'problems', 'restarts', 'cpu', 'memory'];
      const w = Math.floor(width / metrics.length);
      metrics.forEach((m, i) => panel.sparks.push({ metric: m, el: add(sparkline(this.sparkOptions(i * w, top + 1, i === metrics.length - 1 ? width - i * w : w))) }));
      return panel;
    }
    const chartWidth = Math.max(24, Math.floor(width * 0.55));
    const border = { type: 'line' as const };
    panel.chart = add(
      line({
        left: 0, top: top + 1, width: chartWidth, height: lay.panel - 1, tags: true, border,
        label: ' events/s · problems ',
        showLegend: true, legend: { width: 14 },
        style: { line: canvasColour(fgOf(t, 'status.progress')), text: canvasColour(fgOf(t, 'body')), baseline: canvasColour(fgOf(t, 'status.muted')), border: { fg: fgOf(t, 'status.muted') ?? 'default' } },
        xLabelPadding: 3, xPadding: 5,
      }),
    );
    const right = chartWidth + 1;
    const rw = width - right;
    const rows = lay.panel - 1;
    panel.sparks.push({ metric: 'restarts', el: add(sparkline(this.sparkOptions(right, top + 1, rw))) });
    const gaugesFit = rows >= 3 + GAUGE_ROWS;
    const half = Math.floor(rw / 2);
    (['cpu', 'memory'] as const).forEach((m, i) => {
      const left = right + i * half;
      const w = i === 0 ? half : rw - half;
      if (gaugesFit && pulse?.[m]) {
        panel.gauges.push({
          metric: m,
          el: add(gauge({
            left, top: top + 4, width: w, height: GAUGE_ROWS, border, tags: true,
            label: ` ${m === 'cpu' ? 'CPU' : 'MEM'} of allocatable `,
            stroke: canvasColour(fgOf(t, m === 'cpu' ? 'status.progress' : 'status.warn')), fill: canvasColour(fgOf(t, 'body')),
            style: { border: { fg: fgOf(t, 'status.muted') ?? 'default' } },
          })),
        });
      } else if (gaugesFit) {
        add(blessedLib.box({ left, top: top + 4, width: w, height: GAUGE_ROWS, border, tags: true, label: ` ${m === 'cpu' ? 'CPU' : 'MEM'} `, content: paint(t, 'status.muted', this.metricsWord(context, undefined, m)) }));
      }
      // the history of the share under the gauges (or alone when they do not fit)
      const sparkTop = gaugesFit ? top + 4 + GAUGE_ROWS : top + 4;
      if (sparkTop + 3 <= top + lay.panel) panel.sparks.push({ metric: m, el: add(sparkline(this.sparkOptions(left, sparkTop, w))) });
    });
    return panel;
  }

  /** A sparkline's title: the metric's newest figure, with the label's marks (`?`, `N+`). */
  sparkTitle(context: string, metric: PulseMetric): string {
    const p = this.pulses.get(context);
    // a namespace the context does not have: no figure (the label says which)
    if (metric !== 'cpu' && metric !== 'memory' && this.absentIn(context)) return `${metric === 'restarts' ? 'restarted' : metric}: no ns`;
    switch (metric) {
      case 'events':
        return `events/s ${p?.figure('events') ?? '?'}`;
      case 'problems':
        return `problems ${p?.figure('problems') ?? '?'}`;
      case 'restarts':
        // the restarts new since the previous sample ("restarted": "new restarts N" was cut at 80 columns)
        return `restarted ${p?.figure('restarts') ?? '?'}`;
      case 'cpu':
      case 'memory': {
        const v = p?.latest(metric);
        const name = metric === 'cpu' ? 'CPU' : 'MEM';
        return v === undefined ? `${name} ${this.metricsWord(context, undefined, metric)}` : `${name} ${pulseNumber(v)}%`;
      }
    }
  }

  private draw(panel: Panel): void {
    const p = this.pulses.get(panel.context);
    if (!p || p.version === panel.drawn) return;
    panel.drawn = p.version;
    // a namespace the context does not have: its namespaced series are not 0s, nothing is drawn (the label says why)
    const absent = this.absentIn(panel.context) !== undefined;
    for (const s of panel.sparks) {
      const values = absent && s.metric !== 'cpu' && s.metric !== 'memory' ? [] : knownTail(p.series(s.metric)).slice(-Math.max(1, (s.el.width as number) - 2));
      // integers: blessed-contrib's sparkline indexes its ticks with integer arithmetic; shares
      // of capacity in whole percent (it scales min..max, so sub-percent jitter would fill the bar)
      const data = s.metric === 'cpu' || s.metric === 'memory' ? values.map(Math.round) : toLevels(values);
      s.el.setData([this.sparkTitle(panel.context, s.metric)], [data]);
    }
    if (panel.chart && absent) panel.chart.hide();
    else if (panel.chart) {
      panel.chart.show();
      const span = Math.max(2, Math.floor(((panel.chart.width as number) - 8) / 2));
      const ev = knownTail(p.series('events', span));
      const pr = knownTail(p.series('problems', span));
      const n = Math.min(ev.length, pr.length);
      if (n > 0) {
        const times = p.at(span).slice(-n);
        const end = times[times.length - 1];
        const x = times.map((t) => `${Math.round((t - end) / 1000)}s`);
        const max = Math.max(...ev.slice(-n), ...pr.slice(-n));
        panel.chart.options.maxY = max > 0 ? undefined : 1;
        const t = this.app.theme;
        panel.chart.setData([
          { title: 'events/s', x, y: ev.slice(-n), style: { line: canvasColour(fgOf(t, 'status.progress')) } },
          { title: 'problems', x, y: pr.slice(-n), style: { line: canvasColour(fgOf(t, 'status.error')) } },
        ]);
      }
    }
    for (const g of panel.gauges) {
      const v = p.latest(g.metric);
      // as a fraction: contrib's gauge reads any value below 1.001 as one (1 would be 100%)
      if (v !== undefined) g.el.setPercent(Math.max(0, Math.min(1, v / 100)));
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unmount();
    this.releaseMetrics?.();
    this.releaseMetrics = undefined;
    for (const e of this.eventSubs.values()) e.sub.close();
    this.eventSubs.clear();
    this.watcher.close();
  }
}
