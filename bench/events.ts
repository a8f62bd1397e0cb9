/**
 * npm run bench:events — sales from Kafka to service orders and their events back on Kafka,
 * on a real broker (KAFKA_BROKERS, default 127.0.0.1:9092) and a real Postgres server
 * (BENCH_DATABASE_URL: any URL on the server; the bench creates two databases there and drops
 * them). The platform path: the mesh's dispatcher consuming as the KafkaSource of
 * order-intake does (knative/sources), POSTing each record to ONE order-intake instance (its
 * bundle as its own process), whose transaction writes inbox + order + outbox; the outbox-relay
 * bundle publishes `orders.service-order.created`. The ceiling, on the same records: a plain
 * kafkajs consumer (per-partition order kept, partitions in parallel) running the same
 * transaction — the inbox claim and order-intake's own handler SQL — with the same relay.
 * Reported, not asserted: events/s over a burst of BENCH_EVENTS distinct sales, end-to-end
 * p50/p95 from publish to the created event arriving on Kafka under a paced load (the same
 * rate for both), the share of the ceiling (target: at least 50%), and CPU ms per event of each
 * process. BENCH_CPU_PROF=<dir> writes CPU profiles of the spawned functions there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { salesOrderCreated, type SalesOrderMessage } from '../events';
import { makeIntakeSale } from '../functions/order-intake/handler';
import { loadSubscriptions } from '../knative/manifests';
import { makeKafkaBus } from '../mesh/bus/kafka-bus';
import { startDispatcher } from '../mesh/dispatcher';
import { waitReady } from '../mesh/processes';
import { buildEvent } from '../shared/cloudevents/build';
import { fromKafkaRecord, toKafkaRecord, type KafkaRecord } from '../shared/cloudevents/kafka';
import { createPool, type Queryable } from '../shared/db';
import { withTransaction } from '../shared/db/transaction';
import { claimInbox } from '../shared/inbox/inbox';
import { createLogger } from '../shared/logging';
import { makeOutbox } from '../shared/outbox';
import { topicSpec } from '../shared/outbox/topic-spec';
import { pyxis, tempo } from '../test/fixtures/sales';
import { createDatabase } from '../test/support/databases';
import { freePort } from '../test/support/ports';

const ROOT = path.join(__dirname, '..');
const N = Number(process.env.BENCH_EVENTS ?? 3000);
/** Sales each side handles first, unmeasured (JIT, connection pools, consumer group joins). */
const WARMUP = Number(process.env.BENCH_EVENTS_WARMUP ?? 300);
/** Sales of the paced run that measures latency. */
const PACED = Number(process.env.BENCH_EVENTS_PACED ?? 600);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUN = Date.now().toString(36).toUpperCase();
const quiet = createLogger({ level: 'error' });
const kafka = new Kafka({ clientId: 'bench-events', brokers: BROKERS, logLevel: logLevel.NOTHING });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sale `i` of the run: the sales fixtures, each with its own order, customer, phone and e-mail (no two link). */
function sale(i: number): SalesOrderMessage {
  const tag = `${RUN}${i}`;
  const digits = String(i).padStart(8, '0');
  switch (i % 4) {
    case 0:
    case 1: {
      const m = pyxis(i % 4 === 0 ? 'pyxis-created' : 'pyxis-created-fr-store', tag);
      const customer = m.order.customer;
      customer.phone = `${i % 4 === 0 ? '+346' : '+336'}${digits}`;
      customer.email = `b${tag.toLowerCase()}@example.org`;
      customer.lastName = `${customer.lastName} ${tag}`;
      return m;
    }
    default: {
      const m = tempo(i % 4 === 2 ? 'tempo-created' : 'tempo-created-pl', tag);
      m.sale.buyer.mobile = `${i % 4 === 2 ? '+393' : '+486'}${digits}`;
      m.sale.buyer.mail = `b${tag.toLowerCase()}@example.org`;
      m.sale.buyer.name = `${m.sale.buyer.name} ${tag}`;
      return m;
    }
  }
}

const saleKey = (m: SalesOrderMessage) => ('header' in m ? `PYXIS:${m.order.orderNumber}` : `TEMPO:${m.sale.sale_ref}`);
const saleSource = (m: SalesOrderMessage) => ('header' in m ? '/sales/pyxis' : '/sales/tempo');
const saleId = (m: SalesOrderMessage) => ('header' in m ? m.header.messageId : m.event_id);

/** The sales as the sales systems publish them: binary CloudEvents keyed by the sale. */
const records = (sales: SalesOrderMessage[]): KafkaRecord[] =>
  sales.map((m) => toKafkaRecord(buildEvent(salesOrderCreated, m, { source: saleSource(m), id: saleId(m) })));

/** CPU milliseconds a process has used (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').includes('(postgres)')) total += cpuMsOf(Number(pid));
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

async function spawnFunction(name: string, env: Record<string, string>): Promise<ChildProcess> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'dist', 'functions', name, 'index.js')], {
    // EXIT_WITH_PARENT (over the IPC channel): a bench that dies leaves no function behind.
    env: { ...process.env, ...env, PORT: String(port), K_SERVICE: name, LOG_LEVEL: 'error', LISTEN_HOST: '127.0.0.1', EXIT_WITH_PARENT: 'true' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await waitReady(`http://127.0.0.1:${port}`, 20_000);
  return Object.assign(child, { url: `http://127.0.0.1:${port}` });
}

function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return gone;
}

/**
 * Watches `orders.service-order.created` from now on: when the created event of each sale
 * arrives. Both sides' relays publish there, one side at a time.
 */
async function watchCreated(): Promise<{ arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const consumer: Consumer = kafka.consumer({ groupId: `bench-events-watch-${RUN}`, maxWaitTimeInMs: 20 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders.service-order.created'], fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently: 12,
    eachMessage: ({ message }) => {
      const data = JSON.parse(message.value?.toString() ?? 'null') as { salesSystem?: string; salesOrderId?: string } | null;
      if (data?.salesSystem && data.salesOrderId) arrivals.set(`${data.salesSystem}:${data.salesOrderId}`, performance.now());
      return Promise.resolve();
    },
  });
  await joined;
  return { arrivals, close: () => consumer.disconnect() };
}

interface Side {
  name: string;
  topic: string;
  /** Processes whose CPU is this side's: the function (platform side) and the relay. */
  pids: Record<string, number | undefined>;
  /** Sales handled so far (order-intake's inbox rows): when the orders became readable. */
  handled(): Promise<number>;
  stop(): Promise<void>;
}

/** The platform path: the dispatcher as order-intake's KafkaSource, one order-intake instance, the relay. */
async function platformSide(databaseUrl: string, topic: string): Promise<Side> {
  const source = loadSubscriptions(ROOT).find((s) => s.service === 'order-intake');
  if (!source) throw new Error('no KafkaSource for order-intake in knative/sources');
  const intake = await spawnFunction('order-intake', { DATABASE_URL: databaseUrl });
  const relay = await spawnFunction('outbox-relay', { DATABASE_URL: databaseUrl, KAFKA_BROKERS: BROKERS.join(','), KAFKA_CLIENT_ID: `bench-relay-${RUN}-p` });
  const bus = makeKafkaBus({ brokers: BROKERS, clientId: `bench-dispatcher-${RUN}` });
  const url = (intake as ChildProcess & { url: string }).url;
  const dispatcher = await startDispatcher({
    bus,
    subscriptions: [{ ...source, topics: [topic], consumerGroup: `bench-events-${RUN}` }],
    serviceUrl: () => url,
    log: (line) => console.error(`dispatcher: ${line}`),
  });
  const db = createPool({ connectionString: databaseUrl, max: 1 });
  return {
    name: 'platform',
    topic,
    pids: { 'order-intake': intake.pid, relay: relay.pid },
    handled: () => inboxCount(db),
    async stop() {
      dispatcher.stop();
      await bus.close();
      await Promise.all([stop(intake), stop(relay), db.end()]);
    },
  };
}

/** The ceiling: a plain kafkajs consumer, the same transaction in-process, the same relay. */
async function ceilingSide(databaseUrl: string, topic: string): Promise<Side> {
  const relay = await spawnFunction('outbox-relay', { DATABASE_URL: databaseUrl, KAFKA_BROKERS: BROKERS.join(','), KAFKA_CLIENT_ID: `bench-relay-${RUN}-c` });
  const db = createPool({ connectionString: databaseUrl, max: 12 });
  const intake = makeIntakeSale();
  const consumer = kafka.consumer({ groupId: `bench-events-ceiling-${RUN}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 12,
    eachMessage: async ({ message }) => {
      const event = fromKafkaRecord(message);
      const data = salesOrderCreated.data.parse(event.data);
      await withTransaction(db, async (tx) => {
        if (!(await claimInbox(tx, { consumer: 'order-intake', source: event.source, id: event.id, type: event.type }))) return;
        const outbox = makeOutbox(tx, { source: '/functions/order-intake' });
        await intake(data, {
          tx,
          outbox,
          logger: quiet,
          event: { id: event.id, source: event.source, type: event.type, time: event.time, subject: event.subject },
          afterCommit: () => undefined, // order-intake defers nothing
        });
      });
    },
  });
  return {
    name: 'ceiling',
    topic,
    pids: { relay: relay.pid },
    handled: () => inboxCount(db),
    async stop() {
      await consumer.disconnect();
      await db.end();
      await stop(relay);
    },
  };
}

const inboxCount = async (db: Queryable) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.inbox WHERE consumer = 'order-intake'`)).rows[0]?.n ?? 0;

/** What one drive of a side measured. */
interface Run {
  items: number;
  /** From the first publish until every order was committed (readable), and until every created event arrived. */
  readableSeconds: number;
  seconds: number;
  latencies: number[];
  /** CPU ms spent, by process. */
  cpuMs: Record<string, number>;
}

/**
 * Publishes `sales` to the side's topic — all at once (burst), or `ratePerSecond` of them a
 * second — and waits until each one's created event arrived: how long that took, each sale's
 * publish → arrival latency, and the CPU each process spent meanwhile.
 */
async function drive(
  side: Side,
  producer: Producer,
  watch: { arrivals: Map<string, number> },
  sales: SalesOrderMessage[],
  ratePerSecond?: number,
): Promise<Run> {
  watch.arrivals.clear();
  const recs = records(sales);
  const published = new Map<string, number>();
  const cpu = () => ({ ...Object.fromEntries(Object.entries(side.pids).map(([k, pid]) => [k, cpuMsOf(pid)])), bench: ownCpuMs(), postgres: postgresCpuMs() });
  const cpu0: Record<string, number> = cpu();
  const handledBefore = await side.handled();
  let readableAt = 0;
  const started = performance.now();
  const polling = (async () => {
    while (!readableAt) {
      if ((await side.handled()) - handledBefore >= sales.length) readableAt = performance.now();
      else await sleep(25);
    }
  })();
  const chunk = ratePerSecond ? Math.max(1, Math.round(ratePerSecond / 50)) : 500;
  for (let i = 0; i < recs.length; i += chunk) {
    const at = performance.now();
    sales.slice(i, i + chunk).forEach((m) => published.set(saleKey(m), at));
    await producer.send({ topic: side.topic, acks: -1, messages: recs.slice(i, i + chunk) });
    if (ratePerSecond) await sleep(Math.max(0, started + ((i + chunk) / ratePerSecond) * 1000 - performance.now()));
  }
  const deadline = Date.now() + 180_000;
  while (sales.some((m) => !watch.arrivals.has(saleKey(m)))) {
    if (Date.now() > deadline) throw new Error(`${side.name}: ${sales.filter((m) => !watch.arrivals.has(saleKey(m))).length} sales never arrived`);
    await sleep(20);
  }
  await polling;
  const cpu1: Record<string, number> = cpu();
  const last = Math.max(...sales.map((m) => watch.arrivals.get(saleKey(m)) ?? 0));
  return {
    items: sales.length,
    readableSeconds: (readableAt - started) / 1000,
    seconds: (last - started) / 1000,
    latencies: sales.map((m) => (watch.arrivals.get(saleKey(m)) ?? 0) - (published.get(saleKey(m)) ?? 0)),
    cpuMs: Object.fromEntries(Object.keys(cpu1).map((k) => [k, (cpu1[k] ?? 0) - (cpu0[k] ?? 0)])),
  };
}

function summarize(runs: Run[]) {
  const items = runs.reduce((n, r) => n + r.items, 0);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const cpuMs: Record<string, number> = {};
  for (const run of runs) for (const [k, ms] of Object.entries(run.cpuMs)) cpuMs[k] = (cpuMs[k] ?? 0) + ms / items;
  return {
    perSecond: items / runs.reduce((n, r) => n + r.seconds, 0),
    readablePerSecond: items / runs.reduce((n, r) => n + r.readableSeconds, 0),
    p50: at(0.5),
    p95: at(0.95),
    cpuMs,
  };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

async function main() {
  const { buildFunction } = await import('../esbuild.config.mjs');
  await Promise.all(['order-intake', 'outbox-relay'].map((name) => buildFunction(name, { codeCache: false })));
  const [platformDb, ceilingDb] = await Promise.all([createDatabase(SERVER, 'ahs_bench_ev_p'), createDatabase(SERVER, 'ahs_bench_ev_c')]);
  const admin = kafka.admin();
  await admin.connect();
  const topics = { platform: `bench.events.${RUN.toLowerCase()}.platform`, ceiling: `bench.events.${RUN.toLowerCase()}.ceiling` };
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const runs = { platform: { burst: [] as Run[], paced: [] as Run[] }, ceiling: { burst: [] as Run[], paced: [] as Run[] } };
  let rate = 0;
  try {
    const brokers = (await admin.describeCluster()).brokers.length;
    await admin.createTopics({
      topics: [topicSpec(topics.platform, brokers), topicSpec(topics.ceiling, brokers), topicSpec('orders.service-order.created', brokers)],
      waitForLeaders: true,
    });
    await producer.connect();
    const watch = await watchCreated();
    // The same sales, in the same order, for both sides: warm-up, bursts, paced.
    const all = Array.from({ length: WARMUP + N + PACED }, (_, i) => sale(i));
    const warm = all.slice(0, WARMUP);
    const burst = all.slice(WARMUP, WARMUP + N);
    const paced = all.slice(WARMUP + N);
    const ceiling = await ceilingSide(ceilingDb.url, topics.ceiling);
    const platform = await platformSide(platformDb.url, topics.platform);
    try {
      await drive(ceiling, producer, watch, warm);
      await drive(platform, producer, watch, warm);
      // Alternating rounds (ceiling, platform; platform, ceiling; ...): whatever else the machine
      // does meanwhile weighs on both sides alike.
      const size = Math.ceil(N / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const slice = burst.slice(round * size, (round + 1) * size);
        for (const side of round % 2 === 0 ? [ceiling, platform] : [platform, ceiling]) {
          runs[side.name as keyof typeof runs].burst.push(await drive(side, producer, watch, slice));
        }
      }
      // The paced runs offer both sides the same load: half the ceiling's throughput.
      rate = Math.max(20, Math.round(summarize(runs.ceiling.burst).perSecond / 2));
      const half = Math.ceil(PACED / 2);
      for (const [side, part] of [
        [platform, paced.slice(0, half)],
        [ceiling, paced.slice(0, half)],
        [ceiling, paced.slice(half)],
        [platform, paced.slice(half)],
      ] as const) {
        runs[side.name as keyof typeof runs].paced.push(await drive(side, producer, watch, part, rate));
      }
    } finally {
      await Promise.all([ceiling.stop(), platform.stop(), watch.close()]);
    }
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topics.platform, topics.ceiling] }).catch(() => undefined);
    await admin.disconnect();
    await Promise.all([platformDb.drop(), ceilingDb.drop()]);
  }
  const shares = runs.platform.burst.map((r, i) => r.items / r.seconds / ((runs.ceiling.burst[i]?.items ?? 0) / (runs.ceiling.burst[i]?.seconds ?? 1)));

  const p = { burst: summarize(runs.platform.burst), paced: summarize(runs.platform.paced) };
  const c = { burst: summarize(runs.ceiling.burst), paced: summarize(runs.ceiling.paced) };
  const fixed = (n: number, d = 1) => n.toFixed(d);
  const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
  const share = p.burst.perSecond / c.burst.perSecond;
  console.log(
    `Kafka → order-intake → Postgres → outbox → relay → Kafka: ${N} distinct sales in bursts (${ROUNDS} alternating rounds) after ${WARMUP} unmeasured, ` +
      `then ${PACED} paced at ${rate}/s (half the ceiling); latency = publish → orders.service-order.created received\n`,
  );
  console.log('side       orders readable/s   events/s   burst p50 ms   paced p50 ms   paced p95 ms');
  for (const [name, r] of [
    ['platform', p],
    ['ceiling', c],
  ] as const) {
    console.log(
      `${name.padEnd(10)}${fixed(r.burst.readablePerSecond).padStart(18)}${fixed(r.burst.perSecond).padStart(11)}` +
        `${fixed(r.burst.p50, 0).padStart(15)}${fixed(r.paced.p50, 0).padStart(15)}${fixed(r.paced.p95, 0).padStart(15)}`,
    );
  }
  console.log(
    `\nshare of the ceiling: ${pct(share)} of its events/s (rounds ${pct(Math.min(...shares))}-${pct(Math.max(...shares))}) ${share >= 0.5 ? 'ok (>= 50%)' : 'UNDER 50%'}`,
  );
  const ms = (r: typeof p.burst, k: string) => fixed(r.cpuMs[k] ?? NaN, 2);
  console.log('\nCPU ms per event in the bursts (Linux /proc; Postgres: every postgres process of the machine)');
  console.log(
    `platform: order-intake ${ms(p.burst, 'order-intake')}, dispatcher + producer + watcher ${ms(p.burst, 'bench')}, relay ${ms(p.burst, 'relay')}, Postgres ${ms(p.burst, 'postgres')}`,
  );
  console.log(`ceiling:  consumer + producer + watcher ${ms(c.burst, 'bench')}, relay ${ms(c.burst, 'relay')}, Postgres ${ms(c.burst, 'postgres')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
