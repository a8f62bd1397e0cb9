import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { DbClient } from '../../shared/db';
import { PermanentError } from '../../shared/errors';
import type { AgreementEvent, ESignature } from '../../shared/esign';
import type { ObjectStore, RetentionClass } from '../../shared/object-storage';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import type { archiveVariables } from './schema';

export interface ArchiveDeps {
  esign: ESignature;
  store: ObjectStore;
  clock?: () => Date;
}

const sha256Hex = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');
const emailHash = (email: string | undefined) => (email ? sha256Hex(email.trim().toLowerCase()) : null);

/** Adobe's events that say the agreement was completed: the latest one dates the signature. */
const COMPLETION_EVENTS = new Set(['ACTION_COMPLETED', 'ESIGNED', 'SIGNED', 'AGREEMENT_WORKFLOW_COMPLETED', 'WORKFLOW_COMPLETED']);

async function keep(tx: DbClient, store: ObjectStore, contractId: string, agreementId: string, kind: 'signed' | 'audit-trail', bytes: Uint8Array) {
  const retentionClass: RetentionClass = kind === 'signed' ? 'contract-10y' : 'audit-10y';
  const stored = await store.put(`contracts/${contractId}/${kind}-${sha256Hex(bytes).slice(0, 16)}.pdf`, bytes, {
    contentType: 'application/pdf',
    retentionClass,
  });
  await tx.query(
    `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class, agreement_id)
     VALUES ($1, $2, $3, $4, $5, 'application/pdf', $6, $7) ON CONFLICT (object_key) DO NOTHING`,
    [contractId, kind, stored.key, stored.sha256, stored.size, stored.retentionClass, agreementId],
  );
}

/**
 * contract-archive: the agreement is signed (Adobe said so, read back by esign-notifications):
 * the signed PDF and the audit trail PDF are kept in object storage (10 years), and the audit
 * trail's events as data — who acted (the customer or someone else, by a hash of their email,
 * never the email), when, from which IP, with which authentication. The contract is then signed.
 * A contract already signed: done (a retried job).
 */
export function makeArchiveContract(deps: ArchiveDeps) {
  const now = deps.clock ?? (() => new Date());
  return async ({ contractId, agreementId }: z.infer<typeof archiveVariables>, { tx }: JobContext): Promise<JobOutcome> => {
    const {
      rows: [contract],
    } = await tx.query<{ status: string; agreement_id: string | null; customer_email: string | null }>(
      `SELECT k.status, k.agreement_id, c.email AS customer_email
         FROM contracts.contracts k JOIN orders.service_orders o ON o.id = k.service_order_id JOIN orders.customers c ON c.id = o.customer_id
        WHERE k.id = $1 FOR UPDATE OF k`,
      [contractId],
    );
    if (!contract) throw new PermanentError(`contract ${contractId} not found`, 'unknown-contract');
    if (contract.status === 'signed') return { kind: 'complete', variables: {} };
    if (contract.agreement_id !== agreementId) {
      throw new PermanentError(
        `agreement ${agreementId} is not the one contract ${contractId} sent (${contract.agreement_id ?? 'none'})`,
        'agreement-mismatch',
      );
    }
    const [signed, auditTrail, events] = await Promise.all([
      deps.esign.signedDocument(agreementId),
      deps.esign.auditTrail(agreementId),
      deps.esign.agreementEvents(agreementId),
    ]);
    await keep(tx, deps.store, contractId, agreementId, 'signed', signed);
    await keep(tx, deps.store, contractId, agreementId, 'audit-trail', auditTrail);
    await recordEvents(tx, contractId, agreementId, events, emailHash(contract.customer_email ?? undefined));
    const completed = events.filter((e) => COMPLETION_EVENTS.has(e.type)).map((e) => e.at.getTime());
    const signedAt = completed.length > 0 ? new Date(Math.max(...completed)) : now();
    await tx.query(`UPDATE contracts.contracts SET status = 'signed', signature_method = 'e-signature', signed_at = $2, updated_at = NOW() WHERE id = $1`, [
      contractId,
      signedAt,
    ]);
    return { kind: 'complete', variables: {} };
  };
}

/** Adobe writes participants' emails into its descriptions ("Document e-signed by x@y"): kept as their role. */
const EMAIL = /[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[A-Za-z]{2,}/g;
const redact = (text: string | undefined, role: string | null) => (text === undefined ? null : text.replace(EMAIL, `<${role ?? 'participant'}>`));

async function recordEvents(tx: DbClient, contractId: string, agreementId: string, events: AgreementEvent[], customerHash: string | null) {
  for (const [seq, e] of events.entries()) {
    const actor = emailHash(e.actorEmail ?? e.participantEmail);
    const role = actor === null ? null : actor === customerHash ? 'customer' : 'other';
    await tx.query(
      `INSERT INTO contracts.agreement_events (agreement_id, seq, contract_id, type, occurred_at, actor_email_hash, participant_role, ip_address,
                                               authentication_method, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (agreement_id, seq) DO NOTHING`,
      [agreementId, seq, contractId, e.type, e.at, actor, role, e.ipAddress ?? null, e.authenticationMethod ?? null, redact(e.description, role)],
    );
  }
}
