import type { Queryable } from '../db';
import { composeMessage } from './compose';
import { readContact } from './contact';
import { recordMessageEvent } from './history';
import { countryTimeZone, enqueueMessage, fallbackRequestId, recipientOf } from './queue';
import type { Locale, TemplateParameters } from './render';

/**
 * An SMS that failed for good (invalid number, opted out, undelivered) goes again by email, once:
 * when the country's settings allow it (notify.country_settings.sms_fallback_to_email) and the
 * recipient has an email address. The email is a message of its own (fallback_of = the SMS), sent
 * by the same senders; each step is in the SMS's history. Does nothing otherwise, and nothing the
 * second time (the fallback's request id is derived from the SMS's).
 */
export async function fallBackToEmail(tx: Queryable, requestId: string, failure: { code: string; reason: string }): Promise<void> {
  const {
    rows: [sms],
  } = await tx.query<{
    channel: string;
    fallback_of: string | null;
    recipient_kind: string;
    customer_id: string | null;
    provider_id: string | null;
    technician_id: string | null;
    service_order_id: string;
    country_code: string;
    business_unit_id: string | null;
    template_id: string;
    locale: Locale;
    parameters: TemplateParameters;
    fallback: boolean | null;
  }>(
    `SELECT m.channel, m.fallback_of, m.recipient_kind, m.customer_id, m.provider_id, m.technician_id, m.service_order_id, m.country_code,
            m.business_unit_id, m.template_id, m.locale, m.parameters, s.sms_fallback_to_email AS fallback
       FROM notify.messages m LEFT JOIN notify.country_settings s ON s.country_code = m.country_code
      WHERE m.request_id = $1`,
    [requestId],
  );
  if (!sms || sms.channel !== 'sms' || sms.fallback_of !== null) return;
  const skip = (reason: string) => recordMessageEvent(tx, requestId, 'fallback-skipped', { reason, failure: failure.code });
  if (sms.fallback === false) return skip(`no email fallback in ${sms.country_code}`);
  const recipient = recipientOf(sms);
  const contact = await readContact(tx, recipient);
  if (!contact?.email) return skip('the recipient has no email address');
  const composed = await composeMessage(tx, {
    templateId: sms.template_id,
    channel: 'email',
    locale: sms.locale,
    parameters: sms.parameters,
    timeZone: await countryTimeZone(tx, sms.country_code),
  });
  const emailId = fallbackRequestId(requestId);
  const queued = await enqueueMessage(tx, {
    requestId: emailId,
    fallbackOf: requestId,
    recipient,
    serviceOrderId: sms.service_order_id,
    countryCode: sms.country_code,
    businessUnitId: sms.business_unit_id,
    channel: 'email',
    templateId: sms.template_id,
    locale: sms.locale,
    parameters: sms.parameters,
    composed,
    notBefore: new Date(),
    deferredReason: null,
    collapseKey: null,
  });
  if (!queued) return;
  await recordMessageEvent(tx, requestId, 'fallback', { to: 'email', requestId: emailId, failure: failure.code });
  await recordMessageEvent(tx, emailId, 'accepted', { fallbackOf: requestId, reason: failure.reason });
}
