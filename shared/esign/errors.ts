import { ConflictError, PermanentError, RetryableError } from '../errors';

/**
 * Adobe Sign is down, slow or busy (5xx, a timeout, a network error, 429): the same call may
 * succeed later. A 429 says when: `retryAfterMs` (Adobe's `retryAfter`, seconds, in the body).
 */
export class ESignUnavailableError extends RetryableError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  override retryAfter(): number | undefined {
    return this.retryAfterMs;
  }
}

/** Adobe refused the request for good (a 4xx with its `code`): retrying it will not help. */
export class ESignRejectedError extends PermanentError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message, code);
  }
}

/**
 * The agreement's state refuses the action: recalling an agreement already signed
 * (`agreement-not-cancellable`), asking a signing URL of one signed, cancelled or expired
 * (`agreement-not-signable`).
 */
export class ESignConflictError extends ConflictError {
  constructor(
    message: string,
    readonly agreementId: string,
    readonly agreementStatus: string,
    reason: 'agreement-not-cancellable' | 'agreement-not-signable' = 'agreement-not-cancellable',
  ) {
    super(message, reason);
  }
}
