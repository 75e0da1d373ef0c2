// `fleetdeck sim`: serves a simulated fleet until SIGINT/SIGTERM and writes its kubeconfig.
import { createScenario, type ScenarioName, type ScaleOptions } from '../sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../sim/fleet.js';

export interface SimCommandOptions extends ScaleOptions {
  scenario: ScenarioName;
  kubeconfigOut?: string;
}

export async function startScenarioFleet(opts: SimCommandOptions): Promise<SimFleet> {
  const { scenario, kubeconfigOut, ...scale } = opts;
  return startSimFleet({ clusters: createScenario(scenario, scale), kubeconfigOut });
}

export async function runSim(opts: SimCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const fleet = await startScenarioFleet(opts);
  out.write(`simulated fleet "${opts.scenario}" serving ${fleet.contexts.length} contexts\n`);
  for (const c of fleet.contexts) out.write(`  ${c.name.padEnd(16)} ${c.url}\n`);
  out.write(`kubeconfig: ${fleet.kubeconfigPath}\n`);
  out.write(`try: kubectl --kubeconfig ${fleet.kubeconfigPath} get pods -A --context ${fleet.contexts[0]?.name ?? ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await fleet.stop();
  return 0;
}
