import { CloudEvent } from 'cloudevents';
import { z } from 'zod';
import { InvalidInputError } from '../errors';

/**
 * The bridge contract: how a Zeebe job travels to its worker function and how the worker's
 * answer becomes a job command. The production job bridge (functions/job-bridge) and the
 * embedded engine (mesh/engine) both use exactly this code.
 *
 * Request: a CloudEvent in HTTP binary mode, `type` = JOB_EVENT_TYPE, `id` = the job key,
 * `subject` = the task type, extensions below, `data` = { variables, customHeaders }.
 *
 * Answer:
 * - 2xx, body `{ variables }`                      → complete the job with those variables
 * - 4xx, body `{ errorCode, errorMessage }`        → throw that BPMN error (a boundary event catches it)
 * - 4xx without an error code (e.g. 400 bad input) → fail with no retries left: an incident at once,
 *                                                    since sending the same job again cannot help
 * - 5xx, timeout or no answer                      → fail with retries − 1 after a backoff
 */
export const JOB_EVENT_TYPE = 'ahs.workflow.job.activated';

export interface Job {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  elementId: string;
  /** Retries left, counting this attempt (Zeebe's `retries`). */
  retries: number;
  /** Epoch ms after which the engine considers the job timed out. */
  deadline: number;
  variables: Record<string, unknown>;
  customHeaders: Record<string, string>;
  /** W3C trace context of the engine's span, when tracing. */
  traceparent?: string;
}

export function jobToCloudEvent(job: Job, source: string): CloudEvent<{ variables: Record<string, unknown>; customHeaders: Record<string, string> }> {
  return new CloudEvent({
    specversion: '1.0',
    id: job.key,
    source,
    type: JOB_EVENT_TYPE,
    subject: job.type,
    datacontenttype: 'application/json',
    jobkey: job.key,
    processinstancekey: job.processInstanceKey,
    bpmnprocessid: job.bpmnProcessId,
    elementid: job.elementId,
    retries: String(job.retries),
    deadline: String(job.deadline),
    partitionkey: job.processInstanceKey,
    ...(job.traceparent ? { traceparent: job.traceparent } : {}),
    data: { variables: job.variables, customHeaders: job.customHeaders },
  });
}

const jobData = z.object({
  variables: z.record(z.string(), z.unknown()),
  customHeaders: z.record(z.string(), z.string()).default({}),
});
const digits = z.string().regex(/^\d+$/, 'a decimal number');

/** Reads a job back from its CloudEvent (worker side). A malformed job is the sender's fault. */
export function jobFromCloudEvent(event: CloudEvent<unknown>): Job {
  if (event.type !== JOB_EVENT_TYPE) throw new InvalidInputError(`not a job: type "${event.type}"`);
  const attrs = z
    .object({
      subject: z.string().min(1),
      jobkey: digits,
      processinstancekey: digits,
      bpmnprocessid: z.string().min(1),
      elementid: z.string().min(1),
      retries: digits,
      deadline: digits,
    })
    .safeParse(event);
  if (!attrs.success) throw new InvalidInputError(`not a job: ${attrs.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const data = jobData.safeParse(event.data);
  if (!data.success) throw new InvalidInputError(`not a job: data ${data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const a = attrs.data;
  return {
    key: a.jobkey,
    type: a.subject,
    processInstanceKey: a.processinstancekey,
    bpmnProcessId: a.bpmnprocessid,
    elementId: a.elementid,
    retries: Number(a.retries),
    deadline: Number(a.deadline),
    variables: data.data.variables,
    customHeaders: data.data.customHeaders,
    ...(typeof event.traceparent === 'string' ? { traceparent: event.traceparent } : {}),
  };
}

/** What the engine is told to do with a job. A union: a missing branch is a compile error. */
export type JobCommand =
  | { kind: 'complete'; variables: Record<string, unknown> }
  | { kind: 'error'; errorCode: string; errorMessage: string; variables: Record<string, unknown> }
  | { kind: 'fail'; errorMessage: string; retries: number; retryBackOffMs: number };

export interface RetryPolicy {
  /** Backoff before the first retry; doubles with each failed attempt. */
  baseBackOffMs: number;
  maxBackOffMs: number;
  /** Retries a job starts with (the model's `zeebe:taskDefinition retries`, Zeebe's default 3). */
  initialRetries: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseBackOffMs: 5_000, maxBackOffMs: 300_000, initialRetries: 3 };

/** The worker's answer as the bridge saw it: an HTTP status and body, or no answer at all. */
export type WorkerAnswer = { status: number; body: unknown } | { status: 'timeout' | 'unreachable'; detail: string };

const completion = z.object({ variables: z.record(z.string(), z.unknown()).default({}) });
const bpmnError = z.object({ errorCode: z.string().min(1), errorMessage: z.string().default(''), variables: z.record(z.string(), z.unknown()).default({}) });
const retryAfter = z.object({ retryAfterMs: z.number().int().nonnegative().max(86_400_000) });
const failureText = z.object({ reason: z.string() }).or(z.object({ errorMessage: z.string() }));

/** The one mapping from a worker's answer to a job command. */
export function answerToJobCommand(job: Pick<Job, 'retries'>, answer: WorkerAnswer, policy: RetryPolicy = defaultRetryPolicy): JobCommand {
  const retry = (errorMessage: string, retryAfterMs = 0): JobCommand => {
    const attempt = Math.max(0, policy.initialRetries - job.retries);
    // The dependency's own retryAfter wins when it asks for longer than the backoff.
    const retryBackOffMs = Math.max(retryAfterMs, Math.min(policy.maxBackOffMs, policy.baseBackOffMs * 2 ** attempt));
    return { kind: 'fail', errorMessage, retries: Math.max(0, job.retries - 1), retryBackOffMs };
  };
  if (!('body' in answer)) return retry(`worker ${answer.status}: ${answer.detail}`);
  const { status, body } = answer;
  if (status >= 200 && status < 300) {
    const parsed = completion.safeParse(body ?? {});
    if (!parsed.success) return { kind: 'fail', errorMessage: `worker answered ${status} without a variables object`, retries: 0, retryBackOffMs: 0 };
    return { kind: 'complete', variables: parsed.data.variables };
  }
  const reason = describe(body);
  if (status >= 400 && status < 500) {
    const error = bpmnError.safeParse(body);
    if (error.success) return { kind: 'error', ...error.data };
    // 404 / 409 / 429 without an error code: the worker may succeed later (Knative's retryable set).
    if (status !== 404 && status !== 409 && status !== 429) {
      return { kind: 'fail', errorMessage: `worker refused the job (${status}): ${reason}`, retries: 0, retryBackOffMs: 0 };
    }
  }
  const after = retryAfter.safeParse(body);
  return retry(`worker answered ${status}: ${reason}`, after.success ? after.data.retryAfterMs : 0);
}

function describe(body: unknown): string {
  const parsed = failureText.safeParse(body);
  if (parsed.success) return 'reason' in parsed.data ? parsed.data.reason : parsed.data.errorMessage;
  return typeof body === 'string' ? body.slice(0, 200) : 'no reason given';
}
