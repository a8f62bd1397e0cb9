import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { DbClient } from '../../shared/db';
import { PermanentError } from '../../shared/errors';
import type { ESignature } from '../../shared/esign';
import type { ObjectStore } from '../../shared/object-storage';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockForm } from './queries';
import type { archiveVariables } from './schema';

/** Adobe's events that say a participant completed their part: the latest one dates the signature. */
const COMPLETION_EVENTS = new Set(['ACTION_COMPLETED', 'ESIGNED', 'SIGNED', 'APPROVED', 'AGREEMENT_WORKFLOW_COMPLETED', 'WORKFLOW_COMPLETED']);

async function keep(tx: DbClient, store: ObjectStore, formId: string, agreementId: string, kind: 'signed' | 'audit-trail', bytes: Uint8Array) {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const stored = await store.put(`wcf/${formId}/${kind}-${sha.slice(0, 16)}.pdf`, bytes, {
    contentType: 'application/pdf',
    retentionClass: kind === 'signed' ? 'contract-10y' : 'audit-10y',
  });
  await tx.query(
    `INSERT INTO wcf.documents (form_id, kind, object_key, sha256, size_bytes, content_type, agreement_id)
     VALUES ($1, $2, $3, $4, $5, 'application/pdf', $6) ON CONFLICT (object_key) DO NOTHING`,
    [formId, kind, stored.key, stored.sha256, stored.size, agreementId],
  );
}

/**
 * wcf-archive: every signer completed the form (Adobe said so, read back by esign-notifications):
 * the signed PDF and the audit trail are kept for 10 years (the longest warranty they start), and
 * the form is signed, dated by Adobe's last completion. A form already signed: done (a retried job).
 */
export function makeArchiveForm(deps: { esign: ESignature; store: ObjectStore; clock: () => Date }) {
  return async ({ formId, agreementId }: z.infer<typeof archiveVariables>, { tx }: JobContext): Promise<JobOutcome> => {
    const form = await lockForm(tx, formId);
    if (form.status === 'signed') return { kind: 'complete', variables: {} };
    if (form.agreement_id !== agreementId) {
      throw new PermanentError(`agreement ${agreementId} is not the one WCF form ${formId} sent (${form.agreement_id ?? 'none'})`, 'agreement-mismatch');
    }
    const [signed, auditTrail, events] = await Promise.all([
      deps.esign.signedDocument(agreementId),
      deps.esign.auditTrail(agreementId),
      deps.esign.agreementEvents(agreementId),
    ]);
    await keep(tx, deps.store, formId, agreementId, 'signed', signed);
    await keep(tx, deps.store, formId, agreementId, 'audit-trail', auditTrail);
    const completed = events.filter((e) => COMPLETION_EVENTS.has(e.type)).map((e) => e.at.getTime());
    const signedAt = completed.length > 0 ? new Date(Math.max(...completed)) : deps.clock();
    await tx.query(`UPDATE wcf.forms SET status = 'signed', signed_at = $2, updated_at = NOW() WHERE id = $1`, [formId, signedAt]);
    return { kind: 'complete', variables: {} };
  };
}
