import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { surveysConfigSchema } from './config';
import { customerSurveysFunction, NAME } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(surveysConfigSchema.shape));
const db = poolFromConfig(NAME, config);

void serve(NAME, customerSurveysFunction({ db, logger, linkSecret: config.CUSTOMER_LINK_SECRET }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
