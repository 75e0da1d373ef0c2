// `fleetdeck logs` reads its command line without commander (parseLogsArgs, src/cli/options.ts):
// whatever it reads must come out as commander reads it from the same table, and what it
// leaves to commander must be what commander refuses or answers (help, errors) or forms it
// does not read itself.
import * as commander from 'commander';
import { describe, expect, it } from 'vitest';
import { addLogsCommand, commanderOption, fleetOptions, parseLogsArgs } from '../../src/cli/options.js';

/** commander's reading of `fleetdeck logs ARGS`, as src/cli.ts sets it up; undefined when it refuses or answers with help. */
function viaCommander(args: string[]): { target: string | undefined; opts: Record<string, unknown> } | undefined {
  const program = new commander.Command('fleetdeck').enablePositionalOptions().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const spec of fleetOptions('all')) program.addOption(commanderOption(commander, spec));
  let got: { target: string | undefined; opts: Record<string, unknown> } | undefined;
  addLogsCommand(commander, program)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .action((target: string | undefined, opts: Record<string, unknown>) => {
      got = { target, opts: { ...opts } };
    });
  try {
    program.parse(['node', 'fleetdeck', 'logs', ...args]);
  } catch {
    return undefined;
  }
  return got;
}

const read = [
  ['scale-1/team-1/.', '--kubeconfig', '/k', '--context', 'scale-1', '--tail', '1', '--max-streams', '60'],
  ['deploy/web', '-n', 'shop', '--tail=0', '-o', 'json', '-t', '-p', '--init-containers'],
  ['--context', 'a', '--context', 'b*', '--fleet', 'prod', '--fleet', 'dev', '.'],
  ['-c', 'app', '-i', 'error', '-e', 'health', '-H', 'GET', '--since', '5m', 'shop/web-'],
  ['x', '--all-contexts', '--output=raw', '--namespace=', '--tail', '3', '--tail', '7'],
  ['--include=-x', 'pod/a'],
  // -1: every line, as kubectl's and stern's --tail -1
  ['x', '--tail=-1'],
  // kubectl's -f: accepted (the tail always follows)
  ['-f', 'deploy/web', '--follow'],
  ['', '--kubeconfig', ''],
  // -l (kubectl's and stern's): alone it names the pods; with a query, both select
  ['-l', 'app=cart-api', '-n', 'checkout'],
  ['--selector=app in (a,b),!canary', 'shop/web-'],
];

const left = [
  ['--help'],
  ['-h', 'x'],
  ['x', '--version'],
  ['x', '--readonly'],
  ['x', '--tail', '-1'],
  ['x', '--tail', 'one'],
  ['x', '--tail', '1.5'],
  // kubectl refuses these (strconv.ParseInt); Number() alone read "" as 0
  ['x', '--tail='],
  ['x', '--tail', ' 5'],
  ['x', '--tail=0x10'],
  ['x', '--max-streams=1e3'],
  ['x', '--max-streams='],
  ['x', '--max-streams', '-3'],
  // below the option's min: a cap of 0 streams tails nothing (it ran and said it reached the cap)
  ['x', '--max-streams', '0'],
  ['x', '-o', 'yaml'],
  ['x', '--timestamps=yes'],
  ['x', '--tail'],
  [],
  ['a', 'b'],
  ['-tp', 'x'],
  ['-nshop', 'x'],
  ['--', '-x'],
  ['x', '-i', '-foo'],
];

describe('fleetdeck logs: its own reading of the command line', () => {
  it.each(read)('reads %j as commander does', (...args) => {
    const mine = parseLogsArgs(args);
    expect(mine).toBeDefined();
    expect(mine).toEqual(viaCommander(args));
  });

  it.each(left)('leaves %j to commander', (...args) => {
    expect(parseLogsArgs(args)).toBeUndefined();
  });

  it('what it leaves that commander reads comes out the same there', () => {
    // the forms it does not read itself, read by commander, are the same command line
    expect(viaCommander(['-tp', 'x'])?.opts).toMatchObject({ timestamps: true, previous: true });
    expect(viaCommander(['-nshop', 'x'])?.opts).toMatchObject({ namespace: 'shop' });
    // and what commander refuses or answers, it refuses
    expect(viaCommander(['x', '--tail', '-1'])?.opts).toMatchObject({ tail: -1 });
    for (const args of [['--help'], ['x', '--tail', '-2'], ['x', '--tail='], ['x', '--max-streams', '0x10'], ['x', '--max-streams', '0'], ['x', '-o', 'yaml'], ['x', '--readonly']]) expect(viaCommander(args)).toBeUndefined();
    // no target: commander reads it (TARGET is optional since -l), the command says what is missing
    expect(viaCommander([])).toEqual({ target: undefined, opts: { output: 'raw' } });
    expect(viaCommander(['x', '--max-streams', '1'])?.opts).toMatchObject({ maxStreams: 1 });
  });
});
