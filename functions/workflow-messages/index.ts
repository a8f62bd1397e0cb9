import '../../shared/observability/init';
import { boot, serve } from '../../shared/runtime';
import { camundaConfigProblems, camundaConfigSchema, camundaRestClient, camundaWorkflows } from '../../shared/workflow/camunda';
import { NAME, workflowMessagesFunction } from './function';

const { config, logger } = boot(NAME, camundaConfigSchema, camundaConfigProblems);
const workflows = camundaWorkflows(camundaRestClient(config), { timeoutMs: config.CAMUNDA_REQUEST_TIMEOUT_MS });

void serve(NAME, workflowMessagesFunction({ workflows, logger }), { port: config.PORT, host: config.LISTEN_HOST, logger });
