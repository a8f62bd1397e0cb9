import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/ports';
import { meshToken, NoTokenError } from './oidc/get-token';
import { findRunningMesh, MeshNotRunningError } from './running-mesh';

const ROOT = path.join(__dirname, '..');
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A stand-in ingress answering GET /_mesh as the mesh does. */
async function fakeMesh(status: Record<string, unknown>): Promise<string> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/_mesh' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return String((server.address() as AddressInfo).port);
}

function cli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, script), ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('the CLIs find the running mesh from MESH_PORT alone', () => {
  it('when a mesh answers on MESH_PORT, then its issuer, audience, engine and embedded database come from its /_mesh', async () => {
    const port = await fakeMesh({
      issuer: 'http://127.0.0.1:19400',
      audience: 'urn:test',
      engine: 'http://127.0.0.1:19088',
      embeddedDatabaseUrl: 'postgres://x@127.0.0.1:19329/postgres',
    });
    expect(await findRunningMesh({ MESH_PORT: port })).toEqual({
      url: `http://127.0.0.1:${port}`,
      issuer: 'http://127.0.0.1:19400',
      audience: 'urn:test',
      engineUrl: 'http://127.0.0.1:19088',
      embeddedDatabaseUrl: 'postgres://x@127.0.0.1:19329/postgres',
    });
  });

  it('when nothing listens on MESH_PORT, then it says the mesh is not running there and what to do', async () => {
    const port = await freePort();
    const found = await findRunningMesh({ MESH_PORT: String(port) }).catch((e: unknown) => e);
    expect(found).toBeInstanceOf(MeshNotRunningError);
    expect((found as Error).message).toBe(
      `the mesh is not running on http://127.0.0.1:${port}: start it with \`npm start\` (or, if it runs on another port, set MESH_PORT to the port it printed)`,
    );
  });

  it('when the issuer does not answer, then meshToken fails naming the user and the issuer', async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const failed = await meshToken({ url: 'http://127.0.0.1:1', issuer, audience: 'urn:test', engineUrl: 'http://127.0.0.1:1' }, 'operator-es').catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(NoTokenError);
    expect((failed as Error).message).toMatch(new RegExp(`^could not get a token for operator-es from ${issuer}: `));
  });
});

describe('npm run token', () => {
  it('when the mesh is not running, then it exits 1 saying so, with nothing on stdout', async () => {
    const port = await freePort();
    const run = await cli('mesh/oidc/get-token.ts', ['operator-es'], { MESH_PORT: String(port) });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      `the mesh is not running on http://127.0.0.1:${port}: start it with \`npm start\` (or, if it runs on another port, set MESH_PORT to the port it printed)`,
    );
  });

  it("when no token can be had from the mesh's issuer, then it exits 1 naming the user and the issuer", async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const port = await fakeMesh({ issuer, audience: 'urn:test', engine: 'http://127.0.0.1:1' });
    const run = await cli('mesh/oidc/get-token.ts', ['operator-es'], { MESH_PORT: port });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`could not get a token for operator-es from ${issuer}: `);
  });
});

describe('npm run scenario and npm run publish', () => {
  it('when the mesh is not running, then each exits 1 saying so instead of a raw fetch failure', async () => {
    const port = String(await freePort());
    const scenario = await cli('mesh/scenario.ts', [], { MESH_PORT: port });
    const publish = await cli('mesh/publish.ts', ['sales.order.created', 'events/sales/examples/pyxis-created.json'], { MESH_PORT: port });
    for (const run of [scenario, publish]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`the mesh is not running on http://127.0.0.1:${port}`);
      expect(run.stderr).not.toContain('fetch failed');
    }
  });
});
