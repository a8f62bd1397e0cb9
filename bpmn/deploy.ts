/**
 * Deploys every model of bpmn/ to Camunda 8 in one DeployResource call (gRPC, atomic: all
 * models or none), configured from env like the job bridge:
 *
 *   ZEEBE_GRPC_ADDRESS=grpcs://zeebe.example:443 CAMUNDA_OAUTH_URL=... ZEEBE_CLIENT_ID=... \
 *   ZEEBE_CLIENT_SECRET=... CAMUNDA_TOKEN_AUDIENCE=... npm run bpmn:deploy
 *
 * Camunda keeps the version of a model whose content did not change, so running it again is
 * harmless. Prints one line per process: id, version, definition key, file.
 */
import type { Zeebe } from '@camunda8/sdk';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../shared/config';
import { camundaSdkConfig, zeebeConfigProblems, zeebeConfigSchema } from '../shared/workflow/zeebe-config';
import { zeebeGrpcClient } from '../functions/job-bridge/zeebe-workers';
import { loadModels, type ModelFile } from './models';

export interface DeployedProcess {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
}

const deployment = z.object({
  process: z.object({ bpmnProcessId: z.string(), version: z.number(), processDefinitionKey: z.coerce.string(), resourceName: z.string() }).optional(),
});

export async function deployModels(zeebe: Zeebe.ZeebeGrpcClient, models: ModelFile[], tenantId?: string): Promise<DeployedProcess[]> {
  if (models.length === 0) throw new Error('no .bpmn model to deploy');
  const response = await zeebe.deployResources(
    models.map((m) => ({ name: m.name, process: Buffer.from(m.xml, 'utf8') })),
    tenantId,
  );
  // Decisions and forms have other metadata; only processes are deployed from here.
  return z
    .array(deployment)
    .parse(response.deployments)
    .flatMap((d) => (d.process ? [d.process] : []));
}

export async function main(env: NodeJS.ProcessEnv = process.env, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const config = parseConfig(zeebeConfigSchema, env);
  const problems = zeebeConfigProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const zeebe = zeebeGrpcClient(camundaSdkConfig(config));
  try {
    const models = loadModels();
    const deployed = await deployModels(zeebe, models, config.CAMUNDA_TENANT_ID);
    write(`deployed ${models.length} model(s) to ${config.ZEEBE_GRPC_ADDRESS}:`);
    for (const p of deployed) write(`  ${p.bpmnProcessId} version ${p.version} (key ${p.processDefinitionKey}) from bpmn/${p.resourceName}`);
  } finally {
    await zeebe.close(5_000);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bpmn:deploy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
