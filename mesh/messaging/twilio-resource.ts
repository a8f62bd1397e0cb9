import type { Answer, SandboxContext } from './http';
import type { SmsRecord } from './state';

export const TWILIO_PREFIX = '/2010-04-01';

/** Twilio's error JSON: `{code, message, more_info, status}`. */
export function twilioError(status: number, code: number, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, ...(headers ? { headers } : {}) };
}

/** The Message resource, as Twilio's JSON writes it (every number a string, dates RFC 2822). */
export function messageJson(ctx: SandboxContext, sms: SmsRecord): Record<string, unknown> {
  const { accountSid } = ctx.state.data.credentials;
  const uri = `${TWILIO_PREFIX}/Accounts/${accountSid}/Messages/${sms.sid}`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: sms.body,
    date_created: sms.dateCreated,
    date_sent: sms.dateSent,
    date_updated: sms.dateUpdated,
    direction: sms.direction,
    error_code: sms.errorCode,
    error_message: sms.errorMessage,
    from: sms.from,
    messaging_service_sid: sms.messagingServiceSid,
    num_media: '0',
    num_segments: String(sms.status === 'accepted' ? 0 : sms.segments),
    price: sms.price,
    price_unit: ctx.pricing.unit,
    sid: sms.sid,
    status: sms.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: sms.to,
    uri: `${uri}.json`,
  };
}
