/**
 * npm run bench:workflow — the embedded engine running bpmn/technical-visit.bpmn with the real
 * worker functions (in-process servers) on Postgres (embedded PGlite, or BENCH_DATABASE_URL).
 *
 * 1. Throughput: N technical visits from start to end (tv-requested → schedule-visit job →
 *    outcome YES → unblock job → end), all in flight at once. Baseline in the same run: the same
 *    two worker jobs per order POSTed straight to the workers (what the engine adds is the rest).
 * 2. Latency: from publishing `tv-outcome-recorded` to an instance waiting for it, to the next
 *    job (unblock) reaching its worker. Baseline: a job POSTed straight to the same worker.
 *
 * Reported as ratios against the baselines (machine speed cancels out), never asserted.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jobWorkers, type TaskType } from '../bpmn/contract';
import { loadModels } from '../bpmn/models';
import { recordOutcome, requestTv, tvVariables } from './support/technical-visit';
import { salesOrderCreated } from '../events';
import { ordersInstallationGateFunction } from '../functions/orders-installation-gate/function';
import { orderIntakeFunction } from '../functions/order-intake/function';
import { tvRequestAdjustmentApprovalFunction } from '../functions/tv-request-adjustment-approval/function';
import { tvScheduleVisitFunction } from '../functions/tv-schedule-visit/function';
import { EmbeddedEngine } from '../mesh/engine/engine';
import { migrateEngine } from '../mesh/engine/migrate';
import { startEmbeddedPostgres } from '../mesh/embedded-postgres';
import { buildEvent } from '../shared/cloudevents/build';
import { toHttpBinary } from '../shared/cloudevents/http';
import { createPool } from '../shared/db';
import { migrate } from '../shared/db/migrate';
import { seed } from '../shared/db/seed/seed';
import { createLogger } from '../shared/logging';
import { serve, type RequestHandler } from '../shared/runtime';
import { dispatchJob } from '../shared/workflow/dispatch';
import type { Job } from '../shared/workflow/job';
import { pyxis } from '../test/fixtures/sales';

const N = Number(process.env.BENCH_INSTANCES ?? 100);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 40);
const quiet = createLogger({ level: 'error' });

async function listen(name: string, handler: RequestHandler): Promise<{ url: string; server: Server }> {
  const server = await serve(name, handler, { port: 0, host: '127.0.0.1', logger: quiet, exitOnShutdown: false });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A pass-through in front of a worker that notes when each job arrives (by order id). */
async function arrivalProxy(target: string): Promise<{ url: string; arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const orderId = (JSON.parse(body.toString()) as { variables?: { orderId?: string } }).variables?.orderId;
        if (orderId && !arrivals.has(orderId)) arrivals.set(orderId, performance.now());
      } catch {
        // not a job body: passed on as it is
      }
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, close: () => new Promise((r) => server.close(() => r())) };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main() {
  const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  await migrate({ databaseUrl });
  await migrateEngine(databaseUrl);
  await seed(databaseUrl);
  const db = createPool({ connectionString: databaseUrl, max: 10 });

  const intake = await listen('order-intake', orderIntakeFunction({ db, logger: quiet }));
  const workers = {
    'tv-schedule-visit': await listen('tv-schedule-visit', tvScheduleVisitFunction({ db, logger: quiet })),
    'tv-request-adjustment-approval': await listen(
      'tv-request-adjustment-approval',
      tvRequestAdjustmentApprovalFunction({
        db,
        logger: quiet,
        linkSecret: 'bench-secret-0123456789abcdef0123456789',
        linkBaseUrl: 'http://127.0.0.1/answers',
      }),
    ),
    'orders-installation-gate': await listen('orders-installation-gate', ordersInstallationGateFunction({ db, logger: quiet })),
  } as const;
  const gateProxy = await arrivalProxy(workers['orders-installation-gate'].url);
  const workerUrl = (type: string) => {
    const name = jobWorkers[type as TaskType];
    return name === 'orders-installation-gate' ? gateProxy.url : workers[name as keyof typeof workers]?.url;
  };

  async function sell(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const sale = pyxis('pyxis-created', `B${Date.now().toString(36)}${i}`);
      const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/bench/sales', id: sale.header.messageId }));
      const answer = await fetch(intake.url, { method: 'POST', headers, body });
      if (answer.status !== 200) throw new Error(`order-intake answered ${answer.status}`);
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM orders.service_orders WHERE sales_order_id = $1`, [sale.order.orderNumber]);
      ids.push(rows[0]!.id);
    }
    return ids;
  }
  const engine = await EmbeddedEngine.start({ db, models: loadModels(), workerUrl, logger: quiet, tickMs: 250 });
  const completedCount = async (ids: string[]) =>
    Number(
      (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM engine.instances WHERE state = 'COMPLETED' AND correlation_key = ANY($1)`, [ids])).rows[0]
        ?.n,
    );

  // Warm-up: JIT, pools, first statements.
  const warm = await sell(5);
  for (const id of warm) {
    await requestTv(engine, id);
    await recordOutcome(engine, id);
  }
  await engine.idle();

  // 1a. Engine throughput, start to end.
  const orders = await sell(N);
  const t0 = performance.now();
  await Promise.all(
    orders.map(async (id) => {
      await requestTv(engine, id);
      await recordOutcome(engine, id);
    }),
  );
  while ((await completedCount(orders)) < N) {
    await engine.idle();
    await new Promise((r) => setTimeout(r, 20));
  }
  const engineSeconds = (performance.now() - t0) / 1000;
  const enginePerSecond = N / engineSeconds;

  // 1b. Baseline: the same two jobs per order POSTed straight to the workers, as concurrent.
  const direct = await sell(N);
  let key = 9_000_000_000_000_000;
  const job = (type: string, variables: Record<string, unknown>): Job => ({
    key: String(++key),
    type,
    processInstanceKey: String(key),
    bpmnProcessId: 'technical-visit',
    elementId: type,
    retries: 3,
    deadline: Date.now() + 30_000,
    variables,
    customHeaders: {},
  });
  const t1 = performance.now();
  await Promise.all(
    direct.map(async (id) => {
      const scheduled = await dispatchJob(job('tv-schedule-visit', { ...tvVariables(id) }), {
        url: workers['tv-schedule-visit'].url,
        source: '/bench',
        timeoutMs: 30_000,
      });
      const visitId = (scheduled as { body?: { variables?: { visitId?: string } } }).body?.variables?.visitId ?? randomUUID();
      await dispatchJob(job('orders-unblock-installation', { orderId: id, visitId }), {
        url: workers['orders-installation-gate'].url,
        source: '/bench',
        timeoutMs: 30_000,
      });
    }),
  );
  const directSeconds = (performance.now() - t1) / 1000;
  const directPerSecond = N / directSeconds;

  // 2. Latency: message published → next job at its worker, one instance at a time.
  const waiting = await sell(LATENCY_SAMPLES);
  for (const id of waiting) {
    await requestTv(engine, id);
  }
  await engine.idle();
  const latencies: number[] = [];
  for (const id of waiting) {
    const sent = performance.now();
    await recordOutcome(engine, id);
    while (!gateProxy.arrivals.has(id)) await new Promise((r) => setImmediate(r));
    latencies.push(gateProxy.arrivals.get(id)! - sent);
    await engine.idle();
  }
  const bare: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const id = randomUUID();
    const sent = performance.now();
    await dispatchJob(job('orders-unblock-installation', { orderId: id, visitId: randomUUID() }), { url: gateProxy.url, source: '/bench', timeoutMs: 30_000 });
    bare.push(gateProxy.arrivals.get(id)! - sent);
  }

  const round = (n: number, d = 2) => Number(n.toFixed(d));
  const result = {
    instances: N,
    engine: { seconds: round(engineSeconds), instancesPerSecond: round(enginePerSecond, 1) },
    directWorkerCalls: { seconds: round(directSeconds), ordersPerSecond: round(directPerSecond, 1) },
    engineShareOfDirect: round(enginePerSecond / directPerSecond),
    publishToNextDispatchMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
    bareDispatchMs: { p50: round(percentile(bare, 50)), p99: round(percentile(bare, 99)) },
    latencyRatioP50: round(percentile(latencies, 50) / percentile(bare, 50)),
    database: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PGlite',
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\nembedded engine: ${result.engine.instancesPerSecond} TV instances/s start to end (${result.engineShareOfDirect}x of the same worker calls made directly: ${result.directWorkerCalls.ordersPerSecond}/s);` +
      ` message → next job dispatched p50 ${result.publishToNextDispatchMs.p50} ms, p99 ${result.publishToNextDispatchMs.p99} ms (${result.latencyRatioP50}x a bare dispatch, p50 ${result.bareDispatchMs.p50} ms)`,
  );

  await engine.stop();
  await gateProxy.close();
  for (const s of [intake, ...Object.values(workers)]) await new Promise<void>((r) => s.server.close(() => r()));
  await db.end();
  await embedded?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
