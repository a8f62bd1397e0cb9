import '../../shared/observability/init';
import { authConfigSchema, authenticatorFromEnv } from '../../shared/auth';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { fieldConfigSchema } from './config';
import { fieldVisitsFunction, NAME } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(authConfigSchema.shape).extend(fieldConfigSchema.shape));
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);

void serve(NAME, fieldVisitsFunction({ db, authenticator, logger, config }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
