import type { SandboxContext } from './http';
import type { Delivery } from './outbox';
import { rfc2822, twilioSid, type SmsRecord } from './state';
import { twilioSignature } from './signing';
import { smsSegments } from '../../shared/notify/sms-segments';

/**
 * What happens to an SMS after Twilio took it, and what the phones send back:
 *
 * - each accepted message turns `sent` after `statusCallbackDelayMs` (its date_sent set, a Messaging
 *   Service's sender assigned), then `delivered` (or `undelivered` with 30003/30005 when its phone
 *   was told so) after as long again, its price set; each change is POSTed to its StatusCallback,
 *   form-encoded and signed with X-Twilio-Signature, once (Twilio does not retry status callbacks);
 * - a reply from a phone is an inbound message POSTed, signed, to the inbound URL; STOP (and
 *   Twilio's other opt-out keywords) opts the phone out of later sends (21610), START opts it in.
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const ERROR_MESSAGES: Record<number, string> = { 30003: 'Unreachable destination handset', 30005: 'Unknown destination handset' };

export function startLifecycle(ctx: SandboxContext, sms: SmsRecord): void {
  void lifecycle(ctx, sms).catch((error: unknown) => ctx.log(`status of ${sms.sid}: ${error instanceof Error ? error.message : String(error)}`));
}

async function lifecycle(ctx: SandboxContext, sms: SmsRecord): Promise<void> {
  const { outbox } = ctx;
  if (sms.status === 'accepted' || sms.status === 'queued') {
    await outbox.sleep(ctx.controls.settings.statusCallbackDelayMs);
    if (outbox.isStopped) return;
    const now = new Date();
    sms.status = 'sent';
    sms.from ??= ctx.serviceNumber;
    sms.dateSent = rfc2822(now);
    sms.dateUpdated = sms.dateSent;
    ctx.state.changed();
    await statusCallback(ctx, sms);
  }
  if (sms.status === 'sent') {
    await outbox.sleep(ctx.controls.settings.statusCallbackDelayMs);
    if (outbox.isStopped) return;
    const fate = ctx.state.data.phones[sms.to];
    sms.status = fate?.fate === 'undelivered' ? 'undelivered' : 'delivered';
    if (fate?.fate === 'undelivered') {
      sms.errorCode = fate.errorCode;
      sms.errorMessage = ERROR_MESSAGES[fate.errorCode] ?? null;
    }
    sms.price = `-${(ctx.pricing.perSegment * sms.segments).toFixed(5)}`;
    sms.dateUpdated = rfc2822(new Date());
    ctx.state.changed();
    await statusCallback(ctx, sms);
  }
}

function statusCallback(ctx: SandboxContext, sms: SmsRecord): Promise<Delivery> | undefined {
  if (!sms.statusCallback) return undefined;
  const params = new URLSearchParams({
    AccountSid: ctx.state.data.credentials.accountSid,
    ApiVersion: '2010-04-01',
    From: sms.from ?? '',
    MessageSid: sms.sid,
    MessageStatus: sms.status,
    SmsSid: sms.sid,
    SmsStatus: sms.status,
    To: sms.to,
  });
  if (sms.messagingServiceSid) params.set('MessagingServiceSid', sms.messagingServiceSid);
  if (sms.errorCode !== null) params.set('ErrorCode', String(sms.errorCode));
  if (sms.status === 'delivered' || sms.status === 'undelivered') params.set('RawDlrDoneDate', rawDlrDoneDate(new Date()));
  return postSigned(ctx, 'status-callback', sms.statusCallback, params);
}

/** The carrier's delivery receipt time, `YYMMDDhhmm`. */
const rawDlrDoneDate = (d: Date) => d.toISOString().slice(2, 16).replace(/[-T:]/g, '');

function postSigned(ctx: SandboxContext, kind: 'status-callback' | 'inbound', url: string, params: URLSearchParams): Promise<Delivery> {
  const signature = twilioSignature(ctx.state.data.credentials.authToken, url, params);
  return ctx.outbox.post({
    kind,
    url,
    contentType: 'application/x-www-form-urlencoded',
    body: params.toString(),
    headers: { 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' },
    maxAttempts: 1,
  });
}

export interface Reply {
  /** The phone replying, E.164. */
  from: string;
  body: string;
  /** The number replied to; by default the sender of the newest message to `from`. */
  to?: string;
}

export interface ReplyOutcome {
  messageSid: string;
  /** What the inbound webhook answered; absent when no inbound URL is configured. */
  delivery?: Delivery;
  optedOut: boolean;
}

/** A phone's reply: recorded as an inbound message, keywords applied, POSTed to the inbound URL. */
export async function reply(ctx: SandboxContext, { from, body, to }: Reply): Promise<ReplyOutcome> {
  const last = ctx.state.data.messages.findLast((m): m is SmsRecord => m.channel === 'sms' && m.direction === 'outbound-api' && m.to === from);
  const ours = to ?? last?.from ?? ctx.serviceNumber;
  const service = to ? null : (last?.messagingServiceSid ?? null);
  const keyword = body.trim().toUpperCase();
  if (OPT_OUT.has(keyword)) ctx.controls.optOut(from);
  if (OPT_IN.has(keyword)) ctx.controls.optIn(from);
  const now = rfc2822(new Date());
  const { segments, encoding } = smsSegments(body);
  const sms: SmsRecord = {
    channel: 'sms',
    sid: twilioSid('SM'),
    direction: 'inbound',
    to: ours,
    from,
    messagingServiceSid: service,
    body,
    status: 'received',
    segments,
    encoding,
    dateCreated: now,
    dateSent: now,
    dateUpdated: now,
    price: null,
    errorCode: null,
    errorMessage: null,
    statusCallback: null,
  };
  ctx.state.data.messages.push(sms);
  ctx.state.changed();
  const url = ctx.controls.settings.smsInboundUrl;
  const outcome: ReplyOutcome = { messageSid: sms.sid, optedOut: ctx.controls.isOptedOut(from) };
  if (!url) return outcome;
  const params = new URLSearchParams({
    SmsMessageSid: sms.sid,
    NumMedia: '0',
    SmsSid: sms.sid,
    SmsStatus: 'received',
    Body: body,
    To: ours,
    NumSegments: String(segments),
    MessageSid: sms.sid,
    AccountSid: ctx.state.data.credentials.accountSid,
    From: from,
    ApiVersion: '2010-04-01',
  });
  if (service) params.set('MessagingServiceSid', service);
  return { ...outcome, delivery: await postSigned(ctx, 'inbound', url, params) };
}
