import type { Camunda8, Zeebe } from '@camunda8/sdk';
import type { Logger } from '../../shared/logging';
import type { Camunda8Config } from '../../shared/workflow/zeebe-config';
import type { ActivatedJob, JobActions } from './handler';

type ZeebeGrpcClient = Zeebe.ZeebeGrpcClient;

/**
 * The SDK's gRPC client, built from configuration passed explicitly (camundaSdkConfig). The SDK
 * is required here, on use: it stays outside the esbuild bundle (it loads its zeebe.proto and
 * package.json files by relative path) and costs nothing where no workflow runs.
 */
export function zeebeGrpcClient(config: Camunda8Config): ZeebeGrpcClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@camunda8/sdk') as { Camunda8: typeof Camunda8 };
  return new sdk.Camunda8(config).getZeebeGrpcApiClient();
}

export interface JobWorkersOptions {
  zeebe: ZeebeGrpcClient;
  taskTypes: readonly string[];
  handle(job: ActivatedJob, actions: JobActions): Promise<unknown>;
  /** The worker name the engine records on each activation. */
  workerName: string;
  /** How long an activated job is ours before the engine hands it out again, ms. */
  jobTimeoutMs: number;
  /** Jobs in flight per task type. */
  maxJobsActive: number;
  longPollMs: number;
  pollIntervalMs: number;
  logger: Logger;
}

export interface JobWorkers {
  /** Stops activating, lets jobs in flight finish, closes the connections. */
  close(): Promise<void>;
}

const ACK = 'JOB_ACTION_ACKNOWLEDGEMENT' as const;

/**
 * One SDK worker (long-polling ActivateJobs on its own connection) per task type. Each job
 * goes to `handle` with the SDK's job actions; the handler always answers with one of them.
 */
export function startJobWorkers(options: JobWorkersOptions): JobWorkers {
  const stdout = sdkLogger(options.logger);
  for (const taskType of options.taskTypes) {
    options.zeebe.createWorker({
      taskType,
      id: options.workerName,
      timeout: options.jobTimeoutMs,
      maxJobsToActivate: options.maxJobsActive,
      longPoll: options.longPollMs,
      pollInterval: options.pollIntervalMs,
      loglevel: 'ERROR',
      stdout,
      onReady: () => options.logger.info('activating jobs', { taskType }),
      onConnectionError: () => options.logger.warn('no connection to the Zeebe gateway; retrying', { taskType }),
      taskHandler: async (job) => {
        await options.handle(job, {
          complete: (variables) => job.complete(variables as never),
          error: (error) => job.error({ errorCode: error.errorCode, errorMessage: error.errorMessage, variables: error.variables as never }),
          fail: (failure) => job.fail(failure),
        });
        return ACK;
      },
    });
  }
  return { close: () => options.zeebe.close(10_000).then(() => undefined) };
}

/**
 * The SDK's worker logs (errors only, see camundaSdkConfig) as our JSON lines. Its messages
 * are JSON-stringified records; only their text is kept, never a job it may have attached.
 */
function sdkLogger(logger: Logger) {
  const text = (line: string) => {
    try {
      const record = JSON.parse(line) as { message?: unknown };
      return typeof record.message === 'string' ? record.message : 'SDK message without text';
    } catch {
      return line.slice(0, 300);
    }
  };
  return {
    debug: (line: string) => logger.debug('zeebe sdk', { sdk: text(line) }),
    info: (line: string) => logger.info('zeebe sdk', { sdk: text(line) }),
    error: (line: string) => logger.error('zeebe sdk', { sdk: text(line) }),
  };
}
