'use strict';
// The entry of every function image: `node index.js` runs the function's bundle (function.js)
// through V8's code cache (function.js.cache), so a cold start skips most of the parsing and
// compiling of the bundle — what Node 22's module.enableCompileCache() does, on Node 20.
// Without a cache, or with one V8 rejects (another Node version), the bundle compiles as usual.
// Written by esbuild.config.mjs beside each bundle; the cache by write-code-cache.cjs.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { SourceMap, wrap, wrapper } = require('node:module');
const { Script } = require('node:vm');

const file = join(__dirname, 'function.js');
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });

if (process.env.AHS_WRITE_CODE_CACHE === '1') {
  // Asked by write-code-cache.cjs once the function answers its readiness probe, so the cache
  // holds every function compiled while booting and serving.
  process.once('SIGUSR2', () => {
    writeFileSync(`${file}.cache`, script.createCachedData());
    process.exit(0);
  });
}

script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
// Installed once the bundle has loaded: stacks taken while it loads (Node's `domain` module
// records one) would otherwise parse the source map during every cold start.
mapStackTraces();

// Node maps stack traces of required modules only (--enable-source-maps), not of a vm.Script:
// frames of the bundle are mapped here, with function.js.map read on the first stack trace.
function mapStackTraces() {
  let map;
  const shift = wrapper[0].length;
  const original = Error.prepareStackTrace;
  const plain = (error, frames) => (original ? original(error, frames) : `${error}\n${frames.map((f) => `    at ${f}`).join('\n')}`);
  Error.prepareStackTrace = (error, frames) => {
    // Stacks that do not pass through the bundle (Node's own, at boot) never load the map.
    if (!frames.some((frame) => frame.getFileName() === file)) return plain(error, frames);
    try {
      map ??= new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    if (!map) return plain(error, frames);
    const lines = frames.map((frame) => {
      const line = frame.getLineNumber();
      if (frame.getFileName() !== file || line === null) return `    at ${frame}`;
      const column = (frame.getColumnNumber() ?? 1) - (line === 1 ? shift : 0);
      const entry = map.findEntry(line - 1, column - 1);
      if (!entry || !entry.originalSource) return `    at ${frame}`;
      const where = `${entry.originalSource.replace(/^(\.\.\/)+/, '')}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      // Bundles keep their names (esbuild keepNames), so the frame's own name is the source's.
      const name = frame.getFunctionName();
      return `    at ${frame.isAsync() ? 'async ' : ''}${name ? `${name} (${where})` : where}`;
    });
    return `${error}\n${lines.join('\n')}`;
  };
}
