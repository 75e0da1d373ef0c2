// The fleet options every cluster command shares and the `fleetdeck logs` subcommand, as data
// (the command table's CliOption shape). src/cli.ts makes commander's options of them, and
// parseLogsArgs reads a `fleetdeck logs …` command line from the same table with node's own
// parseArgs, so that the tail starts without loading commander (~20 ms of CPU, most of a
// start that must keep up with stern's: issue 22). What parseLogsArgs is not sure of — help,
// an unknown or malformed option, a value commander would refuse — it leaves to commander,
// which says what is wrong as for every other command.
import { parseArgs } from 'node:util';
import type { Command, Option } from 'commander';
import type { CliOption } from '../commands/table.js';

/** commander itself, loaded by the caller (this module must not load it) */
type Commander = typeof import('commander');

/**
 * The fleet options of a command: which contexts, and the namespace. Without -n, views and
 * reports (the TUI, status, changes, tree, compare, trace) cover every namespace; commands on
 * one named object (logs, exec, port-forward, the actions) use each context's own namespace,
 * as kubectl does, and a Flux kind the flux CLI's (fluxDefaultNamespace).
 */
export function fleetOptions(namespaceDefault: 'all' | 'context'): readonly CliOption[] {
  return [
    { flags: '--kubeconfig <path>', description: 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' },
    { flags: '--context <name|glob>', description: 'context(s) to cover: names, globs, comma lists; repeatable', repeatable: true },
    { flags: '--all-contexts', description: 'cover every context of the kubeconfig' },
    { flags: '--fleet <name>', description: 'a named group of contexts from the config file; repeatable', repeatable: true },
    {
      flags: '-n, --namespace <ns>',
      description: namespaceDefault === 'all' ? 'namespace scope (default: all namespaces)' : "namespace (default: each context's namespace, as kubectl; a Flux kind's: $FLUX_SYSTEM_NAMESPACE, else flux-system, as flux)",
    },
  ];
}

export const LOGS_DESCRIPTION = 'merged multi-pod, multi-context log tail (stern-like): a pod, KIND/NAME, [ctx-glob/]ns/pod-regex, or -l SELECTOR';

export const LOGS_OPTIONS: readonly CliOption[] = [
  { flags: '-l, --selector <selector>', description: 'only pods with these labels (kubectl\'s selector: app=web,tier!=db); with a TARGET query, pods both select; alone, each context\'s namespace (-n)' },
  { flags: '--since <duration>', description: 'start this far back (30s, 5m, 1h)' },
  { flags: '--tail <n>', description: 'lines per container to start with (-1: all, the default)', int: true, minusOneIsAll: true },
  { flags: '-c, --container <regex>', description: 'only containers matching' },
  { flags: '-i, --include <regex>', description: 'only lines matching' },
  { flags: '-e, --exclude <regex>', description: 'drop lines matching' },
  { flags: '-H, --highlight <regex>', description: 'highlight matches' },
  { flags: '-o, --output <format>', description: 'line format', choices: ['raw', 'json'], default: 'raw' },
  { flags: '-t, --timestamps', description: "print each line's timestamp" },
  { flags: '-p, --previous', description: 'the previous (crashed) container instance' },
  // kubectl's habit: `fleetdeck logs` always follows (stern's default), so -f changes nothing
  { flags: '-f, --follow', description: 'follow the logs: always on (accepted as kubectl logs -f)' },
  { flags: '--init-containers', description: 'include init containers' },
  { flags: '--max-streams <n>', description: 'cap on concurrent streams (default 50, at least 1); reaching it stops with an error, as stern does', int: true, min: 1 },
];

/**
 * A whole number (0 or more) written in decimal digits only, as kubectl's flag parser (Go's
 * strconv.ParseInt) takes it; undefined otherwise. Number() alone would read "" (`--tail=`) as 0
 * and " 5", "0x10", "1e3" as numbers kubectl refuses.
 */
export function wholeNumber(v: string): number | undefined {
  return /^[0-9]+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
}

/** An int option's value: a whole number (at least its min), or -1 where the option takes it for "all". */
function intValue(spec: CliOption, v: string): number | undefined {
  if (spec.minusOneIsAll && v === '-1') return -1;
  const n = wholeNumber(v);
  return n !== undefined && n >= (spec.min ?? 0) ? n : undefined;
}

/** What an int option takes, for commander's refusal ("… argument '0' is invalid. <this>"). */
export function intExpected(spec: Pick<CliOption, 'min' | 'minusOneIsAll'>): string {
  const n = spec.min ? `a whole number of at least ${spec.min}` : 'a whole number';
  return `${n}${spec.minusOneIsAll ? ' or -1 (all)' : ''} is expected`;
}

/** The option's commander form: int and repeatable values parsed, choices, default, mandatory. */
export function commanderOption(lib: Commander, spec: CliOption): Option {
  const o = new lib.Option(spec.flags, spec.description);
  if (spec.int) {
    o.argParser((v: string) => {
      const n = intValue(spec, v);
      if (n === undefined) throw new lib.InvalidArgumentError(intExpected(spec));
      return n;
    });
  }
  if (spec.repeatable) o.argParser((v: string, prev: string[] = []) => [...prev, v]);
  if (spec.choices) o.choices(spec.choices);
  if (spec.default !== undefined) o.default(spec.default);
  if (spec.required) o.makeOptionMandatory();
  return o;
}

/** What `fleetdeck logs --help` says after the options: what the options cannot. */
export const LOGS_HELP_AFTER = `
A/B is KIND/NAME where a context serves A as a kind, else ns/pod-regex; when
neither a kind nor a namespace A exists, a B with a regex metacharacter
(. * + ? ^ $ ( ) [ ] { } | \\) reads as ns/pod-regex (namespace not found), a
plain B as KIND/NAME (no such resource type). Exit 1 either way.
Pods the user may not list are said, not waited for: each refusing context's
kubectl line (Error from server (Forbidden): pods is forbidden: ...) on stderr,
the others tailed; exit 1 when no context may list them.`;

/** `fleetdeck logs <TARGET>` under `program`, with the fleet options and its own; the caller adds the action. */
export function addLogsCommand(lib: Commander, program: Command): Command {
  const cmd = program.command('logs [TARGET]').description(LOGS_DESCRIPTION).addHelpText('after', LOGS_HELP_AFTER);
  for (const spec of [...fleetOptions('context'), ...LOGS_OPTIONS]) cmd.addOption(commanderOption(lib, spec));
  return cmd;
}

interface Flag {
  spec: CliOption;
  long: string;
  short?: string;
  /** commander's key for it: --max-streams → maxStreams */
  key: string;
  takesValue: boolean;
}

function flagOf(spec: CliOption): Flag {
  const m = /^(?:-(\w), )?--([\w-]+)( <[^>]+>)?$/.exec(spec.flags);
  if (!m) throw new Error(`option "${spec.flags}": not a form parseLogsArgs reads`);
  const long = m[2];
  return { spec, long, short: m[1], key: long.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), takesValue: m[3] !== undefined };
}

/**
 * The arguments after `logs` as commander would read them, `{ target, opts }` with the options
 * under commander's keys (defaults included); undefined when commander should read them: an
 * option it does not know (`--help` among them), `--`, short flags run together or with their
 * value attached (`-tp`, `-nshop`), a value that looks like an option, more than one target or
 * none without -l,
 * or a value commander refuses (not a whole number, not one of the choices).
 */
export function parseLogsArgs(args: readonly string[]): { target: string | undefined; opts: Record<string, unknown> } | undefined {
  if (args.some((a) => a === '--' || /^-[^-]./.test(a))) return undefined;
  const flags = [...fleetOptions('context'), ...LOGS_OPTIONS].map(flagOf);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(flags.map((f) => [f.long, { type: f.takesValue ? 'string' : 'boolean', multiple: f.spec.repeatable === true, ...(f.short ? { short: f.short } : {}) }] as const)),
      allowPositionals: true,
      strict: true,
    });
  } catch {
    return undefined;
  }
  // no target: only with -l, which then names the pods
  if (parsed.positionals.length > 1 || (parsed.positionals.length === 0 && parsed.values.selector === undefined)) return undefined;
  const opts: Record<string, unknown> = {};
  for (const f of flags) {
    const v = parsed.values[f.long];
    if (v === undefined) {
      if (f.spec.default !== undefined) opts[f.key] = f.spec.default;
      continue;
    }
    if (f.spec.int) {
      const n = intValue(f.spec, v as string);
      if (n === undefined) return undefined;
      opts[f.key] = n;
    } else {
      if (f.spec.choices && !f.spec.choices.includes(v as string)) return undefined;
      opts[f.key] = v;
    }
  }
  return { target: parsed.positionals.at(0), opts };
}
