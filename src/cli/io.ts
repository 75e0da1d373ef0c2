// What the one-shot subcommands (status, tree) share: their output streams, a fleet opened
// from the CLI's selection and always closed, and colours only on a terminal.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import { openFleet, type FleetOptions, type OpenFleet } from './open.js';
import { namespaceMissingText, namespacePresence } from '../fleet/namespace-presence.js';
import type { FleetStore } from '../fleet/types.js';
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

/**
 * A `-n` namespace checked in the reachable contexts before a report over it: one that none of
 * them has is a typo, whose empty lists would read as "healthy" or "no change" — said, and the
 * command ends with exit 2 (returned); contexts without it are named on stderr and the report
 * goes on over the others. Undefined: go on.
 */
export async function checkNamespaceScope(fleet: Pick<FleetStore, 'request'>, reachable: readonly string[], namespace: string | undefined, stderr: Writable): Promise<2 | undefined> {
  if (namespace === undefined || reachable.length === 0) return undefined;
  const presence = await namespacePresence(fleet, reachable, namespace);
  const missing = [...presence].filter(([, p]) => p === 'missing').map(([c]) => c);
  if (missing.length === presence.size) {
    stderr.write(termText(`fleetdeck: ${namespaceMissingText(namespace, missing)}\n`));
    return 2;
  }
  for (const c of missing) stderr.write(termText(`fleetdeck: ${c}: namespace "${namespace}" not found: nothing there is counted\n`));
  return undefined;
}
