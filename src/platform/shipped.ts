// The files fleetdeck ships beside its code (the built-in themes and keymaps, package.json),
// read from the package directory when run by Node, or from the assets embedded in the
// single executable (a Node SEA, made by `npm run build:exe`), which has no files beside it.
// Embedded files answer to paths under EMBEDDED_ROOT, so code that joins and resolves
// paths works unchanged; every other path goes to the real file system.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path prefix of embedded files inside the executable; no real directory has it. */
export const EMBEDDED_ROOT = '/<fleetdeck>';

type Sea = typeof import('node:sea');

let seaModule: Sea | null | undefined;

/** node:sea when running as the single executable, else null (Node >= 20.16 has getBuiltinModule). */
function sea(): Sea | null {
  if (seaModule === undefined) {
    const m = process.getBuiltinModule?.('node:sea') as Sea | undefined;
    seaModule = m?.isSea() ? m : null;
  }
  return seaModule;
}

/** true inside the single executable. */
export function isSingleExecutable(): boolean {
  return sea() !== null;
}

/** The package root: src/config and dist/config both sit two levels below it. */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Where a shipped file or folder ('themes', 'keymaps/vim.json') lives: a real path, or one under EMBEDDED_ROOT. */
export function shippedPath(relative: string): string {
  return sea() ? `${EMBEDDED_ROOT}/${relative}` : resolve(packageRoot(), relative);
}

function assetKey(path: string): string | undefined {
  return path.startsWith(`${EMBEDDED_ROOT}/`) ? path.slice(EMBEDDED_ROOT.length + 1) : undefined;
}

function embedded(path: string): string | undefined {
  const key = assetKey(path);
  const s = key === undefined ? null : sea();
  if (!s || key === undefined) return undefined;
  try {
    return s.getAsset(key, 'utf8');
  } catch {
    return undefined; // getAsset throws ERR_SINGLE_EXECUTABLE_APPLICATION_ASSET_NOT_FOUND
  }
}

/** existsSync that also sees the embedded files. */
export function fileExists(path: string): boolean {
  return assetKey(path) !== undefined ? embedded(path) !== undefined : existsSync(path);
}

/** readFileSync(path, 'utf8') that also reads the embedded files; a missing one throws ENOENT as fs does. */
export function readTextFile(path: string): string {
  if (assetKey(path) === undefined) return readFileSync(path, 'utf8');
  const text = embedded(path);
  if (text !== undefined) return text;
  throw Object.assign(new Error(`ENOENT: no such file embedded in fleetdeck, '${path}'`), { code: 'ENOENT', path });
}

/** The package's version, from the shipped package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readTextFile(shippedPath('package.json'))) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
