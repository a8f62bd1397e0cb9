import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { NAME, claimsOrdersFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema);
const db = poolFromConfig(NAME, config);

void serve(NAME, claimsOrdersFunction({ db, logger }), { port: config.PORT, host: config.LISTEN_HOST, logger, onShutdown: () => db.end() });
