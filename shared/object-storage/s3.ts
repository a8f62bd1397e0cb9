import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { RetryableError } from '../errors';

export { S3Client } from '@aws-sdk/client-s3';
import { ObjectConflictError, ObjectIntegrityError, ObjectNotFoundError } from './errors';
import { assertValidKey, describe, sha256Hex } from './keys';
import { isRetentionClass, type ObjectStore, type StoredObject } from './types';

/** S3 is down, slow or throttling (5xx, 429, a network error) after the SDK's own retries. */
export class ObjectStoreUnavailableError extends RetryableError {}

/** The object's user metadata (`x-amz-meta-*`) this store writes and reads back. */
export const METADATA = { sha256: 'sha256', retentionClass: 'retention-class' } as const;
/** The object tag S3 lifecycle rules filter on to expire objects after their retention. */
export const RETENTION_TAG = 'retention-class';

/**
 * Objects in one S3 bucket (or an S3-compatible server). `put` sends the bytes with their SHA-256
 * as `ChecksumSHA256` (S3 verifies it and refuses a damaged upload with `BadDigest`), the sha256
 * and retention class as user metadata (read back by `head`) and the retention class as a tag
 * (for the bucket's lifecycle rules).
 *
 * Write-once: `put` reads the key first (`HeadObject`) and answers the stored object for the same
 * bytes, `ObjectConflictError` for others; only an absent key is written, with
 * `If-None-Match: *`. Between the read and the write another writer may store the same key: S3
 * (conditional writes) then refuses ours with 412 and we compare again, so exactly one version
 * is ever stored. A server that answers 501 to the header gets plain writes from then on, and one
 * that ignores it (s3rver) overwrites: there, two concurrent writers of different bytes to one key
 * can both succeed and the last one's bytes stay — the race the conditional write closes on S3.
 */
export function makeS3ObjectStore(options: { client: S3Client; bucket: string }): ObjectStore {
  const { client, bucket } = options;
  let conditionalWrites = true;

  async function head(key: string): Promise<StoredObject | undefined> {
    assertValidKey(key);
    try {
      return fromS3(key, await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    } catch (error) {
      // A HEAD answer has no body: a missing bucket is a 404 too (the PUT that follows says which).
      if (status(error) === 404) return undefined;
      throw classify(error, key);
    }
  }

  async function write(key: string, bytes: Uint8Array, object: StoredObject): Promise<void> {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentType: object.contentType,
        ChecksumSHA256: Buffer.from(object.sha256, 'hex').toString('base64'),
        Metadata: { [METADATA.sha256]: object.sha256, [METADATA.retentionClass]: object.retentionClass },
        Tagging: new URLSearchParams({ [RETENTION_TAG]: object.retentionClass }).toString(),
        IfNoneMatch: conditionalWrites ? '*' : undefined,
      }),
    );
  }

  return {
    head,

    async get(key) {
      assertValidKey(key);
      let answer: GetObjectCommandOutput;
      let bytes: Uint8Array;
      try {
        answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!answer.Body) throw new Error(`Object ${JSON.stringify(key)}: S3 answered no body`);
        bytes = await answer.Body.transformToByteArray();
      } catch (error) {
        if (error instanceof NoSuchKey) throw new ObjectNotFoundError(key);
        throw classify(error, key);
      }
      const recorded = answer.Metadata?.[METADATA.sha256];
      const actual = sha256Hex(bytes);
      if (recorded && recorded !== actual) throw new ObjectIntegrityError(key, recorded, actual);
      return bytes;
    },

    async put(key, bytes, meta) {
      const object = describe(key, bytes, meta);
      for (;;) {
        const existing = await head(key);
        if (existing) return sameOrConflict(existing, object);
        try {
          await write(key, bytes, object);
          return object;
        } catch (error) {
          const code = status(error);
          if (code === 501 && conditionalWrites) {
            conditionalWrites = false;
            continue;
          }
          // 412: another writer stored the key since our HEAD; 409: one is storing it right now.
          if (code === 412 || code === 409) {
            const winner = await head(key);
            if (winner) return sameOrConflict(winner, object);
          }
          throw classify(error, key);
        }
      }
    },
  };
}

function sameOrConflict(existing: StoredObject, attempted: StoredObject): StoredObject {
  if (existing.sha256 !== attempted.sha256) throw new ObjectConflictError(attempted.key, existing.sha256, attempted.sha256);
  return existing;
}

function fromS3(key: string, answer: HeadObjectCommandOutput): StoredObject {
  const sha256 = answer.Metadata?.[METADATA.sha256];
  const retentionClass = answer.Metadata?.[METADATA.retentionClass];
  if (!sha256 || !isRetentionClass(retentionClass) || answer.ContentLength === undefined) {
    throw new Error(`Object ${JSON.stringify(key)} has no sha256 or retention class metadata: not written by this store`);
  }
  return { key, size: answer.ContentLength, sha256, contentType: answer.ContentType ?? 'application/octet-stream', retentionClass };
}

function status(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/** 5xx, 429 and failures without an S3 answer (network, timeout) are retryable; the rest as they are. */
function classify(error: unknown, key: string): unknown {
  const code = status(error);
  if (error instanceof S3ServiceException && code !== undefined && code < 500 && code !== 429) return error;
  if (!(error instanceof S3ServiceException) && !isNetworkError(error)) return error;
  return new ObjectStoreUnavailableError(`Object store unavailable for ${JSON.stringify(key)}`, { cause: error });
}

function isNetworkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const name = (error as Error | undefined)?.name;
  return name === 'TimeoutError' || (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(code));
}
