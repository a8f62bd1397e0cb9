/**
 * npm run bench:notify — the messaging service in a storm, as the mesh runs it: notify-sender and
 * notify-webhooks as their built bundles (own processes, DB_POOL_MAX = containerConcurrency), the
 * mesh's messaging sandbox standing for Twilio and SendGrid, signed callbacks flowing back.
 * Postgres: BENCH_DATABASE_URL (a database the bench may fill), else an embedded PGlite.
 *
 *   1. storm: BENCH_REQUESTS (50,000) SMS requests to customers delivered at once (as Knative
 *      delivers notify.message.requested, BENCH_DELIVERY_CONCURRENCY in flight), 10% transactional
 *      (the contract to sign) and 90% bulk (the survey), against the sandbox limited to
 *      BENCH_SMS_PER_SECOND (100) with the sender paced at the same rate. Reported: all sent? any
 *      sent twice? the pace measured at the sandbox against the configured rate (target within
 *      5%), the sandbox's 429s, and the wait from request to send for transactional and bulk apart;
 *   2. throughput: BENCH_UNBOUNDED (5,000) more with no rate limit: one instance's sends/s;
 *   3. webhook: signed Twilio status callbacks to notify-webhooks at BENCH_CALLBACK_RATE (500/s)
 *      for BENCH_CALLBACK_SECONDS (10), open loop: p50/p95/p99.
 * The customer quiet hours are lifted for the bench (any hour of the day).
 */
import { notifyMessageRequested } from '../events';
import { resetCounts, sandboxCounts, startMessagingSandbox, updateSettings } from '../mesh/messaging';
import { twilioSignature } from '../mesh/messaging/signing';
import { startEmbeddedPostgres } from '../mesh/embedded-postgres';
import { createPool, type Db } from '../shared/db';
import { migrate } from '../shared/db/migrate';
import { seed } from '../shared/db/seed/seed';
import { agent, inParallel, percentile, post, postEvent, seedOrders, smsRequest, spawnBundle, stopBundle, until } from './support/notify';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50_000);
const UNBOUNDED = Number(process.env.BENCH_UNBOUNDED ?? 5_000);
const RATE = Number(process.env.BENCH_SMS_PER_SECOND ?? 100);
const DELIVERY_CONCURRENCY = Number(process.env.BENCH_DELIVERY_CONCURRENCY ?? 32);
const CALLBACK_RATE = Number(process.env.BENCH_CALLBACK_RATE ?? 500);
const CALLBACK_SECONDS = Number(process.env.BENCH_CALLBACK_SECONDS ?? 10);
const SENDER_PORT = Number(process.env.BENCH_PORT ?? 18_791);
const WEBHOOKS_PORT = SENDER_PORT + 1;
const LINK_SECRET = 'bench-only-link-secret-never-signs-a-real-link';

async function main() {
  const { buildFunction } = await import('../esbuild.config.mjs');
  await buildFunction('notify-sender', { codeCache: false });
  await buildFunction('notify-webhooks', { codeCache: false });
  const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  await migrate({ databaseUrl });
  await seed(databaseUrl);
  const db = createPool({ connectionString: databaseUrl, max: 4 });
  await db.query(`UPDATE notify.country_settings SET quiet_from = '00:00', quiet_until = '00:00'`);
  const publicBase = `http://127.0.0.1:${WEBHOOKS_PORT}`;
  const sandbox = await startMessagingSandbox({
    rateLimitPerSecond: RATE,
    statusCallbackDelayMs: 200,
    smsInboundUrl: `${publicBase}/twilio/inbound`,
    sendgridEventsUrl: `${publicBase}/sendgrid/events`,
  });
  const env = { DATABASE_URL: databaseUrl, ...sandbox.env, NOTIFY_PUBLIC_BASE_URL: publicBase, CUSTOMER_LINK_SECRET: LINK_SECRET };
  const webhooks = await spawnBundle('notify-webhooks', WEBHOOKS_PORT, env);
  const lines: string[] = [`notify: ${process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PGlite'}, one instance of each function`];
  try {
    const orders = await seedOrders(db, Math.min(2_000, Math.max(100, Math.ceil(REQUESTS / 25))));
    let sender = await spawnBundle('notify-sender', SENDER_PORT, { ...env, NOTIFY_SMS_PER_SECOND: String(RATE) });
    lines.push(...(await storm(db, sandbox.url, orders)));
    await stopBundle(sender);

    await updateSettings(sandbox.url, { rateLimitPerSecond: 0 });
    sender = await spawnBundle('notify-sender', SENDER_PORT, { ...env, NOTIFY_SMS_PER_SECOND: '100000' });
    lines.push(await throughput(db, sandbox.url, orders));
    await stopBundle(sender);

    lines.push(await callbacks(db, sandbox.authToken, publicBase));
  } finally {
    process.stdout.write(`${lines.join('\n')}\n`);
    await stopBundle(webhooks);
    await sandbox.close();
    await db.end();
    agent.destroy();
    await embedded?.close();
  }
}

async function deliver(orders: { id: string; customerId: string }[], count: number, transactionalShare: number) {
  const ids: string[] = [];
  const answers = await inParallel(count, DELIVERY_CONCURRENCY, (i) => {
    const request = smsRequest(orders[i % orders.length]!, i % Math.round(1 / transactionalShare) === 0);
    ids.push(request.requestId);
    return postEvent(SENDER_PORT, notifyMessageRequested.type, request);
  });
  const refused = answers.filter((a) => a.status !== 200).length;
  return { ids, refused };
}

async function storm(db: Db, sandboxUrl: string, orders: { id: string; customerId: string }[]): Promise<string[]> {
  await resetCounts(sandboxUrl);
  const started = Date.now();
  const { ids, refused } = await deliver(orders, REQUESTS, 0.1);
  const acceptedIn = (Date.now() - started) / 1000;
  const done = await until(async () => (await sandboxCounts(sandboxUrl)).sms >= REQUESTS - refused, ((REQUESTS / RATE) * 1.5 + 120) * 1000, 2_000);
  const counts = await sandboxCounts(sandboxUrl);
  const at = counts.acceptedAt;
  // The pace once the storm is under way: the middle 90% of the acceptances, so the start's and end's edges do not count.
  const from = Math.floor(at.length * 0.05);
  const to = Math.max(from + 1, Math.floor(at.length * 0.95));
  const pace = (to - from) / (((at[to] ?? 0) - (at[from] ?? 0)) / 1000);
  const { rows: statuses } = await db.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM notify.messages WHERE request_id = ANY($1) GROUP BY status ORDER BY status`,
    [ids],
  );
  const { rows: waits } = await db.query<{ kind: string; p50: number; p95: number; max: number }>(
    `SELECT kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at)) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at)) AS p95, max(extract(epoch FROM sent_at - created_at)) AS max
       FROM notify.messages WHERE request_id = ANY($1) AND sent_at IS NOT NULL GROUP BY kind ORDER BY kind`,
    [ids],
  );
  const { rows: dup } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT request_id FROM notify.message_events WHERE request_id = ANY($1) AND event = 'sent' GROUP BY request_id HAVING count(*) > 1) d`,
    [ids],
  );
  return [
    `storm: ${REQUESTS} SMS requests delivered in ${acceptedIn.toFixed(1)} s (${refused} refused), sandbox limited to ${RATE}/s, sender paced at ${RATE}/s`,
    `  ${done ? 'all taken' : 'NOT all taken before the timeout'}: the sandbox took ${counts.sms} SMS for ${ids.length - refused} requests (none twice when equal and all are sent); sent twice per the history: ${dup[0]?.n}`,
    `  by status: ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}`,
    `  pace at the sandbox: ${pace.toFixed(1)}/s = ${((pace / RATE) * 100).toFixed(1)}% of the configured ${RATE}/s (target 95-105%)`,
    ...waits.map(
      (w) => `  wait from request to send, ${w.kind}: p50 ${Number(w.p50).toFixed(1)} s, p95 ${Number(w.p95).toFixed(1)} s, max ${Number(w.max).toFixed(1)} s`,
    ),
  ];
}

async function throughput(db: Db, sandboxUrl: string, orders: { id: string; customerId: string }[]): Promise<string> {
  await resetCounts(sandboxUrl);
  const started = Date.now();
  const { refused } = await deliver(orders, UNBOUNDED, 0.5);
  await until(async () => (await sandboxCounts(sandboxUrl)).sms >= UNBOUNDED - refused, 600_000, 500);
  const at = (await sandboxCounts(sandboxUrl)).acceptedAt;
  const seconds = ((at.at(-1) ?? Date.now()) - started) / 1000;
  return `throughput: ${UNBOUNDED} SMS, no rate limit, one sender instance: ${(at.length / seconds).toFixed(0)} sent/s (from the first request to the last send, ${seconds.toFixed(1)} s)`;
}

async function callbacks(db: Db, authToken: string, publicBase: string): Promise<string> {
  const { rows } = await db.query<{ request_id: string; provider_message_id: string }>(
    `SELECT request_id, provider_message_id FROM notify.messages WHERE provider_message_id IS NOT NULL AND channel = 'sms' LIMIT 5000`,
  );
  const total = CALLBACK_RATE * CALLBACK_SECONDS;
  const answers: Promise<{ status: number; ms: number }>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / CALLBACK_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const m = rows[i % rows.length]!;
    // Each callback unique (a fresh status for a real message: read, an event Twilio sends after delivered).
    const pathname = `/twilio/status?requestId=${m.request_id}`;
    const params = new URLSearchParams({
      MessageSid: m.provider_message_id,
      MessageStatus: i < rows.length ? 'delivered' : 'read',
      SmsSid: m.provider_message_id,
      ApiVersion: '2010-04-01',
    });
    const signature = twilioSignature(authToken, `${publicBase}${pathname}`, params);
    answers.push(post(WEBHOOKS_PORT, pathname, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, params.toString()));
  }
  const results = await Promise.all(answers);
  const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
  const ok = results.filter((r) => r.status === 200).length;
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `status webhook: ${total} signed callbacks at ${CALLBACK_RATE}/s: ${ok} answered 200; p50 ${f(percentile(latencies, 50))}  p95 ${f(percentile(latencies, 95))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies.at(-1) ?? NaN)}`;
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
