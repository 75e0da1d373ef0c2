// The action executor: turns a catalog action and its targets into one plan, and runs a
// confirmed plan. Read-only mode and the typed confirmation of protected contexts are
// enforced here, below every view and command, so no caller can skip them.
import { rfc3339Nano } from '../model/format.js';
import type { AuditLog } from './audit.js';
import { appliesTo, catalogEntry } from './catalog.js';
import { followReconcile } from './follow.js';
import { objectPath } from '../model/patches.js';
import { termLine } from '../model/sanitize.js';
import type { KubeObject } from '../model/types.js';
import { findResource } from './paths.js';
import type { ActionOptions, ApiRequest, ApiResponse, Clock, Lookup, Outcome, OutcomeStatus, Plan, PlanTarget, Read, Send, SentRequest, Target } from './types.js';

/** the reconcile request token's format (Go's RFC3339Nano, as the flux CLI writes it) */
export { rfc3339Nano };

export interface ExecutorDeps {
  send: Send;
  read: Read;
  readonly: boolean;
  /** contexts whose names match need the typed confirmation; default /prod/ */
  protectedPattern?: RegExp;
  audit?: AuditLog;
  clock?: Clock;
  /** finds sources and discovery versions for plans */
  lookup?: Lookup;
  /** targets in flight at once; default 8 */
  concurrency?: number;
  /** how long a reconcile is followed; default 5 minutes, as the flux CLI */
  followTimeoutMs?: number;
  pollIntervalMs?: number;
  /** outcomes kept for display; default 200 */
  historyLimit?: number;
}

export interface Confirmation {
  typed?: string;
}

export interface Executor {
  readonly readonly: boolean;
  /**
   * Plans with `lookup` (from readMissing) in place of the executor's own. Synchronous: what
   * the plan reads besides its targets comes from the cache, or from `lookup`.
   */
  plan(actionId: string, targets: Target[], options?: ActionOptions, lookup?: Lookup): Plan;
  /**
   * GETs the objects the action's plan would read (its catalog entry's `reads`: a Flux owner,
   * reconcile sources) that the cache does not hold, and returns the cache with them added —
   * and with the reason (404, 403, ...) for each that could not be read. Reads are sent in
   * read-only mode too. Rounds repeat (at most 3) while a read names further objects (a
   * chartRef HelmChart, then its source).
   */
  readMissing(actionId: string, targets: Target[], options?: ActionOptions): Promise<Lookup | undefined>;
  execute(plan: Plan, confirmation?: Confirmation): Promise<Outcome[]>;
  /** recent outcomes, oldest first */
  outcomes(): Outcome[];
  /** called as each target finishes; returns an unsubscribe function */
  onOutcome(fn: (o: Outcome) => void): () => void;
  /**
   * Opens a session plan (exec, port-forward): the same gates as execute — read-only refuses,
   * protected contexts need the typed text — then the plan's one request is written to the
   * audit log and handed to `open`, whose result (the live session) is returned. Throws
   * SessionRefused when a gate says no, or what `open` throws (after auditing the failure).
   */
  session<T>(plan: Plan, confirmation: Confirmation | undefined, open: (target: Target, request: ApiRequest) => Promise<T>): Promise<T>;
}

/** A session plan that may not be opened: read-only, unconfirmed, or refused for its target. */
export class SessionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionRefused';
  }
}

export class ReadonlyError extends Error {
  constructor(what: string) {
    super(`read-only mode: ${what} refused`);
    this.name = 'ReadonlyError';
  }
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const READ_METHODS = new Set(['GET']);

/** The targets that will be sent requests: neither refused, nor already as asked, nor the same object as an earlier target. */
export function actionable(plan: Plan): PlanTarget[] {
  return plan.targets.filter((t) => !t.refused && !t.noop && t.sameObjectAs === undefined);
}

/**
 * The targets the confirmation is about: the actionable ones and those they act for (the same
 * object through another context). A protected context reaching the cluster through which
 * another context acts still asks for the typed name.
 */
function guarded(plan: Plan): PlanTarget[] {
  return plan.targets.filter((t) => !t.refused && !t.noop);
}

/** Marks each target that is the same object (metadata.uid) as an earlier acting one: it is sent once. */
function onceByObject(targets: PlanTarget[]): PlanTarget[] {
  const first = new Map<string, number>();
  return targets.map((pt, i) => {
    const uid = pt.target.object.metadata.uid;
    if (!uid || pt.refused || pt.noop) return pt;
    const j = first.get(uid);
    if (j === undefined) {
      first.set(uid, i);
      return pt;
    }
    return { ...pt, requests: [], sameObjectAs: j };
  });
}

/**
 * Whether the confirmation is typed, and why: the targets' contexts that match the protected
 * pattern, or `always` (an action typed on every context). confirmText: the object name as a
 * terminal shows it (termLine: controls as visible escapes), or the count for bulk.
 */
function protection(targets: PlanTarget[], pattern: RegExp, always = false): { protected: boolean; protectedContexts: string[]; confirmText?: string } {
  const protectedContexts = [...new Set(targets.map((t) => t.target.context).filter((c) => pattern.test(c)))];
  const isProtected = targets.length > 0 && (always || protectedContexts.length > 0);
  if (!isProtected) return { protected: false, protectedContexts };
  // what is typed counts the objects acted on: one object through two contexts is one
  const once = targets.filter((t) => t.sameObjectAs === undefined);
  // the name as the screen shows it (escapes visible): a name holding a control (RBAC names may)
  // could not be typed as it is stored; for a plain name the two are the same. Trimmed: the typed
  // answer is (a name ending in a newline shows it as a space no one could type)
  return { protected: true, protectedContexts, confirmText: once.length === 1 ? termLine(once[0].target.name).trim() : String(once.length) };
}

/** Why a typed confirmation is missing: a protected context's, or an action typed on every context. */
function typedRefusal(guard: { protectedContexts: string[]; confirmText?: string }, label: string): string {
  const ask = `type "${guard.confirmText}" to confirm`;
  return guard.protectedContexts.length ? `protected context: ${ask}` : `${label} is always typed: ${ask}`;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function errorStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown } | null)?.code ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** A server that answers an error status without throwing still fails the step. */
function responseError(res: ApiResponse): string | undefined {
  if (res.status < 400) return undefined;
  const message = (res.body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : `HTTP ${res.status}`;
}

async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function createExecutor(deps: ExecutorDeps): Executor {
  const pattern = deps.protectedPattern ?? /prod/;
  const clock = deps.clock ?? systemClock;
  const history: Outcome[] = [];
  const listeners = new Set<(o: Outcome) => void>();
  const historyLimit = deps.historyLimit ?? 200;

  // The last gate: whatever a plan claims, nothing but reads leave in read-only mode.
  const send: Send = (context, req) => {
    if (deps.readonly && !READ_METHODS.has(req.method)) return Promise.reject(new ReadonlyError(`${req.method} ${req.path}`));
    return deps.send(context, req);
  };

  function keep(o: Outcome): Outcome {
    history.push(o);
    if (history.length > historyLimit) history.splice(0, history.length - historyLimit);
    for (const fn of listeners) fn(o);
    return o;
  }

  async function readMissing(actionId: string, targets: Target[], options: ActionOptions = {}): Promise<Lookup | undefined> {
    const entry = catalogEntry(actionId);
    const base = deps.lookup;
    if (!entry?.reads || !base) return base;
    const fetched = new Map<string, KubeObject>();
    const failed = new Map<string, string>();
    const key = (context: string, resource: string, namespace: string | undefined, name: string) => [context, resource, namespace ?? '', name].join('\u0000');
    const overlay: Lookup = {
      resources: (c) => base.resources(c),
      list: (c, r, ns) => base.list(c, r, ns),
      get: (c, r, ns, n) => base.get(c, r, ns, n) ?? fetched.get(key(c, r, ns, n)),
      unread: (c, r, ns, n) => failed.get(key(c, r, ns, n)) ?? base.unread?.(c, r, ns, n),
    };
    const tried = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const wanted = targets.flatMap((t) => entry.reads!(t, options, overlay));
      const todo: { k: string; context: string; path: string }[] = [];
      for (const w of wanted) {
        const rt = findResource(overlay, w.context, w.group, w.kind);
        if (!rt) continue;
        const resource = `${rt.resource}.${rt.group}`;
        const ns = rt.namespaced ? w.namespace : undefined;
        const k = key(w.context, resource, ns, w.name);
        if (tried.has(k) || overlay.get(w.context, resource, ns, w.name)) continue;
        tried.add(k);
        todo.push({ k, context: w.context, path: objectPath(rt, ns, w.name) });
      }
      if (!todo.length) break;
      await pool(todo, deps.concurrency ?? 8, async ({ k, context, path }) => {
        try {
          const res = await send(context, { method: 'GET', path });
          const err = responseError(res);
          if (err) failed.set(k, res.status === 404 ? `it does not exist (GET ${path}: HTTP 404)` : `GET ${path}: ${err}`);
          else fetched.set(k, res.body as KubeObject);
        } catch (e) {
          const status = errorStatus(e);
          failed.set(k, status === 404 ? `it does not exist (GET ${path}: HTTP 404)` : `GET ${path}: ${errorMessage(e)}`);
        }
      });
    }
    return overlay;
  }

  function plan(actionId: string, targets: Target[], options: ActionOptions = {}, lookup: Lookup | undefined = deps.lookup): Plan {
    const entry = catalogEntry(actionId);
    if (!entry) throw new Error(`unknown action: ${actionId}`);
    const now = clock.now();
    const token = rfc3339Nano(now);
    const planned: PlanTarget[] = targets.map((target) => {
      // Read-only: a mutating action is refused before any request is even built.
      if (entry.mutating && deps.readonly) return { target, requests: [], notes: [], refused: `read-only mode: ${entry.label} is not allowed` };
      if (!appliesTo(entry, target, lookup?.resources(target.context))) return { target, requests: [], notes: [], refused: `${entry.label} does not apply to ${target.kind}` };
      try {
        return { target, ...entry.plan(target, { now, token, options, lookup }) };
      } catch (err) {
        return { target, requests: [], notes: [], refused: errorMessage(err) };
      }
    });
    const p: Plan = { action: entry.id, label: entry.label, mutating: entry.mutating, targets: onceByObject(planned), protected: false };
    return { ...p, ...protection(guarded(p), pattern, entry.alwaysTyped) };
  }

  async function runTarget(p: Plan, pt: PlanTarget, doneMessage: string): Promise<Outcome> {
    const startedAt = clock.now().toISOString();
    const sent: SentRequest[] = [];
    const steps: string[] = [];
    const finish = (status: OutcomeStatus, message: string): Outcome =>
      keep({ target: pt.target, status, message, requests: sent, ...(steps.length ? { steps } : {}), startedAt, finishedAt: clock.now().toISOString() });
    if (pt.refused) return finish('skipped', pt.refused);
    if (pt.noop) return finish('succeeded', pt.noop);
    const context = pt.target.context;
    let message = doneMessage;
    for (const planned of pt.requests) {
      const { object, wait, ...request } = planned;
      const record: SentRequest = { request };
      sent.push(record);
      let failure: string | undefined;
      try {
        const res = await send(context, request);
        record.status = res.status;
        failure = responseError(res);
      } catch (err) {
        record.status = errorStatus(err);
        failure = errorMessage(err);
      }
      if (failure) record.error = failure;
      const auditFailure = await audit(p, context, planned, record);
      if (failure) return finish('failed', failure + auditFailure);
      if (auditFailure) message += auditFailure;
      if (!wait) continue;
      const followed = await followReconcile(deps.read, context, request.path, wait.token, {
        clock,
        timeoutMs: deps.followTimeoutMs ?? 5 * 60_000,
        intervalMs: deps.pollIntervalMs ?? 1000,
      });
      const isTarget = object.kind === pt.target.kind && object.name === pt.target.name && object.namespace === pt.target.namespace;
      const label = isTarget ? '' : `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}: `;
      if (followed.status !== 'succeeded') return finish(followed.status, label + followed.message);
      if (followed.success) steps.push(followed.success);
      message = isTarget ? followed.message : message;
    }
    return finish('succeeded', message);
  }

  async function audit(p: Plan, context: string, planned: PlanTarget['requests'][number], record: SentRequest): Promise<string> {
    if (!deps.audit) return '';
    try {
      await deps.audit.record({
        context,
        action: p.action,
        object: planned.object,
        request: record.request,
        result: { ...(record.status !== undefined ? { status: record.status } : {}), ...(record.error ? { error: record.error } : {}) },
      });
      const notice = deps.audit.takeNotice?.();
      return notice ? ` (${notice})` : '';
    } catch (err) {
      return ` (audit log not written: ${errorMessage(err)})`;
    }
  }

  async function execute(p: Plan, confirmation: Confirmation = {}): Promise<Outcome[]> {
    const entry = catalogEntry(p.action);
    const skipAll = (message: string) => p.targets.map((pt) => keep(skipped(pt, message)));
    const skipped = (pt: PlanTarget, message: string): Outcome => {
      const now = clock.now().toISOString();
      return { target: pt.target, status: 'skipped', message, requests: [], startedAt: now, finishedAt: now };
    };
    if (!entry) return skipAll(`unknown action: ${p.action}`);
    if (entry.session) return skipAll(`${entry.label} is a session: it is opened, not executed`);
    const writes = p.targets.some((pt) => pt.requests.some((r) => !READ_METHODS.has(r.method)));
    if (deps.readonly && (entry.mutating || writes)) return skipAll(`read-only mode: ${entry.label} is not allowed`);
    // Protection is recomputed from the targets: a plan cannot talk its way out of it.
    const guard = protection(guarded(p), pattern, entry.alwaysTyped);
    if (guard.protected && (confirmation.typed ?? '').trim() !== guard.confirmText) {
      return skipAll(typedRefusal(guard, entry.label));
    }
    // the same object through a second context is sent nothing: its outcome is the acting target's
    const sending = p.targets.filter((pt) => pt.sameObjectAs === undefined);
    const sent = await pool(sending, deps.concurrency ?? 8, (pt) => runTarget(p, pt, entry.doneMessage));
    const of = new Map(sending.map((pt, i) => [pt, sent[i]]));
    return p.targets.map((pt) => {
      const done = of.get(pt);
      if (done) return done;
      const acting = p.targets[pt.sameObjectAs!];
      const o = of.get(acting)!;
      return keep({ ...o, target: pt.target, message: `${o.message} (sent once, through ${acting.target.context}: the same object)`, requests: [], steps: undefined });
    });
  }

  async function session<T>(p: Plan, confirmation: Confirmation = {}, open: (target: Target, request: ApiRequest) => Promise<T>): Promise<T> {
    const entry = catalogEntry(p.action);
    if (!entry?.session) throw new SessionRefused(`${p.label} is not a session`);
    if (deps.readonly) throw new SessionRefused(`read-only mode: ${entry.label} is not allowed`);
    const acting = actionable(p);
    if (acting.length !== 1 || acting[0].requests.length !== 1) {
      throw new SessionRefused(p.targets.find((t) => t.refused)?.refused ?? `${entry.label} opens one session on one target`);
    }
    const guard = protection(acting, pattern, entry.alwaysTyped);
    if (guard.protected && (confirmation.typed ?? '').trim() !== guard.confirmText) {
      throw new SessionRefused(typedRefusal(guard, entry.label));
    }
    const pt = acting[0];
    const { object: _o, wait: _w, ...request } = pt.requests[0];
    const record: SentRequest = { request };
    const startedAt = clock.now().toISOString();
    try {
      const live = await open(pt.target, request);
      // 101: the protocol switch the API server answered with
      record.status = 101;
      const auditFailure = await audit(p, pt.target.context, pt.requests[0], record);
      keep({ target: pt.target, status: 'succeeded', message: `${entry.doneMessage}${auditFailure}`, requests: [record], startedAt, finishedAt: clock.now().toISOString() });
      return live;
    } catch (err) {
      record.status = errorStatus(err);
      record.error = errorMessage(err);
      const auditFailure = await audit(p, pt.target.context, pt.requests[0], record);
      keep({ target: pt.target, status: 'failed', message: record.error + auditFailure, requests: [record], startedAt, finishedAt: clock.now().toISOString() });
      throw err;
    }
  }

  return {
    readonly: deps.readonly,
    plan,
    readMissing,
    execute,
    session,
    outcomes: () => [...history],
    onOutcome(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
