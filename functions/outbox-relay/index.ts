import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { makeOutboxRelay, pruneDelivered, startRelayLoop, type RelayLoop } from '../../shared/outbox';
import { boot, serve } from '../../shared/runtime';
import { relayConfigProblems, relayConfigSchema } from './config';
import { NAME, outboxRelayFunction } from './function';
import { publisherFromConfig } from './publisher';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(relayConfigSchema.shape), relayConfigProblems);
const db = poolFromConfig(NAME, config);
const publisher = publisherFromConfig(config, logger);
let loop: RelayLoop | undefined;

// The loop starts once the function answers its readiness probe: nothing delays readiness.
void serve(
  NAME,
  outboxRelayFunction(() => loop?.stats() ?? { published: 0, failures: 0, lastError: null }),
  {
    port: config.PORT,
    host: config.LISTEN_HOST,
    logger,
    onShutdown: async () => {
      await loop?.stop();
      await publisher.close();
      await db.end();
    },
  },
).then(() => {
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
