/**
 * The failures a use case can end with. Each transport maps them once:
 * HTTP (shared/http), event delivery (shared/events-function) and Zeebe jobs.
 * Never classify an error by its message text: classify it by its class.
 */

/** One problem with the input, located by its path (e.g. `order.lines.0.productCode`). */
export interface FieldIssue {
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type ErrorKind = 'invalid-input' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'permanent' | 'retryable';

/** The caller's input is wrong; retrying it will not help. */
export class InvalidInputError extends AppError {
  readonly kind = 'invalid-input';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends AppError {
  readonly kind = 'unauthenticated';
}

export class ForbiddenError extends AppError {
  readonly kind = 'forbidden';
}

/** Absent, or outside the caller's tenant scope: the two are answered the same. */
export class NotFoundError extends AppError {
  readonly kind = 'not-found';
}

/** The request is valid but the current state refuses it (stale action, wrong status). */
export class ConflictError extends AppError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Valid input that can never be processed (unknown product code, unknown store). */
export class PermanentError extends AppError {
  readonly kind = 'permanent';
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * A dependency is down or busy; the same input may succeed later. `retryAfterMs()` says when, if
 * the dependency said so (a 429's retryAfter): the job bridge and delivery wait at least that long.
 */
export class RetryableError extends AppError {
  readonly kind = 'retryable';
  retryAfter(): number | undefined {
    return undefined;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
