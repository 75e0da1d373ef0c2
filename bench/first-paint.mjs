// Figure 5: the real CLI (`node dist/cli.js --kubeconfig K --context C --command :pods`) in a
// pty (node-pty, 200x50), against a sim context of 10k pods served by another process.
// First paint: the first output holding the header (`fleetdeck`); first rows: the first
// output showing a pod row (`svc-`). Both from spawn. A `q` quits. Prints one JSON line.
import pty from 'node-pty';
import { arg, emit, root, round, sleep } from './lib.mjs';
import { join } from 'node:path';

const kubeconfig = arg('kubeconfig');
const context = arg('context');
const args = [join(root, 'dist/cli.js'), '--kubeconfig', kubeconfig, '--context', context, '--command', ':pods', '--readonly'];
const t0 = performance.now();
const p = pty.spawn(process.execPath, args, { name: 'xterm-256color', cols: 200, rows: 50, cwd: root, env: { ...process.env, XDG_CONFIG_HOME: join(root, '.fleetdeck-tmp', 'bench-config') } });
let out = '';
let firstPaint = 0;
let firstRows = 0;
p.onData((d) => {
  out += d;
  const now = performance.now() - t0;
  if (!firstPaint && out.includes('fleetdeck')) firstPaint = now;
  if (!firstRows && /svc-\d+-[a-z0-9]+-[a-z0-9]{5}/.test(out)) firstRows = now;
});
let exited = false;
p.onExit(() => (exited = true));
const deadline = performance.now() + 60_000;
while (!firstRows && !exited && performance.now() < deadline) await sleep(5);
p.write('q');
const quitBy = performance.now() + 3000;
while (!exited && performance.now() < quitBy) await sleep(20);
if (!exited) p.kill();
if (!firstRows) throw new Error(`no rows within 60 s; output tail: ${JSON.stringify(out.slice(-500))}`);
emit({ firstPaintMs: round(firstPaint, 0), firstRowsMs: round(firstRows, 0) });
process.exit(0);
