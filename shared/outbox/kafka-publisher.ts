import type * as KafkaJs from 'kafkajs';
import { toKafkaRecord } from '../cloudevents/kafka';
import type { Logger } from '../logging';
import { TopicUnavailableError, type EventPublisher, type OutgoingEvent } from './publisher';
import { topicSpec } from './topic-spec';

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  /** Says when a missing topic was created. */
  logger?: Logger;
  /** kafkajs's retries inside one publish (a broker restart, a leader election); then it throws. */
  retry?: KafkaJs.RetryOptions;
  /** The kafkajs client; by default one on `brokers`. Tests pass a fake. */
  kafka?: Pick<KafkaJs.Kafka, 'producer' | 'admin'>;
}

/** Errors after which the broker no longer knows this producer's id or sequence numbers (e.g. a reset broker). */
const PRODUCER_STATE_LOST = new Set(['UNKNOWN_PRODUCER_ID', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);
const NOT_AUTHORISED = new Set(['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED']);

interface Clients {
  producer: KafkaJs.Producer;
  admin: KafkaJs.Admin;
}

/**
 * Publishes with an idempotent kafkajs producer (acks from all in-sync replicas, one request
 * in flight), so a retried send neither duplicates nor reorders a partition. The producer is
 * kept across failures: sending the same events again after a failed publish reuses their
 * sequence numbers, and the broker drops what it already has. A topic that does not exist is
 * created as terraform/ would (topic-spec.ts); when that is refused the publish throws
 * TopicUnavailableError. The producer gives up after `retry` (about 10 s) and throws, so the
 * caller's transaction does not stay open for the length of an outage.
 */
export function makeKafkaPublisher(options: KafkaPublisherOptions): EventPublisher {
  let clients: Clients | undefined;
  let connecting: Promise<Clients> | undefined;
  const known = new Set<string>();

  const connected = (): Promise<Clients> => {
    if (clients) return Promise.resolve(clients);
    connecting ??= (async () => {
      const kafka = options.kafka ?? newKafka(options);
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: options.retry ?? { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
      });
      const admin = kafka.admin();
      await producer.connect();
      await admin.connect().catch(async (error: unknown) => {
        await producer.disconnect();
        throw error;
      });
      clients = { producer, admin };
      return clients;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  const disconnect = async () => {
    const current = clients;
    clients = undefined;
    known.clear();
    await Promise.allSettled([current?.producer.disconnect(), current?.admin.disconnect()]);
  };

  const ensureTopics = async (admin: KafkaJs.Admin, topics: string[]) => {
    const unchecked = topics.filter((t) => !known.has(t));
    if (unchecked.length === 0) return;
    const existing = new Set(await admin.listTopics());
    const missing = unchecked.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      const brokers = (await admin.describeCluster()).brokers.length;
      const specs = missing.map((t) => topicSpec(t, brokers));
      try {
        await admin.createTopics({ topics: specs, waitForLeaders: true });
      } catch (error) {
        const type = protocolErrorType(error);
        if (type && NOT_AUTHORISED.has(type))
          throw new TopicUnavailableError(missing[0] ?? '', `it does not exist and creating it was refused (${type})`, { cause: error });
        throw error;
      }
      options.logger?.info('created missing Kafka topics', {
        topics: missing,
        partitions: specs[0]?.numPartitions,
        replicationFactor: specs[0]?.replicationFactor,
      });
    }
    for (const t of unchecked) known.add(t);
  };

  return {
    async publish(events: OutgoingEvent[]) {
      if (events.length === 0) return;
      const byTopic = new Map<string, { key: string | null; value: Buffer; headers: Record<string, string> }[]>();
      for (const { topic, event, traceHeaders } of events) {
        const record = toKafkaRecord(event);
        const messages = byTopic.get(topic) ?? [];
        messages.push({ ...record, headers: { ...traceHeaders, ...record.headers } });
        byTopic.set(topic, messages);
      }
      const { producer, admin } = await connected();
      await ensureTopics(admin, [...byTopic.keys()]);
      try {
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (error) {
        const type = protocolErrorType(error);
        if (type === 'UNKNOWN_TOPIC_OR_PARTITION') for (const topic of byTopic.keys()) known.delete(topic);
        if (type && PRODUCER_STATE_LOST.has(type)) await disconnect(); // the next publish gets a new producer id
        if (type === 'TOPIC_AUTHORIZATION_FAILED')
          throw new TopicUnavailableError([...byTopic.keys()].join(', '), 'publishing to it is not authorised', { cause: error });
        throw error;
      }
    },
    close: disconnect,
  };
}

function newKafka(options: KafkaPublisherOptions): KafkaJs.Kafka {
  // kafkajs is loaded on the first publish, not at boot (cold start).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
  // kafkajs's own lines would repeat every retry; the relay logs failures and recoveries once.
  return new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.NOTHING });
}

/** The Kafka protocol error (e.g. UNKNOWN_TOPIC_OR_PARTITION) behind a kafkajs error, if any. */
function protocolErrorType(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string') return e.type;
    const nested = Array.isArray(e.errors) ? (e.errors[0] as unknown) : undefined;
    e = (e.cause ?? e.originalError ?? nested) as typeof e;
  }
  return undefined;
}
