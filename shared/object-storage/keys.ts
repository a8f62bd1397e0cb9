import { createHash } from 'node:crypto';
import { InvalidObjectKeyError } from './errors';
import { isRetentionClass, type ObjectMeta, type StoredObject } from './types';

const KEY_CHARACTERS = /^[A-Za-z0-9._/-]+$/;
const MAX_KEY_LENGTH = 1024;

/** Refuses a key that could escape the store's root or that S3 and a file system would read differently. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidObjectKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidObjectKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (!KEY_CHARACTERS.test(key)) throw new InvalidObjectKeyError(key, 'only A-Z a-z 0-9 . _ / - are allowed');
  if (key.startsWith('/')) throw new InvalidObjectKeyError(key, 'absolute');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidObjectKeyError(key, 'empty path segment');
    if (segment === '.' || segment === '..') throw new InvalidObjectKeyError(key, `"${segment}" segment`);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The description of the bytes about to be stored. */
export function describe(key: string, bytes: Uint8Array, meta: ObjectMeta): StoredObject {
  assertValidKey(key);
  if (!isRetentionClass(meta.retentionClass)) throw new Error(`Unknown retention class ${JSON.stringify(meta.retentionClass)} for key ${JSON.stringify(key)}`);
  return { key, size: bytes.byteLength, sha256: sha256Hex(bytes), contentType: meta.contentType, retentionClass: meta.retentionClass };
}
