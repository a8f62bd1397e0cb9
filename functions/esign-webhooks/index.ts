import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { webhookConfigSchema } from './config';
import { esignWebhooksFunction, NAME } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(webhookConfigSchema.shape));
const db = poolFromConfig(NAME, config);
if (config.ESIGN_WEBHOOK_CLIENT_IDS.length === 0) logger.warn('ESIGN_WEBHOOK_CLIENT_IDS is empty: every webhook request is refused');

void serve(NAME, esignWebhooksFunction({ db, logger, clientIds: config.ESIGN_WEBHOOK_CLIENT_IDS }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
