import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../test/support/ports';
import { spawnFunction, waitReady, type FunctionProcess } from './processes';

/** A stand-in bundle: answers /healthz and /pid, exits with code 3 on /exit, drains on SIGTERM. */
const BUNDLE = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  if (req.url === '/pid') return res.end(String(process.pid));
  if (req.url === '/exit') return res.end('bye', () => process.exit(3));
  res.statusCode = 404;
  res.end();
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('started K_SERVICE=' + process.env.K_SERVICE + ' PORT=' + process.env.PORT + ' pid=' + process.pid);
});
process.on('SIGTERM', () => {
  console.log('draining');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
`;

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesh-processes-'));
  bundle = path.join(dir, 'index.cjs');
  await writeFile(bundle, BUNDLE);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const running: FunctionProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

async function spawn(name: string) {
  const logs: string[] = [];
  const port = await freePort();
  const fn = spawnFunction({ name, port, bundle, env: { AHS_TEST: '1' }, log: (from, line) => logs.push(`${from}: ${line}`) });
  running.push(fn);
  return { fn, port, logs };
}

const pidOf = async (fn: FunctionProcess) => (await fetch(`${fn.url}/pid`)).text();

async function isUp(fn: FunctionProcess): Promise<boolean> {
  try {
    return (await fetch(`${fn.url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** Real time for a restart that must not come: the first automatic restart is due after 250 ms. */
const longerThanARestart = () => new Promise((r) => setTimeout(r, 1500));

describe('spawnFunction', () => {
  it('when a function is spawned, then waitReady resolves and the process saw PORT and K_SERVICE', async () => {
    const { fn, port, logs } = await spawn('order-intake');
    await waitReady(fn.url);
    expect(fn.url).toBe(`http://127.0.0.1:${port}`);
    await vi.waitFor(() => expect(logs.some((l) => l.startsWith(`order-intake: started K_SERVICE=order-intake PORT=${port} `))).toBe(true), { timeout: 5000 });
  });

  it('when a function prints, then recentLines() holds its last lines of output (what a failed start shows)', async () => {
    const { fn, port } = await spawn('talker');
    await waitReady(fn.url);
    const pid = await pidOf(fn);
    await vi.waitFor(() => expect(fn.recentLines()).toContain(`started K_SERVICE=talker PORT=${port} pid=${pid}`), { timeout: 5000 });
  });

  it('when crash() is called, then the process is killed and stays down until restart() brings up a new one', async () => {
    const { fn, logs } = await spawn('crashy');
    await waitReady(fn.url);
    const before = await pidOf(fn);

    await fn.crash();
    expect(await isUp(fn)).toBe(false);
    await longerThanARestart();
    expect(await isUp(fn)).toBe(false);
    expect(logs.filter((l) => l.includes('started'))).toHaveLength(1);

    fn.restart();
    await waitReady(fn.url);
    expect(await pidOf(fn)).not.toBe(before);
  });

  it('when the process exits unexpectedly, then it is restarted on its own', async () => {
    const { fn, logs } = await spawn('flaky');
    await waitReady(fn.url);
    const before = await pidOf(fn);

    await fetch(`${fn.url}/exit`);
    await vi.waitFor(() => expect(logs).toContain('flaky: exited (3); restarting in 250 ms'), { timeout: 5000 });
    await waitReady(fn.url);
    expect(await pidOf(fn)).not.toBe(before);
    expect(logs.filter((l) => l.includes('started'))).toHaveLength(2);
  });

  it('when crash() comes while an unexpected exit waits for its restart, then the process stays down', async () => {
    const { fn, logs } = await spawn('crash-in-pause');
    await waitReady(fn.url);

    await fetch(`${fn.url}/exit`);
    await vi.waitFor(() => expect(logs.some((l) => l.includes('restarting in'))).toBe(true), { timeout: 5000 });
    await fn.crash();
    await longerThanARestart();
    expect(await isUp(fn)).toBe(false);
    expect(logs.filter((l) => l.includes('started'))).toHaveLength(1);
  });

  it('when crash() and restart() both come while an unexpected exit waits for its restart, then exactly one new process runs', async () => {
    const { fn, logs } = await spawn('crash-restart-in-pause');
    await waitReady(fn.url);

    await fetch(`${fn.url}/exit`);
    await vi.waitFor(() => expect(logs.some((l) => l.includes('restarting in'))).toBe(true), { timeout: 5000 });
    await fn.crash();
    fn.restart();
    await waitReady(fn.url);
    const pid = await pidOf(fn);
    await longerThanARestart();
    expect(await pidOf(fn)).toBe(pid);
    expect(logs.filter((l) => l.includes('started'))).toHaveLength(2);
    expect(logs.filter((l) => l.includes('exited'))).toHaveLength(1);
  });

  it('when stop() is called, then the process drains on SIGTERM, ends and is not restarted', async () => {
    const { fn, logs } = await spawn('stopper');
    await waitReady(fn.url);

    await fn.stop();
    expect(logs).toContain('stopper: draining');
    expect(await isUp(fn)).toBe(false);
    await longerThanARestart();
    expect(await isUp(fn)).toBe(false);
    expect(logs.filter((l) => l.includes('started'))).toHaveLength(1);
    expect(logs.some((l) => l.includes('restarting'))).toBe(false);
  });
});

describe('waitReady', () => {
  it('when nothing answers before the deadline, then it rejects naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(waitReady(url, 200)).rejects.toThrow(`${url} not ready after 200 ms`);
  });
});
