import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { messagingProvidersConfigSchema, providersFromConfig } from '../../shared/notify/providers/config';
import { boot, serve } from '../../shared/runtime';
import { senderConfigSchema } from './config';
import { countrySettingsCache, NAME, notifySenderFunction } from './function';
import { startSenders, type Senders } from './senders';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(messagingProvidersConfigSchema.shape).extend(senderConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const providers = providersFromConfig(config);
let senders: Senders | undefined;

// The senders start once the function answers its readiness probe; requests queue meanwhile.
void serve(NAME, notifySenderFunction({ db, logger, wake: (channel) => senders?.wake(channel) }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: async () => {
    await senders?.stop();
    await db.end();
  },
}).then(() => {
  senders = startSenders(
    {
      db,
      logger,
      ...providers,
      clock: () => new Date(),
      settings: countrySettingsCache(db),
      publicBaseUrl: config.NOTIFY_PUBLIC_BASE_URL.replace(/\/$/, ''),
      linkSecret: config.CUSTOMER_LINK_SECRET,
      maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
      backoffMs: config.NOTIFY_BACKOFF_MS,
      maxBackoffMs: config.NOTIFY_MAX_BACKOFF_MS,
      reconcileAfterMs: config.NOTIFY_RECONCILE_AFTER_MS,
      leaseMs: config.NOTIFY_LEASE_MS,
      emailGraceMs: config.NOTIFY_EMAIL_RECONCILE_GRACE_MS,
    },
    {
      perSecond: { sms: config.NOTIFY_SMS_PER_SECOND, email: config.NOTIFY_EMAIL_PER_SECOND },
      concurrency: config.NOTIFY_SEND_CONCURRENCY,
      leaseMs: config.NOTIFY_LEASE_MS,
      idleMs: config.NOTIFY_IDLE_MS,
      reconcileEveryMs: Math.max(5_000, Math.floor(config.NOTIFY_RECONCILE_AFTER_MS / 4)),
    },
  );
});
