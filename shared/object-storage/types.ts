/**
 * How long a stored document must be kept. The class is recorded with the object (the local
 * store's sidecar; on S3 the object's metadata `retention-class` and its tag `retention-class`);
 * this module does not delete anything: in production the bucket's S3 lifecycle rules, filtered
 * on the tag, enforce it (and object lock, if the bucket has it, keeps it from early deletion).
 *
 * - `contract-10y`: a signed contract (the signed PDF), kept 10 years.
 * - `audit-10y`: the audit trail of a signature (Adobe Sign's audit report), kept 10 years.
 * - `working-1y`: drafts, unsigned contract PDFs and scans, kept 1 year.
 */
export type RetentionClass = 'contract-10y' | 'audit-10y' | 'working-1y';

export const RETENTION_CLASSES: readonly RetentionClass[] = ['contract-10y', 'audit-10y', 'working-1y'];

export function isRetentionClass(value: unknown): value is RetentionClass {
  return typeof value === 'string' && (RETENTION_CLASSES as readonly string[]).includes(value);
}

export interface ObjectMeta {
  /** The MIME type, e.g. `application/pdf`. */
  contentType: string;
  retentionClass: RetentionClass;
}

/** What is known of a stored object; `size` and `sha256` are computed by the store from the bytes. */
export interface StoredObject extends ObjectMeta {
  key: string;
  /** Bytes. */
  size: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
}

/**
 * Write-once storage of documents (signed contracts, audit trails, contract PDFs). A key is
 * `[A-Za-z0-9._/-]` segments separated by `/` (no `.` or `..` segment, no leading `/`), e.g.
 * `contracts/<tenant>/<contract id>/signed.pdf`.
 */
export interface ObjectStore {
  /**
   * Stores the bytes under the key. Idempotent: the same bytes again answer the stored object;
   * other bytes under a key already written throw `ObjectConflictError` (documents never change).
   */
  put(key: string, bytes: Uint8Array, meta: ObjectMeta): Promise<StoredObject>;
  /** The bytes; `ObjectNotFoundError` when there is no object under the key. */
  get(key: string): Promise<Uint8Array>;
  /** The object's description, or `undefined` when there is none. */
  head(key: string): Promise<StoredObject | undefined>;
}
