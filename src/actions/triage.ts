// The triage actions of the catalog: exec and port-forward (sessions: the plan's one request
// is the WebSocket upgrade the executor opens through its `session` door, audited as the
// command, never the session's bytes), edit (a PUT of the edited object with the
// resourceVersion that was read, so a concurrent change is a 409, not an overwrite), and
// finalizer removal (a JSON patch that tests the finalizers it saw before removing them;
// typed confirmation always).
import { arr, str } from '../model/access.js';
import { toYaml, unifiedDiff } from '../model/diff.js';
import type { KubeObject } from '../model/types.js';
import type { CatalogEntry, TargetPlan } from './catalog.js';
import { targetPath } from './paths.js';
import type { ObjectName, Outcome, Target } from './types.js';

const refOf = (t: Target): ObjectName => ({ kind: t.kind, namespace: t.namespace, name: t.name });

/** A pod as the target of an exec or a port-forward (the one a workload picked, too). */
export function podTarget(context: string, pod: KubeObject): Target {
  return { context, resource: 'pods', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, object: { ...pod, kind: 'Pod', apiVersion: 'v1' } };
}
const POD = [{ group: '', kind: 'Pod' }];

/** The exec subresource request as one path with its query (command repeats, as the API wants it). */
export function execPath(t: { namespace?: string; name: string }, o: ExecSpec): string {
  const q = new URLSearchParams();
  for (const c of o.command) q.append('command', c);
  if (o.container) q.set('container', o.container);
  if (o.stdin) q.set('stdin', 'true');
  q.set('stdout', 'true');
  q.set('stderr', o.tty ? 'false' : 'true');
  if (o.tty) q.set('tty', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(t.namespace ?? '')}/pods/${encodeURIComponent(t.name)}/exec?${q.toString()}`;
}

export interface ExecSpec {
  container?: string;
  command: string[];
  stdin?: boolean;
  tty?: boolean;
  /** the target is the pod a workload picked (src/model/attach.ts pickedPod): which and why */
  picked?: string;
}

export interface PortForwardSpec {
  /** the pod's port */
  port: number;
  /** 0 or absent: any free port */
  localPort?: number;
  /** how the port was found, e.g. "service checkout/web port 80 → targetPort http" */
  via?: string;
  /** the target is the pod a workload picked (src/model/attach.ts pickedPod): which and why */
  picked?: string;
}

export interface EditSpec {
  /** the object as edited (must keep metadata.resourceVersion as read) */
  edited: KubeObject;
  /** the object as read before editing */
  original: KubeObject;
}

export interface FinalizerSpec {
  /** objects that still carry each finalizer (for a namespace: the objects inside) */
  holders?: Record<string, string[]>;
  /** for a namespace: the kinds inside that could not be read, in words (their objects may hold finalizers too) */
  unread?: string;
}

function containers(pod: KubeObject): string[] {
  return [...arr(pod, 'spec', 'containers'), ...arr(pod, 'spec', 'initContainers'), ...arr(pod, 'spec', 'ephemeralContainers')].map((c) => str(c, 'name') ?? '');
}

function planExec(t: Target, spec: ExecSpec | undefined): TargetPlan {
  if (!spec || spec.command.length === 0) return { requests: [], notes: [], refused: 'exec needs a command' };
  const names = containers(t.object);
  if (spec.container && names.length > 0 && !names.includes(spec.container)) {
    return { requests: [], notes: [], refused: `container ${spec.container} is not in pod ${t.name} (it has ${names.join(', ')})` };
  }
  const where = spec.container ? `container ${spec.container}` : 'its only container';
  return {
    requests: [{ method: 'GET', path: execPath(t, spec), object: refOf(t) }],
    notes: [
      `runs ${JSON.stringify(spec.command.join(' '))} in ${where} of pod ${t.namespace}/${t.name}${spec.tty ? ' with a terminal' : ''}`,
      ...(spec.picked ? [spec.picked] : []),
      'a WebSocket (v5.channel.k8s.io, falling back to v4); the audit log records this command, not what the session prints or reads',
    ],
  };
}

function planPortForward(t: Target, spec: PortForwardSpec | undefined): TargetPlan {
  if (!spec || !Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) return { requests: [], notes: [], refused: 'port-forward needs a pod port (1-65535)' };
  // kubectl's localhost: both loopbacks (src/kube/portforward.ts)
  const local = `127.0.0.1 and ::1 ${spec.localPort ? `port ${spec.localPort}` : '(a free port)'}`;
  return {
    requests: [{ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(t.namespace ?? '')}/pods/${encodeURIComponent(t.name)}/portforward`, query: { ports: String(spec.port) }, object: refOf(t) }],
    notes: [`listens on ${local} and forwards each connection to port ${spec.port} of pod ${t.namespace}/${t.name}`, ...(spec.picked ? [spec.picked] : []), ...(spec.via ? [spec.via] : [])],
  };
}

/** What an edit may not change: the server ignores or refuses these, so they are not sent as changes. */
function comparable(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...o, metadata, status: undefined } as KubeObject;
}

function planEdit(t: Target, spec: EditSpec | undefined, path: string): TargetPlan {
  if (!spec) return { requests: [], notes: [], refused: 'edit needs the edited object' };
  const { edited, original } = spec;
  if (edited.metadata?.name !== t.name) return { requests: [], notes: [], refused: `metadata.name cannot change (${t.name} → ${String(edited.metadata?.name)})` };
  if (t.namespace && edited.metadata.namespace !== undefined && edited.metadata.namespace !== t.namespace) return { requests: [], notes: [], refused: 'metadata.namespace cannot change' };
  if (edited.kind !== undefined && original.kind !== undefined && edited.kind !== original.kind) return { requests: [], notes: [], refused: `kind cannot change (${original.kind} → ${edited.kind})` };
  const rv = original.metadata.resourceVersion;
  if (!rv) return { requests: [], notes: [], refused: 'the object was read without a resourceVersion: cannot edit it safely' };
  const diff = unifiedDiff(toYaml(comparable(original)), toYaml(comparable(edited)), { a: `${t.kind} ${t.name} (as read)`, b: `${t.kind} ${t.name} (edited)` });
  // kubectl edit's words when nothing changed
  if (diff === '') return { requests: [], notes: [], refused: 'Edit cancelled, no changes made.' };
  const body: KubeObject = { ...edited, metadata: { ...edited.metadata, resourceVersion: rv } };
  return {
    requests: [{ method: 'PUT', path, body, object: refOf(t) }],
    notes: [`replaces ${t.kind} ${t.name} as read at resourceVersion ${rv}: if it changed since, the server answers 409 Conflict and nothing is written`, diff.trimEnd()],
  };
}

/**
 * Did an edit fail because the object changed since it was read? A PUT carrying a stale
 * resourceVersion is answered 409 Conflict ("the object has been modified; please apply your
 * changes to the latest version", kube-apiserver's optimistic concurrency; kubectl edit says
 * the same). The TUI offers a re-edit on the current version when this holds.
 */
export function editConflict(o: Outcome): boolean {
  return o.status === 'failed' && (o.requests.some((r) => r.status === 409) || /the object has been modified|conflict/i.test(o.message));
}

function planFinalizers(t: Target, spec: FinalizerSpec | undefined, path: string): TargetPlan {
  const finalizers = arr(t.object, 'metadata', 'finalizers').filter((f): f is string => typeof f === 'string');
  if (finalizers.length === 0) return { requests: [], notes: [], refused: `${t.kind} ${t.name} has no finalizers` };
  const notes: string[] = [];
  if (!t.object.metadata.deletionTimestamp) notes.push(`${t.kind} ${t.name} is not being deleted: removing its finalizers only matters once it is`);
  for (const f of finalizers) {
    const holders = spec?.holders?.[f] ?? [];
    notes.push(holders.length ? `finalizer ${f}: still held by ${holders.join(', ')}` : `finalizer ${f}: the controller that owns it has not removed it; whatever cleanup it guards is skipped`);
  }
  if (spec?.unread) notes.push(`not read: ${spec.unread}; objects there may hold finalizers too and keep the namespace Terminating`);
  notes.push('the controllers that set these finalizers will not run their cleanup: resources outside the cluster may be left behind');
  return {
    // the test op makes the patch fail (422) if the finalizers changed since they were read
    requests: [{
      method: 'PATCH',
      path,
      contentType: 'application/json-patch+json',
      body: [{ op: 'test', path: '/metadata/finalizers', value: finalizers }, { op: 'remove', path: '/metadata/finalizers' }],
      object: refOf(t),
    }],
    notes,
  };
}

export const TRIAGE_ENTRIES: CatalogEntry[] = [
  { id: 'exec', label: 'Exec', kinds: POD, mutating: true, session: true, doneMessage: 'session ended', plan: (t, input) => planExec(t, input.options.exec) },
  { id: 'port-forward', label: 'Port-forward', kinds: POD, mutating: true, session: true, doneMessage: 'forwarding', plan: (t, input) => planPortForward(t, input.options.portForward) },
  { id: 'edit', label: 'Edit', kinds: 'any', mutating: true, doneMessage: 'edited', plan: (t, input) => planEdit(t, input.options.edit, targetPath(t, input.lookup)) },
  {
    id: 'remove-finalizers',
    label: 'Remove finalizers',
    kinds: 'any',
    mutating: true,
    alwaysTyped: true,
    doneMessage: 'finalizers removed',
    plan: (t, input) => planFinalizers(t, input.options.finalizers, targetPath(t, input.lookup)),
  },
];
