// A simulated fleet: every SimCluster served on its own port, its controllers started, and
// a kubeconfig with one cluster/user/context per simulated cluster.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SimCluster } from './cluster.js';
import { serveCluster, type ClusterServer, type ServeOptions } from './server.js';

export interface SimContext {
  name: string;
  port: number;
  url: string;
  cluster: SimCluster;
  server: ClusterServer;
}

export interface SimFleet {
  kubeconfigPath: string;
  /** the kubeconfig as YAML text */
  kubeconfig: string;
  contexts: SimContext[];
  stop(): Promise<void>;
}

export interface SimFleetOptions {
  clusters: SimCluster[];
  kubeconfigOut?: string;
  serve?: Omit<ServeOptions, 'port'>;
}

export function kubeconfigYaml(contexts: { name: string; url: string; cluster: SimCluster; server: { caCert?: string } }[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: contexts.map((c) => ({
      name: c.name,
      cluster: { server: c.url, ...(c.server.caCert ? { 'certificate-authority-data': Buffer.from(c.server.caCert).toString('base64') } : {}) },
    })),
    users: contexts.map((c) => ({ name: `${c.name}-${c.cluster.user}`, user: { token: c.cluster.token } })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${c.name}-${c.cluster.user}` } })),
    'current-context': contexts[0]?.name ?? '',
  });
}

export async function startSimFleet(opts: SimFleetOptions): Promise<SimFleet> {
  const contexts: SimContext[] = [];
  try {
    for (const cluster of opts.clusters) {
      const server = await serveCluster(cluster, opts.serve);
      contexts.push({ name: cluster.name, port: server.port, url: server.url, cluster, server });
    }
  } catch (e) {
    await Promise.all(contexts.map((c) => c.server.close()));
    throw e;
  }
  for (const c of contexts) c.cluster.start();
  const kubeconfig = kubeconfigYaml(contexts);
  const kubeconfigPath = opts.kubeconfigOut ?? join(await mkdtemp(join(tmpdir(), 'fleetdeck-sim-')), 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return {
    kubeconfigPath,
    kubeconfig,
    contexts,
    stop: async () => {
      for (const c of contexts) c.cluster.stop();
      await Promise.all(contexts.map((c) => c.server.close()));
    },
  };
}
