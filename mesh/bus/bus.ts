import type { KafkaRecord } from '../../shared/cloudevents/kafka';

/** One record as a subscriber receives it: where it sat, and what it carries. */
export interface DeliveredRecord extends KafkaRecord {
  topic: string;
  partition: number;
  offset: string;
}

export interface BusSubscription {
  /** Consumer group: each group receives every record once. */
  group: string;
  topics: readonly string[];
  /** Resolves when the record is done with; records of one partition wait for each other. */
  handle(record: DeliveredRecord): Promise<void>;
}

/**
 * What the mesh's dispatcher and ingress need from an event bus: the in-process bus by
 * default (in-memory-bus.ts, like Knative's InMemoryChannel), Kafka when KAFKA_BROKERS is set.
 */
export interface Bus {
  readonly kind: 'embedded' | 'kafka';
  /** Creates the topics that do not exist yet (terraform/ does it in production). */
  ensureTopics(topics: readonly string[]): Promise<void>;
  publish(topic: string, record: KafkaRecord): Promise<void>;
  subscribe(subscription: BusSubscription): Promise<void>;
  close(): Promise<void>;
}
