import { jobWorkers } from '../../bpmn/contract';
import type { Logger } from '../../shared/logging';
import { currentTraceHeaders, withParentTrace } from '../../shared/observability/tracing';
import { dispatchJob } from '../../shared/workflow/dispatch';
import { camundaSdkConfig } from '../../shared/workflow/zeebe-config';
import { retryPolicyFrom, workerUrlFrom, type BridgeConfig } from './config';
import { NAME, type BridgeStatus } from './function';
import { makeJobBridge } from './handler';
import { startJobWorkers, zeebeGrpcClient } from './zeebe-workers';

export interface RunningBridge {
  status(): BridgeStatus;
  close(): Promise<void>;
}

/** Wires the bridge: the SDK's workers for every task type of bpmn/contract.ts → makeJobBridge → dispatchJob. */
export function startJobBridge(config: BridgeConfig, logger: Logger): RunningBridge {
  const taskTypes = Object.keys(jobWorkers);
  const bridge = makeJobBridge({
    dispatch: (job, url) => dispatchJob(job, { url, source: `/functions/${NAME}`, timeoutMs: config.JOB_DISPATCH_TIMEOUT_MS }),
    workerUrl: workerUrlFrom(config.JOB_WORKER_URL_TEMPLATE),
    policy: retryPolicyFrom(config),
    logger,
    inTrace: withParentTrace,
    currentTraceparent: () => currentTraceHeaders().traceparent,
  });
  const address = config.ZEEBE_GRPC_ADDRESS;
  if (!address) {
    logger.warn('ZEEBE_GRPC_ADDRESS is not set: no engine to bridge, idle (locally the embedded engine calls workers itself)');
    return { status: () => ({ engine: 'none', taskTypes: [], ...bridge.stats() }), close: () => Promise.resolve() };
  }
  const polling = { longPollMs: config.JOB_LONG_POLL_MS, pollIntervalMs: config.JOB_POLL_INTERVAL_MS };
  const workers = startJobWorkers({
    zeebe: zeebeGrpcClient(camundaSdkConfig({ ...config, ZEEBE_GRPC_ADDRESS: address }, polling)),
    taskTypes,
    handle: bridge.handle,
    workerName: NAME,
    jobTimeoutMs: config.JOB_TIMEOUT_MS,
    maxJobsActive: config.JOB_MAX_ACTIVE,
    ...polling,
    logger,
  });
  logger.info('job bridge started', { gateway: address, auth: config.CAMUNDA_AUTH_STRATEGY, taskTypes });
  return { status: () => ({ engine: 'zeebe', taskTypes, ...bridge.stats() }), close: () => workers.close() };
}
