import { z } from 'zod';
import { env } from '../../shared/config';

/** What outbox-relay reads from its environment beyond the database settings. */
export const relayConfigSchema = z.object({
  DB_POOL_MAX: env.int(2),
  KAFKA_BROKERS: env.list().optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('ahs-outbox-relay'),
  EVENT_BUS_URL: z.url().optional(),
  RELAY_BATCH_SIZE: env.int(100),
  RELAY_IDLE_MS: env.int(200),
  RELAY_MAX_BACKOFF_MS: env.int(5_000),
  OUTBOX_RETENTION_DAYS: env.int(7),
  INBOX_RETENTION_DAYS: env.int(30),
  PRUNE_EVERY_MS: env.int(3_600_000),
});

/** A relay publishes somewhere: Kafka, or the local mesh's bus. */
export const relayConfigProblems = (c: { KAFKA_BROKERS?: string[]; EVENT_BUS_URL?: string }): string[] =>
  c.KAFKA_BROKERS || c.EVENT_BUS_URL ? [] : ['KAFKA_BROKERS is missing (or EVENT_BUS_URL for the local mesh bus)'];
