/**
 * Customer personal data (name, phone, email, street address) sealed at rest, one interface over
 * Vault's transit engine or, without `VAULT_ADDR`, local AES-256-GCM keys. A function's `index.ts`:
 *
 *   const pii = await openPiiCipher({ logger, session: secrets.session });
 *   const [name, phone] = await pii.encrypt([customer.name, customer.phone]);      // one Vault call
 *   const phoneIndex = await pii.blindIndex('customer-phone', normalisedPhone);     // equality lookups
 *   const plain = await pii.decrypt(ciphertexts, rows);  // rows: { table, column, id } per value
 *
 * Failures: `PiiDecryptError` (permanent, 422) names each row that cannot be opened and why
 * (malformed, tampered, retired or unknown key version), never a value; `PiiUnavailableError`
 * (retryable, 503) when Vault is unreachable, sealed or busy.
 *
 * Key rotation: `vault write -f transit/keys/pii/rotate` — new data goes to vN+1, old still
 * decrypts. A rewrap job pages through rows with `!isCurrent(ciphertext)` (after `keyStatus()`)
 * and stores `rewrap(...)`; once none is left, `transit/keys/pii/config min_decryption_version=N+1`
 * retires the old versions. Locally: add `N+1:<key>` to `PII_LOCAL_KEYS`, restart, rewrap, then
 * raise `PII_LOCAL_MIN_DECRYPTION_VERSION` or drop the old key.
 *
 * Blind indexes are pinned to `PII_HMAC_KEY_VERSION` of a separate transit key (Vault's hmac
 * `key_version`), so they never change when either key rotates and stay comparable across rows
 * written at any time. Moving to a new HMAC version (a suspected HMAC key leak) is a migration:
 * rotate the HMAC key, add a second index column, fill it by decrypting each row and indexing it
 * under the new version, look up by either column meanwhile, then switch the pin and drop the
 * old column. Indexes carry their version (`vault:v1:...`), so a mixed table is visible.
 */
export { piiLocalConfigSchema, piiTransitConfigSchema, type PiiLocalConfig, type PiiTransitConfig } from './config';
export { PiiDecryptError, PiiUnavailableError, type PiiDecryptFailure, type PiiDecryptReason } from './errors';
export { localCipher } from './local-cipher';
export { openPiiCipher, type OpenPiiCipherDeps } from './open';
export { transitCipher, type TransitCipherOptions } from './transit-cipher';
export type * from './types';
