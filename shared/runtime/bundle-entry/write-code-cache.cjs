'use strict';
// node write-code-cache.cjs <function folder>: boots the function once (on a free port, with
// placeholder settings; nothing is contacted before the first real request), waits for its
// readiness probe, and has it write function.js.cache. Run where the image's Node runs: a cache
// from another V8 version is rejected (harmlessly) at start.
const { spawn } = require('node:child_process');
const net = require('node:net');
const { join, resolve } = require('node:path');

const dir = resolve(process.argv[2] ?? '.');

function freePort() {
  return new Promise((ok, fail) => {
    const server = net.createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function main() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(dir, 'index.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      K_SERVICE: 'code-cache',
      LOG_LEVEL: 'error',
      AHS_WRITE_CODE_CACHE: '1',
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://cache@127.0.0.1:1/cache',
      OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:1',
      OIDC_AUDIENCE: process.env.OIDC_AUDIENCE ?? 'urn:ahs:field-service',
      EVENT_BUS_URL: process.env.EVENT_BUS_URL ?? 'http://127.0.0.1:1/_bus',
      ZEEBE_REST_ADDRESS: process.env.ZEEBE_REST_ADDRESS ?? 'http://127.0.0.1:1',
      CAMUNDA_AUTH_STRATEGY: process.env.CAMUNDA_AUTH_STRATEGY ?? 'NONE',
      // Boot-time placeholders only (this run serves no request): the real secret has no default.
      TV_ANSWER_LINK_SECRET: process.env.TV_ANSWER_LINK_SECRET ?? 'code-cache-placeholder-never-signs-a-link',
      TV_ANSWER_LINK_BASE_URL: process.env.TV_ANSWER_LINK_BASE_URL ?? 'http://127.0.0.1:1/answers',
      CUSTOMER_LINK_SECRET: process.env.CUSTOMER_LINK_SECRET ?? 'code-cache-placeholder-never-signs-a-link',
      CUSTOMER_LINK_BASE_URL: process.env.CUSTOMER_LINK_BASE_URL ?? 'http://127.0.0.1:1/answers',
      CLAIM_LINK_BASE_URL: process.env.CLAIM_LINK_BASE_URL ?? 'http://127.0.0.1:1/claims/link',
      SURVEY_LINK_BASE_URL: process.env.SURVEY_LINK_BASE_URL ?? 'http://127.0.0.1:1/customer-surveys',
      TWILIO_ACCOUNT_SID: process.env.TWILIO_ACCOUNT_SID ?? 'AC00000000000000000000000000000000',
      TWILIO_AUTH_TOKEN: process.env.TWILIO_AUTH_TOKEN ?? 'code-cache-placeholder',
      SENDGRID_API_KEY: process.env.SENDGRID_API_KEY ?? 'code-cache-placeholder',
      SENDGRID_WEBHOOK_PUBLIC_KEY: process.env.SENDGRID_WEBHOOK_PUBLIC_KEY ?? 'code-cache-placeholder',
      NOTIFY_PUBLIC_BASE_URL: process.env.NOTIFY_PUBLIC_BASE_URL ?? 'http://127.0.0.1:1/notify-webhooks',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((ok) => child.once('exit', (code) => ok(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the function exited (${child.exitCode}) before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the function was not ready within 30 s');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGUSR2');
  const code = await exited;
  if (code !== 0) throw new Error(`writing the code cache failed (exit ${code})`);
}

main().catch((error) => {
  console.error(`code cache not written for ${dir}: ${error.message}`);
  process.exit(1);
});
