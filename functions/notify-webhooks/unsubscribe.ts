import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { recordOptOut } from '../../shared/notify/consent';
import { recordMessageEvent } from '../../shared/notify/history';
import { recipientAddress, type TrackedMessage } from './messages';
import { unsubscribePage } from './page';

async function messageOf(db: Queryable, requestId: string, lock: boolean): Promise<TrackedMessage> {
  const {
    rows: [message],
  } = await db.query<TrackedMessage>(
    `SELECT request_id, channel, status, provider_message_id, recipient_kind, customer_id, provider_id, technician_id, locale
       FROM notify.messages WHERE request_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [requestId],
  );
  if (!message) throw new NotFoundError('no message for this unsubscribe link');
  return message;
}

/** GET: the page asking to confirm, in the message's language. Reads only: mail scanners prefetch links. */
export async function showUnsubscribe(db: Queryable, requestId: string) {
  return unsubscribePage((await messageOf(db, requestId, false)).locale, 'ask');
}

/**
 * POST (RFC 8058 one-click `List-Unsubscribe=One-Click`, or the page's button): an 'informational'
 * email opt-out of the message's recipient — reminders and surveys stop, what they cannot do
 * without still goes (shared/notify/consent.ts). Repeating it changes nothing more.
 */
export async function unsubscribe({ tx, logger, now }: WriteContext, requestId: string) {
  const message = await messageOf(tx, requestId, true);
  const address = await recipientAddress(tx, message, 'email');
  if (address) await recordOptOut(tx, { channel: 'email', address, scope: 'informational', source: 'list-unsubscribe', at: now });
  await recordMessageEvent(tx, requestId, 'unsubscribed', { via: 'list-unsubscribe', ...(address ? {} : { note: 'the recipient has no email address' }) });
  logger.info('unsubscribed from informational emails', { requestId, recipientKind: message.recipient_kind, hadAddress: address !== undefined });
  return unsubscribePage(message.locale, 'done');
}
