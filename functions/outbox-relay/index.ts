import '../../shared/observability/init';
import { z } from 'zod';
import { env } from '../../shared/config';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { makeOutboxRelay, pruneDelivered, startRelayLoop, type RelayLoop } from '../../shared/outbox';
import { boot, serve } from '../../shared/runtime';
import { NAME, outboxRelayFunction } from './function';
import { publisherFromConfig } from './publisher';

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend({
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
  }),
  (c) => (c.KAFKA_BROKERS || c.EVENT_BUS_URL ? [] : ['KAFKA_BROKERS is missing (or EVENT_BUS_URL for the local mesh bus)']),
);
const db = poolFromConfig(NAME, config);
const publisher = publisherFromConfig(config);
let loop: RelayLoop | undefined;

// The loop starts once the function answers its readiness probe: nothing delays readiness.
void serve(NAME, outboxRelayFunction(() => loop?.stats() ?? { published: 0, failures: 0, lastError: null }), {
  port: config.PORT, host: config.LISTEN_HOST,
  logger,
  onShutdown: async () => {
    await loop?.stop();
    await publisher.close();
    await db.end();
  },
}).then(() => {
  loop = startRelayLoop({
    relay: makeOutboxRelay({ db, publisher, logger, batchSize: config.RELAY_BATCH_SIZE }),
    logger,
    idleMs: config.RELAY_IDLE_MS,
    maxBackoffMs: config.RELAY_MAX_BACKOFF_MS,
  });
  // Housekeeping of the platform tables, hourly by default: published outbox rows, and old inbox
  // rows, stored worker answers and stored HTTP answers.
  setInterval(() => {
    pruneDelivered(db, { outboxDays: config.OUTBOX_RETENTION_DAYS, inboxDays: config.INBOX_RETENTION_DAYS })
      .then((pruned) => logger.info('platform tables pruned', pruned))
      .catch((error: unknown) => logger.warn('pruning failed; will try again', { error }));
  }, config.PRUNE_EVERY_MS).unref();
});
