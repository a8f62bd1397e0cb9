import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../../events/define';
import { publisherFromConfig } from '../../functions/outbox-relay/publisher';
import { makeKafkaBus } from '../../mesh/bus/kafka-bus';
import { createPool, type Db } from '../../shared/db';
import { withTransaction } from '../../shared/db/transaction';
import { makeOutbox, makeOutboxRelay, startRelayLoop, type EventPublisher, type RelayLoop } from '../../shared/outbox';
import { TOPIC_DEFAULTS } from '../../shared/outbox/topic-spec';
import { createDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker';
import { memoryLogger } from '../support/logger';

/**
 * The outbox relay and the mesh's Kafka consumer across a broker restart: a broker of this
 * file's own (its own ports and directory: the broker the other integration tests use is not
 * touched) is stopped for 20 s while outbox rows keep being committed, then started again.
 */
const OUTAGE_MS = 20_000;
const pulse = defineEvent({
  topic: 'test.restart.pulsed',
  type: 'ahs.test.restart.pulsed',
  description: 'a row streamed through the relay across a broker restart (tests only)',
  data: z.object({ thingId: z.string(), n: z.number().int() }),
  partitionKey: (d) => d.thingId,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let broker: KafkaBroker;
let database: { url: string; drop(): Promise<void> };
let db: Db;
let publisher: EventPublisher;
let loop: RelayLoop;
const relayLog = memoryLogger();
const bus = { close: () => Promise.resolve() };
let stream: ReturnType<typeof streamRows> | undefined;

beforeAll(async () => {
  [broker, database] = await Promise.all([startKafkaBroker('restart'), createDatabase(process.env.TEST_DATABASE_URL ?? inject('databaseUrl'), 'ahs_restart')]);
  db = createPool({ connectionString: database.url, max: 4 });
  // Wired as functions/outbox-relay/index.ts wires it.
  publisher = publisherFromConfig({ KAFKA_BROKERS: broker.brokers, KAFKA_CLIENT_ID: 'restart-test-relay' }, relayLog);
  loop = startRelayLoop({ relay: makeOutboxRelay({ db, publisher, logger: relayLog, batchSize: 100 }), logger: relayLog, idleMs: 50, maxBackoffMs: 2_000 });
}, 240_000);

afterAll(async () => {
  await stream?.stop();
  await loop?.stop();
  await publisher?.close();
  await bus.close();
  await db?.end();
  await database?.drop();
  await broker?.remove();
});

/** Commits rows of the `pulse` topic, a few per transaction, until stopped; returns their event ids. */
function streamRows() {
  const ids: string[] = [];
  let writing = true;
  const done = (async () => {
    for (let n = 0; writing; n++) {
      await withTransaction(db, async (tx) => {
        const outbox = makeOutbox(tx, { source: '/test/restart' });
        for (let i = 0; i < 4; i++) ids.push(await outbox.add(pulse, { thingId: `thing-${(n * 4 + i) % 40}`, n: n * 4 + i }));
      });
      await sleep(15);
    }
  })();
  return {
    ids,
    stop: async () => {
      writing = false;
      await done;
    },
  };
}

/** Every record of `topic` from the beginning, as event ids (the ce_id header). */
async function everyEventId(topic: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'restart-test-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  await admin.disconnect();
  const ids: string[] = [];
  const consumer = kafka.consumer({ groupId: `restart-test-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void ids.push(message.headers?.ce_id?.toString() ?? '') });
  await eventually(async () => (ids.length >= total ? true : undefined), 30_000);
  await consumer.disconnect();
  return ids;
}

describe('a Kafka broker restart in the middle of a stream of outbox rows', () => {
  it('when the broker is down for 20 s and comes back, then the relay and the consumer resume by themselves and every row is on Kafka exactly once', async () => {
    stream = streamRows();
    // The relay's first publish creates the topic as terraform/ would; then the mesh's consumer joins.
    await eventually(async () => (loop.stats().published > 0 ? true : undefined));
    const live = new Set<string>();
    const meshBus = makeKafkaBus({ brokers: broker.brokers, clientId: 'restart-test-mesh' });
    bus.close = () => meshBus.close();
    await meshBus.subscribe({ group: 'restart-test-source', topics: [pulse.topic], handle: async (record) => void live.add(record.headers.ce_id ?? '') });
    await sleep(4_000);

    await broker.stop();
    const publishedBefore = loop.stats().published;
    await sleep(OUTAGE_MS);
    expect(loop.stats().published).toBe(publishedBefore); // nothing "published" while the broker was down
    await broker.start();
    await sleep(4_000);
    await stream.stop();

    const written = stream.ids;
    await eventually(
      async () => {
        const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM platform.outbox WHERE published_at IS NULL');
        return rows[0]?.n === 0 ? true : undefined;
      },
      60_000,
      250,
    );
    const onKafka = await everyEventId(pulse.topic);
    const seen = new Map<string, number>();
    for (const id of onKafka) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]); // nothing duplicated
    expect(written.filter((id) => !seen.has(id))).toEqual([]); // nothing lost
    expect(onKafka).toHaveLength(written.length);

    // The mesh's consumer (a KafkaSource's stand-in) went on after the restart, without a restart of its own.
    await eventually(async () => (written.every((id) => live.has(id)) ? true : undefined), 60_000, 250);
    // The relay's topic is the terraform one; the outage was logged when it started and ended, not every retry.
    const kafka = new Kafka({ clientId: 'restart-test-admin', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [pulse.topic] })).topics;
    await admin.disconnect();
    expect(metadata?.partitions).toHaveLength(TOPIC_DEFAULTS.partitions);
    expect(relayLog.lines.filter((l) => l.msg === 'created missing Kafka topics')).toEqual([
      expect.objectContaining({ topics: [pulse.topic], partitions: TOPIC_DEFAULTS.partitions }),
    ]);
    const warnings = relayLog.lines.filter((l) => l.level === 'warn' || l.level === 'error');
    expect(warnings.length).toBeLessThanOrEqual(4);
    expect(relayLog.lines.filter((l) => l.msg === 'outbox relay recovered')).toHaveLength(1);
  }, 240_000); // a broker restart on a busy CI machine can take 40 s (scripts/kafka/README.md)
});
