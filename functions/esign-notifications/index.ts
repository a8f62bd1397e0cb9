import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { adobeSignFromConfig } from '../../shared/esign';
import { boot, serve } from '../../shared/runtime';
import { adobeSignSettings, notificationsConfigSchema, unconfiguredESignature } from './config';
import { esignNotificationsFunction, NAME } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(notificationsConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const settings = adobeSignSettings(config);
if (!settings) logger.warn('Adobe Sign is not configured: notifications that need it are retried, then dead-lettered');
const esign = settings ? adobeSignFromConfig(settings) : unconfiguredESignature();

void serve(NAME, esignNotificationsFunction({ db, logger, esign }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
