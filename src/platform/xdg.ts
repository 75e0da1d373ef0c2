// Where fleetdeck reads the user's files and writes its own, by the XDG Base Directory spec:
// $XDG_CONFIG_HOME (default ~/.config) for config, keymaps and themes; $XDG_STATE_HOME
// (default ~/.local/state) for what it writes (the audit log). A relative XDG path is ignored,
// as the spec says. On a bastion HOME may be unset, unknown to the passwd database, or on a
// read-only file system: reading then finds no user files (defaults), and writing falls back
// to a private directory under the temp dir, with a message saying so.
import { constants } from 'node:fs';
import { access, lstat, mkdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** $HOME, else the passwd database's home; undefined when neither knows one. */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HOME) return env.HOME;
  try {
    return homedir() || undefined;
  } catch {
    return undefined; // no HOME and no passwd entry (a container's arbitrary uid)
  }
}

function base(env: NodeJS.ProcessEnv, variable: 'XDG_CONFIG_HOME' | 'XDG_STATE_HOME' | 'XDG_CACHE_HOME', fallback: string[]): string | undefined {
  const set = env[variable];
  if (set && isAbsolute(set)) return set;
  const home = homeDir(env);
  return home ? join(home, ...fallback) : undefined;
}

/** $XDG_CONFIG_HOME/fleetdeck (default ~/.config/fleetdeck); undefined without any home. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const b = base(env, 'XDG_CONFIG_HOME', ['.config']);
  return b ? join(b, 'fleetdeck') : undefined;
}

/** $XDG_CACHE_HOME/fleetdeck (default ~/.cache/fleetdeck): what may be thrown away (the discovery cache); undefined without any home. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const b = base(env, 'XDG_CACHE_HOME', ['.cache']);
  return b ? join(b, 'fleetdeck') : undefined;
}

/** $XDG_STATE_HOME/fleetdeck (default ~/.local/state/fleetdeck); undefined without any home. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const b = base(env, 'XDG_STATE_HOME', ['.local', 'state']);
  return b ? join(b, 'fleetdeck') : undefined;
}

/** A directory fleetdeck can write, and, when it is the fallback, the sentence that says why. */
export interface WritableDir {
  dir: string;
  notice?: string;
}

/** $TMPDIR/fleetdeck-<uid>: where writes go when the XDG directory cannot be written. */
export function fallbackDir(): string {
  return join(tmpdir(), `fleetdeck-${process.getuid?.() ?? 0}`);
}

/** The private fallback: fallbackDir()/<what>, mode 0700, which must be ours and no symlink. */
async function privateTempDir(what: string): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const top = fallbackDir();
  await mkdir(top, { recursive: true, mode: 0o700 });
  const st = await lstat(top);
  // another user could have made it first in a shared /tmp: never write into theirs
  if (!st.isDirectory() || st.isSymbolicLink() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new Error(`${top} is not a private directory of this user (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)})`);
  }
  const dir = join(top, what);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

async function writable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await access(dir, constants.W_OK);
}

/**
 * The error code that says why DIR cannot be made: a recursive mkdir reports ENOENT when a
 * missing parent cannot be created, so ask the nearest existing ancestor (EROFS, EACCES...).
 */
async function whyNot(dir: string, err: NodeJS.ErrnoException): Promise<string> {
  if (err.code !== 'ENOENT') return err.code ?? err.message;
  for (let d = dirname(dir); ; d = dirname(d)) {
    const found = await access(d, constants.F_OK).then(() => true, () => false);
    if (found) return access(d, constants.W_OK).then(() => 'ENOENT', (e: NodeJS.ErrnoException) => e.code ?? e.message);
    if (d === dirname(d)) return 'ENOENT';
  }
}

/**
 * The state directory, created (mode 0700) and writable; when it cannot be (no home, read-only
 * file system, no permission), $TMPDIR/fleetdeck-<uid>/state with a notice naming both and the
 * reason. Throws only when the fallback cannot be written either.
 */
export async function writableStateDir(env: NodeJS.ProcessEnv = process.env): Promise<WritableDir> {
  const dir = stateDir(env);
  let reason: string;
  if (dir) {
    try {
      await writable(dir);
      return { dir };
    } catch (e) {
      reason = `${dir} is not writable (${await whyNot(dir, e as NodeJS.ErrnoException)})`;
    }
  } else {
    reason = 'no home directory (HOME is unset and the user has no passwd entry)';
  }
  const fallback = await privateTempDir('state');
  return { dir: fallback, notice: `${reason}; writing to ${fallback} instead (set XDG_STATE_HOME to choose)` };
}
