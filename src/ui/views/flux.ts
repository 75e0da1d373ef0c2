// The Flux view (`:flux`): every Flux object the selected contexts serve (the `fluxcd`
// discovery category), read as `flux get` reads them (fluxSummary), failing first. A
// resource table with its own columns; enter opens the object's tree when that view
// exists (else describe). Every other key is the object command it is on any table (`l` a
// Kustomization's inventory pods, as in `:ks`; `e` its events).
import { VIEW_COLUMNS, viewColumn } from '../../model/columns.js';
import { age, boolCell, humanDuration } from '../../model/format.js';
import { fluxSummary, shortenRevision, type FluxRef, type FluxSummary } from '../../model/flux.js';
import { shortKindOf } from '../../model/kinds.js';
import { groupOfResource, type KubeObject, type ResourceType } from '../../model/types.js';
import type { Role } from '../../config/theme.js';
import type { CommandId } from '../../commands/table.js';
import { SQUEEZE, type Row, type Scope, type TableColumn } from '../columns.js';
import type { AppContext } from '../view.js';
import { ResourceTableView } from './resource-table.js';

export const FLUX_CATEGORY = 'fluxcd';

/** Failing first, then stale, undecided, suspended, ready. */
export function fluxRank(s: FluxSummary): number {
  if (s.suspended) return 3;
  if (s.ready === 'False') return 0;
  if (s.stale) return 1;
  if (s.ready === 'Unknown') return 2;
  return 4;
}

/** `main@sha1:abc12345`, or `applied → attempted` while a new revision is failing. */
export function revisionText(s: FluxSummary): string {
  if (!s.revisionPending) return s.revision;
  return `${shortenRevision(s.appliedRevision, s.kind) || '-'} → ${shortenRevision(s.attemptedRevision, s.kind)}`;
}

/**
 * `3m/10m`, `2h/10m stale`: the last reconcile's age against the interval; `≤16m/60s` when the
 * status only proves a reconcile that long ago and later ones may have left no trace
 * (FluxSummary.lastReconcileExact).
 */
export function lastReconcileText(s: FluxSummary, now: number): string {
  const ago = s.lastReconcileAt ? `${s.lastReconcileExact ? '' : '≤'}${age(s.lastReconcileAt, now)}` : '-';
  const every = s.intervalMs !== undefined ? `/${humanDuration(s.intervalMs)}` : '';
  return `${ago}${every}${s.stale ? ' stale' : ''}`;
}

/** Source kinds as the flux CLI's short names: `git/fleet`, `oci/podinfo`. */
const SOURCE_KIND: Record<string, string> = { GitRepository: 'git', OCIRepository: 'oci', HelmRepository: 'helmrepo', HelmChart: 'chart', Bucket: 'bucket' };

function refText(r: FluxRef, ns: string): string {
  const kind = SOURCE_KIND[r.kind] ?? r.kind;
  return `${kind ? `${kind}/` : ''}${r.namespace && r.namespace !== ns ? `${r.namespace}/` : ''}${r.name}`;
}

const READY_ROLE: Record<FluxSummary['ready'], Role> = { True: 'status.ok', False: 'status.error', Unknown: 'status.warn' };

/**
 * The Flux table's columns; `summary` reads (and caches) a row's FluxSummary, `typeOf` its
 * served type (the discovery shortNames of a Flux kind the registry does not name).
 */
export function fluxColumns(scope: Scope, summary: (r: Row) => FluxSummary, now: () => number, typeOf: (r: Row) => ResourceType | undefined = () => undefined): TableColumn[] {
  // each column's place at narrow widths is declared in src/model/columns.ts (VIEW_COLUMNS.flux)
  const text = (id: string, header: keyof typeof VIEW_COLUMNS.flux, maxWidth: number, value: (s: FluxSummary, r: Row) => string, role?: (s: FluxSummary) => Role | undefined): TableColumn => ({
    id, ...viewColumn('flux', header), maxWidth, squeeze: SQUEEZE[id],
    value: (r) => value(summary(r), r),
    sortValue: (r) => value(summary(r), r),
    role: role ? (r) => role(summary(r)) : undefined,
  });
  // narrow: `hr`, `helmrepo`, `hc` (kubectl's short names) rather than `Hel…`
  const kind = text('kind', 'KIND', 16, (s) => s.kind);
  const cols: TableColumn[] = [{ ...kind, short: (r) => shortKindOf({ group: groupOfResource(r.resource), kind: summary(r).kind, shortNames: typeOf(r)?.shortNames }) }];
  if (scope.multiContext) cols.push({ ...text('context', 'CONTEXT', 16, (_s, r) => r.context), role: () => 'table.context' });
  cols.push(
    // MESSAGE (free text) gives its width first but stays
    { ...text('name', 'NAMESPACE/NAME', 48, (s) => `${s.namespace ? `${s.namespace}/` : ''}${s.name}`) },
    { ...text('ready', 'READY', 7, (s) => s.ready, (s) => (s.suspended ? 'status.muted' : READY_ROLE[s.ready])), sortValue: (r) => fluxRank(summary(r)) },
    { ...text('suspended', 'SUSPENDED', 9, (s) => boolCell(s.suspended), (s) => (s.suspended ? 'status.warn' : undefined)) },
    { ...text('revision', 'REVISION', 40, revisionText, (s) => (s.revisionPending ? 'status.warn' : undefined)), optional: true },
    {
      ...text('last-reconcile', 'LAST RECONCILE', 18, (s) => lastReconcileText(s, now()), (s) => (s.stale ? 'status.error' : undefined)),
      sortValue: (r) => summary(r).lastReconcileAt ?? '',
      optional: true,
      volatile: 'clock',
    },
    { ...text('source', 'SOURCE', 30, (s) => (s.sourceRef ? refText(s.sourceRef, s.namespace) : '')), optional: true },
    { ...text('depends-on', 'DEPENDS ON', 30, (s) => s.dependsOn.map((d) => refText({ ...d, kind: '' }, s.namespace)).join(',')), optional: true },
    text('message', 'MESSAGE', 100, (s) => s.message, (s) => (s.ready === 'False' && !s.suspended ? 'status.error' : undefined)),
  );
  // wide (ctrl-w): every column stays, squeezed instead of dropped
  return scope.wide ? cols.map((c) => ({ ...c, optional: false, drop: undefined })) : cols;
}

export class FluxView extends ResourceTableView {
  private readonly cache = new WeakMap<KubeObject, { at: number; s: FluxSummary }>();

  constructor(app: AppContext, opts: { contexts?: string[]; namespace?: string; allNamespaces?: boolean } = {}) {
    super(app, {
      category: FLUX_CATEGORY,
      title: 'flux',
      contexts: opts.contexts,
      namespace: opts.namespace,
      allNamespaces: opts.allNamespaces,
      sort: { key: 'status', desc: false },
      columns: (scope) => fluxColumns(scope, (r) => this.summary(r), () => app.now(), (r) => this.typeOf(r)),
    });
  }

  /** Objects are replaced on change, so a summary per object holds for a second (ages). */
  private summary(r: Row): FluxSummary {
    const now = this.app.now();
    const hit = this.cache.get(r.obj);
    if (hit && hit.at === Math.floor(now / 1000)) return hit.s;
    const s = fluxSummary(r.obj, r.obj.kind ?? this.typeOf(r)?.kind, now);
    this.cache.set(r.obj, { at: Math.floor(now / 1000), s });
    return s;
  }

  override handle(action: CommandId): boolean {
    const row = this.selected();
    if (action === 'open' && row) {
      const t = this.targetOf(row);
      if (t && this.app.openTree(t)) return true;
    }
    return super.handle(action);
  }
}
