// Fixture sources for the real Flux controllers: bare Git repositories the tests commit and
// push to, and static Helm repositories of charts packaged here (no helm CLI). Both live in
// the control plane's state dir and are served by git-server.ts:
//   <state>/git/<repo>.git      → http://127.0.0.1:PORT/git/<repo>.git
//   <state>/charts/<repo>/       → http://127.0.0.1:PORT/charts/<repo>/  (index.yaml + *.tgz)
// Plus the demo-like fixture fleet `cluster:up` applies (fixtureFleet).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';

const run = promisify(execFile);

/** Where a control plane's fixture sources live, and the URL they are served at. */
export interface SourceLayout {
  /** bare repositories, <name>.git */
  gitRoot: string;
  /** one directory per Helm repository */
  chartsDir: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
}

export function sourceLayout(stateDir: string, baseUrl: string): SourceLayout {
  return { gitRoot: join(stateDir, 'git'), chartsDir: join(stateDir, 'charts'), baseUrl };
}

/** The layout of a running control plane, from the URL file the harness writes. */
export async function readSourceLayout(stateDir: string): Promise<SourceLayout> {
  const baseUrl = (await readFile(join(stateDir, 'sources-url'), 'utf8')).trim();
  return sourceLayout(stateDir, baseUrl);
}

export const gitUrl = (l: SourceLayout, repo: string) => `${l.baseUrl}/git/${repo}.git`;
export const helmUrl = (l: SourceLayout, repo: string) => `${l.baseUrl}/charts/${repo}/`;

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'fleetdeck tests', GIT_AUTHOR_EMAIL: 'tests@fleetdeck.invalid',
  GIT_COMMITTER_NAME: 'fleetdeck tests', GIT_COMMITTER_EMAIL: 'tests@fleetdeck.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
};

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, ...GIT_ENV, HOME: cwd } });
  return stdout.trim();
}

/** File contents by path in the repository; null deletes the file. */
export type RepoFiles = Record<string, string | null>;

/** The working clone of a fixture repository (one per repository; commits are pushed to the bare one). */
const workDir = (l: SourceLayout, repo: string) => join(dirname(l.gitRoot), 'git-work', repo);

/**
 * Creates the bare repository <repo>.git on branch main with one commit of `files`.
 * Returns the revision source-controller reports for it: `main@sha1:<commit>`.
 */
export async function createRepo(l: SourceLayout, repo: string, files: RepoFiles): Promise<string> {
  const bare = join(l.gitRoot, `${repo}.git`);
  if (existsSync(bare)) throw new Error(`fixture repository ${repo} exists`);
  await mkdir(l.gitRoot, { recursive: true });
  await run('git', ['init', '--bare', '-q', '-b', 'main', bare]);
  const work = workDir(l, repo);
  await mkdir(work, { recursive: true });
  await git(work, ['init', '-q', '-b', 'main']);
  await git(work, ['remote', 'add', 'origin', bare]);
  return commit(l, repo, files, 'initial fixture');
}

/**
 * Writes (or deletes) files in the repository, commits and pushes; returns
 * `main@sha1:<commit>`. `replaceDirs` are emptied first (a path gets exactly its new files).
 */
export async function commit(l: SourceLayout, repo: string, files: RepoFiles, message = 'fixture change', replaceDirs: string[] = []): Promise<string> {
  const work = workDir(l, repo);
  for (const d of replaceDirs) await rm(join(work, d), { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    const file = join(work, path);
    if (text === null) await rm(file, { force: true });
    else {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
    }
  }
  await git(work, ['add', '-A']);
  await git(work, ['commit', '-q', '--allow-empty', '-m', message]);
  await git(work, ['push', '-q', 'origin', 'main']);
  return `main@sha1:${await git(work, ['rev-parse', 'HEAD'])}`;
}

/** YAML documents for a repository file. */
export const manifests = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

export interface ChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  /** templates/<file> → text (Helm templates) */
  templates: Record<string, string>;
  values?: Record<string, unknown>;
}

/**
 * Packages a chart as `helm package` lays it out (<name>/Chart.yaml, values.yaml,
 * templates/) into <chartsDir>/<repo>/<name>-<version>.tgz and rewrites that repository's
 * index.yaml (digest = sha256 of the tgz; URLs relative, as `helm repo index` writes them).
 */
export async function publishChart(l: SourceLayout, repo: string, chart: ChartSpec): Promise<void> {
  const dir = join(l.chartsDir, repo);
  const build = join(dir, '.build', `${chart.name}-${chart.version}`);
  const root = join(build, chart.name);
  await mkdir(join(root, 'templates'), { recursive: true });
  const meta = { apiVersion: 'v2', name: chart.name, version: chart.version, appVersion: chart.appVersion ?? chart.version, type: 'application' };
  await writeFile(join(root, 'Chart.yaml'), stringify(meta));
  await writeFile(join(root, 'values.yaml'), stringify(chart.values ?? {}));
  for (const [file, text] of Object.entries(chart.templates)) await writeFile(join(root, 'templates', file), text);
  const tgz = `${chart.name}-${chart.version}.tgz`;
  await run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=2026-01-01', '-czf', join(dir, tgz), chart.name], { cwd: build });
  await rm(build, { recursive: true, force: true });
  await writeIndex(dir);
}

async function writeIndex(dir: string): Promise<void> {
  const entries: Record<string, object[]> = {};
  const now = new Date().toISOString();
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.tgz')).sort()) {
    const m = /^(.+)-(\d+\.\d+\.\d+.*)\.tgz$/.exec(f);
    if (!m) continue;
    const data = await readFile(join(dir, f));
    const { stdout } = await run('tar', ['-xzOf', join(dir, f), `${m[1]}/Chart.yaml`]);
    const meta = parse(stdout) as Record<string, unknown>;
    (entries[m[1]] ??= []).unshift({ ...meta, created: now, digest: createHash('sha256').update(data).digest('hex'), urls: [f] });
  }
  const tmp = join(dir, `.index-${process.pid}.yaml`);
  await writeFile(tmp, stringify({ apiVersion: 'v1', entries, generated: now }));
  await rename(tmp, join(dir, 'index.yaml'));
}

// ---------------------------------------------------------------------------------------
// The fixture content

/** A path of the test repository that builds to no objects (a file kustomize ignores keeps it in Git). */
export const EMPTY_PATH = 'apps';
/** A path whose kustomize build fails: its kustomization.yaml names a file that is not there. */
export const BROKEN_PATH = 'broken';

/** The file a broken path's kustomization.yaml names and does not have. */
export const MISSING_RESOURCE = 'missing.yaml';

/** The broken path's files. */
export const brokenFiles = (path = BROKEN_PATH): RepoFiles => ({
  [`${path}/kustomization.yaml`]: stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [MISSING_RESOURCE] }),
});

/** A ConfigMap and a Deployment (which kwok makes Available) in `namespace`, named after `name`. */
export function appObjects(name: string, namespace: string, replicas = 1): object[] {
  const labels = { app: name };
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace }, data: { greeting: 'hello' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } },
      },
    },
  ];
}

/** The default test repository both backends serve (TEST_GIT_URL's content): `apps` empty, `broken` failing. */
export function testRepoFiles(): RepoFiles {
  return { [`${EMPTY_PATH}/README.md`]: 'kustomize builds this path to no objects\n', ...brokenFiles() };
}

/** The chart whose every install and upgrade fails (its template calls `fail`). */
export const BROKEN_CHART = 'broken-chart';
/** What broken-chart's template fails with. */
export const BROKEN_CHART_ERROR = 'this chart always fails to render';

/** The fixture chart: a ConfigMap and a Deployment (kwok makes it Available); named BROKEN_CHART, every render fails. */
export function demoChart(version: string, name = 'demo-chart'): ChartSpec {
  const fail = name === BROKEN_CHART ? `{{ fail "${BROKEN_CHART_ERROR}" }}\n` : '';
  return {
    name,
    version,
    values: { replicas: 1 },
    templates: {
      'configmap.yaml': [
        'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ .Release.Name }}-config',
        'data:', `  chartVersion: "${version}"`, '',
      ].join('\n'),
      'deployment.yaml': [
        `${fail}apiVersion: apps/v1`, 'kind: Deployment', 'metadata:', '  name: {{ .Release.Name }}',
        'spec:', '  replicas: {{ .Values.replicas }}',
        '  selector:', '    matchLabels: { app: {{ .Release.Name }} }',
        '  template:', '    metadata:', '      labels: { app: {{ .Release.Name }} }',
        '    spec:', '      containers:', '      - name: app', '        image: registry.invalid/app:1', '',
      ].join('\n'),
    },
  };
}

/** The fixture fleet's repository: infra (a namespace's ConfigMap), apps/demo, a broken path. */
export function fleetRepoFiles(appsNamespace: string): RepoFiles {
  return {
    'infra/settings.yaml': manifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fleet-settings', namespace: appsNamespace }, data: { tier: 'fixture' } }),
    'apps/demo/app.yaml': manifests(...appObjects('demo', appsNamespace, 2)),
    'extra/after-broken/cm.yaml': manifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-broken', namespace: appsNamespace }, data: {} }),
    'extra/paused/cm.yaml': manifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'paused', namespace: appsNamespace }, data: {} }),
    ...brokenFiles(),
  };
}

/**
 * A fleet like the demo's, in `namespace`, for `cluster:up` and the flux CLI comparison:
 * GitRepository `fleet`; Kustomizations `infra` (healthy), `apps` (dependsOn infra, waits
 * for its Deployment: an inventory with health), `broken` (BuildFailed), `after-broken`
 * (dependsOn broken: never ready), `paused` (suspended); HelmRepository `charts`;
 * HelmReleases `demo` (installed) and `failing` (install fails: broken-chart).
 */
export function fixtureFleet(namespace: string, urls: { git: string; helm: string }, appsNamespace: string): object[] {
  const ks = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace },
    spec: { interval: '10m', retryInterval: '1m', timeout: '1m', path: `./${path}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' }, ...extra },
  });
  const hr = (name: string, chart: string) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace },
    spec: {
      interval: '10m',
      timeout: '1m',
      targetNamespace: appsNamespace,
      chart: { spec: { chart, version: '0.1.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      install: { remediation: { retries: 0 } },
    },
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: appsNamespace } },
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace }, spec: { interval: '10m', url: urls.git, ref: { branch: 'main' } } },
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace }, spec: { interval: '10m', url: urls.helm } },
    ks('infra', 'infra'),
    ks('apps', 'apps/demo', { dependsOn: [{ name: 'infra' }], wait: true }),
    ks('broken', BROKEN_PATH),
    ks('after-broken', 'extra/after-broken', { dependsOn: [{ name: 'broken' }] }),
    ks('paused', 'extra/paused', { suspend: true }),
    hr('demo', 'demo-chart'),
    hr('failing', BROKEN_CHART),
  ];
}

/** Creates the fleet repository and chart repository for fixtureFleet; returns their URLs. */
export async function publishFleetSources(l: SourceLayout, repo: string, appsNamespace: string): Promise<{ git: string; helm: string; revision: string }> {
  const revision = await createRepo(l, repo, fleetRepoFiles(appsNamespace));
  await publishChart(l, repo, demoChart('0.1.0'));
  await publishChart(l, repo, demoChart('0.2.0'));
  await publishChart(l, repo, demoChart('0.1.0', BROKEN_CHART));
  return { git: gitUrl(l, repo), helm: helmUrl(l, repo), revision };
}
