import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { headerStrings, type KafkaRecord } from '../../shared/cloudevents/kafka';
import type { Bus, BusSubscription } from './bus';

/** Partitions of a subscription delivered at once: terraform/'s partitions per topic. */
const PARTITIONS_IN_PARALLEL = 12;

/**
 * The mesh's bus on a real Kafka cluster: what a KafkaSource does in production, one
 * consumer per subscription in its consumer group, one record of a partition at a time and
 * the partitions in parallel (as a KafkaSource's ordered delivery), the offset committed only
 * after the record is done with (delivered or dead-lettered).
 */
export function makeKafkaBus(options: { brokers: string[]; clientId?: string }): Bus {
  const kafka = new Kafka({ clientId: options.clientId ?? 'ahs-mesh', brokers: options.brokers, logLevel: logLevel.ERROR });
  const consumers: Consumer[] = [];
  let producer: Promise<Producer> | undefined;

  const ensureTopics = async (topics: readonly string[]) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
      }
    } finally {
      await admin.disconnect();
    }
  };

  return {
    kind: 'kafka',
    ensureTopics,
    async publish(topic: string, record: KafkaRecord) {
      // One producer, even when the first publishes arrive together.
      producer ??= (async () => {
        const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await p.connect();
        return p;
      })();
      await (await producer).send({ topic, acks: -1, messages: [record] });
    },
    async subscribe(sub: BusSubscription) {
      await ensureTopics(sub.topics);
      const consumer = kafka.consumer({ groupId: sub.group, maxWaitTimeInMs: 500 });
      await consumer.connect();
      await consumer.subscribe({ topics: [...sub.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        // kafkajs never hands out two records of one partition at once: per-key order holds.
        partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
        eachMessage: async ({ topic, partition, message }) => {
          const headers = headerStrings(message.headers);
          await sub.handle({
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value ?? Buffer.alloc(0),
            headers,
          });
        },
      });
      consumers.push(consumer);
    },
    async close() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await (await producer)?.disconnect();
    },
  };
}
