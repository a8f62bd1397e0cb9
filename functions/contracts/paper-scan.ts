import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { InvalidInputError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { sha256Hex, type ObjectStore, type StoredObject } from '../../shared/object-storage';
import { findContract } from './queries';

const PDF_MAGIC = '%PDF-';

/**
 * Stores the scan of a contract signed on paper, before the transaction (no connection waits on
 * the object store): under a key named by its content, `contracts/<contract id>/paper-scan-<first
 * 16 hex of its SHA-256>.pdf`, kept 10 years. The same bytes again are the same object (the store
 * is write-once and idempotent). Bytes that are not a PDF are 400 naming `body`.
 */
export async function storePaperScan(
  deps: { db: Queryable; documents: ObjectStore },
  principal: Principal,
  contractId: string,
  bytes: Buffer,
): Promise<StoredObject> {
  await findContract(deps.db, principal, contractId);
  if (bytes.subarray(0, PDF_MAGIC.length).toString('latin1') !== PDF_MAGIC) {
    throw new InvalidInputError('invalid body: not a PDF', [{ field: 'body', message: `must be a PDF (starting with ${PDF_MAGIC})` }]);
  }
  const key = `contracts/${contractId}/paper-scan-${sha256Hex(bytes).slice(0, 16)}.pdf`;
  return deps.documents.put(key, bytes, { contentType: 'application/pdf', retentionClass: 'contract-10y' });
}

/**
 * Records the stored scan as the contract's `paper-scan` document, once per object: the same
 * bytes uploaded again answer the same document. The operator then completes their task with
 * its id (`paperScanDocumentId`).
 */
export async function recordPaperScan({ tx }: WriteContext, principal: Principal, contractId: string, stored: StoredObject) {
  await findContract(tx, principal, contractId);
  await tx.query(
    `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class)
     VALUES ($1, 'paper-scan', $2, $3, $4, $5, $6) ON CONFLICT (object_key) DO NOTHING`,
    [contractId, stored.key, stored.sha256, stored.size, stored.contentType, stored.retentionClass],
  );
  const { rows } = await tx.query<{ id: string; sha256: string; size_bytes: number }>(
    `SELECT id, sha256, size_bytes::float8 AS size_bytes FROM contracts.documents WHERE object_key = $1`,
    [stored.key],
  );
  const document = rows[0];
  if (!document) throw new Error(`the paper scan ${stored.key} was not recorded`);
  return { documentId: document.id, sha256: document.sha256, sizeBytes: document.size_bytes };
}
