import type { Logger } from '../../shared/logging';
import type { EventPublisher } from '../../shared/outbox';
import { makeHttpBusPublisher } from '../../shared/outbox/http-bus-publisher';
import { makeKafkaPublisher } from '../../shared/outbox/kafka-publisher';

/** Kafka when KAFKA_BROKERS is set (production); the local mesh's bus otherwise. */
export function publisherFromConfig(config: { KAFKA_BROKERS?: string[]; KAFKA_CLIENT_ID: string; EVENT_BUS_URL?: string }, logger?: Logger): EventPublisher {
  if (config.KAFKA_BROKERS && config.KAFKA_BROKERS.length > 0) {
    return makeKafkaPublisher({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  }
  if (config.EVENT_BUS_URL) return makeHttpBusPublisher(config.EVENT_BUS_URL);
  throw new Error('no event publisher configured: set KAFKA_BROKERS or EVENT_BUS_URL');
}
