import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { answersConfigSchema } from './config';
import { NAME, tvCustomerAnswersFunction } from './function';

const { config, logger } = boot(NAME, databaseConfigSchema.extend(answersConfigSchema.shape));
const db = poolFromConfig(NAME, config);

void serve(NAME, tvCustomerAnswersFunction({ db, logger, linkSecret: config.TV_ANSWER_LINK_SECRET }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
