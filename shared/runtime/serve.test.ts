import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging';
import { serve, type RequestHandler } from './serve';

const logger = createLogger({ level: 'error' });
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

let serial = 0;
async function start(handler: RequestHandler): Promise<string> {
  const server = await serve(`serve-test-${++serial}`, handler, { port: 0, host: '127.0.0.1', logger, exitOnShutdown: false });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const currentDomain = () => (process as unknown as { domain?: unknown }).domain ?? null;

describe('serve', () => {
  it('when a JSON body arrives, then the function reads it raw with its declared content type', async () => {
    const url = await start((req, res) => {
      res.json({ type: req.headers['content-type'], raw: req.rawBody?.toString('utf8'), parsed: req.body as unknown });
    });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const body = (await response.json()) as { type: string; raw: string; parsed: unknown };
    expect(body.type).toBe('application/json');
    expect(body.raw).toBe('{"a":1}');
    // The framework's JSON parser did not take the body: the function's edge parses it and names errors.
    expect(body.parsed).not.toEqual({ a: 1 });
  });

  it('when a function answers, then there is no ETag and no X-Powered-By', async () => {
    const url = await start((_req, res) => {
      res.json({ ok: true });
    });
    const response = await fetch(url);
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('when the path has a malformed percent-encoding, then the function gets the request (Express would answer HTML)', async () => {
    const url = await start((req, res) => {
      res.status(400).json({ path: req.path });
    });
    const response = await fetch(`${url}/orders/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ path: '/orders/%E0%A4%A' });
  });

  it('when a request runs, then it and what it awaits run outside the framework’s per-request domain', async () => {
    const seen: unknown[] = [];
    const url = await start(async (_req, res) => {
      seen.push(currentDomain());
      await new Promise((r) => setTimeout(r, 1));
      seen.push(currentDomain());
      res.json({});
    });
    expect((await fetch(url)).status).toBe(200);
    expect(seen).toEqual([null, null]);
  });

  it('when a function throws synchronously, then the request answers 500 and the server keeps serving', async () => {
    let calls = 0;
    const url = await start((_req, res) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      res.json({ calls });
    });
    expect((await fetch(url)).status).toBe(500);
    const again = await fetch(url);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ calls: 2 });
  });

  it('when an async function rejects, then the request answers 500', async () => {
    const url = await start(async () => {
      await Promise.resolve();
      throw new Error('async boom');
    });
    expect((await fetch(url)).status).toBe(500);
  });

  it('when an error escapes every handler in a bundle, then one JSON log line says so and the process exits 1', async () => {
    const script = `
      const { serve } = require('./shared/runtime/serve.ts');
      const { createLogger } = require('./shared/logging');
      const logger = createLogger({ level: 'info', base: { service: 'crashy' } });
      serve('crashy', (_req, res) => { setTimeout(() => { throw new Error('escaped'); }, 1); res.json({}); }, { port: 0, host: '127.0.0.1', logger })
        .then((server) => fetch('http://127.0.0.1:' + server.address().port + '/'));
    `;
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '..', '..'), timeout: 20_000 }, (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout }),
      );
    });
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.includes('uncaught exception'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'error', msg: 'uncaught exception: the function stops', service: 'crashy' });
  });
});
