import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freeMeshPorts } from '../test/support/mesh-process';
import { meshConfig } from './config';
import { startMesh } from './mesh';
import { PortsTakenError } from './ports';

const ROOT = path.join(__dirname, '..');
const held: (net.Server | http.Server)[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Another process's server on the port, as a function left by a killed mesh would be (every interface). */
async function hold(port: number): Promise<void> {
  // It drops what connects (the start probes the ingress port for a running mesh).
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, () => resolve()));
  held.push(server);
}

describe('a mesh start on ports that are taken', () => {
  it('when the ingress port and a function port are held, then the start is refused before anything runs, naming each port, its variable and what to do', async () => {
    const ports = await freeMeshPorts();
    const config = meshConfig({ ...ports, MESH_DATA_DIR: 'memory' });
    await hold(config.MESH_PORT);
    await hold(config.MESH_FUNCTION_BASE_PORT + 2);

    const refused = await startMesh(config, () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PortsTakenError);
    const message = (refused as Error).message;
    expect(message).toMatch(new RegExp(`^\\s+${config.MESH_PORT}\\s+MESH_PORT\\s+ingress$`, 'm'));
    expect(message).toMatch(new RegExp(`^\\s+${config.MESH_FUNCTION_BASE_PORT + 2}\\s+MESH_FUNCTION_BASE_PORT\\+2\\s+function \\S+$`, 'm'));
    expect(message).toContain(`ss -ltnp 'sport = :${config.MESH_PORT}'`);
    expect(message).not.toContain('A mesh is already running');
    expect((refused as PortsTakenError).taken.map((p) => p.port)).toEqual([config.MESH_PORT, config.MESH_FUNCTION_BASE_PORT + 2]);
    // Nothing was started: the free ports are still free (the embedded Postgres did not listen).
    await hold(config.MESH_DB_PORT);
  });

  it('when a mesh already answers on MESH_PORT, then the refusal says so', async () => {
    const ports = await freeMeshPorts();
    const config = meshConfig({ ...ports, MESH_DATA_DIR: 'memory' });
    const other = http.createServer((_req, res) => res.end(JSON.stringify({ functions: [] })));
    await new Promise<void>((r) => other.listen(config.MESH_PORT, '127.0.0.1', () => r()));
    held.push(other);
    const refused = await startMesh(config, () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refused as Error).message).toContain(
      `A mesh is already running on http://127.0.0.1:${config.MESH_PORT} (GET http://127.0.0.1:${config.MESH_PORT}/_mesh)`,
    );
  });

  it('when two of the mesh parts are given the same port, then the start is refused naming both', async () => {
    const ports = await freeMeshPorts();
    const config = meshConfig({ ...ports, MESH_DATA_DIR: 'memory', MESH_OIDC_PORT: ports.MESH_FUNCTION_BASE_PORT });
    const refused = await startMesh(config, () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refused as Error).message).toMatch(/MESH_FUNCTION_BASE_PORT\+0\s+function \S+, also given to dev OpenID provider \(MESH_OIDC_PORT\)/);
  });

  it('when npm start finds its port held, then it exits non-zero with the message and no stack trace', async () => {
    const ports = await freeMeshPorts();
    await hold(Number(ports.MESH_ENGINE_PORT));
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'mesh', 'start.ts')],
        {
          cwd: ROOT,
          env: { ...process.env, ...ports, MESH_DATA_DIR: 'memory' },
          timeout: 30_000,
        },
        (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^the mesh cannot start: this port is taken on 127.0.0.1\\n\\s+${ports.MESH_ENGINE_PORT}\\s+MESH_ENGINE_PORT\\s+embedded workflow engine$`,
        'm',
      ),
    );
    expect(run.stderr).not.toContain('    at ');
  });
});
