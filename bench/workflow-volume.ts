/**
 * npm run bench:workflow-volume — the embedded engine holding the seed's volume: many active
 * technical-visit instances (BENCH_ACTIVE, default 100,000) waiting in Postgres, as months of open
 * orders leave them (DESIGN: 10,000 orders a month).
 *
 * 1. Memory: the JS heap of this process (the engine, as in the mesh's main process) after the engine
 *    starts on a database holding BENCH_ACTIVE active instances, and its peak while it works,
 *    against the same process's heap before any engine started (baseline in the same run).
 * 2. Work among them: BENCH_TVS new technical visits start to end (start message, schedule job,
 *    outcome message, unblock job), and BENCH_MESSAGES outcome messages to instances chosen at
 *    random among the waiting ones (each loaded from Postgres: never in memory before). Workers
 *    answer at once (in-process), so this is the engine's own rate.
 *
 * Reported, not asserted. PGlite keeps its data in a temporary folder as the mesh does
 * (.data/mesh/pglite), or BENCH_DATABASE_URL names a database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadModels } from '../bpmn/models';
import { recordOutcome, requestTv } from './support/technical-visit';
import { EmbeddedEngine } from '../mesh/engine/engine';
import { migrateEngine } from '../mesh/engine/migrate';
import { startEmbeddedPostgres } from '../mesh/embedded-postgres';
import { fromHttp } from '../shared/cloudevents/http';
import { createPool } from '../shared/db';
import { migrate } from '../shared/db/migrate';
import { createLogger } from '../shared/logging';
import { jobFromCloudEvent } from '../shared/workflow/job';

const ACTIVE = Number(process.env.BENCH_ACTIVE ?? 100_000);
const TVS = Number(process.env.BENCH_TVS ?? 1_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000);
const CHUNK = 10_000;
const quiet = createLogger({ level: 'error' });
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
const heapNow = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

/** A worker answering every job at once: this bench measures the engine, not the workers. */
async function instantWorker(): Promise<{ url: string; jobs: () => number; close(): Promise<void> }> {
  let jobs = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const job = jobFromCloudEvent(fromHttp(req.headers, Buffer.concat(chunks)));
      jobs++;
      const variables = job.type === 'tv-schedule-visit' ? { visitId: randomUUID() } : {};
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ variables }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, jobs: () => jobs, close: () => new Promise((r) => server.close(() => r())) };
}

async function main() {
  const dataDir = process.env.BENCH_DATABASE_URL ? undefined : mkdtempSync(path.join(tmpdir(), 'ahs-volume-'));
  const embedded = dataDir ? await startEmbeddedPostgres({ dataDir }) : undefined;
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  await migrate({ databaseUrl });
  await migrateEngine(databaseUrl);
  const db = createPool({ connectionString: databaseUrl, max: 4 });
  const worker = await instantWorker();
  const heapBaseline = heapNow();

  // One real instance waiting for its outcome, then copies of it (each with its own order id and
  // subscription) up to BENCH_ACTIVE: what months of open technical visits leave in Postgres.
  let engine = await EmbeddedEngine.start({ db, models: loadModels(), workerUrl: () => worker.url, logger: quiet });
  const templateOrder = randomUUID();
  await requestTv(engine, templateOrder);
  await engine.idle();
  await engine.stop();
  const {
    rows: [template],
  } = await db.query<{ key: string }>(`SELECT process_instance_key::text AS key FROM engine.instances WHERE correlation_key = $1`, [templateOrder]);
  const t0 = performance.now();
  for (let from = 1; from < ACTIVE; from += CHUNK) {
    const to = Math.min(ACTIVE - 1, from + CHUNK - 1);
    await db.query(
      `WITH copies AS (
         INSERT INTO engine.instances (process_instance_key, process_definition_key, bpmn_process_id, correlation_key, state, variables, engine_state, timers, jobs, wake_at, awaiting_jobs, started_at, updated_at)
         SELECT nextval('engine.keys'), t.process_definition_key, t.bpmn_process_id, 'volume-' || g, 'ACTIVE',
                jsonb_set(t.variables, '{orderId}', to_jsonb('volume-' || g)),
                jsonb_set(t.engine_state, '{subscriptions,0,correlationKey}', to_jsonb('volume-' || g)),
                t.timers, t.jobs, t.wake_at, FALSE, t.started_at, t.updated_at
           FROM generate_series($2::int, $3::int) AS g, engine.instances t WHERE t.process_instance_key = $1
         RETURNING process_instance_key, correlation_key)
       INSERT INTO engine.subscriptions (process_instance_key, execution_id, element_id, message_name, correlation_key)
       SELECT c.process_instance_key, s.execution_id, s.element_id, s.message_name, c.correlation_key
         FROM copies c, engine.subscriptions s WHERE s.process_instance_key = $1`,
      [template!.key, from, to],
    );
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  const {
    rows: [count],
  } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM engine.instances WHERE state = 'ACTIVE'`);

  // 1. The engine starts on all of them; heap sampled while it works.
  let heapPeak = 0;
  let rssPeak = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    heapPeak = Math.max(heapPeak, usage.heapUsed);
    rssPeak = Math.max(rssPeak, usage.rss);
  }, 20);
  const t1 = performance.now();
  engine = await EmbeddedEngine.start({ db, models: loadModels(), workerUrl: () => worker.url, logger: quiet });
  await engine.idle();
  const startMs = performance.now() - t1;
  const heapAfterStart = heapNow();

  // 2a. New technical visits, start to end, all in flight at once.
  const orders = Array.from({ length: TVS }, () => randomUUID());
  const t2 = performance.now();
  await Promise.all(
    orders.map(async (id) => {
      await requestTv(engine, id);
      await recordOutcome(engine, id);
    }),
  );
  const done = async () =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM engine.instances WHERE state = 'COMPLETED' AND correlation_key = ANY($1)`, [orders]))
      .rows[0]!.n;
  while ((await done()) < TVS) {
    await engine.idle();
    await new Promise((r) => setTimeout(r, 10));
  }
  const tvSeconds = (performance.now() - t2) / 1000;

  // 2b. Outcome messages to waiting copies picked at random: each is read from Postgres.
  const picked = new Set<number>();
  while (picked.size < Math.min(MESSAGES, ACTIVE - 1)) picked.add(1 + Math.floor(Math.random() * (ACTIVE - 1)));
  const t3 = performance.now();
  await Promise.all([...picked].map((n) => recordOutcome(engine, `volume-${n}`, 'NO')));
  await engine.idle();
  const messageSeconds = (performance.now() - t3) / 1000;
  const {
    rows: [ended],
  } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM engine.instances WHERE state = 'COMPLETED' AND correlation_key = ANY($1)`, [
    [...picked].map((n) => `volume-${n}`),
  ]);
  clearInterval(sampler);
  const heapAfterWork = heapNow();

  const round = (n: number, d = 1) => Number(n.toFixed(d));
  const result = {
    activeInstances: count!.n,
    seedSeconds: round(seedSeconds),
    engineStartMs: round(startMs),
    heapMB: {
      baselineBeforeEngine: round(heapBaseline / MB),
      afterStartOnAllInstances: round(heapAfterStart / MB),
      peakWhileWorking: round(heapPeak / MB),
      afterWork: round(heapAfterWork / MB),
    },
    heapPeakOverBaseline: round(heapPeak / heapBaseline, 2),
    /** The whole process: with embedded PGlite, Postgres itself (WASM memory) lives here too, as in the mesh. */
    rssPeakMB: round(rssPeak / MB),
    loadedInstances: engine.loadedInstances(),
    technicalVisits: { count: TVS, perSecond: round(TVS / tvSeconds) },
    messagesToWaitingInstances: { count: picked.size, completedBySecondJob: ended!.n, perSecond: round(picked.size / messageSeconds) },
    jobsAnswered: worker.jobs(),
    database: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PGlite (data in a temporary folder)',
    gcExposed: !!gc,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\nembedded engine with ${result.activeInstances} active instances: heap peak ${result.heapMB.peakWhileWorking} MB (${result.heapPeakOverBaseline}x the ${result.heapMB.baselineBeforeEngine} MB before any engine; target < 512 MB);` +
      ` ${result.technicalVisits.perSecond} TV/s start to end (target ≥ 100); ${result.messagesToWaitingInstances.perSecond} messages/s to instances loaded from Postgres; started in ${result.engineStartMs} ms`,
  );

  await engine.stop();
  await worker.close();
  await db.end();
  await embedded?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
