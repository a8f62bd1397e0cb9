import type { VaultSession } from '../secrets';
import { chunks, fromBase64, indexInput, parseCiphertext, reasonFor, toBase64 } from './ciphertext';
import { PiiDecryptError, rowsFor, type PiiDecryptFailure } from './errors';
import { partialFailure, transitCaller, type BatchItem, type TransitCall } from './transit-calls';
import type { PiiCipher, PiiKeyStatus, PiiRow } from './types';

export interface TransitCipherOptions {
  /** The transit key that encrypts (aes256-gcm96), e.g. `pii`. */
  encryptionKey: string;
  /** Another transit key, used only for blind indexes, e.g. `pii-index`. */
  hmacKey: string;
  /** The HMAC key version every index is computed under (Vault's hmac `key_version`). */
  hmacKeyVersion: number;
  /** Items per `batch_input`; default 250. */
  batchSize?: number;
}

type Data = { data?: { batch_results?: BatchItem[]; latest_version?: number; min_decryption_version?: number } };

async function readKey(call: TransitCall, session: VaultSession, name: string): Promise<PiiKeyStatus> {
  const answer = (await call(`reading transit key ${name}`, () => session.client.read(`transit/keys/${name}`))) as Data;
  return { latestVersion: answer.data?.latest_version ?? 0, minDecryptionVersion: answer.data?.min_decryption_version ?? 1 };
}

/**
 * Customer personal data through Vault's transit engine (mount `transit`, where node-vault's
 * `encryptData`/`decryptData`/`rewrapData` send it). Reads both keys at open: a missing key, or
 * an HMAC version outside the key's live versions, stops the function at boot.
 *
 * Blind indexes are `transit/hmac/<hmacKey>` with `key_version` pinned: rotating the HMAC key
 * does not change them (the latest version is never used by default), and rotating the
 * encryption key cannot, being another key. Keep the HMAC key's `min_decryption_version` and
 * `min_encryption_version` at or below the pinned version: Vault refuses an HMAC under a version
 * below either. Moving to a new HMAC version is a migration (see shared/pii/index.ts).
 */
export async function transitCipher(session: VaultSession, options: TransitCipherOptions): Promise<PiiCipher> {
  const { encryptionKey, hmacKey, hmacKeyVersion } = options;
  const size = options.batchSize ?? 250;
  const call = transitCaller(session);
  const client = session.client;
  let known = await readKey(call, session, encryptionKey);
  const hmacStatus = await readKey(call, session, hmacKey);
  if (hmacKeyVersion < hmacStatus.minDecryptionVersion || hmacKeyVersion > hmacStatus.latestVersion) {
    throw new Error(
      `PII_HMAC_KEY_VERSION ${hmacKeyVersion} is not a live version of transit key ${hmacKey} (versions ${hmacStatus.minDecryptionVersion}..${hmacStatus.latestVersion})`,
    );
  }

  const keyStatus = async () => (known = await readKey(call, session, encryptionKey));
  const ciphertextVersion = (ciphertext: string) => parseCiphertext('vault', ciphertext)?.version;
  const seen = (version: unknown) => {
    if (typeof version === 'number' && version > known.latestVersion) known = { ...known, latestVersion: version };
  };

  /** Sends `items` in chunks of `size`, one request each; returns every item's result in order. */
  const batched = async (what: string, items: Record<string, unknown>[], send: (batch: Record<string, unknown>[]) => Promise<unknown>) => {
    const results: BatchItem[] = [];
    for (const batch of chunks(items, size)) {
      try {
        const answer = (await call(
          what,
          () => send(batch),
          (error) => partialFailure(error) !== undefined,
        )) as Data;
        results.push(...(answer.data?.batch_results ?? []));
      } catch (error) {
        const partial = partialFailure(error);
        if (!partial) throw error;
        results.push(...partial);
      }
    }
    return results;
  };

  /** Ciphertexts → results; failed items become a PiiDecryptError naming their rows. */
  const open = async (what: string, ciphertexts: string[], rows: PiiRow[] | undefined, send: (batch: Record<string, unknown>[]) => Promise<unknown>) => {
    const named = rowsFor(ciphertexts.length, rows);
    if (ciphertexts.length === 0) return [];
    const results = await batched(
      what,
      ciphertexts.map((ciphertext) => ({ ciphertext })),
      send,
    );
    const failed = results.flatMap((item, index) => (item.error === undefined ? [] : [index]));
    if (failed.length === 0) return results;
    // Why, from the versions (one key read on this failure path), not from Vault's wording.
    const status = await keyStatus();
    const failures: PiiDecryptFailure[] = failed.map((index) => ({
      index,
      row: named[index]!,
      reason: reasonFor(ciphertextVersion(ciphertexts[index]!), status),
    }));
    throw new PiiDecryptError(failures);
  };

  const blindIndexes = async (purpose: string, values: string[]) => {
    const inputs = values.map((value) => ({ input: indexInput(purpose, value).toString('base64') }));
    if (inputs.length === 0) return [];
    const results = await batched(`hmac with ${hmacKey}`, inputs, (batch) =>
      client.write(`transit/hmac/${hmacKey}`, { key_version: hmacKeyVersion, batch_input: batch }),
    );
    if (results.some((item) => item.error !== undefined || typeof item.hmac !== 'string')) {
      throw new Error(`Vault refused hmac with ${hmacKey} version ${hmacKeyVersion}`);
    }
    return results.map((item) => item.hmac as string);
  };

  return {
    async encrypt(values) {
      if (values.length === 0) return [];
      const results = await batched(
        `encrypt with ${encryptionKey}`,
        values.map((value) => ({ plaintext: toBase64(value) })),
        (batch) => client.encryptData({ name: encryptionKey, batch_input: batch }),
      );
      if (results.some((item) => item.error !== undefined || typeof item.ciphertext !== 'string'))
        throw new Error(`Vault refused encrypt with ${encryptionKey}`);
      results.forEach((item) => seen(item.key_version));
      return results.map((item) => item.ciphertext as string);
    },
    async decrypt(ciphertexts, rows) {
      const results = await open(`decrypt with ${encryptionKey}`, ciphertexts, rows, (batch) =>
        client.decryptData({ name: encryptionKey, batch_input: batch }),
      );
      // Vault leaves out `plaintext` for an empty one.
      return results.map((item) => fromBase64(typeof item.plaintext === 'string' ? item.plaintext : ''));
    },
    async rewrap(ciphertexts, rows) {
      const results = await open(`rewrap with ${encryptionKey}`, ciphertexts, rows, (batch) => client.rewrapData({ name: encryptionKey, batch_input: batch }));
      results.forEach((item) => seen(item.key_version));
      return results.map((item) => item.ciphertext as string);
    },
    blindIndex: async (purpose, value) => (await blindIndexes(purpose, [value]))[0]!,
    blindIndexes,
    keyStatus: async () => ({ ...(await keyStatus()) }),
    isCurrent: (ciphertext) => ciphertextVersion(ciphertext) === known.latestVersion,
    ciphertextVersion,
  };
}
