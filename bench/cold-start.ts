import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../test/support/ports';

/**
 * npm run bench:cold-start — for every function bundle, the time from spawn to the first
 * successful answer (GET /healthz, the readiness probe), against a bare node:http server
 * started the same way in the same run, interleaved round by round. Also each bundle's
 * size and its resident memory once idle. Target: every function within 2.0x of bare.
 */
const ROOT = path.join(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const TARGET = 2.0;

const env = {
  DATABASE_URL: 'postgres://bench@127.0.0.1:1/bench', // never reached before the first answer
  OIDC_ISSUER: 'http://127.0.0.1:1',
  OIDC_AUDIENCE: 'urn:ahs:field-service',
  EVENT_BUS_URL: 'http://127.0.0.1:1/_bus',
  ZEEBE_REST_ADDRESS: 'http://127.0.0.1:1',
  CAMUNDA_AUTH_STRATEGY: 'NONE',
  TV_ANSWER_LINK_SECRET: 'bench-only-secret-never-signs-a-real-link',
  TV_ANSWER_LINK_BASE_URL: 'http://127.0.0.1:1/answers',
  CUSTOMER_LINK_SECRET: 'bench-only-secret-never-signs-a-real-link',
  CUSTOMER_LINK_BASE_URL: 'http://127.0.0.1:1/answers',
  CLAIM_LINK_BASE_URL: 'http://127.0.0.1:1/claims/link',
  SURVEY_LINK_BASE_URL: 'http://127.0.0.1:1/customer-surveys',
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'bench-only-twilio-token',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:1',
  SENDGRID_API_KEY: 'bench-only-sendgrid-key',
  SENDGRID_API_BASE_URL: 'http://127.0.0.1:1',
  SENDGRID_WEBHOOK_PUBLIC_KEY: 'bench-only-not-a-key',
  NOTIFY_PUBLIC_BASE_URL: 'http://127.0.0.1:1/notify-webhooks',
  LOG_LEVEL: 'error',
};
/** A bundle that has not answered by then will not: the run stops naming it. */
const START_TIMEOUT_MS = 20_000;

async function coldStart(file: string): Promise<{ ms: number; rssKiB: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, ...env, PORT: String(port), K_SERVICE: 'bench' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  let ms = 0;
  for (;;) {
    if (exited !== undefined || performance.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(
        `${file} did not answer /healthz (${exited !== undefined ? `exited ${exited}` : `no answer in ${START_TIMEOUT_MS} ms`}): ${stderr.slice(-500)}`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) {
        ms = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise((r) => setTimeout(r, 300));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const gone = new Promise((r) => child.once('exit', r));
  child.kill();
  await gone;
  return { ms, rssKiB };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main() {
  const { functionNames } = await import('../esbuild.config.mjs');
  const targets = [
    { name: '(bare node:http)', file: path.join(__dirname, 'bare-server.js') },
    ...functionNames().map((name) => ({ name, file: path.join(ROOT, 'dist', 'functions', name, 'index.js') })),
  ];
  const samples = new Map(targets.map((t) => [t.name, { ms: [] as number[], rss: [] as number[] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const s = await coldStart(target.file);
      samples.get(target.name)?.ms.push(s.ms);
      samples.get(target.name)?.rss.push(s.rssKiB);
    }
  }
  const bare = median(samples.get(targets[0]!.name)!.ms);
  console.log(`cold start, spawn → first 200 (median of ${ROUNDS} rounds, node ${process.version})\n`);
  console.log('function            median ms   ratio   bundle KiB   idle RSS MiB');
  let failed = 0;
  for (const target of targets) {
    const s = samples.get(target.name)!;
    const ms = median(s.ms);
    const ratio = ms / bare;
    const size = statSync(target.file === targets[0]!.file ? target.file : path.join(path.dirname(target.file), 'function.js')).size / 1024;
    const verdict = target === targets[0] ? '' : ratio <= TARGET ? '  ok' : `  over ${TARGET}x`;
    if (target !== targets[0] && ratio > TARGET) failed += 1;
    console.log(
      `${target.name.padEnd(20)}${ms.toFixed(0).padStart(9)}${ratio.toFixed(2).padStart(8)}x${size.toFixed(0).padStart(12)}${(median(s.rss) / 1024).toFixed(1).padStart(14)}${verdict}`,
    );
  }
  console.log(`\n${failed === 0 ? 'every function within' : `${failed} function(s) over`} ${TARGET}x of the bare server`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
