import type { EventData, notifyMessageRequested, notifyPartnerMessageRequested, notifyScheduledMessageCancelled } from '../../events';
import type { Queryable } from '../../shared/db';
import { PermanentError } from '../../shared/errors';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { composeMessage } from '../../shared/notify/compose';
import type { RecipientRef } from '../../shared/notify/contact';
import { recordMessageEvent } from '../../shared/notify/history';
import { enqueueMessage } from '../../shared/notify/queue';
import { sendableAt } from '../../shared/notify/quiet-hours';
import type { Channel, Locale, TemplateParameters } from '../../shared/notify/render';

type CustomerRequest = EventData<typeof notifyMessageRequested>;
type PartnerRequest = EventData<typeof notifyPartnerMessageRequested>;
type Cancellation = EventData<typeof notifyScheduledMessageCancelled>;

/** What accepting a request needs besides the transaction: the senders are woken when something is due now. */
export interface AcceptDeps {
  clock: () => Date;
  wake(channel: Channel): void;
}

interface Request {
  requestId: string;
  channel: Channel;
  recipient: RecipientRef;
  serviceOrderId: string;
  templateId: string;
  locale: Locale;
  parameters: TemplateParameters;
  schedule?: { sendAt: string; collapseKey: string };
}

/** A customer's message request (notify.message.requested). */
export function acceptCustomerRequest(deps: AcceptDeps) {
  return (r: CustomerRequest, ctx: EventContext): Promise<EventOutcome> =>
    accept(deps, ctx, {
      ...r,
      recipient: { kind: 'customer', customerId: r.recipient.customerId },
      serviceOrderId: r.recipient.serviceOrderId,
      ...(r.schedule ? { schedule: r.schedule } : {}),
    });
}

/** A provider's or technician's message request (notify.partner-message.requested). */
export function acceptPartnerRequest(deps: AcceptDeps) {
  return (r: PartnerRequest, ctx: EventContext): Promise<EventOutcome> => {
    const { providerId, technicianId } = r.recipient;
    if (r.recipient.kind === 'technician' && technicianId === null) throw new PermanentError('a technician message without technicianId', 'no-technician');
    const recipient: RecipientRef =
      r.recipient.kind === 'technician' ? { kind: 'technician', providerId, technicianId: technicianId ?? '' } : { kind: 'provider', providerId };
    return accept(deps, ctx, { ...r, recipient });
  };
}

/**
 * Queues the message a request asks for (notify.messages), once per request id — a redelivered
 * request finds its row and changes nothing. Rendered now, from the template version in force: a
 * request that cannot be rendered is dead-lettered naming why (./compose.ts). It may go at once,
 * or later: at its scheduled time (replacing an unsent message with the same collapse key), and
 * for a customer's SMS not within the quiet hours of the order's country (deferred to their end,
 * never dropped). Contacts and opt-outs are read when it is sent, as they are then.
 */
async function accept(deps: AcceptDeps, { tx, afterCommit }: EventContext, r: Request): Promise<EventOutcome> {
  const order = await orderOf(tx, r.serviceOrderId);
  const composed = await composeMessage(tx, { ...r, timeZone: order.timezone });
  const now = deps.clock();
  const scheduled = r.schedule ? new Date(r.schedule.sendAt) : undefined;
  let notBefore = scheduled && scheduled > now ? scheduled : now;
  let deferredReason: string | null = scheduled && scheduled > now ? 'scheduled' : null;
  if (r.channel === 'sms' && r.recipient.kind === 'customer') {
    const quietEnd = sendableAt(notBefore, order.timezone, { start: order.quiet_from, end: order.quiet_until });
    if (quietEnd > notBefore) [notBefore, deferredReason] = [quietEnd, 'quiet-hours'];
  }
  const collapseKey = r.schedule?.collapseKey ?? null;
  if (collapseKey) await supersede(tx, collapseKey, r.requestId);
  const queued = await enqueueMessage(tx, {
    requestId: r.requestId,
    recipient: r.recipient,
    serviceOrderId: r.serviceOrderId,
    countryCode: order.country_code,
    businessUnitId: order.business_unit_id,
    channel: r.channel,
    templateId: r.templateId,
    locale: r.locale,
    parameters: r.parameters,
    composed,
    notBefore,
    deferredReason,
    collapseKey,
  });
  if (!queued) return { result: 'ignored', reason: 'request already queued' };
  await recordMessageEvent(tx, r.requestId, 'accepted', { templateVersion: composed.templateVersion, kind: composed.kind });
  if (deferredReason) await recordMessageEvent(tx, r.requestId, 'deferred', { reason: deferredReason, until: notBefore.toISOString() });
  // Woken once the row is committed: a sender woken earlier would find nothing and idle.
  else afterCommit(() => deps.wake(r.channel));
  return { result: 'applied', detail: { requestId: r.requestId, notBefore: notBefore.toISOString(), ...(deferredReason ? { deferredReason } : {}) } };
}

/** A scheduled message withdrawn (notify.scheduled-message.cancelled): cancelled if it has not gone yet. */
export async function cancelScheduled(c: Cancellation, { tx }: EventContext): Promise<EventOutcome> {
  const { rows } = await tx.query<{ request_id: string }>(
    `UPDATE notify.messages SET status = 'cancelled', updated_at = now()
      WHERE collapse_key = $1 AND service_order_id = $2 AND status = 'queued' RETURNING request_id`,
    [c.collapseKey, c.serviceOrderId],
  );
  for (const { request_id } of rows) await recordMessageEvent(tx, request_id, 'cancelled', { reason: c.reason });
  return rows.length > 0 ? { result: 'applied', detail: { cancelled: rows.length } } : { result: 'ignored', reason: 'no unsent message with that key' };
}

async function supersede(tx: Queryable, collapseKey: string, by: string): Promise<void> {
  const { rows } = await tx.query<{ request_id: string }>(
    `UPDATE notify.messages SET status = 'cancelled', updated_at = now()
      WHERE collapse_key = $1 AND status = 'queued' AND request_id <> $2 RETURNING request_id`,
    [collapseKey, by],
  );
  for (const { request_id } of rows) await recordMessageEvent(tx, request_id, 'cancelled', { reason: 'superseded', by });
}

async function orderOf(tx: Queryable, serviceOrderId: string) {
  const {
    rows: [order],
  } = await tx.query<{ country_code: string; business_unit_id: string | null; timezone: string; quiet_from: string; quiet_until: string }>(
    `SELECT o.country_code, o.business_unit_id, c.timezone,
            to_char(coalesce(s.quiet_from, '21:00'), 'HH24:MI') AS quiet_from, to_char(coalesce(s.quiet_until, '08:00'), 'HH24:MI') AS quiet_until
       FROM orders.service_orders o JOIN org.countries c ON c.code = o.country_code
       LEFT JOIN notify.country_settings s ON s.country_code = o.country_code
      WHERE o.id = $1`,
    [serviceOrderId],
  );
  if (!order) throw new PermanentError(`message about unknown service order ${serviceOrderId}`, 'unknown-order');
  return order;
}
