import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { optionalAdobeSign, optionalAdobeSignConfigSchema } from '../../shared/esign/optional';
import { objectStoreFromConfig } from '../../shared/object-storage';
import { boot, serve } from '../../shared/runtime';
import { linkConfigSchema } from './config';
import { NAME, wcfFormsFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(optionalAdobeSignConfigSchema.shape).extend(linkConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const esign = optionalAdobeSign(config, logger, 'sending and archiving forms are retried, then handed to an operator');
const store = objectStoreFromConfig(process.env);
const link = { secret: config.CUSTOMER_LINK_SECRET, baseUrl: config.CUSTOMER_LINK_BASE_URL };

void serve(NAME, wcfFormsFunction({ db, logger, esign, store, link }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
