// The action subcommands wired to a real fleet: contexts selected as for every command, the
// kinds the action reads watched until synced (the target's kind, a rollback's revisions,
// Flux sources for --with-source), then runActionCommand with an executor whose requests go
// through the store's door to the cluster.
import { openFleet, type FleetOptions } from './open.js';
import { lookupTarget } from '../fleet/lookup.js';
import { takeSnapshot } from '../fleet/snapshot.js';
import { fluxDefaultNamespace } from '../model/flux.js';
import { HISTORY_SOURCES } from '../model/kinds.js';
import { resourceKey, type ResourceType } from '../model/types.js';
import { createAuditLog } from '../actions/audit.js';
import { runActionCommand, type ActionCommandOptions, type Output } from './actions.js';
import { createExecutor } from '../actions/executor.js';
import type { KubeObject } from '../model/types.js';

export interface ShellActionOptions extends Omit<ActionCommandOptions, 'context'>, FleetOptions {
  readonly?: boolean;
  timeoutSeconds?: number;
}

/** What each action reads besides its target, by kind of read. */
function extraKinds(actionId: string, opts: ShellActionOptions, types: ResourceType[]): string[] {
  if (actionId === 'rollback') return HISTORY_SOURCES.map((h) => h.resource);
  if (opts.withSource) return types.filter((t) => t.categories.includes('fluxcd')).map(resourceKey);
  return [];
}

export async function runShellAction(
  actionId: string,
  opts: ShellActionOptions,
  io: { stdout: Output; stderr: Output; env?: NodeJS.ProcessEnv; ask?: (q: string) => Promise<string> },
): Promise<number> {
  const env = io.env ?? process.env;
  const { fleet, contexts, config } = openFleet(opts, env);
  const kind = opts.target.split('/')[0] ?? '';
  const snap = await takeSnapshot(fleet, {
    contexts,
    kinds: (_ctx, types) => [kind, ...extraKinds(actionId, opts, types)],
    namespace: opts.namespace,
    deadline: Date.now() + 15_000,
  });
  try {
    const executor = createExecutor({
      send: (ctx, req) => fleet.request(ctx, req),
      read: async (ctx, path) => (await fleet.request(ctx, { method: 'GET', path })).body as KubeObject,
      readonly: opts.readonly ?? false,
      protectedPattern: config.protected,
      // the same environment the kubeconfig was read from decides where the audit log goes
      audit: createAuditLog({ env }),
      lookup: fleet,
      followTimeoutMs: (opts.timeoutSeconds ?? 300) * 1000,
    });
    return await runActionCommand(actionId, opts, {
      executor,
      contexts: snap.reachable,
      unreachable: snap.unreachable.map((u) => `${u.name}: ${u.lastError ?? u.state}`),
      find: async (ctx, k, ns, name) => {
        const r = await lookupTarget(fleet, ctx, k, ns, name, fluxDefaultNamespace(env));
        if (!r.found) return r;
        return { found: true, target: { context: ctx, resource: resourceKey(r.type), kind: r.type.kind, namespace: r.namespace, name, object: r.object } };
      },
      stdout: io.stdout,
      stderr: io.stderr,
      ask: io.ask,
    });
  } finally {
    snap.close();
    await fleet.close();
  }
}
