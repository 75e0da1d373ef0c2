// The simulated fleet the log tests tail: two clusters, east and west, each with namespace
// `shop` and Deployment `web` (one replica, its container `app` writing 20 lines/s).
import { buildCluster, type BuiltCluster } from '../../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../../src/sim/fleet.js';
import { addNodes } from '../../../src/sim/scenarios/scale.js';

export const LOG_CONTEXTS = ['east', 'west'];

export const webDeployment = (replicas: number) => ({
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'shop/web:1.4.2' }] } },
  },
});

export interface LogsFleet {
  fleet: SimFleet;
  /** in LOG_CONTEXTS' order */
  clusters: BuiltCluster[];
}

/** Starts the fleet; stop it with `fleet.stop()`. */
export async function startLogsFleet(): Promise<LogsFleet> {
  const clusters = LOG_CONTEXTS.map((name) => {
    const c = buildCluster({ name, logRate: 20, tickMs: 100 });
    addNodes(c, 1);
    c.store.create('namespaces', { metadata: { name: 'shop' }, status: { phase: 'Active' } });
    c.store.create('deployments.apps', webDeployment(1));
    return c;
  });
  return { fleet: await startSimFleet({ clusters }), clusters };
}
