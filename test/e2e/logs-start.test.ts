// `node dist/cli.js logs` as built: its own reading of the command line (src/cli/options.ts)
// and the yaml package inside the logs bundle (tools/build/logs-bundle.mjs), for an app config
// file and for kubeconfigs in block and flow style. No server: the context is unreachable,
// which the command says as kubectl does. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli.js');

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: dead
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: dead
  context:
    cluster: dead
    user: u
users:
- name: u
  user:
    token: t
current-context: dead
`;

function logs(files: Record<string, string>, args: string[]): { code: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fd-logs-start-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const r = spawnSync(process.execPath, [CLI, 'logs', ...args.map((a) => a.replace('$DIR', dir))], {
    env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stderr: r.stderr };
}

describe('fleetdeck logs, built', () => {
  it('a named fleet from the app config, a block-style kubeconfig: the unreachable context said as kubectl does, exit 2 (no context answers)', () => {
    const r = logs({ kc: kubeconfig, 'config/fleetdeck/config.yaml': 'fleets:\n  mine: [dead]\n' }, ['shop/web-', '--kubeconfig', '$DIR/kc', '--fleet', 'mine', '--tail', '1']);
    expect(r.stderr).toBe('Unable to connect to the server: context "dead" (https://127.0.0.1:1): connection refused\n');
    expect(r.code).toBe(2);
  });

  it('a kubeconfig yaml refuses: its error, with the line, exit 2', () => {
    const r = logs({ kc: `${kubeconfig}preferences: {colors: [true}\n` }, ['shop/web-', '--kubeconfig', '$DIR/kc']);
    expect(r.stderr).toMatch(/^fleetdeck: \S+\/kc: invalid YAML at line 17, column \d+: /);
    expect(r.code).toBe(2);
  });

  it('and one it reads well: a flow mapping with content', () => {
    const r = logs({ kc: `${kubeconfig}preferences: {colors: true}\n` }, ['shop/web-', '--kubeconfig', '$DIR/kc']);
    expect(r.stderr).toContain('Unable to connect to the server');
    expect(r.code).toBe(2);
  });
});
