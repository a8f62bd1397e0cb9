import { ConflictError, NotFoundError } from '../errors';

/** No object under the key. */
export class ObjectNotFoundError extends NotFoundError {
  constructor(readonly key: string) {
    super(`No stored object under key ${JSON.stringify(key)}`);
  }
}

/** The key already holds other bytes: stored documents are write-once. */
export class ObjectConflictError extends ConflictError {
  constructor(
    readonly key: string,
    readonly storedSha256: string,
    readonly attemptedSha256: string,
  ) {
    super(`Key ${JSON.stringify(key)} already holds other bytes (sha256 ${storedSha256}, not ${attemptedSha256})`, 'object-exists');
  }
}

/** A key outside `[A-Za-z0-9._/-]` segments, or with `.`/`..`/empty segments: a bug in the caller. */
export class InvalidObjectKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidObjectKeyError';
  }
}

/** The bytes read back do not hash to the sha256 recorded at put: the copy is damaged. */
export class ObjectIntegrityError extends Error {
  constructor(
    readonly key: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`Object ${JSON.stringify(key)} read back with sha256 ${actualSha256}, recorded ${expectedSha256}`);
    this.name = 'ObjectIntegrityError';
  }
}
