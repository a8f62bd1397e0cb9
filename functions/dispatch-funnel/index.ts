import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { funnelConfigSchema, funnelSettings } from './config';
import { NAME, dispatchFunnelFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(funnelConfigSchema.shape));
const db = poolFromConfig(NAME, config);

void serve(NAME, dispatchFunnelFunction({ db, logger, settings: funnelSettings(config) }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
