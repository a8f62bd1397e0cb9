import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { indexInput, parseCiphertext, reasonFor } from './ciphertext';
import type { PiiLocalConfig } from './config';
import { PiiDecryptError, rowsFor, type PiiDecryptFailure } from './errors';
import type { PiiCipher, PiiKeyStatus, PiiRow } from './types';

const IV = 12;
const TAG = 16;

/**
 * The embedded default when `VAULT_ADDR` is unset: AES-256-GCM (node:crypto) with versioned keys
 * from `PII_LOCAL_KEYS`; the highest version encrypts. Ciphertext `local:vN:<base64(iv|tag|sealed)>`,
 * the `local:vN` prefix bound as associated data so a version cannot be swapped. Blind indexes are
 * HMAC-SHA256 under `PII_LOCAL_HMAC_KEY` (one key, unrelated to the encryption keys), `local:v1:<base64>`.
 * Rotation is a restart with a new highest key; retirement raises `PII_LOCAL_MIN_DECRYPTION_VERSION`
 * or drops the key. Same interface and errors as the transit cipher; it is never unavailable.
 */
export function localCipher(config: PiiLocalConfig): PiiCipher {
  const keys = config.PII_LOCAL_KEYS;
  const status: PiiKeyStatus = {
    latestVersion: Math.max(...keys.keys()),
    minDecryptionVersion: config.PII_LOCAL_MIN_DECRYPTION_VERSION,
  };
  if (status.minDecryptionVersion > status.latestVersion) {
    throw new Error(`PII_LOCAL_MIN_DECRYPTION_VERSION (${status.minDecryptionVersion}) is above the latest key version (${status.latestVersion})`);
  }
  const hmacKey = config.PII_LOCAL_HMAC_KEY;

  const seal = (value: string): string => {
    const version = status.latestVersion;
    const prefix = `local:v${version}`;
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', keys.get(version)!, iv).setAAD(Buffer.from(prefix));
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${prefix}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  };

  /** The plaintext, or the reason it cannot be had. */
  const open = (ciphertext: string): { plaintext: string } | { reason: PiiDecryptFailure['reason'] } => {
    const parsed = parseCiphertext('local', ciphertext);
    const key = parsed && parsed.version >= status.minDecryptionVersion ? keys.get(parsed.version) : undefined;
    if (!parsed || !key) {
      // A version with no key below the latest was retired by dropping its key.
      return { reason: parsed && parsed.version < status.latestVersion ? 'retired-key-version' : reasonFor(parsed?.version, status) };
    }
    const bytes = Buffer.from(parsed.body, 'base64');
    if (bytes.length < IV + TAG) return { reason: 'tampered' };
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV)).setAAD(Buffer.from(`local:v${parsed.version}`));
      decipher.setAuthTag(bytes.subarray(IV, IV + TAG));
      return { plaintext: Buffer.concat([decipher.update(bytes.subarray(IV + TAG)), decipher.final()]).toString('utf8') };
    } catch {
      return { reason: 'tampered' };
    }
  };

  const openAll = (ciphertexts: string[], rows: PiiRow[] | undefined): string[] => {
    const named = rowsFor(ciphertexts.length, rows);
    const failures: PiiDecryptFailure[] = [];
    const plaintexts = ciphertexts.map((ciphertext, index) => {
      const result = open(ciphertext);
      if ('plaintext' in result) return result.plaintext;
      failures.push({ index, row: named[index]!, reason: result.reason });
      return '';
    });
    if (failures.length > 0) throw new PiiDecryptError(failures);
    return plaintexts;
  };

  const index = (purpose: string, value: string) => `local:v1:${createHmac('sha256', hmacKey).update(indexInput(purpose, value)).digest('base64')}`;
  const ciphertextVersion = (ciphertext: string) => parseCiphertext('local', ciphertext)?.version;

  return {
    encrypt: (values) => Promise.resolve(values.map(seal)),
    decrypt: (ciphertexts, rows) => Promise.resolve().then(() => openAll(ciphertexts, rows)),
    blindIndex: (purpose, value) => Promise.resolve().then(() => index(purpose, value)),
    blindIndexes: (purpose, values) => Promise.resolve().then(() => values.map((value) => index(purpose, value))),
    rewrap: (ciphertexts, rows) => Promise.resolve().then(() => openAll(ciphertexts, rows).map(seal)),
    keyStatus: () => Promise.resolve({ ...status }),
    isCurrent: (ciphertext) => ciphertextVersion(ciphertext) === status.latestVersion,
    ciphertextVersion,
  };
}
