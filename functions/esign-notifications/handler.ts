import { messages } from '../../bpmn/contract';
import { agreementDeclined, agreementExpired, agreementSigned, type EventData, type esignNotificationReceived } from '../../events';
import type { ESignature } from '../../shared/esign';
import type { Queryable } from '../../shared/db';
import { RetryableError } from '../../shared/errors';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { finalStatus, TERMINAL_EVENTS, type FinalStatus } from './outcome';

type Notification = EventData<typeof esignNotificationReceived>;

const EVENTS = { SIGNED: agreementSigned, DECLINED: agreementDeclined, EXPIRED: agreementExpired } as const;

/**
 * Adobe's current status of the agreement a notification may end, read before the transaction
 * opens (the event wrapper's `prepare`): no database connection or inbox lock is held while
 * Adobe answers. Undefined when there is nothing to read: not about an agreement, an event that
 * does not end one, or an agreement we do not hold out for signature.
 */
export function makeReadBack(deps: { db: Queryable; esign: ESignature }) {
  return async (n: Notification): Promise<string | undefined> => {
    if (n.agreementId === null || !TERMINAL_EVENTS.has(n.event)) return undefined;
    const {
      rows: [known],
    } = await deps.db.query<{ status: string }>('SELECT status FROM contracts.agreements WHERE agreement_id = $1', [n.agreementId]);
    if (known?.status !== 'OUT_FOR_SIGNATURE') return undefined;
    return (await deps.esign.getAgreement(n.agreementId)).status;
  };
}

/**
 * Processes one stored Adobe Sign notification (delivered at least once and in any order): for
 * an event that may end the agreement it takes Adobe's status read back by makeReadBack and moves
 * contracts.agreements to the final status that gives — only from OUT_FOR_SIGNATURE, so a late or
 * repeated notification changes nothing — and emits contracts.agreement.signed / declined /
 * expired in the same transaction (a recall is the operator's own act: recorded, no event).
 * Notifications about other resources, unknown agreements and other events are ignored; the
 * notification is marked processed either way.
 */
export async function processNotification(n: Notification, ctx: EventContext, adobeStatus: string | undefined): Promise<EventOutcome> {
  const outcome = await settle(n, ctx, adobeStatus);
  await ctx.tx.query('UPDATE contracts.esign_notifications SET processed_at = now() WHERE webhook_notification_id = $1 AND processed_at IS NULL', [
    n.webhookNotificationId,
  ]);
  return outcome;
}

async function settle(n: Notification, { tx, outbox, logger }: EventContext, adobeStatus: string | undefined): Promise<EventOutcome> {
  if (n.agreementId === null) return { result: 'ignored', reason: 'not about an agreement' };
  const {
    rows: [known],
  } = await tx.query<{ status: string }>('SELECT status FROM contracts.agreements WHERE agreement_id = $1', [n.agreementId]);
  if (!known) {
    logger.info('e-signature notification for an unknown agreement', { agreementId: n.agreementId, event: n.event });
    return { result: 'ignored', reason: 'unknown agreement' };
  }
  if (known.status !== 'OUT_FOR_SIGNATURE') return { result: 'ignored', reason: `agreement already ${known.status}` };
  if (!TERMINAL_EVENTS.has(n.event)) return { result: 'ignored', reason: `${n.event} does not end the agreement` };
  // The agreement appeared (or reopened) between the read-back and now: read it back again.
  if (adobeStatus === undefined) throw new RetryableError(`agreement ${n.agreementId} was not read back from Adobe Sign before its notification`);
  const status = finalStatus(adobeStatus, n.event);
  if (status === undefined) return { result: 'ignored', reason: `agreement is ${adobeStatus} at Adobe` };
  const {
    rows: [moved],
  } = await tx.query<{ contract_key: string; service_order_id: string | null; contract_id: string | null; wcf_form_id: string | null }>(
    `UPDATE contracts.agreements SET status = $2, updated_at = now()
      WHERE agreement_id = $1 AND status = 'OUT_FOR_SIGNATURE'
      RETURNING contract_key, service_order_id, contract_id, wcf_form_id`,
    [n.agreementId, status],
  );
  if (!moved) return { result: 'ignored', reason: 'agreement already final' };
  await emit(status, { agreementId: n.agreementId, contractKey: moved.contract_key, serviceOrderId: moved.service_order_id, occurredAt: n.eventDate }, outbox);
  if (moved.contract_id) await advanceContract(tx, outbox, moved.contract_id, n.agreementId, status);
  if (moved.wcf_form_id) await advanceWcfForm(tx, outbox, moved.wcf_form_id, n.agreementId, status);
  return { result: 'applied', detail: { agreementId: n.agreementId, status } };
}

/** What a final agreement makes of the pre-service contract that sent it (signed: contract-archive says so, once the PDFs are kept). */
const CONTRACT_STATUS: Partial<Record<FinalStatus, string>> = { DECLINED: 'declined', EXPIRED: 'expired' };

/**
 * The agreement of a pre-service contract ended: the contract follows (declined, expired) and its
 * workflow, waiting in "Await the signature", gets the message contract-agreement-settled,
 * correlated by the contract id — once per agreement (message id), in this transaction.
 */
async function advanceContract(tx: Queryable, outbox: EventContext['outbox'], contractId: string, agreementId: string, status: FinalStatus): Promise<void> {
  const next = CONTRACT_STATUS[status];
  if (next) {
    await tx.query(`UPDATE contracts.contracts SET status = $3, updated_at = now() WHERE id = $1 AND agreement_id = $2 AND status = 'out-for-signature'`, [
      contractId,
      agreementId,
      next,
    ]);
  }
  await requestWorkflowMessage(
    outbox,
    messages.contractAgreementSettled,
    contractId,
    { agreementId, agreementStatus: status },
    { messageId: `contract-agreement-settled:${agreementId}` },
  );
}

/** What a final agreement makes of the WCF form that sent it (signed: wcf-archive says so, once the PDFs are kept). */
const WCF_FORM_STATUS: Partial<Record<FinalStatus, string>> = { DECLINED: 'declined', EXPIRED: 'expired', RECALLED: 'recalled' };

/**
 * The agreement of a Work Closing Form (closing or lifting) ended: the form follows, and its
 * workflow, waiting in "Await the signatures", gets wcf-agreement-settled, correlated by the form id.
 */
async function advanceWcfForm(tx: Queryable, outbox: EventContext['outbox'], formId: string, agreementId: string, status: FinalStatus): Promise<void> {
  const next = WCF_FORM_STATUS[status];
  if (next) {
    await tx.query(`UPDATE wcf.forms SET status = $3, updated_at = now() WHERE id = $1 AND agreement_id = $2 AND status = 'out-for-signature'`, [
      formId,
      agreementId,
      next,
    ]);
  }
  await requestWorkflowMessage(
    outbox,
    messages.wcfAgreementSettled,
    formId,
    { agreementId, agreementStatus: status },
    { messageId: `wcf-agreement-settled:${agreementId}` },
  );
}

async function emit(status: FinalStatus, data: EventData<typeof agreementSigned>, outbox: EventContext['outbox']): Promise<void> {
  if (status === 'RECALLED') return;
  await outbox.add(EVENTS[status], data);
}
