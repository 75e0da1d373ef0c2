// Usage errors exit 2 on every command, as the README says: commander's own exit code for
// them is 1, which `status` and `compare` use as a verdict (unhealthy, differs), so a script
// could not tell a typo from a failing fleet. Help and --version exit 0. No cluster is reached:
// each line is refused before. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli.js');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fd-exit-'));
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir }, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('exit codes of the command line', () => {
  it.each([
    [['status', '--bogus'], /unknown option '--bogus'/],
    [['status', '-o', 'yaml'], /argument 'yaml' is invalid/],
    [['logs', '--bogus', 'x'], /unknown option '--bogus'/],
    [['logs', '--tail=x', 'x'], /a whole number or -1 \(all\) is expected/],
    // a value the option cannot mean: said with the option's name, before any cluster is read
    [['logs', '--max-streams', '0', 'x'], /option '--max-streams <n>' argument '0' is invalid\. a whole number of at least 1 is expected/],
    [['status', '--timeout', '0'], /option '--timeout <seconds>' argument '0' is invalid\. a whole number of at least 1 is expected/],
    [['port-forward', 'pod/x', '8080:70000'], /: port 70000 is out of range/],
    [['compare'], /missing required argument/],
    [['sim', '--bogus'], /unknown option '--bogus'/],
    // the program's own options before a subcommand that does not take them: refused, not dropped
    [['--keymap', 'vim', 'status'], /option '--keymap' does not apply to 'status'/],
    [['--theme', 'light', 'logs', 'x'], /option '--theme' does not apply to 'logs'/],
    [['--command', ':pods', 'tree', 'deploy/x'], /option '--command' does not apply to 'tree'/],
    // KIND NAME is taken as kubectl and flux take it; both forms at once is kubectl's error
    [['reconcile', 'ks/apps', 'apps'], /^error: there is no need to specify a resource type as a separate argument when passing arguments in resource\/name form/],
    [['reconcile', 'kustomization', 'apps', 'extra'], /too many arguments/],
  ])('%j: a usage error, exit 2', (args, said) => {
    const r = run(args);
    expect(r.stderr).toMatch(said);
    expect(r.code).toBe(2);
    // the error, then where help is, as kubectl: not the whole help burying it
    expect(r.stderr).not.toContain('Usage:');
    if (r.stderr.startsWith('error:')) expect(r.stderr.trimEnd().endsWith('(run with --help for usage)')).toBe(true);
  });

  // cobra's words, as kubectl says them (kubectl exits 1; here 2, as every usage error), never
  // commander's "too many arguments" nor the top-level help for a mistyped word with --help
  it.each([
    [['frobnicate'], 'error: unknown command "frobnicate" for "fleetdeck"\nRun \'fleetdeck --help\' for usage.\n'],
    [['force', 'hr/podinfo'], 'error: unknown command "force" for "fleetdeck"\nRun \'fleetdeck --help\' for usage.\n'],
    [['force', '--help'], 'error: unknown command "force" for "fleetdeck"\nRun \'fleetdeck --help\' for usage.\n'],
    [['help', 'frobnicate'], 'error: unknown command "frobnicate" for "fleetdeck"\nRun \'fleetdeck --help\' for usage.\n'],
    [['stauts'], 'error: unknown command "stauts" for "fleetdeck"\n\nDid you mean this?\n\tstatus\n\nRun \'fleetdeck --help\' for usage.\n'],
    [['--context', 'dev', 'scael', 'deploy/x'], 'error: unknown command "scael" for "fleetdeck"\n\nDid you mean this?\n\tscale\n\nRun \'fleetdeck --help\' for usage.\n'],
  ])('%j: an unknown command, exit 2', (args, said) => {
    const r = run(args);
    expect(r.stderr).toBe(said);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it.each([[['--help']], [['--version']], [['status', '--help']], [['logs', '--help']], [['help', 'status']]])('%j: exit 0', (args) => {
    expect(run(args).code).toBe(0);
  });

  // kubectl takes its global flags on either side of the subcommand (`kubectl --context x get
  // pods`): given before it, they apply to it. These name what the command then uses (a
  // kubeconfig or a context that is not there), so they show the option was read, not dropped.
  it.each([
    [['--kubeconfig', '/nonexistent/kc', 'status'], /\/nonexistent\/kc: kubeconfig file not found/],
    [['--kubeconfig', '/nonexistent/kc', 'logs', 'x'], /\/nonexistent\/kc: kubeconfig file not found/],
    [['--kubeconfig', '/nonexistent/kc', '--readonly', 'restart', 'deploy/x'], /\/nonexistent\/kc: kubeconfig file not found/],
  ])('%j: the options before the subcommand are its own', (args, said) => {
    const r = run(args);
    expect(r.stderr).toMatch(said);
    expect(r.code).toBe(2);
  });

  it("-n's default as each command has it: all namespaces for views and reports, the context's for one object (kubectl)", () => {
    for (const cmd of ['status', 'changes', 'tree', 'compare', 'trace']) expect(run([cmd, '--help']).stdout, cmd).toMatch(/-n, --namespace <ns> +namespace scope \(default: all namespaces\)/);
    for (const cmd of ['logs', 'exec', 'port-forward', 'restart', 'scale', 'delete', 'rollback']) expect(run([cmd, '--help']).stdout.replace(/\s+/g, ' '), cmd).toContain("-n, --namespace <ns> namespace (default: each context's namespace, as kubectl; a Flux kind's: $FLUX_SYSTEM_NAMESPACE, else flux-system, as flux)");
  });

  it('--timeout is an option of the one action that waits for an outcome (reconcile), not of the others', () => {
    expect(run(['reconcile', '--help']).stdout).toMatch(/--timeout <seconds> +how long to wait for the outcome/);
    for (const cmd of ['suspend', 'resume', 'restart', 'scale', 'rollback', 'delete']) expect(run([cmd, '--help']).stdout, cmd).not.toContain('--timeout');
    expect(run(['restart', 'deploy/x', '--timeout', '5']).stderr).toMatch(/unknown option '--timeout'/);
  });

  it('`help logs` is the logs help, as `logs --help` (git and kubectl take both)', () => {
    const r = run(['help', 'logs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: fleetdeck logs \[options\] \[TARGET\]/);
    expect(r.stdout).toBe(run(['logs', '--help']).stdout);
  });
});
