/**
 * npm run bench:mobile — the mobile app's hottest writes, accept-offer (dispatch-offers) and
 * check-in (field-visits), each on ONE function instance (its built bundle as its own process,
 * DB_POOL_MAX = its Knative containerConcurrency) loaded at that concurrency with real bearer
 * tokens and Idempotency-Keys. The ceiling, in the same run on the same Postgres: the same SQL
 * transaction (the function's own code under `idempotently`, no HTTP, no token) in a plain loop
 * at the same concurrency. Reported: requests/s and p99 of each, and the share of the ceiling
 * (target: at least 60%). Postgres: BENCH_DATABASE_URL (a database the bench may fill), or an
 * embedded PGlite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { salesOrderCreated } from '../events';
import { makeAnswerOffer } from '../functions/dispatch-offers/answer-offer';
import { fieldConfigSchema } from '../functions/field-visits/config';
import { checkIn } from '../functions/field-visits/visit';
import { orderIntakeFunction } from '../functions/order-intake/function';
import { loadServices } from '../knative/manifests';
import { startEmbeddedPostgres } from '../mesh/embedded-postgres';
import { startDevOidcProvider } from '../mesh/oidc/dev-provider';
import { getDevToken } from '../mesh/oidc/get-token';
import { DEV_PROVIDER_ID } from '../mesh/oidc/users';
import type { Principal } from '../shared/auth/principal';
import { buildEvent } from '../shared/cloudevents/build';
import { toHttpBinary } from '../shared/cloudevents/http';
import { createPool, type Db } from '../shared/db';
import { migrate } from '../shared/db/migrate';
import { seed } from '../shared/db/seed/seed';
import { idempotently } from '../shared/http';
import { createLogger } from '../shared/logging';
import { makeOutbox } from '../shared/outbox';
import { serve } from '../shared/runtime';
import { pyxis } from '../test/fixtures/sales';
import { freePort } from '../test/support/ports';

const ROOT = path.join(__dirname, '..');
const N = Number(process.env.BENCH_REQUESTS ?? 1500);
const AUDIENCE = 'urn:ahs:field-service';
const TECHNICIAN_ID = '7e000000-0000-4000-8000-000000000001';
const quiet = createLogger({ level: 'error' });

const provider: Principal = { subject: 'padmin-0001', roles: ['provider-admin'], scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: DEV_PROVIDER_ID } };
const technician: Principal = { subject: 'tech-0001', roles: ['technician'], scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: DEV_PROVIDER_ID } };

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * The load generator's client: node:http on a keep-alive agent of `concurrency` sockets — the
 * generator shares the two cores with the function and Postgres, so it must cost little.
 */
function httpClient(concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  return (url: string, headers: Record<string, string>, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** `concurrency` loops taking the next item until none is left; latency of each, wall time of all. */
async function load<T>(items: T[], concurrency: number, one: (item: T) => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const item = items[next++];
        if (item === undefined) return;
        const t = performance.now();
        if (!(await one(item))) errors += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { perSecond: items.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

/** N service orders cloned from one sold order (same store, customer, products), installation ready. */
async function cloneOrders(db: Db, template: string, count: number, tag: string): Promise<string[]> {
  const { rows: cols } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'orders' AND table_name = 'service_orders' AND column_name NOT IN ('id', 'sales_order_id', 'installation_status')`,
  );
  const list = cols.map((c) => `"${c.column_name}"`).join(', ');
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO orders.service_orders (id, sales_order_id, installation_status, ${list})
     SELECT gen_random_uuid(), t.sales_order_id || '-${tag}-' || g, 'ready', ${cols.map((c) => `t."${c.column_name}"`).join(', ')}
       FROM orders.service_orders t, generate_series(1, $2) g WHERE t.id = $1 RETURNING id`,
    [template, count],
  );
  const ids = rows.map((r) => r.id);
  // The insert trigger blocks orders that need a TV: these ones are past it.
  await db.query(`UPDATE orders.service_orders SET installation_status = 'ready' WHERE id = ANY($1)`, [ids]);
  return ids;
}

async function openOffers(db: Db, orders: string[]): Promise<string[]> {
  const offers: string[] = [];
  for (const orderId of orders) {
    const dispatchId = randomUUID();
    const offerId = randomUUID();
    await db.query(`INSERT INTO dispatch.dispatches (id, service_order_id, status) VALUES ($1, $2, 'offering')`, [dispatchId, orderId]);
    await db.query(
      `INSERT INTO dispatch.offers (id, dispatch_id, service_order_id, provider_id, status, expires_at, score, explanation)
       VALUES ($1, $2, $3, $4, 'open', NOW() + INTERVAL '1 day', 0.9, '{}'::jsonb)`,
      [offerId, dispatchId, orderId, DEV_PROVIDER_ID],
    );
    offers.push(offerId);
  }
  return offers;
}

async function bookedAppointments(db: Db, orders: string[]): Promise<string[]> {
  const appointments: string[] = [];
  const starts = new Date(Date.now() + 10 * 60_000);
  for (const orderId of orders) {
    const assignmentId = randomUUID();
    const appointmentId = randomUUID();
    await db.query(
      `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at) VALUES ($1, $2, $3, $4, 'manual', 'confirmed', NOW())`,
      [assignmentId, orderId, DEV_PROVIDER_ID, TECHNICIAN_ID],
    );
    await db.query(
      `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'booked')`,
      [appointmentId, orderId, assignmentId, TECHNICIAN_ID, starts, new Date(starts.getTime() + 3_600_000)],
    );
    appointments.push(appointmentId);
  }
  return appointments;
}

async function spawnFunction(name: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  // BENCH_CPU_PROF=<dir> writes a CPU profile of each function instance there.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'dist', 'functions', name, 'index.js')], {
    env: { ...process.env, ...env, PORT: String(port), K_SERVICE: name, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not start`);
}

/** SIGTERM and wait: the function drains and exits (and writes its profile when asked). */
function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return gone;
}

async function main() {
  const { buildAll } = await import('../esbuild.config.mjs');
  await buildAll({ codeCache: false });
  const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  await migrate({ databaseUrl });
  await seed(databaseUrl);
  const services = new Map(loadServices(ROOT).map((s) => [s.name, s]));
  const concurrency = {
    offers: services.get('dispatch-offers')?.containerConcurrency || 10,
    field: services.get('field-visits')?.containerConcurrency || 10,
  };
  const setup = createPool({ connectionString: databaseUrl, max: 4 });

  // One sold Madrid order as the template of every order the bench needs.
  const intake = await serve('order-intake', orderIntakeFunction({ db: setup, logger: quiet }), { port: 0, logger: quiet, exitOnShutdown: false });
  const sale = pyxis('pyxis-created', `BENCH${Date.now().toString(36).toUpperCase()}`);
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/bench', id: sale.header.messageId }));
  await fetch(`http://127.0.0.1:${(intake.address() as { port: number }).port}`, { method: 'POST', headers, body });
  intake.close();
  const { rows: [template] } = await setup.query<{ id: string }>(`SELECT id FROM orders.service_orders WHERE sales_order_id = $1`, [sale.order.orderNumber]);
  const tag = Date.now().toString(36);
  const geo = sale.order.customer.address.geo ?? { lat: 40.4237, lon: -3.6741 };

  const oidcPort = await freePort();
  const oidc = await startDevOidcProvider({ port: oidcPort, audience: AUDIENCE });
  const env = { DATABASE_URL: databaseUrl, OIDC_ISSUER: oidc.issuer, OIDC_AUDIENCE: AUDIENCE, OIDC_ALLOW_INSECURE: 'true' };
  const adminToken = await getDevToken(oidc.issuer, 'provider-admin', AUDIENCE);
  const techToken = await getDevToken(oidc.issuer, 'technician', AUDIENCE);

  const results: Record<string, { function: Result; ceiling: Result; concurrency: number }> = {};

  // accept-offer
  {
    const warm = await openOffers(setup, await cloneOrders(setup, template!.id, 50, `${tag}w`));
    const viaHttp = await openOffers(setup, await cloneOrders(setup, template!.id, N, `${tag}a`));
    const direct = await openOffers(setup, await cloneOrders(setup, template!.id, N, `${tag}b`));
    const fn = await spawnFunction('dispatch-offers', { ...env, DB_POOL_MAX: String(concurrency.offers) });
    const post = httpClient(concurrency.offers);
    const accept = async (offerId: string) =>
      (await post(`${fn.url}/offers/${offerId}/accept`, { authorization: `Bearer ${adminToken}`, 'idempotency-key': `bench-${offerId}` })) === 200;
    await load(warm, concurrency.offers, accept);
    const viaFunction = await load(viaHttp, concurrency.offers, accept);
    await stop(fn.child);
    const pool = createPool({ connectionString: databaseUrl, max: concurrency.offers });
    const answer = makeAnswerOffer({ db: pool, clock: () => new Date(), source: '/functions/dispatch-offers' });
    const ceiling = await load(direct, concurrency.offers, async (offerId) => (await answer(provider, offerId, { answer: 'accepted' }, `ceiling-${offerId}`)).status === 200);
    await pool.end();
    results['accept-offer'] = { function: viaFunction, ceiling, concurrency: concurrency.offers };
  }

  // check-in
  {
    const warm = await bookedAppointments(setup, await cloneOrders(setup, template!.id, 50, `${tag}x`));
    const viaHttp = await bookedAppointments(setup, await cloneOrders(setup, template!.id, N, `${tag}c`));
    const direct = await bookedAppointments(setup, await cloneOrders(setup, template!.id, N, `${tag}d`));
    const fn = await spawnFunction('field-visits', { ...env, DB_POOL_MAX: String(concurrency.field) });
    const body = JSON.stringify({ lat: geo.lat, lon: geo.lon, accuracyM: 10 });
    const post = httpClient(concurrency.field);
    const checkInViaHttp = async (appointmentId: string) =>
      (await post(`${fn.url}/appointments/${appointmentId}/check-in`, { authorization: `Bearer ${techToken}`, 'idempotency-key': `bench-${appointmentId}`, 'content-type': 'application/json' }, body)) === 200;
    await load(warm, concurrency.field, checkInViaHttp);
    const viaFunction = await load(viaHttp, concurrency.field, checkInViaHttp);
    await stop(fn.child);
    const pool = createPool({ connectionString: databaseUrl, max: concurrency.field });
    const config = fieldConfigSchema.parse({});
    const ceiling = await load(direct, concurrency.field, async (appointmentId) => {
      const r = await idempotently(pool, { scope: 'field-visits:check-in', subject: technician.subject, key: `ceiling-${appointmentId}`, request: { appointmentId } }, (tx) =>
        checkIn(tx, makeOutbox(tx, { source: '/functions/field-visits' }), technician, appointmentId, { lat: geo.lat, lon: geo.lon, accuracyM: 10 }, new Date(), config),
      );
      return r.status === 200;
    });
    await pool.end();
    results['check-in'] = { function: viaFunction, ceiling, concurrency: concurrency.field };
  }

  const round = (n: number) => Number(n.toFixed(1));
  console.log(`one instance at containerConcurrency vs the same transaction in a plain loop (${N} requests each, ${process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PGlite'})\n`);
  console.log('write          conc   function req/s   p99 ms   ceiling req/s   p99 ms   share   errors');
  for (const [name, r] of Object.entries(results)) {
    const share = r.function.perSecond / r.ceiling.perSecond;
    console.log(
      `${name.padEnd(15)}${String(r.concurrency).padStart(4)}${round(r.function.perSecond).toString().padStart(17)}${round(r.function.p99).toString().padStart(9)}` +
        `${round(r.ceiling.perSecond).toString().padStart(16)}${round(r.ceiling.p99).toString().padStart(9)}${(share * 100).toFixed(0).padStart(7)}%${String(r.function.errors + r.ceiling.errors).padStart(9)}` +
        (share >= 0.6 ? '   ok (>= 60%)' : '   under 60%'),
    );
  }
  await setup.end();
  await oidc.close();
  await embedded?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
