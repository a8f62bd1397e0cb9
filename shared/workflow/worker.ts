import type { z } from 'zod';
import type { TaskType, WorkerFunctionName } from '../../bpmn/contract';
import { jobWorkers, type BpmnErrorCode } from '../../bpmn/contract';
import type { DbClient } from '../db/pool';
import type { Logger } from '../logging';
import type { Outbox } from '../outbox/outbox';
import type { Job } from './job';

/** What a job handler may touch: the transaction its effect commits in, the outbox, the job. */
export interface JobContext {
  tx: DbClient;
  outbox: Outbox;
  logger: Logger;
  job: Pick<Job, 'key' | 'type' | 'processInstanceKey' | 'bpmnProcessId' | 'elementId' | 'retries' | 'customHeaders'>;
}

/**
 * A worker's business outcome. A union, so a handler that forgets a branch does not compile.
 * Failures that may pass (database down) are thrown as RetryableError; a job that can never
 * succeed (variables the model should not have sent) is thrown as PermanentError.
 */
export type JobOutcome = { kind: 'complete'; variables?: Record<string, unknown> } | { kind: 'bpmn-error'; errorCode: BpmnErrorCode; message: string };

export interface JobHandlerRegistration {
  type: TaskType;
  variables: z.ZodType;
  handle(variables: unknown, ctx: JobContext): Promise<JobOutcome>;
}

/**
 * Binds a task type of bpmn/contract.ts to its handler; the handler receives the job's
 * variables already validated by `variables`. The worker named in the contract for this task
 * type must be the function that registers it (checked by makeWorkerFunction).
 */
export function work<S extends z.ZodType>(
  type: TaskType,
  variables: S,
  handle: (variables: z.infer<S>, ctx: JobContext) => Promise<JobOutcome>,
): JobHandlerRegistration {
  return { type, variables, handle };
}

export function checkRegistrations(worker: WorkerFunctionName, registrations: JobHandlerRegistration[]): void {
  for (const r of registrations) {
    if (jobWorkers[r.type] !== worker) {
      throw new Error(`task type "${r.type}" belongs to worker "${jobWorkers[r.type]}", not "${worker}" (bpmn/contract.ts)`);
    }
  }
}
