import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config';
import { camundaSdkConfig, zeebeConfigSchema } from '../../shared/workflow/zeebe-config';
import { bridgeConfigProblems, bridgeConfigSchema, retryPolicyFrom, workerUrlFrom } from './config';

const oauth = {
  ZEEBE_GRPC_ADDRESS: 'grpcs://zeebe.camunda.example:443',
  CAMUNDA_AUTH_STRATEGY: 'OAUTH',
  CAMUNDA_OAUTH_URL: 'https://login.camunda.example/oauth/token',
  ZEEBE_CLIENT_ID: 'ahs-job-bridge',
  ZEEBE_CLIENT_SECRET: 's3cret-value',
  CAMUNDA_TOKEN_AUDIENCE: 'zeebe-api',
};

function problems(env: Record<string, string>): string[] {
  try {
    return bridgeConfigProblems(parseConfig(bridgeConfigSchema, env));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('job bridge configuration', () => {
  it('when only the gateway and OAuth settings are set, then the defaults fill the rest', () => {
    const config = parseConfig(bridgeConfigSchema, oauth);
    expect(config).toMatchObject({
      JOB_WORKER_URL_TEMPLATE: 'http://{worker}.ahs-field-service.svc.cluster.local',
      JOB_TIMEOUT_MS: 120_000,
      JOB_DISPATCH_TIMEOUT_MS: 60_000,
      JOB_MAX_ACTIVE: 32,
      CAMUNDA_TENANT_ID: '<default>',
    });
    expect(bridgeConfigProblems(config)).toEqual([]);
    expect(retryPolicyFrom(config)).toEqual({ baseBackOffMs: 5_000, maxBackOffMs: 300_000, initialRetries: 3 });
  });

  it('when the strategy is OAUTH (the default) without credentials, then each missing variable is named', () => {
    expect(problems({ ZEEBE_GRPC_ADDRESS: 'grpc://zeebe:26500' })).toEqual([
      'CAMUNDA_OAUTH_URL is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)',
      'ZEEBE_CLIENT_ID is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)',
      'ZEEBE_CLIENT_SECRET is missing (required when CAMUNDA_AUTH_STRATEGY is OAUTH)',
    ]);
  });

  it('when the strategy is NONE, then no credentials are needed', () => {
    expect(problems({ ZEEBE_GRPC_ADDRESS: 'grpc://zeebe:26500', CAMUNDA_AUTH_STRATEGY: 'NONE' })).toEqual([]);
  });

  it('when no gateway address is set, then the bridge may start idle (the local mesh)', () => {
    expect(problems({})).toEqual([]);
  });

  it.each(['zeebe:26500', 'http://zeebe:26500', 'grpc://zeebe', 'grpc://zeebe:26500/path'])(
    'when the address is %s, then it is refused (scheme grpc or grpcs and a port)',
    (address) => {
      expect(problems({ ZEEBE_GRPC_ADDRESS: address, CAMUNDA_AUTH_STRATEGY: 'NONE' })).toEqual([expect.stringMatching(/^ZEEBE_GRPC_ADDRESS is invalid/)]);
    },
  );

  it('when the worker URL template has no {worker} or is no URL, then it is refused', () => {
    expect(problems({ JOB_WORKER_URL_TEMPLATE: 'http://one-worker.svc' })).toEqual([expect.stringMatching(/^JOB_WORKER_URL_TEMPLATE is invalid/)]);
    expect(problems({ JOB_WORKER_URL_TEMPLATE: '{worker}' })).toEqual([expect.stringMatching(/^JOB_WORKER_URL_TEMPLATE is invalid/)]);
  });

  it('when the dispatch timeout is not shorter than the job timeout, then it is refused', () => {
    expect(problems({ JOB_TIMEOUT_MS: '30000', JOB_DISPATCH_TIMEOUT_MS: '30000' })).toEqual([
      expect.stringMatching(/^JOB_DISPATCH_TIMEOUT_MS must be shorter than JOB_TIMEOUT_MS/),
    ]);
    expect(problems({ JOB_RETRY_BASE_BACKOFF_MS: '9000', JOB_RETRY_MAX_BACKOFF_MS: '1000' })).toEqual([expect.stringMatching(/^JOB_RETRY_BASE_BACKOFF_MS/)]);
  });

  it('when a configuration problem is reported, then the secret never appears in it', () => {
    const text = problems({ ...oauth, ZEEBE_GRPC_ADDRESS: 'nope', JOB_TIMEOUT_MS: 'x' }).join('\n');
    expect(text).not.toContain(oauth.ZEEBE_CLIENT_SECRET);
  });

  it('when a worker name fills the template, then every {worker} is replaced', () => {
    expect(workerUrlFrom('http://{worker}.ns.svc.cluster.local/{worker}')('tv-schedule-visit')).toBe(
      'http://tv-schedule-visit.ns.svc.cluster.local/tv-schedule-visit',
    );
  });
});

describe('the SDK configuration', () => {
  it('when the strategy is OAUTH, then the SDK gets the address, credentials, audience and tenant explicitly', () => {
    const sdk = camundaSdkConfig(parseConfig(zeebeConfigSchema, oauth), { longPollMs: 20_000, pollIntervalMs: 250 });
    expect(sdk).toMatchObject({
      ZEEBE_GRPC_ADDRESS: 'grpcs://zeebe.camunda.example:443',
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_OAUTH_DISABLED: false,
      CAMUNDA_OAUTH_URL: 'https://login.camunda.example/oauth/token',
      ZEEBE_CLIENT_ID: 'ahs-job-bridge',
      ZEEBE_CLIENT_SECRET: 's3cret-value',
      ZEEBE_TOKEN_AUDIENCE: 'zeebe-api',
      CAMUNDA_ZEEBE_OAUTH_AUDIENCE: 'zeebe-api',
      CAMUNDA_TENANT_ID: '<default>',
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
      CAMUNDA_SUPPORT_LOG_ENABLED: false,
      zeebeGrpcSettings: {
        ZEEBE_CLIENT_LOG_LEVEL: 'ERROR',
        ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 20,
        ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: 250,
        ZEEBE_GRPC_CLIENT_MAX_RETRIES: 5,
      },
    });
  });

  it('when the strategy is NONE, then OAuth is disabled outright and no credential is passed', () => {
    const sdk = camundaSdkConfig(
      parseConfig(zeebeConfigSchema, { ZEEBE_GRPC_ADDRESS: 'grpc://zeebe:26500', CAMUNDA_AUTH_STRATEGY: 'NONE', ZEEBE_CLIENT_SECRET: 'ignored' }),
    );
    expect(sdk).toMatchObject({ CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_OAUTH_DISABLED: true });
    expect(sdk).not.toHaveProperty('ZEEBE_CLIENT_SECRET');
  });
});
