// Start-up of the single executable next to `node dist/cli.js`: `node tools/exe/startup.mjs
// KUBECONFIG` (a running `fleetdeck sim`'s) prints the medians of 5 `--version` runs and 3
// first paints (time to the header in a pty, `--context dev --command :pods`), alternating.
import pty from 'node-pty';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kc = process.argv[2];
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
const cmds = { exe: [join(root, 'dist-exe/fleetdeck'), []], node: [process.execPath, [join(root, 'dist/cli.js')]] };
const res = { version: { exe: [], node: [] }, paint: { exe: [], node: [] } };
for (let i = 0; i < 5; i++) for (const [k, [f, pre]] of Object.entries(cmds)) {
  const t = performance.now(); spawnSync(f, [...pre, '--version']); res.version[k].push(performance.now() - t);
}
for (let i = 0; i < 3; i++) for (const [k, [f, pre]] of Object.entries(cmds)) {
  const t = performance.now();
  const p = pty.spawn(f, [...pre, '--kubeconfig', kc, '--context', 'dev', '--command', ':pods', '--readonly'], { name: 'xterm-256color', cols: 120, rows: 30, env: { ...process.env, LANG: 'C.UTF-8' } });
  let out = '', paint = 0;
  await new Promise((r) => { p.onData((d) => { out += d; if (!paint && out.includes('fleetdeck')) { paint = performance.now() - t; r(); } }); setTimeout(r, 30000); });
  res.paint[k].push(paint); p.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
}
console.log(JSON.stringify({ versionMs: { exe: Math.round(med(res.version.exe)), node: Math.round(med(res.version.node)) }, firstPaintMs: { exe: Math.round(med(res.paint.exe)), node: Math.round(med(res.paint.node)) }, raw: res }));
process.exit(0);
