import '../../shared/observability/init';
import { authConfigSchema, authenticatorFromEnv } from '../../shared/auth';
import { databaseConfigSchema, poolFromConfig } from '../../shared/db';
import { boot, serve } from '../../shared/runtime';
import { camundaConfigProblems, camundaConfigSchema, camundaRestClient, camundaWorkflows } from '../../shared/workflow/camunda';
import { NAME, tvVisitsFunction } from './function';

const { config, logger } = boot(
  NAME,
  databaseConfigSchema.extend(authConfigSchema.shape).extend(camundaConfigSchema.shape),
  camundaConfigProblems,
);
const db = poolFromConfig(NAME, config);
const authenticator = authenticatorFromEnv(process.env);
const workflows = camundaWorkflows(camundaRestClient(config));

void serve(NAME, tvVisitsFunction({ db, authenticator, logger, workflows }), {
  port: config.PORT,
  logger,
  onShutdown: () => db.end(),
});
