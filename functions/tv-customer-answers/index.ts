import '../../shared/observability/init';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { answerLinkSecretSchema } from '../../shared/domain/tv-answer-token';
import { boot, serve } from '../../shared/runtime';
import { camundaConfigProblems, camundaConfigSchema, camundaRestClient, camundaWorkflows } from '../../shared/workflow/camunda';
import { NAME, tvCustomerAnswersFunction } from './function';

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend(camundaConfigSchema.shape).extend({ TV_ANSWER_LINK_SECRET: answerLinkSecretSchema }),
  camundaConfigProblems,
);
const db = poolFromConfig(NAME, config);
const workflows = camundaWorkflows(camundaRestClient(config));

void serve(NAME, tvCustomerAnswersFunction({ db, logger, workflows, linkSecret: config.TV_ANSWER_LINK_SECRET }), {
  port: config.PORT,
  logger,
  onShutdown: () => db.end(),
});
