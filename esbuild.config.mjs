// Builds one minified, source-mapped CommonJS bundle per function:
//   functions/<name>/index.ts -> dist/functions/<name>/index.js (+ index.js.map, meta.json)
// Each bundle starts its own server when run with `node`: no TypeScript at run time and
// nothing from node_modules except the packages listed in EXTERNAL, with the reason.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Packages that cannot be bundled, and why. */
export const EXTERNAL = {
  // Native add-ons and require-time instrumentation hooks: bundling breaks both. Loaded
  // only when DD_TRACE_ENABLED=true; the container image installs it (knative/Dockerfile).
  'dd-trace': 'native modules and load-time instrumentation hooks',
  // pg's optional native binding, required only with `pg.native`, which we never use.
  'pg-native': 'optional native binding of pg, never used',
};

/**
 * Lean bundles: modules replaced by smaller equivalents because every cold start parses them.
 * Each replacement is tested beside it (shared/runtime/bundle-shims/).
 */
const SHIMS = [
  // body-parser's decoder: Node's TextDecoder instead of iconv-lite's ~480 KiB of code pages.
  { filter: /^iconv-lite$/, path: 'shared/runtime/bundle-shims/iconv-lite.ts' },
  // mime-types' database: the few types functions answer with, instead of 2,500 that
  // mime-types indexes at load.
  { filter: /^mime-db$/, path: 'shared/runtime/bundle-shims/mime-db.json' },
  // zod's locale index: English only instead of ~40 languages.
  { filter: /^\.\.\/locales\/index\.js$/, importer: /zod[\\/]v4[\\/]/, path: 'shared/runtime/bundle-shims/zod-locales.ts' },
];

const leanBundles = {
  name: 'lean-bundles',
  setup(b) {
    for (const shim of SHIMS) {
      b.onResolve({ filter: shim.filter }, (args) =>
        shim.importer && !shim.importer.test(args.importer) ? undefined : { path: path.join(root, shim.path) },
      );
    }
  },
};

export function functionNames() {
  const dir = path.join(root, 'functions');
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory() && existsSync(path.join(dir, name, 'index.ts')))
    .sort();
}

export async function buildFunction(name, { outRoot = path.join(root, 'dist', 'functions') } = {}) {
  const outdir = path.join(outRoot, name);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(root, 'functions', name, 'index.ts')],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    external: Object.keys(EXTERNAL),
    plugins: [leanBundles],
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  const bytes = statSync(path.join(outdir, 'index.js')).size;
  return { name, outdir, bytes };
}

export async function buildAll() {
  const results = [];
  for (const name of functionNames()) results.push(await buildFunction(name));
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2);
  const names = only.length > 0 ? only : functionNames();
  for (const name of names) {
    const { bytes } = await buildFunction(name);
    console.log(`built dist/functions/${name}/index.js  ${(bytes / 1024).toFixed(0)} KiB`);
  }
}
