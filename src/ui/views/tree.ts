// The tree view (`t` on a row, `:xray KIND [ns]`): ownership trees rooted at the top owner,
// live (rebuilt once per change batch that touches a watched kind), each node with its health
// mark and reason. Enter expands/collapses (and opens grouped fan-outs); `parent()` jumps to
// the parent row; every object command (y, d, l, rollback, ...) acts on the selected node
// through `selection()`.
import type { Target } from '../../actions/types.js';
import type { ChangeBatch, Subscription } from '../../fleet/types.js';
import { gapText, summarizeCoverage, unservedText, type KindCoverage } from '../../model/coverage.js';
import { indexFromStore } from '../../fleet/tree-index.js';
import { storeCoverage, storeSameClusters } from '../../fleet/report.js';
import { clusterOf } from '../../model/same-cluster.js';
import { buildTree, flattenTree, healthMark, kindsForTree, topOwners, type ObjRef, type TreeRow } from '../../model/tree.js';
import { resourceKey, type KubeObject } from '../../model/types.js';
import type { Role } from '../../config/theme.js';
import { NAV_ACTIONS, navDelta, type CommandId } from '../../commands/table.js';
import { escapeTags, fit, paint } from '../style.js';
import { cutToWidth, termLine } from '../../model/sanitize.js';
import { connectingContexts, objectScope, type AppContext, type View, type ViewScope } from '../view.js';
import { detailRoom, scrollTop } from '../widgets/table.js';
import { rowDetail, toggleRowDetail } from './text.js';


export interface TreeRoot {
  context: string;
  resource: string;
  namespace?: string;
  name: string;
}

export interface TreeLine {
  context: string;
  row: TreeRow;
  /** index of the parent line, -1 for a root */
  parent: number;
}

const ROLE: Record<string, Role> = {
  Current: 'status.ok', Failed: 'status.error', InProgress: 'status.progress', Terminating: 'status.warn', Suspended: 'status.muted', NotFound: 'status.error', Unknown: 'status.warn',
};

/** One line of text per row: mark, tree prefix, label, status and reason. Pure. */
export function treeLineText(row: TreeRow): { mark: string; text: string; status: string } {
  const n = row.node;
  const v = n.group ? n.rolledUp : n.verdict;
  const fold = row.hasChildren && !row.open ? '+' : ' ';
  const why = v.reason && v.reason !== v.status ? ` ${v.reason}` : '';
  const msg = v.message ? `: ${v.message}` : '';
  const rolled = !row.open && n.rolledUp.status !== v.status ? ` (below: ${n.rolledUp.status})` : '';
  return { mark: healthMark(v.status), status: v.status, text: `${fold}${row.prefix}${row.label}  ${v.status}${why}${msg}${rolled}` };
}

/** Rows of several trees, with each row's parent index. Pure. */
export function treeLines(trees: { context: string; rows: TreeRow[] }[]): TreeLine[] {
  const out: TreeLine[] = [];
  for (const t of trees) {
    const stack: number[] = [];
    for (const row of t.rows) {
      stack.length = row.depth;
      out.push({ context: t.context, row, parent: row.depth === 0 ? -1 : (stack[row.depth - 1] ?? -1) });
      stack[row.depth] = out.length - 1;
    }
  }
  return out;
}

export class TreeView implements View {
  /** its own keys; every object command runs on the selected node (selection()) from the shell */
  readonly actions: readonly CommandId[] = ['open', 'wrap', ...NAV_ACTIONS];
  /** `w`: the selected node whole under the tree */
  private detail = false;
  private width = 80;
  private readonly subs = new Map<string, Subscription>();
  private readonly kinds = new Map<string, Set<string>>();
  private readonly collapsed = new Set<string>();
  private readonly expanded = new Set<string>();
  private lines: TreeLine[] = [];
  /** what the trees were built over, per (context, kind): the count is whole only when every one is synced */
  private coverage: KindCoverage[] = [];
  private dirty = true;
  private selectedId: string | undefined;
  private selected_ = 0;
  private top = 0;
  private height = 10;

  private constructor(
    private readonly app: AppContext,
    private readonly label: string,
    private readonly roots: () => TreeRoot[],
    private readonly contexts: () => string[],
    private readonly rootKinds: string[],
    /** one object's tree names its context and namespace in the header */
    private readonly within?: ViewScope,
    /** the namespace the roots are listed in (`:xray deploy shop`); undefined: every namespace */
    private readonly rootNamespace?: string,
  ) {
    this.watchKinds();
  }

  /** The tree of one object, rooted at its top owner. */
  static forObject(app: AppContext, context: string, resource: string, obj: KubeObject): TreeView {
    const root: TreeRoot = { context, resource, namespace: obj.metadata.namespace, name: obj.metadata.name };
    return new TreeView(app, `tree ${obj.kind?.toLowerCase() ?? resource}/${obj.metadata.name}`, () => [root], () => [context], [resource], objectScope(context, obj));
  }

  /**
   * `:xray KIND [ns]`: every object of a kind in the selected contexts that is a top owner.
   * While a context's discovery runs the view opens and waits for it (a start command runs
   * before any context is discovered); no view when every context answered and none serves the kind.
   */
  static xray(app: AppContext, query: string, namespace?: string): TreeView | string {
    const served = app.contexts().filter((c) => app.store.resolve(c, query));
    if (!served.length && !connectingContexts(app).length) {
      const mine = new Set(app.contexts());
      return unservedText(query, app.store.contexts().filter((c) => mine.has(c.name)));
    }
    const roots = (): TreeRoot[] =>
      app.contexts().flatMap((c) => {
        const rt = app.store.resolve(c, query);
        if (!rt) return [];
        const rk = resourceKey(rt);
        return app.store
          .list(c, rk, rt.namespaced ? namespace : undefined)
          .filter((o) => !o.metadata.ownerReferences?.length)
          .map((o) => ({ context: c, resource: rk, namespace: o.metadata.namespace, name: o.metadata.name }));
      });
    return new TreeView(app, `xray ${query}${namespace ? ` ${namespace}` : ''}`, roots, () => app.contexts(), [query], undefined, namespace);
  }

  private watchKinds(): void {
    for (const c of this.contexts()) {
      const types = this.app.store.resources(c);
      if (!types.length) continue;
      // every listable kind (kubectl-tree's rule): any object may own or be owned
      const want = [...this.rootKinds, ...kindsForTree(types)]
        .map((k) => this.app.store.resolve(c, k))
        .filter((t) => t !== undefined)
        .map((t) => resourceKey(t));
      let have = this.kinds.get(c);
      if (!have) this.kinds.set(c, (have = new Set()));
      for (const k of want) {
        if (have.has(k)) continue;
        have.add(k);
        this.subs.set(`${c}\u0000${k}`, this.app.store.watch({ contexts: [c], resource: k }));
      }
    }
  }

  title(): string {
    return this.label;
  }

  scope(): ViewScope {
    return this.within ?? {};
  }

  status(): string {
    this.derive();
    // a kind not read whole (a context undiscovered, forbidden, syncing): the count is a lower bound, as a table's
    return `[${this.lines.length}${summarizeCoverage(this.coverage).complete ? '' : '+'}]`;
  }

  /**
   * Per context, the knowledge state of the root kind (in the roots' namespace) and of every
   * kind the trees are built from (any of them may own or be owned): the shared coverage model.
   */
  private readCoverage(): KindCoverage[] {
    return this.contexts().flatMap((c) => {
      const roots = storeCoverage(this.app.store, [c], this.rootKinds, this.rootNamespace);
      const rootKeys = new Set(roots.map((r) => r.resource));
      const below = [...(this.kinds.get(c) ?? [])].filter((k) => !rootKeys.has(k));
      return below.length ? [...roots, ...storeCoverage(this.app.store, [c], below)] : roots;
    });
  }

  /** The line under the trees when what they were built from is not whole, as a table's notice: `not whole: staging: deployments forbidden in kube-system`. */
  private notice(width: number): string[] {
    const s = summarizeCoverage(this.coverage);
    if (s.complete) return [];
    const byContext = new Map<string, KindCoverage[]>();
    for (const g of s.gaps) byContext.set(g.context, [...(byContext.get(g.context) ?? []), g]);
    const text = `not whole: ${[...byContext].map(([c, gaps]) => `${c}: ${gapText(gaps)}`).join('; ')}`;
    return [paint(this.app.theme, 'status.warn', escapeTags(cutToWidth(termLine(text), width)))];
  }

  scopeChanged(): void {
    this.watchKinds();
    this.dirty = true;
  }

  onChange(batch: ChangeBatch): void {
    for (const key of batch.resources) {
      if (this.subs.has(key)) {
        this.dirty = true;
        return;
      }
    }
    if (batch.contexts.size) {
      this.watchKinds();
      this.dirty = true;
    }
  }

  private derive(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const trees: { context: string; rows: TreeRow[] }[] = [];
    const done = new Set<string>();
    // a context reaching the cluster of an earlier one shows no second copy of the same tree
    const same = storeSameClusters(this.app.store, this.app.contexts());
    for (const r of this.roots()) {
      const index = indexFromStore(this.app.store, r.context, [...(this.kinds.get(r.context) ?? [])]);
      const obj = this.app.store.get(r.context, r.resource, r.namespace, r.name);
      if (!obj) continue;
      // one tree per top owner, through every ownerReference: a pod with two owners shows under both
      for (const top of topOwners({ resource: r.resource, object: obj }, index)) {
        const id = `${clusterOf(same, r.context)}/${top.object.metadata.uid ?? top.object.metadata.name}`;
        if (done.has(id)) continue;
        done.add(id);
        const tree = buildTree(top, index, { expanded: this.expanded });
        // every namespaced node names its namespace, as `fleetdeck tree` prints it
        trees.push({ context: r.context, rows: flattenTree(tree, this.collapsed, { namespaceAlways: true }) });
      }
    }
    this.lines = treeLines(trees);
    this.coverage = this.readCoverage();
    if (this.selectedId) {
      const i = this.lines.findIndex((l) => `${l.context}/${l.row.node.id}` === this.selectedId);
      if (i >= 0) this.selected_ = i;
    }
    this.selected_ = Math.max(0, Math.min(this.selected_, this.lines.length - 1));
  }

  /** The selected node's object: every object command works on a tree node. */
  selection(): Target[] {
    const sel = this.selected();
    if (!sel) return [];
    const o = sel.ref.object;
    const kind = o.kind ?? this.app.store.resolve(sel.context, sel.ref.resource)?.kind ?? '';
    return [{ context: sel.context, resource: sel.ref.resource, kind, namespace: o.metadata.namespace, name: o.metadata.name, object: o }];
  }

  /** The selected node's object (the shell's logs and actions read it). */
  selected(): { context: string; ref: ObjRef } | undefined {
    this.derive();
    const l = this.lines[this.selected_];
    return l?.row.node.ref ? { context: l.context, ref: l.row.node.ref } : undefined;
  }

  rows(): readonly TreeLine[] {
    this.derive();
    return this.lines;
  }

  private select(i: number): void {
    this.selected_ = Math.max(0, Math.min(this.lines.length - 1, i));
    const l = this.lines[this.selected_];
    this.selectedId = l && `${l.context}/${l.row.node.id}`;
  }

  /** Jumps to the parent node. */
  parent(): void {
    this.derive();
    const p = this.lines[this.selected_]?.parent ?? -1;
    if (p >= 0) this.select(p);
  }

  /** Expands or collapses the selected node; a grouped fan-out opens into its members. */
  toggle(): void {
    this.derive();
    const n = this.lines[this.selected_]?.row.node;
    if (!n) return;
    if (n.group) {
      this.expanded.add(n.id);
    } else if (n.children.length) {
      if (this.collapsed.has(n.id)) this.collapsed.delete(n.id);
      else this.collapsed.add(n.id);
    }
    this.dirty = true;
  }

  /** The selected node's values (w): its context, the node as the tree shows it, its health. */
  private values(): [string, string][] | undefined {
    const l = this.lines[this.selected_];
    if (!l) return undefined;
    const { text, status } = treeLineText(l.row);
    return [['CONTEXT', l.context], ['NODE', text.trim()], ['HEALTH', status]];
  }

  handle(action: CommandId): boolean {
    this.derive();
    if (action === 'wrap') {
      const v = this.values();
      this.detail = toggleRowDetail(this.app, this.detail, `row ${v?.[1][1] ?? ''}`, v && (() => this.values() ?? v), this.width, this.height);
      return true;
    }
    const d = navDelta(action, Math.max(1, this.height - 1));
    if (d !== undefined) {
      this.select(this.selected_ + d);
      return true;
    }
    if (action === 'open') {
      this.toggle();
      return true;
    }
    return false;
  }

  render(width: number, height: number): string[] {
    this.width = width;
    this.derive();
    const notice = this.notice(width);
    if (!this.lines.length) return [escapeTags(cutToWidth(termLine(this.emptyText()), width)), ...notice];
    const t = this.app.theme;
    const room = height - notice.length;
    const detail = this.detail ? rowDetail(this.values() ?? [], width).slice(0, detailRoom(room)) : [];
    const tree = this.renderTree(width, room - detail.length);
    if (!detail.length && !notice.length) return tree;
    while (tree.length < room - detail.length) tree.push('');
    return [...tree, ...detail.map((l) => paint(t, 'status.muted', l)), ...notice];
  }

  /** No tree: the kind is served nowhere yet (discovery still running, or no context serves it), or its objects are not in the cache. */
  private emptyText(): string {
    const contexts = this.contexts();
    if (!contexts.some((c) => this.rootKinds.some((k) => this.app.store.resolve(c, k)))) {
      const mine = new Set(contexts);
      return unservedText(this.rootKinds[0], this.app.store.contexts().filter((c) => mine.has(c.name)));
    }
    return 'nothing to show yet: the objects are not in the cache (still syncing, or gone)';
  }

  private renderTree(width: number, height: number): string[] {
    this.height = height;
    const t = this.app.theme;
    this.top = scrollTop(this.lines.length, this.selected_, this.top, height);
    const multi = new Set(this.lines.map((l) => l.context)).size > 1 || this.app.contexts().length > 1;
    return this.lines.slice(this.top, this.top + height).map((l, i) => {
      const { mark, text, status } = treeLineText(l.row);
      const ctx = multi && l.row.depth === 0 ? `${l.context}  ` : '';
      const body = fit(`${ctx}${text}`, Math.max(0, width - 2));
      if (this.top + i === this.selected_) return paint(t, 'table.selected', `${mark} ${body}`);
      return paint(t, ROLE[status] ?? 'status.warn', mark) + paint(t, 'table.row', ` ${body}`);
    });
  }

  close(): void {
    for (const s of this.subs.values()) s.close();
    this.subs.clear();
  }
}
