import '../../shared/observability/init';
import { authConfigSchema, authenticatorFromEnv } from '../../shared/auth';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { NAME, pricingRulesFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(authConfigSchema.shape));
const db = poolFromConfig(NAME, config);

void serve(NAME, pricingRulesFunction({ db, authenticator: authenticatorFromEnv(process.env), logger }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
