// Kubeconfig loading exactly as kubectl does it (client-go's ClientConfigLoadingRules):
// --kubeconfig PATH, else every file in KUBECONFIG (merged: the first file wins for each
// cluster/user/context name and for current-context; missing files are skipped), else
// ~/.kube/config. We parse the YAML ourselves because client-node's loader throws on
// duplicate names and lets the last file's current-context win.
import { existsSync, readFileSync } from 'node:fs';
import { homeDir } from '../platform/xdg.js';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';

/**
 * client-node, loaded on first use: importing it takes ~1 s (its whole generated API), and
 * only credentials (exec plugins, auth providers) need it, so the screen paints first.
 */
let clientNodeModule: Promise<typeof import('@kubernetes/client-node')> | undefined;
export function clientNode(): Promise<typeof import('@kubernetes/client-node')> {
  return (clientNodeModule ??= import('@kubernetes/client-node'));
}

export class KubeconfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

type Raw = Record<string, unknown>;

export interface NamedEntry {
  name: string;
  /** the `cluster:` / `user:` / `context:` mapping as written */
  value: Raw;
  /** the file the entry came from (relative paths in it resolve against its directory) */
  file: string;
}

/** The merged kubeconfig: entries keep their file so relative paths stay correct. */
export interface MergedKubeconfig {
  files: string[];
  clusters: Map<string, NamedEntry>;
  users: Map<string, NamedEntry>;
  contexts: Map<string, NamedEntry>;
  currentContext?: string;
}

export interface LoadOptions {
  /** --kubeconfig: a single file that must exist */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The files kubectl would read, in precedence order, and whether a missing one is fatal. */
export function kubeconfigFiles(opts: LoadOptions = {}): { files: string[]; explicit: boolean } {
  if (opts.kubeconfig) return { files: [opts.kubeconfig], explicit: true };
  const env = opts.env ?? process.env;
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (list.length > 0) return { files: [...new Set(list)], explicit: false };
  const home = opts.home ?? homeDir(env);
  if (!home) throw new KubeconfigError('no kubeconfig: HOME is unset and this user has no home directory, so ~/.kube/config does not exist; pass --kubeconfig FILE or set KUBECONFIG');
  return { files: [path.join(home, '.kube', 'config')], explicit: false };
}

const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseFile(file: string, text: string): Raw {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'unknown position';
    throw new KubeconfigError(`${file}: invalid YAML at ${where}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, file);
  }
  const v: unknown = doc.toJS();
  if (v === null || v === undefined) return {};
  if (!isMap(v)) throw new KubeconfigError(`${file}: not a kubeconfig (the top level is not a mapping)`, file);
  return v;
}

const sections = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

function entries(file: string, cfg: Raw, list: string, inner: string): NamedEntry[] {
  const v = cfg[list];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KubeconfigError(`${file}: "${list}" must be a list`, file);
  return v.map((item: unknown, i) => {
    if (!isMap(item) || typeof item.name !== 'string' || item.name === '')
      throw new KubeconfigError(`${file}: ${list}[${i}] has no name`, file);
    const value = item[inner] ?? {};
    if (!isMap(value)) throw new KubeconfigError(`${file}: ${list}[${i}] ("${item.name}"): "${inner}" must be a mapping`, file);
    return { name: item.name, value, file };
  });
}

/** Merges parsed files in precedence order: first wins for each name and for current-context. */
export function mergeKubeconfigs(parsed: { file: string; config: Raw }[]): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const { file, config } of parsed) {
    merged.files.push(file);
    for (const [list, inner] of sections) {
      const target = merged[list];
      for (const e of entries(file, config, list, inner)) if (!target.has(e.name)) target.set(e.name, e);
    }
    const cur = config['current-context'];
    if (merged.currentContext === undefined && typeof cur === 'string' && cur !== '') merged.currentContext = cur;
  }
  return merged;
}

export function loadKubeconfig(opts: LoadOptions = {}): MergedKubeconfig {
  const { files, explicit } = kubeconfigFiles(opts);
  const parsed: { file: string; config: Raw }[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) throw new KubeconfigError(`${file}: kubeconfig file not found`, file);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new KubeconfigError(`${file}: cannot read kubeconfig: ${(e as Error).message}`, file);
    }
    parsed.push({ file: path.resolve(file), config: parseFile(file, text) });
  }
  const merged = mergeKubeconfigs(parsed);
  if (merged.files.length === 0) merged.files.push(...files);
  return merged;
}

// Fields that hold file paths, resolved against the directory of the file they came from
// (client-go's ResolveLocalPaths).
const pathFields: Record<string, string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile', 'token-file'],
};

function resolvePath(e: NamedEntry, key: string): string | undefined {
  const v = e.value[key];
  if (typeof v !== 'string' || v === '') return undefined;
  return path.isAbsolute(v) ? v : path.resolve(path.dirname(e.file), v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function toCluster(e: NamedEntry): Cluster {
  const v = e.value;
  const server = str(v.server);
  if (!server) throw new KubeconfigError(`${e.file}: cluster "${e.name}" has no server`, e.file);
  return {
    name: e.name,
    server: server.replace(/\/$/, ''),
    caData: str(v['certificate-authority-data']),
    caFile: resolvePath(e, pathFields.cluster[0]),
    // kubectl talks plain HTTP to an http:// server; client-node refuses it unless TLS
    // verification is off, which means nothing without TLS
    skipTLSVerify: v['insecure-skip-tls-verify'] === true || server.startsWith('http:'),
    tlsServerName: str(v['tls-server-name']),
    proxyUrl: str(v['proxy-url']),
  };
}

function toUser(e: NamedEntry): User {
  const v = e.value;
  const tokenFile = resolvePath(e, 'tokenFile') ?? resolvePath(e, 'token-file');
  let token = str(v.token);
  if (!token && tokenFile) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new KubeconfigError(`${e.file}: user "${e.name}": cannot read token file ${tokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, e.file);
    }
  }
  let exec = isMap(v.exec) ? { ...v.exec } : undefined;
  // A command with a path separator is relative to the kubeconfig's directory (client-go).
  if (exec && typeof exec.command === 'string' && exec.command.includes('/') && !path.isAbsolute(exec.command))
    exec = { ...exec, command: path.resolve(path.dirname(e.file), exec.command) };
  return {
    name: e.name,
    certData: str(v['client-certificate-data']),
    certFile: resolvePath(e, 'client-certificate'),
    keyData: str(v['client-key-data']),
    keyFile: resolvePath(e, 'client-key'),
    token,
    exec,
    authProvider: isMap(v['auth-provider']) ? v['auth-provider'] : undefined,
    username: str(v.username),
    password: str(v.password),
    impersonateUser: str(v.as),
  };
}

/** What a context needs to talk to its cluster. */
export interface ContextConfig {
  name: string;
  namespace?: string;
  cluster: Cluster;
  user: User;
  /** the cluster's `extensions` entry `client.authentication.k8s.io/exec`, handed to exec
   * plugins with provideClusterInfo (client-go's Cluster.Config) */
  execExtension?: unknown;
  /** a KubeConfig holding only this context, current (client-node reads the current context
   * per call); built on first call, when client-node is loaded */
  kc(): Promise<KubeConfig>;
}

export function contextConfig(merged: MergedKubeconfig, name: string): ContextConfig {
  const c = merged.contexts.get(name);
  if (!c) throw new KubeconfigError(`context "${name}" not found in ${merged.files.join(', ')}`);
  const clusterName = str(c.value.cluster);
  const userName = str(c.value.user);
  const ce = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!ce) throw new KubeconfigError(`${c.file}: context "${name}" refers to cluster "${clusterName ?? ''}", which is not defined`, c.file);
  const ue = userName ? merged.users.get(userName) : undefined;
  // kubectl allows a context without a user (anonymous); an unknown user name is an error.
  if (userName && !ue) throw new KubeconfigError(`${c.file}: context "${name}" refers to user "${userName}", which is not defined`, c.file);
  const cluster = toCluster(ce);
  const user = ue ? toUser(ue) : { name: '' };
  const context: Context = { name, cluster: cluster.name, user: user.name, namespace: str(c.value.namespace) };
  let kc: Promise<KubeConfig> | undefined;
  const load = async (): Promise<KubeConfig> => {
    const k = new (await clientNode()).KubeConfig();
    k.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: name });
    return k;
  };
  const ext = Array.isArray(ce.value.extensions)
    ? (ce.value.extensions as unknown[]).find((x): x is Raw => isMap(x) && x.name === 'client.authentication.k8s.io/exec')?.extension
    : undefined;
  return { name, namespace: context.namespace, cluster, user, execExtension: ext, kc: () => (kc ??= load()) };
}

export function contextNames(merged: MergedKubeconfig): string[] {
  return [...merged.contexts.keys()];
}
