import '../../shared/observability/init';
import { authenticatorFromEnv } from '../../shared/auth';
import { poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { claimsConfigSchema } from './config';
import { claimsFunction, NAME } from './function';

const { config, logger } = boot(NAME, claimsConfigSchema);
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);

void serve(NAME, claimsFunction({ db, authenticator, logger, linkSecret: config.CUSTOMER_LINK_SECRET }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
