import '../../shared/observability/init';
import { authConfigSchema, authenticatorFromEnv } from '../../shared/auth';
import { boot, serve } from '../../shared/runtime';
import { camundaConfigProblems, camundaConfigSchema, camundaRestClient, camundaWorkflows } from '../../shared/workflow/camunda';
import { NAME, operatorTasksFunction } from './function';
import { makeOperatorTasks } from './handler';

const { config, logger } = boot(NAME, authConfigSchema.extend(camundaConfigSchema.shape), camundaConfigProblems);
const workflows = camundaWorkflows(camundaRestClient(config), { timeoutMs: config.CAMUNDA_REQUEST_TIMEOUT_MS });
const authenticator = authenticatorFromEnv(process.env);

void serve(NAME, operatorTasksFunction({ operatorTasks: makeOperatorTasks({ workflows }), authenticator, logger }), {
  port: config.PORT,
  host: config.LISTEN_HOST,
  logger,
});
