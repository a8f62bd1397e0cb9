import type { Request, Response } from '@google-cloud/functions-framework';
import type { WorkerFunctionName } from '../../bpmn/contract';
import { fromHttp } from '../cloudevents/http';
import { isUniqueViolation, type Db, type DbClient } from '../db/pool';
import { withTransaction } from '../db/transaction';
import { InvalidInputError, issuesFromZod, isAppError, RetryableError } from '../errors';
import { toEventAnswer } from '../event-function/errors';
import type { Logger } from '../logging';
import { answeredHealthCheck } from '../runtime/health';
import { currentTraceHeaders, withParentTrace } from '../observability/tracing';
import { makeOutbox } from '../outbox/outbox';
import { jobFromCloudEvent, type Job } from './job';
import { checkRegistrations, type JobHandlerRegistration, type JobOutcome } from './worker';

export interface WorkerFunctionOptions {
  name: WorkerFunctionName;
  db: Db;
  jobs: JobHandlerRegistration[];
  logger: Logger;
  clock?: () => Date;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The edge of every worker function: a Zeebe job arrives as a CloudEvent (shared/workflow/job.ts),
 * the handler runs in one transaction with the outbox, and the answer tells the bridge what to
 * do with the job — 200 complete, 422 BPMN error, 400 incident, 5xx retry. The answer is stored
 * with the effect, keyed by job key: a job delivered twice gets the first answer, nothing runs twice.
 */
export function makeWorkerFunction(options: WorkerFunctionOptions) {
  checkRegistrations(options.name, options.jobs);
  const source = `/functions/${options.name}`;
  return async (req: Request, res: Response): Promise<void> => {
    if (answeredHealthCheck(req, res)) return;
    let logger = options.logger;
    try {
      if (req.method !== 'POST') throw new InvalidInputError(`jobs are POSTed, not ${req.method}`);
      const job = jobFromCloudEvent(fromHttp(req.headers, req.rawBody));
      logger = logger.child({ jobKey: job.key, taskType: job.type, processInstanceKey: job.processInstanceKey });
      const registration = options.jobs.find((r) => r.type === job.type);
      if (!registration) throw new InvalidInputError(`task type "${job.type}" is not handled by ${options.name}`);
      const parsed = registration.variables.safeParse(job.variables);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error, 'variables');
        throw new InvalidInputError(`invalid variables for ${job.type}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
      }
      const carrier: Record<string, string> = job.traceparent ? { traceparent: job.traceparent } : {};
      const answer = await withParentTrace(carrier, `${options.name}.${job.type}`, () => run(options, source, job, registration, parsed.data, logger));
      logger.info('job handled', { status: answer.status, ...(answer.body.errorCode ? { errorCode: answer.body.errorCode } : {}) });
      res.status(answer.status).json(answer.body);
    } catch (error) {
      const answer = toEventAnswer(error);
      if (isAppError(error) && error.kind === 'retryable') logger.warn('job not answered this time; the engine will retry it', { reason: error.message });
      else if (answer.status >= 500) logger.error('job failed; the engine will retry it', { error });
      else logger.warn('job refused', { status: answer.status, reason: answer.body.reason });
      res.status(answer.status).json(answer.body);
    }
  };
}

function run(
  options: WorkerFunctionOptions,
  source: string,
  job: Job,
  registration: JobHandlerRegistration,
  variables: unknown,
  logger: Logger,
): Promise<Answer> {
  return withTransaction(options.db, async (tx) => {
    const earlier = await storedAnswer(tx, options.name, job.key);
    if (earlier) {
      logger.info('job delivered again; answering as the first time');
      return earlier;
    }
    const outbox = makeOutbox(tx, { source, clock: options.clock, traceHeaders: currentTraceHeaders });
    const { key, type, processInstanceKey, bpmnProcessId, elementId, retries, customHeaders } = job;
    const outcome = await registration.handle(variables, {
      tx,
      outbox,
      logger,
      job: { key, type, processInstanceKey, bpmnProcessId, elementId, retries, customHeaders },
    });
    const answer = toAnswer(outcome);
    await tx
      .query(`INSERT INTO platform.job_results (worker, job_key, task_type, status, answer) VALUES ($1, $2, $3, $4, $5)`, [
        options.name,
        job.key,
        job.type,
        answer.status,
        JSON.stringify(answer.body),
      ])
      .catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
        throw new RetryableError(`job ${job.key} was answered by a concurrent delivery; the retry replays that answer`, { cause: error });
      });
    return answer;
  });
}

function toAnswer(outcome: JobOutcome): Answer {
  switch (outcome.kind) {
    case 'complete':
      return { status: 200, body: { variables: outcome.variables ?? {} } };
    case 'bpmn-error':
      return { status: 422, body: { errorCode: outcome.errorCode, errorMessage: outcome.message } };
  }
}

async function storedAnswer(tx: DbClient, worker: string, jobKey: string): Promise<Answer | undefined> {
  // FOR UPDATE is not needed: a concurrent first delivery holds the primary key until it commits,
  // and this one then fails on insert (a RetryableError, not a failure) and is retried by the
  // engine, finding the stored answer.
  const { rows } = await tx.query<{ status: number; answer: Record<string, unknown> }>(
    'SELECT status, answer FROM platform.job_results WHERE worker = $1 AND job_key = $2',
    [worker, jobKey],
  );
  const row = rows[0];
  return row ? { status: row.status, body: row.answer } : undefined;
}
