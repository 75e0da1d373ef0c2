// `fleetdeck exec KIND/NAME [-c C] [-i] [-t] -- CMD...` and `fleetdeck port-forward TARGET
// [LOCAL:]REMOTE...`: kubectl's behaviour (the pod a workload or service lands on, a
// service port translated to the pod's targetPort, "Forwarding from ..." lines, the remote
// exit code as ours) through the action executor — read-only refuses, a protected context
// needs the pod's name typed (or --yes --protected-ok), the audit log records the command.
import { createInterface } from 'node:readline/promises';
import type { Executor } from '../actions/executor.js';
import { createExecutor } from '../actions/executor.js';
import { createAuditLog, defaultAuditPath } from '../actions/audit.js';
import { renderPlan } from '../actions/render.js';
import { podTarget } from '../actions/triage.js';
import type { ActionOptions, Plan } from '../actions/types.js';
import { parseTarget } from './actions.js';
import { openFleet, type FleetOptions } from './open.js';
import { lookupTarget } from '../fleet/lookup.js';
import { fluxDefaultNamespace } from '../model/flux.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import type { Fleet } from '../fleet/store.js';
import { openExec } from '../kube/exec.js';
import { startPortForward, type PortForward } from '../kube/portforward.js';
import { parsePortPair, remotePort } from '../model/attach.js';
import { attachablePodIn } from '../fleet/attach.js';
import type { KubeObject } from '../model/types.js';
import { termText } from '../model/sanitize.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  env?: NodeJS.ProcessEnv;
  /** asks on the terminal; default readline on stderr */
  ask?: (question: string) => Promise<string>;
  /** resolves when the user wants port-forwarding to end (default: SIGINT/SIGTERM) */
  untilStopped?: () => Promise<void>;
}

export interface SessionOptions extends FleetOptions {
  namespace?: string;
  readonly?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  protectedOk?: boolean;
}

export interface ExecOptions extends SessionOptions {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
}

/**
 * Exit codes, the README's one rule: 1 the session did not happen or failed (refused —
 * --readonly, a protected context's name not typed —, the object or pod not there, as
 * kubectl's NotFound), 2 a usage error or no context to read (unreachable).
 */
const EXIT = { failed: 1, usage: 2, unreachable: 2 } as const;

function terminalAsk(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise<string>((resolve) => {
    rl.once('close', () => resolve(''));
    rl.question(question).then(resolve, () => resolve(''));
  }).finally(() => rl.close());
}

interface Opened {
  fleet: Fleet;
  context: string;
  executor: Executor;
  object: KubeObject;
  pod: KubeObject;
  /** the plan's words on the pod a workload or service gave (none for a pod) */
  picked?: string;
  close(): Promise<void>;
}

/** Why open() could not: what to print, and the exit code (EXIT). */
interface NotOpened {
  message: string;
  code: number;
}

/** Selects exactly one context, finds KIND/NAME and the pod it lands on. */
async function open(verb: string, target: string, opts: SessionOptions, io: Io): Promise<Opened | NotOpened> {
  const parsed = parseTarget(target.includes('/') ? target : `pod/${target}`);
  if (!parsed) return { message: `fleetdeck ${verb}: expected KIND/NAME or a pod name, got ${JSON.stringify(target)}`, code: EXIT.usage };
  const env = io.env ?? process.env;
  const { fleet, contexts, config } = openFleet(opts, env);
  if (contexts.length !== 1) {
    await fleet.close();
    return { message: `fleetdeck ${verb}: needs exactly one context (selected: ${contexts.join(', ') || 'none'})`, code: EXIT.usage };
  }
  const context = contexts[0];
  const snap = await takeSnapshot(fleet, { contexts, kinds: () => [parsed.kind, 'pods'], namespace: opts.namespace, deadline: Date.now() + 15_000 });
  const close = async () => {
    snap.close();
    await fleet.close();
  };
  // what kubectl says with exit 1 (a type or object not there, no pod to attach to) is 1 here too
  const fail = async (msg: string, code: number = EXIT.failed): Promise<NotOpened> => {
    await close();
    return { message: `fleetdeck ${verb}: ${context}: ${msg}`, code };
  };
  if (snap.unreachable.length > 0) return fail(snap.unreachable[0].lastError ?? snap.unreachable[0].state, EXIT.unreachable);
  // the API's answer when no cache holds it: NotFound only on a 404, a 403 as kubectl's Forbidden
  const found = await lookupTarget(fleet, context, parsed.kind, opts.namespace, parsed.name, fluxDefaultNamespace(env));
  if (!found.found) return fail(found.error, found.unreachable ? EXIT.unreachable : EXIT.failed);
  const { type, object } = found;
  // the pod: itself, or what its selector picks (the TUI's :shell and :port-forward pick the same way)
  const pick = attachablePodIn(fleet, context, { ...object, kind: type.kind });
  if (!pick.ok) return fail(pick.error);
  const executor = createExecutor({
    send: (ctx, req) => fleet.request(ctx, req),
    read: async (ctx, path) => (await fleet.request(ctx, { method: 'GET', path })).body as KubeObject,
    readonly: opts.readonly ?? false,
    protectedPattern: config.protected,
    audit: createAuditLog({ path: defaultAuditPath(env) }),
    lookup: fleet,
  });
  return { fleet, context, executor, object: { ...object, kind: type.kind }, pod: pick.value.pod, picked: pick.value.picked, close };
}


/** Shows the plan when asked (--dry-run) or when a protected context needs the typed name; returns the typed text. */
async function confirm(plan: Plan, opts: SessionOptions, io: Io): Promise<{ typed?: string } | 'dry-run' | 'refused'> {
  const refused = plan.targets.find((t) => t.refused);
  if (opts.dryRun || plan.protected || refused) io.stderr.write(termText(renderPlan(plan) + '\n'));
  if (refused) return 'refused';
  if (opts.dryRun) {
    io.stderr.write(termText('\n(dry run: nothing sent)\n'));
    return 'dry-run';
  }
  if (!plan.protected) return {};
  if (opts.yes && opts.protectedOk) return { typed: plan.confirmText };
  const typed = (await (io.ask ?? terminalAsk)(`\nType "${plan.confirmText}" to confirm: `)).trim();
  return { typed };
}

/**
 * Runs one command in a container; exit code: the command's (kubectl's), 1 when the exec
 * failed without one, was refused or found nothing to run in, 2 on usage errors or when the
 * context cannot be reached.
 */
export async function runExecCommand(target: string, command: string[], opts: ExecOptions, io: Io): Promise<number> {
  if (command.length === 0) {
    io.stderr.write(termText('fleetdeck exec: a command is required after --, e.g. fleetdeck exec pod/web -- sh\n'));
    return EXIT.usage;
  }
  const o = await open('exec', target, opts, io);
  if ('code' in o) {
    io.stderr.write(termText(o.message + '\n'));
    return o.code;
  }
  try {
    const tty = Boolean(opts.tty && io.stdin.isTTY && io.stdout.isTTY);
    if (opts.tty && !tty) io.stderr.write(termText('Unable to use a TTY - input is not a terminal or the right kind of file\n'));
    const options: ActionOptions = { exec: { container: opts.container, command, stdin: Boolean(opts.stdin), tty, picked: o.picked } };
    const plan = o.executor.plan('exec', [podTarget(o.context, o.pod)], options);
    const c = await confirm(plan, opts, io);
    if (c === 'dry-run') return 0;
    if (c === 'refused') return EXIT.failed;
    const socket = { openWebSocket: (...a: Parameters<Fleet['openWebSocket']> extends [string, ...infer R] ? R : never) => o.fleet.openWebSocket(o.context, ...a) };
    let session;
    try {
      session = await o.executor.session(plan, c, () =>
        openExec(socket, { namespace: o.pod.metadata.namespace ?? '', pod: o.pod.metadata.name, container: opts.container, command, stdin: Boolean(opts.stdin), tty }, {
          stdout: (b) => io.stdout.write(b), // terminal-safe: the exec session is the user's own remote terminal, passed as kubectl exec passes it
          stderr: (b) => io.stderr.write(b), // terminal-safe: as stdout above
        }),
      );
    } catch (e) {
      io.stderr.write(termText(`fleetdeck exec: ${(e as Error).message}\n`));
      return EXIT.failed;
    }
    const cleanups: (() => void)[] = [];
    if (opts.stdin) {
      if (tty) {
        io.stdin.setRawMode?.(true);
        cleanups.push(() => io.stdin.setRawMode?.(false));
        const resize = () => session.resize(io.stdout.columns ?? 80, io.stdout.rows ?? 24);
        resize();
        process.stdout.on('resize', resize);
        cleanups.push(() => process.stdout.off('resize', resize));
      }
      const onData = (d: Buffer) => session.write(d);
      const onEnd = () => session.closeStdin();
      io.stdin.on('data', onData);
      io.stdin.once('end', onEnd);
      io.stdin.resume();
      cleanups.push(() => {
        io.stdin.off('data', onData);
        io.stdin.off('end', onEnd);
        io.stdin.pause();
      });
    }
    const res = await session.done;
    for (const c2 of cleanups) c2();
    if (res.exitCode !== undefined) {
      if (res.exitCode !== 0 && res.message) io.stderr.write(termText(`command terminated with exit code ${res.exitCode}\n`));
      return res.exitCode;
    }
    io.stderr.write(termText(`fleetdeck exec: ${res.message ?? 'the exec ended without a status'}\n`));
    return 1;
  } finally {
    await o.close();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/**
 * Forwards local ports until stopped (Ctrl-C): prints kubectl's "Forwarding from" lines
 * and "Handling connection for" per connection. Exit 0 when stopped; 1 when a local port
 * cannot be bound, the forward is refused, or the object, pod or port is not there; 2 on
 * usage errors or when the context cannot be reached.
 */
export async function runPortForwardCommand(target: string, pairs: string[], opts: SessionOptions, io: Io): Promise<number> {
  if (pairs.length === 0) {
    io.stderr.write(termText('fleetdeck port-forward: at least one [LOCAL:]REMOTE port is required\n'));
    return EXIT.usage;
  }
  const parsedPairs = [];
  for (const p of pairs) {
    const pp = parsePortPair(p);
    if (!pp.ok) {
      io.stderr.write(termText(`fleetdeck port-forward: ${pp.error}\n`));
      return EXIT.usage;
    }
    parsedPairs.push(pp.value);
  }
  const o = await open('port-forward', target, opts, io);
  if ('code' in o) {
    io.stderr.write(termText(o.message + '\n'));
    return o.code;
  }
  const forwards: PortForward[] = [];
  try {
    const socket = { openWebSocket: (...a: Parameters<Fleet['openWebSocket']> extends [string, ...infer R] ? R : never) => o.fleet.openWebSocket(o.context, ...a) };
    for (const pair of parsedPairs) {
      const rp = remotePort(o.object, o.pod, pair.remote);
      if (!rp.ok) {
        // the service or pod has no such port: kubectl's "does not have a service port", exit 1
        io.stderr.write(termText(`fleetdeck port-forward: ${rp.error}\n`));
        return EXIT.failed;
      }
      const plan = o.executor.plan('port-forward', [podTarget(o.context, o.pod)], { portForward: { port: rp.value.port, localPort: pair.local, via: rp.value.via, picked: o.picked } });
      const c = await confirm(plan, opts, io);
      if (c === 'dry-run') continue;
      if (c === 'refused') return EXIT.failed;
      try {
        const fwd = await o.executor.session(plan, c, () => startPortForward(socket, { namespace: o.pod.metadata.namespace ?? '', pod: o.pod.metadata.name, port: rp.value.port }, pair.local));
        forwards.push(fwd);
        let seen = 0;
        let lastError: string | undefined;
        fwd.onChange(() => {
          const st = fwd.stats();
          if (st.connections > seen) {
            seen = st.connections;
            io.stdout.write(termText(`Handling connection for ${fwd.localPort}\n`));
          }
          if (st.lastError && st.lastError !== lastError) {
            lastError = st.lastError;
            io.stderr.write(termText(`error: ${st.lastError}\n`));
          }
        });
        for (const a of fwd.addresses) io.stdout.write(termText(`Forwarding from ${a} -> ${rp.value.port}\n`));
      } catch (e) {
        io.stderr.write(termText(`fleetdeck port-forward: ${(e as Error).message}\n`));
        return EXIT.failed;
      }
    }
    if (opts.dryRun) return 0;
    await (io.untilStopped ?? untilSignal)();
    return 0;
  } finally {
    await Promise.all(forwards.map((f) => f.stop()));
    await o.close();
  }
}
