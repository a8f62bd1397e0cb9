import type { Queryable } from '../../shared/db';
import type { WriteContext } from '../../shared/http';
import { BytesAnswer } from '../../shared/http/route';
import { optBackIn, recordOptOut } from '../../shared/notify/consent';
import { recordMessageEvent } from '../../shared/notify/history';
import { smsKeyword } from '../../shared/notify/keywords';
import { firstDelivery } from './dedupe';
import { applyReport, lockMessage, recipientAddress, withoutContacts, type ReportedStatus } from './messages';
import type { InboundSms, StatusCallback } from './schema';

/** Queues the email that replaces a failed SMS, when it applies (shared/notify/fallback.ts). */
export type FallBack = (tx: Queryable, requestId: string, failure: { code: string; reason: string }) => Promise<void>;

/** An empty TwiML answer: nothing to send back (Twilio's Advanced Opt-Out answers keywords itself). */
export const emptyTwiml = () => new BytesAnswer(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Response/>'), 'text/xml; charset=utf-8');

/** Twilio's message statuses → where they move ours; `read` (WhatsApp/RCS) counts as delivered. Others (scheduled, canceled, receiving...) move nothing. */
const REPORTED: Record<string, ReportedStatus> = {
  accepted: 'sent',
  queued: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
};

/** Twilio 21610: the recipient replied STOP to our sender; nothing more goes to that number. */
const OPTED_OUT = '21610';

/**
 * A status callback: applied once per (MessageSid, MessageStatus), forward only, in the
 * message's history. A permanent failure records the opt-out Twilio reports (21610) and falls
 * back to email. A callback about a message this service does not know is acknowledged and ignored.
 */
export async function receiveStatus(ctx: WriteContext, fallBack: FallBack, cb: StatusCallback, requestId: string | undefined) {
  const { tx, logger, now } = ctx;
  const status = cb.MessageStatus.toLowerCase();
  if (!(await firstDelivery(tx, 'twilio', `${cb.MessageSid}:${status}`))) {
    logger.info('status callback already applied', { messageSid: cb.MessageSid, status });
    return emptyTwiml();
  }
  const message = await lockMessage(tx, 'sms', { requestId, providerMessageId: cb.MessageSid });
  if (!message) {
    logger.warn('status callback for an unknown message: ignored', { messageSid: cb.MessageSid, status, requestId });
    return emptyTwiml();
  }
  const reported = REPORTED[status];
  const failed = reported === 'undelivered' || reported === 'failed';
  const failure = failed ? { code: cb.ErrorCode ?? status, reason: withoutContacts(cb.ErrorMessage ?? `Twilio: ${status}`) } : undefined;
  const moved = await applyReport(tx, message, { provider: 'twilio', providerMessageId: cb.MessageSid, status: reported, failure }, now);
  await recordMessageEvent(tx, message.request_id, 'status-callback', {
    provider: 'twilio',
    messageSid: cb.MessageSid,
    status,
    ...(cb.ErrorCode ? { errorCode: cb.ErrorCode } : {}),
    moved,
  });
  if (failed && cb.ErrorCode === OPTED_OUT) {
    const to = cb.To ?? (await recipientAddress(tx, message, 'sms'));
    if (to) await recordOptOut(tx, { channel: 'sms', address: to, scope: 'all', source: 'twilio-21610', at: now });
  }
  if (moved && failure) await fallBack(tx, message.request_id, failure);
  logger.info('status callback applied', { requestId: message.request_id, messageSid: cb.MessageSid, status, moved, errorCode: cb.ErrorCode });
  return emptyTwiml();
}

/**
 * An inbound SMS: a keyword (STOP, ARRET, BAJA, ... / START, ...) opts the sender's number out
 * of every SMS or back in; anything else is not for this service. Applied once per MessageSid.
 * The answer is an empty TwiML: Twilio sends the keyword's confirmation itself.
 */
export async function receiveInbound(ctx: WriteContext, sms: InboundSms) {
  const { tx, logger, now } = ctx;
  if (!(await firstDelivery(tx, 'twilio', `inbound:${sms.MessageSid}`))) return emptyTwiml();
  const keyword = smsKeyword(sms.Body);
  if (keyword === 'stop') await recordOptOut(tx, { channel: 'sms', address: sms.From, scope: 'all', source: 'sms-stop', at: now });
  if (keyword === 'start') await optBackIn(tx, 'sms', sms.From);
  logger.info('inbound SMS received', { messageSid: sms.MessageSid, keyword: keyword ?? 'none' });
  return emptyTwiml();
}
