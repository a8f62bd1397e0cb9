import { jobWorkers, type TaskType, type WorkerFunctionName } from '../../bpmn/contract';
import type { Logger } from '../../shared/logging';
import { answerToJobCommand, type Job, type JobCommand, type RetryPolicy, type WorkerAnswer } from '../../shared/workflow/job';

/**
 * A job as the engine handed it out (the fields of the SDK's job the bridge reads): a `Job`
 * before `toJob` normalizes it — the SDK gives the deadline as a string and headers untyped.
 */
export type ActivatedJob = Omit<Job, 'deadline' | 'variables' | 'customHeaders' | 'traceparent'> & {
  /** Epoch ms. */
  deadline: string | number;
  variables: Readonly<Record<string, unknown>>;
  customHeaders: Readonly<Record<string, unknown>>;
};

/** What the engine can be told about a job: the SDK's job.complete / job.error / job.fail. */
export interface JobActions {
  complete(variables: Record<string, unknown>): Promise<unknown>;
  error(error: { errorCode: string; errorMessage: string; variables: Record<string, unknown> }): Promise<unknown>;
  fail(failure: { errorMessage: string; retries: number; retryBackOff: number }): Promise<unknown>;
}

export interface JobBridgeDeps {
  /** POSTs the job to its worker and returns the answer, never throwing (shared/workflow/dispatch). */
  dispatch(job: Job, url: string): Promise<WorkerAnswer>;
  workerUrl(worker: WorkerFunctionName): string;
  policy: RetryPolicy;
  logger: Logger;
  /** Runs the job's work in a span that continues `carrier`'s trace (shared/observability/tracing). */
  inTrace<T>(carrier: Record<string, string>, name: string, work: () => Promise<T>): Promise<T>;
  /** The active span's W3C traceparent, when tracing is on. */
  currentTraceparent(): string | undefined;
  clock?: () => number;
}

/**
 * The process variable that carries a workflow's W3C trace context: Zeebe keeps no trace
 * context of its own, so whoever starts or advances a workflow puts its `traceparent` there.
 */
export const TRACEPARENT_VARIABLE = 'traceparent';
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface JobBridgeStats {
  dispatched: number;
  completed: number;
  errored: number;
  failed: number;
  /** Commands the engine refused (job gone, cancelled) or that did not reach it. */
  rejected: number;
  lastFailure: string | null;
}

/**
 * The bridge's logic: a job becomes a CloudEvent POSTed to its worker function, the answer a
 * job command (answerToJobCommand, the one mapping), and the command is executed. Nothing here
 * knows gRPC; logs name the job, never its variables' values.
 */
export function makeJobBridge(deps: JobBridgeDeps) {
  const clock = deps.clock ?? Date.now;
  const stats: JobBridgeStats = { dispatched: 0, completed: 0, errored: 0, failed: 0, rejected: 0, lastFailure: null };

  async function handle(activated: ActivatedJob, actions: JobActions): Promise<JobCommand> {
    const logger = deps.logger.child({
      jobKey: activated.key,
      taskType: activated.type,
      processInstanceKey: activated.processInstanceKey,
      elementId: activated.elementId,
    });
    const worker = workerOf(activated.type);
    if (!worker) {
      const command: JobCommand = {
        kind: 'fail',
        errorMessage: `no worker function is declared for task type "${activated.type}" (bpmn/contract.ts)`,
        retries: 0,
        retryBackOffMs: 0,
      };
      await execute(command, actions, logger);
      return command;
    }
    const carrier = traceCarrier(activated.variables);
    return deps.inTrace(carrier, `job-bridge.${activated.type}`, async () => {
      const job = toJob(activated, deps.currentTraceparent() ?? carrier.traceparent);
      const started = clock();
      stats.dispatched += 1;
      const answer = await deps.dispatch(job, deps.workerUrl(worker));
      const command = answerToJobCommand(job, answer, deps.policy);
      const fields = { worker, retries: job.retries, answer: answer.status, command: command.kind, durationMs: clock() - started };
      if (command.kind === 'fail')
        logger.warn('job failed by its worker', {
          ...fields,
          retriesLeft: command.retries,
          retryBackOffMs: command.retryBackOffMs,
          reason: command.errorMessage,
        });
      else logger.info('job answered', { ...fields, ...(command.kind === 'error' ? { errorCode: command.errorCode } : {}) });
      await execute(command, actions, logger);
      return command;
    });
  }

  async function execute(command: JobCommand, actions: JobActions, logger: Logger): Promise<void> {
    try {
      switch (command.kind) {
        case 'complete':
          await actions.complete(command.variables);
          stats.completed += 1;
          return;
        case 'error':
          await actions.error({ errorCode: command.errorCode, errorMessage: command.errorMessage, variables: command.variables });
          stats.errored += 1;
          return;
        case 'fail':
          await actions.fail({ errorMessage: command.errorMessage, retries: command.retries, retryBackOff: command.retryBackOffMs });
          stats.failed += 1;
          stats.lastFailure = command.errorMessage;
          return;
      }
    } catch (error) {
      // The job was cancelled, completed elsewhere or timed out, or the gateway is unreachable:
      // if the job still exists it comes back after its timeout, and the worker answers again
      // from its stored answer.
      stats.rejected += 1;
      logger.warn('the engine did not take the job command', { command: command.kind, error: describeError(error) });
    }
  }

  return { handle, stats: (): JobBridgeStats => ({ ...stats }) };
}

function workerOf(type: string): WorkerFunctionName | undefined {
  return Object.prototype.hasOwnProperty.call(jobWorkers, type) ? jobWorkers[type as TaskType] : undefined;
}

function traceCarrier(variables: Readonly<Record<string, unknown>>): Record<string, string> {
  const value = variables[TRACEPARENT_VARIABLE];
  return typeof value === 'string' && TRACEPARENT.test(value) ? { traceparent: value } : {};
}

export function toJob(activated: ActivatedJob, traceparent: string | undefined): Job {
  return {
    key: activated.key,
    type: activated.type,
    processInstanceKey: activated.processInstanceKey,
    bpmnProcessId: activated.bpmnProcessId,
    elementId: activated.elementId,
    retries: activated.retries,
    deadline: Number(activated.deadline),
    variables: { ...activated.variables },
    customHeaders: Object.fromEntries(Object.entries(activated.customHeaders).map(([k, v]) => [k, String(v)])),
    ...(traceparent ? { traceparent } : {}),
  };
}

/** An error's code and message, for a log line (gRPC errors carry `code` and `details`). */
function describeError(error: unknown): string {
  const e = error as { code?: unknown; details?: unknown; message?: unknown };
  const text = typeof e.details === 'string' ? e.details : typeof e.message === 'string' ? e.message : String(error);
  return typeof e.code === 'number' || typeof e.code === 'string' ? `${e.code} ${text}` : text;
}
