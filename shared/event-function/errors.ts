import { isAppError, RetryableError } from '../errors';

export interface EventAnswer {
  status: number;
  /** `reason` says what is wrong in words; `code` names it for machines (e.g. `unknown-store`). */
  body: { error: string; reason: string; code?: string; issues?: { field: string; message: string }[]; retryAfterMs?: number };
}

/**
 * The one mapping from failures to answers for event delivery (Knative data-plane
 * contract): 400 = permanent, straight to the dead letter sink; 404, 409, 429 and 5xx are
 * retried with backoff. The body carries the reason, which Knative forwards to the dead
 * letter sink in the `knativeerrordata` extension.
 */
export function toEventAnswer(error: unknown): EventAnswer {
  if (!isAppError(error)) return { status: 500, body: { error: 'internal', reason: 'internal error' } };
  switch (error.kind) {
    case 'invalid-input':
      return {
        status: 400,
        body: { error: 'invalid_event', reason: error.message, issues: 'issues' in error ? (error.issues as EventAnswer['body']['issues']) : [] },
      };
    case 'permanent':
      return { status: 400, body: { error: 'unprocessable_event', reason: error.message, code: (error as { reason?: string }).reason } };
    case 'conflict':
      return { status: 409, body: { error: 'conflict', reason: error.message } };
    case 'not-found':
      return { status: 404, body: { error: 'not_found', reason: error.message } };
    case 'unauthenticated':
    case 'forbidden':
      return { status: 400, body: { error: 'rejected', reason: error.message } };
    case 'retryable': {
      const retryAfterMs = error instanceof RetryableError ? error.retryAfter() : undefined;
      return { status: 503, body: { error: 'unavailable', reason: error.message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } };
    }
  }
}
