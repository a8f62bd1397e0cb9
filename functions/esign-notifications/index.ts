import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { optionalAdobeSign, optionalAdobeSignConfigSchema } from '../../shared/esign/optional';
import { esignNotificationsFunction, NAME } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(optionalAdobeSignConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const esign = optionalAdobeSign(config, logger, 'notifications that need it are retried, then dead-lettered');

void serve(NAME, esignNotificationsFunction({ db, logger, esign }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
