import '../../shared/observability/init';
import { z } from 'zod';
import { authConfigSchema, authenticatorFromEnv } from '../../shared/auth';
import { env } from '../../shared/config';
import { createPool } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { NAME, serviceOrdersFunction } from './function';

const { config, logger } = boot(
  NAME,
  z.object({ DATABASE_URL: z.string().min(1), DB_POOL_MAX: env.int(10) }).extend(authConfigSchema.shape),
);
const db = createPool({ connectionString: config.DATABASE_URL, max: config.DB_POOL_MAX, applicationName: NAME });
const authenticator = authenticatorFromEnv(process.env);

void serve(NAME, serviceOrdersFunction({ db, authenticator, logger }), {
  port: config.PORT,
  logger,
  onShutdown: () => db.end(),
});
