import '../../shared/observability/init';
import { authenticatorFromEnv } from '../../shared/auth';
import { poolFromConfig } from '../../shared/db';
import { optionalAdobeSign } from '../../shared/esign/optional';
import { boot, serve } from '../../shared/runtime';
import { wcfConfigSchema } from './config';
import { NAME, wcfFunction } from './function';

const { config, logger } = boot(NAME, wcfConfigSchema);
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);
const esign = optionalAdobeSign(config, logger, 'an in-person signing URL answers 503');

void serve(NAME, wcfFunction({ db, authenticator, logger, esign, linkSecret: config.CUSTOMER_LINK_SECRET }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
