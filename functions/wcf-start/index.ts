import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { NAME, wcfStartFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema);
const db = poolFromConfig(NAME, config);

void serve(NAME, wcfStartFunction({ db, logger }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
