import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { meshConfig } from '../../mesh/config';
import { startMesh, type Mesh } from '../../mesh/mesh';
import { getDevToken } from '../../mesh/oidc/get-token';
import { freeMeshPorts } from './mesh-process';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The bundles are built by the first e2e file of a test run (about 20 s); the next ones find
 * the run's marker in dist/ and start from the same bundles. A file run on its own builds.
 */
async function buildOncePerRun(): Promise<void> {
  const marker = path.join(ROOT, 'dist', `.test-run-${inject('testRunId')}`);
  if (existsSync(marker)) return;
  const { buildAll } = await import('../../esbuild.config.mjs');
  await buildAll();
  writeFileSync(marker, new Date().toISOString());
}

/**
 * Builds the bundles and starts the whole local mesh on free ports, as `npm start` does,
 * with the database and bus given by `env` (embedded defaults when absent).
 */
export async function startTestMesh(env: Record<string, string> = {}): Promise<Mesh & { token(user: string): Promise<string>; logs: string[] }> {
  await buildOncePerRun();
  const logs: string[] = [];
  const config = meshConfig({
    ...(await freeMeshPorts()),
    MESH_DATA_DIR: 'memory',
    MESH_BACKOFF_SCALE: '0.01',
    LOG_LEVEL: process.env.MESH_TEST_LOG_LEVEL ?? 'warn',
    ...env,
  });
  const mesh = await startMesh(config, (source, line) => {
    logs.push(`[${source}] ${line}`);
    if (process.env.MESH_TEST_LOGS) process.stderr.write(`[${source}] ${line}\n`);
  });
  afterAll(() => mesh.stop(), 60_000);
  return { ...mesh, logs, token: (user: string) => getDevToken(mesh.issuer, user, config.OIDC_AUDIENCE) };
}
