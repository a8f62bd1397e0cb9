/**
 * npm run bench:mobile — the mobile app's hottest writes, accept-offer (dispatch-offers) and
 * check-in (field-visits), each on ONE function instance (its built bundle as its own process,
 * DB_POOL_MAX = its Knative containerConcurrency) loaded at that concurrency with real bearer
 * tokens and Idempotency-Keys. The ceiling, in the same run on the same Postgres: the same SQL
 * transaction (the function's own code under `idempotently`, no HTTP, no token) in a plain loop
 * at the same concurrency. Both sides are warmed, then measured in alternating rounds so that
 * whatever else the machine does weighs on both. Reported: requests/s and p99 of each, the
 * share of the ceiling (target: at least 60%) with its range over the rounds, and the CPU each
 * process spent per request. Postgres: BENCH_DATABASE_URL (a database the bench may fill), or an
 * embedded PGlite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { salesOrderCreated } from '../events';
import { answerOffer } from '../functions/dispatch-offers/answer-offer';
import { fieldConfigSchema } from '../functions/field-visits/config';
import { checkIn } from '../functions/field-visits/check-in';
import { orderIntakeFunction } from '../functions/order-intake/function';
import { loadServices } from '../knative/manifests';
import { startEmbeddedPostgres } from '../mesh/embedded-postgres';
import { startDevOidcProvider } from '../mesh/oidc/dev-provider';
import { DEV_AUDIENCE, getDevToken } from '../mesh/oidc/get-token';
import { waitReady } from '../mesh/processes';
import { DEV_PROVIDER_ID } from '../mesh/oidc/users';
import type { Principal } from '../shared/auth/principal';
import { buildEvent } from '../shared/cloudevents/build';
import { toHttpBinary } from '../shared/cloudevents/http';
import { createPool, type Db } from '../shared/db';
import { migrate } from '../shared/db/migrate';
import { seed } from '../shared/db/seed/seed';
import { idempotently, type WriteContext } from '../shared/http';
import { createLogger } from '../shared/logging';
import { makeOutbox } from '../shared/outbox';
import { serve } from '../shared/runtime';
import { pyxis } from '../test/fixtures/sales';
import { freePort } from '../test/support/ports';

const ROOT = path.join(__dirname, '..');
const N = Number(process.env.BENCH_REQUESTS ?? 3000);
/** Both sides run this many first, unmeasured: steady state is compared, not JIT warm-up. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const TECHNICIAN_ID = '7e000000-0000-4000-8000-000000000001';
const quiet = createLogger({ level: 'error' });

const provider: Principal = {
  subject: 'padmin-0001',
  roles: ['provider-admin'],
  scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: DEV_PROVIDER_ID },
};
const technician: Principal = {
  subject: 'tech-0001',
  roles: ['technician'],
  scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: DEV_PROVIDER_ID },
};

/**
 * The ceiling's transaction: a use case under `idempotently`, with the context the HTTP wrapper
 * gives it (transaction, outbox, now), without HTTP or token. True when it answered 200.
 */
async function underKey(
  pool: Db,
  scope: string,
  subject: string,
  key: string,
  request: unknown,
  work: (ctx: WriteContext) => Promise<unknown>,
): Promise<boolean> {
  const source = `/functions/${scope.split(':')[0] ?? ''}`;
  const answer = await idempotently(pool, { scope, subject, key, request }, async (tx) => ({
    status: 200,
    body: await work({ tx, outbox: makeOutbox(tx, { source }), now: new Date(), logger: quiet, requestId: key }),
  }));
  return answer.status === 200;
}

/** CPU milliseconds a process has used (Linux /proc; NaN elsewhere): where a request's time goes. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return NaN;
  }
}

/** CPU ms of every Postgres process on this machine (the server the bench loads runs here). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      total += cpuMsOf(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * The load generator's client: node:http on a keep-alive agent of `concurrency` sockets — the
 * generator shares the two cores with the function and Postgres, so it must cost little (the
 * CPU lines below show what it spent).
 */
function httpClient(origin: string, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (path: string, headers: Record<string, string>, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        `${origin}${path}`,
        { method: 'POST', agent, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/** What one side measured: items done, seconds spent, each latency, failures, CPU spent. */
interface Run {
  items: number;
  seconds: number;
  latencies: number[];
  errors: number;
  /** CPU ms of this process (the load generator, or the ceiling loop itself). */
  ownCpuMs: number;
  /** CPU ms of the function's process (0 for the ceiling). */
  functionCpuMs: number;
  /** CPU ms of the Postgres processes. */
  postgresCpuMs: number;
}

/** `concurrency` loops taking the next item until none is left; latency of each, wall and CPU time of all. */
async function load<T>(items: T[], concurrency: number, one: (item: T) => Promise<boolean>, pid?: number): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const [own, fn, pg] = [ownCpuMs(), pid === undefined ? 0 : cpuMsOf(pid), postgresCpuMs()];
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
  return {
    items: items.length,
    seconds,
    latencies,
    errors,
    ownCpuMs: ownCpuMs() - own,
    functionCpuMs: pid === undefined ? 0 : cpuMsOf(pid) - fn,
    postgresCpuMs: postgresCpuMs() - pg,
  };
}

function summarize(runs: Run[]) {
  const items = runs.reduce((n, r) => n + r.items, 0);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    perSecond: items / runs.reduce((n, r) => n + r.seconds, 0),
    p50: at(0.5),
    p99: at(0.99),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    ownCpuMs: runs.reduce((n, r) => n + r.ownCpuMs, 0) / items,
    functionCpuMs: runs.reduce((n, r) => n + r.functionCpuMs, 0) / items,
    postgresCpuMs: runs.reduce((n, r) => n + r.postgresCpuMs, 0) / items,
  };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

/**
 * Both sides warmed, then measured in alternating rounds (function, ceiling; ceiling,
 * function; ...): what else the machine does during the run weighs on both alike.
 */
async function compare<T>(
  concurrency: number,
  fn: { warm: T[]; items: T[]; one: (item: T) => Promise<boolean>; pid: number | undefined },
  ceiling: { warm: T[]; items: T[]; one: (item: T) => Promise<boolean> },
) {
  await load(fn.warm, concurrency, fn.one);
  await load(ceiling.warm, concurrency, ceiling.one);
  const size = Math.ceil(fn.items.length / ROUNDS);
  const fnRuns: Run[] = [];
  const ceilingRuns: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const slice = <U>(items: U[]) => items.slice(round * size, (round + 1) * size);
    const viaFunction = () => load(slice(fn.items), concurrency, fn.one, fn.pid).then((r) => fnRuns.push(r));
    const direct = () => load(slice(ceiling.items), concurrency, ceiling.one).then((r) => ceilingRuns.push(r));
    if (round % 2 === 0) await viaFunction().then(direct);
    else await direct().then(viaFunction);
  }
  const rounds = fnRuns.map((r, i) => r.items / r.seconds / ((ceilingRuns[i]?.items ?? 0) / (ceilingRuns[i]?.seconds ?? 1)));
  return { function: summarize(fnRuns), ceiling: summarize(ceilingRuns), concurrency, rounds };
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
  await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = ANY($1)`, [ids]);
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
  await waitReady(url, 15_000);
  return { url, child };
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
  const intake = await serve('order-intake', orderIntakeFunction({ db: setup, logger: quiet }), {
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    exitOnShutdown: false,
  });
  const sale = pyxis('pyxis-created', `BENCH${Date.now().toString(36).toUpperCase()}`);
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/bench', id: sale.header.messageId }));
  await fetch(`http://127.0.0.1:${(intake.address() as { port: number }).port}`, { method: 'POST', headers, body });
  intake.close();
  const {
    rows: [template],
  } = await setup.query<{ id: string }>(`SELECT id FROM orders.service_orders WHERE sales_order_id = $1`, [sale.order.orderNumber]);
  const tag = Date.now().toString(36);
  const geo = sale.order.customer.address.geo ?? { lat: 40.4237, lon: -3.6741 };

  const oidcPort = await freePort();
  const oidc = await startDevOidcProvider({ port: oidcPort, audience: DEV_AUDIENCE });
  const env = { DATABASE_URL: databaseUrl, OIDC_ISSUER: oidc.issuer, OIDC_AUDIENCE: DEV_AUDIENCE, OIDC_ALLOW_INSECURE: 'true' };
  const adminToken = await getDevToken(oidc.issuer, 'provider-admin', DEV_AUDIENCE);
  const techToken = await getDevToken(oidc.issuer, 'technician', DEV_AUDIENCE);

  const results: Record<string, Awaited<ReturnType<typeof compare>>> = {};

  // accept-offer
  {
    const fnWarm = await openOffers(setup, await cloneOrders(setup, template!.id, WARMUP, `${tag}w`));
    const ceilingWarm = await openOffers(setup, await cloneOrders(setup, template!.id, WARMUP, `${tag}v`));
    const viaHttp = await openOffers(setup, await cloneOrders(setup, template!.id, N, `${tag}a`));
    const direct = await openOffers(setup, await cloneOrders(setup, template!.id, N, `${tag}b`));
    const fn = await spawnFunction('dispatch-offers', { ...env, DB_POOL_MAX: String(concurrency.offers) });
    const client = httpClient(fn.url, concurrency.offers);
    const pool = createPool({ connectionString: databaseUrl, max: concurrency.offers });
    results['accept-offer'] = await compare(
      concurrency.offers,
      {
        warm: fnWarm,
        items: viaHttp,
        pid: fn.child.pid,
        one: async (offerId) =>
          (await client.post(`/offers/${offerId}/accept`, { authorization: `Bearer ${adminToken}`, 'idempotency-key': `bench-${offerId}` })) === 200,
      },
      {
        warm: ceilingWarm,
        items: direct,
        one: (offerId) =>
          underKey(pool, 'dispatch-offers:accept', provider.subject, `ceiling-${offerId}`, { offerId }, (ctx) =>
            answerOffer(ctx, provider, offerId, { answer: 'accepted' }),
          ),
      },
    );
    client.close();
    await stop(fn.child);
    await pool.end();
  }

  // check-in
  {
    const fnWarm = await bookedAppointments(setup, await cloneOrders(setup, template!.id, WARMUP, `${tag}x`));
    const ceilingWarm = await bookedAppointments(setup, await cloneOrders(setup, template!.id, WARMUP, `${tag}y`));
    const viaHttp = await bookedAppointments(setup, await cloneOrders(setup, template!.id, N, `${tag}c`));
    const direct = await bookedAppointments(setup, await cloneOrders(setup, template!.id, N, `${tag}d`));
    const fn = await spawnFunction('field-visits', { ...env, DB_POOL_MAX: String(concurrency.field) });
    const body = JSON.stringify({ lat: geo.lat, lon: geo.lon, accuracyM: 10 });
    const client = httpClient(fn.url, concurrency.field);
    const pool = createPool({ connectionString: databaseUrl, max: concurrency.field });
    const config = fieldConfigSchema.parse({});
    const position = { lat: geo.lat, lon: geo.lon, accuracyM: 10 };
    results['check-in'] = await compare(
      concurrency.field,
      {
        warm: fnWarm,
        items: viaHttp,
        pid: fn.child.pid,
        one: async (appointmentId) =>
          (await client.post(
            `/appointments/${appointmentId}/check-in`,
            { authorization: `Bearer ${techToken}`, 'idempotency-key': `bench-${appointmentId}`, 'content-type': 'application/json' },
            body,
          )) === 200,
      },
      {
        warm: ceilingWarm,
        items: direct,
        one: (appointmentId) =>
          underKey(pool, 'field-visits:check-in', technician.subject, `ceiling-${appointmentId}`, { appointmentId }, (ctx) =>
            checkIn(ctx, technician, appointmentId, position, config),
          ),
      },
    );
    client.close();
    await stop(fn.child);
    await pool.end();
  }

  const round = (n: number) => Number(n.toFixed(1));
  const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
  console.log(
    `one instance at containerConcurrency vs the same transaction in a plain loop: ${N} requests each after ${WARMUP} unmeasured, ` +
      `in ${ROUNDS} alternating rounds (${process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PGlite'})\n`,
  );
  console.log('write          conc   function req/s   p99 ms   ceiling req/s   p99 ms   share   rounds     errors');
  for (const [name, r] of Object.entries(results)) {
    const share = r.function.perSecond / r.ceiling.perSecond;
    console.log(
      `${name.padEnd(15)}${String(r.concurrency).padStart(4)}${round(r.function.perSecond).toString().padStart(17)}${round(r.function.p99).toString().padStart(9)}` +
        `${round(r.ceiling.perSecond).toString().padStart(16)}${round(r.ceiling.p99).toString().padStart(9)}${pct(share).padStart(8)}` +
        `   ${`${pct(Math.min(...r.rounds))}-${pct(Math.max(...r.rounds))}`.padEnd(9)}${String(r.function.errors + r.ceiling.errors).padStart(7)}` +
        (share >= 0.6 ? '   ok (>= 60%)' : '   under 60%'),
    );
  }
  console.log('\nCPU ms per request (Linux /proc; Postgres counted when it runs on this machine)');
  console.log('write          function  load generator  Postgres  total   |  ceiling loop  Postgres  total');
  for (const [name, r] of Object.entries(results)) {
    const f = r.function;
    const c = r.ceiling;
    const ms = (n: number) => n.toFixed(2).padStart(8);
    console.log(
      `${name.padEnd(15)}${ms(f.functionCpuMs)}${ms(f.ownCpuMs).padStart(16)}${ms(f.postgresCpuMs).padStart(10)}${ms(f.functionCpuMs + f.ownCpuMs + f.postgresCpuMs).padStart(7)}   |` +
        `${ms(c.ownCpuMs).padStart(14)}${ms(c.postgresCpuMs).padStart(10)}${ms(c.ownCpuMs + c.postgresCpuMs).padStart(7)}`,
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
