import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A tiny function bundle, built like the real ones, behind the real entry. */
const dir = mkdtempSync(path.join(tmpdir(), 'bundle-entry-'));
const source = path.join(dir, 'src', 'fn.ts');

beforeAll(async () => {
  execFileSync('mkdir', ['-p', path.dirname(source)]);
  writeFileSync(
    source,
    [
      "import http from 'node:http';",
      'function explode(): never {',
      "  throw new Error('boom');",
      '}',
      "if (process.env.THROW === '1') {",
      '  setImmediate(() => { try { explode(); } catch (e) { console.log((e as Error).stack); process.exit(0); } });',
      '}',
      "http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT));",
      '',
    ].join('\n'),
  );
  await build({
    entryPoints: [source],
    outfile: path.join(dir, 'function.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    logLevel: 'error',
  });
  copyFileSync(path.join(__dirname, 'index.cjs'), path.join(dir, 'index.js'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [path.join(dir, 'index.js')], { env: { ...process.env, PORT: '0', ...env }, encoding: 'utf8', timeout: 20_000 });

describe('the function entry (index.js) and its code cache', () => {
  it('when the cache is written, then function.js.cache exists and the function still runs with it', () => {
    execFileSync(process.execPath, [path.join(__dirname, 'write-code-cache.cjs'), dir]);
    expect(existsSync(path.join(dir, 'function.js.cache'))).toBe(true);
    const result = run({ THROW: '1' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Error: boom');
  });

  it('when the cache is unusable, then the bundle compiles without it', () => {
    writeFileSync(path.join(dir, 'function.js.cache'), 'not a V8 code cache');
    const result = run({ THROW: '1' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Error: boom');
  });

  it('when the loaded bundle throws, then the stack names the TypeScript source and line', () => {
    const result = run({ THROW: '1' });
    expect(result.stdout).toMatch(/at \w+ \(src\/fn\.ts:3:\d+\)/);
  });
});
