import type { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import type { DbClient } from '../../shared/db';
import { agreementRecords } from '../../shared/domain/agreement-records';
import { contractSettings } from '../../shared/domain/contract-settings';
import {
  asReminderFrequency,
  createAgreementOnce,
  ESignRejectedError,
  ESignUnavailableError,
  type ESignature,
  reminderFrequencies,
  type ReminderFrequency,
  type Signer,
} from '../../shared/esign';
import { PermanentError } from '../../shared/errors';
import type { ObjectStore } from '../../shared/object-storage';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { latestDraft, lockContract, setStatus, type ContractRow } from './queries';
import type { sendVariables } from './schema';

export interface SendDeps {
  esign: ESignature;
  store: ObjectStore;
  clock?: () => Date;
}

/** What the customer reads in Adobe's email, in their language. */
const MESSAGES: Record<string, { name: string; message: string }> = {
  es: { name: 'Contrato de servicio', message: 'Por favor, revise y firme su contrato de servicio antes de la instalación.' },
  fr: { name: 'Contrat de service', message: "Merci de relire et de signer votre contrat de service avant l'installation." },
  it: { name: 'Contratto di servizio', message: "La preghiamo di leggere e firmare il suo contratto di servizio prima dell'installazione." },
  pl: { name: 'Umowa serwisowa', message: 'Prosimy o zapoznanie się z umową serwisową i jej podpisanie przed montażem.' },
};

/** The number without the country's prefix, as Adobe's PHONE authentication takes it. */
function localNumber(phone: string, prefix: string): string {
  const compact = phone.replace(/[\s().-]/g, '');
  if (compact.startsWith(prefix)) return compact.slice(prefix.length);
  if (compact.startsWith(`00${prefix.slice(1)}`)) return compact.slice(prefix.length + 1);
  return compact;
}

function signer(contract: ContractRow, email: string): Signer {
  if (!contract.phone_auth || !contract.customer_phone) return { email };
  return { email, authentication: { method: 'PHONE', countryCode: contract.phone_prefix, phone: localNumber(contract.customer_phone, contract.phone_prefix) } };
}

/** The country's reminder frequency as Adobe names it; a value Adobe does not know stops the job (incident), never a silent default. */
function reminderFrequency(value: string): ReminderFrequency {
  const known = asReminderFrequency(value);
  if (!known)
    throw new PermanentError(`contracts.country_settings.reminder_frequency ${value} is not one of Adobe's (${reminderFrequencies.join(', ')})`, 'bad-setting');
  return known;
}

const unavailable = async (tx: DbClient, contractId: string, message: string): Promise<JobOutcome> => {
  await setStatus(tx, contractId, 'esign-unavailable');
  return { kind: 'bpmn-error', errorCode: bpmnErrors.esignUnavailable, message };
};

/**
 * contract-send: sends the contract's latest draft to Adobe Acrobat Sign, the customer as signer
 * (with a one-time SMS code when the draft said so and a phone is known), with the country's
 * reminders and expiry. At most one agreement per send: the key `<contractId>:<attempt>` is
 * looked up in contracts.agreements, then at Adobe (externalId), before anything is created; a
 * new attempt (a new key) only after the last agreement ended (declined, expired).
 * Adobe unavailable: 503 with Adobe's retryAfter, so the engine retries after it; on the job's
 * last retry, or when Adobe refuses the agreement for good, or the customer has no email, the
 * BPMN error ESIGN_UNAVAILABLE hands it to an operator (paper signature) instead of an incident.
 * An order cancelled meanwhile (during the approval or an operator's task): ORDER_NOT_ACTIVE, closed.
 */
export function makeSendContract(deps: SendDeps) {
  const now = deps.clock ?? (() => new Date());
  return async ({ contractId }: z.infer<typeof sendVariables>, { tx, job }: JobContext): Promise<JobOutcome> => {
    const contract = await lockContract(tx, contractId);
    const lastEnded =
      contract.status === 'declined' ||
      contract.status === 'expired' ||
      (contract.agreement_status !== null && contract.agreement_status !== 'OUT_FOR_SIGNATURE');
    if (contract.status === 'out-for-signature' && contract.agreement_id && !lastEnded) {
      return { kind: 'complete', variables: { agreementId: contract.agreement_id } };
    }
    // Cancelled while the contract waited for its approval or an operator: nothing goes out (the model closes it).
    if (contract.order_status === 'CANCELLED') {
      return { kind: 'bpmn-error', errorCode: bpmnErrors.orderNotActive, message: `service order ${contract.service_order_id} is cancelled` };
    }
    if (!['drafted', 'out-for-signature', 'declined', 'expired', 'esign-unavailable'].includes(contract.status)) {
      return unavailable(tx, contractId, `contract ${contractId} is ${contract.status}: nothing to send`);
    }
    if (!contract.customer_email) return unavailable(tx, contractId, 'the customer gave no email address: Adobe Sign needs one; sign on paper');
    // A new key only once the last agreement ended: a send that failed before Adobe answered keeps its key.
    const attempt = lastEnded ? contract.attempt + 1 : Math.max(1, contract.attempt);
    const settings = await contractSettings(tx, contract.country_code);
    const bytes = await deps.store.get(await latestDraft(tx, contractId));
    const words = MESSAGES[contract.language] ?? MESSAGES.es!;
    try {
      const { agreementId } = await createAgreementOnce(
        deps.esign,
        agreementRecords(tx, { serviceOrderId: contract.service_order_id, contractId: contract.id }),
        {
          key: `${contractId}:${attempt}`,
          name: `${words.name} ${contract.sales_order_id}`,
          document: { bytes, fileName: `contract-${contract.sales_order_id}.pdf`, mimeType: 'application/pdf' },
          signingSteps: [[signer(contract, contract.customer_email)]],
          message: words.message,
          reminderFrequency: reminderFrequency(settings.reminderFrequency),
          expiresAt: new Date(now().getTime() + settings.expiryDays * 86_400_000),
        },
      );
      await tx.query(`UPDATE contracts.contracts SET status = 'out-for-signature', agreement_id = $2, attempt = $3, updated_at = NOW() WHERE id = $1`, [
        contractId,
        agreementId,
        attempt,
      ]);
      return { kind: 'complete', variables: { agreementId } };
    } catch (error) {
      if (error instanceof ESignUnavailableError && job.retries <= 1) {
        return unavailable(tx, contractId, `Adobe Sign stayed unavailable: ${error.message}`);
      }
      if (error instanceof ESignRejectedError) return unavailable(tx, contractId, `Adobe Sign refused the agreement (${error.code}): ${error.message}`);
      throw error;
    }
  };
}
