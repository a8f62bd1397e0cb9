import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ObjectConflictError, ObjectIntegrityError, ObjectNotFoundError } from './errors';
import { assertValidKey, describe, sha256Hex } from './keys';
import { isRetentionClass, type ObjectMeta, type ObjectStore, type StoredObject } from './types';

/**
 * Objects as files under a root directory, for development and tests: the bytes at
 * `<root>/objects/<key>`, their description in a sidecar `<root>/meta/<key>.json`. Each file is
 * written to a temporary name beside it and then moved into place, so a reader never sees half a
 * file. The sidecar is the commit point and is written first, linked into place only if absent
 * (`link` fails on an existing name): of two writers of one key with different bytes exactly one
 * wins, and the loser gets `ObjectConflictError` without touching the winner's bytes. The bytes
 * follow; until they are in place `get` answers `ObjectNotFoundError`, and every read checks them
 * against the sidecar's sha256. Retention is recorded, not enforced (nothing is deleted here).
 */
export function makeLocalObjectStore(options: { root: string }): ObjectStore {
  const root = path.resolve(options.root);
  const dataPath = (key: string) => path.join(root, 'objects', ...key.split('/'));
  const metaPath = (key: string) => path.join(root, 'meta', ...key.split('/')) + '.json';

  async function head(key: string): Promise<StoredObject | undefined> {
    assertValidKey(key);
    let text: string;
    try {
      text = await fs.readFile(metaPath(key), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return parseSidecar(key, text);
  }

  return {
    head,

    async get(key) {
      const stored = await head(key);
      if (!stored) throw new ObjectNotFoundError(key);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await fs.readFile(dataPath(key)));
      } catch (error) {
        // The sidecar is committed before the bytes are moved into place: not written yet.
        if (isNotFound(error)) throw new ObjectNotFoundError(key);
        throw error;
      }
      const actual = sha256Hex(bytes);
      if (actual !== stored.sha256) throw new ObjectIntegrityError(key, stored.sha256, actual);
      return bytes;
    },

    async put(key, bytes, meta: ObjectMeta) {
      const object = describe(key, bytes, meta);
      const existing = (await head(key)) ?? ((await writeAtomically(metaPath(key), JSON.stringify(object), 'only-if-absent')) ? object : await head(key));
      if (!existing) throw new Error(`Object ${JSON.stringify(key)}: sidecar present and then gone`);
      const stored = sameOrConflict(existing, object);
      // Same bytes: (re)write them unless already in place, which also completes a put that
      // stopped between its sidecar and its bytes.
      if ((await sizeOf(dataPath(key))) !== bytes.byteLength) await writeAtomically(dataPath(key), bytes, 'replace');
      return stored;
    },
  };
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function sameOrConflict(existing: StoredObject, attempted: StoredObject): StoredObject {
  if (existing.sha256 !== attempted.sha256) throw new ObjectConflictError(attempted.key, existing.sha256, attempted.sha256);
  return existing;
}

/** Writes a temporary file beside `target` and moves it into place; `false` when `only-if-absent` found one there. */
async function writeAtomically(target: string, contents: Uint8Array | string, mode: 'replace' | 'only-if-absent'): Promise<boolean> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
  await fs.writeFile(temporary, contents, { flag: 'wx' });
  try {
    if (mode === 'replace') {
      await fs.rename(temporary, target);
      return true;
    }
    try {
      await fs.link(temporary, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await fs.rm(temporary, { force: true });
    }
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

function parseSidecar(key: string, text: string): StoredObject {
  const value = JSON.parse(text) as Partial<StoredObject>;
  if (typeof value.size !== 'number' || typeof value.sha256 !== 'string' || typeof value.contentType !== 'string' || !isRetentionClass(value.retentionClass)) {
    throw new Error(`Object ${JSON.stringify(key)}: unreadable sidecar`);
  }
  return { key, size: value.size, sha256: value.sha256, contentType: value.contentType, retentionClass: value.retentionClass };
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
