import '../../shared/observability/init';
import { authConfigSchema, authenticatorFromEnv } from '../../shared/auth';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { NAME, serviceOrdersFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(authConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);

void serve(NAME, serviceOrdersFunction({ db, authenticator, logger }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
