// What the build's bundling steps (tools/build/*-bundle.mjs) share: the options of an ES
// module bundle for Node 20 written over tsc's files, and the plugin for built-in require()s.
import { builtinModules } from 'node:module';

/** esbuild options of a bundle of tsc's output (source maps through tsc's to src/), in place. */
export const NODE_BUNDLE = {
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
};

/**
 * The Node built-ins a bundled CommonJS package may require(), each with what it reads. An ES
 * module has no require(), and the single executable's bundle (tools/exe) no import.meta.url to
 * make one from, so such a require() becomes an import of the built-in's namespace: its named
 * exports, read-only, no default. That is enough for these reads only; a package that needs
 * more (a callable default such as node:assert, or assigning process.exitCode) must stay
 * outside the bundle, and the build fails rather than let it in.
 */
const REQUIRABLE = {
  process: "yaml: process.emitWarning, process.env",
  buffer: 'yaml: Buffer',
};

export const builtinRequires = {
  name: 'builtin-requires',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'require-call' || !builtinModules.includes(name)) return undefined;
      if (!(name in REQUIRABLE)) {
        return { errors: [{ text: `require('${args.path}') from ${args.importer}: only ${Object.keys(REQUIRABLE).join(', ')} may be required by a bundled package (see tools/build/esbuild-shared.mjs); leave the package outside the bundle` }] };
      }
      return { path: name, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `export * from 'node:${args.path}';`, loader: 'js' }));
  },
};
