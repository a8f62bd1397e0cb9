import type { Camunda8 } from '@camunda8/sdk';
import { z } from 'zod';
import { env } from '../../shared/config';

/**
 * Where the Zeebe gateway is and how to authenticate to it (gRPC), read from env once.
 * Used by the job bridge and by `npm run bpmn:deploy`. The client secret has no default.
 */
export const zeebeConfigSchema = z.object({
  /** `grpc://host:port` (plain) or `grpcs://host:port` (TLS): the scheme says which, explicitly. */
  ZEEBE_GRPC_ADDRESS: z.string().regex(/^grpcs?:\/\/[^/\s:]+:\d{1,5}$/, { error: 'must be grpc://host:port or grpcs://host:port' }),
  CAMUNDA_AUTH_STRATEGY: z.enum(['NONE', 'OAUTH']).default('OAUTH'),
  CAMUNDA_OAUTH_URL: z.url().optional(),
  ZEEBE_CLIENT_ID: z.string().min(1).optional(),
  ZEEBE_CLIENT_SECRET: z.string().min(1).optional(),
  CAMUNDA_TOKEN_AUDIENCE: z.string().min(1).default('zeebe.camunda.io'),
  CAMUNDA_TENANT_ID: z.string().min(1).default('<default>'),
  /** How many times the SDK retries a command on a network error or back pressure. */
  ZEEBE_COMMAND_RETRIES: env.int(5),
});
export type ZeebeConfig = z.infer<typeof zeebeConfigSchema>;

/** Rules across variables (for `boot`'s check): OAUTH needs its URL and client credentials. */
export function zeebeConfigProblems(config: Pick<ZeebeConfig, 'CAMUNDA_AUTH_STRATEGY' | 'CAMUNDA_OAUTH_URL' | 'ZEEBE_CLIENT_ID' | 'ZEEBE_CLIENT_SECRET'>): string[] {
  if (config.CAMUNDA_AUTH_STRATEGY !== 'OAUTH') return [];
  return (['CAMUNDA_OAUTH_URL', 'ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET'] as const)
    .filter((key) => !config[key])
    .map((key) => `${key} is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)`);
}

/** The SDK's constructor configuration (a type only: the SDK itself loads at run time, on use). */
export type Camunda8Config = NonNullable<ConstructorParameters<typeof Camunda8>[0]>;

export interface WorkerPolling {
  /** How long one ActivateJobs call waits for jobs (long poll), ms. */
  longPollMs: number;
  /** Pause between two ActivateJobs calls, ms. */
  pollIntervalMs: number;
}

/**
 * The SDK's configuration, every setting that matters given explicitly: the SDK merges what it
 * is given over process.env, so nothing it would read from the environment on its own (a
 * stray CAMUNDA_OAUTH_DISABLED, ZEEBE_ADDRESS, a support log that dumps the configuration)
 * can change how it connects. Its own logging is reduced to errors: its debug lines print
 * whole jobs, variables included.
 */
export function camundaSdkConfig(config: ZeebeConfig, polling: WorkerPolling = { longPollMs: 30_000, pollIntervalMs: 300 }): Camunda8Config {
  const oauth = config.CAMUNDA_AUTH_STRATEGY === 'OAUTH';
  return {
    ZEEBE_GRPC_ADDRESS: config.ZEEBE_GRPC_ADDRESS,
    CAMUNDA_AUTH_STRATEGY: config.CAMUNDA_AUTH_STRATEGY,
    CAMUNDA_OAUTH_DISABLED: !oauth,
    ...(oauth
      ? {
          CAMUNDA_OAUTH_URL: config.CAMUNDA_OAUTH_URL,
          ZEEBE_CLIENT_ID: config.ZEEBE_CLIENT_ID,
          ZEEBE_CLIENT_SECRET: config.ZEEBE_CLIENT_SECRET,
          ZEEBE_TOKEN_AUDIENCE: config.CAMUNDA_TOKEN_AUDIENCE,
          CAMUNDA_ZEEBE_OAUTH_AUDIENCE: config.CAMUNDA_TOKEN_AUDIENCE,
        }
      : {}),
    CAMUNDA_TENANT_ID: config.CAMUNDA_TENANT_ID,
    CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
    CAMUNDA_SUPPORT_LOG_ENABLED: false,
    CAMUNDA_LOG_LEVEL: 'error',
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
