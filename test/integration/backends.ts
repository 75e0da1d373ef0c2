// One integration suite, two backends: the simulated fleet and a real control plane
// (kube-apiserver + kwok, see test/controlplane/harness.ts). FLEETDECK_BACKENDS selects them:
// 'sim' (default), 'cluster', or 'sim,cluster'. A case that passes on one backend and fails
// on the other is a fidelity bug in the simulation or a wrong assumption in the client.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { buildCluster } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import type { SimCluster } from '../../src/sim/cluster.js';
import {
  ADMIN_CONTEXT, appendPodLogLine, FAKE_NODES, GoMissingError, kubectlOn, podLogFileOf, RESTRICTED_CONTEXT, RESTRICTED_USER, startControlPlane, TEST_REPO,
  type ControlPlane, type KubectlResult,
} from '../controlplane/harness.js';
import { gitRevision, helmTemplateFailure, KUSTOMIZE_TMP, missingResourceBuildError } from '../../src/sim/flux-logic.js';
import type { ChartContent, FluxContent } from '../../src/sim/controllers/flux.js';
import type { KubeObject } from '../../src/model/types.js';
import {
  BROKEN_PATH, EMPTY_PATH, brokenFiles, commit as gitCommit, createRepo as gitCreateRepo, demoChart, gitUrl, helmUrl, manifests, publishChart,
  readSourceLayout, BROKEN_CHART, BROKEN_CHART_ERROR, MISSING_RESOURCE, type RepoFiles,
} from '../controlplane/flux-fixtures.js';

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
  /** the Git and Helm repositories Flux fetches: real servers on the cluster, FluxContent in the sim */
  flux: FluxSources;
  /**
   * A user bound in one namespace only (RBAC `view` through a RoleBinding there, nothing
   * cluster-wide: no namespace list, no nodes, no CRDs), as its own kubeconfig context whose
   * default namespace is NOT that one. The namespace exists; what is in it is the test's.
   * Real plane: a ServiceAccount token (TokenRequest); sim: an access rule with allowNamespaces.
   */
  namespaceOnlyUser(): Promise<{ kubeconfigPath: string; context: string; namespace: string }>;
}

/** The namespace namespaceOnlyUser() is bound in. */
export const ONLY_NAMESPACE = 'team-a';

/** What a path of a fixture Git repository holds. */
export type PathContent = { objects: object[] } | 'broken' | 'empty';

/**
 * Fixture Flux sources on either backend. On the real control plane they are Git
 * repositories served over smart HTTP and static Helm repositories (flux-fixtures.ts); in
 * the sim the same content goes into the cluster's FluxContent. Revisions are what
 * source-controller reports (`main@sha1:<commit>`).
 */
export interface FluxSources {
  /** the default test repository: `apps` (EMPTY_PATH) builds to no objects, `broken` (BROKEN_PATH) fails to build */
  gitUrl: string;
  /** a new Git repository (name unique per test run) holding these paths; its URL and revision */
  createRepo(name: string, paths: Record<string, PathContent>): Promise<{ url: string; revision: string }>;
  /** replaces these paths of a repository made by createRepo in one new commit; the new revision */
  commit(name: string, paths: Record<string, PathContent>): Promise<string>;
  /** a Helm repository (name unique per test run) with demo-chart at these versions and broken-chart 0.1.0; its URL */
  createHelmRepo(name: string, versions: string[]): Promise<string>;
}

/** A Flux message with kustomize-controller's random build dir replaced by the sim's fixed one (KUSTOMIZE_TMP). */
export function normalizeFluxMessage(s: string): string {
  return s.replace(/\/tmp\/kustomization-\d+/g, KUSTOMIZE_TMP);
}

/** The files a path's content is written as in a real repository. */
export function pathFiles(path: string, content: PathContent): RepoFiles {
  if (content === 'broken') return brokenFiles(path);
  if (content === 'empty') return { [`${path}/README.md`]: 'kustomize builds this path to no objects\n' };
  return { [`${path}/objects.yaml`]: manifests(...content.objects) };
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

/** The same cluster behind a user bound in `namespace` only (RoleBinding), nothing cluster-wide. */
function namespaceOnlyView(admin: SimCluster, namespace: string): SimCluster {
  return {
    ...admin,
    name: 'sim-team-a',
    user: 'team-a-viewer',
    token: randomBytes(16).toString('hex'),
    access: [{ user: 'team-a-viewer', allowNamespaces: [namespace] }],
    faults: { latencyMs: 0, hang: false, forbidAll: false },
    start: () => {},
    stop: () => {},
  };
}

/** The sim's default test repository (the cluster's is served by its fixture Git server): `apps` builds to nothing, `broken` fails. */
const SIM_TEST_GIT_URL = 'https://git.sim.invalid/test.git';

/** A path's content as the sim's kustomize build result (the real build's shapes: flux-fixture-messages.ts). */
function simBuild(path: string, content: PathContent): FluxContent['git'][string]['paths'][string] {
  if (content === 'broken') return { error: missingResourceBuildError(path, MISSING_RESOURCE) };
  if (content === 'empty') return { objects: [] };
  return { objects: content.objects as KubeObject[] };
}

/** demo-chart as the sim renders it: the fixture chart's ConfigMap and Deployment (flux-fixtures.ts demoChart). */
function simChart(name: string, version: string): ChartContent {
  return {
    name, version, appVersion: version,
    ...(name === BROKEN_CHART ? { renderFailure: helmTemplateFailure(name, 'deployment.yaml', BROKEN_CHART_ERROR) } : {}),
    render: (release, namespace) => [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${release}-config`, namespace }, data: { chartVersion: version } },
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: release, namespace },
        spec: { replicas: 1, selector: { matchLabels: { app: release } }, template: { metadata: { labels: { app: release } }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } } },
      },
    ],
  };
}

/** FluxSources over a sim cluster's FluxContent. */
function simSources(content: FluxContent): FluxSources {
  const url = (name: string) => `https://git.sim.invalid/${name}.git`;
  const revisionOf = (u: string) => gitRevision('main', `${u}#main#${content.git[u].commit ?? ''}`);
  content.git[SIM_TEST_GIT_URL] = { paths: { [EMPTY_PATH]: simBuild(EMPTY_PATH, 'empty'), [BROKEN_PATH]: simBuild(BROKEN_PATH, 'broken') } };
  return {
    gitUrl: SIM_TEST_GIT_URL,
    async createRepo(name, paths) {
      const u = url(name);
      if (content.git[u]) throw new Error(`fixture repository ${name} exists`);
      content.git[u] = { commit: randomBytes(8).toString('hex'), paths: Object.fromEntries(Object.entries(paths).map(([p, c]) => [p, simBuild(p, c)])) };
      return { url: u, revision: revisionOf(u) };
    },
    async commit(name, paths) {
      const git = content.git[url(name)];
      for (const [p, c] of Object.entries(paths)) git.paths[p] = simBuild(p, c);
      git.commit = randomBytes(8).toString('hex');
      return revisionOf(url(name));
    },
    async createHelmRepo(name, versions) {
      const u = `https://charts.sim.invalid/${name}/`;
      content.charts[u] = [...versions.map((v) => simChart('demo-chart', v)), simChart(BROKEN_CHART, '0.1.0')];
      return u;
    },
  };
}

/** FluxSources over the control plane's fixture servers (state dir: FLEETDECK_CONTROLPLANE_DIR or its own). */
function clusterSources(stateDir: string): FluxSources {
  const layout = readSourceLayout(stateDir);
  return {
    gitUrl: '', // set by clusterEnv once the layout is read
    async createRepo(name, paths) {
      const l = await layout;
      const files = Object.assign({}, ...Object.entries(paths).map(([p, c]) => pathFiles(p, c))) as RepoFiles;
      return { url: gitUrl(l, name), revision: await gitCreateRepo(l, name, files) };
    },
    async commit(name, paths) {
      const l = await layout;
      // a path's old files go: a path holds exactly its new content
      const work = Object.assign({}, ...Object.entries(paths).map(([p, c]) => pathFiles(p, c))) as RepoFiles;
      return gitCommit(l, name, work, 'test change', Object.keys(paths));
    },
    async createHelmRepo(name, versions) {
      const l = await layout;
      for (const v of versions) await publishChart(l, name, demoChart(v));
      await publishChart(l, name, demoChart('0.1.0', BROKEN_CHART));
      return helmUrl(l, name);
    },
  };
}

function simBackend(): Backend {
  let fleet: SimFleet | undefined;
  return {
    name: 'sim',
    async setup() {
      const cluster = buildCluster({ name: 'sim-admin', flux: { git: {}, charts: {} } });
      const flux = simSources(cluster.flux);
      const forbiddenNamespace = 'kube-system';
      for (const name of ['default', forbiddenNamespace, 'flux-system', ONLY_NAMESPACE]) cluster.store.create('namespaces', { metadata: { name } });
      // the same fake nodes the real control plane has (kwok)
      for (const name of FAKE_NODES) {
        cluster.store.create('nodes', {
          metadata: { name, labels: { type: 'kwok', 'kubernetes.io/hostname': name } },
          status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
        });
      }
      fleet = await startSimFleet({ clusters: [cluster, restrictedView(cluster, { namespace: forbiddenNamespace }), namespaceOnlyView(cluster, ONLY_NAMESPACE)] });
      const kubeconfigPath = fleet.kubeconfigPath;
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
        flux,
        namespaceOnlyUser: async () => ({ kubeconfigPath, context: 'sim-team-a', namespace: ONLY_NAMESPACE }),
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

async function clusterEnv(kubeconfigPath: string): Promise<BackendEnv> {
  const stateDir = dirname(kubeconfigPath);
  const flux = { ...clusterSources(stateDir), gitUrl: gitUrl(await readSourceLayout(stateDir), TEST_REPO) };
  return {
    flux,
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
    namespaceOnlyUser: () => clusterNamespaceOnlyUser(kubeconfigPath),
  };
}

/** A ServiceAccount bound to `view` in ONLY_NAMESPACE by a RoleBinding, its token in a kubeconfig of its own. */
async function clusterNamespaceOnlyUser(kubeconfigPath: string): Promise<{ kubeconfigPath: string; context: string; namespace: string }> {
  const kubectl = kubectlOn(kubeconfigPath, ADMIN_CONTEXT);
  const must = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl(args, { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const ns = ONLY_NAMESPACE;
  await must(['apply', '-f', '-'], [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: team-a-viewer, namespace: ${ns}}`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: team-a-viewer, namespace: ${ns}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: team-a-viewer, namespace: ${ns}}]`,
  ].join('\n---\n'));
  const token = (await must(['create', 'token', 'team-a-viewer', '-n', ns, '--duration=2h'])).trim();
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCluster(kc.contexts.find((c) => c.name === ADMIN_CONTEXT)!.cluster)!;
  const doc = {
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'team-a', cluster: { server: cluster.server, ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : { 'certificate-authority': cluster.caFile }) } }],
    users: [{ name: 'team-a-viewer', user: { token } }],
    contexts: [{ name: 'team-a-only', context: { cluster: 'team-a', user: 'team-a-viewer' } }],
    'current-context': 'team-a-only',
  };
  const file = join(dirname(kubeconfigPath), `kubeconfig-team-a-${process.pid}`);
  writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
  return { kubeconfigPath: file, context: 'team-a-only', namespace: ns };
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
      own = await startControlPlane({ ownerPid: process.pid, reapRemovesState: true, log: (l) => console.error(`[controlplane] ${l}`) });
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
