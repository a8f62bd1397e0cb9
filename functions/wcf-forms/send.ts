import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import type { DbClient } from '../../shared/db';
import { agreementRecords } from '../../shared/domain/agreement-records';
import { informCustomer } from '../../shared/domain/messages';
import { wcfSettings } from '../../shared/domain/wcf-settings';
import { asReminderFrequency, createAgreementOnce, ESignRejectedError, ESignUnavailableError, type ESignature, type Signer } from '../../shared/esign';
import { PermanentError } from '../../shared/errors';
import type { ObjectStore } from '../../shared/object-storage';
import type { WcfDocument } from '../../shared/wcf-document/model';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { readFormDocument, type Signers } from './document';
import { lockForm, setFormStatus, type FormRow } from './queries';
import type { sendVariables } from './schema';
import { AGREEMENT_WORDS } from './words';

export interface SendDeps {
  esign: ESignature;
  store: ObjectStore;
  clock: () => Date;
}

/** pdf-lib, fontkit and the templates are loaded on the first form, not at boot (cold start). */
async function render(document: WcfDocument): Promise<Uint8Array> {
  const { renderWorkClosingForm } = await import('../../shared/wcf-document/render');
  return renderWorkClosingForm(document);
}

/** The closing form: the customer signs, then the technician, then the store validates (approver). The lifting form: the customer alone. */
function signingSteps(form: FormRow, signers: Signers): { steps: Signer[][] } | { missing: string[] } {
  const missing = (['customer', 'technician', 'store'] as const).filter((who) => (form.kind === 'closing' || who === 'customer') && !signers[who]);
  if (missing.length > 0) return { missing };
  if (form.kind === 'lifting') return { steps: [[{ email: signers.customer! }]] };
  return { steps: [[{ email: signers.customer! }], [{ email: signers.technician! }], [{ email: signers.store!, role: 'APPROVER' }]] };
}

const unavailable = async (tx: DbClient, formId: string, message: string): Promise<JobOutcome> => {
  await setFormStatus(tx, formId, 'esign-unavailable');
  return { kind: 'bpmn-error', errorCode: bpmnErrors.esignUnavailable, message };
};

const ENDED = new Set(['declined', 'expired', 'recalled', 'esign-unavailable']);

/**
 * wcf-send: renders the form with the customer's answer (or the reserves lifted) in their
 * language, keeps it, and sends it to Adobe Acrobat Sign — at most one agreement per attempt
 * (key `<formId>:<attempt>`, looked up in contracts.agreements, then at Adobe, before creating);
 * a new attempt only after the last agreement ended. Someone without an email address Adobe can
 * ask, Adobe refusing the agreement, or Adobe still unavailable on the job's last retry: BPMN
 * error ESIGN_UNAVAILABLE, an operator follows it up.
 */
export function makeSendForm(deps: SendDeps) {
  return async ({ formId }: z.infer<typeof sendVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> => {
    const form = await lockForm(tx, formId);
    const lastEnded = ENDED.has(form.status) || (form.agreement_status !== null && form.agreement_status !== 'OUT_FOR_SIGNATURE');
    if (form.status === 'out-for-signature' && form.agreement_id && !lastEnded) return { kind: 'complete', variables: { agreementId: form.agreement_id } };
    if (form.status === 'awaiting-answer' || form.status === 'signed') {
      throw new PermanentError(`WCF form ${formId} is ${form.status}: nothing to send`, 'wcf-not-sendable');
    }
    const now = deps.clock();
    const { document, signers } = await readFormDocument(tx, form, (form.answered_at ?? now).toISOString().slice(0, 10));
    const plan = signingSteps(form, signers);
    if ('missing' in plan) return unavailable(tx, formId, `no email address for Adobe Sign to ask: ${plan.missing.join(', ')}`);
    const attempt = lastEnded ? form.attempt + 1 : Math.max(1, form.attempt);
    const pdf = await render(document);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const stored = await deps.store.put(`wcf/${formId}/sent-${attempt}-${sha256.slice(0, 16)}.pdf`, pdf, {
      contentType: 'application/pdf',
      retentionClass: 'working-1y',
    });
    await tx.query(
      `INSERT INTO wcf.documents (form_id, kind, object_key, sha256, size_bytes, content_type) VALUES ($1, 'sent', $2, $3, $4, 'application/pdf')
       ON CONFLICT (object_key) DO NOTHING`,
      [formId, stored.key, stored.sha256, stored.size],
    );
    const settings = await wcfSettings(tx, form.country_code);
    const frequency = asReminderFrequency(settings.reminderFrequency);
    if (!frequency) throw new PermanentError(`wcf.country_settings.reminder_frequency ${settings.reminderFrequency} is not one of Adobe's`, 'bad-setting');
    const words = AGREEMENT_WORDS[form.language][form.kind];
    try {
      const { agreementId } = await createAgreementOnce(deps.esign, agreementRecords(tx, { serviceOrderId: form.service_order_id, wcfFormId: form.id }), {
        key: `${formId}:${attempt}`,
        name: `${words.name} ${form.sales_order_id}`,
        document: { bytes: pdf, fileName: `${form.kind === 'closing' ? 'wcf' : 'wcf-lifting'}-${form.sales_order_id}.pdf`, mimeType: 'application/pdf' },
        signingSteps: plan.steps,
        message: words.message,
        reminderFrequency: frequency,
        expiresAt: new Date(now.getTime() + settings.signatureExpiryDays * 86_400_000),
      });
      await tx.query(`UPDATE wcf.forms SET status = 'out-for-signature', agreement_id = $2, attempt = $3, updated_at = NOW() WHERE id = $1`, [
        formId,
        agreementId,
        attempt,
      ]);
      await informCustomer(outbox, {
        serviceOrderId: form.service_order_id,
        customerId: form.customer_id,
        hasEmail: form.has_email,
        countryCode: form.country_code,
        templateId: form.kind === 'closing' ? 'wcf.to-sign' : 'wcf.lifting-to-sign',
        parameters: { orderReference: form.sales_order_id },
      });
      return { kind: 'complete', variables: { agreementId } };
    } catch (error) {
      if (error instanceof ESignUnavailableError && job.retries <= 1) return unavailable(tx, formId, `Adobe Sign stayed unavailable: ${error.message}`);
      if (error instanceof ESignRejectedError) return unavailable(tx, formId, `Adobe Sign refused the agreement (${error.code}): ${error.message}`);
      throw error;
    }
  };
}
