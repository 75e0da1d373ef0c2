#!/usr/bin/env node
// The second step of `npm run build`: `fleetdeck logs`' modules — what dist/cli/logs.js imports
// statically, ours and the packages' (yaml, get-east-asian-width) — bundled by esbuild into
// dist/cli/logs.js itself, in place of tsc's file. Why: Node loads each ES or CommonJS module
// on its own (resolve, read, compile, link), and for the ~60 modules of that graph this cost
// more than the rest of the command's start: 0.17 s of CPU and 56 MB RSS to import them one by
// one against 0.10 s and 49 MB as one file (measured 2026-12-02, issue 22: the tail must start
// as fast as stern). Every other module of dist/ stays tsc's, as do the modules the bundle
// imports dynamically (loaded when needed: undici's transport, client-node, ws, chalk) and
// src/platform/shipped.ts (it finds the package by its own file's place). The source map points
// through tsc's maps to src/.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtinRequires, NODE_BUNDLE } from './esbuild-shared.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = join(root, 'dist', 'cli', 'logs.js');

/** Dynamic imports and shipped.js stay modules of their own, referred to from the bundle's place. */
const keepSeparate = {
  name: 'keep-separate',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relativePath = args.path.startsWith('.');
      if (args.kind === 'dynamic-import' && !relativePath) return { path: args.path, external: true };
      if (!relativePath) return undefined;
      const abs = resolve(args.resolveDir, args.path);
      if (args.kind !== 'dynamic-import' && !abs.endsWith(join('platform', 'shipped.js'))) return undefined;
      let rel = relative(dirname(file), abs);
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return { path: rel, external: true };
    });
  },
};

const result = await build({
  ...NODE_BUNDLE,
  entryPoints: [file],
  outfile: file,
  plugins: [keepSeparate, builtinRequires],
});
const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes;
console.log(JSON.stringify({ bundle: relative(root, file), modules: inputs, bytes }));
