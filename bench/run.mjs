// `npm run bench`: every figure of issue #11, each the median of several runs in fresh
// processes, as one JSON document on stdout and in bench/results/latest.json.
//   --only <id>[,<id>]   just these figures (memory, watch, frame, filter, first-paint,
//                        churn-bytes, logs, peer, kubectl, stern, k9s, k9s-real, many-contexts)
//   --quick              fewer runs and smaller streams (a smoke run, not the figures)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, peers, root, round, runScript, startSim, treeRss, MB, sleep } from './lib.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1].split(',')) : undefined;
const want = (id) => !only || only.has(id);
const RUNS = quick ? 1 : 3;
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

const FLEET = { contexts: 10, namespaces: 10, deployments: 100, podsPerDeployment: 10 };
const figures = [];

/**
 * Runs `fn` RUNS times; the figure's value is the median of `pick(run)`. A run that throws
 * makes the figure an error (reported, met: false), and the other figures still run.
 */
async function figure({ id, title, unit, target, better, command, includes }, fn, pick) {
  const runs = [];
  // the 1-minute load average when the figure starts and ends: how busy the machine was
  const loadAverage = [round(loadavg()[0], 2)];
  for (let i = 0; i < RUNS; i++) {
    let r;
    try {
      r = await fn(i);
    } catch (e) {
      log(`${id} run ${i + 1}/${RUNS} failed: ${e.message ?? e}`);
      figures.push({ id, title, unit, target, met: false, command, error: String(e.message ?? e).slice(0, 2000), runs, loadAverage: [...loadAverage, round(loadavg()[0], 2)] });
      return;
    }
    log(`${id} run ${i + 1}/${RUNS}: ${JSON.stringify(r)}`);
    runs.push(r);
  }
  const value = round(median(runs.map(pick)), 2);
  const met = target === undefined ? null : better === 'lower' ? value < target : value >= target;
  figures.push({ id, title, value, unit, target, met, command, includes, runs, loadAverage: [...loadAverage, round(loadavg()[0], 2)] });
}

const gcNode = ['--expose-gc'];
let sim;
async function fleetSim() {
  if (!sim) {
    log('starting the simulated fleet (10 contexts x 10k pods) in its own process');
    sim = await startSim({ ...FLEET, churn: 0 });
    log(`sim ready in ${sim.startSeconds}s`);
  }
  return sim;
}

try {
  if (want('memory')) {
    const s = await fleetSim();
    await figure({
      id: 'memory', title: 'RSS of a fleet store watching pods+replicasets+deployments of 10 contexts x 10k pods, after sync and GC',
      unit: 'MB', target: 300, better: 'lower',
      command: `node --expose-gc bench/store-memory.mjs --kubeconfig K --contexts scale-1,...,scale-10 --resources pods,replicasets,deployments  (sim: ${s.command})`,
      includes: 'the whole client process: Node, client-node/undici loaded, 10 HTTPS clients, reflector caches and the store indexes; the sim serves from another process',
    }, () => runScript('store-memory.mjs', ['--kubeconfig', s.kubeconfig, '--contexts', s.contexts.join(','), '--resources', 'pods,replicasets,deployments'], { nodeArgs: gcNode }), (r) => r.rssMB);
  }

  if (want('peer')) {
    const s = await fleetSim();
    await figure({
      id: 'peer', title: 'side by side on the same pods (10 contexts x 10k): fleetdeck store RSS (pods only) vs the sum of `kubectl get pods -A -w` per context',
      unit: 'MB (fleetdeck)', target: undefined,
      command: 'node --expose-gc bench/store-memory.mjs ... --resources pods ; kubectl --kubeconfig K --context scale-N get pods -A -w (x10, RSS of each process tree from /proc after its table is printed)',
      includes: 'value: fleetdeck RSS; runs[].kubectlMB: the ten kubectl processes summed',
    }, async () => {
      const fd = await runScript('store-memory.mjs', ['--kubeconfig', s.kubeconfig, '--contexts', s.contexts.join(','), '--resources', 'pods'], { nodeArgs: gcNode });
      const perPod = FLEET.namespaces * FLEET.deployments * FLEET.podsPerDeployment;
      const kids = s.contexts.map((c) => {
        const k = spawn('kubectl', ['--kubeconfig', s.kubeconfig, '--context', c, 'get', 'pods', '-A', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let lines = 0;
        k.stdout.on('data', (d) => {
          for (const b of d) if (b === 10) lines++;
        });
        return { k, lines: () => lines };
      });
      const t0 = performance.now();
      while (kids.some((x) => x.lines() < perPod + 1)) {
        if (performance.now() - t0 > 180_000) throw new Error('kubectl did not list in 180 s');
        await sleep(50);
      }
      const listSeconds = (performance.now() - t0) / 1000;
      await sleep(2000);
      const kubectlMB = MB(kids.reduce((a, x) => a + treeRss(x.k.pid), 0));
      for (const x of kids) x.k.kill('SIGTERM');
      return { fleetdeckMB: fd.rssMB, kubectlMB, ratio: round(kubectlMB / fd.rssMB, 2), kubectlListSeconds: round(listSeconds, 1), fleetdeckSyncSeconds: fd.syncSeconds };
    }, (r) => r.fleetdeckMB);
    const f = figures.at(-1);
    f.peer = { kubectlMB: round(median(f.runs.map((r) => r.kubectlMB)), 1) };
    f.met = f.value < f.peer.kubectlMB;
    f.target = `< kubectl (${f.peer.kubectlMB} MB)`;
  }

  if (want('kubectl')) {
    // the TUI itself against kubectl on the same sim: one context's RSS, and every table of the
    // ten contexts shown (issue 22: RSS <= 1.2x; every table no later than 10 parallel kubectl)
    const s = await fleetSim();
    const load0 = round(loadavg()[0], 2);
    const r = await runScript('tui-vs-kubectl.mjs', ['--kubeconfig', s.kubeconfig, '--contexts', s.contexts.join(','), '--rounds', quick ? '1' : '3', '--settle', quick ? '5' : '20']);
    const command = `node bench/tui-vs-kubectl.mjs --kubeconfig K --contexts scale-1,...,scale-10  (sim: ${s.command})`;
    figures.push({
      id: 'tui-vs-kubectl-rss', title: 'the TUI (`--context scale-1 --command :pods --readonly`, in a pty) vs `kubectl get pods -A -w`, one simulated context of 10k pods, alternating rounds',
      unit: 'ratio fleetdeck / kubectl (medians)', value: r.one.ratio.rssMB, target: '<= 1.2', met: r.one.ratio.rssMB <= 1.2, command,
      includes: 'RSS of each process tree 20 s after its table is whole (the TUI: pod rows, no "not whole" notice, every pod counted in the title; kubectl: every pod line printed); tableSeconds: spawn to that point',
      median: r.one.median, ratio: r.one.ratio, runs: r.one.rounds, loadAverage: [load0, round(loadavg()[0], 2)],
    });
    figures.push({
      id: 'tui-vs-kubectl-tables', title: 'every table shown, 10 contexts x 10k pods: the TUI with --all-contexts vs 10 parallel `kubectl get pods -A -w`, alternating rounds',
      unit: 'ratio fleetdeck / kubectl (medians)', value: r.all.ratio.tableSeconds, target: '<= 1', met: r.all.ratio.tableSeconds <= 1, command,
      includes: 'spawn to the TUI showing pod rows with no "not whole" notice and all 100k pods counted in the title / to the last of the ten kubectl processes having printed every pod line; rssMB 20 s later (kubectl: the ten summed)',
      median: r.all.median, ratio: r.all.ratio, runs: r.all.rounds, loadAverage: [load0, round(loadavg()[0], 2)],
    });
  }

  if (want('first-paint')) {
    const s = await fleetSim();
    // the store alone on one context: how long warm + discovery + the paginated LIST take
    const sync = [];
    await figure({
      id: 'first-paint', title: 'first paint after start, via the real CLI in a pty (one context, 10k pods)', unit: 'ms', target: 300, better: 'lower',
      command: 'node bench/first-paint.mjs --kubeconfig K --context scale-1  (spawns: node dist/cli.js --kubeconfig K --context scale-1 --command :pods --readonly)',
      includes: 'Node start, module loading, config, kubeconfig, screen setup, first frame',
    }, async () => {
      const r = await runScript('first-paint.mjs', ['--kubeconfig', s.kubeconfig, '--context', s.contexts[0]]);
      const st = await runScript('store-memory.mjs', ['--kubeconfig', s.kubeconfig, '--contexts', s.contexts[0], '--resources', 'pods', '--settle-ms', '0'], { nodeArgs: gcNode });
      sync.push(st.syncSeconds * 1000);
      return { ...r, storeSyncMs: round(st.syncSeconds * 1000, 0), rowsAfterListMs: round(r.firstRowsMs - r.firstPaintMs - st.syncSeconds * 1000, 0) };
    }, (r) => r.firstPaintMs);
    const fp = figures.at(-1);
    await figure({
      id: 'first-rows', title: 'first rows after the LIST returns (10k pods): first-rows time minus first paint minus the store\'s own warm+discovery+LIST time (negative: rows shown before the whole LIST is in, page by page)', unit: 'ms', target: 1000, better: 'lower',
      command: fp.command, includes: 'an estimate from the same runs: the store starts at first paint; its sync time is measured by bench/store-memory.mjs on the same context',
    }, async (i) => fp.runs[i], (r) => r.rowsAfterListMs);
  }
  if (sim) {
    await sim.stop();
    sim = undefined;
  }

  if (want('watch')) {
    const pods = 10_000;
    const events = quick ? 30_000 : 100_000;
    await figure({
      id: 'watch', title: 'MODIFIED watch events applied to the fleet store per CPU-second (one core)', unit: 'events/s', target: 50_000, better: 'higher',
      command: `node bench/watch-server.mjs --pods ${pods} --events ${events} & node bench/watch-client.mjs --port P ...`,
      includes: 'client process CPU from the synced LIST to the last event applied: socket reads (undici), UTF-8 decode, line split, JSON.parse (managedFields cut first), projection, reflector cache, uid/owner indexes, change batching. Events: the scale scenario\'s pods (~2 KB each with managedFields, as an API server sends them), served by a separate process',
    }, async () => {
      const server = spawn(process.execPath, [join(root, 'bench/watch-server.mjs'), '--pods', String(pods), '--events', String(events)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const info = await new Promise((resolve) => {
        let out = '';
        server.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(JSON.parse(out));
        });
      });
      try {
        return await runScript('watch-client.mjs', ['--port', String(info.port), '--pods', String(pods), '--events', String(info.events), '--last-rv', info.lastRv, '--last-key', info.lastKey]);
      } finally {
        server.kill();
      }
    }, (r) => r.eventsPerCpuSecond);
  }

  const ui = (mode, extra = []) => runScript('ui.mjs', ['--mode', mode, ...extra]);
  if (want('frame')) {
    await figure({
      id: 'frame-scroll', title: 'frame render of the pod table at 100k rows after a scroll (down key)', unit: 'ms', target: 10, better: 'lower',
      command: 'node bench/ui.mjs --mode frame', includes: 'one whole frame of the real app: header, view render (visible rows only), footer, blessed diff and write to a fake 200x50 terminal',
    }, () => ui('frame'), (r) => r.scrollFrameMs);
    const fr = figures.at(-1);
    await figure({
      id: 'frame-update', title: 'frame render of the pod table at 100k rows after an update (one pod changed)', unit: 'ms', target: 10, better: 'lower',
      command: fr.command, includes: 'as frame-scroll, plus the view re-deriving its rows after the change batch (rows rebuilt, sorted)',
    }, async (i) => fr.runs[i], (r) => r.updateFrameMs);
    await figure({
      id: 'derive-breakdown', title: 'where an update frame goes at 100k rows (diagnostic, see bench/README.md)', unit: 'ms (sortRows)', target: undefined,
      command: 'node bench/ui-derive.mjs', includes: 'rowsMs: 100k rowOf; sortRowsMs: the view\'s sort; decoratedSortMs: same order, keys computed once; oneContextRowsMs',
    }, () => runScript('ui-derive.mjs'), (r) => r.sortRowsMs);
  }
  if (want('filter')) {
    await figure({
      id: 'filter', title: 'filter per keystroke over 100k rows (`/svc-42`): how long the event loop is blocked (the frame that applies it, or a slice of it after that frame)', unit: 'ms', target: 16, better: 'lower',
      command: 'node bench/ui.mjs --mode filter', includes: 'per keystroke, within 600 ms (debounce 80 ms), the larger of the slowest frame (filter for up to 6 ms, render) and the longest event-loop stall (the filter going on in slices of <= 8 ms); value (medianBlockMs): median over the 6 keystrokes; runs[] has both',
    }, () => ui('filter'), (r) => r.medianBlockMs);
  }
  if (want('churn-bytes')) {
    const seconds = quick ? 4 : 10;
    await figure({
      id: 'churn-bytes', title: 'bytes written to the terminal per second, pod view (100k rows), 1k pod events/s', unit: 'B/s', target: 20_000, better: 'lower',
      command: `node bench/ui.mjs --mode churn --seconds ${seconds}`, includes: 'label/status changes and replacements as the sim\'s churn makes them; batches at most every 100 ms; runs[] also has frame times and CPU',
    }, () => ui('churn', ['--seconds', String(seconds)]), (r) => r.bytesPerSecond);
    const cb = figures.at(-1);
    await figure({
      id: 'churn-frame', title: 'frame render of the pod table at 100k rows under 1k pod events/s', unit: 'ms', target: 10, better: 'lower',
      command: cb.command, includes: 'the same runs as churn-bytes: per run the median frame (first store read to the end of screen.render, or to the decision not to draw a frame whose text the screen already shows) over the ~100 frames of the window; each frame applies the change batch (~100 objects named) and renders the table; runs[] also has drawnFrames, drawnFrameMsMedian and frameCpuMsMedian',
    }, async (i) => cb.runs[i], (r) => r.frameMsMedian);
  }
  if (want('logs')) {
    const lines = quick ? 3000 : 20_000;
    await figure({
      id: 'logs', title: 'log lines merged per second from 100 pods into the 10k ring', unit: 'lines/s', target: 100_000, better: 'higher',
      command: `node --expose-gc bench/logs.mjs --lines ${lines}`, includes: 'LogTail + readLogLines + resume dedup + LogBuffer, in-memory streams (their generation included in the CPU); runs[].heapGrowthMB: heap after GC minus before',
    }, () => runScript('logs.mjs', ['--lines', String(lines)], { nodeArgs: gcNode }), (r) => r.linesPerSecond);
  }
  if (want('stern')) {
    // the peer is built from the Go module proxy (tools/peers/build.sh); one that cannot be
    // built is a figure with its error, never a silent skip
    const built = await peers();
    if (built.error) {
      figures.push({ id: 'logs-vs-stern', title: 'fleetdeck logs vs stern on 50 pods', error: built.error, met: false });
      figures.push({ id: 'logs-vs-stern-load', title: 'fleetdeck logs vs stern, lines/s from 100 pods under load', error: built.error, met: false });
      log(`stern: ${built.error}`);
    } else {
      const load0 = round(loadavg()[0], 2);
      const r = await runScript('logs-vs-stern.mjs', ['--stern', join(built.bin, 'stern'), '--rounds', quick ? '1' : '3', '--seconds', quick ? '8' : '20']);
      const targets = { firstLineSeconds: 1.5, peakRssMB: 1.5, cpuSeconds: 1.5 };
      figures.push({
        id: 'logs-vs-stern', title: 'fleetdeck logs vs stern, 50 pods of one simulated context, --tail 1 then follow, alternating rounds',
        unit: 'ratio fleetdeck / stern (medians)', value: r.ratio, target: Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, `<= ${v}`])),
        met: Object.entries(targets).every(([k, v]) => r.ratio[k] <= v),
        command: `node bench/logs-vs-stern.mjs --stern ${join(built.bin, 'stern')}`,
        includes: 'each tool as a fresh process against the same sim: first line = spawn to first stdout byte; peak RSS of its process tree sampled every 100 ms; CPU = utime+stime at the end of the window. nodeFloor: `node -e` printing one line, then idle, measured alike in each round (what any Node program pays first); nodeFloorRatio = its medians / stern\'s',
        median: r.median, nodeFloorRatio: r.nodeFloorRatio, ratios: r.ratios, runs: r.rounds, loadAverage: [load0, round(loadavg()[0], 2)],
      });
      const l = r.load;
      figures.push({
        id: 'logs-vs-stern-load', title: `fleetdeck logs vs stern, 100 pods of one simulated context writing ${l.linesPerSecondPerPod} lines/s each, --tail 0 then follow, alternating rounds`,
        unit: 'ratio fleetdeck / stern (medians)', value: l.ratio, target: { linesPerSecond: '>= 1' },
        met: l.ratio.linesPerSecond >= 1,
        command: `node bench/logs-vs-stern.mjs --stern ${join(built.bin, 'stern')} (its "load" part; sim: ${l.sim})`,
        includes: 'lines/s = lines on stdout from the first one to the end of the window, over that time (start-up is the other figure); peak RSS and CPU of the same window',
        median: l.median, ratios: l.ratios, runs: l.rounds, loadAverage: [load0, round(loadavg()[0], 2)],
      });
    }
  }
  if (want('k9s')) {
    const built = await peers();
    if (built.error) {
      figures.push({ id: 'tui-vs-k9s', title: 'the TUI vs k9s on one context of 10k pods', error: built.error, met: false });
      log(`k9s: ${built.error}`);
    } else {
      const k9s = join(built.bin, 'k9s');
      const load0 = round(loadavg()[0], 2);
      const r = await runScript('tui-vs-k9s.mjs', ['--k9s', k9s, '--rounds', quick ? '1' : '3', ...(quick ? ['--pods', '2000', '--settle', '5', '--idle', '5'] : [])]);
      // issue #22's targets: rows <= 0.5x, RSS <= 0.5x, idle CPU <= 0.1x, filter <= 0.1x
      const targets = { rowsSeconds: 0.5, rssMB: 0.5, idleCpuPercent: 0.1, filterSeconds: 0.1 };
      figures.push({
        id: 'tui-vs-k9s', title: 'the TUI vs k9s, one simulated context of 10k pods, each in a pty, alternating rounds',
        unit: 'ratio fleetdeck / k9s (medians)', value: r.ratio, target: Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, `<= ${v}`])),
        met: Object.entries(targets).every(([k, v]) => r.ratio[k] <= v),
        command: `node bench/tui-vs-k9s.mjs --k9s ${k9s}`,
        includes: 'rows: spawn to the first pod row on screen; RSS: process tree after 20 s of watching; idle CPU: the next 20 s, % of one core; filter: the last keystroke of /svc-42 (it turns svc-4* rows into svc-42-* rows) to a screen whose pod rows are all svc-42-*',
        median: r.median, runs: r.rounds, loadAverage: [load0, round(loadavg()[0], 2)],
      });
    }
  }
  if (want('k9s-real')) {
    // the same TUI figures against the real control plane (kube-apiserver + kwok, built from
    // the Go module proxy like the peers): one context of 10k kwok pods
    const built = await peers();
    if (built.error) {
      figures.push({ id: 'tui-vs-k9s-real', title: 'the TUI vs k9s on the real control plane, 10k kwok pods', error: built.error, met: false });
    } else {
      const k9s = join(built.bin, 'k9s');
      try {
        const load0 = round(loadavg()[0], 2);
        const r = await runScript('real-plane.mjs', ['--k9s', k9s, '--rounds', quick ? '1' : '3', ...(quick ? ['--pods', '2000'] : [])]);
        const targets = { rowsSeconds: 0.5, rssMB: 0.5, idleCpuPercent: 0.1, filterSeconds: 0.1 };
        figures.push({
          id: 'tui-vs-k9s-real', title: 'the TUI vs k9s on the real control plane (kube-apiserver 1.36 + kwok), one context of 10k kwok pods, each in a pty, alternating rounds',
          unit: 'ratio fleetdeck / k9s (medians)', value: r.ratio, target: Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, `<= ${v}`])),
          met: Object.entries(targets).every(([k, v]) => r.ratio[k] <= v),
          command: `node bench/real-plane.mjs --k9s ${k9s}`,
          includes: 'as tui-vs-k9s; the plane is started by npm run cluster:up in a temp state dir (its start and the 10k pods\' creation are in plane, not in the figures)',
          median: r.median, runs: r.rounds, plane: r.plane, loadAverage: [load0, round(loadavg()[0], 2)],
        });
      } catch (e) {
        // the plane could not be built or started: a figure with its error, never a silent skip
        figures.push({ id: 'tui-vs-k9s-real', title: 'the TUI vs k9s on the real control plane, 10k kwok pods', error: String(e.message ?? e).slice(0, 2000), met: false });
      }
    }
  }
  if (want('many-contexts')) {
    // 50 contexts, each serving ~100 API groups (CRD-heavy, like real clusters); a sim of its own
    const n = quick ? 10 : 50;
    const many = await startSim({ contexts: n, namespaces: 2, deployments: 5, podsPerDeployment: 2, apiGroups: 100 });
    try {
      const cache = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-cache-'));
      const run = (dir) => runScript('fleet-rows.mjs', ['--kubeconfig', many.kubeconfig, '--contexts', many.contexts.join(','), '--cache-dir', dir, '--sim-pid', String(many.pid)]);
      await figure({
        id: 'many-contexts', title: `every Fleet row filled, ${n} contexts x ~100 API groups (202 CRD kinds each), TUI in a pty`,
        unit: 's', target: 3, better: 'lower',
        command: `node bench/fleet-rows.mjs --kubeconfig K --contexts scale-1,...,scale-${n} --cache-dir D  (sim: ${many.command})`,
        includes: 'spawn to the screen showing every row ready with no ? and a plain PROBLEMS count: discovery (aggregated, revalidated against the disk cache of the previous run) and the first list of every kind the Fleet row counts, custom kinds with a status subresource included (issue 20)',
      }, async (i) => {
        // the first run starts with an empty cache (cold) and fills it; the others find it (warm)
        const r = await run(cache);
        return { ...r, cache: i === 0 ? 'cold' : 'warm', filledSeconds: round(r.filledMs / 1000, 2) };
      }, (r) => r.filledSeconds);
    } finally {
      await many.stop();
    }
  }
} finally {
  await sim?.stop();
}

const cpu = cpus();
const machine = {
  cpus: cpu.length, cpuModel: cpu[0]?.model, memoryGB: round(totalmem() / 2 ** 30, 1), node: process.version, os: `${process.platform} ${release()}`,
  loadAverage: loadavg().map((x) => round(x, 2)),
};
try {
  machine.kubectl = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).match(/"gitVersion":\s*"([^"]+)"/)?.[1];
} catch {
  // kubectl is only needed for the peer figure
}
const doc = { figures, machine, date: new Date().toISOString(), quick, command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}` };
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
