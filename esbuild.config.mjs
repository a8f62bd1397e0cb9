// Builds one minified, source-mapped CommonJS bundle per function:
//   functions/<name>/index.ts -> dist/functions/<name>/function.js (+ .map, meta.json)
//   dist/functions/<name>/index.js        the entry: `node index.js` starts the function's server
//   dist/functions/<name>/function.js.cache  V8 code cache of the bundle (cold start)
// No TypeScript at run time and nothing from node_modules except the packages listed in
// EXTERNAL, with the reason. `--no-code-cache` (or AHS_NO_CODE_CACHE=1) skips the cache.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Packages that cannot be bundled, and why. */
export const EXTERNAL = {
  // Native add-ons and require-time instrumentation hooks: bundling breaks both. Loaded
  // only when DD_TRACE_ENABLED=true; the container image installs it (knative/Dockerfile).
  'dd-trace': 'native modules and load-time instrumentation hooks',
  // pg's optional native binding, required only with `pg.native`, which we never use.
  'pg-native': 'optional native binding of pg, never used',
  // Loads its zeebe.proto and two package.json files by path relative to its own modules at run
  // time; required on use only (functions/job-bridge, shared/workflow/camunda.ts).
  '@camunda8/sdk': 'reads its proto and package.json files by relative path at run time',
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
      b.onResolve({ filter: shim.filter }, (args) => (shim.importer && !shim.importer.test(args.importer) ? undefined : { path: path.join(root, shim.path) }));
    }
  },
};

export function functionNames() {
  const dir = path.join(root, 'functions');
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory() && existsSync(path.join(dir, name, 'index.ts')))
    .sort();
}

const ENTRY = path.join(root, 'shared', 'runtime', 'bundle-entry', 'index.cjs');
const WRITE_CODE_CACHE = path.join(root, 'shared', 'runtime', 'bundle-entry', 'write-code-cache.cjs');

export async function buildFunction(name, { outRoot = path.join(root, 'dist', 'functions'), codeCache = true } = {}) {
  const outdir = path.join(outRoot, name);
  mkdirSync(outdir, { recursive: true });
  rmSync(path.join(outdir, 'function.js.cache'), { force: true });
  const result = await build({
    entryPoints: [path.join(root, 'functions', name, 'index.ts')],
    outfile: path.join(outdir, 'function.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    // Class and function names survive minification: logged errors say RetryableError, not Pc.
    keepNames: true,
    metafile: true,
    external: Object.keys(EXTERNAL),
    plugins: [leanBundles],
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  copyContractFonts(result.metafile, outdir);
  copyFileSync(ENTRY, path.join(outdir, 'index.js'));
  copyFileSync(WRITE_CODE_CACHE, path.join(outdir, 'write-code-cache.cjs'));
  if (codeCache && process.env.AHS_NO_CODE_CACHE !== '1') {
    execFileSync(process.execPath, [WRITE_CODE_CACHE, outdir], { stdio: 'inherit' });
  }
  const bytes = statSync(path.join(outdir, 'function.js')).size;
  return { name, outdir, bytes };
}

/**
 * A bundle that renders contracts (shared/contracts-document/fonts.ts) gets the two DejaVu Sans
 * files it embeds beside it, in fonts/: the container image copies the bundle folder whole.
 */
function copyContractFonts(metafile, outdir) {
  const renders = Object.keys(metafile.inputs).some((input) => input.replaceAll('\\', '/').endsWith('shared/contracts-document/fonts.ts'));
  const fontsDir = path.join(outdir, 'fonts');
  rmSync(fontsDir, { recursive: true, force: true });
  if (!renders) return;
  const ttf = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  mkdirSync(fontsDir);
  for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) copyFileSync(path.join(ttf, file), path.join(fontsDir, file));
}

export async function buildAll(options = {}) {
  const results = [];
  for (const name of functionNames()) results.push(await buildFunction(name, options));
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const codeCache = !args.includes('--no-code-cache');
  const only = args.filter((a) => !a.startsWith('--'));
  const names = only.length > 0 ? only : functionNames();
  for (const name of names) {
    const { bytes } = await buildFunction(name, { codeCache });
    const cache = existsSync(path.join(root, 'dist', 'functions', name, 'function.js.cache')) ? ' + code cache' : '';
    console.log(`built dist/functions/${name}/function.js  ${(bytes / 1024).toFixed(0)} KiB${cache}`);
  }
}
