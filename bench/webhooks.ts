/**
 * npm run bench:webhooks — Adobe Sign's webhook, esign-webhooks, as Adobe drives it: its built
 * bundle as its own process (DB_POOL_MAX = its Knative containerConcurrency), POST notifications
 * at a fixed rate (BENCH_RATE, 200/s) for BENCH_SECONDS (20), open loop (a slow answer does not
 * slow the sender), a share of them (BENCH_DUPLICATES, 0.3) a notification already sent, as
 * Adobe's retries are. Reported, not asserted: the acknowledgement's p50/p95/p99/max (target p99
 * ≤ 50 ms), the answers by status, and whether every notification is stored and forwarded to the
 * outbox exactly once. Postgres: BENCH_DATABASE_URL (a database the bench may fill), or an
 * embedded PGlite.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { esignNotificationReceived } from '../events';
import { loadServices } from '../knative/manifests';
import { startEmbeddedPostgres } from '../mesh/embedded-postgres';
import { waitReady } from '../mesh/processes';
import { createPool } from '../shared/db';
import { migrate } from '../shared/db/migrate';

const ROOT = path.resolve(__dirname, '..');
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const DUPLICATES = Number(process.env.BENCH_DUPLICATES ?? 0.3);
const PORT = Number(process.env.BENCH_PORT ?? 18_790);
const CLIENT_ID = 'bench-sign-app';
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function notification(id: string) {
  return JSON.stringify({
    webhookId: 'bench-webhook',
    webhookNotificationId: id,
    event: 'AGREEMENT_ACTION_COMPLETED',
    eventDate: new Date().toISOString(),
    eventResourceType: 'agreement',
    participantUserEmail: 'signer@example.com',
    agreement: { id: `CBJCHBCAABAA-bench-${id}`, name: 'Contrato de servicio', status: 'OUT_FOR_SIGNATURE' },
  });
}

function post(body: string): Promise<{ status: number; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: PORT, path: '/', method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-adobesign-clientid': CLIENT_ID } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main() {
  const { buildFunction } = await import('../esbuild.config.mjs');
  await buildFunction('esign-webhooks', { codeCache: false });
  const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  await migrate({ databaseUrl });
  const concurrency = loadServices(ROOT).find((s) => s.name === 'esign-webhooks')?.containerConcurrency ?? 20;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'functions', 'esign-webhooks', 'index.js')], {
    env: {
      ...process.env,
      PORT: String(PORT),
      LISTEN_HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DB_POOL_MAX: String(concurrency),
      ESIGN_WEBHOOK_CLIENT_IDS: CLIENT_ID,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(`http://127.0.0.1:${PORT}`);
    for (let i = 0; i < 50; i += 1) await post(notification(`warm-${randomUUID()}`));

    const sent: string[] = [];
    const answers: Promise<{ status: number; ms: number }>[] = [];
    const total = RATE * SECONDS;
    const start = performance.now();
    for (let i = 0; i < total; i += 1) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const duplicate = sent.length > 0 && Math.random() < DUPLICATES;
      const id = duplicate ? sent[Math.floor(Math.random() * sent.length)]! : `bench-${randomUUID()}`;
      if (!duplicate) sent.push(id);
      answers.push(post(notification(id)));
    }
    const results = await Promise.all(answers);
    const elapsed = (performance.now() - start) / 1000;
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);

    const db = createPool({ connectionString: databaseUrl, max: 2 });
    const stored = await db.query<{ n: string }>(`SELECT count(*) AS n FROM contracts.esign_notifications WHERE webhook_notification_id = ANY($1)`, [sent]);
    const forwarded = await db.query<{ n: string; ids: string }>(
      `SELECT count(*) AS n, count(DISTINCT data->>'webhookNotificationId') AS ids FROM platform.outbox WHERE topic = $1 AND data->>'webhookNotificationId' = ANY($2)`,
      [esignNotificationReceived.topic, sent],
    );
    await db.end();

    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    process.stdout.write(
      [
        `esign-webhooks: ${total} notifications at ${RATE}/s (${(total / elapsed).toFixed(0)}/s achieved), ${total - sent.length} of them duplicates, one instance (containerConcurrency ${concurrency}), ${process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PGlite'}`,
        `  acknowledgement p50 ${f(percentile(latencies, 50))}  p95 ${f(percentile(latencies, 95))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies.at(-1) ?? NaN)}  (target p99 <= 50 ms)`,
        `  answers by status: ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
        `  distinct notifications ${sent.length}: stored ${stored.rows[0]?.n}, outbox events ${forwarded.rows[0]?.n} for ${forwarded.rows[0]?.ids} ids (each exactly once when all three are equal)`,
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    agent.destroy();
    await embedded?.close();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
