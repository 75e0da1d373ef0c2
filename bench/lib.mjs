// Shared helpers of the benchmarks: the simulated fleet in its own process, RSS from /proc
// (a process and its children), medians, and the one-JSON-line protocol of figure scripts.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** VmRSS of one process, bytes. */
export function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** pid and every descendant (kubectl may be a dispatcher that execs the real binary as a child). */
export function tree(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

export function treeRss(pid) {
  let sum = 0;
  for (const p of tree(pid)) {
    try {
      sum += rssOf(p);
    } catch {
      // gone
    }
  }
  return sum;
}

export const MB = (b) => round(b / 1024 / 1024, 1);

/**
 * `fleetdeck sim --scenario scale` in its own process, so the client's RSS is its own.
 * Resolves once it printed its kubeconfig path.
 */
export async function startSim({ contexts, namespaces, deployments, podsPerDeployment, churn = 0, apiGroups = 0, logRate = 1 }) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const args = [join(root, 'dist/cli.js'), 'sim', '--scenario', 'scale', '--contexts', String(contexts), '--namespaces', String(namespaces),
    '--deployments', String(deployments), '--pods-per-deployment', String(podsPerDeployment), '--churn', String(churn), '--api-groups', String(apiGroups), '--log-rate', String(logRate), '--kubeconfig-out', kubeconfig];
  const started = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=8192', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('kubeconfig:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sim exited (${code}): ${err}`)));
  });
  const names = Array.from({ length: contexts }, (_, i) => `scale-${i + 1}`);
  return {
    kubeconfig,
    contexts: names,
    pid: child.pid,
    startSeconds: round((performance.now() - started) / 1000, 1),
    command: `node dist/cli.js ${args.slice(2).join(' ')}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** Runs a figure script in a fresh process; its last stdout line is its JSON result. */
export function runScript(script, args = [], { nodeArgs = [], env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(root, 'bench', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(last));
      } catch (e) {
        reject(new Error(`${script} ${args.join(' ')}: ${e.message}\n${out.slice(-2000)}`));
      }
    });
  });
}

/** CPU seconds (user + system) used so far by a process and its descendants, from /proc. */
export function treeCpuSeconds(pid) {
  let ticks = 0;
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * Where the peers (k9s, stern) are, built by tools/peers/build.sh from the Go module proxy and
 * cached by version: `{ bin }`, or `{ error }` naming why they could not be built.
 */
export async function peers() {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(root, 'tools/peers/build.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const bin = out.trim().split('\n').pop();
      resolve(code === 0 && bin ? { bin } : { error: `tools/peers/build.sh exit ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}` });
    });
  });
}

/** A figure script's answer. */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `--name value` from argv. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export function gc() {
  if (!globalThis.gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) globalThis.gc();
}
