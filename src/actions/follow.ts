// Following a Flux reconcile request to its end: the controller records the token it acted
// on in status.lastHandledReconcileAt, and the Ready condition it ended with says how.
import { condition, str } from '../model/access.js';
import type { KubeObject } from '../model/types.js';
import type { Clock, OutcomeStatus, Read } from './types.js';

export interface FollowOptions {
  clock: Clock;
  timeoutMs: number;
  intervalMs: number;
}

export interface FollowResult {
  status: Exclude<OutcomeStatus, 'skipped'>;
  message: string;
  /** on success, the flux CLI's closing line for this kind (successMessage()), e.g.
   * "fetched revision main@sha1:…" for a source, "applied revision …" for a Kustomization */
  success?: string;
}

/**
 * The flux CLI's `successMessage()` of `flux reconcile` (cmd/flux/reconcile_*.go): sources
 * "fetched revision <status.artifact.revision>", a Kustomization "applied revision
 * <status.lastAppliedRevision>", a HelmRelease "applied revision <status.lastAttemptedRevision>";
 * undefined for kinds whose success the CLI words otherwise or when the field is unset.
 */
export function fluxSuccessMessage(obj: KubeObject): string | undefined {
  const rev = (...path: string[]): string | undefined => str(obj, 'status', ...path);
  switch (obj.kind) {
    case 'GitRepository':
    case 'OCIRepository':
    case 'Bucket':
    case 'HelmChart':
    case 'HelmRepository': {
      const r = rev('artifact', 'revision');
      return r ? `fetched revision ${r}` : undefined;
    }
    case 'Kustomization': {
      const r = rev('lastAppliedRevision');
      return r ? `applied revision ${r}` : undefined;
    }
    case 'HelmRelease': {
      const r = rev('lastAttemptedRevision');
      return r ? `applied revision ${r}` : undefined;
    }
    default:
      return undefined;
  }
}

/** The verdict on an object whose controller handled the token; undefined while still undecided. */
export function reconcileVerdict(obj: KubeObject): FollowResult | undefined {
  const stalled = condition(obj, 'Stalled');
  if (stalled?.status === 'True') return { status: 'failed', message: reasonMessage(stalled.reason, stalled.message) };
  const ready = condition(obj, 'Ready');
  if (ready?.status === 'True') return { status: 'succeeded', message: ready.message || 'Ready' };
  if (ready?.status === 'False') return { status: 'failed', message: reasonMessage(ready.reason, ready.message) };
  return undefined;
}

function reasonMessage(reason: string | undefined, message: string | undefined): string {
  return [reason, message].filter(Boolean).join(': ') || 'not ready';
}

function errorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export async function followReconcile(read: Read, context: string, path: string, token: string, opts: FollowOptions): Promise<FollowResult> {
  const deadline = opts.clock.now().getTime() + opts.timeoutMs;
  let last = '';
  for (;;) {
    try {
      const obj = await read(context, path);
      const handled = str(obj, 'status', 'lastHandledReconcileAt');
      if (handled === token) {
        const verdict = reconcileVerdict(obj);
        if (verdict?.status === 'succeeded') {
          const success = fluxSuccessMessage(obj);
          return success ? { ...verdict, success } : verdict;
        }
        if (verdict) return verdict;
        last = 'request handled, Ready not yet decided';
      } else {
        last = `lastHandledReconcileAt is ${handled ?? 'unset'}`;
      }
    } catch (err) {
      // A vanished object will not come back by waiting; anything else may be transient.
      if (errorCode(err) === 404) return { status: 'failed', message: (err as Error).message || 'not found' };
      last = (err as Error).message;
    }
    if (opts.clock.now().getTime() >= deadline) {
      return { status: 'timed-out', message: `timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for the request ${token} to be handled (${last})` };
    }
    await opts.clock.sleep(opts.intervalMs);
  }
}
