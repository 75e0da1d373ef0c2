// The simulated fleets: `demo` (dev, staging, prod-eu with real apps and real faults),
// `healthy` (the same apps, no faults) and `scale` (bulk-built, with churn).
import type { SimCluster } from '../cluster.js';
import { buildCluster, type BuiltCluster } from '../build-cluster.js';
import { demoCluster } from './demo.js';
import { scaleCluster } from './scale.js';

export type ScenarioName = 'demo' | 'scale' | 'healthy';

export interface ScaleOptions {
  contexts?: number;
  namespaces?: number;
  deployments?: number;
  podsPerDeployment?: number;
  /** pod status/label updates and replacements per second, per context */
  churn?: number;
  /** sim seconds per real second */
  speed?: number;
  logRate?: number;
}

export function createScenario(name: ScenarioName, opts: ScaleOptions = {}): BuiltCluster[] {
  if (name === 'scale') {
    return Array.from({ length: opts.contexts ?? 1 }, (_, i) => scaleCluster(buildCluster({ name: `scale-${i + 1}`, speed: opts.speed, logRate: opts.logRate }), opts));
  }
  const faults = name === 'demo';
  return (['dev', 'staging', 'prod-eu'] as const).map((env) => demoCluster(env, faults, opts));
}

export type { SimCluster };
