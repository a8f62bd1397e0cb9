import { z } from 'zod';
import { env } from '../config';
import { camundaAuthProblems, camundaAuthSchema, camundaAuthSdkSettings, type Camunda8Config } from './camunda-auth';

/**
 * Where the Zeebe gateway is and how to authenticate to it (gRPC), read from env once.
 * Used by the job bridge and by `npm run bpmn:deploy`.
 */
export const zeebeConfigSchema = camundaAuthSchema.extend({
  /** `grpc://host:port` (plain) or `grpcs://host:port` (TLS): the scheme says which, explicitly. */
  ZEEBE_GRPC_ADDRESS: z.string().regex(/^grpcs?:\/\/[^/\s:]+:\d{1,5}$/, { error: 'must be grpc://host:port or grpcs://host:port' }),
  /** How many times the SDK retries a command on a network error or back pressure. */
  ZEEBE_COMMAND_RETRIES: env.int(5),
});
export type ZeebeConfig = z.infer<typeof zeebeConfigSchema>;

/** Rules across variables (for `boot`'s check): OAUTH needs its URL and client credentials. */
export const zeebeConfigProblems = camundaAuthProblems;

export type { Camunda8Config };

export interface WorkerPolling {
  /** How long one ActivateJobs call waits for jobs (long poll), ms. */
  longPollMs: number;
  /** Pause between two ActivateJobs calls, ms. */
  pollIntervalMs: number;
}

/**
 * The SDK's gRPC configuration, every setting that matters given explicitly (see
 * camundaAuthSdkSettings): nothing the SDK would read from the environment on its own (a stray
 * ZEEBE_ADDRESS) can change how it connects.
 */
export function camundaSdkConfig(config: ZeebeConfig, polling: WorkerPolling = { longPollMs: 30_000, pollIntervalMs: 300 }): Camunda8Config {
  return {
    ...camundaAuthSdkSettings(config),
    ZEEBE_GRPC_ADDRESS: config.ZEEBE_GRPC_ADDRESS,
    zeebeGrpcSettings: {
      ZEEBE_CLIENT_LOG_LEVEL: 'ERROR',
      ZEEBE_CLIENT_LOG_TYPE: 'JSON',
      ZEEBE_GRPC_CLIENT_EAGER_CONNECT: false,
      ZEEBE_GRPC_CLIENT_RETRY: true,
      ZEEBE_GRPC_CLIENT_MAX_RETRIES: config.ZEEBE_COMMAND_RETRIES,
      ZEEBE_GRPC_CLIENT_MAX_RETRY_TIMEOUT_SECONDS: 5,
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: Math.max(1, Math.round(polling.longPollMs / 1000)),
      ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: polling.pollIntervalMs,
    },
  };
}
