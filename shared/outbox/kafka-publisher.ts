import type * as KafkaJs from 'kafkajs';
import { toKafkaRecord } from '../cloudevents/kafka';
import type { EventPublisher, OutgoingEvent } from './publisher';

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
}

/**
 * Publishes with an idempotent kafkajs producer (acks from all in-sync replicas, one
 * request in flight), so a retried send neither duplicates nor reorders a partition.
 */
export function makeKafkaPublisher(options: KafkaPublisherOptions): EventPublisher {
  let producer: KafkaJs.Producer | undefined;
  let connecting: Promise<KafkaJs.Producer> | undefined;

  const connected = (): Promise<KafkaJs.Producer> => {
    if (producer) return Promise.resolve(producer);
    connecting ??= (async () => {
      // kafkajs is loaded on the first publish, not at boot (cold start).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
      const kafka = new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.WARN });
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      producer = p;
      return p;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    async publish(events: OutgoingEvent[]) {
      if (events.length === 0) return;
      const p = await connected();
      const byTopic = new Map<string, { key: string | null; value: Buffer; headers: Record<string, string> }[]>();
      for (const { topic, event, traceHeaders } of events) {
        const record = toKafkaRecord(event);
        const messages = byTopic.get(topic) ?? [];
        messages.push({ ...record, headers: { ...traceHeaders, ...record.headers } });
        byTopic.set(topic, messages);
      }
      await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    },
    async close() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
