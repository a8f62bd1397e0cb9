import { PermanentError, RetryableError } from '../errors';
import type { PiiRow } from './types';

/**
 * Why a ciphertext could not be opened. Decided from the ciphertext's own version and the key's
 * versions (`transit/keys/<key>`), not from Vault's error text:
 * - `malformed`: not `<vault|local>:vN:<base64>` at all;
 * - `retired-key-version`: N is below the key's `min_decryption_version` (or its local key is gone);
 * - `unknown-key-version`: N is above the key's latest version;
 * - `tampered`: a version the key holds, but authentication (AES-GCM tag) failed.
 */
export type PiiDecryptReason = 'malformed' | 'retired-key-version' | 'unknown-key-version' | 'tampered';

export interface PiiDecryptFailure {
  /** Position in the array passed to `decrypt`/`rewrap`. */
  index: number;
  row: PiiRow;
  reason: PiiDecryptReason;
}

const describeRow = (row: PiiRow) => `${row.table}.${row.column} of row ${row.id}`;

/**
 * One or more ciphertexts cannot be opened: permanent (retrying will not help; HTTP 422). The
 * message names the rows and the reasons, never a ciphertext or a plaintext, and no Vault answer is
 * attached as `cause` (a partial batch failure carries the other items' plaintexts).
 */
export class PiiDecryptError extends PermanentError {
  readonly row: PiiRow;
  declare readonly reason: PiiDecryptReason;

  constructor(readonly failures: PiiDecryptFailure[]) {
    const first = failures[0];
    if (!first) throw new Error('PiiDecryptError needs at least one failure');
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
    super(`Cannot decrypt ${describeRow(first.row)}: ${first.reason}${more}`, first.reason);
    this.row = first.row;
  }
}

/**
 * Vault cannot be reached, is sealed, busy or refused the token even after a fresh login:
 * retryable (HTTP 503, event redelivered, job failed with retries). `status` is Vault's HTTP
 * status, undefined when no answer came.
 */
export class PiiUnavailableError extends RetryableError {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** Checks that `rows` pairs with `ciphertexts`: a programming error otherwise. */
export function rowsFor(count: number, rows: PiiRow[] | undefined): PiiRow[] {
  if (rows === undefined) return Array.from({ length: count }, (_, i) => ({ table: '(unknown)', column: '(unknown)', id: `#${i}` }));
  if (rows.length !== count) throw new Error(`PII cipher: ${count} ciphertexts but ${rows.length} rows`);
  return rows;
}
