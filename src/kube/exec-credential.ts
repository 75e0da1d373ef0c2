// Exec credential plugins as client-go runs them (k8s.io/client-go/plugin/pkg/client/auth/exec):
// KUBERNETES_EXEC_INFO with the ExecCredential request (the cluster's connection details when
// `provideClusterInfo: true`, whether the session is interactive), interactiveMode
// (Never / IfAvailable / Always), the plugin's `env`, the answer checked (kind, apiVersion,
// status with a token or a certificate/key pair), cached until its expirationTimestamp and
// dropped on a 401, and client-go's messages word for word: a missing plugin's with the
// installHint, a failing one's exit code. client-node's ExecAuth sets no KUBERNETES_EXEC_INFO,
// ignores interactiveMode and reports a missing plugin as `spawn X ENOENT`, hence this.
import { readFileSync } from 'node:fs';
import type { Cluster } from '@kubernetes/client-node';

/** The `exec:` mapping of a kubeconfig user, as written (client-go's api.ExecConfig). */
export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

/** What a plugin gave: a bearer token and/or a client certificate and key (PEM). */
export interface ExecCredential {
  token?: string;
  cert?: string;
  key?: string;
  /** epoch ms; undefined: valid until a 401 */
  expiresAt?: number;
}

/** The cluster fields client-go passes to a plugin (clientauthentication Cluster). */
export interface ExecClusterInfo {
  server: string;
  tlsServerName?: string;
  insecureSkipTLSVerify?: boolean;
  /** the CA bundle bytes (PEM) */
  caData?: Buffer;
  proxyUrl?: string;
  disableCompression?: boolean;
  /** users[].exec cluster extension `client.authentication.k8s.io/exec`, passed through */
  config?: unknown;
}

export class ExecPluginError extends Error {
  constructor(
    message: string,
    /** the plugin's last stderr line, when it failed (kubectl shows its stderr as it comes) */
    readonly stderr?: string,
  ) {
    super(message);
    this.name = 'ExecPluginError';
  }
}

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** client-go's installHintVerboseHelp, shown after "executable X not found". */
const INSTALL_HELP = `

It looks like you are trying to use a client-go credential plugin that is not installed.

To learn more about this feature, consult the documentation available at:
      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins`;

/** The cluster info a plugin gets, from a kubeconfig cluster (CA file read as client-go does). */
export function clusterInfoOf(cluster: Cluster, extension?: unknown): ExecClusterInfo {
  let caData: Buffer | undefined;
  if (cluster.caData) caData = Buffer.from(cluster.caData, 'base64');
  else if (cluster.caFile) caData = readFileSync(cluster.caFile);
  return {
    server: cluster.server,
    tlsServerName: cluster.tlsServerName,
    // http:// servers are marked skipTLSVerify by our loader; the plugin sees what was written
    insecureSkipTLSVerify: cluster.skipTLSVerify && !cluster.server.startsWith('http:') ? true : undefined,
    caData,
    proxyUrl: cluster.proxyUrl,
    config: extension,
  };
}

/**
 * The KUBERNETES_EXEC_INFO value, byte for byte as client-go marshals it: `kind`, `apiVersion`,
 * `spec.cluster` (only with provideClusterInfo; omitempty fields left out, `config` null when
 * absent), `spec.interactive`.
 */
export function execInfo(apiVersion: string, interactive: boolean, cluster?: ExecClusterInfo): string {
  const spec: Record<string, unknown> = {};
  if (cluster) {
    const c: Record<string, unknown> = { server: cluster.server };
    if (cluster.tlsServerName) c['tls-server-name'] = cluster.tlsServerName;
    if (cluster.insecureSkipTLSVerify) c['insecure-skip-tls-verify'] = true;
    if (cluster.caData && cluster.caData.length > 0) c['certificate-authority-data'] = cluster.caData.toString('base64');
    if (cluster.proxyUrl) c['proxy-url'] = cluster.proxyUrl;
    if (cluster.disableCompression) c['disable-compression'] = true;
    c.config = cluster.config ?? null;
    spec.cluster = c;
  }
  spec.interactive = interactive;
  // apimachinery's JSON serializer ends what it encodes with a newline
  return `${JSON.stringify({ kind: 'ExecCredential', apiVersion, spec })}\n`;
}

export interface ExecRunOptions {
  /** standard input is a terminal the plugin may use (client-go: term.IsTerminal(stdin)) */
  stdinIsTerminal: boolean;
  /** a full-screen UI owns the terminal: never interactive, the plugin's stderr captured */
  tuiOwnsTerminal?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** where the plugin's stderr is passed on when no full-screen UI owns the terminal (default process.stderr) */
  stderr?: { write(s: string): unknown };
}

/** Runs one plugin and caches its credential (one ExecCredentialSource per kubeconfig user). */
export class ExecCredentialSource {
  private cached: ExecCredential | undefined;
  private running: Promise<ExecCredential> | undefined;

  constructor(
    private readonly exec: ExecConfig,
    private readonly cluster: ExecClusterInfo | undefined,
    private readonly opts: ExecRunOptions,
  ) {}

  /** The cached credential while it is valid, else the plugin's (one run at a time). */
  async get(): Promise<ExecCredential> {
    const now = (this.opts.now ?? Date.now)();
    if (this.cached && (this.cached.expiresAt === undefined || this.cached.expiresAt > now)) return this.cached;
    this.running ??= this.run().finally(() => (this.running = undefined));
    this.cached = await this.running;
    return this.cached;
  }

  /** A 401 with this credential: the next get() runs the plugin again (client-go does). */
  invalidate(used?: ExecCredential): void {
    if (used === undefined || used === this.cached) this.cached = undefined;
  }

  private interactive(): boolean {
    const mode = this.exec.interactiveMode ?? 'IfAvailable';
    const terminal = this.opts.stdinIsTerminal && !this.opts.tuiOwnsTerminal;
    if (mode === 'Never') return false;
    if (mode === 'Always' && !terminal) throw new ExecPluginError('exec plugin cannot support interactive mode: standard input is not a terminal');
    return terminal;
  }

  private run(): Promise<ExecCredential> {
    const { command } = this.exec;
    const apiVersion = this.exec.apiVersion ?? '';
    if (!API_VERSIONS.includes(apiVersion)) return Promise.reject(new ExecPluginError(`exec plugin: invalid apiVersion "${apiVersion}"`));
    let interactive: boolean;
    try {
      interactive = this.interactive();
    } catch (e) {
      return Promise.reject(e);
    }
    const env: NodeJS.ProcessEnv = { ...(this.opts.env ?? process.env) };
    for (const e of this.exec.env ?? []) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = execInfo(apiVersion, interactive, this.exec.provideClusterInfo ? this.cluster : undefined);
    // client-go: the plugin's stderr is the user's; stdin only when interactive
    const passStderr = !this.opts.tuiOwnsTerminal;
    // loaded with the first plugin run: most contexts have none, and `logs` starts without it
    return import('node:child_process').then(({ spawn }) => new Promise<ExecCredential>((resolve, reject) => {
      const child = spawn(command, this.exec.args ?? [], { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        err = (err + d).slice(-2000);
        if (passStderr) (this.opts.stderr ?? process.stderr).write(d);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'EACCES')
          reject(new ExecPluginError(`exec: executable ${command} not found${INSTALL_HELP}${this.exec.installHint ? `\n\n${this.exec.installHint}` : ''}`));
        else reject(new ExecPluginError(`exec: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        if (code !== 0) {
          reject(new ExecPluginError(`exec: executable ${command} failed with exit code ${code ?? (signal ? -1 : 1)}`, err.trim().split('\n').pop() || undefined));
          return;
        }
        try {
          resolve(parseCredential(out, apiVersion));
        } catch (e) {
          reject(e);
        }
      });
    }));
  }
}

/** Checks a plugin's stdout as client-go does and returns the credential. */
export function parseCredential(stdout: string, apiVersion: string): ExecCredential {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch {
    throw new ExecPluginError('decoding stdout: couldn\'t get version/kind; json parse error');
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as { kind?: unknown; apiVersion?: unknown; status?: Record<string, unknown> };
  if (o.apiVersion !== apiVersion || o.kind !== 'ExecCredential')
    throw new ExecPluginError(`exec plugin is configured to use API version ${apiVersion}, plugin returned version ${typeof o.apiVersion === 'string' ? o.apiVersion : ''}`);
  const s = o.status;
  if (!s || typeof s !== 'object') throw new ExecPluginError('exec plugin didn\'t return a status field');
  const str = (k: string): string | undefined => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : undefined);
  const token = str('token');
  const cert = str('clientCertificateData');
  const key = str('clientKeyData');
  if (!token && !cert && !key) throw new ExecPluginError('exec plugin didn\'t return a token or cert/key pair');
  if (Boolean(cert) !== Boolean(key)) throw new ExecPluginError('exec plugin returned only certificate or key, not both');
  const exp = str('expirationTimestamp');
  const expiresAt = exp ? Date.parse(exp) : undefined;
  return { token, cert, key, expiresAt: Number.isFinite(expiresAt) ? expiresAt : undefined };
}
