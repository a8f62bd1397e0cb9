import { z } from 'zod';
import type { WorkerFunctionName } from '../../bpmn/contract';
import { env } from '../../shared/config';
import type { RetryPolicy } from '../../shared/workflow/job';
import { zeebeConfigProblems, zeebeConfigSchema } from '../../shared/workflow/zeebe-config';

export const WORKER_PLACEHOLDER = '{worker}';

/**
 * The job bridge's configuration. Without ZEEBE_GRPC_ADDRESS the bridge has no engine to
 * bridge and stays idle (the local mesh, whose embedded engine calls workers itself); in
 * Knative the address comes from a ConfigMap key, so a pod without it does not start.
 */
export const bridgeConfigSchema = zeebeConfigSchema.extend({
  ZEEBE_GRPC_ADDRESS: zeebeConfigSchema.shape.ZEEBE_GRPC_ADDRESS.optional(),
  /** A worker function's URL, `{worker}` standing for its name (bpmn/contract.ts). */
  JOB_WORKER_URL_TEMPLATE: z
    .string()
    .refine((t) => t.includes(WORKER_PLACEHOLDER) && URL.canParse(t.replaceAll(WORKER_PLACEHOLDER, 'worker')), {
      error: `must be a URL containing ${WORKER_PLACEHOLDER}, e.g. http://{worker}.ahs-field-service.svc.cluster.local`,
    })
    .default('http://{worker}.ahs-field-service.svc.cluster.local'),
  /** How long an activated job is the bridge's before the engine hands it out again. */
  JOB_TIMEOUT_MS: env.int(120_000),
  /** Jobs in flight per task type. */
  JOB_MAX_ACTIVE: env.int(32),
  /** How long the bridge waits for a worker's answer; shorter than JOB_TIMEOUT_MS. */
  JOB_DISPATCH_TIMEOUT_MS: env.int(60_000),
  JOB_LONG_POLL_MS: env.int(30_000),
  JOB_POLL_INTERVAL_MS: env.int(300),
  /** Retry policy of failed jobs: backoff doubling from the base up to the maximum. */
  JOB_RETRY_BASE_BACKOFF_MS: env.int(5_000),
  JOB_RETRY_MAX_BACKOFF_MS: env.int(300_000),
  /** The retries a job starts with (the models' `zeebe:taskDefinition retries`, Zeebe's default 3). */
  JOB_INITIAL_RETRIES: env.int(3),
});
export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

/** Rules across variables, each naming its variables. */
export function bridgeConfigProblems(config: BridgeConfig): string[] {
  const problems = config.ZEEBE_GRPC_ADDRESS ? zeebeConfigProblems(config) : [];
  if (config.JOB_DISPATCH_TIMEOUT_MS >= config.JOB_TIMEOUT_MS) {
    problems.push('JOB_DISPATCH_TIMEOUT_MS must be shorter than JOB_TIMEOUT_MS (a job must not time out while its worker runs)');
  }
  if (config.JOB_RETRY_BASE_BACKOFF_MS > config.JOB_RETRY_MAX_BACKOFF_MS) {
    problems.push('JOB_RETRY_BASE_BACKOFF_MS must not exceed JOB_RETRY_MAX_BACKOFF_MS');
  }
  return problems;
}

export function workerUrlFrom(template: string): (worker: WorkerFunctionName) => string {
  return (worker) => template.replaceAll(WORKER_PLACEHOLDER, worker);
}

export function retryPolicyFrom(config: BridgeConfig): RetryPolicy {
  return { baseBackOffMs: config.JOB_RETRY_BASE_BACKOFF_MS, maxBackOffMs: config.JOB_RETRY_MAX_BACKOFF_MS, initialRetries: config.JOB_INITIAL_RETRIES };
}
