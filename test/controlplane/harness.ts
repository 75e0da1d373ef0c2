// A real Kubernetes control plane on 127.0.0.1 for the integration tests: etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes whose pods
// become Running and serve logs), plus the real Flux controllers (source-, kustomize- and
// helm-controller, out-of-cluster) with their upstream CRDs, and the fixture sources they
// fetch (Git smart HTTP and a static Helm repository, git-server.ts). Binaries come from
// tools/controlplane/build.sh and tools/controlplane/flux/build.sh (built once with the
// machine's Go from the module proxy, cached by version).
// Every process runs detached with a pid file in the state dir, so `cluster:up` can exit
// and `cluster:down` (or stop()) ends exactly those processes; a reaper process ends them
// when the owning process dies without stopping them (ownerPid).
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { mkdir, readFile, writeFile, rm, readdir, appendFile, open } from 'node:fs/promises';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { crdManifest, crdResources } from '../../src/sim/resources.js';
import { isFluxGroup } from '../../src/model/flux.js';
import type { KubeObject } from '../../src/model/types.js';
import { createRepo, gitUrl, sourceLayout, testRepoFiles, type SourceLayout } from './flux-fixtures.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
const toolsDir = join(repoRoot, 'tools/controlplane');

export const ADMIN_CONTEXT = 'real-admin';
export const RESTRICTED_CONTEXT = 'real-restricted';
export const RESTRICTED_USER = 'fleetdeck-restricted';
/** Namespaces the restricted user may read and write (everything but secrets). */
export const RESTRICTED_NAMESPACES = ['default', 'apps', 'flux-system'];
export const FAKE_NODES = ['kwok-node-0', 'kwok-node-1', 'kwok-node-2'];

export interface ControlPlane {
  stateDir: string;
  binDir: string;
  kubeconfigPath: string;
  adminContext: string;
  restrictedContext: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** the CRI-format file every pod's containers log from (kwok ClusterLogs) */
  podLogFile: string;
  /** ms from the first process spawn to nodes Ready, CRDs established and the Flux controllers ready */
  startupMs: number;
  /** the fixture Git repositories and Helm repositories the Flux controllers fetch */
  sources: SourceLayout;
  /** the default test repository (testRepoFiles): `apps` builds to nothing, `broken` fails */
  testGitUrl: string;
  /** the directory holding the flux CLI and controllers */
  fluxBinDir: string;
  /** appends one stdout line, in CRI format, to the pods' log file */
  appendPodLog(text: string): Promise<void>;
  /** runs kubectl against this control plane (admin context unless given) */
  kubectl(args: string[], opts?: { context?: string; input?: string }): Promise<KubectlResult>;
  /** sum of the resident set sizes of the control plane's processes, in bytes */
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StartOptions {
  /** defaults to a fresh temp dir; the CLI uses defaultStateDir() */
  stateDir?: string;
  log?: (line: string) => void;
  /**
   * A process whose death ends the control plane: a detached reaper stops every process
   * and removes the state dir when it exits without calling stop() (a crash, SIGKILL).
   * cluster:up leaves it unset, so the plane outlives the command.
   */
  ownerPid?: number;
  /** remove the state dir when the reaper fires (a temp dir) */
  reapRemovesState?: boolean;
}

export function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local/state');
  return join(base, 'fleetdeck/controlplane');
}

/** Runs build.sh (streams its progress to log) and returns the bin directory. */
export function buildControlPlane(log: (line: string) => void = console.error): Promise<string> {
  return runBuild(join(toolsDir, 'build.sh'), log);
}

/**
 * Runs flux/build.sh (the Flux controllers and CLI from the Go module proxy, cached by
 * version) and returns its cache dir: bin/ (source-, kustomize-, helm-controller, flux) and
 * crds/ (the controllers' upstream CRDs).
 */
export function buildFlux(log: (line: string) => void = console.error): Promise<string> {
  return runBuild(join(toolsDir, 'flux', 'build.sh'), log);
}

/** Running builds (each in its own process group), for killBuilds(). */
const builds = new Set<number>();

/** Ends running build scripts with their go processes (an interrupted test:cluster). */
export function killBuilds(): void {
  for (const pid of builds) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/**
 * Runs operators/fetch.sh (cert-manager, CloudNativePG, prometheus-operator and Argo CD CRDs
 * from their Go modules, cached by version) and returns the directory of CRD files.
 */
export function fetchOperatorCrds(log: (line: string) => void = console.error): Promise<string> {
  return runBuild(join(toolsDir, 'operators', 'fetch.sh'), log);
}

/** The CRD objects in a directory of YAML files. */
async function crdFiles(dir: string): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(dir, f), 'utf8'))) {
      const o = doc.toJSON() as KubeObject | null;
      if (o?.kind === 'CustomResourceDefinition') out.push(o);
    }
  }
  return out;
}

async function runBuild(script: string, log: (line: string) => void): Promise<string> {
  const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) builds.add(child.pid);
  child.on('close', () => builds.delete(child.pid ?? 0));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) log(line);
  });
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? 1)));
  if (code === 3) throw new GoMissingError();
  if (code !== 0) throw new Error(`${script} failed (exit ${code})`);
  const lines = out.trim().split('\n');
  return lines[lines.length - 1];
}

export class GoMissingError extends Error {
  constructor() {
    super('Go is not installed: the real control plane (tools/controlplane/build.sh) cannot be built');
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A key and a certificate signed by the CA, with the given subject and extensions. */
async function issue(dir: string, name: string, subject: string, ext: string[]): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), ext.join('\n') + '\n');
  await openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key',
    // explicit random serials: a shared ca.srl would race between the parallel signings
    '-set_serial', `0x${randomBytes(16).toString('hex')}`,
    '-days', '365', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

async function makeCerts(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '365', '-subj', '/CN=fleetdeck-test-ca']);
  const serving = ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc'];
  const client = ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth'];
  await Promise.all([
    issue(dir, 'apiserver', '/CN=kube-apiserver', serving),
    // kwok serves the kubelet API the apiserver proxies logs through; same SANs
    issue(dir, 'kubelet', '/CN=kwok-kubelet', serving),
    issue(dir, 'admin', '/O=system:masters/CN=fleetdeck-admin', client),
    issue(dir, 'restricted', `/O=fleetdeck:restricted/CN=${RESTRICTED_USER}`, client),
    issue(dir, 'apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', client),
    openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key'])
      .then(() => openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'])),
  ]);
}

async function kubeconfig(certs: string, server: string): Promise<string> {
  const b64 = async (f: string) => (await readFile(join(certs, f))).toString('base64');
  const user = async (name: string, file: string) => ({
    name,
    user: { 'client-certificate-data': await b64(`${file}.crt`), 'client-key-data': await b64(`${file}.key`) },
  });
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'real', cluster: { server, 'certificate-authority-data': await b64('ca.crt') } }],
    users: [await user('real-admin', 'admin'), await user('real-restricted', 'restricted')],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster: 'real', user: 'real-admin' } },
      { name: RESTRICTED_CONTEXT, context: { cluster: 'real', user: 'real-restricted', namespace: 'default' } },
    ],
    'current-context': ADMIN_CONTEXT,
  });
}

/** The directory kwok runs every exec'd command in (ClusterExec "local"). */
export function execDirOf(stateDir: string): string {
  return join(stateDir, 'exec');
}

async function kwokConfig(stateDir: string, podLogFile: string, echoPort: number): Promise<string> {
  const stagesDir = join(toolsDir, 'kwok-stages');
  const stages = await Promise.all((await readdir(stagesDir)).sort().map((f) => readFile(join(stagesDir, f), 'utf8')));
  const clusterLogs = stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name: 'all-pods' },
    spec: { selector: {}, logs: [{ logsFile: podLogFile, follow: true }] },
  });
  // exec: kwok runs the command on this machine, in the state dir's exec/ directory, as the
  // simulated fleet does (a child process per exec, a clean working directory)
  const clusterExec = stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterExec',
    metadata: { name: 'all-pods' },
    spec: { selector: {}, execs: [{ local: { workDir: execDirOf(stateDir), envs: [{ name: 'HOME', value: execDirOf(stateDir) }] } }] },
  });
  // port-forward: every port of every pod dials the echo/HTTP target this harness starts
  const clusterPortForward = stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: 'all-pods' },
    spec: { selector: {}, forwards: [{ target: { address: '127.0.0.1', port: echoPort } }] },
  });
  const file = join(stateDir, 'kwok.yaml');
  await writeFile(file, [...stages, clusterLogs, clusterExec, clusterPortForward].join('\n---\n'));
  return file;
}

function clusterObjects(): object[] {
  const readVerbs = ['get', 'list', 'watch'];
  const allVerbs = [...readVerbs, 'create', 'update', 'patch', 'delete', 'deletecollection'];
  const fluxGroups = [...new Set(crdResources().map((r) => r.group))];
  const namespaced = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'fleetdeck-restricted-namespaced' },
    // RBAC only grants, so "no secrets" means listing every other resource explicitly
    rules: [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec', 'pods/portforward', 'services', 'endpoints', 'configmaps', 'events',
        'persistentvolumeclaims', 'serviceaccounts', 'replicationcontrollers', 'resourcequotas', 'limitranges'], verbs: allVerbs },
      { apiGroups: ['apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'discovery.k8s.io', 'events.k8s.io',
        'coordination.k8s.io', ...fluxGroups], resources: ['*'], verbs: allVerbs },
    ],
  };
  const clusterWide = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'fleetdeck-restricted-cluster' },
    rules: [
      { apiGroups: [''], resources: ['namespaces', 'nodes'], verbs: readVerbs },
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: readVerbs },
      // the cluster-scoped custom kinds (ClusterIssuer…): the sim's restricted user reads them
      // too (it is denied only Secrets and its forbidden namespace)
      ...crdResources().filter((r) => !r.namespaced).map((r) => ({ apiGroups: [r.group], resources: [r.resource], verbs: readVerbs })),
    ],
  };
  const subject = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: RESTRICTED_USER };
  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const node = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
    },
    spec: {},
  });
  return [
    ...RESTRICTED_NAMESPACES.filter((n) => n !== 'default').map(ns),
    ...FAKE_NODES.map(node),
    namespaced,
    clusterWide,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'fleetdeck-restricted-cluster' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterWide.metadata.name },
      subjects: [subject],
    },
    ...RESTRICTED_NAMESPACES.map((namespace) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'fleetdeck-restricted', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: namespaced.metadata.name },
      subjects: [subject],
    })),
  ];
}

/** A detached process with its output in <state>/logs/<name>.log and its pid in <state>/pids/<name>.pid. */
async function launch(stateDir: string, name: string, cmd: string, args: string[], cwd = stateDir, env?: Record<string, string>): Promise<number> {
  const out = await open(join(stateDir, 'logs', `${name}.log`), 'a');
  const child = spawn(cmd, args, {
    detached: true, stdio: ['ignore', out.fd, out.fd], cwd,
    env: { ...process.env, ...env, FLEETDECK_CONTROLPLANE_STATE: stateDir },
  });
  await out.close();
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  child.unref();
  await writeFile(join(stateDir, 'pids', `${name}.pid`), String(child.pid));
  return child.pid;
}

/**
 * Whether pid is a live (not zombie) process started for this state dir (its command line
 * or, for the Flux controllers, which take the kubeconfig from KUBECONFIG, its environment
 * names the dir); guards against reused pids.
 */
export function ours(pid: number, stateDir: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stateDir)) return true;
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FLEETDECK_CONTROLPLANE_STATE=${stateDir}`);
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, stateDir: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (${String(last ?? '')}); logs in ${join(stateDir, 'logs')}`);
}

function httpsGet(url: string, certs: string, ca: Buffer, cert: Buffer, key: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request(url, { ca, cert, key, timeout: 2000 }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => (body += d.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url} (${certs})`)));
    req.end();
  });
}

/** The CRI-format file every pod's containers log from, in a control plane's state dir. */
export function podLogFileOf(stateDir: string): string {
  return join(stateDir, 'pod-logs', 'containers.log');
}

/** Appends one stdout line, in CRI format, to a kwok log file. */
export async function appendPodLogLine(file: string, text: string): Promise<void> {
  await appendFile(file, criLine(text));
}

function criLine(text: string): string {
  // CRI log format: RFC3339Nano timestamp, stream, tag (F = full line), text
  const ts = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  return `${ts} stdout F ${text}\n`;
}

export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const binDir = await buildControlPlane(log);
  const fluxDir = await buildFlux(log);
  const operatorCrdDir = await fetchOperatorCrds(log);
  const fluxBinDir = join(fluxDir, 'bin');
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'fleetdeck-cp-'));
  await stopControlPlane(stateDir);
  await rm(stateDir, { recursive: true, force: true });
  for (const d of ['certs', 'logs', 'pids', 'etcd', 'pod-logs', 'exec', 'flux-storage']) await mkdir(join(stateDir, d), { recursive: true, mode: 0o700 });
  if (opts.ownerPid !== undefined) await startReaper(stateDir, opts.ownerPid, opts.reapRemovesState ?? false);
  const certs = join(stateDir, 'certs');
  const bin = (b: string) => join(binDir, b);
  const t0 = Date.now();
  try {
    return await boot();
  } catch (err) {
    await stopControlPlane(stateDir);
    throw err;
  }

  async function boot(): Promise<ControlPlane> {
    const [etcdClient, etcdPeer, apiPort, kubeletPort, echoPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    await makeCerts(certs);
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigPath = join(stateDir, 'kubeconfig');
    await writeFile(kubeconfigPath, await kubeconfig(certs, server), { mode: 0o600 });
    const podLogFile = podLogFileOf(stateDir);
    await writeFile(podLogFile, criLine('fleetdeck control plane: container started'));
    const c = (f: string) => join(certs, f);
    log(`starting etcd on 127.0.0.1:${etcdClient}`);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    await launch(stateDir, 'etcd', bin('etcd'), [
      '--name=default', `--data-dir=${join(stateDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // a throwaway test store on a shared machine: durability is not worth the fsyncs
      '--unsafe-no-fsync', '--log-level=warn',
    ]);
    await waitFor('etcd /health', async () => {
      const r = await fetch(`${etcdUrl}/health`);
      return r.ok ? true : undefined;
    }, 30_000, stateDir);
    log(`starting kube-apiserver on ${server}`);
    await launch(stateDir, 'kube-apiserver', bin('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--cert-dir=${certs}`, `--tls-cert-file=${c('apiserver.crt')}`, `--tls-private-key-file=${c('apiserver.key')}`,
      `--client-ca-file=${c('ca.crt')}`,
      `--service-account-key-file=${c('sa.pub')}`, `--service-account-signing-key-file=${c('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=Node,RBAC',
      // logs and exec go apiserver → kwok's kubelet endpoint (node InternalIP 127.0.0.1)
      `--kubelet-certificate-authority=${c('ca.crt')}`,
      `--kubelet-client-certificate=${c('apiserver-kubelet-client.crt')}`,
      `--kubelet-client-key=${c('apiserver-kubelet-client.key')}`,
      '--kubelet-preferred-address-types=InternalIP',
      // endpoints may not hold a loopback address, so the `kubernetes` service gets none
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
      '--v=0',
    ]);
    const ca = await readFile(c('ca.crt'));
    const adminCert = await readFile(c('admin.crt'));
    const adminKey = await readFile(c('admin.key'));
    await waitFor('kube-apiserver /readyz', async () => {
      const r = await httpsGet(`${server}/readyz`, certs, ca, adminCert, adminKey);
      return r.status === 200 ? true : undefined;
    }, 60_000, stateDir);
    log(`kube-apiserver ready after ${Date.now() - t0}ms; starting controller-manager, scheduler, kwok`);
    await launch(stateDir, 'kube-controller-manager', bin('kube-controller-manager'), [
      `--kubeconfig=${kubeconfigPath}`, '--leader-elect=false', '--secure-port=0', '--bind-address=127.0.0.1',
      `--service-account-private-key-file=${c('sa.key')}`, `--root-ca-file=${c('ca.crt')}`,
      `--cluster-signing-cert-file=${c('ca.crt')}`, `--cluster-signing-key-file=${c('ca.key')}`,
      '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller',
      '--v=0',
    ]);
    await launch(stateDir, 'kube-scheduler', bin('kube-scheduler'), [
      `--kubeconfig=${kubeconfigPath}`, '--leader-elect=false', '--secure-port=0', '--bind-address=127.0.0.1', '--v=0',
    ]);
    // the target of every forwarded port (kwok ClusterPortForward)
    await launch(stateDir, 'echo-target', process.execPath, ['--import', 'tsx', join(here, 'echo-target.ts'), `--port=${echoPort}`, `--state=${stateDir}`], repoRoot);
    await launch(stateDir, 'kwok', bin('kwok'), [
      `--kubeconfig=${kubeconfigPath}`, `--config=${await kwokConfig(stateDir, podLogFile, echoPort)}`,
      '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=127.0.0.1', `--node-port=${kubeletPort}`, `--server-address=127.0.0.1:${kubeletPort}`,
      `--tls-cert-file=${c('kubelet.crt')}`, `--tls-private-key-file=${c('kubelet.key')}`,
      '--cidr=10.244.0.1/16',
    ]);
    const kubectl = kubectlOn(kubeconfigPath);
    const must = async (args: string[], input?: string) => {
      const r = await kubectl(args, { input });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r;
    };
    // upstream CRDs: Flux's from the controllers' own modules (config/crd/bases), the
    // operators' from theirs (no operator runs: tests write their status through /status);
    // fleetdeck's own definitions (src/sim/resources.ts) only for kinds with no upstream source here
    const upstream = await crdFiles(operatorCrdDir);
    const have = new Set(upstream.map((c) => c.metadata.name));
    const crds = crdResources().filter((r) => !isFluxGroup(r.group) && !have.has(`${r.resource}.${r.group}`)).map((r) => crdManifest(r));
    const objects = [...crds, ...clusterObjects()].map((o) => stringify(o)).join('---\n');
    await must(['apply', '--server-side', '-f', '-'], objects);
    await must(['apply', '--server-side', '--force-conflicts', '-f', join(fluxDir, 'crds'), '-f', operatorCrdDir]);
    await must(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    await must(['wait', '--for=condition=Ready', '--timeout=60s', ...FAKE_NODES.map((n) => `node/${n}`)]);
    await must(['wait', '--for=create', '--timeout=60s', '-n', 'default', 'serviceaccount/default']);
    const sources = await startSources(stateDir, log);
    const testGitUrl = gitUrl(sources, TEST_REPO);
    await createRepo(sources, TEST_REPO, testRepoFiles());
    await startFluxControllers(stateDir, fluxBinDir, kubeconfigPath, log);
    const startupMs = Date.now() - t0;
    log(`control plane up in ${startupMs}ms (state: ${stateDir})`);
    return {
      stateDir, binDir, kubeconfigPath, server, podLogFile, startupMs, sources, testGitUrl, fluxBinDir,
      adminContext: ADMIN_CONTEXT,
      restrictedContext: RESTRICTED_CONTEXT,
      appendPodLog: (text) => appendPodLogLine(podLogFile, text),
      kubectl,
      rssBytes: () => rssOf(stateDir),
      stop: () => stopControlPlane(stateDir),
    };
  }
}

/** kubectl on a kubeconfig, in `defaultContext` unless a call names another; stdin from `input`. */
export function kubectlOn(kubeconfigPath: string, defaultContext = ADMIN_CONTEXT) {
  return (args: string[], opts: { context?: string; input?: string } = {}): Promise<KubectlResult> =>
    new Promise((res, rej) => {
      const child = spawn('kubectl', [`--kubeconfig=${kubeconfigPath}`, `--context=${opts.context ?? defaultContext}`, ...args]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', rej);
      child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(opts.input ?? '');
    });
}

async function pids(stateDir: string): Promise<Map<string, number>> {
  const dir = join(stateDir, 'pids');
  const out = new Map<string, number>();
  if (!existsSync(dir)) return out;
  for (const f of await readdir(dir)) {
    const pid = Number((await readFile(join(dir, f), 'utf8')).trim());
    if (pid > 0) out.set(f.replace(/\.pid$/, ''), pid);
  }
  return out;
}

async function rssOf(stateDir: string): Promise<number> {
  let total = 0;
  for (const pid of (await pids(stateDir)).values()) {
    if (!ours(pid, stateDir)) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = /VmRSS:\s+(\d+)/.exec(status);
    if (kb) total += Number(kb[1]) * 1024;
  }
  return total;
}

/** The default test repository's name (served at <sources>/git/test.git). */
export const TEST_REPO = 'test';

/** Starts git-server.ts on a free loopback port; writes its base URL to <state>/sources-url. */
async function startSources(stateDir: string, log: (line: string) => void): Promise<SourceLayout> {
  const port = await freePort();
  const layout = sourceLayout(stateDir, `http://127.0.0.1:${port}`);
  await mkdir(layout.gitRoot, { recursive: true });
  await mkdir(layout.chartsDir, { recursive: true });
  log(`starting the fixture Git/Helm server on ${layout.baseUrl}`);
  await launch(stateDir, 'flux-sources', process.execPath, [
    '--import', 'tsx', join(here, 'git-server.ts'), `--port=${port}`, `--git-root=${layout.gitRoot}`, `--charts=${layout.chartsDir}`,
  ], repoRoot); // where node resolves the tsx loader from
  // any HTTP answer means it listens (tsx compiles it first: slow on a busy machine)
  await waitFor('the fixture source server', async () => ((await fetch(`${layout.baseUrl}/charts/index.yaml`)).status > 0 ? true : undefined), 90_000, stateDir);
  await writeFile(join(stateDir, 'sources-url'), layout.baseUrl + '\n');
  return layout;
}

/**
 * Starts source-, kustomize- and helm-controller out-of-cluster: KUBECONFIG from the
 * environment (they register no --kubeconfig flag), leader election off, metrics, health and
 * artifact storage on free 127.0.0.1 ports, artifacts under <state>/flux-storage. Resolves
 * once each health endpoint answers /readyz (objects are reconciled from then on; tests wait
 * on conditions, as with a real cluster).
 */
async function startFluxControllers(stateDir: string, fluxBinDir: string, kubeconfigPath: string, log: (line: string) => void): Promise<void> {
  const env = { KUBECONFIG: kubeconfigPath, RUNTIME_NAMESPACE: 'flux-system' };
  const common = ['--watch-all-namespaces', '--enable-leader-election=false', '--log-encoding=console'];
  const [storage, ...ports] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const ctrl = (i: number) => ({ metrics: ports[2 * i], health: ports[2 * i + 1] });
  const specs: [string, string[]][] = [
    ['source-controller', [`--storage-path=${join(stateDir, 'flux-storage')}`, `--storage-addr=127.0.0.1:${storage}`, `--storage-adv-addr=127.0.0.1:${storage}`]],
    ['kustomize-controller', []],
    ['helm-controller', []],
  ];
  log(`starting ${specs.map(([n]) => n).join(', ')}`);
  await Promise.all(specs.map(async ([name, extra], i) => {
    const { metrics, health } = ctrl(i);
    await launch(stateDir, name, join(fluxBinDir, name), [
      ...common, ...extra, `--metrics-addr=127.0.0.1:${metrics}`, `--health-addr=127.0.0.1:${health}`,
    ], stateDir, env);
    await waitFor(`${name} /readyz`, async () => ((await fetch(`http://127.0.0.1:${health}/readyz`)).ok ? true : undefined), 60_000, stateDir);
  }));
}

/**
 * A detached process that waits for ownerPid to exit and then stops this control plane
 * (and removes its state dir if asked): the cleanup for a crash or a SIGKILL of the process
 * that started it. stop() ends the reaper first.
 */
async function startReaper(stateDir: string, ownerPid: number, removeState: boolean): Promise<void> {
  await launch(stateDir, 'reaper', process.execPath, [
    '--import', 'tsx', join(here, 'reaper.ts'), `--owner=${ownerPid}`, `--state=${stateDir}`, ...(removeState ? ['--remove'] : []),
  ], repoRoot);
}

/** Ends the processes named by the state dir's pid files: TERM, then KILL after 5s. */
export async function stopControlPlane(stateDir: string, opts: { keep?: number; keepReaper?: boolean } = {}): Promise<void> {
  // the reaper first (it would stop the plane a second time); dependents next, etcd last,
  // so the apiserver does not spin on a lost store
  const order = ['reaper', 'helm-controller', 'kustomize-controller', 'source-controller', 'flux-sources', 'echo-target',
    'kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];
  const all = await pids(stateDir);
  const names = [...all.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const name of names) {
    const pid = all.get(name)!;
    if (pid === opts.keep || (opts.keepReaper && name === 'reaper')) continue;
    if (ours(pid, stateDir)) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (ours(pid, stateDir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (ours(pid, stateDir)) process.kill(pid, 'SIGKILL');
    }
    await rm(join(stateDir, 'pids', `${name}.pid`), { force: true });
  }
}
