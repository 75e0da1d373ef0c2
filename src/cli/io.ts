// What the one-shot subcommands (status, tree) share: their output streams, a fleet opened
// from the CLI's selection and always closed, and colours only on a terminal.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import { openFleet, type FleetOptions, type OpenFleet } from './open.js';
import { termText } from '../model/sanitize.js';

export interface CommandIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/**
 * Opens the selected fleet, runs `body` and closes the fleet whatever happens. A selection
 * that cannot be opened (kubeconfig, unknown context) or an error thrown by `body` is
 * written to stderr and is exit code 2.
 */
export async function withFleet(opts: FleetOptions, io: CommandIO, body: (opened: OpenFleet) => Promise<number>): Promise<number> {
  let opened: OpenFleet;
  try {
    opened = openFleet(opts, io.env);
  } catch (e) {
    io.stderr.write(termText(`fleetdeck: ${(e as Error).message}\n`));
    return 2;
  }
  try {
    return await body(opened);
  } catch (e) {
    io.stderr.write(termText(`fleetdeck: ${(e as Error).message}\n`));
    return 2;
  } finally {
    await opened.fleet.close();
  }
}

/** Colours on a terminal unless NO_COLOR; 16 of them, for bastion terminals. */
export function commandColours(io: CommandIO): ChalkInstance {
  const tty = io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
  return new Chalk({ level: tty ? 1 : 0 });
}
