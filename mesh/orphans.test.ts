import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePortRange } from '../test/support/ports';
import { alive } from '../test/support/mesh-process';

const ROOT = path.join(__dirname, '..');

/** A function bundle built as the real ones are: boot() + serve() of shared/runtime; answers its pid. */
const FUNCTION = `
import { z } from 'zod';
import { boot, serve } from './shared/runtime';
const { config, logger } = boot('orphan-test', z.object({}));
void serve(config.K_SERVICE ?? 'orphan-test', (_req, res) => { res.send(String(process.pid)); }, { port: config.PORT, host: config.LISTEN_HOST, logger });
`;

/** The mesh's process manager in a process of its own: spawns two functions, says READY. */
const MANAGER = (bundle: string, base: number) => `
import { spawnFunction, waitReady } from ${JSON.stringify(path.join(ROOT, 'mesh', 'processes.ts'))};
const fns = [0, 1].map((i) => spawnFunction({ name: 'fn-' + i, port: ${base} + i, bundle: ${JSON.stringify(bundle)}, env: {}, log: () => undefined }));
Promise.all(fns.map((f) => waitReady(f.url))).then(() => console.log('READY'));
`;

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesh-orphans-'));
  bundle = path.join(dir, 'function.cjs');
  await build({
    stdin: { contents: FUNCTION, resolveDir: ROOT, loader: 'ts' },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['dd-trace', 'pg-native', '@camunda8/sdk'],
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function startManager(base: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    void writeFile(path.join(dir, `manager-${base}.ts`), MANAGER(bundle, base)).then(() => {
      const manager = spawn(process.execPath, ['--import', 'tsx', path.join(dir, `manager-${base}.ts`)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      const timer = setTimeout(() => reject(new Error('the manager did not start its functions within 20 s')), 20_000);
      manager.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('READY')) {
          clearTimeout(timer);
          resolve(manager);
        }
      });
      manager.once('exit', (code) => reject(new Error(`the manager exited (${code}) before its functions ran`)));
    });
  });
}

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('function processes of the mesh', () => {
  it('when the mesh process is killed with kill -9, then every function it spawned exits and frees its port', async () => {
    const base = await freePortRange(2);
    const manager = await startManager(base);
    const pids = await Promise.all([0, 1].map(async (i) => Number(await (await fetch(`http://127.0.0.1:${base + i}/`)).text())));
    expect(pids.every(alive)).toBe(true);

    const gone = new Promise((r) => manager.once('exit', r));
    manager.kill('SIGKILL');
    await gone;

    await vi.waitFor(() => expect(pids.filter(alive)).toEqual([]), { timeout: 10_000, interval: 100 });
    expect(await connects('127.0.0.1', base)).toBe(false);
    expect(await connects('127.0.0.1', base + 1)).toBe(false);
  });

  it('when a function runs under the mesh, then it listens on 127.0.0.1 only (another loopback address is refused)', async () => {
    const everywhere = net.createServer().listen(0);
    await new Promise((r) => everywhere.once('listening', r));
    // The control: here a server on every interface does answer on 127.0.0.2.
    expect(await connects('127.0.0.2', (everywhere.address() as net.AddressInfo).port)).toBe(true);
    everywhere.close();

    const base = await freePortRange(2);
    const manager = await startManager(base);
    try {
      expect(await connects('127.0.0.1', base)).toBe(true);
      // Linux routes all of 127.0.0.0/8 to the loopback interface: a server on every interface answers there.
      expect(await connects('127.0.0.2', base)).toBe(false);
    } finally {
      const gone = new Promise((r) => manager.once('exit', r));
      manager.kill('SIGKILL');
      await gone;
    }
  });
});
