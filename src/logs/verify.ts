// Fail fast as kubectl does: a KIND/NAME or pod target is read from the API once before the
// tail starts, and a missing object is said at once with the API server's own words
// (`Error from server (NotFound): deployments.apps "x" not found`) instead of an empty tail
// that waits forever. Queries (`[ctx-glob/]ns/pod-regex`) keep stern's semantics: they wait
// for pods to appear, but a context glob that names no selected context is an error.
import type { FleetStore } from '../fleet/types.js';
import { apiErrorFrom, KubeApiError, kubectlErrorLine } from '../kube/errors.js';
import { objectPath } from '../model/patches.js';
import { targetLeaves, type LogTarget } from './types.js';

type Leaf = Exclude<LogTarget, { kind: 'many' }>;

export interface TargetCheck {
  /** the target narrowed to what exists; undefined when nothing does */
  target: LogTarget | undefined;
  /** one line per leaf that was not there or could not be read, kubectl's words
   * (prefixed `context: ` when more than one context is selected) */
  problems: string[];
  /** leaves that could not be read (refused, failed): unlike a NotFound, their absence proves nothing */
  unread: number;
}

/** A thrown target problem: the message is what kubectl prints (`error: …`, `Error from server …`). */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/**
 * `kubectl logs`' words for a target it could not read (kubectl/pkg/cmd/logs): a NotFound is
 * `error: error from server (NotFound): <message> in namespace "<ns>"`, where the message is the
 * namespace's own NotFound when the namespace is missing (cli-runtime checks it after a 404);
 * anything else is kubectlErrorLine.
 */
async function notFoundLine(store: FleetStore, context: string, namespace: string, e: unknown, signal?: AbortSignal): Promise<string> {
  if (!(e instanceof KubeApiError && e.code === 404)) return kubectlErrorLine(e);
  let err: KubeApiError = e;
  try {
    await get(store, context, `/api/v1/namespaces/${encodeURIComponent(namespace)}`, signal);
  } catch (nsErr) {
    if (nsErr instanceof KubeApiError && nsErr.code === 404) err = nsErr;
  }
  return `error: error from server (NotFound): ${err.message} in namespace "${namespace}"`;
}

/**
 * kubectl's line for a query's first word (`ns/pod-regex`) that is a namespace in no answering
 * context and not a resource type either: the user most likely mistyped a kind.
 */
export function namespaceTypoLine(word: string): string {
  return `error: the server doesn't have a resource type "${word}"`;
}

/** One GET; an error status is thrown as the KubeApiError the door would throw. */
async function get(store: FleetStore, context: string, path: string, signal?: AbortSignal): Promise<void> {
  const res = await store.request(context, { path, signal });
  if (res.status >= 400) throw apiErrorFrom(res.status, typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
}

/** The resource a leaf reads, as the store resolves it in its context. */
function pathOf(store: FleetStore, t: Exclude<Leaf, { kind: 'query' }>): string | undefined {
  const rt = store.resolve(t.context, t.kind === 'pod' ? 'pods' : t.resource);
  return rt ? objectPath(rt, rt.namespaced ? t.namespace : undefined, t.name) : undefined;
}

/**
 * GETs every named object of the target (one request each, through the store's client) and
 * keeps the ones that exist. A 404 is kubectl's NotFound line; 403 its Forbidden line; an
 * unreachable context its connection error. Queries pass through unread.
 */
export async function checkTarget(store: FleetStore, target: LogTarget, opts: { multiContext: boolean; signal?: AbortSignal }): Promise<TargetCheck> {
  const problems: string[] = [];
  let unread = 0;
  const kept = await Promise.all(
    targetLeaves(target).map(async (t): Promise<Leaf | undefined> => {
      if (t.kind === 'query') return t;
      const prefix = opts.multiContext ? `${t.context}: ` : '';
      const path = pathOf(store, t);
      if (!path) {
        problems.push(`${prefix}error: the server doesn't have a resource type "${t.kind === 'pod' ? 'pods' : t.resource.split('.')[0]}"`);
        return undefined;
      }
      try {
        await get(store, t.context, path, opts.signal);
        return t;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 404)) unread++;
        problems.push(prefix + (await notFoundLine(store, t.context, t.namespace, e, opts.signal)));
        return undefined;
      }
    }),
  );
  const found = kept.filter((t): t is Leaf => t !== undefined);
  return { target: found.length === 0 ? undefined : found.length === 1 ? found[0] : { kind: 'many', targets: found }, problems, unread };
}

/**
 * kubectl's line for why a context the store could not discover cannot be reached (one
 * `/version` request tells: `Unable to connect to the server: getting credentials: …`);
 * undefined when it is discovered or ready, or answers now.
 */
export async function unreachableLine(store: FleetStore, context: string, signal?: AbortSignal): Promise<string | undefined> {
  const c = store.contexts().find((s) => s.name === context);
  if (!c || c.discovered === true || c.state === 'ready') return undefined;
  try {
    await get(store, context, '/version', signal);
    return undefined;
  } catch (e) {
    return kubectlErrorLine(e);
  }
}
