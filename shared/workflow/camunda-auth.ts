import type { Camunda8 } from '@camunda8/sdk';
import { z } from 'zod';

/**
 * How a function authenticates to Camunda 8, whether over REST (workflow-messages,
 * operator-tasks) or gRPC (the job bridge, `npm run bpmn:deploy`). The client secret has no
 * default.
 */
export const camundaAuthSchema = z.object({
  CAMUNDA_AUTH_STRATEGY: z.enum(['NONE', 'OAUTH']).default('OAUTH'),
  CAMUNDA_OAUTH_URL: z.url().optional(),
  ZEEBE_CLIENT_ID: z.string().min(1).optional(),
  ZEEBE_CLIENT_SECRET: z.string().min(1).optional(),
  CAMUNDA_TOKEN_AUDIENCE: z.string().min(1).default('zeebe.camunda.io'),
  CAMUNDA_TENANT_ID: z.string().min(1).default('<default>'),
});
export type CamundaAuth = z.infer<typeof camundaAuthSchema>;

type OauthSettings = Pick<CamundaAuth, 'CAMUNDA_AUTH_STRATEGY' | 'CAMUNDA_OAUTH_URL' | 'ZEEBE_CLIENT_ID' | 'ZEEBE_CLIENT_SECRET'>;

/** The variables OAUTH needs that are missing. */
export function missingOauthSettings(c: OauthSettings): ('CAMUNDA_OAUTH_URL' | 'ZEEBE_CLIENT_ID' | 'ZEEBE_CLIENT_SECRET')[] {
  if (c.CAMUNDA_AUTH_STRATEGY !== 'OAUTH') return [];
  return (['CAMUNDA_OAUTH_URL', 'ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET'] as const).filter((key) => !c[key]);
}

/** The OAUTH rule for `boot`'s check (boot composes schemas by `.shape`, which drops refinements). */
export function camundaAuthProblems(c: OauthSettings): string[] {
  return missingOauthSettings(c).map((key) => `${key} is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)`);
}

/** The SDK's constructor configuration (a type only: the SDK itself loads at run time, on use). */
export type Camunda8Config = NonNullable<ConstructorParameters<typeof Camunda8>[0]>;

/**
 * The SDK's authentication settings, every one given explicitly: the SDK merges what it is
 * given over process.env, so nothing it would read from the environment on its own (a stray
 * CAMUNDA_OAUTH_DISABLED, a support log that dumps the configuration) can change how it
 * authenticates. Its own logging is reduced to errors: its debug lines print whole jobs.
 */
export function camundaAuthSdkSettings(config: CamundaAuth): Camunda8Config {
  const oauth = config.CAMUNDA_AUTH_STRATEGY === 'OAUTH';
  return {
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
  };
}
