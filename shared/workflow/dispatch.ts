import { toHttpBinary } from '../cloudevents/http';
import { jobToCloudEvent, type Job, type WorkerAnswer } from './job';

export interface DispatchOptions {
  /** The worker function's URL (the job is POSTed to it). */
  url: string;
  /** The CloudEvent source naming the dispatcher (e.g. `/functions/job-bridge`). */
  source: string;
  /** How long to wait for the worker's answer; past it the job is failed and retried. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * POSTs a job to its worker as a binary-mode CloudEvent and returns the answer as seen on the
 * wire. Never throws for the worker's sake: no answer is an answer too (timeout, unreachable),
 * which answerToJobCommand turns into a retry.
 */
export async function dispatchJob(job: Job, options: DispatchOptions): Promise<WorkerAnswer> {
  const { headers, body } = toHttpBinary(jobToCloudEvent(job, options.source));
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // not JSON: kept as text for the failure message
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { status: 'timeout', detail: `no answer within ${options.timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 'unreachable', detail: cause ?? (error as Error).message };
  }
}
