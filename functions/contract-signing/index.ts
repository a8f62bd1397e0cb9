import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { optionalAdobeSign, optionalAdobeSignConfigSchema } from '../../shared/esign/optional';
import { objectStoreFromConfig } from '../../shared/object-storage';
import { boot, serve } from '../../shared/runtime';
import { NAME, contractSigningFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(optionalAdobeSignConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const esign = optionalAdobeSign(config, logger, 'jobs that need it are retried, then handed to an operator');
const store = objectStoreFromConfig(process.env);

void serve(NAME, contractSigningFunction({ db, logger, esign, store }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
