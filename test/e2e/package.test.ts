// The npm package as a user gets it: `npm pack` holds only what runs (package.json `files`:
// the compiled code, themes, keymaps, README), and the tarball installed with
// `npm install -g --prefix` into an empty prefix runs `fleetdeck --version`. The dependencies
// come from npm's cache (filled by `npm ci`), the registry only for what it lacks. Run
// `npm run build` first. Prints the sizes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'fd-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function du(dir: string): number {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

it('npm pack holds only what runs; installed into a clean prefix, fleetdeck --version runs', () => {
  if (!existsSync('dist/cli.js')) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', tmp], { encoding: 'utf8', timeout: 120_000 });
  expect(packed.status, packed.stderr).toBe(0);
  const info = (JSON.parse(packed.stdout) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[])[0];
  const files = info.files.map((f) => f.path);
  const strays = files.filter((p) => !/^(dist\/.+\.js|themes\/[^/]+\.json|keymaps\/[^/]+\.json|package\.json|README\.md)$/.test(p));
  expect(strays).toEqual([]);
  for (const must of ['dist/cli.js', 'dist/ui/app.js', 'dist/cli/sim.js', 'themes/default.json', 'keymaps/default.json', 'README.md']) expect(files).toContain(must);

  const prefix = join(tmp, 'prefix');
  const installed = spawnSync('npm', ['install', '-g', '--prefix', prefix, join(tmp, info.filename), '--prefer-offline', '--no-audit', '--no-fund'], {
    encoding: 'utf8',
    timeout: 540_000,
    // a user's install: no project .npmrc, the user's cache
    cwd: tmp,
  });
  expect(installed.status, installed.stderr).toBe(0);
  const bin = join(prefix, 'bin', 'fleetdeck');
  // the package needs Node; nothing else of this checkout's environment
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { PATH: dirname(process.execPath), HOME: tmp } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe(`fleetdeck ${VERSION} (node ${process.version}, ${process.platform}-${process.arch})`);
  // the built-in keymaps are found in the installed package (the list is made from the files)
  const keymaps = spawnSync(bin, ['demo', '--keymap', 'no-such-keymap'], { encoding: 'utf8', timeout: 60_000, env: { PATH: dirname(process.execPath), HOME: tmp, TERM: 'xterm' } });
  expect(keymaps.stderr).toContain('unknown keymap "no-such-keymap" (built-in: default, vim)');
  expect(keymaps.status).toBe(2);

  const installedBytes = du(join(prefix, 'lib', 'node_modules', 'fleetdeck'));
  console.log(JSON.stringify({
    tarballKB: Math.round(info.size / 1024),
    unpackedKB: Math.round(info.unpackedSize / 1024),
    files: info.entryCount,
    installedWithDependenciesMB: Math.round(installedBytes / 1e5) / 10,
  }));
}, 600_000);
