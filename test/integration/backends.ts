// One integration suite, two backends: the simulated fleet and a real control plane
// (kube-apiserver + kwok, see test/controlplane/harness.ts). FLEETDECK_BACKENDS selects them:
// 'sim' (default), 'cluster', or 'sim,cluster'. A case that passes on one backend and fails
// on the other is a fidelity bug in the simulation or a wrong assumption in the client.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { buildCluster } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import type { SimCluster } from '../../src/sim/cluster.js';
import {
  ADMIN_CONTEXT, appendPodLogLine, FAKE_NODES, GoMissingError, kubectlOn, podLogFileOf, RESTRICTED_CONTEXT, RESTRICTED_USER, startControlPlane,
  type ControlPlane, type KubectlResult,
} from '../controlplane/harness.js';
import { BROKEN_BUILD } from '../controlplane/flux-standin.js';

export type BackendName = 'sim' | 'cluster';

export interface BackendEnv {
  name: BackendName;
  kubeconfigPath: string;
  adminContext: string;
  restrictedContext: string;
  /** a namespace both contexts may use (the restricted one: everything but secrets) */
  namespace: string;
  /** a namespace the restricted context may not touch at all */
  forbiddenNamespace: string;
  /** the gitVersion /version reports */
  serverVersion: string;
  /** kubectl against this backend (admin context unless given) */
  kubectl(args: string[], opts?: { context?: string; input?: string }): Promise<KubectlResult>;
  /** a KubeConfig on the given context: one instance per context (client-node reads the current one at request time) */
  kubeConfig(context: string): KubeConfig;
  /** writes one line to a container's log, as the container would */
  writeLog(ref: { namespace: string; pod: string; container: string }, text: string): Promise<void>;
}

export interface Backend {
  name: BackendName;
  setup(): Promise<BackendEnv>;
  teardown(): Promise<void>;
}

function kubeConfigOn(kubeconfigPath: string) {
  return (context: string): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    kc.setCurrentContext(context);
    return kc;
  };
}

/** The same cluster behind a second user, as a restricted kubeconfig user sees it. */
function restrictedView(admin: SimCluster, deny: { namespace: string }): SimCluster {
  return {
    ...admin,
    name: 'sim-restricted',
    user: RESTRICTED_USER,
    token: randomBytes(16).toString('hex'),
    access: [{ user: RESTRICTED_USER, denyResources: ['secrets'], denyNamespaces: [deny.namespace] }],
    faults: { latencyMs: 0, hang: false, forbidAll: false },
    // the admin view runs the controllers; this one only serves the shared store
    start: () => {},
    stop: () => {},
  };
}

/** A Git repository URL both backends serve: its `apps` path builds to nothing, its BROKEN_BUILD.path fails to build. */
export const TEST_GIT_URL = 'https://example.com/fleetdeck/test.git';

function simBackend(): Backend {
  let fleet: SimFleet | undefined;
  return {
    name: 'sim',
    async setup() {
      const cluster = buildCluster({ name: 'sim-admin', flux: { git: { [TEST_GIT_URL]: { paths: { apps: { objects: [] }, [BROKEN_BUILD.path]: { error: BROKEN_BUILD.error } } } }, charts: {} } });
      const forbiddenNamespace = 'kube-system';
      for (const name of ['default', forbiddenNamespace, 'flux-system']) cluster.store.create('namespaces', { metadata: { name } });
      // the same fake nodes the real control plane has (kwok)
      for (const name of FAKE_NODES) {
        cluster.store.create('nodes', {
          metadata: { name, labels: { type: 'kwok', 'kubernetes.io/hostname': name } },
          status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
        });
      }
      fleet = await startSimFleet({ clusters: [cluster, restrictedView(cluster, { namespace: forbiddenNamespace })] });
      return {
        name: 'sim',
        kubeconfigPath: fleet.kubeconfigPath,
        adminContext: 'sim-admin',
        restrictedContext: 'sim-restricted',
        namespace: 'default',
        forbiddenNamespace,
        serverVersion: cluster.serverVersion.gitVersion,
        kubectl: kubectlOn(fleet.kubeconfigPath, 'sim-admin'),
        kubeConfig: kubeConfigOn(fleet.kubeconfigPath),
        writeLog: async (ref, text) => {
          cluster.podLogs.write(ref, text);
        },
      };
    },
    async teardown() {
      await fleet?.stop();
      fleet = undefined;
    },
  };
}

/** The pinned version, read from tools/controlplane/versions.env. */
export function pinnedKubernetesVersion(): string {
  const env = readFileSync(new URL('../../tools/controlplane/versions.env', import.meta.url), 'utf8');
  const m = /^K8S_VERSION=(\S+)/m.exec(env);
  if (!m) throw new Error('K8S_VERSION missing from tools/controlplane/versions.env');
  return m[1];
}

function clusterEnv(kubeconfigPath: string): BackendEnv {
  return {
    name: 'cluster',
    kubeconfigPath,
    adminContext: ADMIN_CONTEXT,
    restrictedContext: RESTRICTED_CONTEXT,
    namespace: 'default',
    forbiddenNamespace: 'kube-system',
    serverVersion: pinnedKubernetesVersion(),
    kubectl: kubectlOn(kubeconfigPath, ADMIN_CONTEXT),
    kubeConfig: kubeConfigOn(kubeconfigPath),
    // kwok serves every container's log from the one file (ClusterLogs)
    writeLog: (_ref, text) => appendPodLogLine(podLogFileOf(dirname(kubeconfigPath)), text),
  };
}

/**
 * The real control plane. FLEETDECK_CONTROLPLANE_DIR names one already running for the
 * whole test run (test/controlplane/run-tier.ts starts it once); without it each test file
 * starts its own in a temp dir and stops it in teardown.
 */
function clusterBackend(): Backend {
  let own: ControlPlane | undefined;
  return {
    name: 'cluster',
    async setup() {
      const shared = process.env.FLEETDECK_CONTROLPLANE_DIR;
      if (shared) {
        const kubeconfigPath = join(shared, 'kubeconfig');
        if (!existsSync(kubeconfigPath)) throw new Error(`FLEETDECK_CONTROLPLANE_DIR=${shared} holds no running control plane`);
        return clusterEnv(kubeconfigPath);
      }
      own = await startControlPlane({ log: (l) => console.error(`[controlplane] ${l}`) });
      return clusterEnv(own.kubeconfigPath);
    },
    async teardown() {
      await own?.stop();
      own = undefined;
    },
  };
}

export function goAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

const LOUD = '!'.repeat(78);

/** A cluster backend that cannot run: CI=true fails its tests; elsewhere the tier is dropped with a banner. */
function goMissing(): Backend[] {
  if (process.env.CI === 'true') {
    return [{ name: 'cluster', setup: () => Promise.reject(new GoMissingError()), teardown: async () => {} }];
  }
  console.warn(`${LOUD}\n  Go is not installed: the REAL CONTROL PLANE tier is NOT RUN (cluster backend dropped).\n  Install Go to build it (tools/controlplane/build.sh); CI=true makes this a failure.\n${LOUD}`);
  return [];
}

function selected(): Backend[] {
  const names = (process.env.FLEETDECK_BACKENDS ?? 'sim').split(',').map((s) => s.trim()).filter(Boolean);
  return names.flatMap((n): Backend[] => {
    if (n === 'sim') return [simBackend()];
    if (n === 'cluster') return goAvailable() ? [clusterBackend()] : goMissing();
    throw new Error(`FLEETDECK_BACKENDS: unknown backend '${n}' (want sim, cluster)`);
  });
}

export const backends: Backend[] = selected();
