import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { alive } from '../test/support/mesh-process';

const ROOT = path.join(__dirname, '..');

/** Stands in for mesh/start.ts: says its pid, and on SIGTERM records it and exits (as the mesh does after stopping). */
const STAND_IN = `
import { writeFileSync } from 'node:fs';
writeFileSync('mesh.pid', String(process.pid));
process.on('SIGTERM', () => { writeFileSync('mesh.stopped', 'SIGTERM'); process.exit(0); });
setInterval(() => undefined, 1000);
`;

let dir: string;
beforeAll(async () => {
  // The real `npm start` script, run by npm (npm → sh → tsx → node) against stand-ins for the
  // build and the mesh.
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesh-start-script-'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'start-script-test', private: true, scripts: { start: scripts.start } }));
  await writeFile(path.join(dir, 'esbuild.config.mjs'), '');
  await mkdir(path.join(dir, 'mesh'));
  await writeFile(path.join(dir, 'mesh', 'start.ts'), STAND_IN);
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm start', () => {
  it('when the npm process gets SIGTERM (npm start & then kill $!), then the mesh process gets it too and ends', async () => {
    const npm = spawn('npm', ['start', '--silent'], { cwd: dir, stdio: 'ignore' });
    const pidFile = path.join(dir, 'mesh.pid');
    await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true), { timeout: 20_000, interval: 100 });
    const mesh = Number(readFileSync(pidFile, 'utf8'));
    try {
      const npmExited = new Promise((r) => npm.once('exit', r));
      npm.kill('SIGTERM');
      await vi.waitFor(() => expect(alive(mesh)).toBe(false), { timeout: 10_000, interval: 100 });
      expect(readFileSync(path.join(dir, 'mesh.stopped'), 'utf8')).toBe('SIGTERM');
      await npmExited;
    } finally {
      if (alive(mesh)) process.kill(mesh, 'SIGKILL');
    }
  });
});
