// The chaos test's simulated fleet, in its own process so the servers' work (serializing
// lists, controllers, churn) is not counted as the client's event-loop delay. Run with
// `node --import tsx`; driven over IPC: faults in, the servers' objects out.
import type { BuiltCluster } from '../../../src/sim/build-cluster.js';
import { createScenario } from '../../../src/sim/build-cluster.js';
import type { Faults } from '../../../src/sim/cluster.js';
import { startSimFleet } from '../../../src/sim/fleet.js';

export type ChaosCommand =
  | { op: 'drop' | 'compact' | 'restart' | 'pause'; ctx?: string }
  | { op: 'faults'; ctx: string; faults: Partial<Faults> }
  | { op: 'truth'; ctx: string; key: string }
  | { op: 'stop' };

export type ChaosRequest = ChaosCommand & { id: number };

export type ChaosReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export interface ChaosReady {
  ready: true;
  kubeconfigPath: string;
  contexts: string[];
}

async function main(): Promise<void> {
  const clusters: BuiltCluster[] = [
    ...createScenario('scale', { contexts: 2, namespaces: 4, deployments: 4, podsPerDeployment: 5, churn: 20 }),
    // the demo's staging context: its user may not read kube-system (the store's namespace fallback)
    createScenario('healthy').find((c) => c.name === 'staging')!,
  ];
  const fleet = await startSimFleet({ clusters, serve: { bookmarkIntervalMs: 1000 } });
  const ctx = (name: string | undefined) => {
    const c = fleet.contexts.find((x) => x.name === name);
    if (!c) throw new Error(`no context ${name}`);
    return c;
  };
  const restarting = new Map<string, Promise<void>>();

  async function handle(m: ChaosRequest): Promise<unknown> {
    switch (m.op) {
      case 'drop':
        ctx(m.ctx).server.dropWatches();
        return undefined;
      case 'compact': {
        const c = ctx(m.ctx);
        c.cluster.store.compact();
        c.server.dropWatches();
        return undefined;
      }
      case 'restart': {
        const c = ctx(m.ctx);
        if (!restarting.has(c.name)) restarting.set(c.name, c.server.restart().finally(() => restarting.delete(c.name)));
        return restarting.get(c.name);
      }
      case 'faults':
        Object.assign(ctx(m.ctx).cluster.faults, m.faults);
        if (m.faults.hang) ctx(m.ctx).server.dropWatches();
        return undefined;
      case 'pause':
        for (const c of fleet.contexts) c.cluster.stop();
        return undefined;
      case 'truth': {
        const c = ctx(m.ctx).cluster as BuiltCluster;
        const hidden = new Set(c.access.filter((a) => a.user === c.user).flatMap((a) => a.denyNamespaces ?? []));
        return c.store.list(m.key).filter((o) => !hidden.has(o.metadata.namespace ?? ''));
      }
      case 'stop':
        await Promise.all(restarting.values());
        await fleet.stop();
        return undefined;
    }
  }

  process.on('message', (m: ChaosRequest) => {
    handle(m)
      .then(
        (result): ChaosReply => ({ id: m.id, ok: true, result }),
        (e: unknown): ChaosReply => ({ id: m.id, ok: false, error: String((e as Error)?.message ?? e) }),
      )
      .then((reply) => process.send!(reply, () => m.op === 'stop' && process.disconnect()));
  });
  // the test process went away: so does its fleet
  process.on('disconnect', () => void fleet.stop().finally(() => process.exit(0)));
  process.send!({ ready: true, kubeconfigPath: fleet.kubeconfigPath, contexts: fleet.contexts.map((c) => c.name) } satisfies ChaosReady);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
