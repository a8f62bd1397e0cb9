import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { InvalidObjectKeyError, ObjectConflictError, ObjectNotFoundError } from './errors';
import { sha256Hex } from './keys';
import type { ObjectStore } from './types';

/** Bytes that are not text (every byte value), so an encoding mistake shows. */
export function binaryBytes(length = 600): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 256);
}

/** A fresh key per test, so tests share one store. */
export function freshKey(name = 'contract.pdf'): string {
  return `test/${randomUUID()}/${name}`;
}

export const BAD_KEYS = ['', '/etc/passwd', '../outside', 'a/../../outside', 'a//b', 'a/./b', 'spaces are bad', 'ñ.pdf', 'a\\b', 'a/b/'];

/**
 * What every `ObjectStore` promises, registered as tests inside the caller's `describe`: the local
 * store's unit test and the S3 store's integration test (a real S3-protocol server) run the same.
 */
export function objectStoreExpectations(store: () => ObjectStore): void {
  it('when bytes are put, then head and get answer them with the size and sha256 computed from the bytes', async () => {
    const key = freshKey();
    const bytes = binaryBytes();
    const stored = await store().put(key, bytes, { contentType: 'application/pdf', retentionClass: 'contract-10y' });
    const expected = { key, size: 600, sha256: sha256Hex(bytes), contentType: 'application/pdf', retentionClass: 'contract-10y' };
    expect(stored).toEqual(expected);
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store().head(key)).toEqual(expected);
    expect(Buffer.from(await store().get(key)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('when the sha256 is asked of known bytes, then it is the well-known digest', async () => {
    const key = freshKey('audit.txt');
    const stored = await store().put(key, new TextEncoder().encode('abc'), { contentType: 'text/plain', retentionClass: 'audit-10y' });
    expect(stored.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(stored.size).toBe(3);
  });

  it('when an empty document is put, then it is stored with size 0', async () => {
    const key = freshKey('empty.bin');
    await store().put(key, new Uint8Array(), { contentType: 'application/octet-stream', retentionClass: 'working-1y' });
    expect((await store().head(key))?.size).toBe(0);
    expect((await store().get(key)).byteLength).toBe(0);
  });

  it('when the same bytes are put again under the same key, then it succeeds with the same object', async () => {
    const key = freshKey();
    const meta = { contentType: 'application/pdf', retentionClass: 'contract-10y' } as const;
    const first = await store().put(key, binaryBytes(), meta);
    const again = await store().put(key, binaryBytes(), meta);
    expect(again).toEqual(first);
  });

  it('when other bytes are put under a key already written, then ObjectConflictError and the first bytes stay', async () => {
    const key = freshKey();
    const meta = { contentType: 'application/pdf', retentionClass: 'contract-10y' } as const;
    const first = await store().put(key, binaryBytes(), meta);
    const error = await store()
      .put(key, binaryBytes(601), meta)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectConflictError);
    expect(error).toMatchObject({ key, storedSha256: first.sha256, attemptedSha256: sha256Hex(binaryBytes(601)) });
    expect(await store().head(key)).toEqual(first);
    expect(Buffer.from(await store().get(key)).equals(Buffer.from(binaryBytes()))).toBe(true);
  });

  it('when a key is missing, then get throws ObjectNotFoundError and head answers undefined', async () => {
    const key = freshKey('missing.pdf');
    await expect(store().get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store().get(key)).rejects.toMatchObject({ key });
    expect(await store().head(key)).toBeUndefined();
  });

  it.each(BAD_KEYS)('when the key is %j, then put, get and head refuse it naming the key', async (key) => {
    const meta = { contentType: 'text/plain', retentionClass: 'working-1y' } as const;
    for (const attempt of [() => store().put(key, binaryBytes(3), meta), () => store().get(key), () => store().head(key)]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidObjectKeyError);
      expect((error as Error).message).toContain(JSON.stringify(key));
    }
  });

  it('when the retention class is unknown, then put refuses it', async () => {
    const meta = { contentType: 'text/plain', retentionClass: 'forever' } as never;
    await expect(store().put(freshKey(), binaryBytes(3), meta)).rejects.toThrow(/retention class/);
  });
}
