import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEV_AUDIENCE, getDevToken } from '../../mesh/oidc/get-token';
import { freePortRange } from './ports';

const ROOT = path.join(__dirname, '..', '..');

export interface MeshProcess {
  url: string;
  engineUrl: string;
  token(user: string): Promise<string>;
  logs: string[];
  /** SIGKILL to the mesh and every function it runs (the whole process group): a crash, no drain. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface MeshPorts {
  MESH_PORT: string;
  MESH_FUNCTION_BASE_PORT: string;
  MESH_OIDC_PORT: string;
  MESH_ENGINE_PORT: string;
  MESH_DB_PORT: string;
}

export async function freeMeshPorts(): Promise<MeshPorts> {
  // One block of free ports outside the ephemeral range: the mesh's own four, then 24 functions.
  const base = await freePortRange(28);
  return {
    MESH_PORT: String(base),
    MESH_OIDC_PORT: String(base + 1),
    MESH_ENGINE_PORT: String(base + 2),
    MESH_DB_PORT: String(base + 3),
    MESH_FUNCTION_BASE_PORT: String(base + 4),
  };
}

/**
 * `npm start` as its own process group (bundles must be built): what a newcomer runs, and what
 * a test can kill outright to prove that nothing is lost. Resolves once the mesh prints that
 * it is running.
 */
export async function spawnMesh(env: Record<string, string>, ports: MeshPorts): Promise<MeshProcess> {
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'mesh', 'start.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.MESH_TEST_LOG_LEVEL ?? 'warn', MESH_BACKOFF_SCALE: '0.01', ...ports, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mesh did not start within 120 s:\n${logs.slice(-40).join('\n')}`)), 120_000);
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(line);
        if (process.env.MESH_TEST_LOGS) process.stderr.write(`${line}\n`);
        if (line.includes('mesh is running')) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mesh exited (${code}) before it ran:\n${logs.slice(-40).join('\n')}`));
    });
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const issuer = `http://127.0.0.1:${ports.MESH_OIDC_PORT}`;
  return {
    url: `http://127.0.0.1:${ports.MESH_PORT}`,
    engineUrl: `http://127.0.0.1:${ports.MESH_ENGINE_PORT}`,
    token: (user) => getDevToken(issuer, user, env.OIDC_AUDIENCE ?? DEV_AUDIENCE),
    logs,
    async kill() {
      killGroup('SIGKILL');
      await exited;
    },
    async stop() {
      killGroup('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      killGroup('SIGKILL');
    },
  };
}

/** Whether a process with this pid is still running (signal 0 probes without touching it). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
