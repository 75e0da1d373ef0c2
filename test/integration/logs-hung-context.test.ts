// `fleetdeck logs` over the lean store (as the shell runs it) with a context that hangs: its
// server accepts TCP and never says a word, so it is given up only when its connection times
// out. The healthy contexts must not wait for that, whatever the target's form; the hung one
// is still said as kubectl says it, and "not found" (exit 1) waits for every context's answer.
// Only orderings are asserted (the hung context's line comes seconds after the healthy lines),
// never a time.
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogsCommand, type LogsCommandOptions } from '../../src/cli/logs.js';
import { LeanStore } from '../../src/fleet/lean.js';
import type { ClientOptions } from '../../src/kube/client.js';
import { loadKubeconfig, type MergedKubeconfig } from '../../src/kube/kubeconfig.js';
import { namesKind } from '../../src/logs/targets.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import type { BuiltCluster } from '../../src/sim/build-cluster.js';
import { startLogsFleet } from './helpers/logs-fleet.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let clusters: BuiltCluster[] = [];
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
let hungPort = 0;

/** A server on 127.0.0.1 whose connections are handed to `onSocket` (and destroyed after the tests). */
async function listen(onSocket: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  ({ fleet, clusters } = await startLogsFleet());
  // accepts, never answers (neither TLS nor HTTP)
  hungPort = await listen(() => undefined);
}, 30_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await fleet?.stop();
});

/** The fleet's kubeconfig plus a context `name` on `port`: insecure-skip-tls-verify and a token,
 * or, with `as`, that context's cluster (its CA) and user reached through the port. */
function withContext(name: string, port: number, as?: string): MergedKubeconfig {
  const merged = loadKubeconfig({ kubeconfig: fleet.kubeconfigPath });
  const file = merged.files[0];
  if (as) {
    const ctx = merged.contexts.get(as)!.value as { cluster: string; user: string };
    const cluster = merged.clusters.get(ctx.cluster)!.value;
    merged.clusters.set(name, { name, value: { ...cluster, server: `https://127.0.0.1:${port}` }, file });
    merged.contexts.set(name, { name, value: { cluster: name, user: ctx.user }, file });
  } else {
    merged.clusters.set(name, { name, value: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true }, file });
    merged.users.set(name, { name, value: { token: 't' }, file });
    merged.contexts.set(name, { name, value: { cluster: name, user: name }, file });
  }
  return merged;
}

interface Said {
  on: 'out' | 'err' | 'exit';
  text: string;
}

/** Starts the command as `fleetdeck logs` runs it (the lean store, discovering for `A/B`);
 * everything it says goes into one timeline, in order, ending with its exit code. */
function start(target: string, opts: LogsCommandOptions, contexts: string[], merged: MergedKubeconfig, client?: ClientOptions) {
  const store = new LeanStore({ contexts, merged, discover: namesKind(target), client });
  const said: Said[] = [];
  const sink = (on: Said['on']) => new Writable({ write: (chunk: Buffer, _enc, cb) => (said.push({ on, text: chunk.toString() }), cb()) });
  const ac = new AbortController();
  const done = runLogsCommand(target, opts, { store, contexts, stdout: sink('out'), stderr: sink('err'), signal: ac.signal }).then((code) => {
    said.push({ on: 'exit', text: String(code) });
    return code;
  });
  /** the index in the timeline of the first write to `on` matching `re`; -1 when none yet */
  const at = (on: Said['on'], re: RegExp): number => said.findIndex((s) => s.on === on && re.test(s.text));
  const stop = async (): Promise<number> => {
    ac.abort();
    try {
      return await done;
    } finally {
      await store.close();
    }
  };
  return { said, done, at, stop };
}

// a server that accepts and never answers TLS, said as kubectl says it (net/http: TLS handshake
// timeout): not "connect timed out", a network fault (transport.ts TLS_HANDSHAKE_TIMEOUT_CODE)
const HUNG_LINE = /^hung: Unable to connect to the server: context "hung" \(https:\/\/127\.0\.0\.1:\d+\): TLS handshake timeout$/m;

function eastPod(): string {
  const pod = clusters[0].store.list('pods').find((p) => p.metadata.namespace === 'shop' && p.metadata.name.startsWith('web-'));
  if (!pod) throw new Error('east has no web pod');
  return pod.metadata.name;
}

describe.concurrent('fleetdeck logs with a context that hangs', () => {
  const forms: [string, () => string, string[]][] = [
    ['ns/regex', () => 'shop/web-', ['east', 'west']],
    ['pod/NAME', () => `pod/${eastPod()}`, ['east']],
    ['deploy/NAME', () => 'deploy/web', ['east', 'west']],
  ];
  for (const [form, target, tailed] of forms) {
    it(`${form}: the healthy contexts are tailed before the hung one fails, which is then said as kubectl says it`, async () => {
      await waitFor(() => clusters[0].store.list('pods').some((p) => p.metadata.namespace === 'shop'), 'the web pod in east', 20_000);
      const run = start(target(), { namespace: 'shop', tail: 1 }, ['east', 'west', 'hung'], withContext('hung', hungPort));
      const firstOf = (c: string): number => run.at('out', new RegExp(`^${c}/web-`, 'm'));
      try {
        await waitFor(() => tailed.every((c) => firstOf(c) >= 0) && run.at('err', HUNG_LINE) >= 0, 'a line of each healthy context and the hung line', 30_000);
        const hung = run.at('err', HUNG_LINE);
        for (const c of tailed) expect(firstOf(c), `${c} before the hung context's failure:\n${JSON.stringify(run.said.slice(0, 20))}`).toBeLessThan(hung);
        if (form === 'pod/NAME') expect(run.at('err', /^west: error: error from server \(NotFound\): pods "web-\S+" not found in namespace "shop"$/m)).toBeLessThan(hung);
      } finally {
        expect(await run.stop()).toBe(0);
      }
      expect(run.said.filter((s) => s.on === 'out').every((s) => !s.text.includes('hung/'))).toBe(true);
    }, 60_000);
  }

  /** Runs a target that ends with exit 1 beside the hung context; the run and where the hung context's line came. */
  async function endsWithOne(target: string, opts: LogsCommandOptions): Promise<{ run: ReturnType<typeof start>; hung: number }> {
    const run = start(target, opts, ['east', 'west', 'hung'], withContext('hung', hungPort));
    try {
      expect(await run.done).toBe(1);
    } finally {
      await run.stop();
    }
    const hung = run.at('err', HUNG_LINE);
    expect(hung).toBeGreaterThanOrEqual(0);
    expect(run.said.at(-1)).toEqual({ on: 'exit', text: '1' });
    return { run, hung };
  }

  it('a target no healthy context has: their NotFound lines at once, exit 1 only once the hung context has failed', async () => {
    const { run, hung } = await endsWithOne('deploy/nope', { namespace: 'shop' });
    for (const c of ['east', 'west']) expect(run.at('err', new RegExp(`^${c}: error: error from server \\(NotFound\\): deployments.apps "nope" not found in namespace "shop"$`, 'm'))).toBeLessThan(hung);
    expect(run.said.filter((s) => s.on === 'out')).toEqual([]);
  }, 60_000);

  it('ns/regex whose namespace no healthy context has: kubectl\'s "no resource type" only once the hung context has failed', async () => {
    const { run, hung } = await endsWithOne('shopp/web-', {});
    expect(run.at('err', /^error: the server doesn't have a resource type "shopp"$/m)).toBeGreaterThan(hung);
  }, 60_000);

  for (const target of ['shop/web-', 'deploy/web']) {
    it(`${target}: a context that answers late joins the tail`, async () => {
      // `late` is east reached through a door that holds every connection until it is opened
      const held: net.Socket[] = [];
      let open = false;
      const east = fleet.contexts.find((c) => c.name === 'east')!.port;
      const pass = (s: net.Socket): void => {
        const up = net.connect(east, '127.0.0.1');
        up.on('error', () => s.destroy());
        s.on('close', () => up.destroy());
        s.pipe(up).pipe(s);
      };
      const port = await listen((s) => (open ? pass(s) : held.push(s)));
      // a connect timeout long enough that a slow machine's first west line comes before it
      const run = start(target, { namespace: 'shop', tail: 1 }, ['west', 'late'], withContext('late', port, 'east'), { connectTimeoutMs: 60_000 });
      try {
        await waitFor(() => run.at('out', /^west\/web-/m) >= 0, 'a west line while late is held', 30_000);
        expect(run.at('out', /^late\//m)).toBe(-1);
        open = true;
        for (const s of held.splice(0)) pass(s);
        await waitFor(() => run.at('out', /^late\/web-/m) >= 0, 'a line of late once it answers', 30_000);
        expect(run.said.filter((s) => s.on === 'err')).toEqual([]);
      } finally {
        expect(await run.stop()).toBe(0);
      }
    }, 60_000);
  }
});
