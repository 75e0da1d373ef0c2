#!/usr/bin/env node
// fleetdeck's command line: argument parsing and subcommands. Each subcommand's work lives
// in its own layer and is imported lazily, so starting the TUI loads only what it needs, and
// commander too: `fleetdeck logs` reads its options without it (src/cli/options.ts).
import type { Command, CommanderError } from 'commander';
import type { LogsCommandOptions } from './cli/logs.js';
import { addLogsCommand, commanderOption, fleetOptions as fleetOptionsFor, intExpected, parseLogsArgs, wholeNumber } from './cli/options.js';
import { isSingleExecutable, packageVersion } from './platform/shipped.js';
import type { CliCommand } from './commands/table.js';
import type { SelectionOptions } from './fleet/selection.js';
import { unknownCommandText } from './model/suggest.js';

type Commander = typeof import('commander');

/**
 * Once the TUI has restored the terminal, quitting means quitting: anything still holding the
 * event loop 2 s later (a connection the server keeps open, a stopping simulated fleet) is
 * not worth keeping the user at a dead screen for. The timer is unref'd: a clean exit comes first.
 */
const exitAfterGrace = (): void => {
  setTimeout(() => process.exit(), 2000).unref();
};
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `fleetdeck 0.1.0 (single executable, node v20.20.2, linux-x64)`: what a bug report needs. */
function versionLine(): string {
  const how = isSingleExecutable() ? 'single executable, ' : '';
  return `fleetdeck ${packageVersion()} (${how}node ${process.version}, ${process.platform}-${process.arch})`;
}

/**
 * Commander exits 1 on a usage error (an unknown option, a missing or bad value, an extra
 * argument). Here 1 is a verdict — unhealthy (`status`), differs (`compare`) — so a typo must
 * not read as one to a script: usage errors exit 2, as every other error of the command line
 * does; help and --version still exit 0.
 */
const usageExit = (err: CommanderError): never => process.exit(err.exitCode === 0 ? 0 : 2);
/** after a usage error, as kubectl's "See 'kubectl logs -h' for help": the error stays the last thing read, not buried under the help */
const USAGE_HINT = '(run with --help for usage)';

/**
 * The whole command line. `actions`: the command table's action subcommands (suspend, scale,
 * rollback, ...); without them the program has only the subcommands defined here.
 */
export function buildProgram(lib: Commander, actions: readonly CliCommand[]): Command {
  const { Argument, Command, InvalidArgumentError, Option } = lib;
  /** a whole number option's parser; `min`: the smallest value that means something */
  const intFrom = (min: number) => (v: string): number => {
    const n = wholeNumber(v);
    if (n === undefined || n < min) throw new InvalidArgumentError(intExpected({ min }));
    return n;
  };
  const int = intFrom(0);
  // caches cannot sync in 0 s: `status --timeout 0` said every context unreachable
  const seconds = intFrom(1);
  /** The options every command that talks to clusters shares; `-n`'s default is the command's (src/cli/options.ts). */
  const fleetOptions = (cmd: Command, namespaceDefault: 'all' | 'context' = 'all'): Command => {
    for (const spec of fleetOptionsFor(namespaceDefault)) cmd.addOption(commanderOption(lib, spec));
    return cmd;
  };
  const program = new Command('fleetdeck')
    .description('A terminal dashboard for Kubernetes fleets: many contexts at once.')
    .showHelpAfterError(USAGE_HINT)
    .exitOverride(usageExit)
    // `fleetdeck help logs`, as git and kubectl take it: commander adds it by itself only to a
    // program without an action of its own (ours opens the TUI)
    .helpCommand(true)
    .enablePositionalOptions()
    .version(versionLine(), '--version', 'print the version (and the Node.js inside the single executable) and exit');

  const sim = new Command('sim')
    .exitOverride(usageExit)
    .showHelpAfterError(USAGE_HINT)
    .description('serve the simulated fleet (a Kubernetes-API server per simulated cluster) until SIGINT/SIGTERM')
    .addOption(new Option('--scenario <name>', 'what the fleet holds (hostile: the demo with hostile text everywhere)').choices(['demo', 'healthy', 'scale', 'hostile']).default('demo'))
    .option('--seed <n>', 'hostile: the seed of its text', int)
    .option('--kubeconfig-out <file>', 'write the kubeconfig here (default: a temporary file, printed)')
    .option('--contexts <n>', 'scale: number of clusters (at least 1)', intFrom(1))
    .option('--namespaces <n>', 'scale: namespaces per cluster', int)
    .option('--deployments <n>', 'scale: deployments per namespace', int)
    .option('--pods-per-deployment <n>', 'scale: pods per deployment', int)
    .option('--churn <n>', 'scale: changes per second per cluster', int)
    .option('--api-groups <n>', 'scale: extra API groups per cluster, served by CRDs (2 kinds, 2 versions each)', int)
    .option('--log-rate <n>', 'log lines per second each running container writes (default 1)', int)
    .action(async (o) => {
      const { runSim } = await import('./cli/sim.js');
      process.exitCode = await runSim({
        scenario: o.scenario,
        kubeconfigOut: o.kubeconfigOut,
        contexts: o.contexts,
        namespaces: o.namespaces,
        deployments: o.deployments,
        podsPerDeployment: o.podsPerDeployment,
        churn: o.churn,
        apiGroups: o.apiGroups,
        logRate: o.logRate,
        seed: o.seed,
      });
    });
  program.addCommand(sim);

  // kubectl takes its global flags on either side of the subcommand (`kubectl --context x logs
  // …`): the program's options given before a subcommand apply to it (after it, the
  // subcommand's own value wins, as kubectl's last flag does; repeatable ones add up). One the
  // subcommand does not take is refused, never dropped: `--context prod restart …` acted on
  // the current context. --readonly before a command that changes nothing is true already.
  program.hook('preAction', (_program, sub) => {
    if (sub === program) return;
    for (const opt of program.options) {
      const key = opt.attributeName();
      if (program.getOptionValueSource(key) !== 'cli') continue;
      if (!sub.options.some((o) => o.attributeName() === key)) {
        if (key === 'readonly') continue;
        sub.error(`error: option '${opt.long ?? opt.flags}' does not apply to '${sub.name()}'`);
      }
      const before: unknown = program.getOptionValue(key);
      const after: unknown = sub.getOptionValueSource(key) === 'cli' ? sub.getOptionValue(key) : undefined;
      sub.setOptionValueWithSource(key, Array.isArray(before) && Array.isArray(after) ? [...before, ...after] : (after ?? before), 'cli');
    }
  });

  fleetOptions(program)
    .option('--readonly', 'refuse every mutating action (enforced in the action executor)')
    .option('--keymap <name|path>', 'keymap: default, vim, or a file')
    .option('--theme <name|path>', 'theme: default, light, 16color, high-contrast, or a file')
    .option('--command <cmd>', "the view to start in, e.g. ':flux', ':pods', ':problems'")
    .action(async (o) => {
      const { launchTui } = await import('./ui/launch.js');
      process.exitCode = await launchTui(o);
      exitAfterGrace();
    });

  program
    .command('demo')
    .description('start the simulated fleet (dev, staging, prod-eu) in-process and open the TUI on it')
    .addOption(new Option('--scenario <name>', 'what the fleet holds (hostile: the demo with hostile text everywhere)').choices(['demo', 'healthy', 'scale', 'hostile']).default('demo'))
    .option('--seed <n>', 'hostile: the seed of its text', int)
    .option('--readonly', 'refuse every mutating action')
    .option('--keymap <name|path>', 'keymap: default, vim, or a file')
    .option('--theme <name|path>', 'theme: default, light, 16color, high-contrast, or a file')
    .option('--command <cmd>', 'the view to start in')
    .action(async (o) => {
      const { checkTerminal, launchTui } = await import('./ui/launch.js');
      checkTerminal();
      const { startScenarioFleet } = await import('./cli/sim.js');
      const sim = await startScenarioFleet({ scenario: o.scenario, seed: o.seed });
      try {
        process.exitCode = await launchTui({ ...o, kubeconfig: sim.kubeconfigPath, allContexts: true });
      } finally {
        exitAfterGrace();
        await sim.stop();
      }
    });
  fleetOptions(program.command('status'))
    .description('fleet health summary with every problem; exit 0 healthy, 1 something is not Current, 2 error')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--timeout <seconds>', 'how long to wait for caches to sync (default 20, at least 1)', seconds)
    .option('--fail-on-suspended', 'count suspended Flux objects, Jobs and CronJobs as problems')
    .action(async (o) => {
      const { runStatusCommand } = await import('./cli/status.js');
      process.exitCode = await runStatusCommand(
        { ...o, timeoutMs: o.timeout === undefined ? undefined : o.timeout * 1000 },
        { stdout: process.stdout, stderr: process.stderr, env: process.env },
      );
    });

  fleetOptions(program.command('tree <KIND/NAME>').argument('[name]', 'NAME, when the kind is given alone (kubectl and flux take `tree KIND NAME`)'))
    .description('the ownership tree of an object (ownerReferences, Flux inventories, Helm labels) with health')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <seconds>', 'how long to wait for caches to sync (default 20, at least 1)', seconds)
    .action(async (kind: string, name: string | undefined, o, cmd: Command) => {
      const target = kindSlashName(cmd, kind, name);
      const { runTreeCommand } = await import('./cli/tree.js');
      process.exitCode = await runTreeCommand(
        target,
        { ...o, timeoutMs: o.timeout === undefined ? undefined : o.timeout * 1000 },
        { stdout: process.stdout, stderr: process.stderr, env: process.env },
      );
    });

  const io = () => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });
  const timeoutMs = (o: { timeout?: number }) => (o.timeout === undefined ? undefined : o.timeout * 1000);
  fleetOptions(program.command('compare <KIND/NAME>').argument('[name]', 'NAME, when the kind is given alone (kubectl and flux take `compare KIND NAME`)'))
    .description('the same object side by side across contexts; exit 0 the same everywhere, 1 it differs or is missing, 2 error or a context unreadable')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <seconds>', 'how long to wait for caches to sync (default 20, at least 1)', seconds)
    .action(async (kind: string, name: string | undefined, o, cmd: Command) => {
      const { runCompareCommand } = await import('./cli/compare.js');
      process.exitCode = await runCompareCommand(kindSlashName(cmd, kind, name), { ...o, timeoutMs: timeoutMs(o) }, io());
    });

  fleetOptions(program.command('trace <KIND/NAME>').argument('[name]', 'NAME, when the kind is given alone (kubectl and flux take `trace KIND NAME`)'))
    .description('an object up its owners to the Flux Kustomization/HelmRelease and source that put it there, in every context (flux trace, fleet-wide)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <seconds>', 'how long to wait for caches to sync (default 20, at least 1)', seconds)
    .action(async (kind: string, name: string | undefined, o, cmd: Command) => {
      const { runTraceCommand } = await import('./cli/trace.js');
      process.exitCode = await runTraceCommand(kindSlashName(cmd, kind, name), { ...o, timeoutMs: timeoutMs(o) }, io());
    });

  fleetOptions(program.command('changes'))
    .description('what changed across the fleet, newest first: rollouts, Flux revisions, Helm upgrades/rollbacks, creations, Warning events')
    .option('--since <duration>', 'how far back (30m, 1h, 2h30m)', '1h')
    .option('--kind <kind>', 'only these kinds (deploy, ks, ...); repeatable', collect)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <seconds>', 'how long to wait for caches to sync (default 20, at least 1)', seconds)
    .action(async (o) => {
      const { runChangesCommand } = await import('./cli/changes.js');
      process.exitCode = await runChangesCommand({ ...o, timeoutMs: timeoutMs(o) }, io());
    });

  addLogsCommand(lib, program)
    .action(async (target: string, o) => {
      const { runLogs } = await import('./cli/logs.js');
      process.exitCode = await runLogs(target, o);
    });

  const sessionFlags = (c: Command): Command =>
    fleetOptions(c, 'context')
      .option('--dry-run', 'print the plan (the exact request) and open nothing')
      .option('-y, --yes', 'protected contexts: with --protected-ok, do not ask for the typed name')
      .option('--protected-ok', 'with --yes: act on protected contexts without typing the name')
      .option('--readonly', 'refuse (read-only mode)');

  sessionFlags(program.command('exec <KIND/NAME>'))
    .description('run a command in a container (pods/exec over WebSocket), e.g. fleetdeck exec deploy/web -n shop -- ls /')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-c, --container <name>', 'the container (default: the only one)')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'allocate a terminal (with -i, for shells)')
    .action(async (target: string, command: string[], o) => {
      const { runExecCommand } = await import('./cli/triage.js');
      process.exitCode = await runExecCommand(target, command, o, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
    });

  sessionFlags(program.command('port-forward <TARGET>'))
    .description('forward local ports to a pod (TARGET: pod/NAME, deploy/NAME, svc/NAME, ...) until Ctrl-C')
    .argument('<ports...>', '[LOCAL:]REMOTE, e.g. 8080:80, :5432 (any free local port), 8443:https')
    .action(async (target: string, ports: string[], o) => {
      const { runPortForwardCommand } = await import('./cli/triage.js');
      process.exitCode = await runPortForwardCommand(target, ports, o, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
    });

  program
    .command('completion')
    .description('print a shell completion script: source <(fleetdeck completion bash)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('./cli/completion.js');
      process.stdout.write(completionScript(shell, buildProgram(lib, await actionCommands()))); // terminal-safe: our own script text
    });

  program
    .command('__contexts', { hidden: true })
    .option('--kubeconfig <path>')
    .action(async (o: { kubeconfig?: string }) => {
      const { contextNames, loadKubeconfig } = await import('./kube/kubeconfig.js');
      const { termText } = await import('./model/sanitize.js');
      process.stdout.write(termText(contextNames(loadKubeconfig({ kubeconfig: o.kubeconfig })).join('\n') + '\n'));
    });

  // the action subcommands: the command table's `cli` entries (src/commands/table.ts), with the
  // same catalog, executor and confirmations as the TUI
  for (const a of actions) {
    const cmd = fleetOptions(program.command(`${a.name} <KIND/NAME>`).argument('[name]', `NAME, when the kind is given alone (\`${a.name} KIND NAME\`, as kubectl and flux take it)`).description(a.description), 'context')
      .option('--dry-run', 'print the plan (every request) and send nothing')
      .option('-y, --yes', 'do not ask for confirmation (protected contexts still need --protected-ok)')
      .option('--protected-ok', 'with --yes: act on protected contexts without typing the name')
      .option('--readonly', 'refuse (useful to check what a script would do)');
    for (const spec of a.options ?? []) cmd.addOption(commanderOption(lib, spec));
    cmd.action(async (kind: string, name: string | undefined, o, sub: Command) => {
      const target = kindSlashName(sub, kind, name);
      const { runShellAction } = await import('./cli/actions-fleet.js');
      process.exitCode = await runShellAction(
        o.resumeAndReconcile ? 'resume-and-reconcile' : a.name,
        { ...o, target, timeoutSeconds: o.timeout, propagationPolicy: o.cascade },
        { stdout: process.stdout, stderr: process.stderr },
      );
    });
  }
  refuseUnknownCommands(program);
  return program;
}

/**
 * KIND/NAME from the command's words: `deploy/web`, or `deployment web` as kubectl and the flux
 * CLI take it (`flux reconcile kustomization apps`). Both forms at once is kubectl's usage error.
 */
function kindSlashName(cmd: Command, kind: string, name: string | undefined): string {
  if (name === undefined) return kind;
  if (kind.includes('/')) {
    cmd.error(`error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'fleetdeck ${cmd.name()} resource/<resource_name>' instead of 'fleetdeck ${cmd.name()} resource resource/<resource_name>'`, { exitCode: 2 });
  }
  return `${kind}/${name}`;
}

/**
 * A first word that names no subcommand is cobra's (kubectl's) unknown-command error, with its
 * suggestions, exit 2 as every usage error — not commander's "too many arguments" (the TUI's
 * action takes none), and not the top-level help for `fleetdeck typo --help`. The program's
 * own options are read first (`--context x typo` is still the typo); `help typo` is refused alike.
 * No word at all still opens the TUI.
 */
function refuseUnknownCommands(program: Command): void {
  // what help lists (its `help` too), not the hidden completion helper
  const names = program.createHelp().visibleCommands(program).map((c) => c.name());
  const known = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const parseOptions = program.parseOptions.bind(program);
  program.parseOptions = (args) => {
    const parsed = parseOptions(args);
    const [first] = parsed.operands;
    const word = first === 'help' ? [...parsed.operands.slice(1), ...parsed.unknown].find((a) => !a.startsWith('-')) : first;
    if (word !== undefined && !(known.has(word) || word === 'help')) {
      program.showHelpAfterError(false);
      program.error(unknownCommandText(program.name(), word, names), { code: 'commander.unknownCommand', exitCode: 2 });
    }
    return parsed;
  };
}

/** Known user errors print their message and exit 2; anything else is a bug and says so. */
async function fail(e: unknown): Promise<void> {
  const { termText } = await import('./model/sanitize.js');
  const err = e as Error;
  const known = ['KubeconfigError', 'ConfigError', 'SelectorError', 'UsageError', 'TerminalError'];
  if (known.includes(err?.name) || known.includes(err?.constructor?.name)) {
    process.stderr.write(termText(`fleetdeck: ${err.message}\n`));
  } else {
    process.stderr.write(termText(`fleetdeck: unexpected error: ${err?.stack ?? String(e)}\n`));
  }
  process.exitCode = 2;
}

// A reader that goes away (`fleetdeck status | head -1`) ends the command quietly, as a Go
// CLI (kubectl, flux) dies of SIGPIPE: exit 141 (128 + SIGPIPE), never an 'unhandled error'
// trace. Node ignores SIGPIPE, so the broken pipe arrives as EPIPE on the stream instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
    throw e;
  });
}

/** The command table's action subcommands: loading the table loads the kind registry. */
async function actionCommands(): Promise<CliCommand[]> {
  return (await import('./commands/table.js')).cliCommands();
}

// `fleetdeck logs …` reads its own options from the table commander's come from and starts
// without commander or the command table (~20 ms of CPU, ~1 MB, of a tail that must start as
// fast as stern: issue 22); what it is not sure of goes to the whole program, as every other
// command line does. Even then logs needs none of the action subcommands, whose table costs
// ~5 MB and ~30 ms (the kind registry); help, completion and an action build them all.
// (no top-level await: the single executable's bundle is CommonJS)
const argv = process.argv;
const quick = argv[2] === 'logs' ? parseLogsArgs(argv.slice(3)) : undefined;
(quick
  ? import('./cli/logs.js').then(async ({ runLogs }) => {
      process.exitCode = await runLogs(quick.target, quick.opts as LogsCommandOptions & SelectionOptions);
    })
  : Promise.all([import('commander'), argv[2] === 'logs' ? [] : actionCommands()]).then(([lib, actions]) => buildProgram(lib, actions).parseAsync(argv))
).catch(fail);
