import '../../shared/observability/init';
import { poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { wcfOutcomesConfigSchema } from './config';
import { NAME, wcfOutcomesFunction } from './function';

const { config, logger } = boot(NAME, wcfOutcomesConfigSchema);
const db = poolFromConfig(NAME, config);
const claimLink = { secret: config.CUSTOMER_LINK_SECRET, baseUrl: config.CLAIM_LINK_BASE_URL };
const surveyLink = { secret: config.CUSTOMER_LINK_SECRET, baseUrl: config.SURVEY_LINK_BASE_URL };

void serve(NAME, wcfOutcomesFunction({ db, logger, claimLink, surveyLink }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
  onShutdown: () => db.end(),
});
