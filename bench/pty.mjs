// A terminal program under measurement: spawned in a pseudo-terminal (node-pty) whose output a
// headless xterm draws, so a script reads the screen a user would see. Shared by the TUI
// figures (tui-vs-k9s, tui-vs-kubectl); each run gets an empty home of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import xterm from '@xterm/headless';
import { root, sleep } from './lib.mjs';

/** XDG directories (config, state, data, cache) under `home`: no config or cache from an earlier run. */
export const isolatedEnv = (home) => ({ ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), TERM: 'xterm-256color' });

/**
 * Spawns `file args` in a cols x rows pty with an isolated environment (or `env(home)` when
 * given). Returns { p (the node-pty process), t0 (performance.now() at spawn), exited(),
 * screen() → Promise<string[]> (the visible lines once everything written so far is parsed),
 * onData(fn) (raw output too), stop() → Promise (SIGTERM, SIGKILL after 3 s, home removed) }.
 */
export function ptySession(name, file, args, { cols = 200, rows = 50, env = isolatedEnv } = {}) {
  const home = mkdtempSync(join(tmpdir(), `fd-bench-${name}-`));
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const t0 = performance.now();
  const p = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, cwd: root, env: env(home) });
  const listeners = [];
  p.onData((d) => {
    term.write(d);
    for (const fn of listeners) fn(d);
  });
  let exited = false;
  p.onExit(() => (exited = true));
  return {
    p,
    t0,
    exited: () => exited,
    onData: (fn) => listeners.push(fn),
    screen: () => new Promise((resolve) => term.write('', () => {
      const b = term.buffer.active;
      const lines = [];
      for (let i = 0; i < rows; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
      resolve(lines);
    })),
    async stop() {
      p.kill('SIGTERM');
      const by = performance.now() + 3000;
      while (!exited && performance.now() < by) await sleep(20);
      if (!exited) p.kill('SIGKILL');
      term.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
