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
  if (moved.contract_id) await advanceOwner(tx, outbox, 'contract', moved.contract_id, n.agreementId, status);
  if (moved.wcf_form_id) await advanceOwner(tx, outbox, 'wcfForm', moved.wcf_form_id, n.agreementId, status);
  return { result: 'applied', detail: { agreementId: n.agreementId, status } };
}

/**
 * What sends agreements, what a final agreement makes of it (signed: its archive task says so,
 * once the PDFs are kept), and the message its workflow waits for in "Await the signature(s)",
 * correlated by its id. The tables are these, never text from outside.
 */
const OWNERS = {
  contract: {
    table: 'contracts.contracts',
    message: messages.contractAgreementSettled,
    statuses: { DECLINED: 'declined', EXPIRED: 'expired' } as Partial<Record<FinalStatus, string>>,
  },
  wcfForm: {
    table: 'wcf.forms',
    message: messages.wcfAgreementSettled,
    statuses: { DECLINED: 'declined', EXPIRED: 'expired', RECALLED: 'recalled' } as Partial<Record<FinalStatus, string>>,
  },
} as const;

/**
 * The agreement of a pre-service contract or a Work Closing Form ended: it follows (declined,
 * expired...) and its workflow gets the owner's settled message — once per agreement (message
 * id), in this transaction.
 */
async function advanceOwner(
  tx: Queryable,
  outbox: EventContext['outbox'],
  kind: keyof typeof OWNERS,
  id: string,
  agreementId: string,
  status: FinalStatus,
): Promise<void> {
  const owner = OWNERS[kind];
  const next = owner.statuses[status];
  if (next) {
    await tx.query(`UPDATE ${owner.table} SET status = $3, updated_at = now() WHERE id = $1 AND agreement_id = $2 AND status = 'out-for-signature'`, [
      id,
      agreementId,
      next,
    ]);
  }
  await requestWorkflowMessage(outbox, owner.message, id, { agreementId, agreementStatus: status }, { messageId: `${owner.message.name}:${agreementId}` });
}

async function emit(status: FinalStatus, data: EventData<typeof agreementSigned>, outbox: EventContext['outbox']): Promise<void> {
  if (status === 'RECALLED') return;
  await outbox.add(EVENTS[status], data);
}
