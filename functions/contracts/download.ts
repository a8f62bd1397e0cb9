import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { BytesAnswer } from '../../shared/http/route';
import type { Logger } from '../../shared/logging';
import { ObjectIntegrityError, ObjectNotFoundError, sha256Hex, type ObjectStore } from '../../shared/object-storage';
import { documentsOf, findContract } from './queries';

/** A stored document that is missing or does not hash to what was recorded: nothing is served (500). */
export class DocumentIntegrityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DocumentIntegrityError';
  }
}

/**
 * The bytes of one of the contract's documents, read from the object store and checked against
 * the SHA-256 recorded with the document before anything is answered: a copy that is damaged
 * (or gone) is logged as an integrity error and answers 500, never the bytes.
 */
export async function downloadDocument(
  deps: { db: Queryable; documents: ObjectStore },
  logger: Logger,
  principal: Principal,
  ids: { contractId: string; documentId: string },
): Promise<BytesAnswer> {
  await findContract(deps.db, principal, ids.contractId);
  const document = (await documentsOf(deps.db, [ids.contractId])).find((d) => d.id === ids.documentId);
  if (!document) throw new NotFoundError(`document ${ids.documentId} of contract ${ids.contractId} not found`);
  const where = { contractId: ids.contractId, documentId: document.id, objectKey: document.object_key, expectedSha256: document.sha256 };
  let bytes: Uint8Array;
  try {
    bytes = await deps.documents.get(document.object_key);
  } catch (error) {
    if (!(error instanceof ObjectIntegrityError) && !(error instanceof ObjectNotFoundError)) throw error;
    logger.error('contract document integrity error', { ...where, reason: error instanceof ObjectNotFoundError ? 'missing' : 'damaged' });
    throw new DocumentIntegrityError(`document ${document.id} cannot be read back intact`, { cause: error });
  }
  const actual = sha256Hex(bytes);
  if (actual !== document.sha256 || bytes.byteLength !== document.size_bytes) {
    logger.error('contract document integrity error', { ...where, actualSha256: actual, reason: 'hash mismatch' });
    throw new DocumentIntegrityError(`document ${document.id} does not match its recorded SHA-256`);
  }
  const extension = document.content_type === 'application/pdf' ? '.pdf' : '';
  return new BytesAnswer(bytes, document.content_type, `contract-${ids.contractId}-${document.kind}${extension}`);
}
