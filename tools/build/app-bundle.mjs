#!/usr/bin/env node
// The last step of `npm run build`: dist/cli.js and every module it imports, statically or
// lazily, bundled by esbuild with code splitting. dist/cli.js becomes the entry and each lazily
// imported graph (the TUI's launch, then its app and store; each subcommand) a set of shared
// chunks beside it (dist/chunk-*.js), so a module still loads only when its command needs it,
// and only once: every importer in the process shares one instance.
// Why: Node loads each ES or CommonJS module on its own (resolve, read, compile, link); the TUI
// reads ~110 of them (yaml's ~80 among them) before its first paint and ~150 more before the
// first rows. One context of 10k pods, alternating, 8 runs each (load ~10, 2026-12-02): first
// paint 259 ms median instead of 318, first rows 861 ms instead of 1067.
// What stays outside, as the package's own files:
//   - packages that read files beside their own code or are loaded only on some paths (blessed,
//     blessed-contrib, @kubernetes/client-node, undici, ws, socks, commander): see BUNDLED;
//   - dist/platform/shipped.js: it finds the package's files from its own place (import.meta.url);
//   - dist/cli/logs.js: `fleetdeck logs` is its own bundle (tools/build/logs-bundle.mjs).
// The modules of dist/ other than cli.js stay as tsc wrote them (the bench and tools import
// some directly); the TUI and every subcommand run from the bundle. Source maps point through
// tsc's maps to src/.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtinRequires, NODE_BUNDLE } from './esbuild-shared.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const entry = join(dist, 'cli.js');

/** Packages bundled in: plain JavaScript that reads no file of its own (built-ins: esbuild-shared.mjs). */
const BUNDLED = /^(yaml|get-east-asian-width|fuse\.js|chalk)(\/|$)/;
/** dist/ modules left as files, referred to from dist/ (the entry and its chunks all live there). */
const SEPARATE = [join(dist, 'platform', 'shipped.js'), join(dist, 'cli', 'logs.js')];

const keepSeparate = {
  name: 'keep-separate',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.namespace === 'builtin') return undefined;
      if (!args.path.startsWith('.')) {
        // built-ins: esbuild's own (imports) or builtinRequires (a bundled package's require())
        // and a bundled package's own subpath imports (chalk's #ansi-styles)
        if (args.path.startsWith('node:') || builtinModules.includes(args.path) || BUNDLED.test(args.path) || args.path.startsWith('#')) return undefined;
        return { path: args.path, external: true };
      }
      const abs = resolve(args.resolveDir, args.path);
      if (!SEPARATE.includes(abs)) return undefined;
      return { path: `./${relative(dist, abs)}`, external: true };
    });
  },
};

// The entry must be tsc's: a second run over a bundled cli.js would bundle the bundle, whose
// chunks are removed below
const map = JSON.parse(readFileSync(`${entry}.map`, 'utf8'));
if (map.sources.length !== 1 || !map.sources[0].endsWith('src/cli.ts')) throw new Error('dist/cli.js is not what tsc wrote: run `npm run build` (tsc first)');
for (const f of readdirSync(dist)) if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(f)) rmSync(join(dist, f));

const result = await build({
  ...NODE_BUNDLE,
  entryPoints: [entry],
  outdir: dist,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  plugins: [keepSeparate, builtinRequires],
});
// import.meta.url in a chunk names the chunk's place, not the module's: only shipped.js may ask
const inputs = Object.keys(result.metafile.inputs);
const metaUsers = inputs.filter((p) => p.startsWith('dist/') && existsSync(join(root, p)) && /\bimport\.meta\b/.test(readFileSync(join(root, p), 'utf8')));
if (metaUsers.length) throw new Error(`import.meta used in ${metaUsers.join(', ')}: in the bundle it names a chunk's place (read shipped files through src/platform/shipped.ts)`);
const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
console.log(JSON.stringify({ bundle: relative(root, entry), modules: inputs.length, files: outputs.length, bytes: outputs.reduce((n, [, o]) => n + o.bytes, 0) }));
