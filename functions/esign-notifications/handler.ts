import { agreementDeclined, agreementExpired, agreementSigned, type EventData, type esignNotificationReceived } from '../../events';
import type { ESignature } from '../../shared/esign';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { finalStatus, TERMINAL_EVENTS, type FinalStatus } from './outcome';

type Notification = EventData<typeof esignNotificationReceived>;

const EVENTS = { SIGNED: agreementSigned, DECLINED: agreementDeclined, EXPIRED: agreementExpired } as const;

/**
 * Processes one stored Adobe Sign notification (delivered at least once and in any order): for
 * an event that may end the agreement it reads the agreement back from Adobe and moves
 * contracts.agreements to the final status that gives — only from OUT_FOR_SIGNATURE, so a late or
 * repeated notification changes nothing — and emits contracts.agreement.signed / declined /
 * expired in the same transaction (a recall is the operator's own act: recorded, no event).
 * Notifications about other resources, unknown agreements and other events are ignored; the
 * notification is marked processed either way.
 */
export function makeProcessNotification(deps: { esign: ESignature }) {
  return async (n: Notification, ctx: EventContext): Promise<EventOutcome> => {
    const outcome = await settle(deps.esign, n, ctx);
    await ctx.tx.query('UPDATE contracts.esign_notifications SET processed_at = now() WHERE webhook_notification_id = $1 AND processed_at IS NULL', [
      n.webhookNotificationId,
    ]);
    return outcome;
  };
}

async function settle(esign: ESignature, n: Notification, { tx, outbox, logger }: EventContext): Promise<EventOutcome> {
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
  const current = await esign.getAgreement(n.agreementId);
  const status = finalStatus(current.status, n.event);
  if (status === undefined) return { result: 'ignored', reason: `agreement is ${current.status} at Adobe` };
  const {
    rows: [moved],
  } = await tx.query<{ contract_key: string; service_order_id: string | null }>(
    `UPDATE contracts.agreements SET status = $2, updated_at = now()
      WHERE agreement_id = $1 AND status = 'OUT_FOR_SIGNATURE'
      RETURNING contract_key, service_order_id`,
    [n.agreementId, status],
  );
  if (!moved) return { result: 'ignored', reason: 'agreement already final' };
  await emit(status, { agreementId: n.agreementId, contractKey: moved.contract_key, serviceOrderId: moved.service_order_id, occurredAt: n.eventDate }, outbox);
  return { result: 'applied', detail: { agreementId: n.agreementId, status } };
}

async function emit(status: FinalStatus, data: EventData<typeof agreementSigned>, outbox: EventContext['outbox']): Promise<void> {
  if (status === 'RECALLED') return;
  await outbox.add(EVENTS[status], data);
}
