import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { notifyWebhooksConfigSchema } from './config';
import { NAME, notifyWebhooksFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(notifyWebhooksConfigSchema.shape));
const db = poolFromConfig(NAME, config);

void serve(
  NAME,
  notifyWebhooksFunction({
    db,
    logger,
    twilioAuthToken: config.TWILIO_AUTH_TOKEN,
    sendGridPublicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY,
    publicBaseUrl: config.NOTIFY_PUBLIC_BASE_URL,
    linkSecret: config.CUSTOMER_LINK_SECRET,
    signatureToleranceS: config.NOTIFY_SIGNATURE_TOLERANCE_S,
  }),
  { port: config.PORT, host: config.LISTEN_HOST, logger, onShutdown: () => db.end() },
);
