// The log tail with the real client over HTTPS against the simulated fleet (controllers
// running, logs generated): a scaled Deployment's new pod is followed and a removed one
// ends, a dropped connection resumes with no duplicate and no gap, and the stdout command
// filters and formats.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { runLogsCommand } from '../../src/cli/logs.js';
import { fleetLogOpener } from '../../src/logs/open.js';
import { LogTail } from '../../src/logs/tail.js';
import type { LogEntry, LogTarget, OpenLog } from '../../src/logs/types.js';
import type { BuiltCluster } from '../../src/sim/build-cluster.js';
import type { SimFleet } from '../../src/sim/fleet.js';
import { LOG_CONTEXTS as CONTEXTS, startLogsFleet } from './helpers/logs-fleet.js';
import { waitFor } from './helpers/sim.js';

let fleet: SimFleet;
let store: Fleet;
let clusters: BuiltCluster[] = [];

beforeAll(async () => {
  ({ fleet, clusters } = await startLogsFleet());
  store = createFleetStore({ contexts: CONTEXTS, kubeconfig: fleet.kubeconfigPath, graceMs: 0 });
  await store.settled();
}, 30_000);

afterAll(async () => {
  await store?.close();
  await fleet?.stop();
});

const webTarget: LogTarget = {
  kind: 'many',
  targets: CONTEXTS.map((context) => ({ kind: 'workload', context, resource: 'deployments.apps', namespace: 'shop', name: 'web' }) as const),
};

const scale = (context: string, replicas: number) =>
  store.request(context, {
    method: 'PATCH',
    path: '/apis/apps/v1/namespaces/shop/deployments/web',
    body: { spec: { replicas } },
    contentType: 'application/merge-patch+json',
  });

describe('logs against the simulated fleet', () => {
  it('follows a scaled Deployment across contexts: the new pod joins, a removed pod ends', async () => {
    const got: LogEntry[] = [];
    const tail = new LogTail(store, fleetLogOpener(store), webTarget, { tailLines: 5 });
    tail.onLine((e) => got.push(e));
    tail.start();
    try {
      await waitFor(() => CONTEXTS.every((c) => got.some((e) => e.context === c && !e.notice)), 'lines from both contexts', 15_000);
      const before = new Set(got.filter((e) => e.context === 'east').map((e) => e.pod));
      expect(before.size).toBe(1);
      expect((await scale('east', 2)).status).toBe(200);
      const joined = await waitFor(() => got.find((e) => e.context === 'east' && !e.notice && !before.has(e.pod)), 'a line from the new pod', 15_000);
      // a pod born after the tail started is shown from its first line
      expect(got.filter((e) => e.pod === joined.pod)[0].text).toMatch(/starting app version=1\.4\.2/);
      expect((await scale('east', 1)).status).toBe(200);
      const ended = await waitFor(() => got.find((e) => e.notice && e.context === 'east'), 'an ended notice', 15_000);
      expect(ended.text).toBe(`— pod ${ended.pod} ended —`);
      expect(tail.streams().filter((s) => s.context === 'east')).toHaveLength(1);
    } finally {
      await tail.stop();
    }
  }, 60_000);

  it('resumes a dropped stream with no duplicate and no gap', async () => {
    const got: LogEntry[] = [];
    let opens = 0;
    const base = fleetLogOpener(store);
    const counting: OpenLog = (ctx, ref, opts, signal) => {
      opens++;
      return base(ctx, ref, opts, signal);
    };
    const west = fleet.contexts.find((c) => c.name === 'west')!;
    const tail = new LogTail(store, counting, webTarget.targets[1], { tailLines: 0 });
    tail.onLine((e) => got.push(e));
    tail.start();
    try {
      await waitFor(() => got.length >= 10, '10 lines', 15_000);
      const opened = opens;
      await west.server.restart();
      const n = got.length;
      await waitFor(() => opens > opened && got.length >= n + 30, 'lines after the reconnect', 15_000);
      const pod = got[0].pod;
      const mine = got.filter((e) => e.pod === pod);
      const history = clusters[1].podLogs.history({ namespace: 'shop', pod, container: 'app' })!;
      const first = history.findIndex((l) => l.ts === mine[0].ts);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(mine.map((e) => `${e.ts} ${e.text}`)).toEqual(history.slice(first, first + mine.length).map((l) => `${l.ts} ${l.text}`));
      for (let i = 1; i < mine.length; i++) expect(mine[i].ts > mine[i - 1].ts).toBe(true);
    } finally {
      await tail.stop();
    }
  }, 60_000);

  it('runLogsCommand prints filtered stern-like lines, JSON with -o json, colours only on a TTY', async () => {
    const run = async (opts: Parameters<typeof runLogsCommand>[1], colour: boolean, enough: (out: string) => boolean) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      const ac = new AbortController();
      const done = runLogsCommand('deploy/web', { namespace: 'shop', tail: 50, ...opts }, { store, contexts: CONTEXTS, stdout, stderr, colour, signal: ac.signal });
      await waitFor(() => enough(out), 'command output', 20_000);
      ac.abort();
      expect(await done).toBe(0);
      return out.split('\n').filter(Boolean);
    };

    const lines = await run({ include: 'error', exclude: 'broker' }, false, (o) => o.split('\n').length > 4);
    for (const l of lines) {
      expect(l).toMatch(/^(east|west)\/web-[a-z0-9]+-[a-z0-9]+\/app \S/);
      expect(l).toMatch(/error/i);
      expect(l).not.toMatch(/broker/i);
      expect(l).not.toContain('\x1b[');
    }

    const json = await run({ output: 'json' }, false, (o) => CONTEXTS.every((c) => o.includes(`"context":"${c}"`)));
    for (const l of json) {
      const v = JSON.parse(l) as Record<string, unknown>;
      expect(v).toMatchObject({ namespace: 'shop', container: 'app' });
      expect(v.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(typeof v.message).toBe('string');
    }

    const coloured = await run({ highlight: 'GET', timestamps: true }, true, (o) => o.split('\n').length > 2);
    expect(coloured[0]).toMatch(/^\x1b\[\d+m(east|west)\/web-/);
  }, 60_000);

  it('runLogsCommand rejects a bad regex with exit code 2', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await runLogsCommand('deploy/web', { include: '(' }, { store, contexts: CONTEXTS, stdout: new PassThrough(), stderr, signal: new AbortController().signal });
    expect(code).toBe(2);
    expect(err).toMatch(/invalid regex/);
  });

  it('runLogsCommand: a selector that does not parse is a usage error (exit 2) in the API\'s words, as is no target and no -l', async () => {
    const run = async (target: string, selector?: string) => {
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await runLogsCommand(target, { selector }, { store, contexts: CONTEXTS, stdout: new PassThrough(), stderr, signal: new AbortController().signal });
      return { code, err };
    };
    expect(await run('', '=bad')).toEqual({ code: 2, err: 'fleetdeck logs: -l "=bad": found \'=\', expected: !, identifier, or \'end of string\'\n' });
    expect(await run('shop/web', 'app in (a')).toEqual({ code: 2, err: 'fleetdeck logs: -l "app in (a": unable to parse requirement: found \'\', expected: \',\' or \')\'\n' });
    expect((await run('')).code).toBe(2);
  });

  it('runLogsCommand -l: the pods the selector matches in each context\'s namespace (-n), ANDed with a query as stern does', async () => {
    const run = async (target: string, selector: string, until: (out: string) => boolean) => {
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      const ac = new AbortController();
      const done = runLogsCommand(target, { selector, namespace: 'shop', tail: 1 }, { store, contexts: CONTEXTS, stdout, stderr: new PassThrough(), signal: ac.signal });
      await waitFor(() => until(out), 'lines', 15_000);
      ac.abort();
      expect(await done).toBe(0);
      return new Set(out.split('\n').filter(Boolean).map((l) => l.split(' ')[0].split('/').slice(0, 2).join('/')));
    };
    const byLabel = await run('', 'app=web', (o) => CONTEXTS.every((c) => o.includes(`${c}/web-`)));
    expect([...byLabel].every((p) => /^(east|west)\/web-/.test(p))).toBe(true);
    const both = await run('shop/^web', 'app=web', (o) => CONTEXTS.every((c) => o.includes(`${c}/web-`)));
    expect(both).toEqual(byLabel);
  }, 60_000);
});
