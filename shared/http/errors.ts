import { isAppError, type AppError } from '../errors';

export interface HttpError {
  status: number;
  body: { error: string; message: string; reason?: string; issues?: { field: string; message: string }[] };
  headers?: Record<string, string>;
}

/** The one mapping from failures to HTTP answers. Unknown errors are 500 and logged. */
export function toHttpError(error: unknown): HttpError {
  if (!isAppError(error)) return { status: 500, body: { error: 'internal', message: 'internal error' } };
  return mapAppError(error);
}

function mapAppError(error: AppError): HttpError {
  switch (error.kind) {
    case 'invalid-input':
      return {
        status: 400,
        body: { error: 'invalid_input', message: error.message, issues: 'issues' in error ? (error.issues as HttpError['body']['issues']) : [] },
      };
    case 'unauthenticated':
      return { status: 401, body: { error: 'unauthenticated', message: error.message }, headers: { 'www-authenticate': 'Bearer' } };
    case 'forbidden':
      return { status: 403, body: { error: 'forbidden', message: error.message } };
    case 'not-found':
      return { status: 404, body: { error: 'not_found', message: error.message } };
    case 'conflict':
      return { status: 409, body: { error: 'conflict', message: error.message, reason: (error as { reason?: string }).reason } };
    case 'permanent':
      return { status: 422, body: { error: 'unprocessable', message: error.message, reason: (error as { reason?: string }).reason } };
    case 'retryable':
      return { status: 503, body: { error: 'unavailable', message: error.message }, headers: { 'retry-after': '1' } };
  }
}
