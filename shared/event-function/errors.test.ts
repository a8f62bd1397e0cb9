import { ESignUnavailableError } from '../esign/errors';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, PermanentError, RetryableError, UnauthenticatedError } from '../errors';
import { toEventAnswer } from './errors';

describe('toEventAnswer', () => {
  it.each([
    [
      'InvalidInputError',
      400,
      new InvalidInputError('bad event', [{ field: 'data.x', message: 'Required' }]),
      { error: 'invalid_event', reason: 'bad event', issues: [{ field: 'data.x', message: 'Required' }] },
    ],
    [
      'PermanentError',
      400,
      new PermanentError('unknown store', 'unknown-store'),
      { error: 'unprocessable_event', reason: 'unknown store', code: 'unknown-store' },
    ],
    ['UnauthenticatedError', 400, new UnauthenticatedError('no token'), { error: 'rejected', reason: 'no token' }],
    ['ForbiddenError', 400, new ForbiddenError('not allowed'), { error: 'rejected', reason: 'not allowed' }],
    ['ConflictError', 409, new ConflictError('stale', 'stale-revision'), { error: 'conflict', reason: 'stale' }],
    ['NotFoundError', 404, new NotFoundError('no order'), { error: 'not_found', reason: 'no order' }],
    ['RetryableError', 503, new RetryableError('db down'), { error: 'unavailable', reason: 'db down' }],
    [
      'ESignUnavailableError with retryAfter',
      503,
      new ESignUnavailableError('Adobe Sign throttled', 429, 'THROTTLING_TOO_MANY_REQUESTS', 30_000),
      { error: 'unavailable', reason: 'Adobe Sign throttled', retryAfterMs: 30_000 },
    ],
  ])('when the failure is %s, then the Knative answer is %i', (_name, status, error, body) => {
    expect(toEventAnswer(error)).toEqual({ status, body });
  });

  it('when an invalid input carries no issues, then issues is an empty list', () => {
    expect(toEventAnswer(new InvalidInputError('bad')).body.issues).toEqual([]);
  });

  it('when the failure is not an AppError, then 500 (retried) and its message is not passed on', () => {
    for (const error of [new Error('password=hunter2'), 'text', undefined, { kind: 'permanent', message: 'forged' }]) {
      expect(toEventAnswer(error)).toEqual({ status: 500, body: { error: 'internal', reason: 'internal error' } });
    }
  });

  it('when it answers, then only 400 is permanent: every other status is one Knative retries', () => {
    const retried = [new ConflictError('c', 'r'), new NotFoundError('n'), new RetryableError('r'), new Error('x')].map((e) => toEventAnswer(e).status);
    expect(retried.every((s) => s === 404 || s === 409 || s === 429 || s >= 500)).toBe(true);
  });
});
