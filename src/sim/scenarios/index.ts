// The simulated fleets: `demo` (dev, staging, prod-eu with real apps and real faults),
// `healthy` (the same apps, no faults) and `scale` (bulk-built, with churn).
import type { SimCluster } from '../cluster.js';
import { buildCluster, type BuiltCluster } from '../build-cluster.js';
import { demoCluster } from './demo.js';
import { hostileFleet } from './hostile.js';
import { scaleCluster } from './scale.js';

export type ScenarioName = 'demo' | 'scale' | 'healthy' | 'hostile';

export const SCENARIOS: readonly ScenarioName[] = ['demo', 'healthy', 'scale', 'hostile'];

export interface ScaleOptions {
  contexts?: number;
  namespaces?: number;
  deployments?: number;
  podsPerDeployment?: number;
  /** pod status/label updates and replacements per second, per context */
  churn?: number;
  /** scale: extra API groups served by CRDs (two kinds, two versions each), as on CRD-heavy clusters */
  apiGroups?: number;
  /** sim seconds per real second */
  speed?: number;
  /** demo: sim time moves only through runtime.advance() (a fleet that holds still for tests) */
  manualClock?: boolean;
  logRate?: number;
  /** hostile: the seed of its text (a failing fuzz run replays with it) */
  seed?: number;
  /** what containers log (scenarios that write their own lines) */
  logLines?: (image: string, seq: number) => string | Uint8Array;
}

export function createScenario(name: ScenarioName, opts: ScaleOptions = {}): BuiltCluster[] {
  if (name === 'scale') {
    return Array.from({ length: opts.contexts ?? 1 }, (_, i) => scaleCluster(buildCluster({ name: `scale-${i + 1}`, speed: opts.speed, logRate: opts.logRate }), opts));
  }
  if (name === 'hostile') return hostileFleet(opts);
  const faults = name === 'demo';
  return (['dev', 'staging', 'prod-eu'] as const).map((env) => demoCluster(env, faults, opts));
}

export type { SimCluster };
