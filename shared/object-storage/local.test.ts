import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectIntegrityError, ObjectNotFoundError } from './errors';
import { makeLocalObjectStore } from './local';
import { binaryBytes, freshKey, objectStoreExpectations } from './testing';
import type { ObjectStore } from './types';

describe('local object store', () => {
  let root: string;
  let store: ObjectStore;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'object-store-'));
    store = makeLocalObjectStore({ root });
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  objectStoreExpectations(() => store);

  it('when an object is put, then its bytes and sidecar are files under the root and no temporary file is left', async () => {
    const key = freshKey();
    await store.put(key, binaryBytes(), { contentType: 'application/pdf', retentionClass: 'contract-10y' });
    const folder = path.join(root, 'objects', path.dirname(key));
    expect(await fs.readdir(folder)).toEqual(['contract.pdf']);
    const sidecar = JSON.parse(await fs.readFile(path.join(root, 'meta', key + '.json'), 'utf8'));
    expect(sidecar).toMatchObject({ size: 600, retentionClass: 'contract-10y', contentType: 'application/pdf' });
    expect(await fs.readdir(path.join(root, 'meta', path.dirname(key)))).toEqual(['contract.pdf.json']);
  });

  it('when the bytes on disk were changed, then get refuses them with ObjectIntegrityError', async () => {
    const key = freshKey();
    await store.put(key, binaryBytes(), { contentType: 'application/pdf', retentionClass: 'contract-10y' });
    await fs.writeFile(path.join(root, 'objects', key), binaryBytes(599));
    await expect(store.get(key)).rejects.toBeInstanceOf(ObjectIntegrityError);
  });

  it('when a put stopped after its sidecar, then get answers not found and the same put again completes it', async () => {
    const key = freshKey();
    const meta = { contentType: 'application/pdf', retentionClass: 'working-1y' } as const;
    await store.put(key, binaryBytes(), meta);
    await fs.rm(path.join(root, 'objects', key));
    await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await store.put(key, binaryBytes(), meta);
    expect((await store.get(key)).byteLength).toBe(600);
  });

  it('when two writers put different bytes under one key at once, then exactly one wins', async () => {
    const key = freshKey();
    const meta = { contentType: 'application/pdf', retentionClass: 'contract-10y' } as const;
    const results = await Promise.allSettled([store.put(key, binaryBytes(100), meta), store.put(key, binaryBytes(200), meta)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ size: number }>).value;
    expect((await store.get(key)).byteLength).toBe(winner.size);
  });
});
