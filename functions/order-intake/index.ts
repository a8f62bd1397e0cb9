import '../../shared/observability/init';
import { z } from 'zod';
import { env } from '../../shared/config';
import { createPool } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { NAME, orderIntakeFunction } from './function';

const { config, logger } = boot(NAME, z.object({ DATABASE_URL: z.string().min(1), DB_POOL_MAX: env.int(10) }));
const db = createPool({ connectionString: config.DATABASE_URL, max: config.DB_POOL_MAX, applicationName: NAME });

void serve(NAME, orderIntakeFunction({ db, logger }), { port: config.PORT, logger, onShutdown: () => db.end() });
