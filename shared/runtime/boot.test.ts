import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

/** A tiny function entry point: boots with one required variable and prints its config. */
const SCRIPT = `
const { z } = require('zod');
const { boot } = require('./shared/runtime/boot.ts');
const { config } = boot('boot-test', z.object({ DATABASE_URL: z.string().min(1) }), (c) =>
  c.DATABASE_URL.startsWith('postgres://') ? [] : ['DATABASE_URL must be a postgres:// URL']);
process.stdout.write('CONFIG ' + JSON.stringify(config) + '\\n');
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBoot(env: Record<string, string>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: ROOT, env: childEnv, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('boot', () => {
  it('when a required variable is missing, then the process exits non-zero with a message naming it', async () => {
    const run = await runBoot({});
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr).toContain('boot-test: Invalid configuration: DATABASE_URL is missing');
    expect(run.stdout).not.toContain('CONFIG');
    const line = JSON.parse(run.stdout.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', service: 'boot-test', problems: [expect.stringMatching(/^DATABASE_URL is missing/)] });
  });

  it('when a base variable is invalid, then it is named too', async () => {
    const run = await runBoot({ DATABASE_URL: 'postgres://db/ahs', PORT: 'eighty' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/PORT is invalid/);
  });

  it('when a cross-variable rule fails, then the process exits non-zero with that rule', async () => {
    const run = await runBoot({ DATABASE_URL: 'mysql://db/ahs' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('DATABASE_URL must be a postgres:// URL');
  });

  it('when every variable is valid, then boot returns the config with the base defaults and the process goes on', async () => {
    const run = await runBoot({ DATABASE_URL: 'postgres://db/ahs', LOG_LEVEL: 'warn' });
    expect(run.code).toBe(0);
    const printed = run.stdout.split('\n').find((l) => l.startsWith('CONFIG '));
    expect(JSON.parse(printed?.slice('CONFIG '.length) ?? 'null')).toEqual({
      DATABASE_URL: 'postgres://db/ahs',
      PORT: 8080,
      LOG_LEVEL: 'warn',
      EXIT_WITH_PARENT: false,
    });
  });

  it('when EXIT_WITH_PARENT is set without an IPC channel to a parent, then the process exits non-zero naming it', async () => {
    const run = await runBoot({ DATABASE_URL: 'postgres://db/ahs', EXIT_WITH_PARENT: 'true' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('EXIT_WITH_PARENT is set but the process has no IPC channel');
    expect(run.stdout).not.toContain('CONFIG');
  });
});
