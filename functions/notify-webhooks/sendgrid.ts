import { z } from 'zod';
import type { WriteContext } from '../../shared/http';
import { recordOptOut, type OptOutScope } from '../../shared/notify/consent';
import { recordMessageEvent } from '../../shared/notify/history';
import { firstDelivery } from './dedupe';
import { applyReport, lockMessage, recipientAddress, withoutContacts, type ReportedStatus } from './messages';
import type { SendGridEvent } from './schema';

/** What an event does: the status it reports, the opt-out it stands for. */
interface Effect {
  status?: ReportedStatus;
  failure?: { code: string; reason: string };
  optOut?: { scope: OptOutScope; source: string };
}

/**
 * SendGrid's events, mapped once:
 *   - processed, deferred: SendGrid has it (a send whose answer was lost becomes `sent`);
 *   - delivered → delivered;
 *   - bounce: `type` bounce (hard: the address does not exist) → failed and an 'all' email
 *     opt-out; blocked (soft: refused this time) → undelivered;
 *   - dropped (SendGrid would not send it: a suppressed, bounced or invalid address) → failed;
 *   - spamreport, unsubscribe, group_unsubscribe → an 'informational' opt-out;
 *   - open, click and the rest → history only.
 */
function effectOf(e: SendGridEvent): Effect {
  const reason = (fallback: string) => withoutContacts(e.reason ?? fallback);
  switch (e.event) {
    case 'processed':
    case 'deferred':
      return { status: 'sent' };
    case 'delivered':
      return { status: 'delivered' };
    case 'bounce':
      return e.type === 'blocked'
        ? { status: 'undelivered', failure: { code: 'sendgrid-blocked', reason: reason('blocked') } }
        : { status: 'failed', failure: { code: 'sendgrid-bounce', reason: reason('bounced') }, optOut: { scope: 'all', source: 'sendgrid-bounce' } };
    case 'dropped':
      return { status: 'failed', failure: { code: 'sendgrid-dropped', reason: reason('dropped') } };
    case 'spamreport':
      return { optOut: { scope: 'informational', source: 'sendgrid-spamreport' } };
    case 'unsubscribe':
    case 'group_unsubscribe':
      return { optOut: { scope: 'informational', source: 'sendgrid-unsubscribe' } };
    default:
      return {};
  }
}

const isUuid = (v: string | undefined): v is string => v !== undefined && z.uuid().safeParse(v).success;

/**
 * A batch of events, in one transaction: each event applied once (sg_event_id), to the message
 * it names (`requestId` custom arg, else the X-Message-Id before the first '.' of sg_message_id),
 * forward only, in its history. Opt-outs are recorded for the event's address (or the message's
 * recipient's) even when the message is not this service's: the address is what bounced or complained.
 */
export async function receiveEvents(ctx: WriteContext, events: SendGridEvent[]) {
  let applied = 0;
  for (const event of events) {
    if (await firstDelivery(ctx.tx, 'sendgrid', event.sg_event_id)) {
      await applyEvent(ctx, event);
      applied += 1;
    }
  }
  ctx.logger.info('email events received', { events: events.length, applied, duplicates: events.length - applied });
  return { received: events.length, applied };
}

async function applyEvent({ tx, logger, now }: WriteContext, event: SendGridEvent): Promise<void> {
  const effect = effectOf(event);
  const providerMessageId = event.sg_message_id?.split('.')[0] || undefined;
  const requestId = isUuid(event.requestId) ? event.requestId : undefined;
  const message = await lockMessage(tx, 'email', { requestId, providerMessageId });
  if (message) {
    const moved = await applyReport(tx, message, { provider: 'sendgrid', providerMessageId, status: effect.status, failure: effect.failure }, now);
    await recordMessageEvent(tx, message.request_id, 'provider-event', {
      provider: 'sendgrid',
      event: event.event,
      ...(event.type ? { type: event.type } : {}),
      ...(effect.failure ? { reason: effect.failure.reason } : {}),
      moved,
    });
  } else {
    logger.info('email event for an unknown message', { event: event.event, sgEventId: event.sg_event_id, requestId });
  }
  if (!effect.optOut) return;
  const address = event.email?.trim() || (message ? await recipientAddress(tx, message, 'email') : undefined);
  if (address) await recordOptOut(tx, { channel: 'email', address, ...effect.optOut, at: now });
}
