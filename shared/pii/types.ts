/** The row a ciphertext belongs to, so a failure can name it (never by its value). */
export interface PiiRow {
  table: string;
  column: string;
  id: string;
}

/** The encryption key's versions as last read (`GET transit/keys/<key>`, or the local key set). */
export interface PiiKeyStatus {
  latestVersion: number;
  minDecryptionVersion: number;
}

/**
 * Customer personal data (name, phone, email, street address) sealed at rest. Every method takes
 * many values at once: the transit implementation sends one `batch_input` per call (chunked at
 * `PII_BATCH_SIZE`). Values and ciphertexts never reach an error message or a log line.
 */
export interface PiiCipher {
  /** Plaintexts → ciphertexts under the latest key version (`vault:vN:...` or `local:vN:...`), same order. */
  encrypt(values: string[]): Promise<string[]>;
  /**
   * Ciphertexts → plaintexts, same order; `rows[i]` names the row of `ciphertexts[i]`. A malformed,
   * tampered or retired ciphertext throws `PiiDecryptError` naming every failed row; Vault being
   * unreachable or sealed throws `PiiUnavailableError` (retryable).
   */
  decrypt(ciphertexts: string[], rows: PiiRow[]): Promise<string[]>;
  /**
   * A keyed HMAC for equality lookups (`purpose` e.g. `customer-phone`, `value` already
   * normalised): equal inputs give equal indexes, another purpose gives another index. Computed
   * under a separate, pinned key version, so rotating the encryption key never changes it.
   */
  blindIndex(purpose: string, value: string): Promise<string>;
  /** `blindIndex` for many values of one purpose, in one call. */
  blindIndexes(purpose: string, values: string[]): Promise<string[]>;
  /**
   * Ciphertexts → the same plaintexts under the latest key version, without exposing them to the
   * caller. `rows`, when given, name the failures as in `decrypt` (otherwise they are named by index).
   */
  rewrap(ciphertexts: string[], rows?: PiiRow[]): Promise<string[]>;
  /** Reads the key's latest and minimum decryption versions; `isCurrent` then compares against them. */
  keyStatus(): Promise<PiiKeyStatus>;
  /** Whether the ciphertext is under the latest key version known (read at open, by `keyStatus`, or seen on encrypt). */
  isCurrent(ciphertext: string): boolean;
  /** The key version of `vault:vN:...` / `local:vN:...`; undefined for anything else. */
  ciphertextVersion(ciphertext: string): number | undefined;
}
